"""Step 4, répartition (#14), on SQLite and PostgreSQL: the proposal read from the
database, its confirmation, assignment by hand, moves, taking back, refusals, history
and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from sbee_desk.db.models import AuditEvent, OrderAssignment, WorkOrder
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.dispatch import OrderStatus, Unplaced
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.dispatch import (
    DispatchError,
    assign,
    confirm,
    dispatch_auto,
    dispatch_settings,
    field_agent,
    list_agents,
    list_orders,
    order_ids,
    propose_dispatch,
    set_dispatch_settings,
    unassign,
)
from tests.integration.dispatch_world import CHEF, RPNT, TODAY, TOMORROW, DispatchWorld, clock

__all__ = ["clock"]


@pytest.fixture
def world(db, clock) -> DispatchWorld:
    return DispatchWorld(db)


def statuses(db) -> dict[int, str]:
    with db.uow() as uow:
        return {i: s for i, s in uow.session.execute(select(WorkOrder.id, WorkOrder.status))}


def history(db, order_id: int) -> list[tuple[int, str | None]]:
    with db.uow() as uow:
        return [
            (a.staff_id, a.end_reason)
            for a in uow.session.scalars(
                select(OrderAssignment)
                .where(OrderAssignment.order_id == order_id)
                .order_by(OrderAssignment.id)
            )
        ]


def actions(db) -> list[str]:
    with db.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --------------------------------------------------------------------------- proposal


def test_proposal_reads_zones_loads_and_leaves_the_orders_nobody_covers(db, world) -> None:
    a1 = world.agent("A001", "Z1")
    a2 = world.agent("A002", "Z1", "Z2")
    world.agent("A003", "Z1", active=False)
    world.agent("R001", "T07", role="RELEVEUR")
    z1 = [world.order("Z1", f"Q{i}") for i in range(4)]
    z2 = world.order("Z2", "Gbegamey")
    t07 = world.order("T07", "Cadjehoun")
    world.order("Z1", status="A_EDITER")  # not edited yet: not waiting
    world.commit()
    proposal = propose_dispatch(db.uow(), TOMORROW)
    given = {v.order.id: v.staff_id for v in proposal.visits}
    assert given[z2] == a2
    assert sorted(given[i] for i in z1).count(a1) == 3  # balanced: 3 + (1 + Z2's)
    assert [(x.order.id, x.reason, x.zone) for x in proposal.left] == [
        (t07, Unplaced.NO_AGENT_FOR_ZONE, "T07")
    ]
    assert {a.matricule for a in proposal.agents} == {"A001", "A002"}
    assert statuses(db)[z2] == "A_REPARTIR"  # a proposal writes nothing


def test_capacity_is_the_agency_setting_and_counts_the_load_of_the_day(db, world) -> None:
    world.agent("A001", "Z1")
    first = [world.order("Z1", "Q") for _ in range(3)]
    world.commit()
    set_dispatch_settings(db.uow(), Actor("admin"), daily_capacity=4)
    assert dispatch_settings(db.uow()).daily_capacity == 4
    assert dispatch_settings(db.uow()).max_attempts == 3
    assign(db.uow(), CHEF, TOMORROW, first, field_agent(db.uow(), "A001"))
    proposal = propose_dispatch(db.uow(), TOMORROW)
    assert proposal.capacity == 4
    assert proposal.visits == [] and proposal.left == []
    assert [a.load for a in proposal.agents] == [3]


def test_settings_are_the_administrators_and_refuse_a_zero_capacity(db, world) -> None:
    world.commit()
    with pytest.raises(PermissionDenied):
        set_dispatch_settings(db.uow(), CHEF, daily_capacity=20)
    with pytest.raises(DispatchError) as refused:
        set_dispatch_settings(db.uow(), Actor("admin"), daily_capacity=0)
    assert "minimum 1" in str(refused.value)
    set_dispatch_settings(db.uow(), Actor("admin"), daily_capacity=20, max_attempts=5)
    assert dispatch_settings(db.uow()).daily_capacity == 20
    assert AuditAction.SETTING_UPDATE.value in actions(db)


def test_auto_dispatch_assigns_audits_and_keeps_the_history(db, world) -> None:
    a1 = world.agent("A001", "Z1")
    ids = [world.order("Z1", "Akpakpa") for _ in range(3)]
    world.commit()
    proposal, result = dispatch_auto(db.uow(), RPNT, TOMORROW)
    assert sorted(result.assigned) == [f"{i:08d}" for i in ids]
    rows = list_orders(db.uow(), [OrderStatus.REPARTI])
    assert [(r.agent_matricule, r.visit_on) for r in rows] == [("A001", TOMORROW)] * 3
    assert history(db, ids[0]) == [(a1, None)]
    assert actions(db).count(AuditAction.DISPATCH_ASSIGN.value) == 3
    # nothing left: a second run changes nothing
    proposal, result = dispatch_auto(db.uow(), CHEF, TOMORROW)
    assert proposal.visits == [] and result.assigned == []


# --------------------------------------------------------------------------- by hand


def test_reassignment_moves_the_order_and_closes_the_first_assignment(db, world) -> None:
    a1, a2 = world.agent("A001", "Z1"), world.agent("A002", "Z1")
    order = world.order()
    world.commit()
    assign(db.uow(), CHEF, TOMORROW, [order], a1)
    result = assign(db.uow(), CHEF, TOMORROW + dt.timedelta(days=1), [order], a2)
    assert result.moved == [f"{order:08d}"]
    assert history(db, order) == [(a1, "REASSIGNED"), (a2, None)]
    row = list_orders(db.uow())[0]
    assert (row.agent_matricule, row.visit_on) == ("A002", TOMORROW + dt.timedelta(days=1))
    again = assign(db.uow(), CHEF, TOMORROW + dt.timedelta(days=1), [order], a2)
    assert again.unchanged == [f"{order:08d}"]
    assert actions(db).count(AuditAction.DISPATCH_REASSIGN.value) == 1


def test_unassign_puts_the_order_back_waiting(db, world) -> None:
    a1 = world.agent("A001", "Z1")
    order = world.order()
    world.commit()
    assign(db.uow(), CHEF, TOMORROW, [order], a1)
    assert unassign(db.uow(), CHEF, [order], "agent malade") == 1
    assert statuses(db)[order] == "A_REPARTIR"
    assert history(db, order) == [(a1, "UNASSIGNED")]
    with pytest.raises(DispatchError) as refused:
        unassign(db.uow(), CHEF, [order])
    assert "pas réparti" in str(refused.value)


def test_confirm_records_the_adjusted_proposal(db, world) -> None:
    a1, a2 = world.agent("A001", "Z1"), world.agent("A002", "Z1")
    ids = [world.order("Z1", "Q") for _ in range(2)]
    world.commit()
    proposal = propose_dispatch(db.uow(), TOMORROW)
    # the chef moves the second order to the other agent before confirming
    visits = [(v.order, a2 if v.order.id == ids[1] else v.staff_id) for v in proposal.visits]
    confirm(db.uow(), CHEF, TOMORROW, visits)
    rows = {r.id: r.agent_matricule for r in list_orders(db.uow())}
    assert rows[ids[1]] == "A002"
    assert rows[ids[0]] == "A001" and a1 != a2


# --------------------------------------------------------------------------- refusals


def refused(call) -> str:
    with pytest.raises(DispatchError) as caught:
        call()
    return str(caught.value)


def test_refusals_say_what_and_change_nothing(db, world) -> None:
    a1 = world.agent("A001", "Z1")
    world.agent("A009", "Z1", active=False)
    world.agent("R001", role="RELEVEUR")
    ok = world.order("Z1")
    t07 = world.order("T07")
    done = world.order("Z1", status="EXECUTE")
    cancelled = world.order("Z1", status="ANNULE")
    world.commit()
    before = actions(db)
    uow = db.uow
    assert "passée" in refused(lambda: assign(uow(), CHEF, TODAY - dt.timedelta(days=1), [ok], a1))
    assert "inactif" in refused(lambda: field_agent(uow(), "A009"))
    assert "inconnu" in refused(lambda: field_agent(uow(), "ZZZ"))
    assert "agents de recouvrement" in refused(lambda: field_agent(uow(), "R001"))
    text = refused(lambda: assign(uow(), CHEF, TOMORROW, [ok, t07], a1))
    assert "ne couvre pas la zone T07" in text and "(ses zones : Z1)" in text
    text = refused(lambda: assign(uow(), CHEF, TOMORROW, [ok, done, cancelled], a1))
    assert f"n° {done:08d} (exécuté)" in text and f"n° {cancelled:08d} (annulé)" in text
    assert "aucun ordre" in refused(lambda: order_ids(uow(), ["99999"]))
    assert set(statuses(db).values()) == {"A_REPARTIR", "EXECUTE", "ANNULE"}
    assert actions(db) == before
    with pytest.raises(PermissionDenied):
        assign(uow(), Actor("agent"), TOMORROW, [ok], a1)


def test_an_agent_outside_the_zone_needs_the_zone_named(db, world) -> None:
    a1 = world.agent("A001", "Z1")
    t07 = world.order("T07")
    world.commit()
    assign(db.uow(), CHEF, TOMORROW, [t07], a1, outside_zones=["T07"])
    assert statuses(db)[t07] == "REPARTI"


def test_a_visit_today_is_allowed(db, world) -> None:
    a1 = world.agent("A001", "Z1")
    order = world.order()
    world.commit()
    assign(db.uow(), CHEF, TODAY, [order], a1)
    assert statuses(db)[order] == "REPARTI"


def test_an_order_changed_since_it_was_read_is_refused(db, world) -> None:
    a1, a2 = world.agent("A001", "Z1"), world.agent("A002", "Z1")
    order = world.order()
    world.commit()
    proposal = propose_dispatch(db.uow(), TOMORROW)  # the page shows it waiting
    assign(db.uow(), CHEF, TOMORROW, [order], a2)  # another workstation gives it to A002
    text = refused(lambda: confirm(db.uow(), RPNT, TOMORROW, [(proposal.visits[0].order, a1)]))
    assert "depuis un autre poste" in text
    assert list_orders(db.uow())[0].agent_matricule == "A002"


def test_agents_list_their_load_of_the_day(db, world) -> None:
    a1 = world.agent("A001", "Z1")
    ids = [world.order() for _ in range(2)]
    world.commit()
    assign(db.uow(), CHEF, TOMORROW, ids, a1)
    assert [(a.matricule, a.load) for a in list_agents(db.uow(), TOMORROW)] == [("A001", 2)]
    assert [a.load for a in list_agents(db.uow(), TODAY)] == [0]


# --------------------------------------------------------------------------- attempts


def test_attempts_the_chef_keeps_trying_or_closes_the_order(db, world) -> None:
    from sqlalchemy import update as sql_update

    from sbee_desk.services.dispatch import close_order

    a1 = world.agent("A001", "Z1")
    again = world.order(status="NON_EXECUTE")
    exhausted = world.order(status="NON_EXECUTE")
    world.commit()
    with db.uow() as uow:
        uow.session.execute(sql_update(WorkOrder).where(WorkOrder.id == again).values(attempts=1))
        uow.session.execute(
            sql_update(WorkOrder).where(WorkOrder.id == exhausted).values(attempts=3)
        )
        uow.commit()
    proposal = propose_dispatch(db.uow(), TOMORROW)
    assert [v.order.id for v in proposal.visits] == [again]
    assert [(x.order.id, x.reason) for x in proposal.left] == [
        (exhausted, Unplaced.ATTEMPTS_EXHAUSTED)
    ]
    text = refused(lambda: close_order(db.uow(), CHEF, [again], "compteur introuvable"))
    assert f"n° {again:08d} (1 tentative)" in text
    assert "motif" in refused(lambda: close_order(db.uow(), CHEF, [exhausted], " "))
    assert close_order(db.uow(), CHEF, [exhausted], "compteur introuvable", TODAY) == 1
    row = {o.id: o for o in list_orders(db.uow())}[exhausted]
    assert (row.status, row.cancel_reason) == (OrderStatus.ANNULE, "compteur introuvable")
    # keeping on trying: the chef gives it by hand; taken back, it waits NON_EXECUTE
    assign(db.uow(), CHEF, TOMORROW, [again], a1)
    unassign(db.uow(), CHEF, [again])
    assert statuses(db)[again] == "NON_EXECUTE"
    assert AuditAction.DISPATCH_CLOSE.value in actions(db)


def test_an_orders_age_counts_from_its_edition_date(db, world) -> None:
    """Printed on the night of 30/11, stored at 20:00 on 04/12 (a batch finished late):
    the page's « Âge » reads 5 days on 05/12, not 1."""
    from sqlalchemy import text

    order_id = world.order()
    world.commit()
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO edition_batch (id, edition_on, status, started_at, started_by, "
                "letters, orders, cancelled, gaps, attempts) VALUES (77, '2026-11-30', "
                "'TERMINE', '2026-11-30 20:00:00', 'chef', 0, 1, 0, 0, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO edition_document (batch_id, kind, order_id, order_kind, number, "
                "police, customer_name, recipient, print_rank, file_name, sha256, content, "
                "pages, payload, created_at, status, print_count, cancelled, version) VALUES "
                "(77, 'ORDER', :id, 'DEPOSE', :number, 'P0001', 'Client', 'CHEF_RPNT', 1, "
                "'o.pdf', '0', :content, 1, '{}', '2026-12-04 20:00:00', 'GENERE', 0, :no, 1)"
            ),
            {"id": order_id, "number": f"{order_id:08d}", "content": b"\x00", "no": False},
        )
    (row,) = [o for o in list_orders(db.uow()) if o.id == order_id]
    assert row.edited_on == dt.date(2026, 11, 30)
    assert row.age(TODAY) == 5
