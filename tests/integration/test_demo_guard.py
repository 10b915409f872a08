"""The demo never touches real data (issue #12): it loads only into an empty database
or one holding only the demo agencies, all or nothing whoever runs it, and its
history goes through the real services with the demo's own users in their roles."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from sbee_desk.cli import main
from sbee_desk.db.database import Database
from sbee_desk.db.models import AuditEvent, Base, Derogation, ReminderLetter
from sbee_desk.services.demo import load_demo
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.importing import import_export
from sbee_desk.services.users import DEMO_PASSWORD, create_demo_users
from tests.paths import SAMPLES

TODAY = dt.date(2026, 11, 20)
N = 400


def snapshot(db: Database) -> dict[str, Any]:
    """Rows per table and the audit trail's events: what a refusal must leave as is."""
    with db.uow() as uow:
        counts = {
            table.name: uow.session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
        events = list(uow.session.execute(select(AuditEvent.id, AuditEvent.action)))
    return {"counts": counts, "events": [tuple(e) for e in events]}


@pytest.fixture
def real_db(db: Database) -> Database:
    """The demo users, then a real export imported by the chef."""
    chef = create_demo_users(db.uow())
    import_export(db.uow(), chef, SAMPLES / "export-csv")
    return db


@pytest.mark.parametrize("login", ["chef", "admin"])
def test_demo_on_a_real_import_is_refused_and_writes_nothing(
    real_db: Database, login: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    before = snapshot(real_db)
    monkeypatch.setenv("SBEE_DESK_DB", real_db.url)
    monkeypatch.setenv("SBEE_DESK_USER", login)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", DEMO_PASSWORD)
    code = main(["demo", "--contracts", "5"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "démonstration" in err and "Rien n'a été écrit" in err, err
    assert "Agence de démonstration chargée" not in out
    # the login's audit event is the command's own: nothing else is written
    after = snapshot(real_db)
    logins = [e for e in after["events"] if e not in before["events"]]
    assert {action for _, action in logins} <= {"login"}
    after["counts"]["audit_event"] -= len(logins)
    after["events"] = [e for e in after["events"] if e not in logins]
    after["counts"].pop("audit_head", None)
    before["counts"].pop("audit_head", None)
    assert after == before


def test_the_demo_service_refuses_real_data_whoever_runs_it(real_db: Database) -> None:
    before = snapshot(real_db)
    with pytest.raises(ServiceError) as refused:
        load_demo(real_db, None, contracts=5, today=TODAY)
    assert refused.value.code == "DEMO_ON_REAL_DATA"
    assert "Rien n'a été écrit" in str(refused.value)
    assert snapshot(real_db) == before


def test_a_failure_after_the_import_rolls_back_the_whole_demo(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(db)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ServiceError("DEROGATION_REFERENCE_REQUIRED")

    monkeypatch.setattr("sbee_desk.services.demo.history.add_derogation", broken)
    with pytest.raises(ServiceError):
        load_demo(db, None, contracts=N, today=TODAY)
    assert snapshot(db) == before  # not even the demo users


def test_the_demo_history_is_recorded_by_the_demo_users_in_their_roles(db: Database) -> None:
    result = load_demo(db, None, contracts=N, today=TODAY)
    assert result.users_created
    with db.uow() as uow:
        events = Counter(
            (actor, action)
            for actor, action in uow.session.execute(select(AuditEvent.actor, AuditEvent.action))
        )
        recorded_by = set(uow.session.scalars(select(Derogation.recorded_by)))
        letters = list(uow.session.scalars(select(ReminderLetter.bordereau_code)))
    actions = {action for _, action in events}
    assert "demo.derogation" not in actions
    assert "demo.letter" not in actions or all(
        actor == "agent" for actor, action in events if action == "demo.letter"
    )
    by_action: dict[str, set[str]] = {}
    for actor, action in events:
        by_action.setdefault(action, set()).add(actor)
    assert by_action["import"] == {"chef"}
    assert by_action["selection.run"] == {"chef"}
    assert by_action["review.validate"] == {"chef"}  # the letters come from a validation
    assert by_action["derogation.add"] == {"dg"}  # the Direction Générale user (R4)
    assert by_action["staff.save"] == {"admin"}
    assert recorded_by == {"dg"}
    assert result.derogations == events[("dg", "derogation.add")] >= 1
    assert letters and all(letters)  # each letter knows its bordereau
