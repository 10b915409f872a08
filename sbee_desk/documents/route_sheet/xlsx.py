"""The Excel copy of a route sheet (openpyxl): the header, the recalls, one row per
visit in route order, totals, the signatures; printable on one page wide."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

from sbee_desk.documents.formats import EXCEL_AMOUNT_FORMAT, format_date, plural
from sbee_desk.documents.route_sheet.model import COLUMNS, WORDS, RouteSheet, cell_texts
from sbee_desk.documents.sheet_xlsx import BOX, column_header, finish, new_sheet

_RECALL_FILL = PatternFill("solid", fgColor="FDECEA")


def xlsx_bytes(sheet: RouteSheet) -> bytes:
    wb, ws = new_sheet(
        WORDS["title"],
        sheet.visit_on,
        (sheet.organisation, sheet.unit, sheet.agency),
        WORDS["title"] + (f" — {WORDS['copy']}" if sheet.copy else ""),
    )
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
    head_row = column_header(ws, [title for _, title, _ in COLUMNS])
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
            cell.border = BOX
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
    return finish(wb, ws, [width for _, _, width in COLUMNS], head_row)
