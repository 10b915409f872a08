"""Giving orders to agents: the automatic proposal for a day, its confirmation, an
assignment by hand (or a move to another agent or day), taking an order back.

Every change is one write transaction, audited one event per order; a refusal
(:class:`DispatchError`, French words in ``wording.errors``) changes nothing.

Two workstations assigning the same order at once: each change expects the dispatch
version it read (the page's proposal, or a read just before the change), takes the
writers' lock (``data.serialise_writers``: the audit head, as R7 does — never an
order row first, so no deadlock with a cancellation), reads the orders again and
refuses, with their numbers, those another workstation changed meanwhile; the UPDATE
itself is conditional on that version too. Nothing is recorded by the refused one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, insert, select, update

from sbee_desk.db.models import OrderAssignment, StaffMember, WorkOrder
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.dispatch import (
    DISPATCHABLE,
    WAITING,
    AgentDay,
    AssignmentEnd,
    OrderStatus,
    ProposalPlan,
    WaitingOrder,
    propose,
)
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.dispatch import data
from sbee_desk.services.dispatch.model import (
    FIELD_AGENT_ROLE,
    AgentRow,
    AssignResult,
    DispatchError,
    DispatchSettings,
    LeftOrder,
    OrderRow,
    Proposal,
    ProposedVisit,
)
from sbee_desk.services.edition.model import print_key
from sbee_desk.services.print_queue import normalize_number


def order_ids(uow: UnitOfWork, numbers: Iterable[str]) -> list[int]:
    """The orders of printed numbers (``12`` or ``00000012``); unknown ones refused."""
    wanted = list(dict.fromkeys(normalize_number(n) for n in numbers))
    if not wanted:
        raise DispatchError("NO_ORDER_CHOSEN")
    ids = [int(n) for n in wanted]
    with uow:
        found = set(uow.session.scalars(select(WorkOrder.id).where(WorkOrder.id.in_(ids))))
    missing = [n for n, i in zip(wanted, ids, strict=True) if i not in found]
    if missing:
        raise DispatchError("UNKNOWN_ORDER_NUMBER", numbers=missing)
    return ids


def field_agent(uow: UnitOfWork, matricule: str) -> int:
    """The staff id of an active agent de recouvrement; a French refusal otherwise."""
    key = matricule.strip()
    with uow:
        staff = uow.session.scalars(
            select(StaffMember).where(StaffMember.matricule == key)
        ).one_or_none()
        if staff is None:
            raise DispatchError("UNKNOWN_MATRICULE", matricule=key)
        _check_agent(staff)
        return staff.id


def _check_agent(staff: StaffMember) -> None:
    if staff.role != FIELD_AGENT_ROLE:
        raise DispatchError(
            "NOT_A_FIELD_AGENT", name=staff.name, matricule=staff.matricule, role=staff.role
        )
    if not staff.active:
        raise DispatchError("AGENT_INACTIVE", name=staff.name, matricule=staff.matricule)


def _check_date(on: dt.date, today_: dt.date | None = None) -> None:
    day = today_ or today()
    if on < day:
        raise DispatchError("VISIT_DATE_PAST", on=on, today=day)


# --------------------------------------------------------------------------- proposal


def propose_dispatch(uow: UnitOfWork, on: dt.date) -> Proposal:
    """The automatic proposal for ``on`` (``domain.dispatch.propose``): nothing is
    written; :func:`confirm` records it (or the chef's adjusted version)."""
    settings, team, waiting = proposal_inputs(uow, on)
    plan = plan_of(settings, team, waiting)
    return proposal_of(on, settings.daily_capacity, team, waiting, plan)


def plan_of(
    settings: DispatchSettings, team: Sequence[AgentRow], waiting: Sequence[OrderRow]
) -> ProposalPlan:
    """``domain.dispatch.propose`` over the rows read."""
    return propose(
        (
            WaitingOrder(
                o.id,
                o.zone,
                o.quartier,
                print_key(o.zone, o.quartier, o.address, o.police),
                o.attempts,
            )
            for o in waiting
        ),
        [AgentDay(a.staff_id, a.matricule, frozenset(a.zones), a.load) for a in team],
        settings.daily_capacity,
        settings.max_attempts,
    )


def proposal_inputs(
    uow: UnitOfWork, on: dt.date
) -> tuple[DispatchSettings, list[AgentRow], list[OrderRow]]:
    """What the proposal reads: the settings, the active agents with the load of ``on``,
    the orders waiting for an agent."""
    with uow:
        settings = data.settings(uow)
        team = data.agents(uow, on)
        waiting = [
            data.order_row(r)
            for r in uow.session.execute(
                data.order_query()
                .where(WorkOrder.status.in_([s.value for s in WAITING]))
                .order_by(WorkOrder.id)
            )
        ]
    return settings, team, waiting


def proposal_of(
    on: dt.date, capacity: int, team: list[AgentRow], waiting: list[OrderRow], plan: ProposalPlan
) -> Proposal:
    """The result object of a plan: the visits by agent in route order, the orders left."""
    by_id = {o.id: o for o in waiting}
    matricule = {a.staff_id: a.matricule for a in team}
    visits = [
        ProposedVisit(by_id[order_id], staff_id, matricule[staff_id])
        for order_id, staff_id in plan.assigned.items()
    ]
    visits.sort(
        key=lambda v: (
            v.matricule,
            print_key(v.order.zone, v.order.quartier, v.order.address, v.order.police),
        )
    )
    left = [LeftOrder(by_id[x.order_id], x.reason, x.zone) for x in plan.left]
    return Proposal(on, capacity, visits, left, team, dict(plan.loads))


def confirm(
    uow: UnitOfWork,
    actor: Actor,
    on: dt.date,
    visits: Sequence[tuple[OrderRow, int]],
    *,
    outside_zones: Iterable[str] = (),
) -> AssignResult:
    """Record the (adjusted) proposal: each (order as read, staff id). An order changed
    elsewhere since it was read is refused (nothing recorded)."""
    seen = {order.id: order.version for order, _ in visits}
    return _assign(
        uow, actor, on, [(order.id, staff) for order, staff in visits], seen, outside_zones
    )


def dispatch_auto(uow: UnitOfWork, actor: Actor, on: dt.date) -> tuple[Proposal, AssignResult]:
    """``dispatch --auto``: the proposal for ``on``, confirmed as it is."""
    with uow:
        require(uow, actor, Action.DISPATCH)
    _check_date(on)
    proposal = propose_dispatch(uow, on)
    result = confirm(uow, actor, on, [(v.order, v.staff_id) for v in proposal.visits])
    return proposal, result


def assign(
    uow: UnitOfWork,
    actor: Actor,
    on: dt.date,
    ids: Sequence[int],
    staff_id: int,
    *,
    outside_zones: Iterable[str] = (),
    seen: Mapping[int, int] | None = None,
    today_: dt.date | None = None,
) -> AssignResult:
    """Give orders to one agent for ``on`` (by hand, or a move from another agent or
    day). ``outside_zones``: zones the chef confirmed although the agent does not
    cover them; ``seen``: dispatch versions as the page read them; ``today_``: the day
    it is done (default: the clock's — the demo records a past dispatch)."""
    return _assign(uow, actor, on, [(i, staff_id) for i in ids], seen, outside_zones, today_)


def _assign(
    uow: UnitOfWork,
    actor: Actor,
    on: dt.date,
    pairs: Sequence[tuple[int, int]],
    seen: Mapping[int, int] | None,
    outside_zones: Iterable[str],
    today_: dt.date | None = None,
) -> AssignResult:
    confirmed = {z.strip() for z in outside_zones}
    # what the chef saw (the page), else the orders as they are now: read before the
    # lock, so that a change committed meanwhile by another workstation is detected
    expected = dict(seen) if seen is not None else data.versions(uow, [i for i, _ in pairs])
    with uow.write():
        require(uow, actor, Action.DISPATCH)
        _check_date(on, today_)
        if not pairs:
            return AssignResult(on, [], [], [], {})
        session = uow.session
        data.serialise_writers(uow)
        orders = data.orders_by_ids(uow, [i for i, _ in pairs])
        staff = {
            s.id: s
            for s in session.scalars(
                select(StaffMember).where(StaffMember.id.in_({s for _, s in pairs}))
            )
        }
        for staff_id in sorted({s for _, s in pairs}):
            member = staff.get(staff_id)
            if member is None:
                raise DispatchError("STAFF_NOT_FOUND", staff_id=staff_id)
            _check_agent(member)
        refused = [
            (orders[i].number, orders[i].status)
            for i, _ in pairs
            if orders[i].status not in DISPATCHABLE
        ]
        if refused:
            raise DispatchError("ORDER_NOT_DISPATCHABLE", orders=refused)
        outside: dict[int, set[str]] = {}
        for order_id, staff_id in pairs:
            zone = orders[order_id].zone
            zones = {z for z in staff[staff_id].zones.split(",") if z}
            if zone is not None and zones and zone not in zones and zone not in confirmed:
                outside.setdefault(staff_id, set()).add(zone)
        if outside:
            staff_id = min(outside)
            member = staff[staff_id]
            raise DispatchError(
                "AGENT_OUTSIDE_ZONE",
                name=member.name,
                matricule=member.matricule,
                zones=sorted(outside[staff_id]),
                agent_zones=sorted(z for z in member.zones.split(",") if z),
            )
        assigned: list[str] = []
        moved: list[str] = []
        unchanged: list[str] = []
        groups: dict[tuple[int, int], list[int]] = {}
        for order_id, staff_id in pairs:
            order = orders[order_id]
            if order_id in expected and expected[order_id] != order.version:
                _conflict(uow, [order.number])
            if (
                order.status is OrderStatus.REPARTI
                and order.visit_on == on
                and staff[staff_id].matricule == order.agent_matricule
            ):
                unchanged.append(order.number)
                continue
            groups.setdefault((staff_id, order.version), []).append(order_id)
            (moved if order.status is OrderStatus.REPARTI else assigned).append(order.number)
        now = audit.now()
        for (staff_id, version), ids in groups.items():
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                done = data.run_update(
                    uow,
                    update(WorkOrder)
                    .where(
                        WorkOrder.id.in_(part),
                        WorkOrder.dispatch_version == version,
                        WorkOrder.cancelled_on.is_(None),
                        WorkOrder.status.in_([s.value for s in DISPATCHABLE]),
                    )
                    .values(
                        status=OrderStatus.REPARTI.value,
                        agent_id=staff_id,
                        visit_on=on,
                        dispatch_version=WorkOrder.dispatch_version + 1,
                    )
                    .execution_options(synchronize_session=False),
                )
                if done.rowcount != len(part):
                    _conflict(uow, [orders[i].number for i in part])
        changed = [i for ids in groups.values() for i in ids]
        was_held = [i for i in changed if orders[i].status is OrderStatus.REPARTI]
        end_open(uow, actor, was_held, AssignmentEnd.REASSIGNED, now)
        target = dict(pairs)
        if changed:
            session.execute(
                insert(OrderAssignment),
                [
                    {
                        "order_id": i,
                        "staff_id": target[i],
                        "visit_on": on,
                        "assigned_by": actor.login,
                        "assigned_at": now,
                    }
                    for i in changed
                ],
            )
        events: list[audit.EventDraft] = []
        for i in changed:
            order, member = orders[i], staff[target[i]]
            reassigned = order.status is OrderStatus.REPARTI
            events.append(
                {
                    "action": (
                        AuditAction.DISPATCH_REASSIGN if reassigned else AuditAction.DISPATCH_ASSIGN
                    ),
                    "entity": "work_order",
                    "entity_key": str(i),
                    "before": _state(order),
                    "after": {
                        "status": OrderStatus.REPARTI.value,
                        "agent": member.matricule,
                        "visit_on": on.isoformat(),
                    },
                    "details": {
                        "police": order.police,
                        "number": order.number,
                        **(
                            {"outside_zone": order.zone}
                            if order.zone is not None and order.zone in confirmed
                            else {}
                        ),
                    },
                }
            )
        audit.record_many(uow, actor, events)
        uow.commit()
    return AssignResult(
        on,
        assigned,
        moved,
        unchanged,
        {s: staff[s].matricule for s in sorted({target for _, target in pairs})},
    )


def _state(order: OrderRow) -> dict[str, Any]:
    return {
        "status": order.status.value,
        "agent": order.agent_matricule,
        "visit_on": order.visit_on.isoformat() if order.visit_on else None,
    }


def _conflict(uow: UnitOfWork, numbers: list[str]) -> None:
    uow.session.rollback()
    raise DispatchError("ORDER_CHANGED_ELSEWHERE", numbers=numbers)


def end_open(
    uow: UnitOfWork,
    actor: Actor,
    ids: Sequence[int],
    reason: AssignmentEnd,
    at: dt.datetime,
    note: str | None = None,
) -> None:
    """Close the open assignment of these orders."""
    for start in range(0, len(ids), 500):
        uow.session.execute(
            update(OrderAssignment)
            .where(
                and_(
                    OrderAssignment.order_id.in_(ids[start : start + 500]),
                    OrderAssignment.ended_at.is_(None),
                )
            )
            .values(ended_at=at, ended_by=actor.login, end_reason=reason.value, note=note)
            .execution_options(synchronize_session=False)
        )


def unassign(uow: UnitOfWork, actor: Actor, ids: Sequence[int], reason: str = "") -> int:
    """Take orders back from their agent: they wait for an agent again (« non exécuté »
    if a visit already failed). Audited."""
    note = reason.strip() or None
    with uow.write():
        require(uow, actor, Action.DISPATCH)
        data.serialise_writers(uow)
        orders = data.orders_by_ids(uow, ids)
        held = [orders[i] for i in ids if orders[i].status is OrderStatus.REPARTI]
        if len(held) != len(ids):
            numbers = [orders[i].number for i in ids if orders[i].status is not OrderStatus.REPARTI]
            raise DispatchError("ORDER_NOT_ASSIGNED", numbers=numbers)
        now = audit.now()
        events: list[audit.EventDraft] = []
        for order in held:
            back = OrderStatus.NON_EXECUTE if order.attempts else OrderStatus.A_REPARTIR
            done = data.run_update(
                uow,
                update(WorkOrder)
                .where(
                    WorkOrder.id == order.id,
                    WorkOrder.dispatch_version == order.version,
                    WorkOrder.status == OrderStatus.REPARTI.value,
                )
                .values(
                    status=back.value,
                    agent_id=None,
                    visit_on=None,
                    dispatch_version=WorkOrder.dispatch_version + 1,
                )
                .execution_options(synchronize_session=False),
            )
            if done.rowcount != 1:
                _conflict(uow, [order.number])
            events.append(
                {
                    "action": AuditAction.DISPATCH_UNASSIGN,
                    "entity": "work_order",
                    "entity_key": str(order.id),
                    "before": _state(order),
                    "after": {"status": back.value, "agent": None, "visit_on": None},
                    "details": {"police": order.police, "number": order.number, "reason": note},
                }
            )
        end_open(uow, actor, [o.id for o in held], AssignmentEnd.UNASSIGNED, now, note)
        audit.record_many(uow, actor, events)
        uow.commit()
    return len(held)
