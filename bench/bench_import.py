"""Benchmark of the import: ``import_export`` against a bare bulk insert.

Uses the cached demo export of bench_select.py (N contracts, 12 invoices each) and
times, each into a new empty database (SQLite file, or with ``--db`` a new
PostgreSQL database on that server):

(c) ``sbee_desk.services.importing.import_export`` of the export folder (parsing,
    validation, upsert, audit, all or nothing);
(d) a bare bulk insert of the same rows into the same tables, with no validation:
    csv.reader + executemany in one transaction on SQLite, COPY on PostgreSQL.
    Only what the database needs is converted (empty cell → NULL, oui/non → boolean);
    agencies and zones, which the export only names, are inserted first. The
    invoices' payment totals (migration 0016) are not kept: the triggers that keep
    them are set aside (``payment_totals_deferred``, as the import does), and the
    bare insert does not sum them — (c) does, so the ratio counts that against it.

Target: c ≤ 2 × d. Prints a markdown table for the README.

    .venv/bin/python bench/bench_import.py --contracts 20000
    .venv/bin/python bench/bench_import.py                      # 1 000 000 contracts
    .venv/bin/python bench/bench_import.py --db postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_CONTRACTS,
    chef,
    export_folder,
    machine,
    row_counts,
    say,
    scratch_database,
    seconds,
    thousands,
)

from sbee_desk.db.database import Database, open_database
from sbee_desk.importers.staging import PAYMENT_TOTALS_DEFERRED
from sbee_desk.services.importing import import_export


def _none(value: str) -> str | None:
    return value if value else None


def _flag(value: str) -> bool:
    return value.strip().lower() == "oui"


def _keep(value: str) -> str:
    return value


#: export table -> (database table, its columns in the file's column order, converters)
BARE: dict[str, tuple[str, tuple[str, ...], tuple[Callable[[str], Any], ...]]] = {
    "clients": (
        "customer",
        ("code", "name", "address", "quartier", "phone", "category"),
        (_keep, _keep, _none, _none, _none, _keep),
    ),
    "bordereaux": (
        "bordereau",
        ("code", "voltage", "agency_code", "period"),
        (_keep, _keep, _keep, _keep),
    ),
    "contrats": (
        "contract",
        (
            "police",
            "customer_code",
            "voltage",
            "delivery_point",
            "meter_serial",
            "breaker",
            "agency_code",
            "zone_code",
            "subscribed_on",
            "terminated_on",
        ),
        (_keep, _keep, _keep, _none, _none, _none, _keep, _none, _none, _none),
    ),
    "factures": (
        "invoice",
        ("number", "police", "bordereau_code", "issued_on", "due_on", "amount", "cancelled"),
        (_keep, _keep, _keep, _keep, _none, int, _flag),
    ),
    "reglements": (
        "payment",
        ("invoice_number", "paid_on", "amount", "reference"),
        (_keep, _keep, int, _keep),
    ),
    "interruptions": (
        "suspension",
        ("police", "suspended_on", "bordereau_code", "restored_on"),
        (_keep, _keep, _keep, _none),
    ),
}


def _rows(folder: Path, table: str) -> Iterator[list[Any]]:
    converters = BARE[table][2]
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for row in reader:
            yield [convert(value) for convert, value in zip(converters, row, strict=True)]


def _agencies_and_zones(folder: Path) -> tuple[set[str], set[tuple[str, str]]]:
    agencies: set[str] = set()
    zones: set[tuple[str, str]] = set()
    for row in _rows(folder, "bordereaux"):
        agencies.add(row[2])
    for row in _rows(folder, "contrats"):
        agencies.add(row[6])
        if row[7]:
            zones.add((row[6], row[7]))
    return agencies, zones


def bare_insert(db: Database, folder: Path) -> None:
    agencies, zones = _agencies_and_zones(folder)
    raw: Any = db.engine.raw_connection()
    try:
        if db.engine.dialect.name == "sqlite":
            _bare_sqlite(raw, folder, agencies, zones)
        else:
            _bare_postgres(raw, folder, agencies, zones)
    finally:
        raw.close()


def _bare_sqlite(raw: Any, folder: Path, agencies: set[str], zones: set[tuple[str, str]]) -> None:
    cur = raw.cursor()
    cur.execute("BEGIN")
    cur.execute("INSERT INTO app_meta (key, value) VALUES (?, '1')", (PAYMENT_TOTALS_DEFERRED,))
    cur.executemany("INSERT INTO agency (code) VALUES (?)", [(a,) for a in sorted(agencies)])
    cur.executemany("INSERT INTO zone (agency_code, code) VALUES (?, ?)", sorted(zones))
    for table, (target, columns, _) in BARE.items():
        marks = ", ".join("?" for _ in columns)
        cur.executemany(
            f"INSERT INTO {target} ({', '.join(columns)}) VALUES ({marks})", _rows(folder, table)
        )
    cur.execute("DELETE FROM app_meta WHERE key = ?", (PAYMENT_TOTALS_DEFERRED,))
    cur.execute("COMMIT")
    cur.close()


def _bare_postgres(raw: Any, folder: Path, agencies: set[str], zones: set[tuple[str, str]]) -> None:
    conn = raw.driver_connection  # psycopg connection
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO app_meta (key, value) VALUES (%s, '1')", (PAYMENT_TOTALS_DEFERRED,)
        )
        _copy(cur, "agency", ("code",), ((a,) for a in sorted(agencies)))
        _copy(cur, "zone", ("agency_code", "code"), sorted(zones))
        for table, (target, columns, _) in BARE.items():
            _copy(cur, target, columns, _rows(folder, table))
        cur.execute("DELETE FROM app_meta WHERE key = %s", (PAYMENT_TOTALS_DEFERRED,))
    conn.commit()


def _copy(cur: Any, table: str, columns: tuple[str, ...], rows: Iterable[Any]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=DEFAULT_CONTRACTS)
    parser.add_argument(
        "--db", help="URL of a PostgreSQL server database (scratch databases are created there)"
    )
    args = parser.parse_args(argv)

    folder = export_folder(args.contracts)
    counts = row_counts(folder)
    total = sum(counts.values())
    results: dict[str, float] = {}
    description = ""
    for label, name in (("c", "import_export"), ("d", "insertion brute")):
        with scratch_database(args.db, f"import_{label}") as url:
            db = open_database(url)  # empty, schema migrated (not timed)
            actor = chef(db)  # not timed either
            description = db.engine.dialect.name
            try:
                say(f"({label}) {name}…")
                start = time.perf_counter()
                if label == "c":
                    import_export(db.uow(), actor, folder)
                else:
                    bare_insert(db, folder)
                results[label] = time.perf_counter() - start
                say(f"  {results[label]:.1f} s")
            finally:
                db.dispose()
    c, d = results["c"], results["d"]
    ratio = c / d if d else float("inf")
    print()
    detail = ", ".join(f"{table} {thousands(n)}" for table, n in counts.items())
    print(
        f"Import de {thousands(total)} lignes ({detail}) dans une base {description} vide, "
        f"{machine()}"
    )
    print()
    print(
        "| contrats | lignes | (c) import_export | lignes/s | (d) insertion brute | lignes/s "
        "| c/d | cible c ≤ 2 d |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|:---:|")
    print(
        f"| {thousands(counts['contrats'])} | {thousands(total)} | {seconds(c)} | "
        f"{thousands(total / c)} | {seconds(d)} | {thousands(total / d)} | {ratio:.2f} | "
        f"{'oui' if ratio <= 2 else 'non'} |"
    )
    return 0


if __name__ == "__main__":
    start = time.perf_counter()
    code = main()
    say(f"Durée totale {time.perf_counter() - start:.0f} s")
    sys.exit(code)
