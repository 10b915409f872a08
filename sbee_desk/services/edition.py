"""Step 2 — the night edition of reminder letters and work orders, and the print queue.

:func:`run_edition` (``sbee-desk edition``, and the Édition page in the background):

1. checks the acting user (EDITION), the date, then the texts of ``reports/`` and
   the fonts — a missing or broken one stops everything before anything changes;
2. R7 first: every pending letter or order whose contract was restored, or whose
   overdue unpaid invoices fell below the plan's threshold, is cancelled (kept,
   with its reason, audited) and its document, if already produced, is marked
   cancelled too (:func:`check_r7`, also called by the print queue before printing);
3. opens a batch — or resumes the one an interrupted run left unfinished — and
   produces every pending document **exactly once**: the data is read a chunk at a
   time with a few set-based queries, rendered by a ``spawn`` process pool (plain
   values in, bytes out; never ``fork``: the process may already run Qt or database
   threads), and each chunk is committed in its own transaction. A document row is
   unique per letter and per order, so a rerun produces only what is missing and a
   run killed at any point loses at most the chunk in flight;
4. builds the combined file of each recipient — the releveur's letters, the chef
   RPNT's orders — in print order (zone, quartier, address), drawn again with
   fpdf2 from the values stored with each document (identical pages, one font);
5. with ``out_dir``, writes copies: each under a temporary name, then renamed, so
   a file with its final name is always whole; a rerun rewrites missing copies.

The print queue (:func:`list_batches`, :func:`list_documents`, :func:`document_pdf`,
:func:`mark_printed`, :func:`mark_handed_over`) is what the GUI page builds on.
Services return codes and data; the faces word them in French (except the
:class:`EditionError` messages and the cancellation reasons stored with the letters
and orders, which the lists print).
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import multiprocessing
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, literal, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sbee_desk.db.models import (
    Agency,
    Bordereau,
    Candidate,
    Contract,
    Customer,
    Derogation,
    EditionBatch,
    EditionCombinedFile,
    EditionDocument,
    Invoice,
    Payment,
    ReminderLetter,
    SelectionRun,
    StaffMember,
    Suspension,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.formal import Party, Rendered, UnpaidInvoice, blank, font_set
from sbee_desk.documents.formats import format_date
from sbee_desk.documents.letters import LetterData, letter_file_name, load_letter_texts
from sbee_desk.documents.orders import OrderData, load_order_texts, order_file_name
from sbee_desk.documents.resources import TemplateError
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
from sbee_desk.domain.permissions import Action
from sbee_desk.domain.plans import PlanValues
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.r7 import Cancellation, cancel_ended
from sbee_desk.services.r7 import DocumentKind as DocumentKind  # re-exported for the faces
from sbee_desk.services.rules_sql import PlansSql, load_plans

#: Progress callback: (done, total) documents.
Progress = Callable[[int, int], None]

#: PostgreSQL advisory lock taken while a batch is opened or resumed
_LOCK_KEY = 0x5BEE_0006
#: Below this many documents the pool's start-up (about a second) is not worth it.
POOL_THRESHOLD = 40
#: Documents per chunk: bounds (the chunk size adapts to the batch and the workers).
CHUNK_MIN, CHUNK_MAX = 4, 64


class EditionError(ServiceError):
    """Bad input or a refused action; nothing changed."""


class Recipient(StrEnum):
    """Who the chef hands the documents to in the morning."""

    RELEVEUR = "RELEVEUR"  # the letters
    CHEF_RPNT = "CHEF_RPNT"  # the orders


class DocumentStatus(StrEnum):
    GENERE = "GENERE"
    IMPRIME = "IMPRIME"
    REMIS = "REMIS"


class BatchStatus(StrEnum):
    EN_COURS = "EN_COURS"  # running, or interrupted: the next run completes it
    TERMINE = "TERMINE"


RECIPIENT_OF = {DocumentKind.LETTER: Recipient.RELEVEUR, DocumentKind.ORDER: Recipient.CHEF_RPNT}
#: role, in the staff register, of who may receive each recipient's documents
STAFF_ROLE_OF = {Recipient.RELEVEUR: "RELEVEUR", Recipient.CHEF_RPNT: "AGENT_RPNT"}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class GapReport:
    """A document printed with a gap (never skipped): reported in the batch summary."""

    kind: DocumentKind
    number: str
    police: str
    customer_name: str
    gaps: tuple[str, ...]


@dataclass(frozen=True)
class CombinedInfo:
    recipient: Recipient
    file_name: str
    pages: int
    documents: int
    sha256: str
    #: documents of it were cancelled since (R7): print them from the queue instead
    stale: bool = False


@dataclass(frozen=True)
class EditionResult:
    #: the batch produced or completed by this run (None: there was nothing to edit)
    batch_id: int | None
    edition_on: dt.date
    #: True when this run completed a batch an earlier run left unfinished
    resumed: bool
    #: documents produced by this run
    letters: int
    orders: int
    #: documents of the batch that earlier runs had already produced
    already_produced: int
    cancelled: list[Cancellation]
    gaps: list[GapReport]
    combined: list[CombinedInfo]
    out_dir: Path | None
    #: copies written to ``out_dir`` (missing ones only)
    files_written: int
    workers: int
    #: stopped by ``cancelled()``: the batch stays open, the next run completes it
    interrupted: bool = False
    #: after completing an older batch: letters and orders validated since, left for a
    #: new batch (run the edition again)
    still_pending: int = 0

    @property
    def produced(self) -> int:
        return self.letters + self.orders


@dataclass(frozen=True)
class BatchInfo:
    id: int
    edition_on: dt.date
    status: BatchStatus
    started_at: dt.datetime
    started_by: str
    finished_at: dt.datetime | None
    letters: int
    orders: int
    cancelled_r7: int
    gaps: int
    attempts: int
    by_status: dict[DocumentStatus, int]
    cancelled_documents: int
    combined: list[CombinedInfo]


@dataclass(frozen=True)
class DocumentRow:
    id: int
    batch_id: int
    kind: DocumentKind
    order_kind: str | None
    number: str
    police: str
    customer_name: str
    zone_code: str | None
    quartier: str | None
    address: str | None
    recipient: Recipient
    print_rank: int
    file_name: str
    pages: int
    status: DocumentStatus
    printed_at: dt.datetime | None
    printed_by: str | None
    print_count: int
    handed_to: int | None
    handed_to_name: str | None
    handed_at: dt.datetime | None
    cancelled: bool
    cancelled_on: dt.date | None
    cancel_reason: str | None
    gaps: tuple[str, ...]


@dataclass(frozen=True)
class StaffChoice:
    id: int
    matricule: str
    name: str


# --------------------------------------------------------------------------- helpers


def document_number(work_id: int) -> str:
    """The printed number of a letter or an order: its id on eight digits (even, so the
    order's Code 128 packs it in code set C)."""
    return f"{work_id:08d}"


def print_key(
    zone: str | None, quartier: str | None, address: str | None, police: str
) -> tuple[Any, ...]:
    """Print order: zone, quartier, address, police; missing values last."""
    parts: list[Any] = []
    for value in (zone, quartier, address):
        parts += [blank(value), (value or "").strip().casefold()]
    return (*parts, police)


def combined_file_name(batch_id: int, on: dt.date, recipient: Recipient) -> str:
    what = "lettres-releveur" if recipient is Recipient.RELEVEUR else "ordres-chef-rpnt"
    return f"edition-{batch_id}-{on.isoformat()}-{what}.pdf"


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


# --------------------------------------------------------------------------- reading the data


@dataclass
class _Pending:
    kind: DocumentKind
    work_id: int
    police: str
    key: tuple[Any, ...]


def _pending(uow: UnitOfWork, on: dt.date) -> list[_Pending]:
    """Letters and orders with no document yet, in print order (one query each)."""
    out: list[_Pending] = []
    for kind, model, doc_column, extra in (
        (
            DocumentKind.LETTER,
            ReminderLetter,
            EditionDocument.letter_id,
            [ReminderLetter.delivered_on.is_(None)],
        ),
        (DocumentKind.ORDER, WorkOrder, EditionDocument.order_id, []),
    ):
        rows = uow.session.execute(
            select(model.id, model.police, Contract.zone_code, Customer.quartier, Customer.address)
            .join(Contract, Contract.police == model.police)
            .join(Customer, Customer.code == Contract.customer_code)
            .where(model.cancelled_on.is_(None), model.created_on <= on, *extra)
            .where(~select(EditionDocument.id).where(doc_column == model.id).exists())
        ).all()
        out += [
            _Pending(kind, r.id, r.police, print_key(r.zone_code, r.quartier, r.address, r.police))
            for r in rows
        ]
    out.sort(key=lambda p: (p.kind != DocumentKind.LETTER, p.key))
    return out


def _load_items(
    uow: UnitOfWork, chunk: Sequence[_Pending], on: dt.date, plans: PlansSql
) -> list[Item]:
    """The values to print for a chunk: four set-based queries.

    What depends on a plan (the letter's reminder delay, the payment term that makes an
    invoice without due date overdue, the exemption) comes from the plan snapshot of
    the run that produced the letter or order, not from today's plans (``plans``,
    used only for a run without a snapshot of that category). An order of an exempt
    category carries the DG derogation that allowed it (R4), from its candidate line.
    """
    session = uow.session
    letter_ids = [p.work_id for p in chunk if p.kind is DocumentKind.LETTER]
    order_ids = [p.work_id for p in chunk if p.kind is DocumentKind.ORDER]
    rows: dict[tuple[DocumentKind, int], Any] = {}
    for kind, model, ids, kind_column in (
        (DocumentKind.LETTER, ReminderLetter, letter_ids, literal(None).label("order_kind")),
        (DocumentKind.ORDER, WorkOrder, order_ids, WorkOrder.kind.label("order_kind")),
    ):
        if not ids:
            continue
        for r in session.execute(
            select(
                model.id,
                model.police,
                model.bordereau_code,
                kind_column,
                model.run_id,
                Derogation.reference.label("derogation_reference"),
                Derogation.decided_on.label("derogation_on"),
                Suspension.suspended_on,
                Contract.delivery_point,
                Contract.meter_serial,
                Contract.breaker,
                Contract.zone_code,
                Contract.agency_code,
                Contract.voltage,
                Customer.code.label("customer_code"),
                Customer.name,
                Customer.address,
                Customer.quartier,
                Customer.phone,
                Customer.category,
                Agency.name.label("agency_name"),
            )
            .join(Suspension, Suspension.id == model.suspension_id)
            .join(Contract, Contract.police == model.police)
            .join(Customer, Customer.code == Contract.customer_code)
            .join(Agency, Agency.code == Contract.agency_code)
            .outerjoin(
                Candidate, and_(Candidate.run_id == model.run_id, Candidate.police == model.police)
            )
            .outerjoin(Derogation, Derogation.id == Candidate.derogation_id)
            .where(model.id.in_(ids))
        ):
            rows[(kind, r.id)] = r
    snapshots = _run_plans(uow, {r.run_id for r in rows.values()})
    polices = sorted({p.police for p in chunk})
    paid = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.invoice_number == Invoice.number, Payment.paid_on <= on)
        .scalar_subquery()
    )
    invoices: dict[str, list[Any]] = {}
    for r in session.execute(
        select(
            Invoice.number,
            Invoice.police,
            Invoice.issued_on,
            Invoice.due_on,
            Invoice.amount,
            Bordereau.period,
            paid.label("paid"),
        )
        .join(Bordereau, Bordereau.code == Invoice.bordereau_code)
        .where(Invoice.police.in_(polices), Invoice.cancelled.is_(False), Invoice.issued_on <= on)
        .order_by(Invoice.police, Invoice.issued_on, Invoice.number)
    ):
        invoices.setdefault(r.police, []).append(r)
    items: list[Item] = []
    for p in chunk:
        r = rows[(p.kind, p.work_id)]
        plan = snapshots.get(r.run_id, {}).get(r.category) or plans.values.get(r.category)
        term = plan.payment_term_days if plan is not None else 15
        unpaid = []
        for inv in invoices.get(r.police, []):
            due = inv.due_on or inv.issued_on + dt.timedelta(days=term)
            balance = int(inv.amount) - int(inv.paid)
            if due < on and balance > 0:  # R3: overdue and unpaid at the edition date
                unpaid.append(UnpaidInvoice(inv.number, inv.period, inv.issued_on, due, balance))
        party = Party(
            police=r.police,
            customer_code=r.customer_code,
            customer_name=r.name,
            address=r.address,
            quartier=r.quartier,
            zone_code=r.zone_code,
            phone=r.phone,
            agency_code=r.agency_code,
            agency_name=r.agency_name,
            voltage=r.voltage,
            delivery_point=r.delivery_point,
            meter_serial=r.meter_serial,
            breaker=r.breaker,
            bordereau_code=r.bordereau_code,
            suspended_on=r.suspended_on,
            invoices=tuple(unpaid),
        )
        number = document_number(p.work_id)
        if p.kind is DocumentKind.LETTER:
            delay = plan.reminder_delay_days if plan is not None else 7
            items.append(LetterData(p.work_id, number, on, delay, party))
        else:
            allowed_by = r.derogation_reference if plan is not None and plan.exempt else None
            items.append(
                OrderData(
                    p.work_id,
                    number,
                    r.order_kind,
                    on,
                    party,
                    allowed_by,
                    r.derogation_on if allowed_by else None,
                )
            )
    return items


def _run_plans(uow: UnitOfWork, run_ids: set[int]) -> dict[int, dict[str, PlanValues]]:
    """The plan snapshot of each run (category → values); a category the snapshot
    lacks, or cannot be read, is left out (the caller falls back on today's plan)."""
    out: dict[int, dict[str, PlanValues]] = {}
    if not run_ids:
        return out
    for run_id, snapshot in uow.session.execute(
        select(SelectionRun.id, SelectionRun.plan_snapshot).where(SelectionRun.id.in_(run_ids))
    ):
        plans: dict[str, PlanValues] = {}
        for code, values in (snapshot or {}).items():
            try:
                plans[code] = PlanValues.from_json(values)
            except (KeyError, TypeError, ValueError):
                continue
        out[run_id] = plans
    return out


# --------------------------------------------------------------------------- copies on disk


def _prepare_out(folder: Path) -> None:
    """Create the folder; remove temporary files a killed run left behind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
        probe = folder / f".sbee-desk-{uuid.uuid4().hex[:8]}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
        for stale in folder.glob(".*.pdf.*.tmp"):
            stale.unlink(missing_ok=True)
    except OSError as exc:
        raise EditionError("EDITION_FOLDER_NOT_WRITABLE", folder=folder, error=exc) from exc


def write_copy(folder: Path, name: str, content: bytes) -> None:
    """Write ``folder/name`` under a temporary name, then rename it into place: a file
    with its final name is always complete (a killed run leaves a hidden ``.tmp``)."""
    target = folder / name
    temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with temporary.open("xb") as out:
            out.write(content)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise EditionError("COPY_NOT_WRITTEN", target=target, error=exc) from exc


def _needs_copy(folder: Path, name: str, size: int) -> bool:
    try:
        return (folder / name).stat().st_size != size
    except FileNotFoundError:
        return True


def _sync_copies(uow: UnitOfWork, batch_id: int, folder: Path) -> int:
    """Write the batch's copies missing from ``folder`` (or of the wrong size)."""
    written = 0
    with uow:
        session = uow.session
        sizes = session.execute(
            select(
                EditionDocument.id, EditionDocument.file_name, func.length(EditionDocument.content)
            ).where(EditionDocument.batch_id == batch_id)
        ).all()
        missing = [r.id for r in sizes if _needs_copy(folder, r.file_name, r[2])]
        for start in range(0, len(missing), 200):
            for name, content in session.execute(
                select(EditionDocument.file_name, EditionDocument.content).where(
                    EditionDocument.id.in_(missing[start : start + 200])
                )
            ):
                write_copy(folder, name, content)
                written += 1
        for combined in session.scalars(
            select(EditionCombinedFile).where(EditionCombinedFile.batch_id == batch_id)
        ):
            if _needs_copy(folder, combined.file_name, len(combined.content)):
                write_copy(folder, combined.file_name, combined.content)
                written += 1
    return written


# --------------------------------------------------------------------------- the run


@dataclass
class _Run:
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

    def produce(self, pending: list[_Pending]) -> bool:
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
                    loaded += _load_items(reader, pending[start : start + 500], self.on, plans)
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
                        items = _load_items(reader, pending[start : start + size], self.on, plans)
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
    texts = _texts()
    if out_dir is not None:
        _prepare_out(out_dir)

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
        pending = _pending(uow, pending_on)
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
        files = 0
        with uow:
            latest = uow.session.scalar(select(func.max(EditionBatch.id)))
        if out_dir is not None and latest is not None:
            files = _sync_copies(uow, latest, out_dir)
        return EditionResult(
            None, on, False, 0, 0, 0, cancellations, [], [], out_dir, files, workers
        )

    complete = False
    run = _Run(
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
    if out_dir is not None and complete:
        run.files += _sync_copies(uow, batch_id, out_dir)
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


def _still_pending(uow: UnitOfWork, on: dt.date) -> int:
    with uow:
        return len(_pending(uow, on))


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


# --------------------------------------------------------------------------- print queue


def batch_exists(uow: UnitOfWork, batch_id: int) -> bool:
    with uow:
        return uow.session.get(EditionBatch, batch_id) is not None


def combined_files(uow: UnitOfWork, batch_id: int) -> list[CombinedInfo]:
    with uow:
        session = uow.session
        live: dict[str, int] = {
            recipient: n
            for recipient, n in session.execute(
                select(EditionDocument.recipient, func.count())
                .where(EditionDocument.batch_id == batch_id, EditionDocument.cancelled.is_(False))
                .group_by(EditionDocument.recipient)
            )
        }
        rows = session.execute(
            select(
                EditionCombinedFile.recipient,
                EditionCombinedFile.file_name,
                EditionCombinedFile.pages,
                EditionCombinedFile.documents,
                EditionCombinedFile.sha256,
            )
            .where(EditionCombinedFile.batch_id == batch_id)
            .order_by(EditionCombinedFile.recipient.desc())
        ).all()
    return [
        CombinedInfo(
            Recipient(r.recipient),
            r.file_name,
            r.pages,
            r.documents,
            r.sha256,
            stale=live.get(r.recipient, 0) != r.documents,
        )
        for r in rows
    ]


def list_batches(uow: UnitOfWork, limit: int = 50) -> list[BatchInfo]:
    """The latest batches, newest first, with their documents counted by status."""
    with uow:
        session = uow.session
        batches = session.scalars(
            select(EditionBatch).order_by(EditionBatch.id.desc()).limit(limit)
        ).all()
        ids = [b.id for b in batches]
        counts: dict[int, dict[DocumentStatus, int]] = {i: {} for i in ids}
        cancelled: dict[int, int] = dict.fromkeys(ids, 0)
        if ids:
            for batch_id, status, is_cancelled, n in session.execute(
                select(
                    EditionDocument.batch_id,
                    EditionDocument.status,
                    EditionDocument.cancelled,
                    func.count(),
                )
                .where(EditionDocument.batch_id.in_(ids))
                .group_by(
                    EditionDocument.batch_id, EditionDocument.status, EditionDocument.cancelled
                )
            ):
                if is_cancelled:
                    cancelled[batch_id] += n
                else:
                    by = counts[batch_id]
                    by[DocumentStatus(status)] = by.get(DocumentStatus(status), 0) + n
        infos = [
            BatchInfo(
                id=b.id,
                edition_on=b.edition_on,
                status=BatchStatus(b.status),
                started_at=b.started_at,
                started_by=b.started_by,
                finished_at=b.finished_at,
                letters=b.letters,
                orders=b.orders,
                cancelled_r7=b.cancelled,
                gaps=b.gaps,
                attempts=b.attempts,
                by_status=counts[b.id],
                cancelled_documents=cancelled[b.id],
                combined=[],
            )
            for b in batches
        ]
    return [replace(b, combined=combined_files(uow, b.id)) for b in infos]


def list_documents(
    uow: UnitOfWork, batch_id: int, recipient: Recipient | None = None
) -> list[DocumentRow]:
    """A batch's documents in print order (per recipient: letters first), cancelled ones
    included (``cancelled``: its letter or order was cancelled, here or elsewhere)."""
    d = EditionDocument
    with uow:
        stmt = (
            select(
                d.id,
                d.batch_id,
                d.kind,
                d.order_kind,
                d.number,
                d.police,
                d.customer_name,
                d.zone_code,
                d.quartier,
                d.address,
                d.recipient,
                d.print_rank,
                d.file_name,
                d.pages,
                d.status,
                d.printed_at,
                d.printed_by,
                d.print_count,
                d.handed_to,
                StaffMember.name.label("staff_name"),
                d.handed_at,
                d.cancelled,
                d.cancelled_on,
                d.cancel_reason,
                d.gaps,
                func.coalesce(ReminderLetter.cancelled_on, WorkOrder.cancelled_on).label(
                    "work_cancelled_on"
                ),
                func.coalesce(ReminderLetter.cancel_reason, WorkOrder.cancel_reason).label(
                    "work_cancel_reason"
                ),
            )
            .outerjoin(StaffMember, StaffMember.id == d.handed_to)
            .outerjoin(ReminderLetter, ReminderLetter.id == d.letter_id)
            .outerjoin(WorkOrder, WorkOrder.id == d.order_id)
            .where(d.batch_id == batch_id)
            .order_by(d.recipient.desc(), d.print_rank, d.id)
        )
        if recipient is not None:
            stmt = stmt.where(d.recipient == recipient.value)
        rows = uow.session.execute(stmt).all()
    return [
        DocumentRow(
            id=r.id,
            batch_id=r.batch_id,
            kind=DocumentKind(r.kind),
            order_kind=r.order_kind,
            number=r.number,
            police=r.police,
            customer_name=r.customer_name,
            zone_code=r.zone_code,
            quartier=r.quartier,
            address=r.address,
            recipient=Recipient(r.recipient),
            print_rank=r.print_rank,
            file_name=r.file_name,
            pages=r.pages,
            status=DocumentStatus(r.status),
            printed_at=r.printed_at,
            printed_by=r.printed_by,
            print_count=r.print_count,
            handed_to=r.handed_to,
            handed_to_name=r.staff_name,
            handed_at=r.handed_at,
            cancelled=r.cancelled or r.work_cancelled_on is not None,
            cancelled_on=r.cancelled_on or r.work_cancelled_on,
            cancel_reason=r.cancel_reason or r.work_cancel_reason,
            gaps=tuple(r.gaps.split(",")) if r.gaps else (),
        )
        for r in rows
    ]


def document_pdf(uow: UnitOfWork, document_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of one document, for the preview and the printer."""
    with uow:
        row = uow.session.execute(
            select(EditionDocument.file_name, EditionDocument.content).where(
                EditionDocument.id == document_id
            )
        ).one_or_none()
    if row is None:
        raise EditionError("DOCUMENT_NOT_FOUND", document_id=document_id)
    return row.file_name, row.content


def combined_pdf(uow: UnitOfWork, batch_id: int, recipient: Recipient) -> tuple[str, bytes, bool]:
    """(file name, bytes, stale) of a recipient's combined file; ``stale``: documents of
    it were cancelled since (print from :func:`printable_documents` instead)."""
    with uow:
        row = uow.session.scalars(
            select(EditionCombinedFile).where(
                EditionCombinedFile.batch_id == batch_id,
                EditionCombinedFile.recipient == recipient.value,
            )
        ).one_or_none()
        if row is None:
            raise EditionError("NO_COMBINED_FILE", batch_id=batch_id, recipient=recipient)
        name, content, count = row.file_name, row.content, row.documents
    live = sum(1 for d in list_documents(uow, batch_id, recipient) if not d.cancelled)
    return name, content, live != count


def printable_documents(
    uow: UnitOfWork, batch_id: int, recipient: Recipient | None = None
) -> list[tuple[int, str, bytes]]:
    """(id, file name, bytes) of the documents to print, in print order: cancelled ones
    left out (R7)."""
    rows = [d for d in list_documents(uow, batch_id, recipient) if not d.cancelled]
    out = []
    with uow:
        for start in range(0, len(rows), 200):
            part = rows[start : start + 200]
            contents: dict[int, bytes] = {
                doc_id: content
                for doc_id, content in uow.session.execute(
                    select(EditionDocument.id, EditionDocument.content).where(
                        EditionDocument.id.in_([d.id for d in part])
                    )
                )
            }
            out += [(d.id, d.file_name, contents[d.id]) for d in part]
    return out


class AmbiguousNumber(EditionError):
    """A number carried by both a letter and an order (their series are separate):
    say which one is meant. ``numbers``: the ambiguous ones."""

    def __init__(self, numbers: list[str]) -> None:
        super().__init__("AMBIGUOUS_NUMBER", numbers=numbers)
        self.numbers = numbers


def normalize_number(raw: str) -> str:
    """``12`` or ``00000012`` → ``00000012`` (the printed number); a French message
    otherwise."""
    text = raw.strip()
    if not text.isdigit() or len(text) > 8:
        raise EditionError("BAD_DOCUMENT_NUMBER", raw=raw)
    return text.zfill(8)


def documents_by_number(
    uow: UnitOfWork,
    numbers: Iterable[str],
    *,
    kind: DocumentKind | None = None,
    prefer: DocumentKind | None = None,
) -> list[DocumentRow]:
    """The documents of the printed letter or order numbers, in print order (batch,
    recipient, rank); cancelled ones included (``cancelled``). ``kind``: letters or
    orders only; ``prefer``: which one a number shared by a letter and an order means
    (without it such a number raises :class:`AmbiguousNumber`). An unknown number
    raises :class:`EditionError` naming it."""
    wanted = list(dict.fromkeys(normalize_number(n) for n in numbers))
    if not wanted:
        raise EditionError("NO_DOCUMENT_NUMBER")
    d = EditionDocument
    found: dict[str, dict[DocumentKind, tuple[int, int]]] = {}
    with uow:
        for start in range(0, len(wanted), 500):
            stmt = select(d.number, d.kind, d.id, d.batch_id).where(
                d.number.in_(wanted[start : start + 500])
            )
            if kind is not None:
                stmt = stmt.where(d.kind == kind.value)
            for number, doc_kind, doc_id, batch_id in uow.session.execute(stmt):
                found.setdefault(number, {})[DocumentKind(doc_kind)] = (doc_id, batch_id)
    missing = [n for n in wanted if n not in found]
    if missing:
        raise EditionError("UNKNOWN_DOCUMENT_NUMBER", numbers=missing, kind=kind)
    chosen: dict[int, int] = {}  # document id → batch id
    ambiguous = []
    for number in wanted:
        by_kind = found[number]
        if len(by_kind) > 1:
            if prefer is None:
                ambiguous.append(number)
                continue
            by_kind = {prefer: by_kind[prefer]}
        doc_id, batch_id = next(iter(by_kind.values()))
        chosen[doc_id] = batch_id
    if ambiguous:
        raise AmbiguousNumber(ambiguous)
    rows = [
        row
        for batch_id in sorted(set(chosen.values()))
        for row in list_documents(uow, batch_id)
        if row.id in chosen
    ]
    return rows


def _documents(uow: UnitOfWork, ids: Iterable[int]) -> list[EditionDocument]:
    wanted = sorted(set(ids))
    if not wanted:
        raise EditionError("NO_DOCUMENT_CHOSEN")
    docs = list(uow.session.scalars(select(EditionDocument).where(EditionDocument.id.in_(wanted))))
    missing = sorted(set(wanted) - {d.id for d in docs})
    if missing:
        raise EditionError("DOCUMENTS_NOT_FOUND", ids=missing)
    return docs


def _work_cancelled(uow: UnitOfWork, docs: Sequence[EditionDocument]) -> set[int]:
    """Documents whose letter or order is cancelled (flag, or the work itself)."""
    out = {d.id for d in docs if d.cancelled}
    letters = {d.letter_id: d.id for d in docs if d.letter_id is not None}
    orders = {d.order_id: d.id for d in docs if d.order_id is not None}
    if letters:
        out |= {
            letters[i]
            for i in uow.session.scalars(
                select(ReminderLetter.id).where(
                    ReminderLetter.id.in_(letters), ReminderLetter.cancelled_on.is_not(None)
                )
            )
        }
    if orders:
        out |= {
            orders[i]
            for i in uow.session.scalars(
                select(WorkOrder.id).where(
                    WorkOrder.id.in_(orders), WorkOrder.cancelled_on.is_not(None)
                )
            )
        }
    return out


def _refuse_cancelled(uow: UnitOfWork, docs: Sequence[EditionDocument], step: str) -> None:
    """Refuse ``step`` (``print`` or ``handover``) of documents cancelled since (R7)."""
    cancelled = _work_cancelled(uow, docs)
    if cancelled:
        numbers = [d.number for d in docs if d.id in cancelled]
        raise EditionError("DOCUMENTS_CANCELLED", step=step, numbers=numbers)


def mark_printed(
    uow: UnitOfWork, actor: Actor, document_ids: Iterable[int], *, reprint_reason: str | None = None
) -> int:
    """Record that documents came out of the printer (call it once the print job was
    accepted: a printer error leaves them « généré »). A document already printed is
    reprinted only with a reason, audited. Cancelled documents are refused."""
    reason = (reprint_reason or "").strip()
    with uow.write():
        require(uow, actor, Action.EDITION)
        docs = _documents(uow, document_ids)
        _refuse_cancelled(uow, docs, "print")
        again = [d for d in docs if d.print_count > 0]
        if again and not reason:
            raise EditionError("REPRINT_REASON_REQUIRED", numbers=[d.number for d in again])
        at = audit.now()
        events: list[audit.EventDraft] = []
        for d in docs:
            before: dict[str, Any] = {"status": d.status, "print_count": d.print_count}
            d.print_count += 1
            d.printed_at, d.printed_by = at, actor.login
            if d.status == DocumentStatus.GENERE.value:
                d.status = DocumentStatus.IMPRIME.value
            reprint = before["print_count"] > 0
            events.append(
                {
                    "action": AuditAction.EDITION_REPRINT if reprint else AuditAction.EDITION_PRINT,
                    "entity": "edition_document",
                    "entity_key": str(d.id),
                    "before": before,
                    "after": {"status": d.status, "print_count": d.print_count},
                    "details": {
                        "kind": d.kind,
                        "number": d.number,
                        "police": d.police,
                        **({"reason": reason} if reprint else {}),
                    },
                }
            )
        _flush(uow)
        audit.record_many(uow, actor, events)
        uow.commit()
        return len(docs)


def _flush(uow: UnitOfWork) -> None:
    try:
        uow.session.flush()
    except StaleDataError as exc:
        uow.session.rollback()
        raise EditionError("DOCUMENTS_CHANGED_ELSEWHERE") from exc


def handover_candidates(uow: UnitOfWork, recipient: Recipient) -> list[StaffChoice]:
    """Active staff who may receive ``recipient``'s documents (staff register)."""
    with uow:
        rows = uow.session.scalars(
            select(StaffMember)
            .where(StaffMember.active.is_(True), StaffMember.role == STAFF_ROLE_OF[recipient])
            .order_by(StaffMember.name)
        ).all()
        return [StaffChoice(s.id, s.matricule, s.name) for s in rows]


def mark_handed_over(
    uow: UnitOfWork, actor: Actor, document_ids: Iterable[int], staff_id: int
) -> int:
    """Record that printed documents were handed to a staff member: letters to a
    releveur, orders to the section RPNT (role AGENT_RPNT in the register). Audited."""
    with uow.write():
        require(uow, actor, Action.EDITION)
        docs = _documents(uow, document_ids)
        staff = uow.session.get(StaffMember, staff_id)
        if staff is None or not staff.active:
            raise EditionError("STAFF_NOT_FOUND", staff_id=staff_id)
        _refuse_cancelled(uow, docs, "handover")
        unprinted = [d.number for d in docs if d.print_count == 0]
        if unprinted:
            raise EditionError("HANDOVER_NOT_PRINTED", numbers=unprinted)
        wrong = sorted(
            {d.recipient for d in docs if STAFF_ROLE_OF[Recipient(d.recipient)] != staff.role}
        )
        if wrong:
            raise EditionError(
                "HANDOVER_WRONG_STAFF", name=staff.name, role=staff.role, recipients=wrong
            )
        at = audit.now()
        events: list[audit.EventDraft] = []
        for d in docs:
            before = {"status": d.status, "handed_to": d.handed_to}
            d.status = DocumentStatus.REMIS.value
            d.handed_to, d.handed_at, d.handed_by = staff.id, at, actor.login
            events.append(
                {
                    "action": AuditAction.EDITION_HANDOVER,
                    "entity": "edition_document",
                    "entity_key": str(d.id),
                    "before": before,
                    "after": {"status": d.status, "handed_to": staff.id},
                    "details": {
                        "kind": d.kind,
                        "number": d.number,
                        "police": d.police,
                        "staff": staff.matricule,
                    },
                }
            )
        _flush(uow)
        audit.record_many(uow, actor, events)
        uow.commit()
        return len(docs)
