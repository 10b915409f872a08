"""A contract's whole story in one place (issue #15, « the whole order in one place »):
its status, its termination, and its events in date order — suspensions, letters,
orders, dispatch, store return, CRI, countersign, termination, and the journal's
events about it. ``contract show`` prints it; the GUI's card shows it.

The service returns facts (a kind and plain values per event);
:mod:`sbee_desk.wording.contract_card` words them in French.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from sbee_desk.db.models import (
    AuditEvent,
    Contract,
    ContractTermination,
    Customer,
    InterventionReport,
    OrderAssignment,
    ReminderLetter,
    StaffMember,
    StoreReturn,
    Suspension,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.permissions import Action
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.cri.model import CriError
from sbee_desk.services.edition.model import document_number

#: the order of same-day events: the procedure's order
_RANK = {
    "suspension": 0,
    "restoration": 1,
    "letter": 2,
    "letter_delivered": 3,
    "letter_cancelled": 4,
    "order": 5,
    "dispatch": 6,
    "store_return": 8,
    "cri": 7,
    "countersign": 9,
    "termination": 10,
    "order_cancelled": 11,
    "audit": 12,
}


@dataclass(frozen=True)
class CardEvent:
    on: dt.date
    #: a key of ``_RANK`` (what happened); ``facts``: its plain values
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)


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


def _status(terminated_on: dt.date | None, suspensions: list[Suspension], on: dt.date) -> str:
    if terminated_on is not None and terminated_on <= on:
        return "RESILIE"
    current = [s for s in suspensions if s.suspended_on <= on]
    if current:
        latest = max(current, key=lambda s: s.suspended_on)
        if latest.restored_on is None or latest.restored_on > on:
            return "SUSPENDU"
    return "ACTIF"


def _day(moment: dt.datetime | None) -> dt.date | None:
    return moment.date() if moment is not None else None


def contract_card(uow: UnitOfWork, actor: Actor, police: str) -> ContractCard:
    """The card of contract ``police``; refused (French) when unknown."""
    key = police.strip()
    with uow:
        require(uow, actor, Action.READ)
        s = uow.session
        contract = s.get(Contract, key)
        if contract is None:
            raise CriError("CONTRACT_UNKNOWN", police=key)
        customer = s.get_one(Customer, contract.customer_code)
        events: list[CardEvent] = []
        suspensions = list(s.scalars(select(Suspension).where(Suspension.police == key)))
        for sus in suspensions:
            events.append(
                CardEvent(sus.suspended_on, "suspension", {"bordereau": sus.bordereau_code})
            )
            if sus.restored_on is not None:
                events.append(CardEvent(sus.restored_on, "restoration", {}))
        letters = list(s.scalars(select(ReminderLetter).where(ReminderLetter.police == key)))
        for letter in letters:
            number = document_number(letter.id)
            events.append(CardEvent(letter.created_on, "letter", {"number": number}))
            if letter.delivered_on is not None:
                events.append(
                    CardEvent(
                        letter.delivered_on,
                        "letter_delivered",
                        {"number": number, "impossible": letter.impossible_reason},
                    )
                )
            if letter.cancelled_on is not None:
                events.append(
                    CardEvent(
                        letter.cancelled_on,
                        "letter_cancelled",
                        {"number": number, "reason": letter.cancel_reason},
                    )
                )
        orders = list(s.scalars(select(WorkOrder).where(WorkOrder.police == key)))
        order_ids = [o.id for o in orders]
        for order in orders:
            number = document_number(order.id)
            facts = {"number": number, "kind": order.kind, "status": order.status}
            events.append(CardEvent(order.created_on, "order", facts))
            if order.cancelled_on is not None:
                events.append(
                    CardEvent(
                        order.cancelled_on,
                        "order_cancelled",
                        {"number": number, "reason": order.cancel_reason},
                    )
                )
        staff = {m.id: m for m in s.scalars(select(StaffMember))} if order_ids else {}
        for a in s.scalars(select(OrderAssignment).where(OrderAssignment.order_id.in_(order_ids))):
            member = staff.get(a.staff_id)
            events.append(
                CardEvent(
                    _day(a.assigned_at) or a.visit_on,
                    "dispatch",
                    {
                        "number": document_number(a.order_id),
                        "agent": member.matricule if member else None,
                        "agent_name": member.name if member else None,
                        "visit_on": a.visit_on,
                    },
                )
            )
        for r in s.scalars(select(StoreReturn).where(StoreReturn.order_id.in_(order_ids))):
            events.append(
                CardEvent(
                    r.returned_on,
                    "store_return",
                    {
                        "number": document_number(r.order_id),
                        "sheet": r.sheet_number,
                        "meter": r.meter_serial,
                        "breaker": r.breaker_serial,
                    },
                )
            )
        reports = list(
            s.scalars(select(InterventionReport).where(InterventionReport.order_id.in_(order_ids)))
        )
        for ir in reports:
            member = staff.get(ir.agent_id)
            events.append(
                CardEvent(
                    ir.visit_on,
                    "cri",
                    {
                        "number": document_number(ir.order_id),
                        "time": ir.visit_time,
                        "done": ir.done,
                        "agent": member.matricule if member else None,
                        "index": ir.index_read,
                        "meter": ir.meter_serial_found,
                        "remarks": [c for c in ir.remarks.split(",") if c],
                        "outside_window": ir.outside_window,
                        "entered_by": ir.entered_by,
                    },
                )
            )
            if ir.countersigned_at is not None:
                events.append(
                    CardEvent(
                        ir.countersigned_at.date(),
                        "countersign",
                        {
                            "number": document_number(ir.order_id),
                            "by": ir.countersigned_by,
                            "override": ir.override_reason,
                        },
                    )
                )
        termination = s.scalars(
            select(ContractTermination).where(ContractTermination.police == key)
        ).one_or_none()
        terminated_on = contract.terminated_on
        cause = None
        if termination is not None:
            terminated_on = termination.terminated_on
            cause = termination.cause
        if terminated_on is not None:
            events.append(
                CardEvent(
                    terminated_on,
                    "termination",
                    {"cause": cause, "from_export": termination is None},
                )
            )
        letter_keys = [document_number(x.id) for x in letters] + [str(x.id) for x in letters]
        journal = s.scalars(
            select(AuditEvent)
            .where(
                or_(
                    (AuditEvent.entity.in_(("contract", "contrats")))
                    & (AuditEvent.entity_key == key),
                    (AuditEvent.entity == "work_order")
                    & AuditEvent.entity_key.in_([str(i) for i in order_ids]),
                    (AuditEvent.entity == "reminder_letter")
                    & AuditEvent.entity_key.in_(letter_keys),
                )
            )
            .order_by(AuditEvent.id)
        )
        for e in journal:
            events.append(
                CardEvent(
                    e.occurred_at.date(),
                    "audit",
                    {"action": e.action, "actor": e.actor, "id": e.id},
                )
            )
        events.sort(key=lambda e: (e.on, _RANK[e.kind]))
        return ContractCard(
            police=key,
            customer_code=customer.code,
            customer_name=customer.name,
            address=customer.address,
            voltage=contract.voltage,
            meter_serial=contract.meter_serial,
            status=_status(terminated_on, suspensions, today()),
            terminated_on=terminated_on,
            termination_cause=cause,
            events=events,
        )
