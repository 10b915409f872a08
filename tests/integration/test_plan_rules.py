"""The plan cannot undo the procedure (business-rules.md R2–R5, issue #10): the
administrator may make a plan stricter for the utility, never let it skip a step.
Refused at the service, hence by ``plan set`` and the Paramètres page alike, with
a French message naming the plan, the field and the minimum; nothing changed."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from sbee_desk.cli import main
from sbee_desk.db.database import open_database
from sbee_desk.db.migrate import alembic_config
from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.domain.plans import PlanValues, default_plans, procedure_violations
from sbee_desk.services.actor import Actor
from sbee_desk.services.plans import PlanBelowProcedure, list_plans, update_plan
from tests.builders import PASSWORD, add_users

ADMIN = Actor("admin")


def plans(db) -> dict[str, PlanValues]:
    return {p.category.value: p for p in list_plans(db.uow())}


def plan_events(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'plan.update'")
        ).scalar_one()


@pytest.fixture
def admin_db(db):
    add_users(db)
    return db


@pytest.mark.parametrize(
    ("category", "changes", "message"),
    [
        (
            "ORDINAIRE",
            {"delay_bt_days": 20},
            "Plan « Ordinaire » (ORDINAIRE) : délai après suspension BT (jours) ne peut pas "
            "être inférieur à 30, la valeur de la procédure (R2) ; valeur demandée : 20. "
            "Rien n'a été modifié.",
        ),
        (
            "ADMINISTRATION",
            {"delay_mt_days": 29},
            "Plan « Administration » (ADMINISTRATION) : délai après suspension MT (jours) ne "
            "peut pas être inférieur à 30, la valeur de la procédure (R2) ; valeur demandée : "
            "29. Rien n'a été modifié.",
        ),
        (
            "ORDINAIRE",
            {"unpaid_threshold": 1},
            "Plan « Ordinaire » (ORDINAIRE) : nombre minimal de factures impayées échues ne "
            "peut pas être inférieur à 2, la valeur de la procédure (R3) ; valeur demandée : "
            "1. Rien n'a été modifié.",
        ),
        (
            "RETRAITE_SBEE",
            {"reminder_delay_days": 6},
            "Plan « Retraité SBEE » (RETRAITE_SBEE) : délai après remise de la lettre (jours) "
            "ne peut pas être inférieur à 7, la valeur de la procédure (R5) ; valeur demandée : "
            "6. Rien n'a été modifié.",
        ),
    ],
)
def test_R2_R3_R5_plan_delays_and_threshold_cannot_go_below_the_procedure(
    admin_db, category: str, changes: dict[str, int], message: str
) -> None:
    before, events = plans(admin_db), plan_events(admin_db)
    with pytest.raises(PlanBelowProcedure) as refused:
        update_plan(admin_db.uow(), ADMIN, category, changes)
    assert str(refused.value) == message
    [field] = changes
    assert (refused.value.category, refused.value.field) == (CustomerCategory(category), field)
    floors = {
        "delay_bt_days": 30,
        "delay_mt_days": 30,
        "unpaid_threshold": 2,
        "reminder_delay_days": 7,
    }
    assert refused.value.minimum == floors[field]
    assert plans(admin_db) == before and plan_events(admin_db) == events


@pytest.mark.parametrize("category", ["AGENT_SBEE", "VIP"])
def test_R4_a_plan_cannot_switch_an_exempt_category_to_termination(admin_db, category) -> None:
    before, events = plans(admin_db), plan_events(admin_db)
    with pytest.raises(PlanBelowProcedure) as refused:
        update_plan(admin_db.uow(), ADMIN, category, {"exempt": False, "reminder_delay_days": 10})
    label = {"AGENT_SBEE": "Agent SBEE", "VIP": "Sensible (VIP)"}[category]
    assert str(refused.value) == (
        f"Plan « {label} » ({category}) : exempté sauf dérogation DG doit rester « oui » "
        "(R4) : seule une dérogation de la Direction Générale, enregistrée pour un contrat, "
        "permet de le résilier. Rien n'a été modifié."
    )
    assert plans(admin_db) == before and plan_events(admin_db) == events


def test_R5_MT_always_gets_a_reminder_and_so_do_the_R5_categories_in_BT(admin_db) -> None:
    with pytest.raises(PlanBelowProcedure) as refused:
        update_plan(admin_db.uow(), ADMIN, "ORDINAIRE", {"reminder_first_mt": False})
    assert str(refused.value) == (
        "Plan « Ordinaire » (ORDINAIRE) : relance écrite préalable en MT doit rester « oui » "
        "(R5) : tout client MT reçoit d'abord une lettre de relance. Rien n'a été modifié."
    )
    with pytest.raises(PlanBelowProcedure) as refused:
        update_plan(admin_db.uow(), ADMIN, "COLLECTIVITE_LOCALE", {"reminder_first_bt": False})
    assert str(refused.value) == (
        "Plan « Collectivité locale » (COLLECTIVITE_LOCALE) : relance écrite préalable en BT "
        "doit rester « oui » (R5) : la catégorie Collectivité locale reçoit d'abord une lettre "
        "de relance. Rien n'a été modifié."
    )
    assert plan_events(admin_db) == 0


def test_R2_R5_a_plan_may_be_stricter_than_the_procedure(admin_db) -> None:
    update_plan(
        admin_db.uow(),
        ADMIN,
        "ORDINAIRE",
        {
            "delay_bt_days": 45,
            "unpaid_threshold": 3,
            "reminder_first_bt": True,
            "reminder_delay_days": 10,
        },
    )
    plan = plans(admin_db)["ORDINAIRE"]
    assert (plan.delay_bt_days, plan.unpaid_threshold, plan.reminder_first_bt) == (45, 3, True)
    assert plan_events(admin_db) == 1


def test_R2_R5_the_default_and_stored_plans_respect_the_procedure(admin_db) -> None:
    assert [v for p in default_plans() for v in procedure_violations(p)] == []
    assert [v for p in list_plans(admin_db.uow()) for v in procedure_violations(p)] == []


# --------------------------------------------------------------------------- the CLI


def test_R4_R2_plan_set_refuses_in_french_with_exit_2(sqlite_db, capsys, monkeypatch) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    before = plans(sqlite_db)
    code = main(["--db", sqlite_db.url, "--user", "admin", "plan", "set", "VIP", "exempt=non"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Plan « Sensible (VIP) » (VIP) : exempté sauf dérogation DG doit rester « oui »" in err
    code = main(
        [
            "--db",
            sqlite_db.url,
            "--user",
            "admin",
            "plan",
            "set",
            "ORDINAIRE",
            "delay_bt_days=20",
            "reminder_delay_days=8",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "délai après suspension BT (jours) ne peut pas être inférieur à 30" in err
    assert plans(sqlite_db) == before and plan_events(sqlite_db) == 0


def test_R2_R5_a_stored_plan_below_the_procedure_is_repaired_by_the_upgrade(tmp_path) -> None:
    """Plans stored before #10 could be below the procedure: migration 0007 repairs them."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    command.upgrade(alembic_config(engine), "0006")
    with engine.begin() as conn:
        conn.execute(text("UPDATE recovery_plan SET exempt = 0 WHERE category = 'VIP'"))
        conn.execute(
            text(
                "UPDATE recovery_plan SET delay_bt_days = 20, unpaid_threshold = 1, "
                "reminder_first_mt = 0 WHERE category = 'ORDINAIRE'"
            )
        )
        conn.execute(
            text(
                "UPDATE recovery_plan SET reminder_first_bt = 0, delay_mt_days = 45 "
                "WHERE category = 'ADMINISTRATION'"
            )
        )
    engine.dispose()
    db = open_database(url)
    try:
        stored = {p.category.value: p for p in list_plans(db.uow())}
        assert [v for p in stored.values() for v in procedure_violations(p)] == []
        assert stored["VIP"].exempt is True
        ordinary = stored["ORDINAIRE"]
        assert (ordinary.delay_bt_days, ordinary.unpaid_threshold) == (30, 2)
        assert stored["ADMINISTRATION"].delay_mt_days == 45  # stricter: kept
        assert {p.validation_max_age_days for p in stored.values()} == {7}
    finally:
        db.dispose()
