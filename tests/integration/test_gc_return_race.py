"""Two chefs exporting the return file at once on PostgreSQL (#16, R13): the first
writes the lines, the second finds nothing new; each line is exported once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import GcReturnFile, GcReturnLine
from sbee_desk.services import audit
from sbee_desk.services.gc_return import ExportResult, export_return_file
from sbee_desk.services.gc_return import export as export_module
from tests.integration.cri_world import CHEF, CHEF2, cri_clock
from tests.integration.test_gc_return import DAY, GcWorld

__all__ = ["cri_clock"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_workstations_export_at_once_each_line_once(
    db, cri_clock, monkeypatch, tmp_path
) -> None:
    world = GcWorld(db)
    world.terminate(0)
    both_in = threading.Barrier(2, timeout=20)
    lock = export_module.serialise_writers  # type: ignore[attr-defined]

    def together_then_lock(uow) -> None:
        both_in.wait()  # both transactions are open before either takes the lock
        lock(uow)

    monkeypatch.setattr(export_module, "serialise_writers", together_then_lock)
    outcomes: dict[str, object] = {}

    def workstation(name, actor) -> None:
        try:
            outcomes[name] = export_return_file(db.uow(), actor, tmp_path / name, today_=DAY)
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
    results = [o for o in outcomes.values() if isinstance(o, ExportResult)]
    assert len(results) == 2, outcomes
    assert sorted(r.line_count for r in results) == [0, 3]
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(GcReturnFile)) == 1
        assert uow.session.scalar(select(func.count()).select_from(GcReturnLine)) == 3
    assert audit.verify_chain(db.uow()).first_broken is None
