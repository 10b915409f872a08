"""A whole run at once — every open bordereau validated, every validated bordereau's
lists produced (``validate --all``, ``lists --all``) — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.lists import produce_all_lists
from sbee_desk.services.review import ReviewError, validate_all, validate_bordereau, validations
from sbee_desk.services.selection import run_selection
from tests.builders import World, add_user

D = dt.date
RUN = D(2026, 11, 20)
TODAY = D(2026, 11, 22)
CHEF = Actor("chef")
BT, MT = "BT-2026-09", "MT-2026-09"


def debtor(w: World, police: str, voltage: str = "BT") -> None:
    w.contract(police, voltage=voltage)
    w.unpaid(police, voltage=voltage)
    w.suspension(police, D(2026, 10, 1), voltage=voltage)


@pytest.fixture
def run(db) -> int:
    """A run of two bordereaux, none validated: BT (PB1, PB2), MT (PM1, PM2)."""
    w = World(db)
    add_user(w.s, "lecteur", Role.CONTROLE)
    for police in ("PB1", "PB2"):
        debtor(w, police)
    for police in ("PM1", "PM2"):
        debtor(w, police, voltage="MT")
    w.commit()
    return run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id


def excluded(db, run_id: int) -> dict[str, str]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT police, exclusion_code FROM candidate "
                "WHERE run_id = :r AND exclusion_code IS NOT NULL"
            ),
            {"r": run_id},
        ).all()
    return {r.police: r.exclusion_code for r in rows}


def register_size(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM archive_entry")).scalar_one()


def test_validate_all_validates_every_open_bordereau_with_its_own_exclusions(db, run) -> None:
    exclusions = [("PB2", "LITIGE"), ("PM1", "LITIGE")]
    done = validate_all(db.uow(), CHEF, run, exclusions, today_=TODAY)
    assert (done.refused, done.error) == (None, None)
    assert [(r.bordereau_code, r.excluded) for r in done.validated] == [(BT, 1), (MT, 1)]
    assert (done.validated[0].orders, done.validated[1].letters) == (1, 1)
    assert excluded(db, run) == {"PB2": "LITIGE", "PM1": "LITIGE"}
    assert set(validations(db.uow(), run)) == {BT, MT}
    again = validate_all(db.uow(), CHEF, run, today_=TODAY)  # nothing left to validate
    assert (again.validated, again.refused, again.error) == ([], None, None)


def test_validate_all_refuses_an_exclusion_of_a_police_not_in_the_run(db, run) -> None:
    """Bad input is never silently dropped: a mistyped police refuses the whole call,
    before any bordereau is validated."""
    exclusions = [("PB2", "LITIGE"), ("NOT-A-LINE", "LITIGE")]
    with pytest.raises(ReviewError) as refused:
        validate_all(db.uow(), CHEF, run, exclusions, today_=TODAY)
    assert refused.value.code == "POLICES_NOT_IN_RUN"
    assert str(refused.value) == f"1 police absente du traitement n° {run} : NOT-A-LINE."
    assert not validations(db.uow(), run)
    assert excluded(db, run) == {}


def test_validate_all_skips_validated_bordereaux(db, run) -> None:
    validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY)
    done = validate_all(db.uow(), CHEF, run, [("PB2", "LITIGE")], today_=TODAY)
    assert [r.bordereau_code for r in done.validated] == [MT]
    assert excluded(db, run) == {}  # PB2's bordereau was validated already


def test_validate_all_stops_at_a_refused_bordereau_keeping_those_before(db, run) -> None:
    done = validate_all(db.uow(), CHEF, run, [("PM1", "AUTRE")], today_=TODAY)
    assert [r.bordereau_code for r in done.validated] == [BT]
    assert done.refused == MT
    assert done.error is not None and done.error.code == "OTHER_REASON_NOTE_REQUIRED"
    assert set(validations(db.uow(), run)) == {BT}  # one transaction per bordereau


def test_produce_all_lists_produces_the_validated_bordereaux_only(db, run, tmp_path) -> None:
    validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY)
    out = tmp_path / "out"
    done = produce_all_lists(db.uow(), CHEF, run, out)
    assert (done.ready, done.waiting, done.refused, done.error) == ([BT], [MT], None, None)
    [(code, files)] = done.produced
    assert code == BT and files
    assert all(f.bordereau_code == BT for f in files)
    assert sorted(p.name for p in Path(out).iterdir()) == sorted(f.file_name for f in files)
    assert register_size(db) == len(files) + len(files.empty)


def test_produce_all_lists_does_nothing_when_no_bordereau_is_validated(db, run, tmp_path) -> None:
    done = produce_all_lists(db.uow(), CHEF, run, tmp_path / "out")
    assert (done.ready, done.waiting, done.produced) == ([], [BT, MT], [])
    assert register_size(db) == 0


def test_produce_all_lists_stops_at_a_refused_bordereau(db, run, tmp_path) -> None:
    validate_all(db.uow(), CHEF, run, today_=TODAY)
    done = produce_all_lists(db.uow(), Actor("lecteur"), run, tmp_path / "out")
    assert (done.ready, done.waiting, done.produced, done.refused) == ([BT, MT], [], [], BT)
    assert isinstance(done.error, PermissionDenied)
    assert register_size(db) == 0
