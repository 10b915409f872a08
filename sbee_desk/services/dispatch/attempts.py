"""Back to dispatch: an order whose CRI says « non exécuté » waits for an agent again
(NON_EXECUTE) with its count of attempts. Once its visits failed as often as the agency
allows (``dispatch.max_attempts``), the proposal leaves it to the chef, who keeps
trying (gives it by hand) or closes it with a reason (:func:`close_order`, audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update

from sbee_desk.db.models import EditionDocument, WorkOrder
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.dispatch import data
from sbee_desk.services.dispatch.model import DispatchError


def close_order(
    uow: UnitOfWork, actor: Actor, ids: Sequence[int], reason: str, on: dt.date | None = None
) -> int:
    """Close orders whose visits failed as often as allowed: ANNULE with the chef's
    reason (the procedure stops for that suspension). Audited."""
    text = reason.strip()
    if not text:
        raise DispatchError("CLOSE_REASON_REQUIRED")
    day = on or today()
    with uow.write():
        require(uow, actor, Action.DISPATCH)
        data.serialise_writers(uow)
        limit = data.settings(uow).max_attempts
        orders = data.orders_by_ids(uow, ids)
        refused = [
            (o.number, o.attempts)
            for o in orders.values()
            if o.status is not OrderStatus.NON_EXECUTE or o.attempts < limit
        ]
        if refused:
            raise DispatchError("ORDER_NOT_CLOSABLE", orders=refused, limit=limit)
        events: list[audit.EventDraft] = []
        for o in orders.values():
            done = data.run_update(
                uow,
                update(WorkOrder)
                .where(
                    WorkOrder.id == o.id,
                    WorkOrder.dispatch_version == o.version,
                    WorkOrder.status == OrderStatus.NON_EXECUTE.value,
                )
                .values(
                    status=OrderStatus.ANNULE.value,
                    cancelled_on=day,
                    cancel_reason=text[:200],
                    dispatch_version=WorkOrder.dispatch_version + 1,
                )
                .execution_options(synchronize_session=False),
            )
            if done.rowcount != 1:
                uow.session.rollback()
                raise DispatchError("ORDER_CHANGED_ELSEWHERE", numbers=[o.number])
            # its printed order is void too (never offered for printing again), flagged
            # here with the close's own reason, not later as an R7 repair
            uow.session.execute(
                update(EditionDocument)
                .where(EditionDocument.order_id == o.id, EditionDocument.cancelled.is_(False))
                .values(
                    cancelled=True,
                    cancelled_on=day,
                    cancel_reason=text[:200],
                    version=EditionDocument.version + 1,
                )
                .execution_options(synchronize_session=False)
            )
            events.append(
                {
                    "action": AuditAction.DISPATCH_CLOSE,
                    "entity": "work_order",
                    "entity_key": str(o.id),
                    "before": {"status": o.status.value, "attempts": o.attempts},
                    "after": {"status": OrderStatus.ANNULE.value, "cancel_reason": text},
                    "details": {"police": o.police, "number": o.number},
                }
            )
        audit.record_many(uow, actor, events)
        uow.commit()
    return len(orders)
