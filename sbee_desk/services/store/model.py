"""Retour magasin's words in code: its error, its settings and the plain result objects
the faces read (the faces word them in French)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.services.errors import ServiceError

#: the staff register's function of the store keepers
KEEPER_ROLE = "MAGASINIER"


class StoreError(ServiceError):
    """Bad input or a refused store return; nothing changed."""


# --------------------------------------------------------------------------- settings


class SheetNumbering(StrEnum):
    """Who numbers the fiches de mouvement de stock (agency setting)."""

    AUTO = "AUTO"  # sbee-desk, per agency and year: « FMS-<agence>-<année>-<00001> »
    TYPED = "TYPED"  # typed from the store's own book


NUMBERING_KEY = "store.sheet_numbering"
RETURN_DELAY_KEY = "store.return_delay_days"
DEFAULT_RETURN_DELAY_DAYS = 2
#: the word asking for a new sheet numbered by sbee-desk (``--sheet AUTO``)
NEW_SHEET = "AUTO"
#: longest texts kept (the columns' sizes)
SHEET_MAX, SERIAL_MAX, NOTE_MAX = 32, 64, 300


@dataclass(frozen=True)
class StoreSettings:
    numbering: SheetNumbering = SheetNumbering.AUTO
    #: days after the removal from which equipment not back is « matériel non retourné »
    return_delay_days: int = DEFAULT_RETURN_DELAY_DAYS


def auto_sheet_number(agency: str, year: int, seq: int) -> str:
    """« FMS-<agence>-<année>-<n° sur 5 chiffres> »."""
    return f"FMS-{agency}-{year}-{seq:05d}"


def same_serial(a: str | None, b: str | None) -> bool:
    """Two serials are the same one, whatever the case and the spaces typed."""
    return _key(a) == _key(b)


def _key(serial: str | None) -> str:
    return "".join((serial or "").split()).upper()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ReturnRow:
    """A recorded store return, with what was expected (R10)."""

    order_id: int
    number: str
    police: str
    customer_name: str
    agency_code: str
    sheet_number: str
    returned_on: dt.date
    meter_serial: str | None
    breaker_serial: str | None
    expected_meter: str | None
    expected_breaker: str | None
    mismatch_note: str | None
    keeper_matricule: str | None
    keeper_name: str | None
    recorded_by: str
    #: the sheet was opened by this return
    new_sheet: bool = False

    @property
    def meter_differs(self) -> bool:
        return not same_serial(self.meter_serial, self.expected_meter)

    @property
    def breaker_differs(self) -> bool:
        return self.breaker_serial is not None and not same_serial(
            self.breaker_serial, self.expected_breaker
        )


@dataclass(frozen=True)
class ExpectedEquipment:
    """An order opened at the store (scanned or typed): what should come back."""

    order_id: int
    number: str
    police: str
    customer_name: str
    address: str | None
    agency_code: str
    status: OrderStatus
    agent_matricule: str | None
    agent_name: str | None
    visit_on: dt.date | None
    meter_serial: str | None
    breaker: str | None


@dataclass(frozen=True)
class Unreturned:
    """A BT removal done (CRI or status) whose equipment is not back at the store."""

    order_id: int
    number: str
    police: str
    customer_name: str
    status: OrderStatus
    agent_matricule: str | None
    agent_name: str | None
    #: the day of the removal (the CRI's visit, else the dispatch's visit date)
    removed_on: dt.date | None
    meter_serial: str | None
    days: int | None


@dataclass(frozen=True)
class SheetSummary:
    number: str
    agency_code: str
    issued_on: dt.date
    typed: bool
    keeper_matricule: str | None
    keeper_name: str | None
    returns: int


@dataclass(frozen=True)
class SheetFile:
    number: str
    file_name: str
    pdf: bytes
    returns: int


def sheet_file_name(number: str) -> str:
    """``fiche-mouvement-stock-<n°>.pdf`` (characters unsafe in a file name replaced)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in number)
    return f"fiche-mouvement-stock-{safe}.pdf"
