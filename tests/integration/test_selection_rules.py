"""Selection engine, rules R1–R6, with their boundary cases, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from sbee_desk.domain.enums import CustomerCategory, Decision
from sbee_desk.services.actor import Actor
from sbee_desk.services.selection import (
    SelectionError,
    candidate_lines,
    line_bordereau,
    run_selection,
    selection_json,
)
from tests.builders import World

D = dt.date
RUN = D(2026, 11, 20)
ACTOR = Actor("chef")
SUSPENDED_OLD = D(2026, 10, 1)  # 50 days before RUN


def decisions(db, run_on: dt.date = RUN, agency: str | None = None) -> dict[str, Decision]:
    result = run_selection(db.uow(), ACTOR, run_on, agency, today_=D(2026, 11, 29))
    return {line.police: line.decision for line in candidate_lines(db.uow(), result.run_id)}


@pytest.fixture
def world(db) -> World:
    return World(db)


def suspended_debtor(w: World, police: str, *, suspended_on=SUSPENDED_OLD, **kw) -> int:
    w.contract(police, **kw)
    w.unpaid(police, voltage=kw.get("voltage", "BT"))
    return w.suspension(police, suspended_on, voltage=kw.get("voltage", "BT"))


def test_the_bordereau_of_a_line_of_a_run(db, world) -> None:
    suspended_debtor(world, "P1")
    world.commit()
    run = run_selection(db.uow(), ACTOR, RUN, today_=D(2026, 11, 29))
    [line] = candidate_lines(db.uow(), run.run_id)
    assert line_bordereau(db.uow(), run.run_id, "P1") == line.bordereau_code
    assert line_bordereau(db.uow(), run.run_id, "P9") is None  # not a line of the run
    assert line_bordereau(db.uow(), run.run_id + 1, "P1") is None  # no such run


# ---------------------------------------------------------------- R1


def test_R1_no_suspension_no_candidate(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1", 5)
    world.commit()
    assert decisions(db) == {}


def test_R1_restored_suspension_is_not_current(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1")
    world.suspension("P1", SUSPENDED_OLD, restored_on=D(2026, 10, 15))
    world.commit()
    assert decisions(db) == {}


def test_R1_restoration_after_run_date_is_ignored(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1")
    world.suspension("P1", SUSPENDED_OLD, restored_on=RUN + dt.timedelta(days=1))
    world.commit()
    assert decisions(db) == {"P1": Decision.RESILIATION}


def test_R1_restoration_on_run_date_ends_it(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1")
    world.suspension("P1", SUSPENDED_OLD, restored_on=RUN)
    world.commit()
    assert decisions(db) == {}


def test_R1_restored_earlier_suspension_plus_current_one(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1")
    world.suspension("P1", D(2026, 8, 1), restored_on=D(2026, 8, 10))
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    lines = candidate_lines(db.uow(), run_selection(db.uow(), ACTOR, RUN, today_=RUN).run_id)
    assert [(x.police, x.suspended_on, x.days_suspended) for x in lines] == [
        ("P1", SUSPENDED_OLD, 50)
    ]


def test_R1_suspension_after_run_date_is_ignored(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1")
    world.suspension("P1", SUSPENDED_OLD)
    world.suspension("P1", RUN + dt.timedelta(days=2))
    world.commit()
    assert decisions(db) == {"P1": Decision.RESILIATION}


def test_R1_terminated_in_export_is_never_a_candidate(db, world) -> None:
    suspended_debtor(world, "P1", terminated_on=RUN)
    suspended_debtor(world, "P2", terminated_on=RUN + dt.timedelta(days=1))
    world.commit()
    assert decisions(db) == {"P2": Decision.RESILIATION}


def test_R1_run_date_after_today_is_refused(db) -> None:
    with pytest.raises(SelectionError, match="postérieure à aujourd'hui"):
        run_selection(db.uow(), ACTOR, D(2026, 11, 30), today_=D(2026, 11, 29))


def test_R1_unknown_agency_is_refused(db, world) -> None:
    world.commit()
    with pytest.raises(SelectionError, match="« NOPE » inconnue"):
        run_selection(db.uow(), ACTOR, RUN, "NOPE", today_=RUN)


def test_R1_agency_filter(db, world) -> None:
    suspended_debtor(world, "P1")
    suspended_debtor(world, "P2", agency="AG2")
    world.commit()
    assert decisions(db, agency="AG2") == {"P2": Decision.RESILIATION}
    assert set(decisions(db)) == {"P1", "P2"}


# ---------------------------------------------------------------- R2


@pytest.mark.parametrize("voltage", ["BT", "MT"])
def test_R2_delay_29_days_is_too_recent_30_days_is_due(db, world, voltage) -> None:
    suspended_debtor(world, "P29", suspended_on=RUN - dt.timedelta(days=29), voltage=voltage)
    suspended_debtor(world, "P30", suspended_on=RUN - dt.timedelta(days=30), voltage=voltage)
    world.commit()
    assert set(decisions(db)) == {"P30"}


def test_R2_delay_is_read_from_the_plan(db, world) -> None:
    suspended_debtor(world, "P1", suspended_on=RUN - dt.timedelta(days=30))
    world.commit()
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE recovery_plan SET delay_bt_days = 45 WHERE category = 'ORDINAIRE'"
        )
    assert decisions(db) == {}


# ---------------------------------------------------------------- R3


def test_R3_one_unpaid_invoice_is_not_enough(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1", 1)
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    assert decisions(db) == {}


def test_R3_a_1_fcfa_balance_counts_as_unpaid(db, world) -> None:
    world.contract("P1")
    f1 = world.invoice("P1", D(2026, 7, 1), 10_000)
    world.invoice("P1", D(2026, 8, 1), 10_000)
    world.payment(f1, D(2026, 7, 10), 9_999)
    world.suspension("P1", SUSPENDED_OLD)
    world.contract("P2")
    f2 = world.invoice("P2", D(2026, 7, 1), 10_000)
    world.invoice("P2", D(2026, 8, 1), 10_000)
    world.payment(f2, D(2026, 7, 10), 10_000)
    world.suspension("P2", SUSPENDED_OLD)
    world.commit()
    lines = candidate_lines(db.uow(), run_selection(db.uow(), ACTOR, RUN, today_=RUN).run_id)
    assert [(x.police, x.unpaid_count, x.amount_due) for x in lines] == [("P1", 2, 10_001)]


def test_R3_invoice_issued_but_not_yet_due_does_not_count(db, world) -> None:
    world.contract("P1")
    world.invoice("P1", D(2026, 7, 1), 10_000)
    world.invoice("P1", D(2026, 11, 10), 10_000, due_on=RUN)  # due on the run date: not overdue
    world.suspension("P1", SUSPENDED_OLD)
    world.contract("P2")
    world.invoice("P2", D(2026, 7, 1), 10_000)
    world.invoice("P2", D(2026, 11, 1), 10_000, due_on=RUN - dt.timedelta(days=1))
    world.suspension("P2", SUSPENDED_OLD)
    world.commit()
    assert set(decisions(db)) == {"P2"}


def test_R3_no_due_date_uses_issue_date_plus_payment_term(db, world) -> None:
    world.contract("P1")  # issued 15 days before run: due on run date -> not overdue
    world.invoice("P1", D(2026, 7, 1), 10_000)
    world.invoice("P1", RUN - dt.timedelta(days=15), 10_000, due_on=None)
    world.suspension("P1", SUSPENDED_OLD)
    world.contract("P2")  # issued 16 days before: due the day before -> overdue
    world.invoice("P2", D(2026, 7, 1), 10_000)
    world.invoice("P2", RUN - dt.timedelta(days=16), 10_000, due_on=None)
    world.suspension("P2", SUSPENDED_OLD)
    world.commit()
    assert set(decisions(db)) == {"P2"}


def test_R3_cancelled_invoice_never_counts(db, world) -> None:
    world.contract("P1")
    world.invoice("P1", D(2026, 7, 1), 10_000)
    world.invoice("P1", D(2026, 8, 1), 10_000, cancelled=True)
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    assert decisions(db) == {}


def test_R3_payment_dated_after_run_date_is_ignored(db, world) -> None:
    world.contract("P1")
    f1 = world.invoice("P1", D(2026, 7, 1), 10_000)
    world.invoice("P1", D(2026, 8, 1), 10_000)
    world.payment(f1, RUN + dt.timedelta(days=1), 10_000)
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    assert decisions(db) == {"P1": Decision.RESILIATION}
    assert decisions(db, RUN + dt.timedelta(days=1)) == {}


def test_R3_payment_on_run_date_counts(db, world) -> None:
    world.contract("P1")
    f1 = world.invoice("P1", D(2026, 7, 1), 10_000)
    world.invoice("P1", D(2026, 8, 1), 10_000)
    world.payment(f1, RUN, 10_000)
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    assert decisions(db) == {}


def test_R3_two_receipts_same_amount_same_day_are_two_payments(db, world) -> None:
    world.contract("P1")
    f1 = world.invoice("P1", D(2026, 7, 1), 10_000)
    world.invoice("P1", D(2026, 8, 1), 10_000)
    world.payment(f1, D(2026, 8, 1), 5_000, "A")
    world.payment(f1, D(2026, 8, 1), 5_000, "B")
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    assert decisions(db) == {}


def test_R3_invoice_issued_after_run_date_is_ignored(db, world) -> None:
    world.contract("P1")
    world.invoice("P1", D(2026, 7, 1), 10_000)
    # already "due" by its export date but issued after the run date: did not exist yet
    world.invoice("P1", RUN + dt.timedelta(days=3), 10_000, due_on=D(2026, 8, 1))
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    assert decisions(db) == {}


def test_R3_threshold_is_read_from_the_plan(db, world) -> None:
    world.contract("P1")
    world.unpaid("P1", 2)
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE recovery_plan SET unpaid_threshold = 3")
    assert decisions(db) == {}


# ---------------------------------------------------------------- R4


@pytest.mark.parametrize("category", ["AGENT_SBEE", "VIP"])
def test_R4_exempt_without_derogation(db, world, category) -> None:
    suspended_debtor(world, "P1", category=category)
    world.commit()
    assert decisions(db) == {"P1": Decision.EXEMPTE}


def test_R4_derogation_valid_at_run_date_lifts_exemption(db, world) -> None:
    suspended_debtor(world, "P1", category="AGENT_SBEE")
    world.derogation("P1", D(2026, 11, 1), valid_until=RUN)
    suspended_debtor(world, "P2", category="VIP")
    world.derogation("P2", D(2026, 11, 1), valid_until=RUN - dt.timedelta(days=1))
    suspended_debtor(world, "P3", category="VIP")
    world.derogation("P3", RUN + dt.timedelta(days=1))
    world.commit()
    assert decisions(db) == {
        "P1": Decision.RESILIATION,
        "P2": Decision.EXEMPTE,
        "P3": Decision.EXEMPTE,
    }


def test_R4_exempt_MT_stays_exempt_and_with_derogation_gets_a_reminder(db, world) -> None:
    suspended_debtor(world, "P1", category="VIP", voltage="MT")
    suspended_debtor(world, "P2", category="VIP", voltage="MT")
    world.derogation("P2", D(2026, 11, 1))
    world.commit()
    assert decisions(db) == {"P1": Decision.EXEMPTE, "P2": Decision.RELANCE}


# ---------------------------------------------------------------- R5


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("ORDINAIRE", Decision.RESILIATION),
        ("AGENT_SBEE", Decision.EXEMPTE),
        ("VIP", Decision.EXEMPTE),
        ("RETRAITE_SBEE", Decision.RELANCE),
        ("AGENT_CEB", Decision.RELANCE),
        ("MEMBRE_CA_SBEE", Decision.RELANCE),
        ("MEMBRE_HA_CEB", Decision.RELANCE),
        ("ADMINISTRATION", Decision.RELANCE),
        ("COLLECTIVITE_LOCALE", Decision.RELANCE),
    ],
)
def test_R5_every_category_code_BT(db, world, category, expected) -> None:
    assert {c.value for c in CustomerCategory} >= {category}
    suspended_debtor(world, "P1", category=category)
    world.commit()
    assert decisions(db) == {"P1": expected}


def test_R5_all_MT_contracts_get_a_reminder_first(db, world) -> None:
    suspended_debtor(world, "P1", voltage="MT")
    world.commit()
    assert decisions(db) == {"P1": Decision.RELANCE}


def test_R5_undelivered_letter_waits(db, world) -> None:
    sid = suspended_debtor(world, "P1", category="ADMINISTRATION")
    world.letter("P1", sid, D(2026, 11, 1))
    world.commit()
    assert decisions(db) == {"P1": Decision.ATTENTE_RELANCE}


def test_R5_seven_days_after_delivery_then_resiliation(db, world) -> None:
    sid = suspended_debtor(world, "P6", category="ADMINISTRATION")
    world.letter("P6", sid, D(2026, 11, 1), delivered_on=RUN - dt.timedelta(days=6))
    sid = suspended_debtor(world, "P7", category="ADMINISTRATION")
    world.letter("P7", sid, D(2026, 11, 1), delivered_on=RUN - dt.timedelta(days=7))
    world.commit()
    assert decisions(db) == {"P6": Decision.ATTENTE_RELANCE, "P7": Decision.RESILIATION}


def test_R5_delivery_after_run_date_is_not_known_yet(db, world) -> None:
    sid = suspended_debtor(world, "P1", voltage="MT")
    world.letter("P1", sid, D(2026, 11, 1), delivered_on=RUN + dt.timedelta(days=1))
    world.commit()
    assert decisions(db) == {"P1": Decision.ATTENTE_RELANCE}


def test_R5_letter_of_an_earlier_suspension_does_not_count(db, world) -> None:
    world.contract("P1", category="ADMINISTRATION")
    world.unpaid("P1")
    old = world.suspension("P1", D(2026, 6, 1), restored_on=D(2026, 7, 1))
    world.letter("P1", old, D(2026, 6, 20), delivered_on=D(2026, 6, 21))
    world.suspension("P1", SUSPENDED_OLD)
    world.commit()
    assert decisions(db) == {"P1": Decision.RELANCE}


def test_R5_letter_created_after_run_date_did_not_exist(db, world) -> None:
    sid = suspended_debtor(world, "P1", category="ADMINISTRATION")
    world.letter("P1", sid, RUN + dt.timedelta(days=2))
    world.commit()
    assert decisions(db) == {"P1": Decision.RELANCE}


def test_R5_reminder_delay_is_read_from_the_plan(db, world) -> None:
    sid = suspended_debtor(world, "P1", category="ADMINISTRATION")
    world.letter("P1", sid, D(2026, 11, 1), delivered_on=RUN - dt.timedelta(days=7))
    world.commit()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE recovery_plan SET reminder_delay_days = 10")
    assert decisions(db) == {"P1": Decision.ATTENTE_RELANCE}


# ---------------------------------------------------------------- R6, R13


def test_R6_order_kind_by_voltage(db, world) -> None:
    suspended_debtor(world, "PB")
    suspended_debtor(world, "PM", voltage="MT")
    world.commit()
    run = run_selection(db.uow(), ACTOR, RUN, today_=RUN)
    kinds = {x.police: x.order_kind.value for x in candidate_lines(db.uow(), run.run_id)}
    assert kinds == {"PB": "DEPOSE", "PM": "CONTROLE_INDEX"}


def test_R13_validated_order_for_current_suspension_is_not_listed_again(db, world) -> None:
    sid = suspended_debtor(world, "P1")
    world.order("P1", sid, D(2026, 11, 5))
    suspended_debtor(world, "P2")
    world.commit()
    assert decisions(db) == {"P2": Decision.RESILIATION}


def test_R13_rerun_lists_the_same_lines_and_creates_nothing(db, world) -> None:
    suspended_debtor(world, "P1")
    suspended_debtor(world, "P2", category="ADMINISTRATION")
    world.commit()
    first = run_selection(db.uow(), ACTOR, RUN, today_=RUN)
    second = run_selection(db.uow(), ACTOR, RUN, today_=RUN)
    assert second.run_id != first.run_id
    a = selection_json(db.uow(), first.run_id)
    b = selection_json(db.uow(), second.run_id)
    assert a["bordereaux"] == b["bordereaux"]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM reminder_letter").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM work_order").scalar() == 0


def test_R7_cancelled_letter_ends_the_procedure_for_that_suspension(db, world) -> None:
    sid = suspended_debtor(world, "P1", category="ADMINISTRATION")
    world.letter("P1", sid, D(2026, 11, 1), cancelled_on=D(2026, 11, 5))
    world.commit()
    assert decisions(db) == {}


# ---------------------------------------------------------------- output


def test_json_matches_the_contract(db, world) -> None:
    suspended_debtor(world, "0123456789")
    world.commit()
    run = run_selection(db.uow(), ACTOR, RUN, today_=RUN)
    doc = selection_json(db.uow(), run.run_id)
    assert doc == {
        "run": run.run_id,
        "date": "2026-11-20",
        "bordereaux": [
            {
                "bordereau": "BT-2026-09",
                "tension": "BT",
                "lines": [
                    {
                        "police": "0123456789",
                        "client": "C0123456789",
                        "decision": "RESILIATION",
                        "ordre": "DEPOSE",
                        "impayes": 2,
                        "montant_du": 20000,
                        "suspendu_le": "2026-10-01",
                        "jours_suspension": 50,
                        "motif": "2 factures impayées, suspendu depuis 50 jours",
                    }
                ],
            }
        ],
    }


def test_run_stores_plan_snapshot_and_audit(db, world) -> None:
    suspended_debtor(world, "P1")
    world.commit()
    run = run_selection(db.uow(), ACTOR, RUN, today_=RUN)
    with db.engine.connect() as conn:
        snap = conn.exec_driver_sql(
            f"SELECT plan_snapshot FROM selection_run WHERE id = {run.run_id}"
        ).scalar()
        actor = conn.exec_driver_sql(
            "SELECT actor FROM audit_event WHERE action = 'selection.run'"
        ).scalar()
    assert snap is not None and actor == "chef"
