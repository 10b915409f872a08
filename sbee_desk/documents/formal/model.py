"""What the letters and the work orders are about: the customer, the contract and the
unpaid invoices (plain values, carried to the edition's worker processes as payloads),
and a produced PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class UnpaidInvoice:
    """An overdue unpaid invoice at the edition date, with what remains due on it."""

    number: str
    period: str  # yyyy-mm (bordereau period)
    issued_on: dt.date
    due_on: dt.date
    amount_due: int


@dataclass(frozen=True, slots=True)
class Party:
    """The customer, the contract and the place a letter or an order is about."""

    police: str
    customer_code: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone_code: str | None
    phone: str | None
    agency_code: str
    agency_name: str | None
    voltage: str
    delivery_point: str | None
    meter_serial: str | None
    breaker: str | None
    bordereau_code: str | None
    suspended_on: dt.date
    invoices: tuple[UnpaidInvoice, ...] = ()

    @property
    def total_due(self) -> int:
        return sum(i.amount_due for i in self.invoices)

    def to_payload(self) -> dict[str, Any]:
        return {
            "police": self.police,
            "customer_code": self.customer_code,
            "customer_name": self.customer_name,
            "address": self.address,
            "quartier": self.quartier,
            "zone_code": self.zone_code,
            "phone": self.phone,
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "voltage": self.voltage,
            "delivery_point": self.delivery_point,
            "meter_serial": self.meter_serial,
            "breaker": self.breaker,
            "bordereau_code": self.bordereau_code,
            "suspended_on": self.suspended_on.isoformat(),
            "invoices": [
                [i.number, i.period, i.issued_on.isoformat(), i.due_on.isoformat(), i.amount_due]
                for i in self.invoices
            ],
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Party:
        values = dict(data)
        values["suspended_on"] = dt.date.fromisoformat(values["suspended_on"])
        values["invoices"] = tuple(
            UnpaidInvoice(n, p, dt.date.fromisoformat(i), dt.date.fromisoformat(d), int(a))
            for n, p, i, d, a in values["invoices"]
        )
        return cls(**values)


def blank(value: str | None) -> bool:
    """True when the export gave nothing (None, empty or spaces)."""
    return value is None or not value.strip()


@dataclass(frozen=True, slots=True)
class Rendered:
    """A produced PDF: its bytes, page count and SHA-256."""

    content: bytes
    pages: int
    sha256: str

    @classmethod
    def of(cls, content: bytes, pages: int) -> Rendered:
        return cls(content, pages, hashlib.sha256(content).hexdigest())
