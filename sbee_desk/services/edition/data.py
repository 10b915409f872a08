"""Reading what the documents need: the letters and orders still to produce, in print
order, and the values printed on each (a chunk at a time, a few set-based queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, literal, select

from sbee_desk.db.models import (
    Agency,
    Bordereau,
    Candidate,
    Contract,
    Customer,
    Derogation,
    EditionDocument,
    Invoice,
    Payment,
    ReminderLetter,
    SelectionRun,
    Suspension,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.formal import Party, UnpaidInvoice
from sbee_desk.documents.letters import LetterData
from sbee_desk.documents.orders import OrderData
from sbee_desk.documents.worker import Item
from sbee_desk.domain.plans import PlanValues
from sbee_desk.services.edition.model import DocumentKind, document_number, print_key
from sbee_desk.services.rules_sql import PlansSql


@dataclass
class Pending:
    kind: DocumentKind
    work_id: int
    police: str
    key: tuple[Any, ...]


def pending_work(uow: UnitOfWork, on: dt.date) -> list[Pending]:
    """Letters and orders with no document yet, in print order (one query each)."""
    out: list[Pending] = []
    for kind, model, doc_column, extra in (
        (
            DocumentKind.LETTER,
            ReminderLetter,
            EditionDocument.letter_id,
            [ReminderLetter.delivered_on.is_(None)],
        ),
        (DocumentKind.ORDER, WorkOrder, EditionDocument.order_id, []),
    ):
        rows = uow.session.execute(
            select(model.id, model.police, Contract.zone_code, Customer.quartier, Customer.address)
            .join(Contract, Contract.police == model.police)
            .join(Customer, Customer.code == Contract.customer_code)
            .where(model.cancelled_on.is_(None), model.created_on <= on, *extra)
            .where(~select(EditionDocument.id).where(doc_column == model.id).exists())
        ).all()
        out += [
            Pending(kind, r.id, r.police, print_key(r.zone_code, r.quartier, r.address, r.police))
            for r in rows
        ]
    out.sort(key=lambda p: (p.kind != DocumentKind.LETTER, p.key))
    return out


def load_items(
    uow: UnitOfWork, chunk: Sequence[Pending], on: dt.date, plans: PlansSql
) -> list[Item]:
    """The values to print for a chunk: four set-based queries.

    What depends on a plan (the letter's reminder delay, the payment term that makes an
    invoice without due date overdue, the exemption) comes from the plan snapshot of
    the run that produced the letter or order, not from today's plans (``plans``,
    used only for a run without a snapshot of that category). An order of an exempt
    category carries the DG derogation that allowed it (R4), from its candidate line —
    or its own, entered for another cause (R8); such an order also carries its cause.
    """
    session = uow.session
    letter_ids = [p.work_id for p in chunk if p.kind is DocumentKind.LETTER]
    order_ids = [p.work_id for p in chunk if p.kind is DocumentKind.ORDER]
    rows: dict[tuple[DocumentKind, int], Any] = {}
    none = literal(None)
    for kind, model, ids, kind_column, cause, cause_reason, derogation_id in (
        (
            DocumentKind.LETTER, ReminderLetter, letter_ids, none.label("order_kind"),
            none.label("cause"), none.label("cause_reason"), Candidate.derogation_id,
        ),
        (
            DocumentKind.ORDER, WorkOrder, order_ids, WorkOrder.kind.label("order_kind"),
            WorkOrder.cause, WorkOrder.cause_reason,
            # R8: an order entered for another cause carries its own derogation (R4)
            func.coalesce(WorkOrder.derogation_id, Candidate.derogation_id),
        ),
    ):  # fmt: skip
        if not ids:
            continue
        for r in session.execute(
            select(
                model.id,
                model.police,
                model.bordereau_code,
                kind_column,
                cause,
                cause_reason,
                model.run_id,
                Derogation.reference.label("derogation_reference"),
                Derogation.decided_on.label("derogation_on"),
                Suspension.suspended_on,
                Contract.delivery_point,
                Contract.meter_serial,
                Contract.breaker,
                Contract.zone_code,
                Contract.agency_code,
                Contract.voltage,
                Customer.code.label("customer_code"),
                Customer.name,
                Customer.address,
                Customer.quartier,
                Customer.phone,
                Customer.category,
                Agency.name.label("agency_name"),
            )
            .join(Suspension, Suspension.id == model.suspension_id)
            .join(Contract, Contract.police == model.police)
            .join(Customer, Customer.code == Contract.customer_code)
            .join(Agency, Agency.code == Contract.agency_code)
            .outerjoin(
                Candidate, and_(Candidate.run_id == model.run_id, Candidate.police == model.police)
            )
            .outerjoin(Derogation, Derogation.id == derogation_id)
            .where(model.id.in_(ids))
        ):
            rows[(kind, r.id)] = r
    snapshots = _run_plans(uow, {r.run_id for r in rows.values() if r.run_id is not None})
    polices = sorted({p.police for p in chunk})
    paid = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.invoice_number == Invoice.number, Payment.paid_on <= on)
        .scalar_subquery()
    )
    invoices: dict[str, list[Any]] = {}
    for r in session.execute(
        select(
            Invoice.number,
            Invoice.police,
            Invoice.issued_on,
            Invoice.due_on,
            Invoice.amount,
            Bordereau.period,
            paid.label("paid"),
        )
        .join(Bordereau, Bordereau.code == Invoice.bordereau_code)
        .where(Invoice.police.in_(polices), Invoice.cancelled.is_(False), Invoice.issued_on <= on)
        .order_by(Invoice.police, Invoice.issued_on, Invoice.number)
    ):
        invoices.setdefault(r.police, []).append(r)
    items: list[Item] = []
    for p in chunk:
        r = rows[(p.kind, p.work_id)]
        # an R8 order (no run) is judged by today's plans, as it was entered
        plan = snapshots.get(r.run_id, {}).get(r.category) or plans.values.get(r.category)
        term = plan.payment_term_days if plan is not None else 15
        unpaid = []
        for inv in invoices.get(r.police, []):
            due = inv.due_on or inv.issued_on + dt.timedelta(days=term)
            balance = int(inv.amount) - int(inv.paid)
            if due < on and balance > 0:  # R3: overdue and unpaid at the edition date
                unpaid.append(UnpaidInvoice(inv.number, inv.period, inv.issued_on, due, balance))
        party = Party(
            police=r.police,
            customer_code=r.customer_code,
            customer_name=r.name,
            address=r.address,
            quartier=r.quartier,
            zone_code=r.zone_code,
            phone=r.phone,
            agency_code=r.agency_code,
            agency_name=r.agency_name,
            voltage=r.voltage,
            delivery_point=r.delivery_point,
            meter_serial=r.meter_serial,
            breaker=r.breaker,
            bordereau_code=r.bordereau_code,
            suspended_on=r.suspended_on,
            invoices=tuple(unpaid),
        )
        number = document_number(p.work_id)
        if p.kind is DocumentKind.LETTER:
            delay = plan.reminder_delay_days if plan is not None else 7
            items.append(LetterData(p.work_id, number, on, delay, party))
        else:
            allowed_by = r.derogation_reference if plan is not None and plan.exempt else None
            items.append(
                OrderData(
                    p.work_id,
                    number,
                    r.order_kind,
                    on,
                    party,
                    allowed_by,
                    r.derogation_on if allowed_by else None,
                    cause=r.cause,
                    cause_reason=r.cause_reason,
                )
            )
    return items


def _run_plans(uow: UnitOfWork, run_ids: set[int]) -> dict[int, dict[str, PlanValues]]:
    """The plan snapshot of each run (category → values); a category the snapshot
    lacks, or cannot be read, is left out (the caller falls back on today's plan)."""
    out: dict[int, dict[str, PlanValues]] = {}
    if not run_ids:
        return out
    for run_id, snapshot in uow.session.execute(
        select(SelectionRun.id, SelectionRun.plan_snapshot).where(SelectionRun.id.in_(run_ids))
    ):
        plans: dict[str, PlanValues] = {}
        for code, values in (snapshot or {}).items():
            try:
                plans[code] = PlanValues.from_json(values)
            except (KeyError, TypeError, ValueError):
                continue
        out[run_id] = plans
    return out
