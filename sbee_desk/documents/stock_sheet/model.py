"""The stock sheet's values and the words it prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sbee_desk.documents.formats import format_date

WORDS = {
    "title": "Fiche de mouvement de stock",
    "subtitle": "Entrée en magasin du matériel déposé (retour magasin, R10)",
    "number": "Fiche n°",
    "date": "Date",
    "keeper": "Magasinier",
    "typed": "n° du registre du magasin",
    "lines": "Matériel reçu",
    "no_line": "Aucun matériel reçu sur cette fiche.",
    "total": "Total : {orders} — {meters} — {breakers}",
    "mismatches": "{count} (voir la colonne « Écart constaté »)",
    "differs": "≠ attendu {expected}",
    "sign_keeper": "Le magasinier (nom et signature)",
    "sign_agent": "L'agent qui a rapporté le matériel",
    "sign_chef": "Le chef section RPNT (visa)",
    "produced": "Établie par {by}",
    "page": "Page {page} / {pages}",
}

#: (key, title, width share)
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("rang", "N°", 7.0),
    ("ordre", "Ordre n°", 20.0),
    ("police", "Police", 22.0),
    ("client", "Client", 44.0),
    ("date", "Reçu le", 18.0),
    ("compteur", "Compteur reçu", 34.0),
    ("disjoncteur", "Disjoncteur reçu", 34.0),
    ("ecart", "Écart constaté (explication)", 70.0),
)


@dataclass(frozen=True)
class SheetLine:
    number: str
    police: str
    customer_name: str
    returned_on: dt.date
    meter_serial: str | None
    breaker_serial: str | None
    expected_meter: str | None
    expected_breaker: str | None
    meter_differs: bool
    breaker_differs: bool
    mismatch_note: str | None


@dataclass(frozen=True)
class StockSheetDoc:
    organisation: str
    unit: str
    agency: str
    number: str
    issued_on: dt.date
    typed: bool
    keeper: str | None
    lines: tuple[SheetLine, ...]
    produced_by: str

    @property
    def mismatches(self) -> int:
        return sum(1 for x in self.lines if x.meter_differs or x.breaker_differs)

    def running(self) -> str:
        return f"{WORDS['title']} n° {self.number} — {format_date(self.issued_on)}"


def cell_texts(rank: int, line: SheetLine) -> dict[str, str]:
    """What each column prints for a line."""
    meter = line.meter_serial or "—"
    if line.meter_differs:
        meter += f" ({WORDS['differs'].format(expected=line.expected_meter or '—')})"
    breaker = line.breaker_serial or "—"
    if line.breaker_differs:
        breaker += f" ({WORDS['differs'].format(expected=line.expected_breaker or '—')})"
    return {
        "rang": str(rank),
        "ordre": line.number,
        "police": line.police,
        "client": line.customer_name,
        "date": format_date(line.returned_on),
        "compteur": meter,
        "disjoncteur": breaker,
        "ecart": line.mismatch_note or "",
    }
