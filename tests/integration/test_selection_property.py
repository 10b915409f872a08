"""Property: the set-based engine decides exactly as the rules stated in domain.rules."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sbee_desk.db.database import open_database
from sbee_desk.domain.enums import CustomerCategory, Voltage
from sbee_desk.domain.plans import default_plan
from sbee_desk.domain.rules import (
    ContractFacts,
    DerogationFact,
    InvoiceFact,
    LetterFact,
    SuspensionFact,
    decide,
)
from sbee_desk.services.actor import Actor
from sbee_desk.services.selection import candidate_lines, run_selection
from tests.builders import World

RUN = dt.date(2026, 11, 20)
day = st.integers(min_value=-60, max_value=5).map(lambda n: RUN + dt.timedelta(days=n))
opt_day = st.none() | day
#: true one time in four
sometimes = st.integers(0, 3).map(lambda n: n == 0)


@st.composite
def contract_facts(draw):
    invoices = []
    for _ in range(draw(st.sampled_from([0, 1, 2, 2, 3, 3, 4]))):
        issued = draw(st.integers(-90, -10).map(lambda n: RUN + dt.timedelta(days=n)) | day)
        gap = draw(st.none() | st.integers(0, 40).map(dt.timedelta))  # days after issue
        due = None if gap is None else issued + gap
        amount = draw(st.sampled_from([0, 1, 1000, 5000, 5000, 5000]))
        pays = tuple(
            (draw(day), draw(st.sampled_from([1, 999, 1000, 5000])))
            for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2])))
        )
        invoices.append(InvoiceFact(issued, amount, due, draw(sometimes), pays))
    # biased towards the boundaries of R1/R2: suspended 24–36 days before the run
    sus_day = st.integers(-32, -28).map(lambda n: RUN + dt.timedelta(days=n)) | day
    sus_dates = sorted(set(draw(st.lists(sus_day, min_size=1, max_size=2))))
    suspensions = [
        SuspensionFact(
            d, d + dt.timedelta(days=draw(st.integers(0, 60))) if draw(sometimes) else None
        )
        for d in sus_dates
    ]
    derogs = [
        DerogationFact(draw(day), draw(opt_day)) for _ in range(draw(st.sampled_from([0, 1])))
    ]
    return (
        draw(st.sampled_from(list(CustomerCategory))),
        ContractFacts(
            voltage=draw(st.sampled_from(list(Voltage))),
            suspensions=suspensions,
            invoices=invoices,
            terminated_on=draw(day) if draw(sometimes) else None,
            derogations=derogs,
            letter=draw(st.none() | st.builds(LetterFact, day, opt_day, st.none())),
        ),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(contract_facts(), min_size=1, max_size=6))
def test_engine_matches_domain_rules(cases, sqlite_template: Path, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("prop")
    shutil.copyfile(sqlite_template, folder / "db.db")
    db = open_database(f"sqlite:///{folder / 'db.db'}")
    w = World(db)
    expected = {}
    for n, (category, facts) in enumerate(cases):
        police = f"P{n}"
        v = facts.voltage.value
        w.contract(police, category=category.value, voltage=v, terminated_on=facts.terminated_on)
        for inv in facts.invoices:
            number = w.invoice(
                police,
                inv.issued_on,
                inv.amount,
                due_on=inv.due_on,
                cancelled=inv.cancelled,
                voltage=v,
            )
            for paid_on, amount in inv.payments:
                w.payment(number, paid_on, amount)
        ids = [
            w.suspension(police, s.suspended_on, s.restored_on, voltage=v)
            for s in facts.suspensions
        ]
        for d in facts.derogations:
            w.derogation(police, d.decided_on, d.valid_until)
        letter = None
        if facts.letter is not None and ids:
            lf = facts.letter
            # the letter belongs to the latest suspension dated by the run date, if any
            dated = [
                (s.suspended_on, i)
                for s, i in zip(facts.suspensions, ids, strict=True)
                if s.suspended_on <= RUN
            ]
            if dated:
                w.letter(police, max(dated)[1], lf.created_on, lf.delivered_on, lf.cancelled_on)
                letter = lf
        outcome = decide(
            ContractFacts(
                facts.voltage,
                facts.suspensions,
                facts.invoices,
                facts.terminated_on,
                facts.derogations,
                letter,
            ),
            default_plan(category),
            RUN,
        )
        if outcome is not None:
            expected[police] = (outcome.decision, outcome.unpaid_count, outcome.amount_due)
    w.commit()
    run = run_selection(db.uow(), Actor("chef"), RUN, today_=RUN)
    from hypothesis import event

    event(f"listed={len(expected)}")
    got = {
        x.police: (x.decision, x.unpaid_count, x.amount_due)
        for x in candidate_lines(db.uow(), run.run_id)
    }
    db.dispose()
    assert got == expected
