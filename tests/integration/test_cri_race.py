"""Two chefs countersigning the same CRI at once on PostgreSQL (#15, R13): one wins,
the other gets a clear French message; the contract is terminated once."""

from __future__ import annotations

import importlib
import threading

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import AuditEvent, ContractTermination
from sbee_desk.services import audit
from sbee_desk.services.cri import CriError, countersign, enter_cri
from tests.integration.cri_world import AGENT, CHEF, CHEF2, CriWorld, cri_clock, done

__all__ = ["cri_clock"]
#: the module (the package's ``countersign`` is its function)
countersign_module = importlib.import_module("sbee_desk.services.cri.countersign")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_workstations_countersign_at_once_one_wins(db, cri_clock, monkeypatch) -> None:
    world = CriWorld(db, 1)
    enter_cri(db.uow(), AGENT, done(world, 0))
    world.store_return(0)
    both_in = threading.Barrier(2, timeout=20)
    lock = countersign_module.serialise_writers

    def together_then_lock(uow) -> None:
        both_in.wait()  # both transactions are open before either takes the lock
        lock(uow)

    monkeypatch.setattr(countersign_module, "serialise_writers", together_then_lock)
    outcomes: dict[str, object] = {}

    def workstation(name, actor) -> None:
        try:
            outcomes[name] = countersign(db.uow(), actor, [world.number(0)])
        except Exception as exc:  # the test reads it
            outcomes[name] = exc

    threads = [
        threading.Thread(target=workstation, args=("chef", CHEF)),
        threading.Thread(target=workstation, args=("chef2", CHEF2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    refusals = [o for o in outcomes.values() if isinstance(o, CriError)]
    wins = [o for o in outcomes.values() if not isinstance(o, Exception)]
    assert len(refusals) == 1 and len(wins) == 1, outcomes
    assert refusals[0].code == "CRI_ALREADY_COUNTERSIGNED"
    assert "déjà contresigné" in str(refusals[0]) and world.number(0) in str(refusals[0])
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ContractTermination)) == 1
        terminate = select(func.count()).where(AuditEvent.action == "contract.terminate")
        assert uow.session.scalar(terminate) == 1
    assert audit.verify_chain(db.uow()).first_broken is None
