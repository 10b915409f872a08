"""Why validation dropped a line (#10): the reason the control list prints.

Validation (:func:`sbee_desk.services.review.validate_bordereau`) gives a letter or
an order only to the confirmed lines still candidates at the validation date; the
others are *dropped*. :func:`drop_reasons` tells why, one :class:`DropReason` per
line, checked in the order the rules end a procedure: the contract terminated
(R1, the export's ``date_resiliation``), a later suspension (R7: a new procedure),
the suspension restored (R7), its reminder letter cancelled (R7), its letter or
order already validated elsewhere (R13), the plan's delay no longer reached (R2,
plan changed), and otherwise the invoices paid below the threshold (R3, R7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sbee_desk.db.models import Candidate, Contract, ReminderLetter, Suspension, WorkOrder
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.enums import DropReason, Voltage
from sbee_desk.domain.plans import PlanValues


def contract_facts(
    session: Session, polices: Sequence[str], suspension_ids: Sequence[int], on: dt.date | None
) -> tuple[dict[str, dt.date | None], dict[str, dt.date], dict[int, dt.date | None]]:
    """(police → terminated on, police → latest suspension up to ``on`` (any if None),
    suspension id → restored on): what tells why a line left the procedure."""
    terminated = dict(
        session.execute(
            select(Contract.police, Contract.terminated_on).where(Contract.police.in_(polices))
        ).all()
    )
    latest_q = select(Suspension.police, func.max(Suspension.suspended_on)).where(
        Suspension.police.in_(polices)
    )
    if on is not None:
        latest_q = latest_q.where(Suspension.suspended_on <= on)
    latest = dict(session.execute(latest_q.group_by(Suspension.police)).all())
    restored = dict(
        session.execute(
            select(Suspension.id, Suspension.restored_on).where(Suspension.id.in_(suspension_ids))
        ).all()
    )
    return terminated, latest, restored


def drop_reasons(
    uow: UnitOfWork, lines: Sequence[Candidate], on: dt.date, plans: Mapping[str, PlanValues]
) -> dict[int, DropReason]:
    """Candidate id → why it is no longer a candidate at ``on`` (a few lines: by police)."""
    if not lines:
        return {}
    session = uow.session
    suspension_ids = sorted({c.suspension_id for c in lines})
    terminated, latest, restored = contract_facts(
        session, sorted({c.police for c in lines}), suspension_ids, on
    )
    letters: dict[int, list[tuple[int, dt.date | None]]] = {}
    for suspension_id, letter_id, cancelled_on in session.execute(
        select(ReminderLetter.suspension_id, ReminderLetter.id, ReminderLetter.cancelled_on).where(
            ReminderLetter.suspension_id.in_(suspension_ids), ReminderLetter.created_on <= on
        )
    ):
        letters.setdefault(suspension_id, []).append((letter_id, cancelled_on))
    ordered = set(
        session.scalars(
            select(WorkOrder.suspension_id).where(
                WorkOrder.suspension_id.in_(suspension_ids), WorkOrder.created_on <= on
            )
        )
    )
    out: dict[int, DropReason] = {}
    for line in lines:
        ended = terminated.get(line.police)
        restored_on = restored.get(line.suspension_id)
        own = [c for i, c in letters.get(line.suspension_id, []) if i == line.letter_id]
        others = [i for i, _ in letters.get(line.suspension_id, []) if i != line.letter_id]
        plan = plans.get(line.category)
        delay = None
        if plan is not None:
            delay = plan.delay_bt_days if line.voltage == Voltage.BT.value else plan.delay_mt_days
        if ended is not None and ended <= on:
            reason = DropReason.TERMINATED
        elif (latest.get(line.police) or line.suspended_on) > line.suspended_on:
            reason = DropReason.NEW_SUSPENSION
        elif restored_on is not None and restored_on <= on:
            reason = DropReason.RESTORED
        elif any(c is not None and c <= on for c in own):
            reason = DropReason.LETTER_CANCELLED
        elif line.suspension_id in ordered or others:
            reason = DropReason.ALREADY_VALIDATED
        elif delay is not None and (on - line.suspended_on).days < delay:
            reason = DropReason.DELAY
        else:
            reason = DropReason.PAID
        out[line.id] = reason
    return out
