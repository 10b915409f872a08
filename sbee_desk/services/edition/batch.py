"""One batch being produced (:class:`BatchRun`): the pending documents rendered a chunk
at a time — by a ``spawn`` process pool for large batches (plain values in, bytes out;
never ``fork``: the process may already run Qt or database threads) — each chunk saved
in its own transaction, leaving out what R7 cancelled since it was read (#12); then
the print ranks and each recipient's combined file (:mod:`.combined`)."""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    EditionBatch,
    EditionDocument,
    ReminderLetter,
    WorkOrder,
)
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
    render_combined_task,
)
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.edition.combined import rank_and_combine
from sbee_desk.services.edition.copies import write_copy
from sbee_desk.services.edition.data import Pending, load_items
from sbee_desk.services.edition.model import (
    RECIPIENT_OF,
    CombinedInfo,
    DocumentKind,
    DocumentStatus,
    GapReport,
    Progress,
    Recipient,
)
from sbee_desk.services.r7 import serialise_with_r7
from sbee_desk.services.rules_sql import PlansSql, load_plans

#: Below this many documents the pool's start-up (about a second) is not worth it.
POOL_THRESHOLD = 40
#: Documents per chunk: bounds (the chunk size adapts to the batch and the workers).
CHUNK_MIN, CHUNK_MAX = 4, 64


def _produced_or_cancelled(
    uow: UnitOfWork,
    model: type[ReminderLetter] | type[WorkOrder],
    doc_column: Any,
    ids: list[int],
) -> set[int]:
    """Of the letters (orders) ``ids``: those with a document already, or cancelled."""
    if not ids:
        return set()
    session = uow.session
    done = set(session.scalars(select(doc_column).where(doc_column.in_(ids))))
    done |= set(
        session.scalars(select(model.id).where(model.id.in_(ids), model.cancelled_on.is_not(None)))
    )
    return done


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
            # R7 wins: under the lock every cancellation takes, leave out what was
            # cancelled since the chunk was read (#12); a cancellation committing
            # after this transaction waits for it and flags what it stores
            serialise_with_r7(uow)
            letter_ids = [i.letter_id for i in items if isinstance(i, LetterData)]
            order_ids = [i.order_id for i in items if isinstance(i, OrderData)]
            done_letters = _produced_or_cancelled(
                uow, ReminderLetter, EditionDocument.letter_id, letter_ids
            )
            done_orders = _produced_or_cancelled(
                uow, WorkOrder, EditionDocument.order_id, order_ids
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
        reader = self.uow.sibling()
        with reader:
            plans = PlansSql(load_plans(reader), self.on)
        use_pool = self.pooled(total)
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

    def pooled(self, documents: int) -> bool:
        """Whether so many documents (or a combined file of them) are drawn in the pool."""
        return self.workers > 0 and documents >= POOL_THRESHOLD

    def rank_and_combine(self) -> list[CombinedInfo]:
        """Print ranks, then each recipient's combined file (:mod:`.combined`)."""
        return rank_and_combine(self)
