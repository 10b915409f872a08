"""Two store workstations at once, on PostgreSQL (#15): the same order scanned on both
— one return recorded, the other refused in French (R13); two new sheets opened at
once — two numbers that follow each other, never the same one."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import AuditEvent, StoreReturn
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.dispatch import data as dispatch_data
from sbee_desk.services.store import ReturnRow, StoreError, record_return
from sbee_desk.services.store import record as store_record
from tests.integration.store_world import STORE, VISIT, StoreWorld, store_clock

__all__ = ["store_clock"]


def _at_once(monkeypatch, *calls: Callable[[], ReturnRow]) -> list[object]:
    """Run the calls in threads, each waiting for the others inside its write
    transaction (role checked) before it takes the writers' lock."""
    together = threading.Barrier(len(calls), timeout=20)
    lock = dispatch_data.serialise_writers

    def wait_then_lock(uow) -> None:
        together.wait()
        lock(uow)

    monkeypatch.setattr(store_record, "serialise_writers", wait_then_lock)
    outcomes: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            outcomes[i] = calls[i]()
        except Exception as exc:  # the test reads it
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_R13_the_same_order_on_two_workstations_one_wins(db, store_clock, monkeypatch) -> None:
    world = StoreWorld(db)
    order = world.removal()
    world.commit()
    outcomes = _at_once(
        monkeypatch,
        lambda: record_return(db.uow(), STORE, str(order), VISIT),
        lambda: record_return(db.uow(), Actor("rpnt"), str(order), VISIT),
    )
    refusals = [o for o in outcomes if isinstance(o, StoreError)]
    wins = [o for o in outcomes if isinstance(o, ReturnRow)]
    assert len(wins) == 1 and len(refusals) == 1, outcomes
    assert refusals[0].code == "STORE_ALREADY_RETURNED"
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StoreReturn)) == 1
        assert (
            uow.session.scalar(select(func.count()).where(AuditEvent.action == "store.return")) == 1
        )
    assert audit.verify_chain(db.uow()).first_broken is None


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_new_sheets_at_once_get_two_numbers(db, store_clock, monkeypatch) -> None:
    world = StoreWorld(db)
    a, b = world.removal(), world.removal()
    world.commit()
    outcomes = _at_once(
        monkeypatch,
        lambda: record_return(db.uow(), STORE, str(a), VISIT),
        lambda: record_return(db.uow(), Actor("rpnt"), str(b), VISIT),
    )
    assert all(isinstance(o, ReturnRow) for o in outcomes), outcomes
    assert sorted(o.sheet_number for o in outcomes if isinstance(o, ReturnRow)) == [
        "FMS-AG1-2026-00001",
        "FMS-AG1-2026-00002",
    ]
