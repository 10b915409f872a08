"""The contract's dossier as plain values (#16): the contract, its invoices, and its
story — one :class:`CardEvent` per thing that happened to it, with its date and who
did it. :mod:`sbee_desk.wording.contract_card` words each event in French."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

#: the kinds of event, in the procedure's order: the order of same-day events. A new
#: kind is one more name here, one source in ``services.dossier.sources`` and one
#: sentence in ``wording.contract_card``.
KINDS: tuple[str, ...] = (
    "subscription",
    "invoice",
    "payment",
    "suspension",
    "restoration",
    "derogation",
    "selection",
    "exclusion",
    "validation",
    "letter",
    "order",
    "document_printed",
    "document_handed",
    "letter_delivered",
    "letter_cancelled",
    "dispatch",
    "cri",
    "store_return",
    "countersign",
    "termination",
    "order_cancelled",
    "handoff",
    "gc_return",
    "audit",
)
RANK: dict[str, int] = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class CardEvent:
    on: dt.date
    #: one of :data:`KINDS` (what happened); ``facts``: its plain values
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)
    #: who did it: a user's name (login) or a field agent's name (matricule); None when
    #: it came from the gestion clientèle's export
    who: str | None = None
    #: the moment, when the row or the journal knows it (UTC)
    at: dt.datetime | None = None


@dataclass(frozen=True)
class CardInvoice:
    number: str
    #: the billing period « yyyy-mm » (its bordereau's)
    period: str
    issued_on: dt.date
    due_on: dt.date | None
    amount: int
    paid: int
    cancelled: bool

    @property
    def balance(self) -> int:
        return 0 if self.cancelled else max(0, self.amount - self.paid)


@dataclass(frozen=True)
class ContractCard:
    police: str
    customer_code: str
    customer_name: str
    address: str | None
    voltage: str
    meter_serial: str | None
    #: ACTIF, SUSPENDU or RESILIE (import-format.md)
    status: str
    terminated_on: dt.date | None
    #: IMPAYES for the procedure, an R8 cause, or None (terminated in the export)
    termination_cause: str | None
    events: list[CardEvent]
    quartier: str | None = None
    phone: str | None = None
    category: str | None = None
    agency_code: str | None = None
    zone_code: str | None = None
    delivery_point: str | None = None
    breaker: str | None = None
    subscribed_on: dt.date | None = None
    #: the R8 reason given with the termination, if any
    termination_reason: str | None = None
    invoices: tuple[CardInvoice, ...] = ()

    @property
    def balance(self) -> int:
        """What the contract still owes on its invoices (FCFA)."""
        return sum(i.balance for i in self.invoices)

    @property
    def unpaid_count(self) -> int:
        return sum(1 for i in self.invoices if i.balance > 0)
