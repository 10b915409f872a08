"""R7, restoration or payment ends the procedure (business-rules.md).

"If the contract is restored, or its overdue unpaid count falls below N, before the
order is executed, every pending letter/order for it is cancelled (kept, marked
cancelled with the reason), and the procedure ends for that suspension. This is
checked after every import, at validation and again just before edition and
printing."

One set-based check, :func:`cancel_ended`, run inside the caller's write
transaction: by the import (after the merge, so an import and its cancellations
are one), by the edition before producing anything, and by the print queue before
printing (:func:`sbee_desk.services.edition.check_r7`). Validation applies R7 to
the lines it validates (:mod:`sbee_desk.services.review`). A letter or order
already produced keeps its document, marked cancelled: the print queue shows it
struck out and refuses to print it.

Cancellation wins over printing, whatever the interleaving (#12): every transaction
that cancels (:func:`cancel_ended`), stores documents or stores a combined file first
calls :func:`serialise_with_r7` — on PostgreSQL the audit head's row lock, on
SQLite the database write lock — and the edition checks again, under that lock, that
what it stores is not cancelled. So either the cancellation commits first and the
edition leaves the cancelled work out, or the documents commit first and the
cancellation, which waits for them, flags them. :func:`cancel_ended` also flags the
documents of work cancelled before that lock existed (a database an earlier version
left inconsistent): a later import, edition or print check repairs them.

The procedure also ends when the export shows the contract terminated in gestion
clientèle (``date_resiliation``, R1): :class:`~sbee_desk.domain.cancellation.CancelCode`
names the cause (``TERMINATED_IN_EXPORT``, ``RESTORED``, ``PAID``). "The procedure
ends for that suspension": a letter already **delivered** is cancelled too — left
standing, it would let a later run of the same suspension go straight to an order
without a new reminder; cancelled, the suspension is never a candidate again (only
a later suspension starts a new procedure). Note for the CRI entry (R11), when it
lands: the contract it terminates must not cancel its own, executed, order.

An order for another cause (R8, ``work_order.cause`` not IMPAYES) ends with its
suspension's restoration or a termination in the export, never with a payment: its
cause is not the debt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, text, update

from sbee_desk.db.models import (
    AuditHead,
    Contract,
    Customer,
    EditionDocument,
    Invoice,
    Payment,
    ReminderLetter,
    StaffMember,
    Suspension,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.cancellation import CancelCode
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.rules_sql import PlansSql, load_plans
from sbee_desk.wording import r7 as words

#: the status of a document handed over to the releveur or the chef RPNT
#: (``edition.DocumentStatus.REMIS``; edition imports this module, not the reverse)
HANDED_OVER = "REMIS"


class DocumentKind(StrEnum):
    LETTER = "LETTER"
    ORDER = "ORDER"


__all__ = [
    "CancelCode",
    "Cancellation",
    "DocumentKind",
    "cancel_ended",
    "serialise_with_r7",
    "summary",
]


def serialise_with_r7(uow: UnitOfWork) -> None:
    """Inside a write transaction: wait until no other transaction that cancels work
    (R7) or stores documents is open, and keep the others waiting until this one ends.

    The lock is the one every audited change already takes: the ``audit_head`` row on
    PostgreSQL (``FOR UPDATE``; read committed, so the statements that follow see what
    the others committed), the database write lock on SQLite (a write that changes
    nothing; already held by an IMMEDIATE transaction). One lock, taken first or
    already held: no deadlock with the import, which holds it from its first audit
    event to its commit, R7 included."""
    if uow.dialect == "postgresql":
        uow.session.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update()).all()
    else:
        uow.session.execute(text("UPDATE app_meta SET value = value WHERE 1 = 0"))


@dataclass(frozen=True)
class Cancellation:
    kind: DocumentKind
    work_id: int  # letter or order id
    police: str
    code: CancelCode
    #: the French reason stored with the letter / order (the lists print it)
    reason: str
    document_id: int | None  # its document, when it was already produced
    #: an order already handed over (in the field): the name of who has it — R7 "is
    #: flagged so the agent is called back"
    recall_from: str | None = None


def _status(model: type[ReminderLetter] | type[WorkOrder]) -> dict[str, str]:
    """An order cancelled gets the status ANNULE; its open assignment, if it was in an
    agent's hands, makes it « à rappeler » (services.dispatch.recalls)."""
    return {"status": "ANNULE"} if model is WorkOrder else {}


def ended_work(
    uow: UnitOfWork, on: dt.date
) -> list[tuple[DocumentKind, int, str, CancelCode, str]]:
    """Pending letters and orders whose procedure R7 ends at ``on`` (set-based)."""
    plans = PlansSql(load_plans(uow), on)
    lt, wo = ReminderLetter.__table__, WorkOrder.__table__
    work = (
        select(
            literal(DocumentKind.LETTER.value).label("kind"),
            lt.c.id,
            lt.c.police,
            lt.c.suspension_id,
            literal("IMPAYES").label("cause"),
        )
        .where(lt.c.cancelled_on.is_(None), lt.c.created_on <= on)  # delivered too
        .union_all(
            select(
                literal(DocumentKind.ORDER.value).label("kind"),
                wo.c.id,
                wo.c.police,
                wo.c.suspension_id,
                wo.c.cause,
            ).where(
                wo.c.cancelled_on.is_(None),
                wo.c.created_on <= on,
                # once executed the meter is off the wall: R7 no longer applies (#15)
                wo.c.status.not_in(("EXECUTE", "CONTRESIGNE")),
            )
        )
        .cte("work")
    )
    i, p = Invoice.__table__.alias("i"), Payment.__table__.alias("p")
    c, cu = Contract.__table__.alias("c"), Customer.__table__.alias("cu")
    plans.category = cu.c.category
    paid = (
        select(func.coalesce(func.sum(p.c.amount), 0))
        .where(p.c.invoice_number == i.c.number, p.c.paid_on <= on)
        .scalar_subquery()
    )
    overdue = and_(
        i.c.cancelled.is_(False),
        i.c.issued_on <= on,
        or_(
            and_(i.c.due_on.is_not(None), i.c.due_on < on),
            and_(i.c.due_on.is_(None), i.c.issued_on < plans.cutoff(lambda x: x.payment_term_days)),
        ),
        i.c.amount - paid > 0,
    )
    unpaid = (
        select(i.c.police, func.count().label("unpaid"))
        .select_from(i.join(c, c.c.police == i.c.police).join(cu, cu.c.code == c.c.customer_code))
        .where(i.c.police.in_(select(work.c.police)), overdue)
        .group_by(i.c.police)
        .cte("unpaid")
    )
    s = Suspension.__table__.alias("s")
    rows = uow.session.execute(
        select(
            work.c.kind,
            work.c.id,
            work.c.police,
            s.c.restored_on,
            c.c.terminated_on,
            cu.c.category,
            work.c.cause,
            func.coalesce(unpaid.c.unpaid, 0).label("unpaid"),
        )
        .select_from(
            work.join(s, s.c.id == work.c.suspension_id)
            .join(c, c.c.police == work.c.police)
            .join(cu, cu.c.code == c.c.customer_code)
            .outerjoin(unpaid, unpaid.c.police == work.c.police)
        )
        .order_by(work.c.kind, work.c.id)
    ).all()
    ended = []
    for row in rows:
        plan = plans.values.get(row.category)
        threshold = plan.unpaid_threshold if plan is not None else 1
        if row.terminated_on is not None and row.terminated_on <= on:
            code = CancelCode.TERMINATED_IN_EXPORT
            reason = words.terminated_reason(row.terminated_on)
        elif row.restored_on is not None and row.restored_on <= on:
            code = CancelCode.RESTORED
            reason = words.restored_reason(row.restored_on)
        elif row.unpaid < threshold and row.cause == "IMPAYES":
            # an order for another cause (R8: fraud, conditions…) is not ended by payment
            code = CancelCode.PAID
            reason = words.paid_reason(row.unpaid, on, threshold)
        else:
            continue
        ended.append((DocumentKind(row.kind), row.id, row.police, code, reason))
    return ended


def cancel_ended(
    uow: UnitOfWork, actor: Actor, on: dt.date, action: AuditAction
) -> list[Cancellation]:
    """R7 inside an open write unit of work: cancel, mark documents, audit (one event
    ``action`` per letter or order cancelled, with before/after)."""
    session = uow.session
    serialise_with_r7(uow)
    _flag_documents_of_cancelled_work(uow, actor, action)
    ended = ended_work(uow, on)
    if not ended:
        return []
    out: list[Cancellation] = []
    events: list[audit.EventDraft] = []
    for kind in DocumentKind:
        mine = [e for e in ended if e[0] is kind]
        if not mine:
            continue
        model = ReminderLetter if kind is DocumentKind.LETTER else WorkOrder
        doc_column = (
            EditionDocument.letter_id if kind is DocumentKind.LETTER else EditionDocument.order_id
        )
        for start in range(0, len(mine), 500):
            part = mine[start : start + 500]
            ids = [e[1] for e in part]
            # read before the updates below set the status to ANNULE
            agents: dict[int | None, str] = {}
            if kind is DocumentKind.ORDER:  # given to an agent de recouvrement (step 4)
                for order_id, agent in session.execute(
                    select(WorkOrder.id, StaffMember.name)
                    .join(StaffMember, StaffMember.id == WorkOrder.agent_id)
                    .where(WorkOrder.id.in_(ids), WorkOrder.status == "REPARTI")
                ):
                    agents[order_id] = agent
            for code in CancelCode:
                for reason in sorted({e[4] for e in part if e[3] is code}):
                    same = [e[1] for e in part if e[3] is code and e[4] == reason]
                    session.execute(
                        update(model)
                        .where(model.id.in_(same), model.cancelled_on.is_(None))
                        .values(cancelled_on=on, cancel_reason=reason, **_status(model))
                    )
                    session.execute(
                        update(EditionDocument)
                        .where(doc_column.in_(same))
                        .values(
                            cancelled=True,
                            cancelled_on=on,
                            cancel_reason=reason,
                            version=EditionDocument.version + 1,
                        )
                    )
            # read after the updates: a document committed (or handed over) meanwhile
            # by another transaction was waited for and is seen here
            docs: dict[int | None, int] = {}
            in_field: dict[int | None, str] = {}
            for work_id, doc_id, status, holder in session.execute(
                select(doc_column, EditionDocument.id, EditionDocument.status, StaffMember.name)
                .outerjoin(StaffMember, StaffMember.id == EditionDocument.handed_to)
                .where(doc_column.in_(ids))
            ):
                docs[work_id] = doc_id
                if kind is DocumentKind.ORDER and status == HANDED_OVER:
                    in_field[work_id] = holder or "?"
            in_field.update(agents)  # the agent holding it is the one to call back
            for _, work_id, police, code, reason in part:
                recall = in_field.get(work_id)
                out.append(
                    Cancellation(kind, work_id, police, code, reason, docs.get(work_id), recall)
                )
                details: dict[str, Any] = {
                    "police": police,
                    "code": code.value,
                    "document_id": docs.get(work_id),
                }
                if recall is not None:
                    details["recall_from"] = recall
                events.append(
                    {
                        "action": action,
                        "entity": model.__tablename__,
                        "entity_key": str(work_id),
                        "before": {"cancelled_on": None},
                        "after": {"cancelled_on": on.isoformat(), "cancel_reason": reason},
                        "details": details,
                    }
                )
    audit.record_many(uow, actor, events)
    return out


def _flag_documents_of_cancelled_work(uow: UnitOfWork, actor: Actor, action: AuditAction) -> int:
    """Flag the documents whose letter or order is cancelled but which are not flagged
    yet (left so by an interleaving an earlier version did not serialise): one audit
    event each (``repair``). Returns how many."""
    session = uow.session
    d = EditionDocument
    lt, wo = ReminderLetter.__table__, WorkOrder.__table__
    stale = session.execute(
        select(
            d.id,
            d.police,
            d.kind,
            d.number,
            func.coalesce(lt.c.cancelled_on, wo.c.cancelled_on).label("cancelled_on"),
            func.coalesce(lt.c.cancel_reason, wo.c.cancel_reason).label("reason"),
        )
        .outerjoin(lt, lt.c.id == d.letter_id)
        .outerjoin(wo, wo.c.id == d.order_id)
        .where(
            d.cancelled.is_(False),
            or_(lt.c.cancelled_on.is_not(None), wo.c.cancelled_on.is_not(None)),
        )
        .order_by(d.id)
    ).all()
    if not stale:
        return 0
    events: list[audit.EventDraft] = []
    for row in stale:
        session.execute(
            update(d)
            .where(d.id == row.id)
            .values(
                cancelled=True,
                cancelled_on=row.cancelled_on,
                cancel_reason=(row.reason or "")[:200] or None,
                version=d.version + 1,
            )
        )
        events.append(
            {
                "action": action,
                "entity": d.__tablename__,
                "entity_key": str(row.id),
                "before": {"cancelled_on": None},
                "after": {
                    "cancelled_on": row.cancelled_on.isoformat(),
                    "cancel_reason": row.reason,
                },
                "details": {"kind": row.kind, "number": row.number, "police": row.police},
            }
        )
    audit.record_many(uow, actor, events)
    return len(stale)


def summary(cancelled: list[Cancellation]) -> str:
    """One French sentence for the user: what R7 just cancelled ("" for nothing); its
    words are in :mod:`sbee_desk.wording.r7`."""
    letters = sum(c.kind is DocumentKind.LETTER for c in cancelled)
    recalled = [c.recall_from for c in cancelled if c.recall_from is not None]
    return words.cancellation_summary(
        letters,
        len(cancelled) - letters,
        {c.code for c in cancelled},
        len(recalled),
        sorted(set(recalled)),
    )
