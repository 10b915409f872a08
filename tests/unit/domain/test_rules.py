"""Rules R1–R6 on plain values (sbee_desk.domain.rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from sbee_desk.domain.enums import CustomerCategory, Decision, OrderKind, Voltage
from sbee_desk.domain.plans import EXEMPT_CATEGORIES, PlanValues, default_plan, default_plans
from sbee_desk.domain.rules import (
    ContractFacts,
    DerogationFact,
    FutureRunDate,
    InvoiceFact,
    LetterFact,
    SuspensionFact,
    balance,
    check_run_date,
    current_suspension,
    decide,
    delay_elapsed,
    effective_due_date,
    is_overdue_unpaid,
    order_kind,
)

D = dt.date
RUN = D(2026, 11, 20)
PLAN = default_plan(CustomerCategory.ORDINAIRE)


def test_R1_run_date_after_today_refused() -> None:
    check_run_date(RUN, RUN)
    with pytest.raises(FutureRunDate):
        check_run_date(RUN + dt.timedelta(days=1), RUN)


def test_R1_current_suspension_is_latest_unrestored() -> None:
    old = SuspensionFact(D(2026, 8, 1), D(2026, 8, 5))
    cur = SuspensionFact(D(2026, 10, 1))
    assert current_suspension([old, cur], RUN) == cur
    assert current_suspension([SuspensionFact(D(2026, 10, 1), RUN)], RUN) is None
    assert current_suspension([SuspensionFact(RUN + dt.timedelta(days=1))], RUN) is None


def test_R2_delay_boundary() -> None:
    assert not delay_elapsed(RUN - dt.timedelta(days=29), Voltage.BT, PLAN, RUN)
    assert delay_elapsed(RUN - dt.timedelta(days=30), Voltage.MT, PLAN, RUN)


def test_R3_due_date_defaults_to_payment_term() -> None:
    inv = InvoiceFact(D(2026, 9, 1), 100)
    assert effective_due_date(inv, PLAN) == D(2026, 9, 16)


def test_R3_balance_counts_payments_up_to_run_date() -> None:
    inv = InvoiceFact(D(2026, 9, 1), 100, payments=((RUN, 40), (RUN + dt.timedelta(days=1), 60)))
    assert balance(inv, RUN) == 60
    assert is_overdue_unpaid(inv, PLAN, RUN)
    assert not is_overdue_unpaid(InvoiceFact(D(2026, 9, 1), 100, cancelled=True), PLAN, RUN)


def test_R4_defaults_exempt_agents_and_vip_only() -> None:
    assert {p.category for p in default_plans() if p.exempt} == EXEMPT_CATEGORIES


def test_R5_defaults_reminder_first_for_MT_and_listed_categories() -> None:
    plans = {p.category: p for p in default_plans()}
    assert all(p.reminder_first_mt for p in plans.values())
    assert not plans[CustomerCategory.ORDINAIRE].reminder_first_bt
    assert plans[CustomerCategory.COLLECTIVITE_LOCALE].reminder_first_bt
    assert {p.reminder_delay_days for p in plans.values()} == {7}


def test_R6_order_kind() -> None:
    assert order_kind(Voltage.BT) is OrderKind.DEPOSE
    assert order_kind(Voltage.MT) is OrderKind.CONTROLE_INDEX


def _facts(**kw) -> ContractFacts:
    base = {
        "voltage": Voltage.BT,
        "suspensions": [SuspensionFact(D(2026, 10, 1))],
        "invoices": [InvoiceFact(D(2026, 7, 1), 1000), InvoiceFact(D(2026, 8, 1), 1000)],
    }
    return ContractFacts(**{**base, **kw})


def _decision(facts: ContractFacts, plan: PlanValues) -> Decision | None:
    outcome = decide(facts, plan, RUN)
    return None if outcome is None else outcome.decision


def test_decide_R4_derogation_then_R5() -> None:
    vip = default_plan(CustomerCategory.VIP)
    assert _decision(_facts(), vip) is Decision.EXEMPTE
    derog = [DerogationFact(D(2026, 11, 1))]
    assert _decision(_facts(derogations=derog), vip) is Decision.RESILIATION
    letter = LetterFact(D(2026, 11, 1), delivered_on=RUN - dt.timedelta(days=7))
    admin = default_plan(CustomerCategory.ADMINISTRATION)
    assert _decision(_facts(letter=letter), admin) is Decision.RESILIATION
    assert decide(_facts(order_created_on=D(2026, 11, 2)), PLAN, RUN) is None
