"""One batch being produced (:class:`BatchRun`): the pending documents rendered a chunk
at a time — by a ``spawn`` process pool for large batches (plain values in, bytes out;
never ``fork``: the process may already run Qt or database threads) — each chunk saved
in its own transaction, then the print ranks and each recipient's combined file."""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import EditionBatch, EditionCombinedFile, EditionDocument, WorkOrder
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.formal import Rendered
from sbee_desk.documents.formats import format_date
from sbee_desk.documents.letters import LetterData, letter_file_name
from sbee_desk.documents.orders import OrderData, order_file_name
from sbee_desk.documents.worker import (
    Item,
    SpooledFile,
    Texts,
    init_worker,
    render,
    render_chunk,
    render_combined,
    render_combined_task,
)
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.edition.copies import combined_files, write_copy
from sbee_desk.services.edition.data import Pending, load_items
from sbee_desk.services.edition.model import (
    RECIPIENT_OF,
    CombinedInfo,
    DocumentKind,
    DocumentStatus,
    GapReport,
    Progress,
    Recipient,
    combined_file_name,
    print_key,
)
from sbee_desk.services.rules_sql import PlansSql, load_plans

#: Below this many documents the pool's start-up (about a second) is not worth it.
POOL_THRESHOLD = 40
#: Documents per chunk: bounds (the chunk size adapts to the batch and the workers).
CHUNK_MIN, CHUNK_MAX = 4, 64


@dataclass
class BatchRun:
    uow: UnitOfWork
    actor: Actor
    texts: Texts
    batch_id: int
    on: dt.date
    out_dir: Path | None
    workers: int
    progress: Progress | None
    cancelled: Callable[[], bool] | None
    #: a new batch (not a resumed one): its combined files may be drawn while the
    #: documents are, from the same values (checked against the stored ones after)
    fresh: bool = False
    pool: ProcessPoolExecutor | None = None
    early: dict[Recipient, tuple[list[int], Future[tuple[SpooledFile, list[int]]]]] = field(
        default_factory=dict
    )
    #: page count of each letter produced by this run (for its combined file)
    letter_pages: dict[int, int] = field(default_factory=dict)
    letters: int = 0
    orders: int = 0
    files: int = 0
    gaps: list[GapReport] = field(default_factory=list)

    #: where the workers write the combined files (removed when the run ends)
    spool: Path | None = None

    def spool_dir(self) -> str:
        if self.spool is None:
            self.spool = Path(tempfile.mkdtemp(prefix="sbee-edition-"))
        return str(self.spool)

    def get_pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(self.texts,),
            )
        return self.pool

    def stop_requested(self) -> bool:
        return self.cancelled is not None and self.cancelled()

    def save_chunk(self, items: Sequence[Item], rendered: Sequence[Rendered]) -> None:
        """One transaction: the chunk's documents (those not produced meanwhile). Another
        run producing the same ones at the same time makes the insert fail on the unique
        letter / order: the transaction is then redone without them."""
        try:
            rows = self._insert_chunk(items, rendered)
        except IntegrityError:
            rows = self._insert_chunk(items, rendered)
        if self.out_dir is not None:
            for row in rows:
                write_copy(self.out_dir, row["file_name"], row["content"])
                self.files += 1

    def _insert_chunk(
        self, items: Sequence[Item], rendered: Sequence[Rendered]
    ) -> list[dict[str, Any]]:
        uow = self.uow
        now = audit.now()
        with uow.write():
            session = uow.session
            letter_ids = [i.letter_id for i in items if isinstance(i, LetterData)]
            order_ids = [i.order_id for i in items if isinstance(i, OrderData)]
            done_letters = (
                set(
                    session.scalars(
                        select(EditionDocument.letter_id).where(
                            EditionDocument.letter_id.in_(letter_ids)
                        )
                    )
                )
                if letter_ids
                else set()
            )
            done_orders = (
                set(
                    session.scalars(
                        select(EditionDocument.order_id).where(
                            EditionDocument.order_id.in_(order_ids)
                        )
                    )
                )
                if order_ids
                else set()
            )
            rows: list[dict[str, Any]] = []
            gaps: list[GapReport] = []
            for item, pdf in zip(items, rendered, strict=True):
                p = item.party
                if isinstance(item, LetterData):
                    if item.letter_id in done_letters:
                        continue
                    kind, name = DocumentKind.LETTER, letter_file_name(p.police, item.number)
                    ids: dict[str, Any] = {
                        "letter_id": item.letter_id,
                        "order_id": None,
                        "order_kind": None,
                    }
                else:
                    if item.order_id in done_orders:
                        continue
                    kind, name = DocumentKind.ORDER, order_file_name(p.police, item.number)
                    ids = {"letter_id": None, "order_id": item.order_id, "order_kind": item.kind}
                missing = item.gaps()
                if missing:
                    gaps.append(
                        GapReport(kind, item.number, p.police, p.customer_name, tuple(missing))
                    )
                rows.append(
                    {
                        "batch_id": self.batch_id,
                        "kind": kind.value,
                        **ids,
                        "number": item.number,
                        "police": p.police,
                        "customer_name": p.customer_name[:200],
                        "zone_code": p.zone_code,
                        "quartier": p.quartier,
                        "address": p.address,
                        "recipient": RECIPIENT_OF[kind].value,
                        "print_rank": 0,
                        "file_name": name,
                        "sha256": pdf.sha256,
                        "content": pdf.content,
                        "pages": pdf.pages,
                        "payload": item.to_payload(),
                        "gaps": ",".join(missing) or None,
                        "created_at": now,
                        "status": DocumentStatus.GENERE.value,
                        "print_count": 0,
                        "cancelled": False,
                        "version": 1,
                    }
                )
            if rows:
                session.execute(insert(EditionDocument), rows)
                edited = [r["order_id"] for r in rows if r["order_id"] is not None]
                if edited:  # an order edited waits for an agent (step 4, #14)
                    session.execute(
                        update(WorkOrder)
                        .where(WorkOrder.id.in_(edited), WorkOrder.status == "A_EDITER")
                        .values(status="A_REPARTIR")
                    )
                letters = sum(r["kind"] == DocumentKind.LETTER.value for r in rows)
                session.execute(
                    update(EditionBatch)
                    .where(EditionBatch.id == self.batch_id)
                    .values(
                        letters=EditionBatch.letters + letters,
                        orders=EditionBatch.orders + (len(rows) - letters),
                        gaps=EditionBatch.gaps + len(gaps),
                    )
                )
                audit.record(
                    uow,
                    self.actor,
                    AuditAction.EDITION_DOCUMENTS,
                    entity="edition_batch",
                    entity_key=str(self.batch_id),
                    after={
                        "documents": len(rows),
                        "numbers": [f"{r['kind'][0]}{r['number']}" for r in rows],
                    },
                )
                uow.commit()
                self.letters += letters
                self.orders += len(rows) - letters
                self.gaps += gaps
        return rows

    def produce(self, pending: list[Pending]) -> bool:
        """Render and save every pending document; False when stopped by ``cancelled``."""
        total = len(pending)
        if not total:
            return True
        reader = UnitOfWork(self.uow.engine)
        with reader:
            plans = PlansSql(load_plans(reader), self.on)
        use_pool = self.workers > 0 and total >= POOL_THRESHOLD
        lanes = max(1, self.workers)
        size = min(CHUNK_MAX, max(CHUNK_MIN, math.ceil(total / (lanes * 8))))
        early = use_pool and self.fresh
        loaded: list[Item] = []
        if early:  # all the values first: the combined files start with the documents
            for start in range(0, total, 500):
                with reader:
                    loaded += load_items(reader, pending[start : start + 500], self.on, plans)
        done = 0
        if self.progress is not None:
            self.progress(0, total)
        in_flight: list[tuple[list[Item], Future[list[Rendered]]]] = []
        stopped = False
        try:
            for number, start in enumerate(range(0, total, size)):
                if self.stop_requested():
                    stopped = True
                    break
                if early:
                    items = loaded[start : start + size]
                else:
                    with reader:
                        items = load_items(reader, pending[start : start + size], self.on, plans)
                if not use_pool:
                    self.save_chunk(items, [render(i, self.texts) for i in items])
                    done += len(items)
                    if self.progress is not None:
                        self.progress(done, total)
                    continue
                in_flight.append((items, self.get_pool().submit(render_chunk, items)))
                if early and number == 1:
                    # the orders' combined file (one page each) now: one worker draws it
                    # while the other keeps producing documents
                    self.submit_combined(Recipient.CHEF_RPNT, loaded)
                while len(in_flight) >= 2 * lanes:
                    done += self._collect(in_flight.pop(0))
                    if self.progress is not None:
                        self.progress(done, total)
                    if early:  # the letters' once they are all produced (pages known)
                        self.submit_combined(Recipient.RELEVEUR, loaded)
            while in_flight:
                done += self._collect(in_flight.pop(0))
                if self.progress is not None:
                    self.progress(done, total)
                if early:
                    self.submit_combined(Recipient.RELEVEUR, loaded)
        except BaseException:
            for _, future in in_flight:
                future.cancel()
            raise
        return not stopped

    def submit_combined(self, recipient: Recipient, items: list[Item]) -> None:
        """Start drawing a recipient's combined file in the pool, beside the documents
        (its minutes of work would otherwise run alone at the end) — once the page count
        of each of its documents is known: orders are one page; letters once produced."""
        if recipient in self.early:
            return
        letters = recipient is Recipient.RELEVEUR
        mine = [i for i in items if isinstance(i, LetterData) == letters]
        if not mine:
            return
        ids = [i.letter_id if isinstance(i, LetterData) else i.order_id for i in mine]
        if letters:
            if any(i not in self.letter_pages for i in ids):
                return
            pages = [self.letter_pages[i] for i in ids]
        else:
            pages = [1] * len(mine)
        future = self.get_pool().submit(
            render_combined_task, mine, pages, self.combined_title(recipient), self.spool_dir()
        )
        self.early[recipient] = (ids, future)

    def combined_title(self, recipient: Recipient) -> str:
        what = "lettres de relance" if recipient is Recipient.RELEVEUR else "ordres"
        return f"Édition n° {self.batch_id} du {format_date(self.on)} — {what}"

    def _collect(self, entry: tuple[list[Item], Future[list[Rendered]]]) -> int:
        items, future = entry
        rendered = future.result()
        self.save_chunk(items, rendered)
        for item, pdf in zip(items, rendered, strict=True):
            if isinstance(item, LetterData):
                self.letter_pages[item.letter_id] = pdf.pages
        return len(items)

    def rank_and_combine(self) -> list[CombinedInfo]:
        """Print ranks over the whole batch, then each recipient's combined file."""
        uow = self.uow
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
                ).where(EditionDocument.batch_id == self.batch_id)
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
            existing = set(
                session.scalars(
                    select(EditionCombinedFile.recipient).where(
                        EditionCombinedFile.batch_id == self.batch_id
                    )
                )
            )
            uow.commit()
        jobs: list[tuple[Recipient, str, int, Any]] = []
        for recipient in Recipient:
            early = self.early.pop(recipient, None)
            if recipient.value in existing:
                continue
            theirs = (
                EditionDocument.batch_id == self.batch_id,
                EditionDocument.recipient == recipient.value,
                EditionDocument.cancelled.is_(False),
            )
            with uow:
                docs = uow.session.execute(
                    select(
                        EditionDocument.pages, EditionDocument.letter_id, EditionDocument.order_id
                    )
                    .where(*theirs)
                    .order_by(EditionDocument.print_rank)
                ).all()
            if not docs:
                continue
            name = combined_file_name(self.batch_id, self.on, recipient)
            pages = [d.pages for d in docs]
            if early is not None:
                ids, future = early
                drawn, drawn_pages = future.result()
                del early, future  # the file is held by ``drawn`` (or ``jobs``) only
                # the same documents, in the same order, paginated the same: keep it
                if ids == [d.letter_id or d.order_id for d in docs] and drawn_pages == pages:
                    jobs.append((recipient, name, len(docs), drawn))
                    continue
                drawn.discard()
            # the documents' values only now (a few kilobytes each: not held for nothing)
            with uow:
                items: list[Item] = [
                    LetterData.from_payload(payload)
                    if kind == DocumentKind.LETTER.value
                    else OrderData.from_payload(payload)
                    for payload, kind in uow.session.execute(
                        select(EditionDocument.payload, EditionDocument.kind)
                        .where(*theirs)
                        .order_by(EditionDocument.print_rank)
                    )
                ]
            title = self.combined_title(recipient)
            if self.workers > 0 and len(items) >= POOL_THRESHOLD:
                job: Any = self.get_pool().submit(
                    render_combined_task, items, pages, title, self.spool_dir()
                )
            else:
                job = render_combined(items, pages, self.texts, title)[0]
            del items
            jobs.append((recipient, name, len(docs), job))
        while jobs:  # one file at a time in memory: each is let go once stored
            recipient, name, count, job = jobs.pop(0)
            done = job.result()[0] if isinstance(job, Future) else job
            rendered: Rendered = done.take() if isinstance(done, SpooledFile) else done
            del job, done
            with uow.write():
                taken = uow.session.scalar(
                    select(EditionCombinedFile.id).where(
                        EditionCombinedFile.batch_id == self.batch_id,
                        EditionCombinedFile.recipient == recipient.value,
                    )
                )
                if taken is None:
                    uow.session.add(
                        EditionCombinedFile(
                            batch_id=self.batch_id,
                            recipient=recipient.value,
                            file_name=name,
                            sha256=rendered.sha256,
                            content=rendered.content,
                            pages=rendered.pages,
                            documents=count,
                            created_at=audit.now(),
                        )
                    )
                    try:
                        uow.commit()
                    except IntegrityError:  # a concurrent run stored it meanwhile
                        taken = 0
            if self.out_dir is not None and taken is None:
                write_copy(self.out_dir, name, rendered.content)
                self.files += 1
        return combined_files(uow, self.batch_id)
