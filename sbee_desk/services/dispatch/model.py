"""Répartition's words in code: its error, the settings, and the plain result objects
the faces read (the faces word them in French)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sbee_desk.domain.dispatch import OrderStatus, Unplaced
from sbee_desk.services.errors import ServiceError

#: the staff register's function of the agents who receive the orders
FIELD_AGENT_ROLE = "AGENT_RECOUVREMENT"


class DispatchError(ServiceError):
    """Bad input or a refused dispatch; nothing changed."""


# --------------------------------------------------------------------------- settings

#: agency_setting keys, their default and their minimum
CAPACITY_KEY = "dispatch.daily_capacity"
MAX_ATTEMPTS_KEY = "dispatch.max_attempts"
SETTING_DEFAULTS = {CAPACITY_KEY: 12, MAX_ATTEMPTS_KEY: 3}
SETTING_MINIMUMS = {CAPACITY_KEY: 1, MAX_ATTEMPTS_KEY: 1}


@dataclass(frozen=True)
class DispatchSettings:
    #: visits an agent is given a day, at most, by the proposal
    daily_capacity: int = 12
    #: « non exécuté » visits after which the chef decides (keep trying or close)
    max_attempts: int = 3


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class OrderRow:
    """An order as the Répartition page and ``orders list`` show it."""

    id: int
    number: str
    police: str
    kind: str
    status: OrderStatus
    customer_name: str
    zone: str | None
    quartier: str | None
    address: str | None
    bordereau: str | None
    #: the day it was edited (its age counts from it), None before the edition
    edited_on: dt.date | None
    agent_matricule: str | None
    agent_name: str | None
    visit_on: dt.date | None
    attempts: int
    cancelled_on: dt.date | None
    cancel_reason: str | None
    #: cancelled while in an agent's hands and not yet called back (R7)
    to_recall: bool = False
    #: its dispatch version when read: a change confirmed from this row is refused if
    #: another workstation changed the order since
    version: int = 0
    #: IMPAYES, or the R8 cause the chef entered (FRAUDE, CONDITIONS, AUTRE)
    cause: str = "IMPAYES"

    def age(self, on: dt.date) -> int | None:
        """Days since its edition, at ``on``."""
        return (on - self.edited_on).days if self.edited_on is not None else None


@dataclass(frozen=True)
class AgentRow:
    """An agent de recouvrement of the staff register, with the load of a day."""

    staff_id: int
    matricule: str
    name: str
    zones: tuple[str, ...]
    active: bool
    load: int


@dataclass(frozen=True)
class ProposedVisit:
    order: OrderRow
    staff_id: int
    matricule: str


@dataclass(frozen=True)
class LeftOrder:
    """An order the proposal could give nobody, and why."""

    order: OrderRow
    reason: Unplaced
    zone: str | None


@dataclass(frozen=True)
class Proposal:
    visit_on: dt.date
    capacity: int
    visits: list[ProposedVisit]
    left: list[LeftOrder]
    agents: list[AgentRow]
    #: staff id → load of the day with the proposal
    loads: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AssignResult:
    visit_on: dt.date
    #: order numbers newly assigned, moved (another agent or day), already so
    assigned: list[str]
    moved: list[str]
    unchanged: list[str]
    #: staff id → matricule of the agents given orders
    agents: dict[int, str]


@dataclass(frozen=True)
class Recall:
    """An order cancelled (R7) while in an agent's hands: « à rappeler — ne pas intervenir »."""

    order_id: int
    number: str
    police: str
    customer_name: str
    address: str | None
    quartier: str | None
    staff_id: int
    matricule: str
    agent_name: str
    visit_on: dt.date
    cancelled_on: dt.date | None
    reason: str | None


@dataclass(frozen=True)
class SheetFile:
    matricule: str
    visit_on: dt.date
    pdf_name: str
    xlsx_name: str
    pdf: bytes
    xlsx: bytes
    visits: int
    recalls: int
    copy: bool


def sheet_stem(matricule: str, on: dt.date) -> str:
    """``feuille-de-route-<matricule>-<date>`` (import-format.md)."""
    return f"feuille-de-route-{matricule}-{on.isoformat()}"
