"""What the Excel copies of the sheets share (feuille de route, hand-off lists): the
agency's header and the title on top, the columns' header row, the boxed cells, and
a landscape A4 page one page wide with the header row repeated and page numbers.
Deterministic: the workbook's dates are the document's day, never the clock."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
THIN = Side(style="thin", color="BEC4CC")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def new_sheet(
    sheet_title: str, on: dt.date, letterhead: Sequence[str], title: str
) -> tuple[Workbook, Worksheet]:
    """A workbook dated ``on`` whose sheet starts with the ``letterhead`` lines
    (organisation, unit, agency) then the ``title``, in bold."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = sheet_title
    moment = dt.datetime.combine(on, dt.time())
    wb.properties.created = wb.properties.modified = moment
    wb.properties.creator = "sbee-desk"
    for line in letterhead:
        ws.append([line])
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.cell(ws.max_row, 1).font = Font(bold=True, size=14)
    return wb, ws


def column_header(ws: Worksheet, titles: Sequence[str]) -> int:
    """The columns' titles, white on the header's colour; returns their row."""
    ws.append(list(titles))
    head_row: int = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return head_row


def finish(wb: Workbook, ws: Worksheet, widths: Sequence[float], head_row: int) -> bytes:
    """The columns' widths (from the PDF's, in mm), the page set-up, the bytes."""
    for index, width in enumerate(widths, 1):
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
