"""Step 1 review: exclusions, DG derogations, validation (R4, R7, R13), segregation."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text

from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.review import (
    ReviewError,
    ValidationResult,
    add_derogation,
    exclude_lines,
    restore_lines,
    validate_bordereau,
)
from sbee_desk.services.rules_sql import candidate_select
from sbee_desk.services.selection import candidate_lines, run_selection
from tests.builders import World, add_user

D = dt.date
RUN = D(2026, 11, 20)
TODAY = D(2026, 11, 22)
CHEF = Actor("chef")
DG = Actor("dg")


@pytest.fixture
def world(db) -> World:
    w = World(db)
    add_user(w.s, "dg", Role.DIRECTION)
    add_user(w.s, "chef2", Role.CHEF_RECOUVREMENT)
    add_user(w.s, "dgchef", Role.DIRECTION, Role.CHEF_RECOUVREMENT)
    return w


def debtor(w: World, police: str, **kw) -> int:
    w.contract(police, **kw)
    w.unpaid(police, voltage=kw.get("voltage", "BT"))
    return w.suspension(police, D(2026, 10, 1), voltage=kw.get("voltage", "BT"))


def select(db, on: dt.date = RUN) -> int:
    return run_selection(db.uow(), CHEF, on, today_=TODAY).run_id


def decisions(db, run_id: int) -> dict[str, Decision]:
    return {x.police: x.decision for x in candidate_lines(db.uow(), run_id)}


def count(db, table: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_validation_creates_one_letter_per_relance_and_one_order_per_resiliation(db, world):
    debtor(world, "PB")  # BT ordinary: order
    debtor(world, "PM", voltage="MT")  # MT: letter
    debtor(world, "PE", category="VIP")  # exempt: nothing
    world.commit()
    run = select(db)
    bt = validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=TODAY)
    mt = validate_bordereau(db.uow(), CHEF, run, "MT-2026-09", today_=TODAY)
    assert (bt.letters, bt.orders, bt.exempt) == (0, 1, 1)
    assert (mt.letters, mt.orders) == (1, 0)
    with db.engine.connect() as conn:
        kinds = conn.execute(text("SELECT police, kind FROM work_order")).all()
        letters = conn.execute(text("SELECT police, created_on FROM reminder_letter")).all()
    assert [tuple(k) for k in kinds] == [("PB", "DEPOSE")]
    assert [r.police for r in letters] == ["PM"]


def test_R13_rerun_after_validation_never_recreates_work(db, world):
    debtor(world, "PB")
    debtor(world, "PM", voltage="MT")
    world.commit()
    run = select(db)
    for code in ("BT-2026-09", "MT-2026-09"):
        validate_bordereau(db.uow(), CHEF, run, code, today_=TODAY)
    later = select(db, TODAY)
    assert decisions(db, later) == {"PM": Decision.ATTENTE_RELANCE}
    with pytest.raises(ReviewError, match="aucune ligne"):
        validate_bordereau(db.uow(), CHEF, later, "BT-2026-09", today_=TODAY)
    validate_bordereau(db.uow(), CHEF, later, "MT-2026-09", today_=TODAY)
    assert (count(db, "reminder_letter"), count(db, "work_order")) == (1, 1)


def test_validated_bordereau_is_frozen(db, world):
    debtor(world, "P1")
    debtor(world, "P2")
    world.commit()
    run = select(db)
    validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=TODAY)
    with pytest.raises(ReviewError, match="validé par chef"):
        exclude_lines(db.uow(), CHEF, run, ["P1"], "LITIGE")
    with pytest.raises(ReviewError, match="figée"):
        validate_bordereau(db.uow(), Actor("chef2"), run, "BT-2026-09", today_=TODAY)


def test_excluded_line_gets_nothing_and_comes_back_in_the_next_run(db, world):
    debtor(world, "P1")
    debtor(world, "P2")
    world.commit()
    run = select(db)
    with pytest.raises(ReviewError, match="Motif d'exclusion obligatoire"):
        exclude_lines(db.uow(), CHEF, run, ["P1"], "")
    with pytest.raises(ReviewError, match="précisez"):
        exclude_lines(db.uow(), CHEF, run, ["P1"], "AUTRE")
    assert exclude_lines(db.uow(), CHEF, run, ["P1", "P2"], "PROMESSE", "passe vendredi") == 2
    restore_lines(db.uow(), CHEF, run, ["P2"])
    result = validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=TODAY)
    assert (result.orders, result.excluded) == (1, 1)
    lines = {x.police: x for x in candidate_lines(db.uow(), run)}
    assert lines["P1"].excluded_reason == "Promesse de paiement — passe vendredi"
    assert decisions(db, select(db, TODAY)) == {"P1": Decision.RESILIATION}


def test_exclude_on_validation_from_the_command_line_form(db, world):
    debtor(world, "P1")
    world.commit()
    run = select(db)
    r = validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", [("P1", "litige")], today_=TODAY)
    assert (r.orders, r.excluded) == (0, 1)


def test_R7_line_paid_after_the_run_is_dropped_at_validation(db, world):
    debtor(world, "P1")
    debtor(world, "P2")
    world.commit()
    run = select(db)
    with db.uow() as uow:  # payments imported after the run, dated before validation
        for (number,) in uow.session.execute(
            text("SELECT number FROM invoice WHERE police = 'P1'")
        ):
            uow.session.execute(
                text(
                    "INSERT INTO payment (invoice_number, reference, paid_on, amount) "
                    "VALUES (:n, 'R', :d, 10000)"
                ),
                {"n": number, "d": TODAY},
            )
        uow.commit()
    result = validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=TODAY)
    assert (result.orders, result.dropped) == (1, ["P1"])


def test_R4_derogation_recomputes_open_runs(db, world):
    debtor(world, "PV", category="VIP")
    world.commit()
    run = select(db)
    assert decisions(db, run) == {"PV": Decision.EXEMPTE}
    with pytest.raises(PermissionDenied):
        add_derogation(db.uow(), CHEF, "PV", "DG/2026/17", D(2026, 11, 1))
    info = add_derogation(db.uow(), DG, "PV", "DG/2026/17", D(2026, 11, 1), today_=TODAY)
    assert info.recomputed_lines == 1
    lines = candidate_lines(db.uow(), run)
    assert lines[0].decision is Decision.RESILIATION
    assert "dérogation DG réf. DG/2026/17" in lines[0].reason


def test_R4_derogation_validity_is_judged_at_the_run_date(db, world):
    debtor(world, "PV", category="VIP")
    world.commit()
    run = select(db)
    add_derogation(db.uow(), DG, "PV", "DG-1", D(2026, 11, 21), today_=TODAY)
    assert decisions(db, run) == {"PV": Decision.EXEMPTE}


@pytest.mark.parametrize(
    ("reference", "decided", "until", "message"),
    [
        ("", D(2026, 11, 1), None, "référence de la décision DG est obligatoire"),
        ("DG-2", D(2026, 11, 10), D(2026, 11, 9), "antérieure à la décision"),
        ("DG-3", D(2026, 11, 30), None, "postérieure à aujourd'hui"),
    ],
)
def test_bad_derogation_changes_nothing(db, world, reference, decided, until, message):
    debtor(world, "PV", category="VIP")
    world.commit()
    with pytest.raises(ReviewError, match=message):
        add_derogation(db.uow(), DG, "PV", reference, decided, until, today_=TODAY)
    assert count(db, "derogation") == 0


def test_segregation_derogation_recorder_cannot_validate(db, world):
    debtor(world, "PV", category="VIP")
    world.commit()
    run = select(db)
    add_derogation(db.uow(), Actor("dgchef"), "PV", "DG-9", D(2026, 11, 1), today_=TODAY)
    with pytest.raises(ReviewError, match="Séparation des tâches"):
        validate_bordereau(db.uow(), Actor("dgchef"), run, "BT-2026-09", today_=TODAY)
    assert count(db, "work_order") == 0
    validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=TODAY)
    assert count(db, "work_order") == 1


def test_a_validation_that_ends_during_another_is_seen_by_it(db, world, monkeypatch):
    """Regression: chef B passes the R13 check while chef A's validation of the same
    bordereau (another run) is still open; A commits; B's R7 re-check then found every
    line gone (A's orders) and "validated" the bordereau with all its lines dropped.
    The validations of one bordereau now follow each other: B sees A's orders."""
    import sbee_desk.services.review as review
    from sbee_desk.services.review_base import check_open

    for k in range(5):
        debtor(world, f"P{k:02d}")
    world.commit()
    run_a, run_b = select(db), select(db)
    a_checked, b_checked, a_done = threading.Event(), threading.Event(), threading.Event()

    def checked(*args, **kwargs) -> None:
        check_open(*args, **kwargs)
        if threading.current_thread().name == "A":
            a_checked.set()
        if threading.current_thread().name == "B":
            b_checked.set()

    def rechecked(*args, **kwargs):
        if threading.current_thread().name == "A":
            b_checked.wait(timeout=3)  # B blocked until A ends: A goes on after 3 s
        else:
            a_done.wait(timeout=10)
        return candidate_select(*args, **kwargs)

    monkeypatch.setattr(review, "check_open", checked)  # as validation calls it
    monkeypatch.setattr(review, "candidate_select", rechecked)
    outcomes: dict[str, object] = {}

    def validate(name: str, actor: Actor, run: int) -> None:
        try:
            outcomes[name] = validate_bordereau(db.uow(), actor, run, "BT-2026-09", today_=TODAY)
        except ReviewError as exc:
            outcomes[name] = exc
        finally:
            if name == "A":
                a_done.set()

    a = threading.Thread(target=validate, args=("A", CHEF, run_a), name="A")
    b = threading.Thread(target=validate, args=("B", Actor("chef2"), run_b), name="B")
    a.start()
    # B starts once A's validation is open (on a loaded machine B could otherwise take
    # the write lock first and A would be the one to find the lines taken)
    assert a_checked.wait(timeout=30)
    b.start()
    a.join()
    b.join()
    assert isinstance(outcomes["A"], ValidationResult) and outcomes["A"].orders == 5
    assert isinstance(outcomes["B"], ReviewError)
    assert "déjà leur lettre ou leur ordre" in str(outcomes["B"])
    assert count(db, "bordereau_validation") == 1


def test_two_chefs_validating_at_once_one_wins(db, world):
    for k in range(30):
        debtor(world, f"P{k:02d}")
    world.commit()
    run_a, run_b = select(db), select(db)
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def validate(actor: Actor, run: int) -> None:
        barrier.wait()
        try:
            outcomes.append(validate_bordereau(db.uow(), actor, run, "BT-2026-09", today_=TODAY))
        except ReviewError as exc:
            outcomes.append(exc)

    threads = [
        threading.Thread(target=validate, args=(CHEF, run_a)),
        threading.Thread(target=validate, args=(Actor("chef2"), run_b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [o for o in outcomes if isinstance(o, ReviewError)]
    assert len(outcomes) == 2 and len(errors) == 1
    assert "autre poste" in str(errors[0]) or "déjà leur lettre ou leur ordre" in str(errors[0])
    assert count(db, "work_order") == 30
    assert count(db, "bordereau_validation") == 1


def test_a_validation_on_a_given_day_is_stamped_on_that_day(db, world):
    """The demo's history validates on past days: the lists' « Validé par … le » then
    reads that day, not the wall clock's (closing note of #17)."""
    debtor(world, "PB")
    world.commit()
    run = select(db)
    validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=TODAY)
    with db.engine.connect() as conn:
        stamped = conn.execute(text("SELECT validated_at FROM bordereau_validation")).scalar()
    moment = stamped if isinstance(stamped, dt.datetime) else dt.datetime.fromisoformat(stamped)
    assert moment.date() == TODAY
