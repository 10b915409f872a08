"""What an order is about (plain values, carried to the edition's worker processes as
payloads): its number, kind (R6: a removal for BT, an index check for MT), date and
party, what the export did not give, and its file name."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sbee_desk.documents.formal import Party, blank

DEPOSE = "DEPOSE"
CONTROLE_INDEX = "CONTROLE_INDEX"
KINDS = (DEPOSE, CONTROLE_INDEX)
#: R9 — removal visits between 08:00 and 14:30
FIELD_WINDOW = (dt.time(8, 0), dt.time(14, 30))
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]')

GAP_ADDRESS = "ADRESSE"
GAP_QUARTIER = "QUARTIER"
GAP_ZONE = "ZONE"
GAP_METER = "COMPTEUR"
GAP_BREAKER = "DISJONCTEUR"
GAP_DELIVERY_POINT = "PDL"


def order_file_name(police: str, number: str) -> str:
    """``ordre-<police>-<number>.pdf`` (import-format.md)."""
    return f"ordre-{_UNSAFE_IN_NAME.sub('_', police)}-{number}.pdf"


def format_time(value: dt.time) -> str:
    """``08h00`` (ui-guidelines.md)."""
    return f"{value:%H}h{value:%M}"


@dataclass(frozen=True, slots=True)
class OrderData:
    order_id: int
    #: the order number printed in clear and carried by the barcode (digits only)
    number: str
    kind: str  # DEPOSE (BT) or CONTROLE_INDEX (MT)
    edition_on: dt.date
    party: Party
    #: R4 — the DG derogation that allowed terminating an exempt customer, if any
    derogation_reference: str | None = None
    derogation_on: dt.date | None = None
    #: R10 — on a reprint after the store return: the mention worded (wording/store.py)
    #: and the stock movement sheet, filled in the store box (never in the payload: the
    #: stored document stays as edited)
    store_mention: str | None = None
    store_sheet: str | None = None
    #: R8 — the cause of a termination entered for another cause (FRAUDE, CONDITIONS,
    #: AUTRE) and the chef's stated reason, printed under the title; None or IMPAYES:
    #: the procedure's order (nothing printed)
    cause: str | None = None
    cause_reason: str | None = None

    @property
    def other_cause(self) -> bool:
        """An order entered for another cause (R8): its cause is printed."""
        return self.cause is not None and self.cause != "IMPAYES"

    def gaps(self) -> list[str]:
        """What the export did not give (printed as such, reported in the batch summary)."""
        p = self.party
        out = []
        if blank(p.address):
            out.append(GAP_ADDRESS)
        if blank(p.quartier):
            out.append(GAP_QUARTIER)
        if blank(p.zone_code):
            out.append(GAP_ZONE)
        if blank(p.meter_serial):
            out.append(GAP_METER)
        if self.kind == DEPOSE and blank(p.breaker):
            out.append(GAP_BREAKER)
        if blank(p.delivery_point):
            out.append(GAP_DELIVERY_POINT)
        return out

    def strings(self) -> list[str | None]:
        p = self.party
        return [
            p.customer_name,
            p.address,
            p.quartier,
            p.police,
            p.delivery_point,
            p.agency_name,
            p.customer_code,
            p.zone_code,
            p.meter_serial,
            p.breaker,
            p.phone,
            p.bordereau_code,
            self.number,
            self.derogation_reference,
            self.store_mention,
            self.store_sheet,
            self.cause_reason,
            *(i.number for i in p.invoices),
        ]

    def to_payload(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "number": self.number,
            "kind": self.kind,
            "edition_on": self.edition_on.isoformat(),
            "party": self.party.to_payload(),
            "derogation_reference": self.derogation_reference,
            "derogation_on": self.derogation_on.isoformat() if self.derogation_on else None,
            "cause": self.cause,
            "cause_reason": self.cause_reason,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> OrderData:
        derogation_on = data.get("derogation_on")  # absent from payloads before #10
        return cls(
            order_id=int(data["order_id"]),
            number=str(data["number"]),
            kind=str(data["kind"]),
            edition_on=dt.date.fromisoformat(data["edition_on"]),
            party=Party.from_payload(data["party"]),
            derogation_reference=data.get("derogation_reference"),
            derogation_on=dt.date.fromisoformat(derogation_on) if derogation_on else None,
            cause=data.get("cause"),  # absent from payloads before #16
            cause_reason=data.get("cause_reason"),
        )
