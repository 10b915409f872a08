"""The Excel copy of a route sheet (openpyxl): the header, the recalls, one row per
visit in route order, totals, the signatures; printable on one page wide."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from sbee_desk.documents.formats import EXCEL_AMOUNT_FORMAT, format_date, plural
from sbee_desk.documents.route_sheet.model import COLUMNS, WORDS, RouteSheet, cell_texts

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_RECALL_FILL = PatternFill("solid", fgColor="FDECEA")
_THIN = Side(style="thin", color="BEC4CC")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def xlsx_bytes(sheet: RouteSheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = WORDS["title"]
    moment = dt.datetime.combine(sheet.visit_on, dt.time())
    wb.properties.created = wb.properties.modified = moment
    wb.properties.creator = "sbee-desk"
    ws.append([sheet.organisation])
    ws.append([sheet.unit])
    ws.append([sheet.agency])
    ws.append([WORDS["title"] + (f" — {WORDS['copy']}" if sheet.copy else "")])
    ws["A1"].font = Font(bold=True, size=12)
    ws["A4"].font = Font(bold=True, size=14)
    ws.append([WORDS["agent"], f"{sheet.agent_name} ({sheet.matricule})"])
    ws.append([WORDS["date"], format_date(sheet.visit_on)])
    ws.append([WORDS["window"], WORDS["window_value"]])
    ws.append([WORDS["visits"], len(sheet.visits)])
    ws.append([WORDS["window_note"]])
    ws.append([])
    if sheet.recalls:
        ws.append([WORDS["recalls"]])
        ws.cell(ws.max_row, 1).font = Font(bold=True, color="A01E1E")
        ws.append([WORDS["recalls_note"]])
        ws.append(["Ordre n°", "Police", "Client", "Adresse", "Quartier", WORDS["recall_reason"]])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for r in sheet.recalls:
            ws.append([r.number, r.police, r.customer_name, r.address, r.quartier, r.reason])
            for cell in ws[ws.max_row]:
                cell.fill = _RECALL_FILL
        ws.append([])
    ws.append([title for _, title, _ in COLUMNS])
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    amount_col = [k for k, _, _ in COLUMNS].index("montant") + 1
    for rank, visit in enumerate(sheet.visits, 1):
        texts = cell_texts(rank, visit)
        values: list[object] = [texts[k] for k, _, _ in COLUMNS]
        values[0] = rank
        values[amount_col - 1] = visit.amount_due
        ws.append(values)
        row = ws.max_row
        ws.row_dimensions[row].height = 30
        for cell in ws[row]:
            cell.border = _BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.cell(row, amount_col).number_format = EXCEL_AMOUNT_FORMAT
    ws.append(
        [WORDS["total"].split(":")[0].strip(), plural(len(sheet.visits), "visite", "visites")]
        + [None] * (amount_col - 3)
        + [sheet.amount]
    )
    total_row = ws.max_row
    for cell in ws[total_row]:
        cell.font = Font(bold=True)
    ws.cell(total_row, amount_col).number_format = EXCEL_AMOUNT_FORMAT
    ws.append([])
    ws.append([WORDS["sign_agent"], None, None, None, None, None, WORDS["sign_chef"]])
    for index, (_, _, width) in enumerate(COLUMNS, 1):
        letter = ws.cell(1, index).column_letter
        ws.column_dimensions[letter].width = max(8.0, width * 0.6)
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
