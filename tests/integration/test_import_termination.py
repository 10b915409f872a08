"""A contract terminated by sbee-desk (R11, #15) is never silently undone by a later
import: an export that does not know the termination yet keeps it, and one that says the
contract was restored after it is reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from sbee_desk.db.database import Database
from sbee_desk.db.models import Contract, ContractTermination
from sbee_desk.services.audit import now
from sbee_desk.services.importing import import_export
from tests.integration.test_import import ACTOR as CHEF
from tests.integration.test_import import _users as _users  # the autouse fixture
from tests.integration.test_import import base_export, write_export

TERMINATED = dt.date(2026, 4, 10)


def _terminate(db: Database, police: str) -> None:
    with db.uow() as uow:
        uow.session.get_one(Contract, police).terminated_on = TERMINATED
        uow.session.add(
            ContractTermination(
                police=police,
                terminated_on=TERMINATED,
                cause="IMPAYES",
                recorded_by="chef",
                recorded_at=now(),
            )
        )
        uow.commit()


def _terminated_on(db: Database, police: str) -> dt.date | None:
    with db.uow() as uow:
        return uow.session.scalar(select(Contract.terminated_on).where(Contract.police == police))


def test_R13_an_import_that_does_not_know_the_termination_keeps_it(
    db: Database, tmp_path: Path
) -> None:
    import_export(db.uow(), CHEF, write_export(tmp_path / "a"))
    _terminate(db, "P1")
    result = import_export(db.uow(), CHEF, write_export(tmp_path / "b"))  # date_resiliation ""
    assert _terminated_on(db, "P1") == TERMINATED
    assert result.counts["contrats"].updated == 0


def test_R13_a_restoration_after_the_termination_is_reported_not_applied(
    db: Database, tmp_path: Path
) -> None:
    import_export(db.uow(), CHEF, write_export(tmp_path / "a"))
    _terminate(db, "P1")
    export = base_export()
    export["interruptions"] = [["P1", "2026-03-02", "BT-AG1-2026-01", "2026-05-02"]]
    result = import_export(db.uow(), CHEF, write_export(tmp_path / "b", export))
    assert _terminated_on(db, "P1") == TERMINATED
    assert any(
        "P1" in w and "résilié le 10/04/2026" in w and "rétablissement du 02/05/2026" in w
        for w in result.warnings
    ), result.warnings
