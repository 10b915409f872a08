"""Step 2 — :func:`run_edition`, the night edition, and :func:`check_r7` (see the
package docstring for the steps)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import func, select, text

from sbee_desk.db.models import EditionBatch, EditionDocument
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.formal import font_set
from sbee_desk.documents.letters import load_letter_texts
from sbee_desk.documents.orders import load_order_texts
from sbee_desk.documents.resources import TemplateError
from sbee_desk.documents.worker import Texts
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit, audit_anchor, backup
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.edition.batch import BatchRun
from sbee_desk.services.edition.combined import stale_combined
from sbee_desk.services.edition.copies import prepare_out, sync_copies
from sbee_desk.services.edition.data import pending_work
from sbee_desk.services.edition.model import (
    BatchStatus,
    CombinedInfo,
    DocumentKind,
    EditionError,
    EditionResult,
    GapReport,
    Progress,
)
from sbee_desk.services.r7 import Cancellation, cancel_ended

#: PostgreSQL advisory lock taken while a batch is opened or resumed
_LOCK_KEY = 0x5BEE_0006


def _texts() -> Texts:
    """The texts and fonts, checked: a clear French message before anything is produced."""
    try:
        texts = Texts(load_letter_texts(), load_order_texts())
        font_set()
    except TemplateError as exc:
        raise EditionError("EDITION_TEMPLATE_UNUSABLE", reason=str(exc)) from exc
    return texts


def _check_date(on: dt.date, today_: dt.date) -> None:
    if on > today_:
        raise EditionError("FUTURE_EDITION_DATE", on=on)


# --------------------------------------------------------------------------- R7


def check_r7(
    uow: UnitOfWork, actor: Actor, on: dt.date | None = None, *, today_: dt.date | None = None
) -> list[Cancellation]:
    """R7 now (before printing): cancel the letters and orders of restored or paid
    contracts, mark their documents cancelled, audit; returns what was cancelled."""
    on = on or today_ or today()
    with uow.write():
        require(uow, actor, Action.EDITION)
        cancelled = cancel_ended(uow, actor, on, AuditAction.EDITION_R7_CANCEL)
        uow.commit()
        return cancelled


# --------------------------------------------------------------------------- the run


def _stop_pool(pool: ProcessPoolExecutor, *, kill: bool) -> None:
    """Shut the pool down; when the batch stops early (cancelled, failed), do not wait
    for a combined file still being drawn: its worker processes are ended."""
    if kill:
        # ProcessPoolExecutor has no public way to stop a running task
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(10)
        return
    pool.shutdown(wait=True, cancel_futures=True)


def run_edition(
    uow: UnitOfWork,
    actor: Actor,
    on: dt.date | None = None,
    out_dir: Path | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    today_: dt.date | None = None,
) -> EditionResult:
    """Produce every pending letter and order once (see the module docstring).

    ``workers``: worker processes (default: one per processor; 0 renders in this
    process). ``cancelled()`` is polled between chunks: what is done stays, the
    batch stays open, the next run completes it (``EditionResult.interrupted``).
    Raises :class:`EditionError` (French, nothing changed) for a future date, a
    folder that cannot be written, a missing or broken template or font.
    """
    on = on or today_ or today()
    _check_date(on, today_ or today())
    workers = (os.cpu_count() or 1) if workers is None else max(0, workers)
    with uow:
        require(uow, actor, Action.EDITION)
    if not uow.in_outer_transaction:  # inside the demo's transaction: nothing to keep yet
        backup.backup_quietly(uow.engine, backup.BackupReason.EDITION)  # #17: before each run
    texts = _texts()
    if out_dir is not None:
        prepare_out(out_dir)

    with uow.write():
        require(uow, actor, Action.EDITION)
        if uow.dialect == "postgresql":
            # two workstations starting the edition at once open one batch, not two
            # (SQLite: the IMMEDIATE transaction already serialises them)
            uow.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        cancellations = cancel_ended(uow, actor, on, AuditAction.EDITION_R7_CANCEL)
        session = uow.session
        batch = session.scalars(
            select(EditionBatch)
            .where(EditionBatch.finished_at.is_(None))
            .order_by(EditionBatch.id)
            .limit(1)
        ).one_or_none()
        resumed = batch is not None
        pending_on = batch.edition_on if batch is not None else on
        pending = pending_work(uow, pending_on)
        if batch is None and pending:
            batch = EditionBatch(
                edition_on=on,
                status=BatchStatus.EN_COURS.value,
                started_at=audit.now(),
                started_by=actor.login,
                letters=0,
                orders=0,
                cancelled=0,
                gaps=0,
                attempts=1,
            )
            session.add(batch)
            session.flush()
            audit.record(
                uow,
                actor,
                AuditAction.EDITION_START,
                entity="edition_batch",
                entity_key=str(batch.id),
                after={"edition_on": on.isoformat(), "pending": len(pending)},
            )
        elif batch is not None:
            batch.attempts += 1
            audit.record(
                uow,
                actor,
                AuditAction.EDITION_RESUME,
                entity="edition_batch",
                entity_key=str(batch.id),
                details={"attempt": batch.attempts, "pending": len(pending)},
            )
        if batch is not None:
            batch.cancelled += len(cancellations)
        batch_id = batch.id if batch is not None else None
        already = (batch.letters + batch.orders) if batch is not None else 0
        uow.commit()

    if batch_id is None:
        files = _redraw_stale(uow, actor, texts, out_dir, workers)
        with uow:
            latest = uow.session.scalar(select(func.max(EditionBatch.id)))
        if out_dir is not None and latest is not None:
            files += sync_copies(uow, latest, out_dir)
        return EditionResult(
            None, on, False, 0, 0, 0, cancellations, [], [], out_dir, files, workers
        )

    complete = False
    run = BatchRun(
        uow,
        actor,
        texts,
        batch_id,
        pending_on,
        out_dir,
        workers,
        progress,
        cancelled,
        fresh=not resumed,
    )
    try:
        complete = run.produce(pending)
        combined: list[CombinedInfo] = []
        if complete:
            combined = run.rank_and_combine()
            with uow.write():
                row = uow.session.get_one(EditionBatch, batch_id)
                row.status = BatchStatus.TERMINE.value
                row.finished_at = audit.now()
                audit.record(
                    uow,
                    actor,
                    AuditAction.EDITION_FINISH,
                    entity="edition_batch",
                    entity_key=str(batch_id),
                    after={
                        "letters": row.letters,
                        "orders": row.orders,
                        "cancelled_r7": row.cancelled,
                        "gaps": row.gaps,
                        "combined": [c.file_name for c in combined],
                    },
                )
                uow.commit()
    finally:
        if run.pool is not None:
            _stop_pool(run.pool, kill=not complete)
        if run.spool is not None:
            shutil.rmtree(run.spool, ignore_errors=True)
    if complete:
        run.files += _redraw_stale(uow, actor, texts, out_dir, workers)
    if out_dir is not None and complete:
        run.files += sync_copies(uow, batch_id, out_dir)
    audit_anchor.publish_quietly(uow, audit_anchor.AnchorReason.EDITION)  # #12
    return EditionResult(
        batch_id=batch_id,
        edition_on=pending_on,
        resumed=resumed,
        letters=run.letters,
        orders=run.orders,
        already_produced=already,
        cancelled=cancellations,
        gaps=_batch_gaps(uow, batch_id),
        still_pending=_still_pending(uow, on) if resumed and complete else 0,
        combined=combined,
        out_dir=out_dir,
        files_written=run.files,
        workers=workers if run.pool is not None else 0,
        interrupted=not complete,
    )


def _redraw_stale(
    uow: UnitOfWork, actor: Actor, texts: Texts, out_dir: Path | None, workers: int
) -> int:
    """Draw again the combined files that documents cancelled since (R7) made stale,
    while unused (:func:`~.batch.stale_combined`); the copies written."""
    files = 0
    for batch_id, on in stale_combined(uow):
        run = BatchRun(uow, actor, texts, batch_id, on, out_dir, workers, None, None)
        try:
            run.rank_and_combine()
        finally:
            if run.pool is not None:
                _stop_pool(run.pool, kill=False)
            if run.spool is not None:
                shutil.rmtree(run.spool, ignore_errors=True)
        files += run.files
    return files


def run_edition_until_done(
    uow: UnitOfWork,
    actor: Actor,
    on: dt.date | None = None,
    out_dir: Path | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    today_: dt.date | None = None,
) -> EditionResult:
    """:func:`run_edition`, run again as long as it completed an older batch and left
    letters or orders validated since (``still_pending``) for a new one; the result of
    the last run (``sbee-desk edition``)."""
    while True:
        result = run_edition(
            uow,
            actor,
            on,
            out_dir,
            workers=workers,
            progress=progress,
            cancelled=cancelled,
            today_=today_,
        )
        if not result.still_pending:
            return result


def _still_pending(uow: UnitOfWork, on: dt.date) -> int:
    with uow:
        return len(pending_work(uow, on))


def _batch_gaps(uow: UnitOfWork, batch_id: int) -> list[GapReport]:
    with uow:
        rows = uow.session.execute(
            select(
                EditionDocument.kind,
                EditionDocument.number,
                EditionDocument.police,
                EditionDocument.customer_name,
                EditionDocument.gaps,
            )
            .where(EditionDocument.batch_id == batch_id, EditionDocument.gaps.is_not(None))
            .order_by(EditionDocument.recipient, EditionDocument.print_rank)
        ).all()
    return [
        GapReport(
            DocumentKind(r.kind), r.number, r.police, r.customer_name, tuple(r.gaps.split(","))
        )
        for r in rows
    ]
