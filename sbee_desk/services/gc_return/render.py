"""The return file's bytes (#16), as docs/return-file-format.md describes them: a
header row of :data:`COLUMNS`, then one row per line.

CSV: UTF-8 with a BOM, « ; », CRLF, dates aaaa-mm-jj, fields quoted only when they
hold a « ; », a quote or a line break. XLSX: one sheet « Retour GC », the same header
in row 1, texts as text cells (police and numbers keep their leading zeros), dates as
date cells, indexes as whole numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sbee_desk.services.gc_return.model import (
    COLUMNS,
    CSV_ENCODING,
    CSV_SEPARATOR,
    SHEET_TITLE,
    FileFormat,
    ReturnLine,
)
from sbee_desk.wording.formats import clean_text

_WIDTHS = (13, 14, 12, 12, 16, 24, 40, 10, 10, 40, 40)


def _csv_cell(value: str | int | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return clean_text(value)


def render_csv(lines: Sequence[ReturnLine]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow([_csv_cell(v) for v in line.values()])
    return out.getvalue().encode(CSV_ENCODING)


def render_xlsx(lines: Sequence[ReturnLine]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for column, width in enumerate(_WIDTHS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = width
        sheet[f"{letter}1"].font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row, line in enumerate(lines, start=2):
        for column, value in enumerate(line.values(), start=1):
            cell = sheet.cell(row=row, column=column)
            if value is None:
                continue
            if isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, int):
                cell.value = value
                cell.number_format = "0"
            else:
                cell.value = clean_text(value)
                cell.number_format = "@"
                if cell.data_type == "f":  # a text starting with « = » stays text
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(lines: Sequence[ReturnLine], file_format: FileFormat) -> bytes:
    return render_csv(lines) if file_format is FileFormat.CSV else render_xlsx(lines)
