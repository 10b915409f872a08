"""``sbee-desk import PATH``: load the gestion-clientèle export (import-format.md).

The use case — the role, the audit events, R7 after the import — over the helpers of
:mod:`sbee_desk.importers`, which read, check and stage the rows. One call, one
transaction, all or nothing:

1. read every table present, row by row, in chunks: each row is checked in
   Python (:mod:`~sbee_desk.importers.rows`) and bulk-loaded into a temporary
   staging table with its line number (:mod:`~sbee_desk.importers.loader`);
2. check what needs the whole set in a few SQL statements: duplicate keys,
   references unknown both in the import and in the database
   (:mod:`~sbee_desk.importers.staging`);
3. if anything is wrong, raise :class:`ImportFailed` with every problem: the
   transaction is rolled back, nothing is written;
4. otherwise create the missing agencies and zones, then per table update the
   records that differ (one audit event each, with before/after) and insert the
   new ones; one audit event for the call; commit.

Memory stays flat whatever the size of the export: one chunk of rows at a time.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.importers.formats import TABLE_ORDER, TABLES_BY_NAME, TableSpec
from sbee_desk.importers.results import (
    ImportCancelled,
    ImportFailed,
    ImportProblem,
    TableCounts,
    problem_of,
    warning_of,
)
from sbee_desk.importers.rows import MAX_COLUMNS, Problems, RowPlan
from sbee_desk.importers.sources import Source, SourceError, TableSource, open_source
from sbee_desk.importers.staging import Staging
from sbee_desk.services import audit, audit_anchor
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.r7 import Cancellation, cancel_ended

__all__ = [
    "ImportCancelled",
    "ImportFailed",
    "ImportProblem",
    "ImportResult",
    "TableCounts",
    "import_export",
]

#: Rows read, checked and staged at a time (memory stays flat; cancel is polled between).
CHUNK_ROWS = 50_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    #: per table name of import-format.md, only the tables present in the import
    counts: dict[str, TableCounts]
    #: French warnings (unknown column or file ignored…)
    warnings: list[str] = field(default_factory=list)
    #: (file name, SHA-256 hex) of every file read
    files: list[tuple[str, str]] = field(default_factory=list)
    #: letters and orders R7 cancelled once the import was merged (restorations and
    #: payments it brought), in the same transaction
    r7_cancelled: list[Cancellation] = field(default_factory=list)


def import_export(
    uow: UnitOfWork,
    actor: Actor,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    today_: dt.date | None = None,
) -> ImportResult:
    """Import the export at ``path`` (folder of CSV files or ``.xlsx`` workbook).

    Opens ``with uow:`` itself and commits only if every row of every table is
    valid. Raises :class:`ImportFailed` (every problem, nothing written),
    :class:`ImportCancelled` (``cancelled()`` returned true; nothing written) or
    :class:`~sbee_desk.services.authz.PermissionDenied` (the actor may not import:
    chef section recouvrement or administrateur only).
    ``progress(done, total)`` is called from time to time, in arbitrary units.

    R7 is checked once the rows are merged, at today's date (``today_``), in the same
    transaction: the letters and orders of contracts this import shows restored or
    paid are cancelled (``ImportResult.r7_cancelled``, one audit event each).
    """
    with uow, _gc_paused():
        require(uow, actor, Action.IMPORT)
        # End that read: reading the files (minutes for a national export) must not
        # hold a database snapshot, or SQLite could not write after another
        # workstation did. The write lock is taken before the checks (Staging.lock).
        uow.session.rollback()
        source = open_source(Path(path))
        try:
            run = _Run(uow, actor, source, progress, cancelled)
            with Staging(uow.session.connection()) as staging:
                result = run.execute(Path(path), staging)
            # R7 "after every import" (business-rules.md): the import and what it ends
            # are one transaction
            ended = cancel_ended(uow, actor, today_ or today(), AuditAction.IMPORT_R7_CANCEL)
            if ended:
                result = replace(result, r7_cancelled=ended)
            uow.commit()
        finally:
            source.close()
    audit_anchor.publish_quietly(uow, audit_anchor.AnchorReason.IMPORT)  # #12
    return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while importing.

    The import allocates millions of short-lived lists and tuples, none cyclic;
    the collector, triggered every few hundred allocations, would take about a
    third of the reading time just walking them (measured). Restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Run:
    def __init__(
        self,
        uow: UnitOfWork,
        actor: Actor,
        source: Source,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.uow = uow
        self.actor = actor
        self.source = source
        self._progress = progress
        self._cancelled = cancelled
        self.problems = Problems()
        self.warnings = list(source.warnings)
        self.plans: dict[str, RowPlan] = {}
        self.staged: dict[str, int] = {}
        self.broken: set[str] = set()
        self.total = max(2 * sum(t.size for t in source.tables), 1)
        self.done = 0

    # -- helpers ---------------------------------------------------------------------------

    def check_cancel(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ImportCancelled

    def tick(self, done: int) -> None:
        self.done = max(self.done, min(done, self.total))
        if self._progress is not None:
            self._progress(self.done, self.total)

    # -- the run ---------------------------------------------------------------------------

    def execute(self, path: Path, staging: Staging) -> ImportResult:
        base = 0
        for table in self.source.tables:
            self.check_cancel()
            with table:
                self.read(table, staging, base)
            base += table.size
            self.tick(base)

        self.check_cancel()
        staging.lock()
        staging.prepare()
        for spec in staging.tables.values():
            staging.find_duplicates(spec, self.problems)
        for spec in staging.tables.values():
            staging.find_unknown_references(spec, self.problems, skip=self.broken)
        if self.problems:
            raise ImportFailed(self.sorted_problems(), total=len(self.problems))

        agencies, zones = staging.create_agencies_and_zones()
        for police, terminated_on, restored_on in staging.keep_terminations():  # R13 (#15)
            self.warnings.append(
                warning_of(
                    "TERMINATED_RESTORED_IN_EXPORT",
                    police=police,
                    terminated_on=terminated_on,
                    restored_on=restored_on,
                )
            )
        counts: dict[str, TableCounts] = {}
        with staging.deferred_payment_totals():
            for table in self.source.tables:
                self.check_cancel()
                spec = table.spec
                counts[spec.name] = self.merge(staging, spec)
                base += table.size
                self.tick(base)
        files = self.source.files
        audit.record(
            self.uow,
            self.actor,
            AuditAction.IMPORT,
            details={
                "path": str(path),
                "files": [{"name": name, "sha256": digest} for name, digest in files],
                "counts": {
                    name: {"inserted": c.inserted, "updated": c.updated, "unchanged": c.unchanged}
                    for name, c in counts.items()
                },
                "agencies_created": agencies,
                "zones_created": zones,
                "warnings": self.warnings,
            },
        )
        staging.drop()
        return ImportResult(counts=counts, warnings=self.warnings, files=list(files))

    def read(self, table: TableSource, staging: Staging, base: int) -> None:
        spec = table.spec
        try:
            header = table.header()
        except SourceError as exc:
            self._broken(spec, exc.problem)
            return
        self.warnings.extend(table.warnings)  # read as Windows-1252…
        if header is None or not any(cell.strip() for cell in header):
            self._broken(
                spec,
                problem_of(spec.name, 1, "", "EMPTY_TABLE_FILE", name=table.label),
            )
            return
        if len(header) > MAX_COLUMNS:
            self._broken(
                spec,
                problem_of(
                    spec.name, 1, "", "TOO_MANY_COLUMNS", count=len(header), limit=MAX_COLUMNS
                ),
            )
            return
        plan = RowPlan(spec, header, table.label, self.problems)
        self.plans[spec.name] = plan
        staging.create(spec)
        count = 0
        try:
            for chunk in table.chunks(plan.kinds, CHUNK_ROWS):
                self.check_cancel()
                staged = plan.parse(chunk, self.problems)
                staging.load(spec, staged)
                count += len(staged)
                self.tick(base + table.position())
        except SourceError as exc:
            self._broken(spec, exc.problem)
        self.warnings.extend(plan.warnings)  # the header's, and those found in the rows
        self.staged[spec.name] = count

    def _broken(self, spec: TableSpec, problem: ImportProblem) -> None:
        self.problems.add(problem.table, problem.line, problem.column, problem.message)
        self.broken.add(spec.name)

    def merge(self, staging: Staging, spec: TableSpec) -> TableCounts:
        present = self.plans[spec.name].present
        updated = 0
        for batch in staging.changes(spec, present):
            audit.record_many(
                self.uow,
                self.actor,
                [
                    {
                        "action": AuditAction.IMPORT_UPDATE,
                        "entity": spec.name,
                        "entity_key": change.key,
                        "before": change.before,
                        "after": change.after,
                    }
                    for change in batch
                ],
            )
            updated += len(batch)
        if spec.model.name == "payment":
            staging.note_touched_invoices(spec)
        applied = staging.update(spec, present) if updated else 0
        if applied != updated:  # the same predicate twice: cannot differ but by a bug
            raise RuntimeError(f"{spec.name}: {applied} rows updated, {updated} audited")
        if spec.model.name == "invoice":
            inserted = staging.insert_new_invoices(spec)
        else:
            inserted = staging.insert_new(spec)
        return TableCounts(inserted, updated, self.staged[spec.name] - inserted - updated)

    def sorted_problems(self) -> list[ImportProblem]:
        def order(p: ImportProblem) -> tuple[int, int, int]:
            spec = TABLES_BY_NAME.get(p.table)
            column = -1
            if spec is not None:
                names = [c.name for c in spec.columns]
                column = names.index(p.column) if p.column in names else len(names)
            return (TABLE_ORDER.get(p.table, -1), p.line, column)

        problems = sorted(self.problems.items, key=order)
        if self.problems.overflow:
            problems.append(
                problem_of("import", 0, "", "MORE_PROBLEMS", count=self.problems.overflow)
            )
        return problems
