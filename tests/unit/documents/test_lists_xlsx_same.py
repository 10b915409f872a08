"""The Excel list shows exactly what openpyxl's public API writes of the same list
(#18): the writer builds the XML of its data rows itself, for speed; this module
keeps, as its reference, the list written cell by cell through openpyxl's public
write-only API (the writer as it was before, minus its private fast path), and
compares both workbooks re-read by openpyxl, cell by cell and setting by setting."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import replace
from typing import Any

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sbee_desk.documents.formats import (
    EXCEL_AMOUNT_FORMAT,
    EXCEL_COUNT_FORMAT,
    EXCEL_DATE_FORMAT,
)
from sbee_desk.documents.lists import Dropped, LineStatus, ListTexts, xlsx_bytes
from sbee_desk.documents.lists.content import Wording, cell_values, header, sorted_lines
from sbee_desk.documents.lists.model import ListDocument
from sbee_desk.documents.lists.texts import COLUMN_KEYS, NUMERIC
from sbee_desk.domain.enums import CustomerCategory, Decision, DropReason, ListKind
from sbee_desk.domain.journal_mark import JournalMark

# --------------------------------------------------------------------------- reference

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FIRST_DATA_ROW = 7
_HEADER_ROW = 6


def _hf(text: str) -> str:
    return text.replace("&", "&&")


def _cell(ws: Any, value: Any = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def reference_xlsx(doc: ListDocument, texts: ListTexts) -> bytes:
    """The list through openpyxl's public write-only API, a new cell per value."""
    head = header(doc, texts)
    columns = texts.columns[doc.kind]
    last_letter = get_column_letter(len(columns))
    keys = [c.key for c in columns]
    wb = Workbook(write_only=True)
    wb.properties.title = f"{head.title} — {doc.bordereau_code}"
    wb.properties.creator = "sbee-desk"
    wb.properties.subject = head.running
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", head.title)[:31])
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.excel_width
    ws.freeze_panes = f"A{_FIRST_DATA_ROW}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for row, height in ((3, 24), (_HEADER_ROW, 30)):
        ws.row_dimensions[row].height = height
    row_number = 0

    def append(cells: list[Any]) -> None:
        nonlocal row_number
        row_number += 1
        ws.append(cells)

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
        append([_cell(ws, text, font=font, alignment=Alignment(vertical="center"))])
        ws.merged_cells.add(f"A{row_number}:{last_letter}{row_number}")
    append(
        [
            _cell(
                ws,
                c.title,
                font=Font(bold=True, color="FFFFFF", size=10),
                fill=PatternFill("solid", fgColor="1F4E79"),
                border=_BORDER,
                alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            )
            for c in columns
        ]
    )
    formats = {
        "montant": EXCEL_AMOUNT_FORMAT,
        "suspendu_le": EXCEL_DATE_FORMAT,
        "impayes": EXCEL_COUNT_FORMAT,
        "jours": EXCEL_COUNT_FORMAT,
    }
    wording = Wording(texts)
    lines = sorted_lines(doc.kind, doc.lines)
    for line in lines:
        values = cell_values(line, wording)
        cells = []
        for key in keys:
            # the style first: a date would otherwise leave its default format unused
            cell = _cell(ws, font=Font(size=10), border=_BORDER)
            if key in formats:
                cell.number_format = formats[key]
            if key == "suspendu_le":
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif key in NUMERIC:
                cell.alignment = Alignment(vertical="top")
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.value = values[COLUMN_KEYS.index(key)]
            if key not in NUMERIC and cell.data_type == "f":
                cell.data_type = "s"
            cells.append(cell)
        append(cells)
    last_data_row = row_number
    if not lines:
        append([_cell(ws, texts.totals["empty"], font=Font(italic=True, size=10))])
        ws.merged_cells.add(f"A{row_number}:{last_letter}{row_number}")
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
        fill = PatternFill("solid", fgColor="DDE5ED")
        cell = _cell(ws, font=Font(bold=True, size=10), fill=fill, border=_BORDER)
        if i == 1 and key not in totals:
            cell.value = label
        elif key in totals:
            cell.value, cell.number_format = totals[key]
            cell.alignment = Alignment(horizontal="right")
        cells.append(cell)
    append(cells)
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
    ws.oddHeader.right.text = _hf(" · ".join(f"{lab} {value}" for lab, value in head.fields[:2]))
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = _hf(head.produced)
    ws.oddFooter.left.size = 8
    if head.journal:
        ws.oddFooter.center.text = _hf(head.journal)
        ws.oddFooter.center.size = 7
        wb.properties.description = head.journal
    ws.oddFooter.right.text = _hf(texts.header["page"]).format(page="&P", pages="&N")
    ws.oddFooter.right.size = 8
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- comparison


def load(content: bytes) -> Any:
    """The workbook re-read by openpyxl (normal mode), any warning an error; every
    part of the package well-formed XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_workbook(io.BytesIO(content))


def _side(side: Any) -> tuple[Any, ...]:
    return (side.style, side.color.rgb if side.color is not None else None)


def cell_facts(cell: Any) -> tuple[Any, ...]:
    font, fill, border, alignment = cell.font, cell.fill, cell.border, cell.alignment
    return (
        cell.coordinate,
        cell.value,
        type(cell.value),
        cell.data_type,
        getattr(cell, "is_date", None),  # not on a merged cell
        cell.number_format,
        (font.name, font.b, font.i, font.sz, font.color.rgb if font.color else None),
        (fill.fill_type, fill.fgColor.rgb, fill.bgColor.rgb),
        tuple(_side(s) for s in (border.left, border.right, border.top, border.bottom)),
        (alignment.horizontal, alignment.vertical, alignment.wrap_text),
    )


def _hf_facts(hf: Any) -> tuple[Any, ...]:
    return tuple(
        (part.text, part.size, part.font, part.color) for part in (hf.left, hf.center, hf.right)
    )


def sheet_facts(wb: Any) -> dict[str, Any]:
    ws = wb.active
    props = wb.properties
    return {
        "sheets": wb.sheetnames,
        "properties": (props.title, props.creator, props.subject, props.description),
        "size": (ws.max_row, ws.max_column),
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "heights": {r: ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)},
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "titles": ws.print_title_rows,
        "page": (
            ws.page_setup.orientation,
            ws.page_setup.paperSize,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
            ws.sheet_properties.pageSetUpPr.fitToPage,
            ws.print_options.horizontalCentered,
        ),
        "margins": tuple(
            getattr(ws.page_margins, m)
            for m in ("left", "right", "top", "bottom", "header", "footer")
        ),
        "header": _hf_facts(ws.oddHeader),
        "footer": _hf_facts(ws.oddFooter),
        "even": (_hf_facts(ws.evenHeader), _hf_facts(ws.evenFooter)),
    }


def assert_same(new: bytes, reference: bytes) -> None:
    a, b = load(new), load(reference)
    assert sheet_facts(a) == sheet_facts(b)
    rows_a = [[cell_facts(c) for c in row] for row in a.active.iter_rows()]
    rows_b = [[cell_facts(c) for c in row] for row in b.active.iter_rows()]
    assert len(rows_a) == len(rows_b)
    for row_a, row_b in zip(rows_a, rows_b, strict=True):
        assert row_a == row_b


# --------------------------------------------------------------------------- cases

LONG = "Lot " + "très long texte & <balise> " * 1_500  # ~40 000 characters: cut at 32 767
TRICKY = [
    "Dupont & Fils",
    "a < b > c",
    "=SUM(A1)",
    '=HYPERLINK("x")',
    "« é à ç » ŋ Ɔ — œ",
    "  espaces autour  ",
    "ligne 1\nligne 2\r\nligne 3\ttab",
    "_x0041_ littéral",
    "'apostrophe\" et guillemets",
    LONG,
    "",
]


def tricky_lines(make_line: Any) -> list[Any]:
    lines = []
    for n, text in enumerate(TRICKY):
        lines.append(
            make_line(
                f"P{n:07d}",
                text or "Sans nom",
                address=text,
                quartier=None if n % 2 else text,
                amount=n * 1_234_567,
                unpaid=n,
                suspended_on=dt.date(2026, 1, 1) + dt.timedelta(days=17 * n),
                reason=text or "motif",
                document_number=f"{n:08d}" if n % 3 else None,
            )
        )
    return lines


def control_lines(make_line: Any) -> list[Any]:
    return [
        make_line("P4", decision=Decision.ATTENTE_RELANCE, reason="lettre & <non> remise"),
        make_line("P3", decision=Decision.EXEMPTE, reason="client Agent SBEE : exempté"),
        make_line("P2", status=LineStatus.EXCLUDED, reason="=Litige en cours"),
        make_line("P1", status=LineStatus.DROPPED),
        make_line(
            "P0",
            status=LineStatus.CANCELLED,
            reason="rétabli le 23/11/2026",
            cancelled_on=dt.date(2026, 11, 24),
        ),
        make_line(
            "P5",
            status=LineStatus.DROPPED,
            dropped=Dropped(DropReason.TERMINATED, dt.date(2026, 11, 21)),
        ),
        make_line("P6", status=LineStatus.DROPPED, dropped=Dropped(DropReason.PAID, threshold=2)),
        make_line(
            "P8",
            status=LineStatus.DEROGATION,
            category=CustomerCategory.AGENT_SBEE,
            derogation_reference="DG/DCC/2026/014 & <bis>",
            derogation_decided_on=dt.date(2026, 11, 10),
        ),
        *tricky_lines(make_line)[:4],
    ]


JOURNAL = JournalMark(1234, "ab" * 32)


@pytest.mark.parametrize("kind", list(ListKind))
@pytest.mark.parametrize("journal", [None, JOURNAL])
def test_each_list_kind_shows_what_openpyxl_writes(
    kind, journal, make_document, make_line, texts
) -> None:
    lines = control_lines(make_line) if kind is ListKind.CONTROLE else tricky_lines(make_line)
    doc = make_document(kind, lines, journal=journal)
    assert_same(xlsx_bytes(doc, texts), reference_xlsx(doc, texts))


@pytest.mark.parametrize("kind", list(ListKind))
def test_an_empty_list(kind, make_document, texts) -> None:
    doc = make_document(kind, [], journal=JOURNAL)
    assert_same(xlsx_bytes(doc, texts), reference_xlsx(doc, texts))


def test_reordered_and_fewer_columns(make_document, make_line, texts) -> None:
    keep = {c.key: c for c in texts.columns[ListKind.A_RESILIER]}
    for keys in (("client", "police", "montant", "suspendu_le"), ("montant",), ("client",)):
        custom = replace(
            texts, columns={**texts.columns, ListKind.A_RESILIER: tuple(keep[k] for k in keys)}
        )
        doc = make_document(ListKind.A_RESILIER, tricky_lines(make_line))
        assert_same(xlsx_bytes(doc, custom), reference_xlsx(doc, custom))


def test_a_long_text_is_cut_as_excel_allows(make_document, make_line, texts) -> None:
    doc = make_document(ListKind.A_RESILIER, [make_line("P1", LONG)])
    cell = load(xlsx_bytes(doc, texts)).active.cell(_FIRST_DATA_ROW, 4)
    assert cell.value == LONG[:32_767]


def test_characters_xml_forbids_are_left_out(make_document, make_line, texts) -> None:
    """openpyxl refuses them (IllegalCharacterError, the whole list lost); the list
    leaves them out, as the import does."""
    bad = "a\x01b\x00c\x1fd\ufffee\x0bf"
    doc = make_document(ListKind.A_RESILIER, [make_line("P1", bad, reason=f"motif {bad}")])
    clean = make_document(ListKind.A_RESILIER, [make_line("P1", "abcdef", reason="motif abcdef")])
    assert_same(xlsx_bytes(doc, texts), reference_xlsx(clean, texts))


def _parts(content: bytes) -> dict[str, bytes]:
    """Each XML part of the package, canonical (C14N: the same text however encoded)."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {
            name: etree.tostring(etree.fromstring(package.read(name)), method="c14n")
            for name in package.namelist()
            if name != "docProps/core.xml"  # its creation time
        }


@pytest.mark.parametrize("kind", list(ListKind))
def test_the_package_is_the_xml_openpyxl_writes(kind, make_document, make_line, texts) -> None:
    """Beyond what openpyxl reads back: every part, element for element."""
    lines = control_lines(make_line) if kind is ListKind.CONTROLE else tricky_lines(make_line)
    for doc in (make_document(kind, lines, journal=JOURNAL), make_document(kind, [])):
        assert _parts(xlsx_bytes(doc, texts)) == _parts(reference_xlsx(doc, texts))
