"""Reading for the CRI: an order as the form shows it, the CRIs awaiting countersign
with their flags (set-based: one query, no ORM object per row)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, exists, func, select

from sbee_desk.db.models import (
    Contract,
    Customer,
    InterventionReport,
    StaffMember,
    StoreReturn,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.cri import removal_expected, same_serial
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.services.cri.model import CriError, CriOrder, PendingCri
from sbee_desk.services.edition.model import document_number
from sbee_desk.services.print_queue import normalize_number


def order_id_of(raw: str) -> int:
    """The id of a printed number (``12`` or ``00000012``); a French refusal naming the
    field otherwise."""
    text = raw.strip()
    if not text.isdigit() or len(text) > 8:
        raise CriError("CRI_BAD_NUMBER", raw=raw, field="number")
    return int(normalize_number(text))


def order_row(uow: UnitOfWork, order_id: int) -> CriOrder | None:
    """The order ``order_id`` as the form shows it, inside an open unit of work."""
    r = uow.session.execute(
        select(
            WorkOrder.id,
            WorkOrder.police,
            WorkOrder.kind,
            WorkOrder.status,
            WorkOrder.visit_on,
            WorkOrder.attempts,
            WorkOrder.cancelled_on,
            WorkOrder.cancel_reason,
            WorkOrder.dispatch_version,
            Contract.voltage,
            Contract.meter_serial,
            Contract.breaker,
            Customer.name,
            Customer.address,
            Customer.quartier,
            StaffMember.matricule,
            StaffMember.name.label("agent_name"),
        )
        .join(Contract, Contract.police == WorkOrder.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .outerjoin(StaffMember, StaffMember.id == WorkOrder.agent_id)
        .where(WorkOrder.id == order_id)
    ).one_or_none()
    if r is None:
        return None
    return CriOrder(
        id=r.id,
        number=document_number(r.id),
        police=r.police,
        kind=r.kind,
        voltage=r.voltage,
        status=OrderStatus(r.status),
        customer_name=r.name,
        address=r.address,
        quartier=r.quartier,
        meter_serial=r.meter_serial,
        breaker=r.breaker,
        agent_matricule=r.matricule,
        agent_name=r.agent_name,
        visit_on=r.visit_on,
        attempts=r.attempts,
        cancelled_on=r.cancelled_on,
        cancel_reason=r.cancel_reason,
        version=r.dispatch_version,
    )


def find_order(uow: UnitOfWork, number: str) -> CriOrder:
    """The order of a scanned or typed number, for the form; refused when unknown."""
    order_id = order_id_of(number)
    with uow:
        order = order_row(uow, order_id)
    if order is None:
        raise CriError("CRI_UNKNOWN_ORDER", number=document_number(order_id), field="number")
    return order


def _pending_query() -> Any:
    ir = InterventionReport
    returned = exists().where(StoreReturn.order_id == ir.order_id)
    return (
        select(
            ir,
            WorkOrder.police,
            WorkOrder.kind,
            Customer.name.label("customer_name"),
            Contract.meter_serial.label("expected_serial"),
            StaffMember.matricule,
            StaffMember.name.label("agent_name"),
            returned.label("returned"),
        )
        .join(WorkOrder, WorkOrder.id == ir.order_id)
        .join(Contract, Contract.police == WorkOrder.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .join(StaffMember, StaffMember.id == ir.agent_id)
        .where(
            and_(
                ir.done.is_(True),
                ir.countersigned_at.is_(None),
                WorkOrder.status == OrderStatus.EXECUTE.value,
            )
        )
    )


def _pending(r: Any) -> PendingCri:
    report: InterventionReport = r[0]
    mismatch = not same_serial(report.meter_serial_found, r.expected_serial)
    return PendingCri(
        report_id=report.id,
        order_id=report.order_id,
        number=document_number(report.order_id),
        police=r.police,
        kind=r.kind,
        customer_name=r.customer_name,
        visit_on=report.visit_on,
        visit_time=report.visit_time,
        agent_matricule=r.matricule,
        agent_name=r.agent_name,
        index_read=report.index_read,
        meter_serial_found=report.meter_serial_found,
        expected_serial=r.expected_serial,
        mismatch_note=report.mismatch_note,
        meter_removed=report.meter_removed,
        breaker_removed=report.breaker_removed,
        remarks=tuple(c for c in report.remarks.split(",") if c),
        note=report.note,
        entered_by=report.entered_by,
        entered_at=report.entered_at,
        outside_window=report.outside_window,
        serial_mismatch=mismatch,
        no_store_return=(
            removal_expected(r.kind) and report.meter_removed and not bool(r.returned)
        ),
        version=report.version,
    )


def pending(uow: UnitOfWork, order_ids: Iterable[int] | None = None) -> list[PendingCri]:
    """The CRIs « exécuté » awaiting countersign (inside an open unit of work), by
    visit date then number; ``order_ids`` narrows them."""
    stmt = _pending_query().order_by(InterventionReport.visit_on, InterventionReport.order_id)
    if order_ids is None:
        return [_pending(r) for r in uow.session.execute(stmt)]
    wanted = sorted(set(order_ids))
    out: list[PendingCri] = []
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        out += [
            _pending(r)
            for r in uow.session.execute(stmt.where(InterventionReport.order_id.in_(part)))
        ]
    return out


def list_pending(uow: UnitOfWork) -> list[PendingCri]:
    """:func:`pending` in its own unit of work (the countersign list, ``cri list``)."""
    with uow:
        return pending(uow)


def count_to_enter(uow: UnitOfWork) -> int:
    """Orders in an agent's hands (REPARTI): their CRI is to come (the page's badge)."""
    with uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(WorkOrder)
                .where(WorkOrder.status == OrderStatus.REPARTI.value)
            )
            or 0
        )


def latest_reports(uow: UnitOfWork, order_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """order id → its latest CRI as `orders list --json` prints it (``cri``): visit day
    and time, done, index read, countersigned on (none while awaiting). Inside an open
    unit of work; orders with no CRI are absent."""
    wanted = sorted(set(order_ids))
    r = InterventionReport
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        rows = uow.session.execute(
            select(
                r.order_id,
                r.attempt,
                r.visit_on,
                r.visit_time,
                r.done,
                r.index_read,
                r.countersigned_at,
            )
            .where(r.order_id.in_(part))
            .order_by(r.order_id, r.attempt)
        )
        for row in rows:  # the last attempt wins
            out[row.order_id] = {
                "attempt": row.attempt,
                "visit_on": row.visit_on.isoformat(),
                "visit_time": row.visit_time,
                "done": bool(row.done),
                "index": row.index_read,
                "countersigned_on": (
                    row.countersigned_at.date().isoformat() if row.countersigned_at else None
                ),
            }
    return out
