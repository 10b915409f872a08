"""The combined file of each recipient of a batch — the releveur's letters, the chef
RPNT's orders — in print order (zone, quartier, address), and R7's word on it (#12).

A combined file is drawn from the *live* documents (neither they nor their letter or
order cancelled) and stored only if, under the lock every cancellation takes
(:func:`~sbee_desk.services.r7.serialise_with_r7`), they are still the live ones;
otherwise it is drawn again. So no combined file stored after a cancellation
committed holds what it cancelled. A stored file that cancellations since made stale
is drawn again (or removed when nothing is left) as long as none of its documents
was printed or handed over (:func:`stale_combined`, at every run of the edition);
once used it stays as it was, marked stale, and the print queue prints the live
documents one by one.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Select, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    EditionBatch,
    EditionCombinedFile,
    EditionDocument,
    ReminderLetter,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.formal import Rendered
from sbee_desk.documents.letters import LetterData
from sbee_desk.documents.orders import OrderData
from sbee_desk.documents.worker import (
    Item,
    SpooledFile,
    render_combined,
    render_combined_task,
)
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit
from sbee_desk.services.edition.copies import combined_files, write_copy
from sbee_desk.services.edition.model import (
    CombinedInfo,
    DocumentKind,
    DocumentStatus,
    Recipient,
    combined_file_name,
    print_key,
)
from sbee_desk.services.r7 import serialise_with_r7

if TYPE_CHECKING:
    from sbee_desk.services.edition.batch import BatchRun


def rank_and_combine(run: BatchRun) -> list[CombinedInfo]:
    """Print ranks over the whole batch, then each recipient's combined file.

    R7 wins (#12): a combined file is drawn from the live documents (neither they
    nor their letter / order cancelled) and stored only if, under the lock every
    cancellation takes, they are still the live ones; else it is drawn again. A
    stored file made stale by cancellations since is drawn again (or removed when
    nothing is left) as long as none of its documents was printed or handed over:
    once used, it stays as it was, marked stale, and the print queue prints the
    live documents one by one."""
    _rank(run)
    jobs: list[_Combined] = []
    for recipient in Recipient:
        job = _draw(run, recipient, run.early.pop(recipient, None))
        if job is not None:
            jobs.append(job)
    while jobs:  # one file at a time in memory: each is let go once stored
        job = jobs.pop(0)
        if not _store(run, job):  # cancelled meanwhile: drawn again
            again = _draw(run, job.recipient, None)
            if again is not None:
                jobs.append(again)
    return combined_files(run.uow, run.batch_id)


def _rank(run: BatchRun) -> None:
    uow = run.uow
    with uow.write():
        session = uow.session
        rows = session.execute(
            select(
                EditionDocument.id,
                EditionDocument.recipient,
                EditionDocument.print_rank,
                EditionDocument.zone_code,
                EditionDocument.quartier,
                EditionDocument.address,
                EditionDocument.police,
            ).where(EditionDocument.batch_id == run.batch_id)
        ).all()
        changes = []
        for recipient in Recipient:
            mine = sorted(
                (r for r in rows if r.recipient == recipient.value),
                key=lambda r: print_key(r.zone_code, r.quartier, r.address, r.police),
            )
            changes += [
                {"doc_id": r.id, "rank": rank}
                for rank, r in enumerate(mine, 1)
                if r.print_rank != rank
            ]
        if changes:
            table = cast(Table, EditionDocument.__table__)
            session.execute(
                update(table)
                .where(table.c.id == bindparam("doc_id"))
                .values(print_rank=bindparam("rank")),
                changes,
            )
            uow.commit()


def live_documents(batch_id: int, recipient: Recipient) -> Select[Any]:
    """The recipient's documents that are to be printed, in print order."""
    d = EditionDocument
    lt, wo = ReminderLetter.__table__, WorkOrder.__table__
    return (
        select(d.id, d.pages, d.letter_id, d.order_id, d.payload, d.kind)
        .outerjoin(lt, lt.c.id == d.letter_id)
        .outerjoin(wo, wo.c.id == d.order_id)
        .where(
            d.batch_id == batch_id,
            d.recipient == recipient.value,
            d.cancelled.is_(False),
            lt.c.cancelled_on.is_(None),
            wo.c.cancelled_on.is_(None),
        )
        .order_by(d.print_rank, d.id)
    )


def _draw(
    run: BatchRun,
    recipient: Recipient,
    early: tuple[list[int], Future[tuple[SpooledFile, list[int]]]] | None,
) -> _Combined | None:
    """Start drawing ``recipient``'s combined file (None: nothing to draw)."""
    uow = run.uow
    d = EditionDocument
    with uow:
        session = uow.session
        stored = session.execute(
            select(EditionCombinedFile.file_name, EditionCombinedFile.documents).where(
                EditionCombinedFile.batch_id == run.batch_id,
                EditionCombinedFile.recipient == recipient.value,
            )
        ).one_or_none()
        docs = session.execute(
            live_documents(run.batch_id, recipient).with_only_columns(
                d.id, d.pages, d.letter_id, d.order_id
            )
        ).all()
        # stored already: up to date, or used (then it stays as it was, marked stale)
        if stored is not None and (
            stored.documents == len(docs) or _used(uow, run.batch_id, recipient)
        ):
            if early is not None:
                early[1].result()[0].discard()
            return None
    name = (
        stored.file_name
        if stored is not None
        else combined_file_name(run.batch_id, run.on, recipient)
    )
    ids = tuple(r.id for r in docs)
    if not docs:
        if early is not None:
            early[1].result()[0].discard()
        return None if stored is None else _Combined(recipient, name, ids, None)
    pages = [r.pages for r in docs]
    if early is not None:
        work_ids, future = early
        drawn, drawn_pages = future.result()
        del early, future  # the file is held by ``drawn`` (or the job) only
        # the same documents, in the same order, paginated the same: keep it
        if work_ids == [r.letter_id or r.order_id for r in docs] and drawn_pages == pages:
            return _Combined(recipient, name, ids, drawn)
        drawn.discard()
    # the documents' values only now (a few kilobytes each: not held for nothing)
    with uow:
        items: list[Item] = [
            LetterData.from_payload(r.payload)
            if r.kind == DocumentKind.LETTER.value
            else OrderData.from_payload(r.payload)
            for r in uow.session.execute(live_documents(run.batch_id, recipient))
        ]
    if [i.letter_id if isinstance(i, LetterData) else i.order_id for i in items] != [
        r.letter_id or r.order_id for r in docs
    ]:
        return _draw(run, recipient, None)  # cancelled between the two reads
    title = run.combined_title(recipient)
    if run.pooled(len(items)):
        job: Any = run.get_pool().submit(render_combined_task, items, pages, title, run.spool_dir())
    else:
        job = render_combined(items, pages, run.texts, title)[0]
    return _Combined(recipient, name, ids, job)


def _used(uow: UnitOfWork, batch_id: int, recipient: Recipient) -> bool:
    """Whether a document of the batch for ``recipient`` was printed or handed over."""
    d = EditionDocument
    return bool(
        uow.session.scalar(
            select(func.count()).where(
                d.batch_id == batch_id,
                d.recipient == recipient.value,
                or_(d.print_count > 0, d.status != DocumentStatus.GENERE.value),
            )
        )
    )


def _store(run: BatchRun, job: _Combined) -> bool:
    """Store a combined file drawn, if its documents are still the live ones (under
    the R7 lock); False when they are not (it must be drawn again)."""
    uow = run.uow
    rendered: Rendered | None = None
    if job.job is not None:
        done = job.job.result()[0] if isinstance(job.job, Future) else job.job
        rendered = done.take() if isinstance(done, SpooledFile) else done
        del done
    job.job = None
    written = False
    with uow.write():
        session = uow.session
        serialise_with_r7(uow)
        live = tuple(
            session.scalars(
                live_documents(run.batch_id, job.recipient).with_only_columns(EditionDocument.id)
            )
        )
        if live != job.ids:
            return False
        row = session.scalars(
            select(EditionCombinedFile).where(
                EditionCombinedFile.batch_id == run.batch_id,
                EditionCombinedFile.recipient == job.recipient.value,
            )
        ).one_or_none()
        if row is None and rendered is not None:
            session.add(
                EditionCombinedFile(
                    batch_id=run.batch_id,
                    recipient=job.recipient.value,
                    file_name=job.name,
                    sha256=rendered.sha256,
                    content=rendered.content,
                    pages=rendered.pages,
                    documents=len(job.ids),
                    created_at=audit.now(),
                )
            )
            try:
                uow.commit()
                written = True
            except IntegrityError:  # a concurrent run stored it meanwhile
                pass
        elif (
            row is not None
            and row.documents != len(job.ids)
            and not _used(uow, run.batch_id, job.recipient)
        ):
            # stale: documents of it were cancelled since (and none printed)
            audit.record(
                uow,
                run.actor,
                AuditAction.EDITION_R7_CANCEL,
                entity="edition_batch",
                entity_key=str(run.batch_id),
                before={"documents": row.documents, "sha256": row.sha256},
                after={
                    "documents": len(job.ids),
                    "sha256": rendered.sha256 if rendered is not None else None,
                },
                details={"file_name": row.file_name},
            )
            if rendered is None:
                session.delete(row)
            else:
                row.sha256, row.content = rendered.sha256, rendered.content
                row.pages, row.documents = rendered.pages, len(job.ids)
                row.created_at = audit.now()
            uow.commit()
            written = True
    if run.out_dir is not None and written:
        if rendered is None:
            (run.out_dir / job.name).unlink(missing_ok=True)
        else:
            write_copy(run.out_dir, job.name, rendered.content)
            run.files += 1
    return True


def stale_combined(uow: UnitOfWork) -> list[tuple[int, dt.date]]:
    """The batches (id, edition date) of which a stored combined file holds documents
    cancelled since (R7) while none of its recipient's documents was printed or handed
    over: :meth:`BatchRun.rank_and_combine` draws them again."""
    d, f = EditionDocument, EditionCombinedFile
    lt, wo = ReminderLetter.__table__, WorkOrder.__table__
    live = (
        select(d.batch_id, d.recipient, func.count().label("n"))
        .outerjoin(lt, lt.c.id == d.letter_id)
        .outerjoin(wo, wo.c.id == d.order_id)
        .where(d.cancelled.is_(False), lt.c.cancelled_on.is_(None), wo.c.cancelled_on.is_(None))
        .group_by(d.batch_id, d.recipient)
        .subquery()
    )
    used = (
        select(d.id)
        .where(
            d.batch_id == f.batch_id,
            d.recipient == f.recipient,
            or_(d.print_count > 0, d.status != DocumentStatus.GENERE.value),
        )
        .exists()
    )
    with uow:
        rows = uow.session.execute(
            select(EditionBatch.id, EditionBatch.edition_on)
            .join(f, f.batch_id == EditionBatch.id)
            .outerjoin(live, and_(live.c.batch_id == f.batch_id, live.c.recipient == f.recipient))
            .where(f.documents != func.coalesce(live.c.n, 0), ~used)
            .distinct()
            .order_by(EditionBatch.id)
        ).all()
    return [(r.id, r.edition_on) for r in rows]


@dataclass
class _Combined:
    """A recipient's combined file being drawn: its documents (ids, in print order) and
    the drawing (a pool job, the file, or None: no document left, remove it)."""

    recipient: Recipient
    name: str
    ids: tuple[int, ...]
    job: Any
