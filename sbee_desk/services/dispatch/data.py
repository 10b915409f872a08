"""Reading the dispatch: the orders with their status and holder, the agents de
recouvrement with the load of a day, the pending recalls and the agency settings
(set-based queries, no ORM object per order)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, select

from sbee_desk.db.models import (
    AgencySetting,
    AuditHead,
    Contract,
    Customer,
    EditionBatch,
    EditionDocument,
    OrderAssignment,
    StaffMember,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.services.dispatch.model import (
    CAPACITY_KEY,
    FIELD_AGENT_ROLE,
    MAX_ATTEMPTS_KEY,
    SETTING_DEFAULTS,
    AgentRow,
    DispatchSettings,
    OrderRow,
    Recall,
)
from sbee_desk.services.edition.model import document_number


def _open_assignment() -> Any:
    """The open assignment of each order (at most one)."""
    return (
        select(OrderAssignment.order_id, OrderAssignment.staff_id, OrderAssignment.visit_on)
        .where(OrderAssignment.ended_at.is_(None))
        .subquery("open_assignment")
    )


def order_query() -> Any:
    """The columns of :class:`OrderRow`, for every order (filter it further)."""
    # an order's age counts from its edition's date (the night it was printed), not
    # from the moment its document was stored
    edited = (
        select(EditionDocument.order_id, func.min(EditionBatch.edition_on).label("edited_on"))
        .join(EditionBatch, EditionBatch.id == EditionDocument.batch_id)
        .where(EditionDocument.order_id.is_not(None))
        .group_by(EditionDocument.order_id)
        .subquery("edited")
    )
    held = _open_assignment()
    holder = StaffMember.__table__.alias("holder")
    return (
        select(
            WorkOrder.id,
            WorkOrder.police,
            WorkOrder.kind,
            WorkOrder.status,
            WorkOrder.bordereau_code,
            WorkOrder.visit_on,
            WorkOrder.attempts,
            WorkOrder.cancelled_on,
            WorkOrder.cancel_reason,
            WorkOrder.dispatch_version,
            WorkOrder.cause,
            Customer.name.label("customer_name"),
            Customer.quartier,
            Customer.address,
            Contract.zone_code,
            edited.c.edited_on,
            StaffMember.matricule.label("agent_matricule"),
            StaffMember.name.label("agent_name"),
            held.c.staff_id.label("held_by"),
            holder.c.matricule.label("held_matricule"),
            holder.c.name.label("held_name"),
            held.c.visit_on.label("held_on"),
        )
        .join(Contract, Contract.police == WorkOrder.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .outerjoin(edited, edited.c.order_id == WorkOrder.id)
        .outerjoin(StaffMember, StaffMember.id == WorkOrder.agent_id)
        .outerjoin(held, held.c.order_id == WorkOrder.id)
        .outerjoin(holder, holder.c.id == held.c.staff_id)
    )


def order_row(r: Any) -> OrderRow:
    status = OrderStatus(r.status)
    to_recall = status is OrderStatus.ANNULE and r.held_by is not None
    return OrderRow(
        id=r.id,
        number=document_number(r.id),
        police=r.police,
        kind=r.kind,
        status=status,
        customer_name=r.customer_name,
        zone=r.zone_code,
        quartier=r.quartier,
        address=r.address,
        bordereau=r.bordereau_code,
        edited_on=_date(r.edited_on),
        agent_matricule=r.agent_matricule or (r.held_matricule if to_recall else None),
        agent_name=r.agent_name or (r.held_name if to_recall else None),
        visit_on=r.visit_on or (r.held_on if to_recall else None),
        attempts=r.attempts,
        cancelled_on=r.cancelled_on,
        cancel_reason=r.cancel_reason,
        to_recall=to_recall,
        version=r.dispatch_version,
        cause=r.cause,
    )


def list_orders(
    uow: UnitOfWork,
    statuses: Iterable[OrderStatus] | None = None,
    *,
    agent_id: int | None = None,
    visit_on: dt.date | None = None,
) -> list[OrderRow]:
    """Orders, by number; ``statuses``, ``agent_id``, ``visit_on`` narrow them."""
    stmt = order_query().order_by(WorkOrder.id)
    if statuses is not None:
        stmt = stmt.where(WorkOrder.status.in_([s.value for s in statuses]))
    if agent_id is not None:
        stmt = stmt.where(WorkOrder.agent_id == agent_id)
    if visit_on is not None:
        stmt = stmt.where(WorkOrder.visit_on == visit_on)
    with uow:
        return [order_row(r) for r in uow.session.execute(stmt)]


def orders_by_ids(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, OrderRow]:
    """id → row, inside an open unit of work."""
    wanted = sorted(set(ids))
    out: dict[int, OrderRow] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        for r in uow.session.execute(order_query().where(WorkOrder.id.in_(part))):
            out[r.id] = order_row(r)
    return out


def agents(uow: UnitOfWork, on: dt.date, *, active_only: bool = True) -> list[AgentRow]:
    """The agents de recouvrement of the register with the visits given them on ``on``
    (orders REPARTI that day), by name. Inside an open unit of work."""
    load = (
        select(WorkOrder.agent_id, func.count().label("n"))
        .where(WorkOrder.status == OrderStatus.REPARTI.value, WorkOrder.visit_on == on)
        .group_by(WorkOrder.agent_id)
        .subquery("load")
    )
    stmt = (
        select(StaffMember, func.coalesce(load.c.n, 0))
        .outerjoin(load, load.c.agent_id == StaffMember.id)
        .where(StaffMember.role == FIELD_AGENT_ROLE)
        .order_by(StaffMember.name, StaffMember.matricule)
    )
    if active_only:
        stmt = stmt.where(StaffMember.active.is_(True))
    return [
        AgentRow(s.id, s.matricule, s.name, tuple(z for z in s.zones.split(",") if z), s.active, n)
        for s, n in uow.session.execute(stmt)
    ]


def list_agents(uow: UnitOfWork, on: dt.date) -> list[AgentRow]:
    """:func:`agents` in its own unit of work (the page's list)."""
    with uow:
        return agents(uow, on)


def pending_recalls(uow: UnitOfWork, staff_id: int | None = None) -> list[Recall]:
    """Orders cancelled (R7) while an agent held them, not yet called back; by agent,
    then visit date, then number. Inside an open unit of work."""
    a = OrderAssignment
    stmt = (
        select(
            WorkOrder.id,
            WorkOrder.police,
            WorkOrder.cancelled_on,
            WorkOrder.cancel_reason,
            Customer.name.label("customer_name"),
            Customer.address,
            Customer.quartier,
            a.staff_id,
            a.visit_on,
            StaffMember.matricule,
            StaffMember.name,
        )
        .join(a, and_(a.order_id == WorkOrder.id, a.ended_at.is_(None)))
        .join(StaffMember, StaffMember.id == a.staff_id)
        .join(Contract, Contract.police == WorkOrder.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .where(WorkOrder.status == OrderStatus.ANNULE.value)
        .order_by(StaffMember.name, a.visit_on, WorkOrder.id)
    )
    if staff_id is not None:
        stmt = stmt.where(a.staff_id == staff_id)
    return [
        Recall(
            order_id=r.id,
            number=document_number(r.id),
            police=r.police,
            customer_name=r.customer_name,
            address=r.address,
            quartier=r.quartier,
            staff_id=r.staff_id,
            matricule=r.matricule,
            agent_name=r.name,
            visit_on=r.visit_on,
            cancelled_on=r.cancelled_on,
            reason=r.cancel_reason,
        )
        for r in uow.session.execute(stmt)
    ]


def list_recalls(uow: UnitOfWork) -> list[Recall]:
    """:func:`pending_recalls` in its own unit of work (the top of the page)."""
    with uow:
        return pending_recalls(uow)


def settings(uow: UnitOfWork) -> DispatchSettings:
    """The agency's dispatch settings (defaults for what was never set), inside an open
    unit of work."""
    values = dict(SETTING_DEFAULTS)
    for key, value in uow.session.execute(
        select(AgencySetting.key, AgencySetting.value).where(AgencySetting.key.in_(values))
    ):
        try:
            values[key] = int(value)
        except ValueError:
            continue
    return DispatchSettings(values[CAPACITY_KEY], values[MAX_ATTEMPTS_KEY])


def run_update(uow: UnitOfWork, statement: Any) -> CursorResult[Any]:
    """Execute an UPDATE; its result tells the rows it changed (``rowcount``)."""
    return cast(CursorResult[Any], uow.session.execute(statement))


def serialise_writers(uow: UnitOfWork) -> None:
    """First thing in a dispatch write transaction: the lock every audited change takes
    (the audit head's row on PostgreSQL; SQLite's IMMEDIATE transaction already holds
    the database's). Taken before any order row, as R7 and the import take it, so a
    dispatch and a cancellation never wait for each other in opposite orders (a
    deadlock). Main's ``services.r7.serialise_with_r7`` is the same lock."""
    if uow.dialect == "postgresql":
        uow.session.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update()).all()


def versions(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, int]:
    """id → dispatch version of these orders now (their own short read): what a change
    expects to find when its write transaction has the lock."""
    wanted = sorted(set(ids))
    out: dict[int, int] = {}
    with uow:
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            out.update(
                (i, v)
                for i, v in uow.session.execute(
                    select(WorkOrder.id, WorkOrder.dispatch_version).where(WorkOrder.id.in_(part))
                )
            )
    return out


def _date(value: Any) -> dt.date | None:
    """A date from an aggregate (SQLite may give its ISO text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
