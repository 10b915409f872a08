"""Benchmark of the selection (step 1): ``run_selection`` against hand-written SQL.

Generates (once, cached in bench/data/) a demo export of N contracts (12 invoices
each, ~10 % of contracts currently suspended), imports it into a SQLite file
(or, with ``--db``, a PostgreSQL database on that server), then times:

(a) ``sbee_desk.services.selection.run_selection`` at the run date (stores the run,
    its lines and its audit event, commits);
(b) the query below, written from business-rules.md R1–R6 independently of the
    engine, in plain SQL, fetching every (police, decision, order) row.

Both must give the same (police, decision, ordre) set. The two sides are
interleaved — each trial times both, one after the other, the order alternating
from trial to trial — so a change in the machine's load weighs on both; the
load average (1 min) is printed with every trial and in the table, with the
median of ``--repeat`` trials (at least 3). Targets at one million contracts:
a ≤ 1.5 s on SQLite (quiet machine), a ≤ 3 s on PostgreSQL, a ≤ 1.5 × b.

Then prints the query plan of the engine's SELECT (the one ``run_selection``
inserts, built by ``selection.lines_select``): ``EXPLAIN QUERY PLAN`` on SQLite,
``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL (which runs it once more, untimed).
Prints a markdown table for the README.

    .venv/bin/python bench/bench_select.py --contracts 20000
    .venv/bin/python bench/bench_select.py                      # 1 000 000 contracts
    .venv/bin/python bench/bench_select.py --db postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python bench/bench_select.py --plan-only          # the plan, no timing
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    BENCH_TODAY,
    DATA,
    DEFAULT_CONTRACTS,
    chef,
    export_folder,
    is_postgres,
    machine,
    pg_create,
    row_counts,
    say,
    seconds,
    summary,
    thousands,
    timed,
)
from sqlalchemy import func, select, text

from sbee_desk.db.database import Database, open_database
from sbee_desk.db.models import Candidate, Contract
from sbee_desk.services.importing import import_export
from sbee_desk.services.selection import lines_select, run_selection

#: targets of issue #18 at one million contracts, per database
TARGET_S = {"sqlite": 1.5, "postgresql": 3.0}
TARGET_RATIO = 1.5
#: earlier selection runs kept in the database while measuring (a year of fortnightly
#: runs): the new run's lines go into indexes that hold theirs
HISTORY = 25

# R1–R6 of business-rules.md, as one query. The three {placeholders} are the only
# dialect-specific parts: days since the suspension, days since the delivery of the
# letter, and the due date from the payment term when the export gives none.
HAND_SQL = """
WITH latest AS (                       -- R1: latest suspension on or before the run date
    SELECT police, MAX(suspended_on) AS suspended_on
    FROM suspension
    WHERE suspended_on <= :run_on
    GROUP BY police
),
suspended AS (
    SELECT s.id AS suspension_id, s.police, c.voltage,
           p.unpaid_threshold, p.payment_term_days, p.exempt, p.reminder_delay_days,
           CASE c.voltage WHEN 'BT' THEN p.reminder_first_bt
                          ELSE p.reminder_first_mt END AS reminder_first
    FROM latest
    JOIN suspension s ON s.police = latest.police AND s.suspended_on = latest.suspended_on
    JOIN contract c ON c.police = s.police
    JOIN customer cu ON cu.code = c.customer_code
    JOIN recovery_plan p ON p.category = cu.category
    WHERE (s.restored_on IS NULL OR s.restored_on > :run_on)          -- R1: not restored
      AND (c.terminated_on IS NULL OR c.terminated_on > :run_on)      -- R1: not terminated
      AND {days_suspended}                                               -- R2: delay
          >= CASE c.voltage WHEN 'BT' THEN p.delay_bt_days ELSE p.delay_mt_days END
      AND NOT EXISTS (                 -- an order already validated for this suspension
          SELECT 1 FROM work_order w
          WHERE w.suspension_id = s.id AND w.created_on <= :run_on)
),
unpaid AS (                            -- R3: overdue invoices with a balance due
    SELECT sp.*,
           (SELECT COUNT(*) FROM invoice i
            WHERE i.police = sp.police
              AND NOT i.cancelled
              AND i.issued_on <= :run_on
              AND COALESCE(i.due_on, {due_by_term}) < :run_on
              AND i.amount > COALESCE((SELECT SUM(r.amount) FROM payment r
                                       WHERE r.invoice_number = i.number
                                         AND r.paid_on <= :run_on), 0)
           ) AS unpaid_count
    FROM suspended sp
)
SELECT sp.police,
       CASE
         WHEN sp.exempt AND NOT EXISTS (                              -- R4
              SELECT 1 FROM derogation d
              WHERE d.police = sp.police AND d.decided_on <= :run_on
                AND (d.valid_until IS NULL OR d.valid_until >= :run_on))
           THEN 'EXEMPTE'
         WHEN NOT sp.reminder_first THEN 'RESILIATION'                -- R5
         WHEN l.id IS NULL THEN 'RELANCE'
         WHEN l.delivered_on IS NOT NULL
              AND {days_delivered} >= sp.reminder_delay_days
           THEN 'RESILIATION'
         ELSE 'ATTENTE_RELANCE'
       END AS decision,
       CASE sp.voltage WHEN 'BT' THEN 'DEPOSE' ELSE 'CONTROLE_INDEX' END AS ordre   -- R6
FROM unpaid sp
LEFT JOIN reminder_letter l
       ON l.suspension_id = sp.suspension_id AND l.created_on <= :run_on
WHERE sp.unpaid_count >= sp.unpaid_threshold
  AND (l.cancelled_on IS NULL OR l.cancelled_on > :run_on)          -- R7: procedure ended
"""


def hand_sql(dialect: str) -> str:
    if dialect == "sqlite":  # dates are ISO text
        return HAND_SQL.format(
            days_suspended="CAST(julianday(:run_on) - julianday(s.suspended_on) AS INTEGER)",
            days_delivered="CAST(julianday(:run_on) - julianday(l.delivered_on) AS INTEGER)",
            due_by_term="date(i.issued_on, '+' || sp.payment_term_days || ' days')",
        )
    return HAND_SQL.format(
        days_suspended="(CAST(:run_on AS date) - s.suspended_on)",
        days_delivered="(CAST(:run_on AS date) - l.delivered_on)",
        due_by_term="(i.issued_on + sp.payment_term_days)",
    )


def run_hand_sql(db: Database, run_on: dt.date) -> set[tuple[str, str, str]]:
    dialect = db.engine.dialect.name
    param: object = run_on.isoformat() if dialect == "sqlite" else run_on
    with db.engine.connect() as conn:
        rows = conn.execute(text(hand_sql(dialect)), {"run_on": param}).all()
    return {(police, decision, ordre) for police, decision, ordre in rows}


def engine_lines(db: Database, run_id: int) -> set[tuple[str, str, str]]:
    with db.uow() as uow:
        rows = uow.session.execute(
            select(Candidate.police, Candidate.decision, Candidate.order_kind).where(
                Candidate.run_id == run_id
            )
        ).all()
    return {(police, decision, ordre) for police, decision, ordre in rows}


def drop_run(db: Database, run_id: int) -> None:
    """Remove a run the benchmark made, with its lines (untimed): each trial then finds
    the same database, whatever ran before it."""
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM candidate WHERE run_id = :r"), {"r": run_id})
        conn.execute(text("DELETE FROM selection_run WHERE id = :r"), {"r": run_id})
    if db.engine.dialect.name == "sqlite":  # the removal's pages written back now, not
        with db.engine.connect() as conn:  # by the next run's commit (its checkpoint)
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def keep_history(db: Database, actor: Any, runs: int, run_on: dt.date) -> int:
    """Make the database hold exactly ``runs`` earlier selection runs (an agency that
    keeps its runs: their lines fill the indexes each new run writes into), making or
    removing runs untimed; returns the lines they hold."""
    with db.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM selection_run ORDER BY id"))]
    for run_id in ids[runs:]:
        drop_run(db, run_id)
    for _ in range(runs - len(ids)):
        run_selection(db.uow(), actor, run_on, today_=BENCH_TODAY)
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM candidate")).scalar_one())


def prepare(contracts: int, server_url: str | None, fresh: bool) -> tuple[Database, float | None]:
    """The benchmark database holding the export of ``contracts`` contracts."""
    folder = export_folder(contracts)
    if server_url and is_postgres(server_url):
        url = pg_create(server_url, f"sbee_bench_select_{contracts}", drop=fresh)
    else:
        path = DATA / f"select-{contracts}.db"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    db = open_database(url)
    with db.uow() as uow:
        present = uow.session.scalar(select(func.count()).select_from(Contract))
    if present == contracts:
        return db, None
    if present:
        db.dispose()
        say("Base incomplète : relancez avec --fresh.")
        raise SystemExit(2)
    say(f"Import de {folder.name} dans {db.description}…")
    actor = chef(db)
    elapsed, _ = timed(lambda: import_export(db.uow(), actor, folder))
    say(f"  importé en {elapsed:.1f} s")
    if db.engine.dialect.name == "postgresql":
        # what autovacuum does soon after a bulk load on a server in service (since
        # PostgreSQL 13 inserts trigger it too): statistics, and the visibility map that
        # lets index-only scans skip the table (without it both a and b read the heap
        # for each of the 1.1 million invoices and their payments)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    return db, elapsed


def load() -> float:
    """The load average over the last minute (what else the machine is doing)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def server_cpu(db: Database) -> float | None:
    """CPU seconds used so far by the PostgreSQL backends of the bench database, read in
    /proc when the server runs on this machine (only this script connects to that
    database; parallel workers, gone by the time it reads, are not counted); None for
    SQLite or a remote server."""
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).scalars()
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in list(pids):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def query_plan(db: Database, run_on: dt.date) -> list[str]:
    """The plan of the engine's SELECT: EXPLAIN QUERY PLAN (SQLite, drawn as the
    sqlite3 shell draws it) or EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL: run once)."""
    with db.uow() as uow:
        stmt = lines_select(uow, 0, run_on)
        conn = uow.session.connection()
        compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        if conn.dialect.name == "sqlite":
            positional = tuple(params[name] for name in compiled.positiontup or ())
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", positional).all()
            return _sqlite_tree([(r[0], r[1], r[3]) for r in rows])
        rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", params).all()
        return [r[0] for r in rows]


def _sqlite_tree(rows: list[tuple[int, int, str]]) -> list[str]:
    children: dict[int, list[tuple[int, str]]] = {}
    for node, parent, detail in rows:
        children.setdefault(parent, []).append((node, detail))
    out = ["QUERY PLAN"]

    def draw(parent: int, prefix: str) -> None:
        kids = children.get(parent, [])
        for n, (node, detail) in enumerate(kids):
            last = n == len(kids) - 1
            out.append(f"{prefix}{'`--' if last else '|--'}{detail}")
            draw(node, prefix + ("   " if last else "|  "))

    draw(0, "")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=DEFAULT_CONTRACTS)
    parser.add_argument(
        "--db", help="URL of a PostgreSQL server database (a bench database is created there)"
    )
    parser.add_argument("--date", type=dt.date.fromisoformat, default=BENCH_TODAY)
    parser.add_argument("--repeat", type=int, default=5, help="trials, at least 3 (default 5)")
    parser.add_argument("--fresh", action="store_true", help="re-import into a new database")
    parser.add_argument("--plan-only", action="store_true", help="print the plan, time nothing")
    parser.add_argument(
        "--history",
        type=int,
        default=HISTORY,
        help=f"earlier runs kept in the database, their lines indexed (default {HISTORY})",
    )
    args = parser.parse_args(argv)
    if args.repeat < 3:
        parser.error("--repeat : au moins 3 essais (une médiane de moins ne dit rien)")

    db, import_seconds = prepare(args.contracts, args.db, args.fresh)
    dialect = db.engine.dialect.name
    try:
        if args.plan_only:
            print("\n".join(query_plan(db, args.date)))
            return 0
        counts = row_counts(export_folder(args.contracts))
        actor = chef(db)
        say(f"Historique : {args.history} traitements gardés en base…")
        kept_lines = keep_history(db, actor, args.history, args.date)
        say("Échauffement (une exécution de chaque)…")
        run_hand_sql(db, args.date)
        drop_run(db, run_selection(db.uow(), actor, args.date, today_=BENCH_TODAY).run_id)
        times_a: list[float] = []
        times_b: list[float] = []
        cpu_a: list[float] = []
        cpu_b: list[float] = []
        server_a: list[float] = []
        server_b: list[float] = []
        loads: list[float] = []
        run_id = 0
        expected: set[tuple[str, str, str]] = set()
        for n in range(args.repeat):
            loads.append(load())

            def side_a() -> float:
                nonlocal run_id
                if run_id:  # the previous trial's run: every trial finds the same base
                    drop_run(db, run_id)
                cpu, server = time.process_time(), server_cpu(db)
                ta, result = timed(
                    lambda: run_selection(db.uow(), actor, args.date, today_=BENCH_TODAY)
                )
                cpu_a.append(time.process_time() - cpu)
                after = server_cpu(db)
                if server is not None and after is not None:
                    server_a.append(after - server)
                run_id = result.run_id
                return ta

            def side_b() -> float:
                nonlocal expected
                cpu, server = time.process_time(), server_cpu(db)
                tb, expected = timed(lambda: run_hand_sql(db, args.date))
                cpu_b.append(time.process_time() - cpu)
                after = server_cpu(db)
                if server is not None and after is not None:
                    server_b.append(after - server)
                return tb

            if n % 2 == 0:  # the order alternates: neither side always runs first
                ta, tb = side_a(), side_b()
            else:
                tb, ta = side_b(), side_a()
            times_a.append(ta)
            times_b.append(tb)
            order = "a puis b" if n % 2 == 0 else "b puis a"
            say(
                f"  essai {n + 1} ({order}, charge {loads[-1]:.1f}) : "
                f"(a) {ta:.3f} s, (b) {tb:.3f} s ; temps processeur de ce processus "
                f"(a) {cpu_a[-1]:.3f} s, (b) {cpu_b[-1]:.3f} s"
                + (
                    f" ; du serveur (a) {server_a[-1]:.3f} s, (b) {server_b[-1]:.3f} s"
                    if server_a and server_b
                    else ""
                )
            )
        got = engine_lines(db, run_id)
        drop_run(db, run_id)
        same = got == expected
        decisions: dict[str, int] = {}
        for _, decision, _ in got:
            decisions[decision] = decisions.get(decision, 0) + 1
        best_a, median_a = summary(times_a)
        best_b, median_b = summary(times_b)
        ratio = median_a / median_b if median_b else float("inf")
        load_text = f"{statistics.median(loads):.1f} ({min(loads):.1f}–{max(loads):.1f})".replace(
            ".", ","
        )
        print()
        print(
            f"Sélection au {args.date:%d/%m/%Y}, {db.description}, {machine()}, "
            f"médiane de {args.repeat} essais alternés (meilleur entre parenthèses) ; "
            f"{args.history} traitements antérieurs gardés en base ({kept_lines} lignes), "
            "celui de chaque essai retiré après lui"
            + (f" ; import initial {import_seconds:.0f} s" if import_seconds else "")
        )
        print()
        target = TARGET_S.get(dialect, 3.0)
        print(
            "| contrats | factures | règlements | interruptions | lignes | charge médiane "
            "(min–max) | (a) run_selection | (b) SQL à la main | a/b | "
            f"cible a ≤ {target:g} s | cible a ≤ {TARGET_RATIO:g} b |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|")
        print(
            f"| {thousands(counts['contrats'])} | {thousands(counts['factures'])} | "
            f"{thousands(counts['reglements'])} | {thousands(counts['interruptions'])} | "
            f"{thousands(len(got))} | {load_text} | {seconds(median_a)} ({seconds(best_a)}) | "
            f"{seconds(median_b)} ({seconds(best_b)}) | {ratio:.2f} | "
            f"{'oui' if median_a <= target else 'non'} | "
            f"{'oui' if ratio <= TARGET_RATIO else 'non'} |"
        )
        print()
        print(
            f"Temps processeur de ce processus, médianes : (a) {statistics.median(cpu_a):.2f} s, "
            f"(b) {statistics.median(cpu_b):.2f} s"
            + (
                " — SQLite travaille dans ce processus : sur une machine chargée, c'est ce "
                "que la requête coûte, sans l'attente du processeur."
                if dialect == "sqlite"
                else " — le travail de PostgreSQL est dans le serveur, compté à part."
            )
        )
        if server_a and server_b:
            print(
                "Temps processeur du serveur PostgreSQL (ses processus servant la base de "
                f"mesure, lus dans /proc), médianes : (a) {statistics.median(server_a):.2f} s, "
                f"(b) {statistics.median(server_b):.2f} s — ce que la sélection coûte au "
                "serveur, sans l'attente d'un processeur libre."
            )
        print()
        print(
            "Décisions : " + ", ".join(f"{k} {thousands(v)}" for k, v in sorted(decisions.items()))
        )
        if not same:
            only_engine = sorted(got - expected)[:10]
            only_sql = sorted(expected - got)[:10]
            print(f"DIFFÉRENCE : moteur seul {only_engine}, SQL seul {only_sql}")
            return 1
        print("Mêmes lignes (police, décision, ordre) des deux côtés.")
        print()
        what = "EXPLAIN QUERY PLAN" if dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS)"
        say(f"Plan de la requête du moteur ({what})…")
        plan_load = load()
        print(f"Plan de la requête du moteur, {what} (charge {plan_load:.1f}) :")
        print()
        print("```")
        print("\n".join(query_plan(db, args.date)))
        print("```")
        return 0
    finally:
        db.dispose()


if __name__ == "__main__":
    start = time.perf_counter()
    code = main()
    say(f"Durée totale {time.perf_counter() - start:.0f} s")
    sys.exit(code)
