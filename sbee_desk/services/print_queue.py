"""The print queue of the night edition's batches: what the Impression page and
``sbee-desk print`` / ``handover`` build on — the batches and their documents, the PDFs,
recording what was printed and handed over (audited; documents cancelled by R7 since
are refused)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from sbee_desk.db.models import (
    EditionBatch,
    EditionCombinedFile,
    EditionDocument,
    ReminderLetter,
    StaffMember,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.edition.copies import combined_files
from sbee_desk.services.edition.model import (
    STAFF_ROLE_OF,
    BatchInfo,
    BatchStatus,
    DocumentKind,
    DocumentRow,
    DocumentStatus,
    EditionError,
    Recipient,
    StaffChoice,
)
from sbee_desk.services.edition.presentation import (
    pending_presentations,
    presentation_file_name,
    render_presentation,
)
from sbee_desk.services.edition.store_mark import render_store_mark, returned_orders
from sbee_desk.services.r7 import serialise_with_r7


def batch_exists(uow: UnitOfWork, batch_id: int) -> bool:
    with uow:
        return uow.session.get(EditionBatch, batch_id) is not None


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
        presentations = pending_presentations(uow, (r.id for r in rows if r.kind == "LETTER"))
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
            presentation=presentations[r.id].number if r.id in presentations else 0,
        )
        for r in rows
    ]


def document_pdf(uow: UnitOfWork, document_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of one document, for the preview and the printer; a
    letter to reprint for a new presentation gives that copy, marked (R5); an order
    whose equipment is back at the store, with the store's mention filled in (R10)."""
    with uow:
        row = uow.session.execute(
            select(
                EditionDocument.file_name, EditionDocument.content, EditionDocument.payload
            ).where(EditionDocument.id == document_id)
        ).one_or_none()
        pending = pending_presentations(uow, [document_id]) if row is not None else {}
        returned = returned_orders(uow, [document_id]) if row is not None else {}
    if row is None:
        raise EditionError("DOCUMENT_NOT_FOUND", document_id=document_id)
    if document_id in pending:
        presentation = pending[document_id]
        return (
            presentation_file_name(row.file_name, presentation.number),
            render_presentation(row.payload or {}, presentation),
        )
    if document_id in returned:
        return row.file_name, render_store_mark(row.payload or {}, returned[document_id])
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
    documents = list_documents(uow, batch_id, recipient)
    live = sum(1 for d in documents if not d.cancelled)
    with uow:
        returned = returned_orders(uow, (d.id for d in documents if d.kind is DocumentKind.ORDER))
    # a letter to reprint « 2e présentation », an order back at the store (R10) are not
    # in the file as they are: print them one by one (printable_documents gives them)
    stale = live != count or any(d.presentation for d in documents) or bool(returned)
    return name, content, stale


def printable_documents(
    uow: UnitOfWork, batch_id: int, recipient: Recipient | None = None
) -> list[tuple[int, str, bytes]]:
    """(id, file name, bytes) of the documents to print, in print order: cancelled ones
    left out (R7); a letter to reprint for a new presentation as that copy (R5); an
    order whose equipment is back at the store with the store's mention (R10)."""
    rows = [d for d in list_documents(uow, batch_id, recipient) if not d.cancelled]
    out = []
    with uow:
        for start in range(0, len(rows), 200):
            part = rows[start : start + 200]
            contents: dict[int, tuple[bytes, dict[str, object]]] = {
                doc_id: (content, payload)
                for doc_id, content, payload in uow.session.execute(
                    select(
                        EditionDocument.id, EditionDocument.content, EditionDocument.payload
                    ).where(EditionDocument.id.in_([d.id for d in part]))
                )
            }
            pending = pending_presentations(uow, [d.id for d in part if d.presentation])
            returned = returned_orders(uow, [d.id for d in part if d.kind is DocumentKind.ORDER])
            for d in part:
                content, payload = contents[d.id]
                if d.id in pending:
                    presentation = pending[d.id]
                    out.append(
                        (
                            d.id,
                            presentation_file_name(d.file_name, presentation.number),
                            render_presentation(payload or {}, presentation),
                        )
                    )
                elif d.id in returned:
                    out.append(
                        (d.id, d.file_name, render_store_mark(payload or {}, returned[d.id]))
                    )
                else:
                    out.append((d.id, d.file_name, content))
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
    reprinted only with a reason, audited. Cancelled documents are refused. A letter
    whose reprint « Ne présentation » was asked (R5) needs no other reason: printed,
    its request is done."""
    reason = (reprint_reason or "").strip()
    with uow.write():
        require(uow, actor, Action.EDITION)
        # first the lock R7 takes: the check below sees any cancellation committed, and
        # one committing later waits (taken last, by the audit, it could deadlock)
        serialise_with_r7(uow)
        docs = _documents(uow, document_ids)
        _refuse_cancelled(uow, docs, "print")
        presentations = pending_presentations(uow, [d.id for d in docs])
        again = [d for d in docs if d.print_count > 0 and d.id not in presentations]
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
            presentation = presentations.get(d.id)
            why: dict[str, Any] = {"reason": reason} if reprint and reason else {}
            if presentation is not None:
                uow.session.get_one(ReminderLetter, presentation.letter_id).reprint_asked = False
                why = {
                    "reason": reason or f"{presentation.number}e présentation",
                    "presentation": presentation.number,
                }
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
                        **why,
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
        serialise_with_r7(uow)  # as mark_printed
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
