"""A run older than the plan's setting (default 7 days) cannot be validated: the chef
relaunches it at a fresh date, so that the lists' figures match the documents'
situation (issue #10). The clock is the services' injectable ``today``."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sbee_desk.cli import main
from sbee_desk.services.actor import Actor
from sbee_desk.services.plans import update_plan
from sbee_desk.services.review import RunTooOld, run_age, validate_bordereau
from sbee_desk.services.selection import run_selection
from tests.builders import PASSWORD, add_users
from tests.integration.edition_world import CHEF, RUN, D, count, debtor, world

MESSAGE = (
    "Ce traitement date du 20/11/2026 (plus de 7 jours) : relancez le traitement à la date "
    "du jour avant de valider."
)


def a_run(db) -> int:
    add_users(db)  # chef, admin…
    w = world(db)
    debtor(w, "P1")
    w.commit()
    return run_selection(db.uow(), CHEF, RUN, today_=RUN).run_id


def test_run_age_a_run_older_than_7_days_cannot_be_validated(db) -> None:
    run = a_run(db)
    with pytest.raises(RunTooOld) as refused:
        validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=D(2026, 11, 28))
    assert refused.value.code == "RUN_TOO_OLD"
    age = refused.value.age
    assert (age.run_id, age.run_on, age.days, age.max_age_days) == (run, RUN, 8, 7)
    assert str(refused.value) == MESSAGE
    # nothing changed
    assert count(db, "bordereau_validation") == count(db, "work_order") == 0
    assert count(db, "audit_event", "WHERE action = 'review.validate'") == 0
    # the same run, validated within 7 days
    assert run_age(db.uow(), run, today_=D(2026, 11, 27)).too_old is False
    result = validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=D(2026, 11, 27))
    assert result.orders == 1


def test_run_age_comes_from_the_plans_the_strictest_one_applies(db) -> None:
    run = a_run(db)
    admin = Actor("admin")
    with db.engine.begin() as conn:  # every plan at 10 days, then one at 3
        conn.execute(text("UPDATE recovery_plan SET validation_max_age_days = 10"))
    update_plan(db.uow(), admin, "AGENT_CEB", {"validation_max_age_days": 3})
    age = run_age(db.uow(), run, today_=D(2026, 11, 24))
    assert (age.days, age.max_age_days, age.too_old) == (4, 3, True)
    with pytest.raises(RunTooOld) as refused:
        validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=D(2026, 11, 24))
    assert "(plus de 3 jours)" in str(refused.value)
    update_plan(db.uow(), admin, "AGENT_CEB", {"validation_max_age_days": 10})
    validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=D(2026, 11, 30))


def test_run_age_the_cli_refuses_in_french_with_exit_2(sqlite_db, capsys, monkeypatch) -> None:
    run = a_run(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    monkeypatch.setattr("sbee_desk.services.review.today", lambda: D(2026, 12, 1))  # the clock
    code = main(["--db", sqlite_db.url, "--user", "chef", "validate", "--run", str(run), "--all"])
    out, err = capsys.readouterr()
    assert code == 2
    assert MESSAGE in err and "BT-2026-09" not in err and out == ""
    assert count(sqlite_db, "bordereau_validation") == 0
