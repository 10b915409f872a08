"""Entering a CRI from the paper (AGENT_CONTROLE): the checks of the issue, then one
write transaction — the report, the order's new status, its open assignment closed,
one audit event. A refusal (:class:`CriError`, French words in ``wording.errors``)
names the order and the field, and changes nothing.

- « exécuté »: the order is EXECUTE, awaiting the chef's countersign (R11);
- « non exécuté »: the order goes back to dispatch (NON_EXECUTE, one more attempt)
  with its remark; the contract is not terminated (R11).

Two workstations entering the same order: the writers' lock first (the audit head,
as dispatch and R7 take it), the order read again under it, the UPDATE conditional on
its dispatch version, and the database's unique (order, attempt) as the last word.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import InterventionReport, StaffMember, WorkOrder
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.cri import (
    RemarkCode,
    outside_window,
    parse_visit_time,
    removal_expected,
    same_serial,
)
from sbee_desk.domain.dispatch import AssignmentEnd, OrderStatus
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.cri import data
from sbee_desk.services.cri.model import (
    FIELD_ROLES,
    MISMATCH_LIMIT,
    NOTE_LIMIT,
    SERIAL_LIMIT,
    CriEntry,
    CriError,
    CriOrder,
    CriResult,
)
from sbee_desk.services.dispatch.assignment import end_open
from sbee_desk.services.dispatch.data import run_update, serialise_writers


def check_order(order: CriOrder | None, number: str) -> CriOrder:
    """The order may receive a CRI: known, not cancelled, dispatched (REPARTI)."""
    if order is None:
        raise CriError("CRI_UNKNOWN_ORDER", number=number, field="number")
    if order.status is OrderStatus.ANNULE:
        raise CriError(
            "CRI_ORDER_CANCELLED",
            number=order.number,
            on=order.cancelled_on,
            reason=order.cancel_reason or "",
            field="number",
        )
    if order.status in (OrderStatus.EXECUTE, OrderStatus.CONTRESIGNE, OrderStatus.NON_EXECUTE):
        # NON_EXECUTE: its « non exécuté » CRI is entered; the next visit is a new dispatch
        raise CriError(
            "CRI_ALREADY_ENTERED", number=order.number, status=order.status, field="number"
        )
    if order.status is not OrderStatus.REPARTI:
        raise CriError(
            "CRI_ORDER_NOT_DISPATCHED", number=order.number, status=order.status, field="number"
        )
    return order


def _remarks(entry: CriEntry, number: str) -> list[RemarkCode]:
    codes: list[RemarkCode] = []
    for raw in entry.remarks:
        text = raw.strip().upper()
        if not text:
            continue
        try:
            code = RemarkCode(text)
        except ValueError:
            raise CriError(
                "CRI_UNKNOWN_REMARK",
                number=number,
                code=raw,
                known=[c.value for c in RemarkCode],
                field="remarks",
            ) from None
        if code not in codes:
            codes.append(code)
    return codes


def _text(value: str, limit: int, number: str, field: str) -> str | None:
    text = value.strip()
    if len(text) > limit:
        raise CriError("CRI_TEXT_TOO_LONG", number=number, field=field, limit=limit)
    return text or None


def validate(
    entry: CriEntry, order: CriOrder, agent: StaffMember | None, on_today: dt.date
) -> dict[str, Any]:
    """The checks of a CRI, in the paper's order; the values of its row."""
    number = order.number
    if entry.visit_on > on_today:
        raise CriError(
            "CRI_VISIT_IN_FUTURE", number=number, on=entry.visit_on, today=on_today,
            field="visit_on",
        )  # fmt: skip
    if order.visit_on is not None and entry.visit_on < order.visit_on:
        raise CriError(
            "CRI_VISIT_BEFORE_DISPATCH", number=number, on=entry.visit_on,
            dispatched=order.visit_on, field="visit_on",
        )  # fmt: skip
    at = parse_visit_time(entry.visit_time)
    if at is None:
        raise CriError("CRI_BAD_TIME", number=number, raw=entry.visit_time, field="visit_time")
    if agent is None:
        raise CriError(
            "CRI_UNKNOWN_AGENT", number=number, matricule=entry.agent.strip(), field="agent"
        )
    if agent.role not in FIELD_ROLES:
        raise CriError(
            "CRI_NOT_A_FIELD_AGENT", number=number, matricule=agent.matricule, name=agent.name,
            role=agent.role, field="agent",
        )  # fmt: skip
    removal = removal_expected(order.kind)
    index: int | None = None
    raw_index = entry.index.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if raw_index:
        if not raw_index.isdigit():
            raise CriError("CRI_INDEX_NOT_NUMBER", number=number, raw=entry.index, field="index")
        index = int(raw_index)
    elif entry.done:
        raise CriError("CRI_INDEX_REQUIRED", number=number, field="index")
    serial = _text(entry.meter_serial, SERIAL_LIMIT, number, "meter_serial")
    if entry.done and serial is None:
        raise CriError("CRI_METER_REQUIRED", number=number, field="meter_serial")
    mismatch_note = _text(entry.mismatch_note, MISMATCH_LIMIT, number, "mismatch_note")
    mismatch = serial is not None and not same_serial(serial, order.meter_serial)
    if mismatch and mismatch_note is None:
        raise CriError(
            "CRI_MISMATCH_NOTE_REQUIRED", number=number, found=serial,
            expected=order.meter_serial, field="mismatch_note",
        )  # fmt: skip
    meter_removed = entry.meter_removed
    if meter_removed is None:
        meter_removed = removal and entry.done
    if not entry.done and (meter_removed or entry.breaker_removed):
        raise CriError("CRI_REMOVED_BUT_NOT_DONE", number=number, field="meter_removed")
    if not removal and (meter_removed or entry.breaker_removed):
        raise CriError("CRI_REMOVAL_ON_INDEX_CHECK", number=number, field="meter_removed")
    if removal and entry.done and not meter_removed:
        raise CriError("CRI_METER_NOT_REMOVED", number=number, field="meter_removed")
    codes = _remarks(entry, number)
    note = _text(entry.note, NOTE_LIMIT, number, "note")
    if not entry.done and not codes:
        raise CriError("CRI_NOT_DONE_REMARK_REQUIRED", number=number, field="remarks")
    if RemarkCode.AUTRE in codes and note is None:
        raise CriError("CRI_OTHER_NEEDS_NOTE", number=number, field="note")
    return {
        "visit_on": entry.visit_on,
        "visit_time": at.strftime("%H:%M"),
        "agent_id": agent.id,
        "done": entry.done,
        "index_read": index,
        "meter_serial_found": serial,
        "meter_removed": bool(meter_removed),
        "breaker_removed": bool(entry.breaker_removed and removal),
        "remarks": ",".join(c.value for c in codes),
        "note": note,
        "mismatch_note": mismatch_note if mismatch else None,
        "outside_window": outside_window(at),
    }


def enter_cri(
    uow: UnitOfWork, actor: Actor, entry: CriEntry, *, today_: dt.date | None = None
) -> CriResult:
    """Record the CRI of a visit (see the module). Audited. ``today_``: the day it is
    entered (default: the clock's — the demo records a past CRI)."""
    order_id = data.order_id_of(entry.number)
    with uow.write():
        require(uow, actor, Action.CRI_ENTRY)
        serialise_writers(uow)
        session = uow.session
        order = check_order(data.order_row(uow, order_id), entry.number)
        agent = session.scalars(
            select(StaffMember).where(StaffMember.matricule == entry.agent.strip())
        ).one_or_none()
        values = validate(entry, order, agent, today_ or today())
        attempt = order.attempts + 1
        done = entry.done
        status = OrderStatus.EXECUTE if done else OrderStatus.NON_EXECUTE
        changed = run_update(
            uow,
            update(WorkOrder)
            .where(
                WorkOrder.id == order.id,
                WorkOrder.status == OrderStatus.REPARTI.value,
                WorkOrder.dispatch_version == order.version,
            )
            .values(
                status=status.value,
                attempts=WorkOrder.attempts + (0 if done else 1),
                # back to dispatch: no agent, no day (the next visit is another dispatch)
                **({} if done else {"agent_id": None, "visit_on": None}),
                dispatch_version=WorkOrder.dispatch_version + 1,
            )
            .execution_options(synchronize_session=False),
        )
        if changed.rowcount != 1:
            session.rollback()
            raise CriError("CRI_CHANGED_ELSEWHERE", number=order.number, field="number")
        now = audit.now()
        try:
            report_id = session.execute(
                insert(InterventionReport)
                .values(
                    order_id=order.id,
                    attempt=attempt,
                    entered_by=actor.login,
                    entered_at=now,
                    version=1,
                    **values,
                )
                .returning(InterventionReport.id)
            ).scalar_one()
        except IntegrityError:
            session.rollback()
            raise CriError(
                "CRI_ALREADY_ENTERED", number=order.number, status=order.status, field="number"
            ) from None
        end_open(
            uow,
            actor,
            [order.id],
            AssignmentEnd.VISITED if done else AssignmentEnd.NOT_DONE,
            now,
            values["remarks"] or None,
        )
        audit.record(
            uow,
            actor,
            AuditAction.CRI_ENTER,
            entity="work_order",
            entity_key=str(order.id),
            before={"status": order.status.value, "attempts": order.attempts},
            after={
                "status": status.value,
                "attempts": attempt - (1 if done else 0),
                "visit_on": entry.visit_on.isoformat(),
                "visit_time": values["visit_time"],
                "agent": agent.matricule if agent else None,
                "done": done,
                "index_read": values["index_read"],
                "meter_serial_found": values["meter_serial_found"],
                "meter_removed": values["meter_removed"],
                "breaker_removed": values["breaker_removed"],
                "remarks": values["remarks"],
                "note": values["note"],
                "mismatch_note": values["mismatch_note"],
                "outside_window": values["outside_window"],
            },
            details={"police": order.police, "number": order.number, "attempt": attempt},
        )
        uow.commit()
    return CriResult(
        report_id=report_id,
        number=order.number,
        police=order.police,
        done=done,
        status=status,
        attempt=attempt,
        outside_window=values["outside_window"],
        serial_mismatch=values["mismatch_note"] is not None,
    )
