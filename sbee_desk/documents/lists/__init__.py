"""The three lists of a validated bordereau, in Excel and PDF (business-rules.md,
Documents): *Liste des clients à relancer*, *Liste des clients à résilier* and the
*Liste de contrôle* (exempt, excluded and waiting lines, for DIG / DAI).

A :class:`ListDocument` (plain values, no Session) goes in; bytes come out. Every
word printed comes from ``reports/lists.toml`` (:func:`load_list_texts`).

- :mod:`.model` — the lines and the document, file names;
- :mod:`.texts` — ``reports/lists.toml`` read and checked, the columns;
- :mod:`.content` — what both formats print: header block, line order, cell texts;
- :mod:`.xlsx` — the Excel writer (openpyxl);
- :mod:`.pdf` — the PDF writer (fpdf2): column widths, page breaks.
"""

from __future__ import annotations

from sbee_desk.documents.lists.content import Wording, cell_values, sorted_lines
from sbee_desk.documents.lists.model import (
    EMPTY_LIST_LABELS,
    FORMATS,
    Dropped,
    LineStatus,
    ListDocument,
    ListLine,
    list_file_name,
)
from sbee_desk.documents.lists.pdf import pdf_bytes
from sbee_desk.documents.lists.texts import (
    COLUMN_KEYS,
    ListTexts,
    load_list_texts,
    parse_list_texts,
)
from sbee_desk.documents.lists.xlsx import xlsx_bytes
from sbee_desk.domain.enums import ListKind

__all__ = [
    "COLUMN_KEYS",
    "EMPTY_LIST_LABELS",
    "FORMATS",
    "Dropped",
    "LineStatus",
    "ListDocument",
    "ListKind",
    "ListLine",
    "ListTexts",
    "Wording",
    "cell_values",
    "list_file_name",
    "load_list_texts",
    "parse_list_texts",
    "pdf_bytes",
    "render",
    "sorted_lines",
    "xlsx_bytes",
]


def render(doc: ListDocument, texts: ListTexts, file_format: str) -> bytes:
    """``xlsx`` or ``pdf`` bytes of ``doc``."""
    if file_format == "xlsx":
        return xlsx_bytes(doc, texts)
    if file_format == "pdf":
        return pdf_bytes(doc, texts)
    raise ValueError(f"unknown list format {file_format!r}")
