"""The CRI's words in code: its error, what an entry gives, the plain result objects
the faces read (the faces word them in French)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.services.errors import ServiceError


class CriError(ServiceError):
    """Bad input or a refused CRI / countersign; nothing changed. ``number`` names the
    order and ``field`` (when one is at fault) the field to correct (the page puts the
    focus there): a key of ``wording.labels.CRI_FIELD_LABELS``."""

    @property
    def field(self) -> str | None:
        value = self.data.get("field")
        return str(value) if value is not None else None


#: the length of the free texts (the columns of intervention_report)
NOTE_LIMIT = 500
MISMATCH_LIMIT = 300
OVERRIDE_LIMIT = 300
SERIAL_LIMIT = 64
#: the staff register's functions who go to the field with an order
FIELD_ROLES = frozenset({"AGENT_RECOUVREMENT", "AGENT_RPNT"})


@dataclass(frozen=True)
class CriEntry:
    """What the agent de contrôle types from the paper, in the paper's order. Texts as
    typed: the service checks them (an index « 12a » is refused, naming the field)."""

    number: str
    visit_on: dt.date
    visit_time: str
    done: bool
    agent: str
    index: str = ""
    meter_serial: str = ""
    #: None: as the order's kind expects (BT done: removed; MT: never)
    meter_removed: bool | None = None
    breaker_removed: bool = False
    remarks: tuple[str, ...] = ()
    note: str = ""
    #: why the meter found differs from the contract's (required then)
    mismatch_note: str = ""


@dataclass(frozen=True)
class CriOrder:
    """An order as the CRI form shows it when scanned: what the paper shows."""

    id: int
    number: str
    police: str
    kind: str
    voltage: str
    status: OrderStatus
    customer_name: str
    address: str | None
    quartier: str | None
    meter_serial: str | None
    breaker: str | None
    agent_matricule: str | None
    agent_name: str | None
    visit_on: dt.date | None
    attempts: int
    cancelled_on: dt.date | None
    cancel_reason: str | None
    version: int = 0


@dataclass(frozen=True)
class CriResult:
    """A CRI saved: its order's new status and its flags."""

    report_id: int
    number: str
    police: str
    done: bool
    status: OrderStatus
    attempt: int
    outside_window: bool
    serial_mismatch: bool


@dataclass(frozen=True)
class PendingCri:
    """A CRI awaiting the chef's countersign, with its flags."""

    report_id: int
    order_id: int
    number: str
    police: str
    kind: str
    customer_name: str
    visit_on: dt.date
    visit_time: str
    agent_matricule: str
    agent_name: str
    index_read: int | None
    meter_serial_found: str | None
    expected_serial: str | None
    mismatch_note: str | None
    meter_removed: bool
    breaker_removed: bool
    remarks: tuple[str, ...]
    note: str | None
    entered_by: str
    entered_at: dt.datetime
    outside_window: bool
    serial_mismatch: bool
    #: a BT removal whose store return is not recorded yet (R10)
    no_store_return: bool
    version: int = 1

    @property
    def flagged(self) -> bool:
        return self.outside_window or self.no_store_return


@dataclass(frozen=True)
class CountersignResult:
    """Countersigned CRIs and the contracts they terminated (police → date)."""

    numbers: list[str]
    terminated: dict[str, dt.date] = field(default_factory=dict)
