"""What the letters and the work orders share: their data, their texts, their fonts,
their page.

- :mod:`.model` — the customer, the contract and the unpaid invoices; a produced PDF;
- :mod:`.texts` — ``reports/*.toml`` read and checked, the agency header;
- :mod:`.fonts` — the DejaVu fonts and their fast subset, prepared once per process;
- :mod:`.page` — the A4 page: header, paragraphs, fields, page numbers.

No Qt, no Session: plain values in, bytes out (architecture.md).
"""

from __future__ import annotations

from sbee_desk.documents.formal.fonts import (
    BOLD_FILE,
    FAST_RANGES,
    REGULAR_FILE,
    FontSet,
    font_set,
)
from sbee_desk.documents.formal.model import Party, Rendered, UnpaidInvoice, blank
from sbee_desk.documents.formal.page import MISSING_INK, FormalPDF, french_spacing
from sbee_desk.documents.formal.texts import (
    HEADER_NAMES,
    HEADER_SPEC,
    HeaderTexts,
    check_texts,
    load_texts,
)

__all__ = [
    "BOLD_FILE",
    "FAST_RANGES",
    "HEADER_NAMES",
    "HEADER_SPEC",
    "MISSING_INK",
    "REGULAR_FILE",
    "FontSet",
    "FormalPDF",
    "HeaderTexts",
    "Party",
    "Rendered",
    "UnpaidInvoice",
    "blank",
    "check_texts",
    "font_set",
    "french_spacing",
    "load_texts",
]
