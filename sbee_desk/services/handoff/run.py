"""The hand-off (R12, R13): the terminations not yet handed off go on the apurement
list, those with debt remaining on the contentieux list too; both in Excel and PDF,
kept in the hand-off classeur (``handoff_file``) and written to a folder — all or
nothing, as the lists of step 1 (:class:`~sbee_desk.services.lists.Staged`): the files
are written under temporary names first; a folder that cannot be written refuses
the hand-off before anything is recorded; the registers (UNIQUE per termination) are
written, the files put in place, then the transaction committed — a failure puts
everything back. A reprint draws the lines kept with the batch, marked « COPIE »."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    HandoffBatch,
    HandoffFile,
    LitigationHandoff,
    SettlementHandoff,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.handoff import (
    FORMATS,
    HandoffDocument,
    HandoffKind,
    handoff_file_name,
    render,
)
from sbee_desk.documents.lists import load_list_texts
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.handoff import lines as L
from sbee_desk.services.handoff.model import (
    HandoffError,
    HandoffFileResult,
    HandoffResult,
)
from sbee_desk.services.lists import Staged
from sbee_desk.services.lists.lines import person
from sbee_desk.wording.journal import journal_line

_File = tuple[HandoffKind, str, str, bytes]  # kind, format, name, content


def _files(doc: HandoffDocument, suffix: str) -> list[_File]:
    """Both lists in both formats; no contentieux file when no contract owes."""
    kinds = [HandoffKind.APUREMENT] + ([HandoffKind.CONTENTIEUX] if doc.litigation else [])
    return [
        (kind, fmt, handoff_file_name(kind, doc.handed_on, fmt, suffix), render(doc, kind, fmt))
        for kind in kinds
        for fmt in FORMATS
    ]


def _suffix(uow: UnitOfWork, batch: HandoffBatch) -> str:
    """« -n<number> » for a hand-off after the first of its day (distinct file names)."""
    earlier = uow.session.scalar(
        select(func.count())
        .select_from(HandoffBatch)
        .where(HandoffBatch.handed_on == batch.handed_on, HandoffBatch.id < batch.id)
    )
    return f"-n{batch.id}" if earlier else ""


def _keep(
    uow: UnitOfWork,
    actor: Actor,
    batch_id: int,
    files: list[_File],
    created_at: dt.datetime,
    is_copy: bool,
) -> list[HandoffFile]:
    rows = [
        HandoffFile(
            batch_id=batch_id,
            kind=kind.value,
            file_format=fmt,
            file_name=name,
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            is_copy=is_copy,
            created_by=actor.login,
            created_at=created_at,
        )
        for kind, fmt, name, content in files
    ]
    uow.session.add_all(rows)
    return rows


def _install(staged: Staged | None, uow: UnitOfWork) -> list[Path | None]:
    """Put the files in place, then commit; a failed commit takes them back."""
    if staged is None:
        uow.commit()
        return []
    return list(staged.install_and_commit(uow))


def _results(rows: list[HandoffFile], paths: list[Path | None]) -> tuple[HandoffFileResult, ...]:
    return tuple(
        HandoffFileResult(
            file_id=row.id,
            kind=HandoffKind(row.kind),
            file_format=row.file_format,
            file_name=row.file_name,
            sha256=row.sha256,
            size=len(row.content),
            is_copy=row.is_copy,
            path=paths[n] if n < len(paths) else None,
        )
        for n, row in enumerate(rows)
    )


def run_handoff(
    uow: UnitOfWork,
    actor: Actor,
    out_dir: Path | None,
    *,
    today_: dt.date | None = None,
) -> HandoffResult:
    """Hand off the terminations not yet handed off (R12), once each (R13).

    Refused with :data:`NOTHING_NEW` (« Aucune résiliation à transmettre ») when there
    is none; with the folder's error when ``out_dir`` cannot be written — nothing
    recorded either way. EDITION role (« produce lists … hand over »)."""
    handed_on = today_ or today()
    texts = load_list_texts()
    folder = Path(out_dir) if out_dir is not None else None
    staged: Staged | None = None
    try:
        with uow.write():
            require(uow, actor, Action.EDITION)
            session = uow.session
            waiting = L.pending(uow)
            if not waiting:
                raise HandoffError("HANDOFF_NOTHING_NEW")
            settlement = [p.line for p in waiting]
            litigation = L.litigation_lines(uow, settlement)
            header = texts.header
            created_at = audit.now()
            journal = journal_line(audit.chain_head(uow))
            # numbered here, not by a sequence: a refused hand-off leaves no gap
            number = (session.scalar(select(func.max(HandoffBatch.id))) or 0) + 1
            batch = HandoffBatch(
                id=number,
                handed_on=handed_on,
                created_by=actor.login,
                created_at=created_at,
                settlement_count=len(settlement),
                litigation_count=len(litigation),
                total_due=sum(line.amount_due for line in litigation),
                document={},
            )
            session.add(batch)
            try:
                session.flush()
            except IntegrityError as exc:  # another workstation took the number meanwhile
                raise HandoffError("HANDOFF_CONCURRENT") from exc
            doc = HandoffDocument(
                number=batch.id,
                handed_on=handed_on,
                organisation=header["organisation"],
                unit=header["unit"],
                agency=L.agency_header(
                    uow, (p.agency_code for p in waiting), header, texts.agencies
                ),
                produced_by=person(uow, actor.login),
                settlement=tuple(settlement),
                litigation=tuple(litigation),
                journal=journal,
            )
            batch.document = doc.to_json()
            files = _files(doc, _suffix(uow, batch))
            # the folder is written before anything is recorded: a folder that cannot
            # be written refuses the hand-off (rolled back on leaving the block)
            if folder is not None:
                staged = Staged.write(folder, [(name, content) for _, _, name, content in files])
            rows = _keep(uow, actor, batch.id, files, created_at, is_copy=False)
            due = {line.police: line for line in litigation}
            session.add_all(
                SettlementHandoff(
                    batch_id=batch.id,
                    termination_id=p.termination_id,
                    police=p.line.police,
                    balance=p.line.balance,
                )
                for p in waiting
            )
            session.add_all(
                LitigationHandoff(
                    batch_id=batch.id,
                    termination_id=p.termination_id,
                    police=p.line.police,
                    amount_due=due[p.line.police].amount_due,
                    invoice_count=len(due[p.line.police].invoices),
                )
                for p in waiting
                if p.line.police in due
            )
            try:
                session.flush()
            except IntegrityError as exc:  # another workstation handed them off meanwhile
                raise HandoffError("HANDOFF_CONCURRENT") from exc
            target = str(folder) if folder is not None else None
            events: list[audit.EventDraft] = [
                {
                    "action": AuditAction.HANDOFF_RUN,
                    "entity": "handoff_batch",
                    "entity_key": str(batch.id),
                    "after": {
                        "number": batch.id,
                        "handed_on": handed_on.isoformat(),
                        "settlement": len(settlement),
                        "litigation": len(litigation),
                        "total_due": batch.total_due,
                        "files": [{"name": row.file_name, "sha256": row.sha256} for row in rows],
                    },
                    "details": {"out_dir": target},
                }
            ]
            for p in waiting:  # one per contract: its story (contract card)
                owed = due.get(p.line.police)
                events.append(
                    {
                        "action": AuditAction.HANDOFF_CONTRACT,
                        "entity": "contract",
                        "entity_key": p.line.police,
                        "after": {
                            "handoff": batch.id,
                            "termination": p.termination_id,
                            "balance": p.line.balance,
                            "litigation": owed.amount_due if owed is not None else None,
                        },
                    }
                )
            audit.record_many(uow, actor, events)
            paths = _install(staged, uow)
        if staged is not None:
            staged.finish()
    finally:
        if staged is not None:
            staged.discard()
    return HandoffResult(
        number=batch.id,
        handed_on=handed_on,
        settlement_count=len(settlement),
        litigation_count=len(litigation),
        total_due=batch.total_due,
        files=_results(rows, paths),
    )


def reprint_handoff(
    uow: UnitOfWork, actor: Actor, number: int, out_dir: Path | None
) -> HandoffResult:
    """The lists of hand-off ``number`` again: the same lines (kept with the batch),
    marked « COPIE », kept in the classeur as copies and written to ``out_dir``.
    Nothing is handed off again (R13)."""
    folder = Path(out_dir) if out_dir is not None else None
    staged: Staged | None = None
    try:
        with uow.write():
            require(uow, actor, Action.EDITION)
            batch = uow.session.get(HandoffBatch, number)
            if batch is None:
                raise HandoffError("HANDOFF_NOT_FOUND", number=number)
            doc = HandoffDocument.from_json(batch.document).as_copy()
            suffix = _suffix(uow, batch) + "-copie"
            files = _files(doc, suffix)
            if folder is not None:
                staged = Staged.write(folder, [(name, content) for _, _, name, content in files])
            rows = _keep(uow, actor, batch.id, files, audit.now(), is_copy=True)
            uow.session.flush()
            audit.record(
                uow,
                actor,
                AuditAction.HANDOFF_REPRINT,
                entity="handoff_batch",
                entity_key=str(batch.id),
                after={"files": [{"name": row.file_name, "sha256": row.sha256} for row in rows]},
                details={"out_dir": str(folder) if folder is not None else None},
            )
            paths = _install(staged, uow)
        if staged is not None:
            staged.finish()
    finally:
        if staged is not None:
            staged.discard()
    return HandoffResult(
        number=batch.id,
        handed_on=batch.handed_on,
        settlement_count=batch.settlement_count,
        litigation_count=batch.litigation_count,
        total_due=batch.total_due,
        files=_results(rows, paths),
        is_copy=True,
    )
