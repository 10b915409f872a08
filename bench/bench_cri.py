"""CRI (#15): entering the paper CRIs one after the other, as the CRI page does for each
scanned order, and the chef countersigning 500 of them in one go — in a database of
1 000 000 contracts.

The database is synthetic and built by SQL (``bench_dispatch.build``: customers and
contracts, suspensions with their edited orders, agents), the orders then given to an
agent (REPARTI, visit planned). For ``--scans`` orders (300 by default) in a row, times
what one CRI costs, from the scan to the next empty form:

- open: ``find_order`` + ``check_order`` (the order opens on the form, or the refusal);
- save: ``enter_cri`` « exécuté » (role check, checks, report, order, audit, commit).

Then enters ``--countersigns`` more CRIs (500 by default, not timed) and times their
countersign in one call (``countersign``: R1 and R13 checks, reports and orders
updated, terminations, audit, commit), after reading the countersign list
(``list_pending``, timed too). No store return is recorded: the countersign carries
the chef's override for it (R10), as it would for removals not back yet.

Targets: one CRI well under 100 ms; 500 countersigns under 2 s.

    .venv/bin/python bench/bench_cri.py --contracts 20000       # quick
    .venv/bin/python bench/bench_cri.py                         # SQLite, 1 M contracts
    .venv/bin/python bench/bench_cri.py --db postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics

from _common import (
    BENCH_TODAY,
    DEFAULT_CONTRACTS,
    chef,
    is_postgres,
    machine,
    say,
    scratch_database,
    seconds,
    timed,
)
from bench_dispatch import build
from sqlalchemy import text

import sbee_desk.services.cri.entry as cri_entry
from sbee_desk.db.database import Database, open_database
from sbee_desk.services.actor import Actor
from sbee_desk.services.cri import (
    CriEntry,
    CriOrder,
    countersign,
    enter_cri,
    find_order,
    list_pending,
)
from sbee_desk.services.cri.entry import check_order

#: the day the orders were given to the agent, and of the visits
VISIT_ON = BENCH_TODAY + dt.timedelta(days=1)
AGENT = Actor("agent")  # AGENT_CONTROLE of the demo users


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def dispatched(db: Database, url: str) -> None:
    """Every order in the hands of agent A000 for VISIT_ON (as the dispatch leaves them)."""
    with db.engine.begin() as conn:
        agent = conn.execute(
            text("SELECT id FROM staff_member WHERE matricule = 'A000'")
        ).scalar_one()
        conn.execute(
            text(
                "UPDATE work_order SET status = 'REPARTI', agent_id = :a, visit_on = :on, "
                "dispatch_version = dispatch_version + 1"
            ),
            {"a": agent, "on": VISIT_ON},
        )
    if not is_postgres(url):
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def entry(order: CriOrder) -> CriEntry:
    """« Exécuté », the meter found the one expected (typed from the paper)."""
    return CriEntry(
        number=order.number,
        visit_on=VISIT_ON,
        visit_time="09:30",
        done=True,
        agent="A000",
        index=str(1000 + order.id),
        meter_serial=order.meter_serial or "",
    )


def one_cri(db: Database, order_id: int) -> tuple[float, float]:
    """(open, save) seconds of one CRI, as the page does it."""
    number = f"{order_id:08d}"
    t_open, order = timed(lambda: check_order(find_order(db.uow(), number), number))
    t_save, _ = timed(lambda: enter_cri(db.uow(), AGENT, entry(order)))
    return t_open, t_save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=DEFAULT_CONTRACTS)
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--countersigns", type=int, default=500)
    parser.add_argument("--db", help="serveur PostgreSQL (sinon SQLite)")
    args = parser.parse_args()
    cri_entry.today = lambda: VISIT_ON  # type: ignore[attr-defined]  # the services' clock
    orders = args.scans + args.countersigns
    with scratch_database(args.db, "cri") as url:
        db = open_database(url)
        try:
            elapsed, _ = timed(lambda: build(db, url, args.contracts, orders, 60))
            chef_actor = chef(db)
            dispatched(db, url)
            say(f"Base : {args.contracts} contrats, {orders} ordres répartis ({seconds(elapsed)})")
            opens, saves = [], []
            for order_id in range(1, args.scans + 1):
                t_open, t_save = one_cri(db, order_id)
                opens.append(t_open)
                saves.append(t_save)
            totals = [a + b for a, b in zip(opens, saves, strict=True)]
            engine = "PostgreSQL" if is_postgres(url) else "SQLite"
            print(f"{machine()} — {args.contracts} contrats, {engine}")
            print(f"{args.scans} CRI saisis l'un après l'autre (scan → formulaire vide) :")
            for label, values in (
                ("ouverture", opens),
                ("enregistrement", saves),
                ("total", totals),
            ):
                print(
                    f"  {label:<15} médiane {ms(statistics.median(values))}, "
                    f"95 % {ms(percentile(values, 0.95))}, pire {ms(max(values))}"
                )
            numbers = []
            for order_id in range(args.scans + 1, orders + 1):
                order = find_order(db.uow(), f"{order_id:08d}")
                enter_cri(db.uow(), AGENT, entry(order))
                numbers.append(order.number)
            t_list, pending = timed(lambda: list_pending(db.uow()))
            t_sign, result = timed(
                lambda: countersign(
                    db.uow(), chef_actor, numbers, override_store="banc d'essai : retours à venir"
                )
            )
            print(f"{machine()} — liste à contresigner : {len(pending)} CRI en {ms(t_list)}")
            print(
                f"contreseing de {len(numbers)} CRI en une fois : {seconds(t_sign)} "
                f"({len(result.numbers)} contresignés, {len(result.terminated)} contrats résiliés)"
            )
        finally:
            db.dispose()


if __name__ == "__main__":
    main()
