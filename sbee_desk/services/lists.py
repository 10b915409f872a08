"""Step 1, the lists of a validated bordereau and their register (classeur).

:func:`produce_lists` builds the three lists (à relancer, à résilier, contrôle) in
Excel and PDF, records each file in the archive register (``ArchiveEntry``: kind,
format, run, bordereau, date, user, file name, SHA-256 and the file itself, so
every workstation sees it) with its audit event, in one transaction. Producing
them again records new entries marked as copies.

Copies written to a folder (``--out``, « Enregistrer sous ») and the register
agree: the files are first written under temporary names; inside the transaction,
once the entries are flushed, each target is set aside and the new file renamed
into place (a file open in Excel or a PDF reader cannot be renamed on Windows:
that is where it shows); any failure puts the old files back and records nothing;
a failed commit puts the old files back too. Only then are the set-aside files
deleted.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from sqlalchemy import and_, func, select

from sbee_desk.db.models import (
    Agency,
    ArchiveEntry,
    Bordereau,
    BordereauValidation,
    Candidate,
    Contract,
    Derogation,
    EditionDocument,
    ReminderLetter,
    SelectionRun,
    User,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.lists import (
    EMPTY_LIST_LABELS,
    FORMATS,
    Dropped,
    LineStatus,
    ListDocument,
    ListLine,
    ListTexts,
    list_file_name,
    load_list_texts,
    render,
)
from sbee_desk.documents.resources import TemplateError
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import Decision, DropReason, ListKind
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit, audit_anchor
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.dropped import contract_facts
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.review import validations
from sbee_desk.services.selection import CandidateLine, bordereau_summaries, candidate_lines
from sbee_desk.wording.formats import clean_text


class ListError(ServiceError, ValueError):
    """Lists cannot be produced or read; nothing changed."""


@dataclass(frozen=True)
class ArchivedList:
    """One file produced and recorded in the register."""

    entry_id: int
    kind: ListKind
    file_format: str
    run_id: int
    bordereau_code: str
    file_name: str
    sha256: str
    size: int
    line_count: int
    is_copy: bool
    created_at: dt.datetime
    #: where the copy was written (``out_dir``), if any
    path: Path | None = None


@dataclass(frozen=True)
class EmptyList:
    """A list with no line: recorded in the register, with no file (#10)."""

    entry_id: int
    kind: ListKind
    is_copy: bool

    @property
    def description(self) -> str:
        """« aucun client à relancer »…"""
        return EMPTY_LIST_LABELS[self.kind]


@dataclass(frozen=True)
class ProducedLists(Sequence[ArchivedList]):
    """What :func:`produce_lists` did: the files archived (the sequence itself, in list
    and format order) and the lists that had no line, so no file (``empty``)."""

    files: tuple[ArchivedList, ...]
    empty: tuple[EmptyList, ...] = ()

    @overload
    def __getitem__(self, index: int) -> ArchivedList: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ArchivedList]: ...
    def __getitem__(self, index: int | slice) -> ArchivedList | Sequence[ArchivedList]:
        return self.files[index]

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[ArchivedList]:
        return iter(self.files)

    def empty_labels(self) -> list[str]:
        """« aucun client à relancer »… for each list without a line, in list order."""
        return [e.description for e in self.empty]


#: ``ArchiveEntry.file_format`` of a list recorded without a file (it had no line)
NO_FILE = ""


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Context:
    run_on: dt.date
    bordereau_code: str
    voltage: str
    period: str
    agency_code: str
    agency_name: str | None
    validated_by: str
    validated_at: dt.datetime
    #: the plan values the run used, by category (its snapshot)
    plan_snapshot: dict[str, Any]


def _person(uow: UnitOfWork, login: str) -> str:
    """``Koffi Agbo (chef)``: the user's name and login, as printed on the lists."""
    name = uow.session.scalar(select(User.full_name).where(User.login == login))
    return f"{name} ({login})" if name and name != login else login


def _context(uow: UnitOfWork, run_id: int, bordereau_code: str) -> _Context:
    session = uow.session
    run = session.get(SelectionRun, run_id)
    if run is None:
        raise ListError("RUN_NOT_FOUND", run_id=run_id)
    bordereau = session.get(Bordereau, bordereau_code)
    has_lines = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code)
    )
    if bordereau is None or not has_lines:
        raise ListError("BORDEREAU_NOT_IN_RUN", bordereau=bordereau_code, run_id=run_id)
    validation = session.scalars(
        select(BordereauValidation).where(
            BordereauValidation.run_id == run_id,
            BordereauValidation.bordereau_code == bordereau_code,
        )
    ).one_or_none()
    if validation is None:
        raise ListError("BORDEREAU_NOT_VALIDATED", bordereau=bordereau_code, run_id=run_id)
    agency = session.get(Agency, bordereau.agency_code)
    return _Context(
        run_on=run.run_on,
        bordereau_code=bordereau_code,
        voltage=bordereau.voltage,
        period=bordereau.period,
        agency_code=bordereau.agency_code,
        agency_name=agency.name if agency is not None else None,
        validated_by=_person(uow, validation.validated_by),
        validated_at=validation.validated_at,
        plan_snapshot=dict(run.plan_snapshot or {}),
    )


@dataclass(frozen=True)
class _Work:
    """What validation made of a line: its letter or order of this run, if any, and
    what the lists print beside the selection's values."""

    letter: bool
    order: bool
    cancelled_on: dt.date | None
    cancel_reason: str | None
    delivery_point: str | None = None
    meter_serial: str | None = None
    document_number: str | None = None
    derogation_decided_on: dt.date | None = None
    dropped: Dropped | None = None


def _work(
    uow: UnitOfWork, run_id: int, bordereau_code: str, snapshot: dict[str, Any]
) -> dict[str, _Work]:
    letter_doc = EditionDocument.__table__.alias("letter_doc")
    order_doc = EditionDocument.__table__.alias("order_doc")
    rows = uow.session.execute(
        select(
            Candidate.police,
            Candidate.category,
            Candidate.suspension_id,
            Candidate.letter_id.label("candidate_letter_id"),
            Candidate.dropped_code,
            Contract.delivery_point,
            Contract.meter_serial,
            Derogation.decided_on.label("derogation_decided_on"),
            ReminderLetter.id.label("letter_id"),
            ReminderLetter.cancelled_on.label("letter_cancelled_on"),
            ReminderLetter.cancel_reason.label("letter_cancel_reason"),
            WorkOrder.id.label("order_id"),
            WorkOrder.cancelled_on.label("order_cancelled_on"),
            WorkOrder.cancel_reason.label("order_cancel_reason"),
            letter_doc.c.number.label("letter_number"),
            order_doc.c.number.label("order_number"),
        )
        .join(Contract, Contract.police == Candidate.police)
        .outerjoin(Derogation, Derogation.id == Candidate.derogation_id)
        .outerjoin(
            ReminderLetter,
            and_(
                ReminderLetter.suspension_id == Candidate.suspension_id,
                ReminderLetter.run_id == run_id,
            ),
        )
        .outerjoin(
            WorkOrder,
            and_(WorkOrder.suspension_id == Candidate.suspension_id, WorkOrder.run_id == run_id),
        )
        .outerjoin(letter_doc, letter_doc.c.letter_id == ReminderLetter.id)
        .outerjoin(order_doc, order_doc.c.order_id == WorkOrder.id)
        .where(Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code)
    ).all()
    dropped = _dropped(uow, run_id, [r for r in rows if r.dropped_code is not None], snapshot)
    return {
        r.police: _Work(
            letter=r.letter_id is not None,
            order=r.order_id is not None,
            cancelled_on=r.letter_cancelled_on or r.order_cancelled_on,
            cancel_reason=r.letter_cancel_reason or r.order_cancel_reason,
            delivery_point=r.delivery_point,
            meter_serial=r.meter_serial,
            document_number=r.letter_number or r.order_number,
            derogation_decided_on=r.derogation_decided_on,
            dropped=dropped.get(r.police),
        )
        for r in rows
    }


def _dropped(
    uow: UnitOfWork, run_id: int, rows: Sequence[Any], snapshot: dict[str, Any]
) -> dict[str, Dropped]:
    """What the wording of each dropped line's reason needs (a few lines)."""
    if not rows:
        return {}
    session = uow.session
    suspension_ids = sorted({r.suspension_id for r in rows})
    terminated, latest, restored = contract_facts(
        session, sorted({r.police for r in rows}), suspension_ids, None
    )
    letter_ids = [r.candidate_letter_id for r in rows if r.candidate_letter_id is not None]
    letters_cancelled = dict(
        session.execute(
            select(ReminderLetter.id, ReminderLetter.cancelled_on).where(
                ReminderLetter.id.in_(letter_ids)
            )
        ).all()
    )
    # R13: the run that validated the suspension's order, else its (other) letter
    other_runs: dict[int, int] = {}
    for suspension_id, other in session.execute(
        select(ReminderLetter.suspension_id, ReminderLetter.run_id).where(
            ReminderLetter.suspension_id.in_(suspension_ids),
            ReminderLetter.run_id != run_id,
            ReminderLetter.id.not_in(letter_ids),
        )
    ):
        other_runs[suspension_id] = other
    for suspension_id, other in session.execute(
        select(WorkOrder.suspension_id, WorkOrder.run_id).where(
            WorkOrder.suspension_id.in_(suspension_ids), WorkOrder.run_id != run_id
        )
    ):
        other_runs[suspension_id] = other
    out = {}
    for r in rows:
        try:
            reason: DropReason | None = DropReason(r.dropped_code)
        except ValueError:
            reason = None
        on = (
            {
                DropReason.TERMINATED: terminated.get(r.police),
                DropReason.NEW_SUSPENSION: latest.get(r.police),
                DropReason.RESTORED: restored.get(r.suspension_id),
                DropReason.LETTER_CANCELLED: letters_cancelled.get(r.candidate_letter_id),
            }.get(reason)
            if reason is not None
            else None
        )
        threshold = snapshot.get(r.category, {}).get("unpaid_threshold")
        out[r.police] = Dropped(reason, on, threshold, other_runs.get(r.suspension_id))
    return out


def classify(
    line: CandidateLine, work: _Work | None, derogation: bool = False
) -> list[tuple[ListKind, LineStatus, str]]:
    """Which lists a line of a validated bordereau goes to, with its status and motif.

    Confirmed RELANCE lines with their letter go to *à relancer*, confirmed RESILIATION
    lines with their order to *à résilier*; those allowed by a DG derogation (R4) go
    there and, for DIG / DAI, on the control list too. Everything else is on the
    control list: excluded lines (with the exclusion reason), exempt and waiting lines
    (with their motif), lines that validation dropped (no letter or order was created:
    why is in ``work.dropped``) and lines whose letter or order was cancelled since
    (with the cancellation reason).
    """
    if line.excluded_reason is not None:
        return [(ListKind.CONTROLE, LineStatus.EXCLUDED, line.excluded_reason)]
    if line.decision in (Decision.EXEMPTE, Decision.ATTENTE_RELANCE):
        return [(ListKind.CONTROLE, LineStatus.CONFIRMED, line.reason)]
    created = work is not None and (
        work.letter if line.decision is Decision.RELANCE else work.order
    )
    if not created or work is None:
        return [(ListKind.CONTROLE, LineStatus.DROPPED, line.reason)]
    if work.cancelled_on is not None:
        return [(ListKind.CONTROLE, LineStatus.CANCELLED, work.cancel_reason or "")]
    kind = ListKind.A_RELANCER if line.decision is Decision.RELANCE else ListKind.A_RESILIER
    out = [(kind, LineStatus.CONFIRMED, line.reason)]
    if derogation:
        out.append((ListKind.CONTROLE, LineStatus.DEROGATION, line.reason))
    return out


def _list_lines(
    uow: UnitOfWork, run_id: int, bordereau_code: str, snapshot: dict[str, Any]
) -> dict[ListKind, list[ListLine]]:
    lines = candidate_lines(uow, run_id, bordereau_code)
    with uow:
        work = _work(uow, run_id, bordereau_code, snapshot)
    out: dict[ListKind, list[ListLine]] = {kind: [] for kind in ListKind}
    for line in lines:
        w = work.get(line.police)
        derogation = line.derogation_reference is not None
        for kind, status, reason in classify(line, w, derogation):
            out[kind].append(
                ListLine(
                    police=clean_text(line.police),
                    customer_name=clean_text(line.customer_name),
                    address=clean_text(line.address),
                    quartier=clean_text(line.quartier),
                    zone_code=clean_text(line.zone_code),
                    voltage=line.voltage.value,
                    unpaid_count=line.unpaid_count,
                    amount_due=line.amount_due,
                    suspended_on=line.suspended_on,
                    days_suspended=line.days_suspended,
                    decision=line.decision,
                    reason=clean_text(reason),
                    status=status,
                    cancelled_on=w.cancelled_on if w is not None else None,
                    customer_code=clean_text(line.customer_code),
                    category=line.category,
                    delivery_point=clean_text(w.delivery_point) if w is not None else None,
                    meter_serial=clean_text(w.meter_serial) if w is not None else None,
                    document_number=w.document_number if w is not None else None,
                    derogation_reference=clean_text(line.derogation_reference),
                    derogation_decided_on=w.derogation_decided_on if w is not None else None,
                    dropped=w.dropped if w is not None else None,
                )
            )
    return out


def _texts() -> ListTexts:
    try:
        return load_list_texts()
    except TemplateError as exc:
        raise ListError("LIST_TEMPLATE_UNUSABLE", reason=str(exc)) from exc


# --------------------------------------------------------------------------- copies on disk


@dataclass
class Staged:
    """Files written under temporary names in the target folder, then put in place."""

    folder: Path
    pending: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)
    installed: list[tuple[Path, Path | None]] = field(default_factory=list)  # (target, backup)

    @classmethod
    def write(cls, folder: Path, files: list[tuple[str, bytes]]) -> Staged:
        staged = cls(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
            for name, content in files:
                target = folder / name
                if target.is_dir():
                    raise ListError("LIST_TARGET_IS_FOLDER", target=target)
                temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
                staged.pending.append((temporary, target))
                with temporary.open("xb") as out:  # "x": never an existing file
                    out.write(content)
                    out.flush()
                    os.fsync(out.fileno())
        except OSError as exc:
            staged.discard()
            raise ListError("LIST_FOLDER_NOT_WRITABLE", folder=folder, error=exc) from exc
        except BaseException:
            staged.discard()
            raise
        return staged

    def install(self) -> list[Path]:
        """Put every file in place, or none (the old files come back)."""
        target = self.folder
        try:
            for temporary, target in self.pending:
                backup = None
                if target.exists():
                    # Renaming fails for a file open in Excel or a PDF reader (Windows).
                    backup = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
                    os.replace(target, backup)
                self.installed.append((target, backup))
                os.replace(temporary, target)
        except OSError as exc:
            self.undo()
            raise ListError("LIST_FILE_LOCKED", target=target, error=exc) from exc
        return [t for t, _ in self.installed]

    def undo(self) -> None:
        """Remove what was put in place and bring the old files back (best effort)."""
        for target, backup in reversed(self.installed):
            try:
                if target.exists():
                    target.unlink()
                if backup is not None:
                    os.replace(backup, target)
            except OSError:
                continue  # the backup stays next to the target, under a hidden name
        self.installed.clear()

    def finish(self) -> None:
        """After the commit: the old files are no longer needed."""
        for _, backup in self.installed:
            if backup is not None:
                try:
                    backup.unlink(missing_ok=True)
                except OSError:
                    continue  # left under its hidden name; the new file is in place

    def discard(self) -> None:
        """Remove the temporary files not put in place."""
        for temporary, _ in self.pending:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                continue


# --------------------------------------------------------------------------- producing


@dataclass(frozen=True)
class _File:
    kind: ListKind
    file_format: str
    name: str
    content: bytes
    line_count: int


def produce_lists(
    uow: UnitOfWork,
    actor: Actor,
    run_id: int,
    bordereau_code: str,
    out_dir: Path | None = None,
) -> ProducedLists:
    """Produce, archive and (with ``out_dir``) write the lists of a validated bordereau.

    Each list with lines gives two files (Excel, PDF); a list with no line gives no
    file: the register records it as such (« aucun client à relancer »), after the
    files. Only for a validated bordereau (:class:`ListError` otherwise); EDITION role.
    All or nothing: the register entries, their audit events and the copies in
    ``out_dir`` are all recorded, or none.
    """
    with uow:
        require(uow, actor, Action.EDITION)
        context = _context(uow, run_id, bordereau_code)
        produced_by = _person(uow, actor.login)
        journal = audit.chain_head(uow)  # printed on each list (#12)
    by_kind = _list_lines(uow, run_id, bordereau_code, context.plan_snapshot)
    texts = _texts()
    produced_at = audit.now()
    reminder_delays = {
        code: int(values["reminder_delay_days"])
        for code, values in context.plan_snapshot.items()
        if isinstance(values, dict) and "reminder_delay_days" in values
    }
    files: list[_File] = []
    empty_kinds: list[ListKind] = []
    for kind in ListKind:
        if not by_kind[kind]:
            empty_kinds.append(kind)
            continue
        document = ListDocument(
            kind=kind,
            agency_code=context.agency_code,
            agency_name=context.agency_name,
            bordereau_code=bordereau_code,
            voltage=context.voltage,
            period=context.period,
            run_id=run_id,
            run_on=context.run_on,
            validated_by=context.validated_by,
            validated_at=context.validated_at,
            produced_by=produced_by,
            produced_at=produced_at,
            lines=by_kind[kind],
            reminder_delays=reminder_delays,
            journal=journal,
        )
        for file_format in FORMATS:
            content = render(document, texts, file_format)
            name = list_file_name(bordereau_code, run_id, kind, file_format)
            files.append(_File(kind, file_format, name, content, len(by_kind[kind])))
    # the lists without a line: one register entry each, no file
    records = [*files, *(_File(kind, NO_FILE, "", b"", 0) for kind in empty_kinds)]

    folder = Path(out_dir) if out_dir is not None else None
    staged = Staged.write(folder, [(f.name, f.content) for f in files]) if folder else None
    try:
        with uow.write():
            require(uow, actor, Action.EDITION)
            session = uow.session
            # Serialise two productions of the same bordereau (PostgreSQL; SQLite is
            # already serialised by its IMMEDIATE write transaction).
            session.execute(
                select(BordereauValidation.id)
                .where(
                    BordereauValidation.run_id == run_id,
                    BordereauValidation.bordereau_code == bordereau_code,
                )
                .with_for_update()
            )
            already = {
                (kind, file_format)
                for kind, file_format in session.execute(
                    select(ArchiveEntry.kind, ArchiveEntry.file_format)
                    .where(
                        ArchiveEntry.run_id == run_id,
                        ArchiveEntry.bordereau_code == bordereau_code,
                    )
                    .distinct()
                )
            }
            entries = []
            for f in records:
                entry = ArchiveEntry(
                    kind=f.kind.value,
                    file_format=f.file_format,
                    run_id=run_id,
                    bordereau_code=bordereau_code,
                    created_at=produced_at,
                    created_by=actor.login,
                    file_name=f.name,
                    sha256=hashlib.sha256(f.content).hexdigest() if f.content else "",
                    content=f.content,
                    is_copy=(f.kind.value, f.file_format) in already,
                )
                session.add(entry)
                entries.append(entry)
            session.flush()
            target = str(folder) if folder else None
            audit.record_many(
                uow,
                actor,
                [
                    {
                        "action": AuditAction.LISTS_ARCHIVE,
                        "entity": "archive_entry",
                        "entity_key": str(entry.id),
                        "after": {
                            "kind": entry.kind,
                            "format": entry.file_format,
                            "run": run_id,
                            "bordereau": bordereau_code,
                            "file_name": entry.file_name,
                            "sha256": entry.sha256,
                            "size": len(entry.content),
                            "lines": f.line_count,
                            "is_copy": entry.is_copy,
                        },
                        "details": {"out_dir": target if f.content else None},
                    }
                    for entry, f in zip(entries, records, strict=True)
                ],
            )
            paths: list[Path | None] = [None] * len(files)
            if staged is not None:
                paths = list(staged.install())
            try:
                uow.commit()
            except BaseException:
                if staged is not None:
                    staged.undo()
                raise
        if staged is not None:
            staged.finish()
    finally:
        if staged is not None:
            staged.discard()
    audit_anchor.publish_quietly(uow, audit_anchor.AnchorReason.LISTS)  # #12
    archived = tuple(
        ArchivedList(
            entry_id=entry.id,
            kind=ListKind(entry.kind),
            file_format=entry.file_format,
            run_id=run_id,
            bordereau_code=bordereau_code,
            file_name=entry.file_name,
            sha256=entry.sha256,
            size=len(entry.content),
            line_count=f.line_count,
            is_copy=entry.is_copy,
            created_at=produced_at,
            path=path,
        )
        for entry, f, path in zip(entries, files, paths, strict=False)
    )
    empty = tuple(
        EmptyList(entry.id, ListKind(entry.kind), entry.is_copy) for entry in entries[len(files) :]
    )
    return ProducedLists(archived, empty)


@dataclass(frozen=True)
class RunLists:
    """What :func:`produce_all_lists` did: the lists produced per validated bordereau
    (``produced``: code and files, in code order) and the bordereaux not validated, so
    without lists (``waiting``). When one bordereau's lists could not be produced:
    which (``refused``) and why (``error``) — those before it stay archived (one
    transaction per bordereau), those after it were not tried. Nothing ``ready``:
    no bordereau of the run is validated, nothing was done."""

    ready: list[str]
    waiting: list[str]
    produced: list[tuple[str, ProducedLists]] = field(default_factory=list)
    refused: str | None = None
    error: ServiceError | None = None


def produce_all_lists(
    uow: UnitOfWork, actor: Actor, run_id: int, out_dir: Path | None = None
) -> RunLists:
    """Produce the lists of every validated bordereau of a run, each as
    :func:`produce_lists` does (its own transaction), stopping at the first refused."""
    all_codes = [b.code for b in bordereau_summaries(uow, run_id)]
    done = validations(uow, run_id)
    ready = [code for code in all_codes if code in done]
    waiting = [code for code in all_codes if code not in done]
    produced: list[tuple[str, ProducedLists]] = []
    for code in ready:
        try:
            produced.append((code, produce_lists(uow, actor, run_id, code, out_dir)))
        except ServiceError as exc:
            return RunLists(ready, waiting, produced, code, exc)
    return RunLists(ready, waiting, produced)
