"""Fiche de mouvement de stock: the store's receipt of the equipment removed in the
field (step 5, R10), as a PDF (fpdf2). A :class:`StockSheetDoc` (plain values, no
Session) goes in; bytes come out.

- :mod:`.model` — the sheet, its lines and the words printed;
- :mod:`.pdf` — A4 landscape: agency header, the sheet's number, date and store
  keeper, one line per order received (order n°, police, client, meter and breaker
  serials, the explanation of a serial that differs), totals, three signature boxes
  (magasinier, the agent who brought it, chef section RPNT).
"""

from __future__ import annotations

from sbee_desk.documents.stock_sheet.model import COLUMNS, WORDS, SheetLine, StockSheetDoc
from sbee_desk.documents.stock_sheet.pdf import pdf_bytes

__all__ = ["COLUMNS", "WORDS", "SheetLine", "StockSheetDoc", "pdf_bytes"]
