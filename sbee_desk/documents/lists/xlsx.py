"""The Excel copy of a list: openpyxl write-only.

Data cells are styled (borders, number formats, wrap), which openpyxl's public
``append`` makes costly (each styled cell passes an exception path); :class:`_RowSink`
hands the rows straight to openpyxl's own worksheet writer instead, with one reused
styled cell per column, and falls back to ``append`` if that private API ever changes.
See bench/bench_lists.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Generator
from operator import itemgetter
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sbee_desk.documents.formats import (
    EXCEL_AMOUNT_FORMAT,
    EXCEL_COUNT_FORMAT,
    EXCEL_DATE_FORMAT,
)
from sbee_desk.documents.lists.content import Wording, cell_values, header, sorted_lines
from sbee_desk.documents.lists.model import ListDocument
from sbee_desk.documents.lists.texts import COLUMN_KEYS, NUMERIC, ListTexts

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_TOTAL_FILL = PatternFill("solid", fgColor="DDE5ED")
_TOP = Alignment(vertical="top", wrap_text=True)
_FIRST_DATA_ROW = 7
_HEADER_ROW = _FIRST_DATA_ROW - 1


def _hf(text: str) -> str:
    """Text for an Excel page header/footer: ``&`` starts a code there."""
    return text.replace("&", "&&")


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


class _RowSink:
    """Writes rows of ready cells to a write-only worksheet.

    Fast path: openpyxl's worksheet writer directly (the private ``_get_writer``,
    ``_writer.xf`` and ``write_row`` that ``WriteOnlyWorksheet.append`` uses), so
    styled cells skip the per-cell type probing of ``append``. If that API is not
    there, ``append`` (public, slower) writes the same cells.
    """

    #: False forces the public path (tests, benchmark)
    use_writer = True

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self.row = 0
        self.fast = False
        writer_factory = getattr(ws, "_get_writer", None) if self.use_writer else None
        if writer_factory is not None:
            writer_factory()
            writer = getattr(ws, "_writer", None)
            if hasattr(writer, "xf") and hasattr(writer, "write_row"):
                stream = self._stream(writer)
                next(stream)
                ws._rows = stream  # WriteOnlyWorksheet.close() closes it, then writes the tail
                self._send: Callable[[list[Any]], Any] = stream.send
                self.fast = True
        if not self.fast:
            self._send = ws.append

    @staticmethod
    def _stream(writer: Any) -> Generator[None, list[Any], None]:
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    cells = yield
                    writer.write_row(xf, cells, row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        writer.xf.send(None)

    def write(self, cells: list[Any]) -> None:
        """Cells of the next row, their ``column`` set, in column order."""
        self.row += 1
        for cell in cells:
            cell.row = self.row
        self._send(cells)


class _DataCell(Cell):  # type: ignore[misc]  # openpyxl has no type hints
    """A data cell reused row after row, its style set once (:meth:`freeze`):
    openpyxl looks its style up again (hashing it) for every cell it writes, a fifth
    of the list's time; this one answers with the id found once (#18)."""

    __slots__ = ("_frozen_id",)

    def freeze(self) -> None:
        self._frozen_id: int = Cell.style_id.fget(self)

    @property
    def style_id(self) -> int:
        return self._frozen_id

    @property
    def has_style(self) -> bool:
        return True


def _cell(ws: Any, column: int, value: Any = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.column = column
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def write_xlsx(doc: ListDocument, texts: ListTexts, target: Any) -> None:
    """Write the workbook of ``doc`` to ``target`` (a path or a binary file object)."""
    head = header(doc, texts)
    columns = texts.columns[doc.kind]
    ncols = len(columns)
    last_letter = get_column_letter(ncols)
    keys = [c.key for c in columns]
    wb = Workbook(write_only=True)
    wb.properties.title = f"{head.title} — {doc.bordereau_code}"
    wb.properties.creator = "sbee-desk"
    wb.properties.subject = head.running
    ws = wb.create_sheet(_sheet_title(head.title))

    # What the writer emits before the rows: widths, frozen header, fit to page.
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.excel_width
    ws.freeze_panes = f"A{_FIRST_DATA_ROW}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for row, height in ((3, 24), (_HEADER_ROW, 30)):
        ws.row_dimensions[row].height = height
    sink = _RowSink(ws)

    # Header block: one merged line each.
    block = [
        (f"{head.organisation} — {head.unit}", Font(bold=True, size=10, color="404040")),
        (f"{head.agency} · {head.address}", Font(size=10, color="404040")),
        (head.title, Font(bold=True, size=15)),
        (
            " · ".join(f"{label}\u00a0: {value}" for label, value in head.fields[:3])
            + f" · {head.produced}",
            Font(size=10),
        ),
        (
            " ".join(
                f"{part}."
                for part in (head.subtitle, head.summary, head.breakdown, head.journal)
                if part
            ),
            Font(italic=True, size=10, color="404040"),
        ),
    ]
    for text, font in block:
        sink.write([_cell(ws, 1, text, font=font, alignment=Alignment(vertical="center"))])
        ws.merged_cells.add(f"A{sink.row}:{last_letter}{sink.row}")
    header_font = Font(bold=True, color="FFFFFF", size=10)
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sink.write(
        [
            _cell(
                ws,
                i,
                c.title,
                font=header_font,
                fill=_HEADER_FILL,
                border=_BORDER,
                alignment=header_alignment,
            )
            for i, c in enumerate(columns, 1)
        ]
    )

    # Data rows: one styled cell per column, reused row after row.
    data_font = Font(size=10)
    formats = {
        "montant": EXCEL_AMOUNT_FORMAT,
        "suspendu_le": EXCEL_DATE_FORMAT,
        "impayes": EXCEL_COUNT_FORMAT,
        "jours": EXCEL_COUNT_FORMAT,
    }
    row_cells = []
    for i, key in enumerate(keys, 1):
        cell = _DataCell(ws, row=1, column=i)
        cell.font, cell.border = data_font, _BORDER
        if key in formats:
            cell.number_format = formats[key]
        if key == "suspendu_le":
            cell.alignment = Alignment(horizontal="center", vertical="top")
        elif key in NUMERIC:
            cell.alignment = Alignment(vertical="top")
        else:
            cell.alignment = _TOP
        cell.freeze()
        row_cells.append(cell)
    text_cells = [c for c, k in zip(row_cells, keys, strict=True) if k not in NUMERIC]
    pick = itemgetter(*(COLUMN_KEYS.index(k) for k in keys))
    wording = Wording(texts)
    send = sink.write
    lines = sorted_lines(doc.kind, doc.lines)
    for line in lines:
        values = pick(cell_values(line, wording))
        if ncols == 1:
            values = (values,)
        for cell, value in zip(row_cells, values, strict=True):
            cell.value = value
        for cell in text_cells:
            if cell.data_type == "f":  # a text starting with "=" stays text, never a formula
                cell.data_type = "s"
        send(row_cells)
    last_data_row = sink.row
    if not lines:
        sink.write([_cell(ws, 1, texts.totals["empty"], font=Font(italic=True, size=10))])
        ws.merged_cells.add(f"A{sink.row}:{last_letter}{sink.row}")

    # Totals.
    total_font = Font(bold=True, size=10)
    totals: dict[str, Any] = {
        "impayes": (sum(line.unpaid_count for line in lines), EXCEL_COUNT_FORMAT),
        "montant": (sum(line.amount_due for line in lines), EXCEL_AMOUNT_FORMAT),
    }
    if "client" in keys and keys[0] != "client":
        totals["client"] = (len(lines), texts.totals["excel_clients_format"])
        label = texts.totals["label"]
    else:
        label = texts.total_label(len(lines))
    cells = []
    for i, key in enumerate(keys, 1):
        cell = _cell(ws, i, font=total_font, fill=_TOTAL_FILL, border=_BORDER)
        if i == 1 and key not in totals:
            cell.value = label
        elif key in totals:
            cell.value, cell.number_format = totals[key]
            cell.alignment = Alignment(horizontal="right")
        cells.append(cell)
    sink.write(cells)

    # Print setup (written after the rows).
    ws.auto_filter.ref = f"A{_HEADER_ROW}:{last_letter}{max(last_data_row, _HEADER_ROW)}"
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddHeader.left.text = _hf(head.agency)
    ws.oddHeader.left.size = 8
    ws.oddHeader.center.text = _hf(head.title)
    ws.oddHeader.center.size = 9
    ws.oddHeader.center.font = "Calibri,Bold"
    ws.oddHeader.right.text = _hf(
        " · ".join(f"{label} {value}" for label, value in head.fields[:2])
    )
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = _hf(head.produced)
    ws.oddFooter.left.size = 8
    if head.journal:  # the audit chain's head on every printed page (#12)
        ws.oddFooter.center.text = _hf(head.journal)
        ws.oddFooter.center.size = 7
        wb.properties.description = head.journal
    ws.oddFooter.right.text = _hf(texts.header["page"]).format(page="&P", pages="&N")
    ws.oddFooter.right.size = 8
    wb.save(target)


def xlsx_bytes(doc: ListDocument, texts: ListTexts) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(doc, texts, buffer)
    return buffer.getvalue()
