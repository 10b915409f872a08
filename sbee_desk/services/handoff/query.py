"""Reads for the « Résiliations » page and the CLI: the terminations of a period with
their hand-off, the past hand-offs (READ)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from sbee_desk.db.models import (
    Contract,
    ContractTermination,
    HandoffBatch,
    LitigationHandoff,
    SettlementHandoff,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.permissions import Action
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.handoff import lines as L
from sbee_desk.services.handoff.model import BatchRow, TerminationRow


def terminations(
    uow: UnitOfWork,
    actor: Actor | None,
    start: dt.date,
    end: dt.date,
    *,
    cause: str | None = None,
    handed_off: bool | None = None,
    zone: str | None = None,
) -> list[TerminationRow]:
    """The terminations dated ``start``–``end`` (inclusive), oldest first, filtered by
    cause, hand-off (True: handed off, False: waiting) and zone."""
    with uow:
        if actor is not None:
            require(uow, actor, Action.READ)
        stmt = (
            L.termination_query()
            .add_columns(
                SettlementHandoff.batch_id,
                HandoffBatch.handed_on,
                LitigationHandoff.id.label("litigation_id"),
            )
            .outerjoin(
                SettlementHandoff, SettlementHandoff.termination_id == ContractTermination.id
            )
            .outerjoin(HandoffBatch, HandoffBatch.id == SettlementHandoff.batch_id)
            .outerjoin(
                LitigationHandoff, LitigationHandoff.termination_id == ContractTermination.id
            )
            .where(ContractTermination.terminated_on.between(start, end))
            .order_by(ContractTermination.terminated_on, ContractTermination.police)
        )
        if cause:
            stmt = stmt.where(ContractTermination.cause == cause)
        if handed_off is True:
            stmt = stmt.where(SettlementHandoff.id.is_not(None))
        elif handed_off is False:
            stmt = stmt.where(SettlementHandoff.id.is_(None))
        if zone:
            stmt = stmt.where(Contract.zone_code == zone)
        rows = uow.session.execute(stmt).all()
        balances = L.balances_of(uow, [r.police for r in rows])
    return [
        TerminationRow(
            termination_id=r.id,
            police=r.police,
            customer_name=r.customer_name,
            address=r.address,
            quartier=r.quartier,
            zone=r.zone_code,
            terminated_on=r.terminated_on,
            cause=r.cause,
            reason=r.reason,
            final_index=r.index_read,
            balance=balances.get(r.police, 0),
            handoff_number=r.batch_id,
            handed_on=r.handed_on,
            in_litigation=r.litigation_id is not None,
        )
        for r in rows
    ]


def pending_count(uow: UnitOfWork) -> int:
    """How many terminations wait for their hand-off."""
    with uow:
        count = uow.session.scalar(
            select(func.count()).select_from(ContractTermination).where(L.not_handed_off())
        )
        return int(count or 0)


def oldest_pending(uow: UnitOfWork) -> dt.date | None:
    """The date of the oldest termination still waiting for its hand-off."""
    with uow:
        return uow.session.scalar(
            select(func.min(ContractTermination.terminated_on)).where(L.not_handed_off())
        )


def batches(uow: UnitOfWork, actor: Actor | None = None) -> list[BatchRow]:
    """The past hand-offs, newest first."""
    with uow:
        if actor is not None:
            require(uow, actor, Action.READ)
        return [
            BatchRow(
                number=b.id,
                handed_on=b.handed_on,
                created_by=b.created_by,
                created_at=b.created_at,
                settlement_count=b.settlement_count,
                litigation_count=b.litigation_count,
                total_due=b.total_due,
            )
            for b in uow.session.scalars(select(HandoffBatch).order_by(HandoffBatch.id.desc()))
        ]


def zones(uow: UnitOfWork) -> list[str]:
    """The zones of the terminated contracts (the page's filter)."""
    with uow:
        return [
            z
            for z in uow.session.scalars(
                select(Contract.zone_code)
                .join(ContractTermination, ContractTermination.police == Contract.police)
                .where(Contract.zone_code.is_not(None))
                .distinct()
                .order_by(Contract.zone_code)
            )
            if z
        ]
