"""Staging tables and the set-based work on them: checks, then the merge.

Each imported table is loaded into a temporary table ``stg_<table>`` (the line
number and one column per model column, see :mod:`sbee_desk.importers.rows`).
Then a few statements over whole tables do what would otherwise be a query per
row: duplicate keys, unknown references (in the import and in the database),
missing agencies and zones, the changed rows (for the audit trail), ``UPDATE …
FROM`` of those rows only and ``INSERT … SELECT … WHERE NOT EXISTS`` of the
new ones. The same SQL runs on SQLite (≥ 3.33) and PostgreSQL, but for the
null-safe comparison and the staging column types.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from sbee_desk.importers.formats import TABLES_BY_NAME, Column, Kind, TableSpec
from sbee_desk.importers.loader import driver_connection, insert_rows
from sbee_desk.importers.rows import Problems, Staged

#: the ``app_meta`` key that sets the payment-total triggers aside for one transaction
#: (migration 0016 reads it: SQLite's triggers in their WHEN clause, PostgreSQL's in
#: their functions)
PAYMENT_TOTALS_DEFERRED = "payment_totals_deferred"

_PG_TYPES = {
    Kind.TEXT: "text",
    Kind.DATE: "date",
    Kind.AMOUNT: "bigint",
    Kind.POSITIVE_AMOUNT: "bigint",
    Kind.VOLTAGE: "text",
    Kind.CATEGORY: "text",
    Kind.PERIOD: "text",
    Kind.FLAG: "boolean",
}
# SQLite: TEXT affinity keeps "0123" as text; dates are ISO text like SQLAlchemy's.
_SQLITE_TYPES = {
    Kind.TEXT: "TEXT",
    Kind.DATE: "TEXT",
    Kind.AMOUNT: "INTEGER",
    Kind.POSITIVE_AMOUNT: "INTEGER",
    Kind.VOLTAGE: "TEXT",
    Kind.CATEGORY: "TEXT",
    Kind.PERIOD: "TEXT",
    Kind.FLAG: "INTEGER",
}


#: PostgreSQL advisory lock key of the import ("SBEE" "IMPT" in ASCII)
IMPORT_LOCK_KEY = 0x53424545_494D5054


@dataclass(frozen=True)
class Change:
    """One record the merge updates: its key and the changed columns, JSON-safe."""

    key: str
    before: dict[str, Any]
    after: dict[str, Any]


def _json(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    if kind is Kind.DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind is Kind.FLAG:
        return bool(value)
    if kind in (Kind.AMOUNT, Kind.POSITIVE_AMOUNT):
        return int(value)
    return value


def _same(old: Any, new: Any, kind: Kind) -> bool:
    same: bool = _json(old, kind) == _json(new, kind)
    return same


def entity_key(values: Sequence[Any], kinds: Sequence[Kind]) -> str:
    """Key of a record for the audit trail: ``F001`` or ``F001/P1`` (composite keys)."""
    return "/".join(str(_json(v, k)) for v, k in zip(values, kinds, strict=True))


class Staging:
    """The staging tables of one import, on the connection of its transaction."""

    #: SQLite page cache (KiB) per schema while importing: index builds and merges of
    #: millions of rows thrash the default 2 MiB. Restored afterwards. Two schemas (main,
    #: temp) at most this each: part of the import's 500 MB budget (bench_import_memory).
    SQLITE_CACHE_KIB = 64 * 1024

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.tables: dict[str, TableSpec] = {}
        #: tables whose keys are known unique (a unique index could be built)
        self.unique: set[str] = set()
        self._distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        #: schema of temporary tables: a DROP never reaches a real table of that name
        self._temp = "pg_temp." if self.postgres else "temp."
        self._saved_cache: list[tuple[str, int]] = []
        #: invoices inserted / payments changed by this import (the payment totals)
        self._new_invoices = False
        self._touched = False

    def __enter__(self) -> Staging:
        if not self.postgres:
            raw = driver_connection(self.connection)
            for schema in ("main", "temp"):
                old = raw.execute(f"PRAGMA {schema}.cache_size").fetchone()[0]
                self._saved_cache.append((schema, int(old)))
                raw.execute(f"PRAGMA {schema}.cache_size = -{self.SQLITE_CACHE_KIB}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved_cache:
            raw = driver_connection(self.connection)
            for schema, old in self._saved_cache:
                raw.execute(f"PRAGMA {schema}.cache_size = {old}")
            self._saved_cache.clear()

    def _exec(self, sql: str, **params: Any) -> Any:
        return self.connection.execute(text(sql), params)

    # -- loading ---------------------------------------------------------------------------

    def create(self, spec: TableSpec) -> None:
        types = _PG_TYPES if self.postgres else _SQLITE_TYPES
        columns = ", ".join(f"{c.target} {types[c.kind]}" for c in spec.columns)
        self._exec(f"DROP TABLE IF EXISTS {self._temp}{spec.staging}")
        suffix = " ON COMMIT DROP" if self.postgres else ""
        self._exec(f"CREATE TEMPORARY TABLE {spec.staging} (line integer, {columns}){suffix}")
        self.tables[spec.name] = spec

    def load(self, spec: TableSpec, rows: list[Staged]) -> None:
        insert_rows(
            self.connection, spec.staging, ["line", *(c.target for c in spec.columns)], rows
        )

    def lock(self) -> None:
        """Take the import's write lock before reading the database for the checks.

        PostgreSQL: a transaction advisory lock, so two workstations importing at
        once merge one after the other, each checking against what the other
        committed. SQLite: the database write lock (a write that changes nothing),
        so no other writer can commit between the checks and the merge.
        """
        if self.postgres:
            self._exec("SELECT pg_advisory_xact_lock(:key)", key=IMPORT_LOCK_KEY)
        else:
            self._exec("UPDATE app_meta SET value = value WHERE 1 = 0")

    def prepare(self) -> None:
        """Once loaded: index the keys (SQLite) or gather statistics (PostgreSQL).

        SQLite first tries a unique index on the key: when it builds, the key has no
        duplicate and :meth:`find_duplicates` has nothing to look for; when it fails,
        a plain index on (key, line) serves the search for the duplicates.
        """
        for spec in self.tables.values():
            if self.postgres:
                self._exec(f"ANALYZE {spec.staging}")
                continue
            keys = ", ".join(spec.key_targets)
            raw = driver_connection(self.connection)
            try:  # a failed statement is undone alone: the transaction goes on
                raw.execute(f"CREATE UNIQUE INDEX ux_{spec.staging} ON {spec.staging} ({keys})")
            except sqlite3.IntegrityError:
                raw.execute(f"CREATE INDEX ix_{spec.staging} ON {spec.staging} ({keys}, line)")
            else:
                self.unique.add(spec.name)

    # -- the invoices' payment totals (migration 0016) ---------------------------------

    @contextmanager
    def deferred_payment_totals(self) -> Iterator[None]:
        """Merge the tables with the invoices' payment totals kept by the import.

        Each invoice keeps the total and last date of its payments, by the database's
        triggers on ``payment`` (migration 0016) — a trigger per row on SQLite, an
        update per statement on PostgreSQL: for millions of payments, three times the
        import's time. The row ``payment_totals_deferred`` of ``app_meta``, in this
        transaction only (no other writer sees it), sets them aside, and the import
        keeps the totals itself, in two set-based steps:

        - a new invoice is inserted with the sum of its staged payments (all of its
          payments are in this export: none can be in the database before it);
        - an invoice already there whose payments the export adds or changes
          (:meth:`note_touched_invoices`) has them summed again at the end.

        The initial load of an agency thus writes each invoice once, and a daily
        import sums again only the invoices paid since the last one."""
        self._exec(
            "INSERT INTO app_meta (key, value) VALUES (:key, '1')", key=PAYMENT_TOTALS_DEFERRED
        )
        yield
        if self._touched:
            self._exec(
                "UPDATE invoice SET paid_total = t.paid_total, last_paid_on = t.last_paid_on "
                "FROM (SELECT p.invoice_number, SUM(p.amount) AS paid_total, "
                "MAX(p.paid_on) AS last_paid_on FROM payment p "
                f"WHERE p.invoice_number IN (SELECT invoice_number FROM {self._temp}"
                "stg_touched_invoices) GROUP BY p.invoice_number) AS t "
                "WHERE invoice.number = t.invoice_number"
            )
        self._exec("DELETE FROM app_meta WHERE key = :key", key=PAYMENT_TOTALS_DEFERRED)

    def insert_new_invoices(self, spec: TableSpec) -> int:
        """:meth:`insert_new` for the invoices, each with the sum and last date of its
        staged payments (all of a new invoice's payments are in this export); the new
        invoices are kept aside for :meth:`note_touched_invoices`."""
        self._exec(f"DROP TABLE IF EXISTS {self._temp}stg_new_invoices")
        suffix = " ON COMMIT DROP" if self.postgres else ""
        self._exec(
            f"CREATE TEMPORARY TABLE stg_new_invoices{suffix} AS SELECT s.number "
            f"FROM {spec.staging} s WHERE NOT EXISTS "
            "(SELECT 1 FROM invoice t WHERE t.number = s.number)"
        )
        self._exec(
            "CREATE UNIQUE INDEX "
            + ("" if self.postgres else "temp.")
            + "ux_stg_new_invoices ON stg_new_invoices (number)"
        )
        if self.postgres:
            self._exec("ANALYZE stg_new_invoices")
        targets = [c.target for c in spec.columns]
        selected = [f"s.{c}" for c in targets]
        payments = self.tables.get("reglements")
        totals = ""
        if payments is None:  # no payment in this export: a new invoice has none
            targets.append("paid_total")
            selected.append("0")
        else:
            targets += ["paid_total", "last_paid_on"]
            selected += ["COALESCE(r.paid_total, 0)", "r.last_paid_on"]
            totals = (
                "LEFT JOIN (SELECT invoice_number, SUM(amount) AS paid_total, "
                f"MAX(paid_on) AS last_paid_on FROM {payments.staging} "
                "GROUP BY invoice_number) r ON r.invoice_number = s.number"
            )
        self._new_invoices = True
        return int(
            self._exec(
                f"INSERT INTO invoice ({', '.join(targets)}) SELECT {', '.join(selected)} "
                f"FROM {spec.staging} s JOIN stg_new_invoices n ON n.number = s.number "
                f"{totals}"
            ).rowcount
        )

    def note_touched_invoices(self, spec: TableSpec) -> None:
        """Before the payments are merged: the invoices already in the database whose
        payments the export adds or changes, summed again at the end. An invoice this
        import inserted has its totals already (:meth:`insert_new_invoices`)."""
        self._exec(f"DROP TABLE IF EXISTS {self._temp}stg_touched_invoices")
        suffix = " ON COMMIT DROP" if self.postgres else ""
        not_new = (
            # NOT EXISTS, not NOT IN: PostgreSQL hashes a NOT IN list only if it fits
            # in work_mem, and otherwise reads it again for every row
            "NOT EXISTS (SELECT 1 FROM stg_new_invoices n WHERE n.number = s.invoice_number) AND "
            if self._new_invoices
            else ""
        )
        self._exec(
            f"CREATE TEMPORARY TABLE stg_touched_invoices{suffix} AS "
            f"SELECT DISTINCT s.invoice_number FROM {spec.staging} s WHERE {not_new}"
            "NOT EXISTS (SELECT 1 FROM payment t WHERE t.invoice_number = s.invoice_number "
            "AND t.reference = s.reference AND t.paid_on = s.paid_on AND t.amount = s.amount)"
        )
        if self.postgres:
            self._exec("ANALYZE stg_touched_invoices")
        self._touched = True

    def drop(self) -> None:
        for name in ("stg_new_invoices", "stg_touched_invoices"):
            self._exec(f"DROP TABLE IF EXISTS {self._temp}{name}")
        for spec in self.tables.values():
            self._exec(f"DROP TABLE IF EXISTS {self._temp}{spec.staging}")
        self.tables.clear()

    # -- checks ------------------------------------------------------------------------------

    def _listed(self, sql: str, problems: Problems) -> list[tuple[Any, ...]]:
        """The rows of a check to list (as many as ``problems`` has room for), the
        others counted. ``sql`` ends with ``total`` (``count(*) OVER ()``) and ``LIMIT :n``."""
        room = problems.room()
        rows = self._exec(sql, n=max(room, 1)).all()
        if not rows:
            return []
        listed = [tuple(row[:-1]) for row in rows[:room]]
        problems.count_more(int(rows[0][-1]) - len(listed))
        return listed

    def find_duplicates(self, spec: TableSpec, problems: Problems) -> None:
        """Every repeated key, reported on its second (third…) occurrence."""
        if spec.name in self.unique:
            return
        keys = spec.key_targets
        not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
        join = " AND ".join(f"s.{k} = d.{k}" for k in keys)
        rows = self._listed(
            f"SELECT s.line, d.first_line, {', '.join('s.' + k for k in keys)}, "
            f"count(*) OVER () AS total "
            f"FROM {spec.staging} s JOIN ("
            f"  SELECT {', '.join(keys)}, min(line) AS first_line FROM {spec.staging}"
            f"  WHERE {not_null} GROUP BY {', '.join(keys)} HAVING count(*) > 1"
            f") d ON {join} WHERE s.line > d.first_line ORDER BY s.line LIMIT :n",
            problems,
        )
        kinds = [spec.column(name).kind for name in spec.key]
        for line, first_line, *key in rows:
            shown = " / ".join(str(_json(v, k)) for v, k in zip(key, kinds, strict=True))
            problems.add_coded(
                spec.name,
                line,
                spec.key[-1],
                "DUPLICATE_ROW",
                table=spec.name,
                key=shown,
                first_line=first_line,
            )

    def find_unknown_references(
        self, spec: TableSpec, problems: Problems, skip: Collection[str] = ()
    ) -> None:
        """References to rows neither in the import nor in the database.

        References to a table in ``skip`` (one that could not be read to its end)
        are not checked: they would only repeat that table's problem.
        """
        for ref in spec.references:
            if ref.table in skip:
                continue
            column = spec.column(ref.column).target
            target = TABLES_BY_NAME[ref.table]
            key = target.key_targets[0]
            clauses = [f"s.{column} IS NOT NULL"]
            if ref.table in self.tables:
                clauses.append(
                    f"NOT EXISTS (SELECT 1 FROM {target.staging} t WHERE t.{key} = s.{column})"
                )
            clauses.append(
                f"NOT EXISTS (SELECT 1 FROM {target.model.name} m WHERE m.{key} = s.{column})"
            )
            rows = self._listed(
                f"SELECT s.line, s.{column}, count(*) OVER () AS total FROM {spec.staging} s "
                f"WHERE {' AND '.join(clauses)} ORDER BY s.line LIMIT :n",
                problems,
            )
            for line, value in rows:
                problems.add_coded(
                    spec.name, line, ref.column, "UNKNOWN_REFERENCE", table=ref.table, value=value
                )

    # -- merge -------------------------------------------------------------------------------

    def keep_terminations(self) -> list[tuple[str, dt.date, dt.date]]:
        """R11, R13 (#15): a contract terminated by sbee-desk (``contract_termination``)
        stays terminated whatever a later export says — the gestion clientèle learns it
        afterwards. Its staged termination date becomes sbee-desk's, so the merge undoes
        nothing. Returns the suspensions the export now says were restored for such a
        contract (police, termination, restoration), newly known: to be reported."""
        contracts = self.tables.get("contrats")
        if contracts is not None:
            stg = contracts.staging
            self._exec(
                f"UPDATE {stg} SET terminated_on = (SELECT ct.terminated_on FROM "
                f"contract_termination ct WHERE ct.police = {stg}.police) WHERE EXISTS "
                f"(SELECT 1 FROM contract_termination ct WHERE ct.police = {stg}.police)"
            )
        suspensions = self.tables.get("interruptions")
        if suspensions is None:
            return []
        rows = self._exec(
            f"SELECT s.police, ct.terminated_on, s.restored_on FROM {suspensions.staging} s "
            "JOIN contract_termination ct ON ct.police = s.police "
            "LEFT JOIN suspension t ON t.police = s.police AND t.suspended_on = s.suspended_on "
            "WHERE s.restored_on IS NOT NULL AND t.restored_on IS NULL "
            "ORDER BY s.police, s.restored_on"
        ).all()
        return [(r[0], _as_date(r[1]), _as_date(r[2])) for r in rows]

    def create_agencies_and_zones(self) -> tuple[int, int]:
        """Agencies and zones named by contracts and bordereaux but not yet known."""
        agencies = zones = 0
        for name in ("contrats", "bordereaux"):
            if name in self.tables:
                agencies += self._exec(
                    f"INSERT INTO agency (code) SELECT DISTINCT s.agency_code "
                    f"FROM stg_{name} s WHERE s.agency_code IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM agency a WHERE a.code = s.agency_code)"
                ).rowcount
        if "contrats" in self.tables:
            zones = self._exec(
                "INSERT INTO zone (agency_code, code) "
                "SELECT DISTINCT s.agency_code, s.zone_code FROM stg_contrats s "
                "WHERE s.zone_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM zone z "
                "WHERE z.agency_code = s.agency_code AND z.code = s.zone_code)"
            ).rowcount
        return agencies, zones

    def _changed_predicate(self, table: str, columns: Sequence[Column]) -> str:
        return " OR ".join(f"{table}.{c.target} {self._distinct} s.{c.target}" for c in columns)

    def _join(self, spec: TableSpec, table: str) -> str:
        return " AND ".join(f"{table}.{k} = s.{k}" for k in spec.key_targets)

    def changes(
        self, spec: TableSpec, present: Sequence[Column], batch: int = 5_000
    ) -> Iterator[list[Change]]:
        """The records whose values differ from the import, by batches (before the update).

        Only the columns present in the file count: an absent optional column
        leaves the records as they are.
        """
        keys = spec.key_targets
        key_kinds = [spec.column(name).kind for name in spec.key]
        columns = [c for c in present if c.target not in keys]
        model = spec.model.name
        selected = ", ".join(
            [*(f"s.{k}" for k in keys), *(f"t.{c.target}, s.{c.target}" for c in columns)]
        )
        result = self.connection.execute(
            text(
                f"SELECT {selected} FROM {spec.staging} s JOIN {model} t ON "
                f"{self._join(spec, 't')} WHERE {self._changed_predicate('t', columns)}"
            ).execution_options(stream_results=True)
        )
        nkeys = len(keys)
        try:
            for partition in result.partitions(batch):
                out = []
                for row in partition:
                    before: dict[str, Any] = {}
                    after: dict[str, Any] = {}
                    for i, col in enumerate(columns):
                        old, new = row[nkeys + 2 * i], row[nkeys + 2 * i + 1]
                        if not _same(old, new, col.kind):
                            before[col.target] = _json(old, col.kind)
                            after[col.target] = _json(new, col.kind)
                    out.append(Change(entity_key(row[:nkeys], key_kinds), before, after))
                yield out
        finally:
            result.close()

    def update(self, spec: TableSpec, present: Sequence[Column]) -> int:
        """Update the changed records from the import; returns how many."""
        keys = spec.key_targets
        columns = [c for c in present if c.target not in keys]
        model = spec.model.name
        assignments = ", ".join(f"{c.target} = s.{c.target}" for c in columns)
        return int(
            self._exec(
                f"UPDATE {model} SET {assignments} FROM {spec.staging} s "
                f"WHERE {self._join(spec, model)} AND ({self._changed_predicate(model, columns)})"
            ).rowcount
        )

    def insert_new(self, spec: TableSpec) -> int:
        """Insert the records not in the database yet; returns how many."""
        targets = ", ".join(c.target for c in spec.columns)
        selected = ", ".join(f"s.{c.target}" for c in spec.columns)
        model = spec.model.name
        return int(
            self._exec(
                f"INSERT INTO {model} ({targets}) SELECT {selected} FROM {spec.staging} s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {model} t WHERE {self._join(spec, 't')})"
            ).rowcount
        )


def _as_date(value: Any) -> dt.date:
    """A date read back from a staging table (SQLite gives its ISO text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
