"""The demo never touches real data (issue #12): it loads only into an empty database
or one holding only the demo agencies, all or nothing whoever runs it, and its
history goes through the real services with the demo's own users in their roles."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sbee_desk.cli import main
from sbee_desk.db.database import Database
from sbee_desk.db.models import (
    AuditEvent,
    Base,
    Candidate,
    Derogation,
    ReminderLetter,
    WorkOrder,
)
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit_anchor, letters
from sbee_desk.services.actor import Actor
from sbee_desk.services.demo import load_demo
from sbee_desk.services.demo.orders import ORDER_FATES
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.importing import import_export
from sbee_desk.services.users import DEMO_PASSWORD, create_demo_users
from tests.builders import World, add_user
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
    assert "demo.derogation" not in actions and "demo.letter" not in actions
    by_action: dict[str, set[str]] = {}
    for actor, action in events:
        by_action.setdefault(action, set()).add(actor)
    assert by_action["import"] == {"chef"}
    assert by_action["selection.run"] == {"chef"}
    assert by_action["review.exclude"] == {"chef"}  # the lines left without letter
    assert by_action["review.validate"] == {"chef"}  # the letters come from a validation
    assert by_action["derogation.add"] == {"dg"}  # the Direction Générale user (R4)
    assert by_action["staff.save"] == {"admin"}
    assert recorded_by == {"dg"}
    assert result.derogations == events[("dg", "derogation.add")] >= 1
    assert letters and all(letters)  # each letter knows its bordereau


def test_the_demo_keeps_its_letters_in_every_state(sqlite_db: Database) -> None:
    """Through the real services (edition, print queue, letters, R7), the history holds
    a letter in every state of the Relances page, overdue ones and a second
    presentation among them, a RELANCE line left without a letter, and a few orders
    (followed through steps 4 to 6: test_demo_orders.py); each change is the service's
    own audit event, by the demo user of its role."""
    result = load_demo(sqlite_db, None, contracts=N, today=TODAY)
    rows = letters.list_letters(sqlite_db.uow(), today_=TODAY)
    by_status = Counter(r.status for r in rows)
    assert set(by_status) == set(letters.LetterStatus), by_status
    assert result.letters == len(rows)
    undelivered = [r for r in rows if r.status is letters.LetterStatus.A_REMETTRE]
    assert any(r.overdue for r in undelivered)  # past the plan's 15 days
    retried = [r for r in undelivered if r.attempts == 2]
    assert retried and retried[0].reprint_asked and not retried[0].overdue
    delivered = [r for r in rows if r.status is letters.LetterStatus.REMISE]
    assert all(r.releveur_matricule for r in delivered)  # handed to the zone's releveur
    assert any(r.deadline is not None and r.deadline <= TODAY for r in delivered)
    assert any(r.deadline is not None and r.deadline > TODAY for r in delivered)
    (cancelled,) = [r for r in rows if r.status is letters.LetterStatus.ANNULEE]
    assert cancelled.cancel_reason and "(R7)" in cancelled.cancel_reason
    assert (
        result.letters_delivered
        == by_status[letters.LetterStatus.REMISE] + by_status[letters.LetterStatus.IMPOSSIBLE]
    )
    with sqlite_db.uow() as uow:
        orders = uow.session.scalar(select(func.count()).select_from(WorkOrder))
        without_letter = list(
            uow.session.scalars(
                select(Candidate.police).where(
                    Candidate.run_id == result.history_run_id,
                    Candidate.decision == Decision.RELANCE.value,
                    Candidate.police.not_in(
                        select(ReminderLetter.police).where(
                            ReminderLetter.run_id == result.history_run_id
                        )
                    ),
                )
            )
        )
        events = Counter(
            (actor, action)
            for actor, action in uow.session.execute(select(AuditEvent.actor, AuditEvent.action))
        )
    assert 0 < (orders or 0) <= len(ORDER_FATES)
    assert without_letter  # a line to remind left without its letter
    actors: dict[str, set[str]] = {}
    for actor, action in events:
        actors.setdefault(action, set()).add(actor)
    assert not {a for a in actors if a.startswith("demo.")} - {"demo.agency", "demo.history"}
    assert actors["edition.start"] == actors["edition.finish"] == {"nuit"}
    assert actors["edition.print"] == actors["edition.handover"] == {"chef"}
    assert actors["letter.deliver"] == actors["letter.impossible"] == {"agent"}
    assert actors["letter.retry"] == actors["edition.r7_cancel"] == {"chef"}
    assert events[("agent", "letter.deliver")] == by_status[letters.LetterStatus.REMISE]
    assert events[("agent", "letter.impossible")] == by_status[letters.LetterStatus.IMPOSSIBLE]


@pytest.mark.parametrize("login", ["chef", "admin", "agent"])
def test_the_demo_loads_again_whoever_runs_it(
    sqlite_db: Database, login: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("SBEE_DESK_DB", sqlite_db.url)
    assert main(["demo", "--contracts", "40"]) == 0  # no user yet: the demo creates them
    out, _ = capsys.readouterr()
    assert "Utilisateurs de démonstration créés" in out
    before = snapshot(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_USER", login)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", DEMO_PASSWORD)
    assert main(["demo", "--contracts", "40"]) == 0
    out, err = capsys.readouterr()
    assert "Agence de démonstration chargée" in out and not err
    # loaded again: the sign-in and the chef's import (which changes nothing), no
    # history twice (R13), whoever runs it
    with sqlite_db.uow() as uow:
        new = list(
            uow.session.execute(
                select(AuditEvent.actor, AuditEvent.action).where(
                    AuditEvent.id > before["events"][-1][0]
                )
            )
        )
    assert sorted(tuple(event) for event in new) == sorted([(login, "login"), ("chef", "import")])
    after = snapshot(sqlite_db)
    del after["counts"]["audit_event"], before["counts"]["audit_event"]
    del after["events"], before["events"]
    after["counts"].pop("audit_head", None)
    before["counts"].pop("audit_head", None)
    assert after == before


def test_the_demo_refuses_a_database_without_its_users(db: Database) -> None:
    with db.uow() as uow:
        add_user(uow.session, "boss", Role.ADMIN)
        uow.commit()
    before = snapshot(db)
    with pytest.raises(ServiceError) as refused:
        load_demo(db, Actor("boss", frozenset({Role.ADMIN})), contracts=5, today=TODAY)
    assert refused.value.code == "DEMO_USERS_MISSING"
    assert "chef, agent, dg, admin, nuit" in str(refused.value)
    assert snapshot(db) == before


def test_a_real_contract_under_a_demo_agency_code_is_real_data(db: Database) -> None:
    """An agency of the same code as a demo one does not make its contracts demo data."""
    create_demo_users(db.uow())
    world = World(db, agency="COT-CENTRE")
    world.contract("9900000001")
    world.commit()
    before = snapshot(db)
    with pytest.raises(ServiceError) as refused:
        load_demo(db, Actor("chef", frozenset({Role.CHEF_RECOUVREMENT})), contracts=5, today=TODAY)
    assert refused.value.code == "DEMO_ON_REAL_DATA"
    assert "(1 contrat hors démonstration)" in str(refused.value)
    assert snapshot(db) == before


def test_the_demo_anchors_the_journal_only_once_committed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#12: the import and the edition inside the demo's one transaction publish no
    anchor (a demo rolled back after them would leave an anchor of events that never
    were: the journal would read as cut); the committed demo publishes its head."""
    anchors = tmp_path / "ancres.txt"
    monkeypatch.setenv(audit_anchor.ENV_ANCHORS, str(anchors))

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ServiceError("DEROGATION_REFERENCE_REQUIRED")

    with monkeypatch.context() as patch:
        patch.setattr("sbee_desk.services.demo.history.add_derogation", broken)
        with pytest.raises(ServiceError):
            load_demo(db, None, contracts=N, today=TODAY)
    assert not anchors.exists()
    load_demo(db, None, contracts=N, today=TODAY)
    status = audit_anchor.verify_with_anchors(db.uow(), path=anchors)
    assert status.ok and len(status.checked) == 1, status


@pytest.mark.parametrize("today", [dt.date(2026, 9, 3), dt.date(2027, 1, 15)])
def test_the_demo_has_letters_in_every_state_whatever_its_date(
    sqlite_db: Database, today: dt.date
) -> None:
    """The history's dates all come from the demo's as-of date: any day gives the
    Relances page every state, an overdue letter among them."""
    load_demo(sqlite_db, None, contracts=N, today=today)
    rows = letters.list_letters(sqlite_db.uow(), today_=today)
    assert {r.status for r in rows} == set(letters.LetterStatus)
    assert any(r.overdue for r in rows)
    assert all(r.edited_on is None or r.edited_on < today for r in rows)
