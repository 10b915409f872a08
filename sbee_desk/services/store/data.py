"""Reading the store returns: the order opened at the store with what should come
back, the returns of a day or of a sheet, the sheets, « matériel non retourné », the
R10 date of each order, the agency's store settings (set-based queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, func, or_, select

from sbee_desk.db.models import (
    AgencySetting,
    Contract,
    Customer,
    InterventionReport,
    StaffMember,
    StockSheet,
    StoreReturn,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.domain.enums import OrderKind
from sbee_desk.services.clock import today
from sbee_desk.services.edition.model import document_number
from sbee_desk.services.store.model import (
    DEFAULT_RETURN_DELAY_DAYS,
    NUMBERING_KEY,
    RETURN_DELAY_KEY,
    ExpectedEquipment,
    ReturnRow,
    SheetNumbering,
    SheetSummary,
    StoreSettings,
    Unreturned,
)


def settings(uow: UnitOfWork) -> StoreSettings:
    """The agency's store settings (defaults for what was never set or is unreadable),
    inside an open unit of work."""
    values = dict(
        uow.session.execute(
            select(AgencySetting.key, AgencySetting.value).where(
                AgencySetting.key.in_((NUMBERING_KEY, RETURN_DELAY_KEY))
            )
        ).all()
    )
    try:
        numbering = SheetNumbering(values.get(NUMBERING_KEY, SheetNumbering.AUTO.value))
    except ValueError:
        numbering = SheetNumbering.AUTO
    try:
        delay = max(0, int(values.get(RETURN_DELAY_KEY, DEFAULT_RETURN_DELAY_DAYS)))
    except ValueError:
        delay = DEFAULT_RETURN_DELAY_DAYS
    return StoreSettings(numbering, delay)


def store_settings(uow: UnitOfWork) -> StoreSettings:
    with uow:
        return settings(uow)


def order_facts(uow: UnitOfWork, order_id: int) -> tuple[WorkOrder, ExpectedEquipment] | None:
    """The order and what should come back from it; None for an unknown number."""
    row = uow.session.execute(
        select(
            WorkOrder,
            Contract.meter_serial,
            Contract.breaker,
            Contract.agency_code,
            Customer.name,
            Customer.address,
            StaffMember.matricule,
            StaffMember.name.label("agent_name"),
        )
        .join(Contract, Contract.police == WorkOrder.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .outerjoin(StaffMember, StaffMember.id == WorkOrder.agent_id)
        .where(WorkOrder.id == order_id)
    ).one_or_none()
    if row is None:
        return None
    order: WorkOrder = row[0]
    return order, ExpectedEquipment(
        order_id=order.id,
        number=document_number(order.id),
        police=order.police,
        customer_name=row.name,
        address=row.address,
        agency_code=row.agency_code,
        status=OrderStatus(order.status),
        agent_matricule=row.matricule,
        agent_name=row.agent_name,
        visit_on=order.visit_on,
        meter_serial=row.meter_serial,
        breaker=row.breaker,
    )


def _return_query() -> Any:
    keeper = StaffMember.__table__.alias("keeper")
    return (
        select(
            StoreReturn,
            WorkOrder.police,
            Customer.name,
            Contract.agency_code,
            Contract.meter_serial,
            Contract.breaker,
            keeper.c.matricule,
            keeper.c.name.label("keeper_name"),
        )
        .join(WorkOrder, WorkOrder.id == StoreReturn.order_id)
        .join(Contract, Contract.police == WorkOrder.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .outerjoin(keeper, keeper.c.id == StoreReturn.keeper_id)
    )


def _return_row(r: Any, new_sheet: bool = False) -> ReturnRow:
    sr: StoreReturn = r[0]
    return ReturnRow(
        order_id=sr.order_id,
        number=document_number(sr.order_id),
        police=r.police,
        customer_name=r.name,
        agency_code=r.agency_code,
        sheet_number=sr.sheet_number,
        returned_on=sr.returned_on,
        meter_serial=sr.meter_serial,
        breaker_serial=sr.breaker_serial,
        expected_meter=r.meter_serial,
        expected_breaker=r.breaker,
        mismatch_note=sr.mismatch_note,
        keeper_matricule=r.matricule,
        keeper_name=r.keeper_name,
        recorded_by=sr.recorded_by,
        new_sheet=new_sheet,
    )


def return_of(uow: UnitOfWork, order_id: int, new_sheet: bool = False) -> ReturnRow | None:
    """The store return of an order, inside an open unit of work."""
    r = uow.session.execute(_return_query().where(StoreReturn.order_id == order_id)).one_or_none()
    return None if r is None else _return_row(r, new_sheet)


def list_returns(
    uow: UnitOfWork, *, on: dt.date | None = None, sheet: str | None = None
) -> list[ReturnRow]:
    """The returns of a day and/or of a sheet, in the order they were recorded."""
    stmt = _return_query().order_by(StoreReturn.id)
    if on is not None:
        stmt = stmt.where(StoreReturn.returned_on == on)
    if sheet is not None:
        stmt = stmt.where(StoreReturn.sheet_number == sheet)
    with uow:
        return [_return_row(r) for r in uow.session.execute(stmt)]


def return_dates(uow: UnitOfWork, order_ids: Iterable[int]) -> dict[int, dt.date]:
    """order id → the day its equipment came back to the store (R10), for the orders
    that have one. Inside an open unit of work."""
    wanted = sorted(set(order_ids))
    out: dict[int, dt.date] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        for order_id, returned_on in uow.session.execute(
            select(StoreReturn.order_id, StoreReturn.returned_on).where(
                StoreReturn.order_id.in_(part)
            )
        ):
            out[order_id] = returned_on
    return out


def sheet_summary(uow: UnitOfWork, number: str) -> SheetSummary | None:
    """A sheet with its keeper and count of returns, inside an open unit of work."""
    row = uow.session.execute(
        select(StockSheet, StaffMember.matricule, StaffMember.name)
        .outerjoin(StaffMember, StaffMember.id == StockSheet.keeper_id)
        .where(StockSheet.number == number)
    ).one_or_none()
    if row is None:
        return None
    sheet: StockSheet = row[0]
    count = uow.session.scalar(
        select(func.count()).select_from(StoreReturn).where(StoreReturn.sheet_number == number)
    )
    return SheetSummary(
        sheet.number,
        sheet.agency_code,
        sheet.issued_on,
        sheet.typed,
        row.matricule,
        row.name,
        int(count or 0),
    )


def find_sheet(uow: UnitOfWork, number: str) -> SheetSummary | None:
    with uow:
        return sheet_summary(uow, number)


def unreturned(uow: UnitOfWork, on: dt.date | None = None) -> list[Unreturned]:
    """« Matériel non retourné »: BT removals done — order EXECUTE or CONTRESIGNE, or a
    CRI saying the meter was removed — with no store return more than the agency's
    delay (``store.return_delay_days``, default 2) after the removal; the oldest first.
    The removal's day is the CRI's visit, else the order's visit date; a removal of no
    known day is listed (nobody can say it is recent)."""
    day = on or today()
    with uow:
        delay = settings(uow).return_delay_days
        removed_cri = (
            select(
                InterventionReport.order_id,
                func.max(InterventionReport.visit_on).label("removed_on"),
            )
            .where(InterventionReport.meter_removed.is_(True))
            .group_by(InterventionReport.order_id)
            .subquery("removed_cri")
        )
        returned = exists().where(StoreReturn.order_id == WorkOrder.id)
        stmt = (
            select(
                WorkOrder.id,
                WorkOrder.police,
                WorkOrder.status,
                WorkOrder.visit_on,
                removed_cri.c.removed_on,
                Customer.name,
                Contract.meter_serial,
                StaffMember.matricule,
                StaffMember.name.label("agent_name"),
            )
            .join(Contract, Contract.police == WorkOrder.police)
            .join(Customer, Customer.code == Contract.customer_code)
            .outerjoin(removed_cri, removed_cri.c.order_id == WorkOrder.id)
            .outerjoin(StaffMember, StaffMember.id == WorkOrder.agent_id)
            .where(
                WorkOrder.kind == OrderKind.DEPOSE.value,
                WorkOrder.status != OrderStatus.ANNULE.value,
                or_(
                    WorkOrder.status.in_(
                        (OrderStatus.EXECUTE.value, OrderStatus.CONTRESIGNE.value)
                    ),
                    removed_cri.c.order_id.is_not(None),
                ),
                ~returned,
            )
        )
        out = []
        for r in uow.session.execute(stmt):
            removed_on = r.removed_on or r.visit_on
            days = (day - removed_on).days if removed_on is not None else None
            if days is not None and days <= delay:
                continue
            out.append(
                Unreturned(
                    order_id=r.id,
                    number=document_number(r.id),
                    police=r.police,
                    customer_name=r.name,
                    status=OrderStatus(r.status),
                    agent_matricule=r.matricule,
                    agent_name=r.agent_name,
                    removed_on=removed_on,
                    meter_serial=r.meter_serial,
                    days=days,
                )
            )
    out.sort(key=lambda u: (u.removed_on or dt.date.min, u.order_id))
    return out


def keepers(uow: UnitOfWork) -> list[tuple[str, str]]:
    """(matricule, name) of the active store keepers of the staff register, by name."""
    with uow:
        return [
            (m, n)
            for m, n in uow.session.execute(
                select(StaffMember.matricule, StaffMember.name)
                .where(StaffMember.role == "MAGASINIER", StaffMember.active.is_(True))
                .order_by(StaffMember.name)
            )
        ]
