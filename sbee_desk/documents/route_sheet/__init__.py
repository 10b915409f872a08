"""Feuille de route: an agent's visits of a day, PDF (fpdf2) and Excel (openpyxl).

A :class:`RouteSheet` (plain values, no Session) goes in; bytes come out.

- :mod:`.model` — the sheet, its visits and recalls, the words printed;
- :mod:`.pdf` — A4 landscape: header, the R9 window, the visits in route order (the
  order number bar-coded), the recalls « à rappeler — ne pas intervenir », totals,
  signatures;
- :mod:`.xlsx` — the same content in a workbook.
"""

from __future__ import annotations

from sbee_desk.documents.route_sheet.model import (
    COLUMNS,
    WORDS,
    RecallLine,
    RouteSheet,
    Visit,
    cell_texts,
)
from sbee_desk.documents.route_sheet.pdf import pdf_bytes
from sbee_desk.documents.route_sheet.xlsx import xlsx_bytes

__all__ = [
    "COLUMNS",
    "WORDS",
    "RecallLine",
    "RouteSheet",
    "Visit",
    "cell_texts",
    "pdf_bytes",
    "xlsx_bytes",
]
