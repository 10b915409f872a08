"""The Excel copy of a list.

openpyxl (write-only) writes the package: the header block and the column titles,
the styles, widths, frozen header, filter and print setup, the properties. The rows
after the column titles (the data, the empty list's line, the totals: all but six
rows of a long list) are written here as the XML openpyxl writes for the same cells
(inline texts, numbers, dates as serial numbers, the style ids openpyxl gave the same
styles) and put into its sheet before ``</sheetData>``. A styled cell through
openpyxl costs several microseconds of Python, one written here well under one (#18,
bench/bench_lists.py); tests/unit/documents/test_lists_xlsx_same.py compares the
workbook with the same list written cell by cell through openpyxl's public API.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet

from sbee_desk.documents.formats import (
    EXCEL_AMOUNT_FORMAT,
    EXCEL_COUNT_FORMAT,
    EXCEL_DATE_FORMAT,
)
from sbee_desk.documents.lists.content import Wording, cell_values, header, sorted_lines
from sbee_desk.documents.lists.model import ListDocument, ListLine
from sbee_desk.documents.lists.texts import COLUMN_KEYS, NUMERIC, ListTexts

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_TOTAL_FILL = PatternFill("solid", fgColor="DDE5ED")
_TOP = Alignment(vertical="top", wrap_text=True)
_FIRST_DATA_ROW = 7
_HEADER_ROW = _FIRST_DATA_ROW - 1
#: rows turned into bytes at a time
_CHUNK = 2_000

#: what a cell's text may not hold: characters XML 1.0 forbids (openpyxl refuses
#: them, the import leaves them out) …
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: … and what must be written otherwise (``\r`` as a reference, or XML reads ``\n``)
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: the longest text of an Excel cell (openpyxl cuts there too)
_MAX_TEXT = 32_767
_EMPTY_NUMBER = ' t="n"></c>'  # None: a styled empty cell
_EMPTY_TEXT = ' t="inlineStr"></c>'  # ""


def _hf(text: str) -> str:
    """Text for an Excel page header/footer: ``&`` starts a code there."""
    return text.replace("&", "&&")


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def _text(value: str) -> str:
    """The end of a text cell after its style: type, escaped text, end tag."""
    if _SPECIAL.search(value) is not None:
        value = _FORBIDDEN.sub("", value)
        if not value:
            return _EMPTY_TEXT
        value = value[:_MAX_TEXT]
        space = value != value.strip()
        value = (
            value.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\r", "&#13;")
        )
    else:
        if len(value) > _MAX_TEXT:
            value = value[:_MAX_TEXT]
        space = value != value.strip()
    if space:
        return f' t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f' t="inlineStr"><is><t>{value}</t></is></c>'


@functools.lru_cache(maxsize=4096)
def _serial(value: dt.date) -> str:
    """A date's Excel serial number (its style shows it as a date)."""
    return _number(to_excel(value))


def _content(value: Any) -> str:
    """The end of a cell after its style, as openpyxl writes ``value``."""
    kind = type(value)
    if kind is str:
        return _text(value) if value else _EMPTY_TEXT
    if value is None:
        return _EMPTY_NUMBER
    if kind is int:
        return f' t="n"><v>{value}</v></c>'
    if kind is dt.date or kind is dt.datetime:
        return f' t="n"><v>{_serial(value)}</v></c>'
    if kind is bool:
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f' t="n"><v>{_number(value)}</v></c>'
    raise TypeError(f"a list cell cannot hold {value!r}")


def _number(value: float | Decimal) -> str:
    """As openpyxl writes a number: 16 significant digits, nothing for NaN or ∞."""
    number = float(value)
    return format(number, ".16g") if math.isfinite(number) else ""


def _row(number: int, cells: Iterable[tuple[str, int, Any]]) -> str:
    """A row of (column letter, style id, value)."""
    row = str(number)
    return (
        f'<row r="{row}">'
        + "".join(f'<c r="{letter}{row}" s="{style}"{_content(v)}' for letter, style, v in cells)
        + "</row>"
    )


def _style_id(ws: Any, **style: Any) -> int:
    """The id openpyxl gives this style in the workbook (registering it)."""
    cell = WriteOnlyCell(ws)
    for name, item in style.items():
        setattr(cell, name, item)
    return int(cell.style_id)


def _data_rows(
    lines: Sequence[ListLine],
    keys: list[str],
    styles: list[int],
    wording: Wording,
) -> Iterator[bytes]:
    """The data rows' XML, ``_CHUNK`` rows at a time."""
    if not lines:  # nor styles
        return
    prefixes = [f'<c r="{get_column_letter(i)}' for i in range(1, len(keys) + 1)]
    suffixes = [f'" s="{style}"' for style in styles]
    columns = list(zip(prefixes, suffixes, strict=True))
    order = [COLUMN_KEYS.index(k) for k in keys]
    pick = itemgetter(*order) if len(order) > 1 else lambda values: (values[order[0]],)
    content = _content
    parts: list[str] = []
    for number, line in enumerate(lines, _FIRST_DATA_ROW):
        if parts and number % _CHUNK == 0:
            yield "".join(parts).encode()
            parts.clear()
        row = str(number)
        parts.append(f'<row r="{row}">')
        for (prefix, suffix), value in zip(columns, pick(cell_values(line, wording)), strict=True):
            parts.append(prefix + row + suffix + content(value))
        parts.append("</row>")
    if parts:
        yield "".join(parts).encode()


def _splice(wb: Any, ws: Any, rows: Iterable[bytes], target: Any) -> None:
    """Save ``wb`` to ``target`` with ``rows`` put at the end of the sheet's data."""
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = ws.path.lstrip("/")
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            data = source.read(info)
            if info.filename != sheet:
                out.writestr(entry, data)
                continue
            head, end, tail = data.rpartition(b"</sheetData>")
            if not end:  # openpyxl writes its rows there: it always has (six of them)
                raise RuntimeError(f"{sheet}: no </sheetData> to put the rows before")
            with out.open(entry, "w", force_zip64=True) as stream:
                stream.write(head)
                for chunk in rows:
                    stream.write(chunk)
                stream.write(end)
                stream.write(tail)


def _cell(ws: Any, value: Any = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
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

    # Header block (openpyxl): one merged line each.
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
    for row, (text, font) in enumerate(block, 1):
        ws.append([_cell(ws, text, font=font, alignment=Alignment(vertical="center"))])
        ws.merged_cells.add(f"A{row}:{last_letter}{row}")
    header_font = Font(bold=True, color="FFFFFF", size=10)
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append(
        [
            _cell(
                ws,
                c.title,
                font=header_font,
                fill=_HEADER_FILL,
                border=_BORDER,
                alignment=header_alignment,
            )
            for c in columns
        ]
    )

    # Data rows (written here): one style per column.
    data_font = Font(size=10)
    formats = {
        "montant": EXCEL_AMOUNT_FORMAT,
        "suspendu_le": EXCEL_DATE_FORMAT,
        "impayes": EXCEL_COUNT_FORMAT,
        "jours": EXCEL_COUNT_FORMAT,
    }
    lines = sorted_lines(doc.kind, doc.lines)
    styles = []
    for key in keys if lines else ():  # no unused style in the workbook
        style: dict[str, Any] = {"font": data_font, "border": _BORDER}
        if key in formats:
            style["number_format"] = formats[key]
        if key == "suspendu_le":
            style["alignment"] = Alignment(horizontal="center", vertical="top")
        elif key in NUMERIC:
            style["alignment"] = Alignment(vertical="top")
        else:
            style["alignment"] = _TOP
        styles.append(_style_id(ws, **style))
    last_data_row = _HEADER_ROW + len(lines)
    tail: list[str] = []
    if not lines:
        empty = _style_id(ws, font=Font(italic=True, size=10))
        tail.append(_row(_FIRST_DATA_ROW, [("A", empty, texts.totals["empty"])]))
        ws.merged_cells.add(f"A{_FIRST_DATA_ROW}:{last_letter}{_FIRST_DATA_ROW}")

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
        style = {"font": total_font, "fill": _TOTAL_FILL, "border": _BORDER}
        value = None
        if i == 1 and key not in totals:
            value = label
        elif key in totals:
            value, style["number_format"] = totals[key]
            style["alignment"] = Alignment(horizontal="right")
        cells.append((get_column_letter(i), _style_id(ws, **style), value))
    tail.append(_row(max(last_data_row, _FIRST_DATA_ROW) + 1, cells))

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
    rows = _data_rows(lines, keys, styles, Wording(texts))
    _splice(wb, ws, itertools.chain(rows, ["".join(tail).encode()]), target)


def xlsx_bytes(doc: ListDocument, texts: ListTexts) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(doc, texts, buffer)
    return buffer.getvalue()
