"""Répartition (#14): the automatic proposal for 5 000 waiting orders and 60 agents, in
a database of 1 000 000 contracts — from the click to the proposal shown: the reads,
the assignment (``domain.dispatch.propose``), the model (the result objects).

The database is synthetic and built by SQL in a few seconds (customers and contracts,
5 000 suspensions with their edited orders, 60 agents over 30 zones): the proposal
reads only those tables, not the invoices.

    .venv/bin/python bench/bench_dispatch.py                 # SQLite, 1 M contracts
    .venv/bin/python bench/bench_dispatch.py --db postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_dispatch.py --contracts 20000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import random

from _common import (
    BENCH_TODAY,
    DEFAULT_CONTRACTS,
    is_postgres,
    machine,
    say,
    scratch_database,
    seconds,
    summary,
    timed,
)
from sqlalchemy import text

from sbee_desk.db.database import Database, open_database
from sbee_desk.services.dispatch import Proposal
from sbee_desk.services.dispatch.assignment import plan_of, proposal_inputs, proposal_of

ZONES = 30
QUARTIERS = 400


def series(url: str, count: str) -> str:
    """``FROM`` clause of the integers 1..count as ``n(i)``."""
    if is_postgres(url):
        return f"generate_series(1, {count}) AS n(i)"
    return (
        "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
        f"WHERE i < {count}) SELECT i FROM s) AS n"
    )


def build(db: Database, url: str, contracts: int, orders: int, agents: int) -> None:
    """The synthetic agency: ``contracts`` contracts, ``orders`` of them with an edited
    order waiting for an agent, ``agents`` agents de recouvrement over the zones."""
    step = contracts // orders
    #: the police of order i: one contract in each slice of ``step``, zones varied
    police = "'P' || CAST((i - 1) * :step + 1 + (i * 7) % :step AS TEXT)"
    now = dt.datetime(2026, 11, 29, 8, tzinfo=dt.UTC)
    with db.engine.begin() as conn:
        run = conn.execute
        run(text("INSERT INTO agency (code, name) VALUES ('AG1', 'Agence banc d''essai')"))
        for z in range(ZONES):
            run(text("INSERT INTO zone (agency_code, code) VALUES ('AG1', :z)"), {"z": f"Z{z:02d}"})
        run(
            text(
                "INSERT INTO customer (code, name, address, quartier, category) "
                "SELECT 'C' || CAST(i AS TEXT), 'Client ' || CAST(i AS TEXT), "
                "'Lot ' || CAST(i % 997 AS TEXT), 'Q' || CAST(i % :q AS TEXT), 'ORDINAIRE' "
                f"FROM {series(url, str(contracts))}"
            ),
            {"q": QUARTIERS},
        )
        run(
            text(
                "INSERT INTO contract (police, customer_code, voltage, agency_code, zone_code, "
                "meter_serial) SELECT 'P' || CAST(i AS TEXT), 'C' || CAST(i AS TEXT), 'BT', "
                "'AG1', CASE WHEN i % :z < 10 THEN 'Z0' ELSE 'Z' END || CAST(i % :z AS TEXT), "
                f"'M' || CAST(i AS TEXT) FROM {series(url, str(contracts))}"
            ),
            {"z": ZONES},
        )
        run(
            text(
                "INSERT INTO bordereau (code, voltage, agency_code, period) "
                "VALUES ('BT-2026-09', 'BT', 'AG1', '2026-09')"
            )
        )
        run(
            text(
                "INSERT INTO selection_run (id, run_on, created_by, created_at, plan_snapshot, "
                "candidate_count) VALUES (1, :on, 'chef', :now, '{}', 0)"
            ),
            {"on": BENCH_TODAY, "now": now},
        )
        run(
            text(
                "INSERT INTO suspension (id, police, suspended_on, bordereau_code) "
                f"SELECT i, {police}, :on, 'BT-2026-09' "
                f"FROM {series(url, str(orders))}"
            ),
            {"step": step, "on": dt.date(2026, 10, 1)},
        )
        run(
            text(
                "INSERT INTO work_order (id, police, suspension_id, run_id, kind, created_on, "
                "status, attempts, dispatch_version, bordereau_code) "
                f"SELECT i, {police}, i, 1, 'DEPOSE', :on, 'A_REPARTIR', "
                f"0, 0, 'BT-2026-09' FROM {series(url, str(orders))}"
            ),
            {"step": step, "on": BENCH_TODAY},
        )
        run(
            text(
                "INSERT INTO edition_batch (id, edition_on, status, started_at, started_by, "
                "letters, orders, cancelled, gaps, attempts) "
                "VALUES (1, :on, 'TERMINE', :now, 'chef', 0, :n, 0, 0, 1)"
            ),
            {"on": BENCH_TODAY, "now": now, "n": orders},
        )
        run(
            text(
                "INSERT INTO edition_document (batch_id, kind, order_id, order_kind, number, "
                "police, customer_name, recipient, print_rank, file_name, sha256, content, "
                "pages, payload, created_at, status, print_count, cancelled, version) "
                f"SELECT 1, 'ORDER', i, 'DEPOSE', CAST(i AS TEXT), {police}, "
                "'Client', 'CHEF_RPNT', i, 'ordre.pdf', '0', :blob, 1, '{}', :now, 'REMIS', 1, "
                f":no, 1 FROM {series(url, str(orders))}"
            ),
            {"step": step, "now": now, "blob": b"%PDF", "no": False},
        )
        rng = random.Random(14)
        for a in range(agents):
            zones = ",".join(
                sorted({f"Z{rng.randrange(ZONES):02d}" for _ in range(rng.randint(1, 3))})
            )
            run(
                text(
                    "INSERT INTO staff_member (matricule, name, role, zones, active, version) "
                    "VALUES (:m, :n, 'AGENT_RECOUVREMENT', :z, :yes, 1)"
                ),
                {"m": f"A{a:03d}", "n": f"Agent {a:03d}", "z": zones, "yes": True},
            )
    if is_postgres(url):
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def one_round(db: Database, on: dt.date) -> tuple[float, float, float, Proposal]:
    """(reads, assignment, model) seconds of one proposal, and the proposal."""
    t_read, (settings, team, waiting) = timed(lambda: proposal_inputs(db.uow(), on))
    t_plan, plan = timed(lambda: plan_of(settings, team, waiting))
    t_model, proposal = timed(lambda: proposal_of(on, settings.daily_capacity, team, waiting, plan))
    return t_read, t_plan, t_model, proposal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=DEFAULT_CONTRACTS)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", help="serveur PostgreSQL (sinon SQLite)")
    args = parser.parse_args()
    say(machine())
    with scratch_database(args.db, "dispatch") as url:
        db = open_database(url)
        try:
            elapsed, _ = timed(lambda: build(db, url, args.contracts, args.orders, args.agents))
            say(
                f"Base : {args.contracts} contrats, {args.orders} ordres en attente, "
                f"{args.agents} agents ({seconds(elapsed)})"
            )
            on = BENCH_TODAY + dt.timedelta(days=1)
            reads, assigns, models, totals = [], [], [], []
            for _ in range(args.repeat):
                t_read, t_plan, t_model, proposal = one_round(db, on)
                reads.append(t_read)
                assigns.append(t_plan)
                models.append(t_model)
                totals.append(t_read + t_plan + t_model)
            print(
                f"proposition : {len(proposal.visits)} visites, {len(proposal.left)} non réparties"
            )
            for label, times in (
                ("lectures", reads),
                ("affectation", assigns),
                ("modèle", models),
                ("total", totals),
            ):
                best, median = summary(times)
                print(f"  {label:<12} médiane {seconds(median)} (meilleur {seconds(best)})")
        finally:
            db.dispose()


if __name__ == "__main__":
    main()
