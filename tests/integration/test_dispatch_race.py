"""Two workstations assigning the same order at once, on PostgreSQL (#14): one wins,
the other is refused with a French message, nothing is lost or doubled."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from sbee_desk.db.models import AuditEvent, OrderAssignment
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit
from sbee_desk.services.dispatch import DispatchError, assign, list_orders
from sbee_desk.services.dispatch import data as dispatch_data
from sbee_desk.services.r7 import cancel_ended
from tests.integration.dispatch_world import CHEF, RPNT, TODAY, TOMORROW, DispatchWorld, clock

__all__ = ["clock"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_workstations_assign_the_same_order_one_wins(db, clock, monkeypatch) -> None:
    world = DispatchWorld(db)
    a1, a2 = world.agent("A001", "Z1"), world.agent("A002", "Z1")
    order = world.order()
    world.commit()
    both_read = threading.Barrier(2, timeout=20)
    read = dispatch_data.versions

    def read_then_wait(uow, ids):
        seen = read(uow, ids)
        both_read.wait()  # each workstation has read the order waiting before either writes
        return seen

    monkeypatch.setattr(dispatch_data, "versions", read_then_wait)
    outcomes: dict[str, object] = {}

    def workstation(name, actor, staff_id) -> None:
        try:
            outcomes[name] = assign(db.uow(), actor, TOMORROW, [order], staff_id)
        except Exception as exc:  # the test reads it
            outcomes[name] = exc

    threads = [
        threading.Thread(target=workstation, args=("chef", CHEF, a1)),
        threading.Thread(target=workstation, args=("rpnt", RPNT, a2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    refusals = [o for o in outcomes.values() if isinstance(o, DispatchError)]
    wins = [o for o in outcomes.values() if not isinstance(o, Exception)]
    assert len(refusals) == 1 and len(wins) == 1, outcomes
    assert refusals[0].code == "ORDER_CHANGED_ELSEWHERE"
    assert str(refusals[0]) == (
        f"Ordre n° {order:08d} : il vient d'être réparti ou modifié depuis un autre poste. "
        "Rien n'a été enregistré : rafraîchissez la répartition."
    )
    winner = "A002" if isinstance(outcomes["chef"], Exception) else "A001"
    assert list_orders(db.uow())[0].agent_matricule == winner
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(OrderAssignment)) == 1
        assert (
            uow.session.scalar(select(func.count()).where(AuditEvent.action == "dispatch.assign"))
            == 1
        )
    assert audit.verify_chain(db.uow()).first_broken is None


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_dispatch_during_an_import_cancelling_the_order_never_deadlocks(
    db, clock, monkeypatch
) -> None:
    """The import holds the writers' lock (the audit head) from its first event and R7
    then cancels orders: a dispatch of one of them waits for it, then is refused in
    French — it never takes the order's row first (a deadlock, PostgreSQL aborting one)."""
    world = DispatchWorld(db)
    a1 = world.agent("A001", "Z1")
    order = world.order()
    world.commit()
    with db.engine.begin() as conn:  # restored: R7 will end the procedure
        conn.execute(
            text("UPDATE suspension SET restored_on = :d WHERE id = (SELECT suspension_id "
                 "FROM work_order WHERE id = :o)"),
            {"d": TODAY, "o": order},
        )  # fmt: skip
    outcome: list[object] = []

    def workstation() -> None:
        try:
            outcome.append(assign(db.uow(), CHEF, TOMORROW, [order], a1))
        except Exception as exc:  # the test reads it
            outcome.append(exc)

    importing = db.uow().write()
    with importing:
        audit.record(importing, RPNT, AuditAction.IMPORT, entity=None)  # the import's event
        thread = threading.Thread(target=workstation)
        thread.start()
        waiting = False
        for _ in range(200):  # until the dispatch waits for the lock
            with db.engine.connect() as conn:
                waiting = bool(
                    conn.execute(
                        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                             "'Lock' AND datname = current_database()")
                    ).scalar()
                )  # fmt: skip
            if waiting:
                break
            thread.join(timeout=0.05)
        assert waiting
        cancel_ended(importing, RPNT, TODAY, AuditAction.IMPORT_R7_CANCEL)
        importing.commit()
    thread.join(timeout=30)
    [result] = outcome
    assert isinstance(result, DispatchError), result
    assert result.code == "ORDER_NOT_DISPATCHABLE"
    assert f"n° {order:08d} (annulé)" in str(result)
