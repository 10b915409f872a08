"""Where the dossier's events come from (#16): one function per part of the story,
each one query (or two) by police or by the ids an earlier part found — every one
through an index (bench/bench_dossier.py prints their plans).

A new part of the story is one function here (see :func:`handoffs`), appended to
:data:`SOURCES`, its kind in ``model.KINDS`` and its sentence in
``wording.contract_card``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from sbee_desk.db.models import (
    AuditEvent,
    Bordereau,
    BordereauValidation,
    Candidate,
    Contract,
    ContractTermination,
    Customer,
    Derogation,
    EditionDocument,
    ExclusionReason,
    GcReturnFile,
    GcReturnLine,
    HandoffBatch,
    InterventionReport,
    Invoice,
    LitigationHandoff,
    OrderAssignment,
    Payment,
    ReminderLetter,
    SelectionRun,
    SettlementHandoff,
    StaffMember,
    StoreReturn,
    Suspension,
    User,
    WorkOrder,
)
from sbee_desk.services.audit_log_model import aware
from sbee_desk.services.dossier.model import CardEvent, CardInvoice
from sbee_desk.services.edition.model import document_number


def _day(moment: dt.datetime | None) -> dt.date | None:
    return moment.date() if moment is not None else None


def _at(moment: dt.datetime | None) -> dt.datetime | None:
    return aware(moment) if moment is not None else None


#: the records kept per work order (an assignment, a return to the store, a CRI)
_OfOrder = TypeVar("_OfOrder", OrderAssignment, StoreReturn, InterventionReport)


@dataclass
class Story:
    """What the sources share while one dossier is read."""

    session: Session
    police: str
    contract: Contract
    customer: Customer
    events: list[tuple[CardEvent, str | None]] = field(default_factory=list)
    #: (entity, key) of the journal's events about the contract, by entity
    journal: dict[str, set[str]] = field(default_factory=dict)
    invoices: list[CardInvoice] = field(default_factory=list)
    suspensions: list[Suspension] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    letter_ids: list[int] = field(default_factory=list)
    termination: ContractTermination | None = None
    _staff: dict[int, StaffMember] = field(default_factory=dict)

    def add(self, event: CardEvent, *, user: str | None = None) -> None:
        """One event; ``user``: the login of who did it (named at the end), unless the
        event already says who (a field agent)."""
        self.events.append((event, user))

    def of_orders(self, model: type[_OfOrder]) -> list[_OfOrder]:
        """The ``model`` records of the contract's work orders (none without an order)."""
        if not self.order_ids:
            return []
        return list(self.session.scalars(select(model).where(model.order_id.in_(self.order_ids))))

    def watch(self, entity: str, *keys: str) -> None:
        """The journal's events on ``entity`` under ``keys`` belong to the story."""
        self.journal.setdefault(entity, set()).update(keys)

    def staff(self, ids: Iterable[int | None]) -> dict[int, StaffMember]:
        """The field agents ``ids`` (one query for those not yet read)."""
        wanted = {i for i in ids if i is not None and i not in self._staff}
        if wanted:
            for m in self.session.scalars(select(StaffMember).where(StaffMember.id.in_(wanted))):
                self._staff[m.id] = m
        return self._staff

    def member(self, staff_id: int | None) -> StaffMember | None:
        """A field agent already read by :meth:`staff`."""
        return self._staff.get(staff_id) if staff_id is not None else None

    def agent(self, staff_id: int | None) -> str | None:
        """« Name (matricule) » of a field agent already read by :meth:`staff`."""
        member = self.member(staff_id)
        return f"{member.name} ({member.matricule})" if member else None


def contract_start(story: Story) -> None:
    c = story.contract
    if c.subscribed_on is not None:
        story.add(CardEvent(c.subscribed_on, "subscription", {"voltage": c.voltage}))
    story.watch("contract", story.police)
    story.watch("contrats", story.police)
    story.watch("clients", story.customer.code)


def invoices(story: Story) -> None:
    """Invoices (the covering index by police) and their payments (by invoice)."""
    s = story.session
    paid_by: dict[str, int] = {}
    payments = s.execute(
        select(Payment.invoice_number, Payment.reference, Payment.paid_on, Payment.amount)
        .join(Invoice, Invoice.number == Payment.invoice_number)
        .where(Invoice.police == story.police)
    ).all()
    for number, _reference, _paid_on, amount in payments:
        paid_by[number] = paid_by.get(number, 0) + amount
    rows = s.execute(
        select(
            Invoice.number,
            Invoice.issued_on,
            Invoice.due_on,
            Invoice.amount,
            Invoice.cancelled,
            Bordereau.period,
        )
        .join(Bordereau, Bordereau.code == Invoice.bordereau_code)
        .where(Invoice.police == story.police)
        .order_by(Invoice.issued_on, Invoice.number)
    ).all()
    for number, issued_on, due_on, amount, cancelled, period in rows:
        invoice = CardInvoice(
            number, period, issued_on, due_on, amount, paid_by.get(number, 0), bool(cancelled)
        )
        story.invoices.append(invoice)
        story.add(
            CardEvent(
                issued_on,
                "invoice",
                {
                    "number": number,
                    "period": period,
                    "amount": amount,
                    "due_on": due_on,
                    "paid": invoice.paid,
                    "balance": invoice.balance,
                    "cancelled": invoice.cancelled,
                },
            )
        )
    story.watch("factures", *(i.number for i in story.invoices))
    for number, reference, paid_on, amount in payments:
        story.add(
            CardEvent(
                paid_on, "payment", {"invoice": number, "reference": reference, "amount": amount}
            )
        )
        story.watch("reglements", f"{number}/{reference}")


def suspensions(story: Story) -> None:
    s = story.session
    story.suspensions = list(s.scalars(select(Suspension).where(Suspension.police == story.police)))
    for sus in story.suspensions:
        story.add(CardEvent(sus.suspended_on, "suspension", {"bordereau": sus.bordereau_code}))
        if sus.restored_on is not None:
            story.add(CardEvent(sus.restored_on, "restoration", {}))
        story.watch("interruptions", f"{story.police}/{sus.suspended_on.isoformat()}")


def derogations(story: Story) -> None:
    for d in story.session.scalars(select(Derogation).where(Derogation.police == story.police)):
        facts = {
            "reference": d.reference,
            "valid_until": d.valid_until,
            "document": d.document_reference,
        }
        story.add(
            CardEvent(d.decided_on, "derogation", facts, at=_at(d.recorded_at)),
            user=d.recorded_by,
        )
    story.watch("derogation", story.police)


def selection_runs(story: Story) -> None:
    """Every run that listed the contract: its decision, the chef's exclusion (with its
    reason), and the validation (letter or order, or dropped and why)."""
    s = story.session
    rows = s.execute(
        select(
            Candidate,
            SelectionRun.run_on,
            SelectionRun.created_by,
            SelectionRun.created_at,
            ExclusionReason.label,
            BordereauValidation.validated_by,
            BordereauValidation.validated_at,
            Derogation.reference,
        )
        .join(SelectionRun, SelectionRun.id == Candidate.run_id)
        .outerjoin(ExclusionReason, ExclusionReason.code == Candidate.exclusion_code)
        .outerjoin(
            BordereauValidation,
            and_(
                BordereauValidation.run_id == Candidate.run_id,
                BordereauValidation.bordereau_code == Candidate.bordereau_code,
            ),
        )
        .outerjoin(Derogation, Derogation.id == Candidate.derogation_id)
        # run by run in the (run, police) index: there is no index on the police alone
        # (migration 0018), and the runs kept are few beside their lines
        .where(
            Candidate.run_id.in_(select(SelectionRun.id).scalar_subquery()),
            Candidate.police == story.police,
        )
        .order_by(Candidate.run_id)
    ).all()
    for c, run_on, run_by, run_at, label, validated_by, validated_at, derogation in rows:
        facts = {
            "run": c.run_id,
            "decision": c.decision,
            "order_kind": c.order_kind,
            "unpaid_count": c.unpaid_count,
            "amount_due": c.amount_due,
            "derogation": derogation,
        }
        story.add(CardEvent(run_on, "selection", facts, at=_at(run_at)), user=run_by)
        if c.excluded_at is not None:
            story.add(
                CardEvent(
                    c.excluded_at.date(),
                    "exclusion",
                    {
                        "run": c.run_id,
                        "code": c.exclusion_code,
                        "label": label,
                        "reason": c.excluded_reason,
                    },
                    at=_at(c.excluded_at),
                ),
                user=c.excluded_by,
            )
        if validated_at is not None:
            if c.excluded_at is not None:
                outcome = "EXCLUDED"
            elif c.dropped_code is not None:
                outcome = "DROPPED"
            else:
                outcome = {"RELANCE": "LETTER", "RESILIATION": "ORDER"}.get(c.decision, "NONE")
            story.add(
                CardEvent(
                    validated_at.date(),
                    "validation",
                    {
                        "run": c.run_id,
                        "outcome": outcome,
                        "dropped": c.dropped_code,
                        "order_kind": c.order_kind,
                    },
                    at=_at(validated_at),
                ),
                user=validated_by,
            )
        story.watch("candidate", f"{c.run_id}:{story.police}")


def letters(story: Story) -> None:
    s = story.session
    rows = list(s.scalars(select(ReminderLetter).where(ReminderLetter.police == story.police)))
    story.staff(r.delivered_by for r in rows)
    for letter in rows:
        story.letter_ids.append(letter.id)
        number = document_number(letter.id)
        story.add(CardEvent(letter.created_on, "letter", {"number": number}))
        if letter.delivered_on is not None:
            story.add(
                CardEvent(
                    letter.delivered_on,
                    "letter_delivered",
                    {
                        "number": number,
                        "impossible": letter.impossible_reason,
                        "to": letter.delivered_to,
                        "by": story.agent(letter.delivered_by),
                        "attempts": letter.attempts,
                    },
                    at=_at(letter.recorded_at),
                ),
                user=letter.recorded_by,
            )
        if letter.cancelled_on is not None:
            story.add(
                CardEvent(
                    letter.cancelled_on,
                    "letter_cancelled",
                    {"number": number, "reason": letter.cancel_reason},
                )
            )
        story.watch("reminder_letter", number, str(letter.id))


def orders(story: Story) -> None:
    s = story.session
    for order in s.scalars(select(WorkOrder).where(WorkOrder.police == story.police)):
        story.order_ids.append(order.id)
        number = document_number(order.id)
        facts: dict[str, Any] = {"number": number, "kind": order.kind, "status": order.status}
        if order.cause != "IMPAYES":  # entered by the chef for another cause (R8)
            facts |= {"cause": order.cause, "reason": order.cause_reason}
        story.add(CardEvent(order.created_on, "order", facts))
        if order.cancelled_on is not None:
            story.add(
                CardEvent(
                    order.cancelled_on,
                    "order_cancelled",
                    {"number": number, "reason": order.cancel_reason},
                )
            )
        story.watch("work_order", str(order.id))


def documents(story: Story) -> None:
    """The edition's documents of the letters and orders: printed, handed over (who)."""
    if not story.letter_ids and not story.order_ids:
        return
    d = EditionDocument
    columns = select(
        d.id,
        d.kind,
        d.number,
        d.printed_at,
        d.printed_by,
        d.print_count,
        d.handed_to,
        d.handed_at,
        d.handed_by,
    )
    # one query per key (an OR of the two would scan the table on SQLite)
    rows: list[Any] = []
    if story.letter_ids:
        rows += story.session.execute(columns.where(d.letter_id.in_(story.letter_ids))).all()
    if story.order_ids:
        rows += story.session.execute(columns.where(d.order_id.in_(story.order_ids))).all()
    rows.sort(key=lambda r: r.id)
    story.staff(r.handed_to for r in rows)
    for r in rows:
        facts = {"number": r.number, "document": r.kind, "count": r.print_count}
        if r.printed_at is not None:
            story.add(
                CardEvent(r.printed_at.date(), "document_printed", facts, at=_at(r.printed_at)),
                user=r.printed_by,
            )
        if r.handed_at is not None:
            story.add(
                CardEvent(
                    r.handed_at.date(),
                    "document_handed",
                    {**facts, "to": story.agent(r.handed_to)},
                    at=_at(r.handed_at),
                ),
                user=r.handed_by,
            )
        story.watch("edition_document", str(r.id))


def dispatches(story: Story) -> None:
    rows = story.of_orders(OrderAssignment)
    story.staff(a.staff_id for a in rows)
    for a in rows:
        member = story.member(a.staff_id)
        story.add(
            CardEvent(
                _day(a.assigned_at) or a.visit_on,
                "dispatch",
                {
                    "number": document_number(a.order_id),
                    "agent": member.matricule if member else None,
                    "agent_name": member.name if member else None,
                    "visit_on": a.visit_on,
                    "end": a.end_reason,
                },
                at=_at(a.assigned_at),
            ),
            user=a.assigned_by,
        )


def store_returns(story: Story) -> None:
    for r in story.of_orders(StoreReturn):
        story.add(
            CardEvent(
                r.returned_on,
                "store_return",
                {
                    "number": document_number(r.order_id),
                    "sheet": r.sheet_number,
                    "meter": r.meter_serial,
                    "breaker": r.breaker_serial,
                },
                at=_at(r.recorded_at),
            ),
            user=r.recorded_by,
        )


def reports(story: Story) -> None:
    """The CRIs of the orders, and their countersign."""
    rows = story.of_orders(InterventionReport)
    story.staff(ir.agent_id for ir in rows)
    for ir in rows:
        member = story.member(ir.agent_id)
        story.add(
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
                at=_at(ir.entered_at),
            ),
            user=ir.entered_by,
        )
        if ir.countersigned_at is not None:
            story.add(
                CardEvent(
                    ir.countersigned_at.date(),
                    "countersign",
                    {
                        "number": document_number(ir.order_id),
                        "by": ir.countersigned_by,
                        "override": ir.override_reason,
                    },
                    at=_at(ir.countersigned_at),
                ),
                user=ir.countersigned_by,
            )


def termination(story: Story) -> None:
    t = story.session.scalars(
        select(ContractTermination).where(ContractTermination.police == story.police)
    ).one_or_none()
    story.termination = t
    on = t.terminated_on if t is not None else story.contract.terminated_on
    if on is None:
        return
    facts = {
        "cause": t.cause if t is not None else None,
        "reason": t.reason if t is not None else None,
        "from_export": t is None,
    }
    story.add(
        CardEvent(on, "termination", facts, at=_at(t.recorded_at) if t else None),
        user=t.recorded_by if t is not None else None,
    )


def handoffs(story: Story) -> None:
    """The hand-off to apurement, and to contentieux when debt remained (R12): once per
    contract (R13), through the registers' unique index on police."""
    rows = story.session.execute(
        select(
            HandoffBatch.id,
            HandoffBatch.handed_on,
            HandoffBatch.created_by,
            HandoffBatch.created_at,
            SettlementHandoff.balance,
            LitigationHandoff.amount_due,
        )
        .join(HandoffBatch, HandoffBatch.id == SettlementHandoff.batch_id)
        .outerjoin(LitigationHandoff, LitigationHandoff.police == SettlementHandoff.police)
        .where(SettlementHandoff.police == story.police)
    ).all()
    for r in rows:
        facts = {"list": "APUREMENT", "number": r.id, "balance": r.balance}
        story.add(CardEvent(r.handed_on, "handoff", facts, at=_at(r.created_at)), user=r.created_by)
        if r.amount_due is not None:
            facts = {"list": "CONTENTIEUX", "number": r.id, "due": r.amount_due}
            story.add(
                CardEvent(r.handed_on, "handoff", facts, at=_at(r.created_at)),
                user=r.created_by,
            )


def gc_returns(story: Story) -> None:
    """The lines sent back to the gestion clientèle about the contract (#16)."""
    rows = story.session.execute(
        select(
            GcReturnLine.line_kind,
            GcReturnFile.file_name,
            GcReturnFile.produced_on,
            GcReturnFile.created_by,
            GcReturnFile.created_at,
        )
        .join(GcReturnFile, GcReturnFile.id == GcReturnLine.file_id)
        .where(GcReturnLine.police == story.police)
    ).all()
    for r in rows:
        story.add(
            CardEvent(
                r.produced_on,
                "gc_return",
                {"line": r.line_kind, "file": r.file_name},
                at=_at(r.created_at),
            ),
            user=r.created_by,
        )


def journal(story: Story) -> None:
    """The audit trail's events about the contract and everything above: one query,
    each (entity, keys) through the index on (entity, entity_key)."""
    about = [
        and_(AuditEvent.entity == entity, AuditEvent.entity_key.in_(sorted(keys)))
        for entity, keys in sorted(story.journal.items())
        if keys
    ]
    if not about:
        return
    rows = story.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_key,
        ).where(or_(*about))
    ).all()
    for r in sorted(rows, key=lambda r: r.id):
        story.add(
            CardEvent(
                r.occurred_at.date(),
                "audit",
                {
                    "action": r.action,
                    "actor": r.actor,
                    "id": r.id,
                    "entity": r.entity,
                    "key": r.entity_key,
                },
                at=_at(r.occurred_at),
            ),
            user=r.actor,
        )


#: the parts of the story, in the order they are read (a later one may use the ids an
#: earlier one found: orders before their documents, dispatch, CRIs)
SOURCES: list[Callable[[Story], None]] = [
    contract_start,
    invoices,
    suspensions,
    derogations,
    selection_runs,
    letters,
    orders,
    documents,
    dispatches,
    store_returns,
    reports,
    termination,
    handoffs,
    gc_returns,
    journal,
]


def named(story: Story) -> list[CardEvent]:
    """The events with who did them: a user's full name and login (one query)."""
    logins = {user for _, user in story.events if user}
    names: dict[str, str] = {}
    if logins:
        names = dict(
            story.session.execute(
                select(User.login, User.full_name).where(User.login.in_(logins))
            ).all()
        )

    def who(login: str) -> str:
        name = names.get(login)
        return f"{name} ({login})" if name and name != login else login

    return [
        replace(event, who=who(user)) if user and event.who is None else event
        for event, user in story.events
    ]
