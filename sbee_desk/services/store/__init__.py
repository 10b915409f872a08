"""Step 5 — retour magasin (issue #15): the removed meter (and breaker) of a BT order
comes back to the store on a fiche de mouvement de stock; the order then carries the
mention « compteur (et disjoncteur) retourné(s) au magasin le dd/mm/yyyy » (R10).

- :mod:`.model`: the error, the settings, the result objects;
- :mod:`.data`: the order opened at the store, the returns, the sheets, « matériel non
  retourné », the R10 dates, the settings (reads);
- :mod:`.record`: recording a return (refusals, serial mismatches, sheet numbering),
  the settings (audited);
- :mod:`.sheets`: the fiche de mouvement de stock as a PDF.
"""

from __future__ import annotations

from sbee_desk.services.store.data import (
    find_sheet,
    keepers,
    list_returns,
    return_dates,
    store_settings,
    unreturned,
)
from sbee_desk.services.store.model import (
    NEW_SHEET,
    ExpectedEquipment,
    ReturnRow,
    SheetFile,
    SheetNumbering,
    SheetSummary,
    StoreError,
    StoreSettings,
    Unreturned,
    auto_sheet_number,
    same_serial,
    sheet_file_name,
)
from sbee_desk.services.store.record import (
    open_order,
    parse_order_number,
    record_return,
    set_store_settings,
)
from sbee_desk.services.store.sheets import sheet_pdf

__all__ = [
    "NEW_SHEET",
    "ExpectedEquipment",
    "ReturnRow",
    "SheetFile",
    "SheetNumbering",
    "SheetSummary",
    "StoreError",
    "StoreSettings",
    "Unreturned",
    "auto_sheet_number",
    "find_sheet",
    "keepers",
    "list_returns",
    "open_order",
    "parse_order_number",
    "record_return",
    "return_dates",
    "same_serial",
    "set_store_settings",
    "sheet_file_name",
    "sheet_pdf",
    "store_settings",
    "unreturned",
]
