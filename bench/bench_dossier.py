"""The contract's dossier (#16): opening the whole story of one contract — customer,
invoices and payments, suspensions, selection runs, letters, orders, CRI, termination
and its audit trail — in a database of 1 000 000 contracts, 12 000 000 invoices and
1 000 000 audit events. Target: under 0.3 s, through indexes (no scan).

The SQLite database is synthetic, built by bulk SQL (``build``) and cached under
``/tmp/sbee-bench-dossier/`` (its name says its size and the schema's revision), so a
second run starts at once. For ``--samples`` polices (50 by default) drawn at random
among the contracts with a full story (suspension, selection lines, letter, order,
CRI, termination, audit events) and among all contracts, times
``services.contract_card.contract_card`` (the service the window, the PDF and
``contract show`` use), then the very SQL statements it issued, replayed on the raw
DBAPI connection (what the ORM and the assembly add), and the dossier's PDF (made
when printing or saving it, not when opening it), and prints the median and p95,
the machine's load, and the EXPLAIN QUERY PLAN of each statement (a ``SCAN`` of a big
table would show there).

    .venv/bin/python bench/bench_dossier.py --contracts 20000     # quick
    .venv/bin/python bench/bench_dossier.py                       # 1 M contracts, 12 M invoices
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from _common import BENCH_TODAY, DEFAULT_CONTRACTS, chef, machine, say, seconds, thousands
from sqlalchemy import event

from sbee_desk.db.database import Database, open_database
from sbee_desk.db.migrate import script_directory
from sbee_desk.services import contract_card as card_module
from sbee_desk.services.actor import Actor
from sbee_desk.services.contract_card import contract_card
from sbee_desk.services.dossier.document import dossier_pdf_bytes

CACHE = Path("/tmp/sbee-bench-dossier")
#: bump when ``build`` changes what it writes
BUILD_VERSION = 1
#: one contract in FULL has the whole procedure (suspension … termination)
FULL = 200
SUSPENDED = 20
RUNS = 4
STAFF = 60


def _series(count: int) -> str:
    return f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count}) "


def build(path: Path, contracts: int, invoices_per_contract: int, audit_events: int) -> None:
    """The synthetic agency, written by bulk SQL on the migrated (empty) file ``path``."""
    n, m = contracts, invoices_per_contract
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -1000000")
    con.execute("PRAGMA temp_store = MEMORY")
    run = con.execute
    started = time.perf_counter()

    def step(label: str) -> None:
        say(f"  {label} ({time.perf_counter() - started:.0f} s)")

    run("BEGIN")
    run("INSERT INTO agency (code, name) VALUES ('AG1', 'Agence banc d''essai')")
    run(
        "INSERT INTO customer (code, name, address, quartier, category) "
        + _series(n)
        + "SELECT 'C' || i, 'Client ' || i, 'Lot ' || (i % 997), 'Q' || (i % 400), "
        "'ORDINAIRE' FROM s"
    )
    run(
        "INSERT INTO contract (police, customer_code, voltage, agency_code, meter_serial, "
        "subscribed_on) "
        + _series(n)
        + "SELECT 'P' || i, 'C' || i, 'BT', 'AG1', 'M' || i, '2015-01-01' FROM s"
    )
    step("clients et contrats")
    months = [f"2025-{12:02d}"] + [f"2026-{k:02d}" for k in range(1, 12)]
    months = (months * (m // 12 + 1))[:m] if m > 12 else months[-m:]
    for period in months:
        run(
            "INSERT OR IGNORE INTO bordereau (code, voltage, agency_code, period) "
            "VALUES (?, 'BT', 'AG1', ?)",
            (f"BT-{period}", period),
        )
    run("CREATE TEMP TABLE month (k INTEGER PRIMARY KEY, code TEXT, issued TEXT, due TEXT)")
    for k, period in enumerate(months, start=1):
        run(
            "INSERT INTO temp.month VALUES (?, ?, ?, date(?, '+15 days'))",
            (k, f"BT-{period}", f"{period}-05", f"{period}-05"),
        )
    run("COMMIT")
    # the invoices, in number order (the primary key grows), their index built after
    run("DROP INDEX ix_invoice_police_cover")
    run("BEGIN")
    run(
        "INSERT INTO invoice (number, police, bordereau_code, issued_on, due_on, amount, "
        "cancelled) "
        + _series(n)
        + "SELECT printf('F%07d%03d', i, k), 'P' || i, code, issued, due, "
        "5000 + (i * 37 + k * 101) % 40000, 0 FROM s CROSS JOIN temp.month"
    )
    step(f"{thousands(n * m)} factures")
    # paid: all but the last three months, and one contract in four owes more
    run(
        "INSERT INTO payment (invoice_number, reference, paid_on, amount) "
        + _series(n)
        + "SELECT printf('F%07d%03d', i, k), 'R' || i || '-' || k, date(due, '-3 days'), "
        "5000 + (i * 37 + k * 101) % 40000 FROM s CROSS JOIN temp.month "
        f"WHERE k <= {m - 3} AND (i + k) % 4 != 0"
    )
    step("règlements")
    run("COMMIT")
    run(
        "CREATE INDEX ix_invoice_police_cover ON invoice "
        "(police, issued_on, due_on, cancelled, amount, number)"
    )
    step("index des factures")
    run("BEGIN")
    for a in range(STAFF):
        run(
            "INSERT INTO staff_member (matricule, name, role, zones, active, version) "
            "VALUES (?, ?, 'AGENT_RECOUVREMENT', '', 1, 1)",
            (f"A{a:03d}", f"Agent {a:03d}"),
        )
    # one contract in SUSPENDED is suspended (id = i / SUSPENDED), one in 3 restored
    run(
        "INSERT INTO suspension (id, police, suspended_on, bordereau_code, restored_on) "
        + _series(n // SUSPENDED)
        + f"SELECT i, 'P' || (i * {SUSPENDED}), '2026-10-01', 'BT-2026-09', "
        "CASE WHEN i % 3 = 0 AND i % 10 != 0 THEN '2026-10-20' END FROM s"
    )
    for r in range(1, RUNS + 1):
        day = (dt.date(2026, 10, 10) + dt.timedelta(days=7 * r)).isoformat()
        run(
            "INSERT INTO selection_run (id, run_on, agency_code, created_by, created_at, "
            "plan_snapshot, candidate_count) VALUES (?, ?, 'AG1', 'chef', ?, '{}', ?)",
            (r, day, f"{day} 08:00:00", n // SUSPENDED),
        )
        run(
            "INSERT INTO candidate (run_id, police, customer_code, category, voltage, "
            "suspension_id, bordereau_code, suspended_on, decision, order_kind, "
            "unpaid_count, amount_due, derogation_id, letter_id, excluded_reason, "
            "exclusion_code, excluded_by, excluded_at, dropped_code, version) "
            + _series(n // SUSPENDED)
            + f"SELECT {r}, 'P' || (i * {SUSPENDED}), 'C' || (i * {SUSPENDED}), 'ORDINAIRE', "
            "'BT', i, 'BT-2026-09', '2026-10-01', "
            "CASE WHEN i % 2 = 0 THEN 'RESILIATION' ELSE 'RELANCE' END, 'DEPOSE', 3, 45000, "
            "NULL, NULL, CASE WHEN i % 17 = 0 THEN 'litige' END, "
            "CASE WHEN i % 17 = 0 THEN 'LITIGE' END, CASE WHEN i % 17 = 0 THEN 'chef' END, "
            f"CASE WHEN i % 17 = 0 THEN '{day} 09:00:00' END, "
            "CASE WHEN i % 23 = 0 THEN 'RESTORED' END, 1 FROM s"
        )
        run(
            "INSERT INTO bordereau_validation (run_id, bordereau_code, validated_by, "
            "validated_at, letters, orders, excluded, dropped) "
            "VALUES (?, 'BT-2026-09', 'chef', ?, 0, 0, 0, 0)",
            (r, f"{day} 10:00:00"),
        )
    step("interruptions et traitements")
    run(
        "INSERT INTO derogation (police, reference, decided_on, valid_until, recorded_by, "
        "recorded_at) "
        + _series(n // 1000)
        + "SELECT 'P' || (i * 1000), 'DG-' || i, '2026-09-01', '2027-09-01', 'chef', "
        "'2026-09-02 08:00:00' FROM s"
    )
    # a letter for each suspended contract of an even slot, an order for each FULL
    run(
        "INSERT INTO reminder_letter (id, bordereau_code, police, suspension_id, run_id, "
        "created_on, delivered_on, delivered_to, delivered_by, attempts, reprint_asked, "
        "recorded_by, recorded_at, version) "
        + _series(n // (2 * SUSPENDED))
        + f"SELECT i, 'BT-2026-09', 'P' || (i * {2 * SUSPENDED}), 2 * i, 1, '2026-10-18', "
        "'2026-10-22', 'client', 1 + i % 60, 1, 0, 'chef', '2026-10-22 15:00:00', 1 FROM s"
    )
    run(
        "INSERT INTO work_order (id, bordereau_code, police, suspension_id, run_id, kind, "
        "created_on, status, agent_id, visit_on, attempts, dispatch_version) "
        + _series(n // FULL)
        + f"SELECT i, 'BT-2026-09', 'P' || (i * {FULL}), i * {FULL // SUSPENDED}, 2, 'DEPOSE', "
        "'2026-11-06', 'CONTRESIGNE', 1 + i % 60, '2026-11-10', 0, 1 FROM s"
    )
    run(
        "INSERT INTO edition_batch (id, edition_on, status, started_at, started_by, letters, "
        "orders, cancelled, gaps, attempts) "
        "VALUES (1, '2026-10-18', 'TERMINE', '2026-10-18 20:00:00', 'chef', 0, 0, 0, 0, 1)"
    )
    run(
        "INSERT INTO edition_document (batch_id, kind, letter_id, number, police, "
        "customer_name, recipient, print_rank, file_name, sha256, content, pages, payload, "
        "created_at, status, printed_at, printed_by, print_count, handed_to, handed_at, "
        "handed_by, cancelled, version) "
        + _series(n // (2 * SUSPENDED))
        + f"SELECT 1, 'LETTER', i, printf('%08d', i), 'P' || (i * {2 * SUSPENDED}), 'Client', "
        "'RELEVEUR', i, 'lettre.pdf', '0', x'25504446', 1, '{}', '2026-10-18 20:00:00', "
        "'REMIS', '2026-10-19 08:00:00', 'chef', 1, 1 + i % 60, '2026-10-19 09:00:00', "
        "'chef', 0, 1 FROM s"
    )
    run(
        "INSERT INTO order_assignment (order_id, staff_id, visit_on, assigned_by, "
        "assigned_at) "
        + _series(n // FULL)
        + "SELECT i, 1 + i % 60, '2026-11-10', 'chef', '2026-11-08 09:00:00' FROM s"
    )
    run(
        "INSERT INTO stock_sheet (number, agency_code, year, seq, typed, issued_on, "
        "created_by, created_at) VALUES ('FMS-AG1-2026-00001', 'AG1', 2026, 1, 0, "
        "'2026-11-10', 'chef', '2026-11-10 16:00:00')"
    )
    run(
        "INSERT INTO store_return (order_id, sheet_number, returned_on, meter_serial, "
        "recorded_by, recorded_at) "
        + _series(n // FULL)
        + f"SELECT i, 'FMS-AG1-2026-00001', '2026-11-10', 'M' || (i * {FULL}), 'magasin', "
        "'2026-11-10 16:00:00' FROM s"
    )
    run(
        "INSERT INTO intervention_report (order_id, attempt, visit_on, visit_time, agent_id, "
        "done, index_read, meter_serial_found, meter_removed, breaker_removed, remarks, "
        "outside_window, entered_by, entered_at, countersigned_by, countersigned_at, version) "
        + _series(n // FULL)
        + f"SELECT i, 1, '2026-11-10', '09:30', 1 + i % 60, 1, 1000 + i, 'M' || (i * {FULL}), "
        "1, 0, '', 0, 'agent', '2026-11-11 08:00:00', 'chef', '2026-11-12 10:00:00', 1 FROM s"
    )
    run(
        "INSERT INTO contract_termination (police, terminated_on, cause, order_id, report_id, "
        "recorded_by, recorded_at) "
        + _series(n // FULL)
        + f"SELECT 'P' || (i * {FULL}), '2026-11-12', 'IMPAYES', i, i, 'chef', "
        "'2026-11-12 10:00:00' FROM s"
    )
    run(
        "UPDATE contract SET terminated_on = '2026-11-12' WHERE police IN "
        "(SELECT police FROM contract_termination)"
    )
    step("lettres, ordres, CRI, résiliations")
    run("COMMIT")
    # the journal: the full stories' own events first, then the rest spread over all
    # contracts (imports of contracts and invoices, review decisions)
    run("BEGIN")
    full = n // FULL
    story = [
        ("dispatch.assign", "work_order", "CAST(i AS TEXT)"),
        ("cri.enter", "work_order", "CAST(i AS TEXT)"),
        ("cri.countersign", "work_order", "CAST(i AS TEXT)"),
        ("contract.terminate", "contract", f"'P' || (i * {FULL})"),
        ("review.exclude", "candidate", f"'2:P' || (i * {FULL})"),
    ]
    base = 0
    for action, entity, key in story:
        run(
            "INSERT INTO audit_event (id, occurred_at, actor, action, entity, entity_key, "
            "prev_hash, hash) "
            + _series(full)
            + f"SELECT {base} + i, '2026-11-12 10:00:00', 'chef', '{action}', '{entity}', "
            f"{key}, '0', '0' FROM s"
        )
        base += full
    rest = max(0, audit_events - base)
    run(
        "INSERT INTO audit_event (id, occurred_at, actor, action, entity, entity_key, "
        "prev_hash, hash) "
        + _series(rest)
        + f"SELECT {base} + i, '2026-11-01 07:00:00', 'chef', 'import.update', "
        "CASE WHEN i % 2 = 0 THEN 'contrats' ELSE 'factures' END, "
        f"CASE WHEN i % 2 = 0 THEN 'P' || (1 + (i * 7919) % {n}) "
        f"ELSE printf('F%07d%03d', 1 + (i * 7919) % {n}, 1 + i % {m}) END, '0', '0' FROM s"
    )
    run(
        "INSERT OR REPLACE INTO audit_head (id, last_id, last_hash) VALUES (1, ?, '0')",
        (base + rest,),
    )
    run("COMMIT")
    step(f"{thousands(base + rest)} événements du journal")
    run("ANALYZE")
    step("ANALYZE")
    con.close()


def cached_database(contracts: int, per_contract: int, audit_events: int) -> Path:
    """The file of the synthetic database of this size (built once, then reused)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    head = script_directory().get_current_head()
    name = f"dossier-v{BUILD_VERSION}-r{head}-{contracts}-{per_contract}-{audit_events}"
    path = CACHE / f"{name}.db"
    if path.is_file():
        return path
    partial = CACHE / f"{name}.partial"
    partial.unlink(missing_ok=True)
    say(f"Construction de la base {path}…")
    open_database(f"sqlite:///{partial}").dispose()  # the schema, by the migrations
    build(partial, contracts, per_contract, audit_events)
    partial.rename(path)
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def sample(db: Database, contracts: int, count: int, seed: int) -> list[str]:
    """Half the polices with the whole procedure, half any contract."""
    rng = random.Random(seed)
    full = [f"P{FULL * rng.randint(1, contracts // FULL)}" for _ in range(count // 2)]
    rest = [f"P{rng.randint(1, contracts)}" for _ in range(count - len(full))]
    return full + rest


def captured(db: Database, actor: Actor, police: str) -> list[tuple[str, Any]]:
    """The SQL statements (and parameters) ``contract_card`` issues for ``police``."""
    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        contract_card(db.uow(), actor, police)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return seen


def raw_time(db: Database, statements: list[tuple[str, Any]]) -> float:
    """Seconds to run ``statements`` on the raw DBAPI connection, fetching every row."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        elapsed = time.perf_counter() - start
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return elapsed


def plans(db: Database, statements: list[tuple[str, Any]]) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of each statement: (its first line, the plan's lines)."""
    raw = db.engine.raw_connection()
    out = []
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            lines = [str(row[-1]) for row in cursor.fetchall()]
            head = " ".join(statement.split())[:110]
            out.append((head, lines))
        cursor.close()
    finally:
        raw.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=DEFAULT_CONTRACTS)
    parser.add_argument("--invoices-per-contract", type=int, default=12)
    parser.add_argument("--audit-events", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    say(machine())
    path = cached_database(args.contracts, args.invoices_per_contract, args.audit_events)
    db = open_database(f"sqlite:///{path}")
    card_module.today = lambda: BENCH_TODAY  # type: ignore[attr-defined]  # the services' clock
    try:
        with db.engine.connect() as conn:
            counts = {
                t: conn.exec_driver_sql(f"SELECT max(rowid) FROM {t}").scalar() or 0
                for t in ("contract", "invoice", "payment", "audit_event", "candidate")
            }
        say(
            "Base : "
            + ", ".join(f"{thousands(v)} {k}" for k, v in counts.items())
            + f" ({path.stat().st_size / 1e9:.1f} Go)"
        )
        actor = chef(db)
        polices = sample(db, args.contracts, args.samples, args.seed)
        # warm-up: the first open of a file pays its page cache, as the application's first
        contract_card(db.uow(), actor, polices[0])
        service: list[float] = []
        raw: list[float] = []
        printed: list[float] = []
        events: list[int] = []
        richest: tuple[int, list[tuple[str, Any]]] = (0, [])
        for police in polices:
            start = time.perf_counter()
            card = contract_card(db.uow(), actor, police)
            service.append(time.perf_counter() - start)
            events.append(len(card.events))
            start = time.perf_counter()
            dossier_pdf_bytes(db.uow(), actor, card, on=BENCH_TODAY)
            printed.append(time.perf_counter() - start)
            statements = captured(db, actor, police)
            raw.append(raw_time(db, statements))
            if len(card.events) > richest[0]:
                richest = (len(card.events), statements)
        print(machine())
        print(
            f"dossier de {len(polices)} contrats ({min(events)} à {max(events)} événements, "
            f"{len(richest[1])} requêtes) :"
        )
        for label, times in (
            ("contract_card", service),
            ("SQL brut", raw),
            ("PDF (en plus)", printed),
        ):
            print(
                f"  {label:<14} médiane {ms(statistics.median(times))}, "
                f"p95 {ms(percentile(times, 0.95))}, max {ms(max(times))}"
            )
        print("plans (EXPLAIN QUERY PLAN) des requêtes du dossier le plus riche :")
        scans = 0
        for head, lines in plans(db, richest[1]):
            print(f"  {head}…")
            for line in lines:
                flag = ""
                if line.startswith("SCAN"):
                    flag = "   <-- parcours complet"
                    scans += 1
                print(f"      {line}{flag}")
        print(f"parcours complets d'une table : {scans}")
        print(f"(total {seconds(sum(service))} pour {len(polices)} dossiers)")
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
