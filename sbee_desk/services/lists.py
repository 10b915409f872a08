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
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, func, select

from sbee_desk.db.models import (
    Agency,
    ArchiveEntry,
    Bordereau,
    BordereauValidation,
    Candidate,
    ReminderLetter,
    SelectionRun,
    User,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.formats import clean_text
from sbee_desk.documents.lists import (
    FORMATS,
    LineStatus,
    ListDocument,
    ListKind,
    ListLine,
    ListTexts,
    list_file_name,
    load_list_texts,
    render,
)
from sbee_desk.documents.resources import TemplateError
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.selection import CandidateLine, candidate_lines


class ListError(ValueError):
    """Lists cannot be produced or read; ``str()`` is a French message. Nothing changed."""


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
class RegisterEntry:
    """A line of the classeur (archive register)."""

    entry_id: int
    kind: ListKind
    file_format: str
    run_id: int
    run_on: dt.date | None
    bordereau_code: str
    created_at: dt.datetime
    created_by: str
    created_by_name: str | None
    file_name: str
    sha256: str
    size: int
    is_copy: bool


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


def _person(uow: UnitOfWork, login: str) -> str:
    """``Koffi Agbo (chef)``: the user's name and login, as printed on the lists."""
    name = uow.session.scalar(select(User.full_name).where(User.login == login))
    return f"{name} ({login})" if name and name != login else login


def _context(uow: UnitOfWork, run_id: int, bordereau_code: str) -> _Context:
    session = uow.session
    run = session.get(SelectionRun, run_id)
    if run is None:
        raise ListError(f"Traitement n° {run_id} introuvable.")
    bordereau = session.get(Bordereau, bordereau_code)
    has_lines = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code)
    )
    if bordereau is None or not has_lines:
        raise ListError(
            f"Le bordereau {bordereau_code} n'a aucune ligne dans le traitement n° {run_id}."
        )
    validation = session.scalars(
        select(BordereauValidation).where(
            BordereauValidation.run_id == run_id,
            BordereauValidation.bordereau_code == bordereau_code,
        )
    ).one_or_none()
    if validation is None:
        raise ListError(
            f"Le bordereau {bordereau_code} du traitement n° {run_id} n'est pas validé : "
            "ses listes ne peuvent pas être produites. Terminez sa revue et validez-le d'abord."
        )
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
    )


@dataclass(frozen=True)
class _Work:
    """What validation made of a line: its letter or order of this run, if any."""

    letter: bool
    order: bool
    cancelled_on: dt.date | None
    cancel_reason: str | None


def _work(uow: UnitOfWork, run_id: int, bordereau_code: str) -> dict[str, _Work]:
    rows = uow.session.execute(
        select(
            Candidate.police,
            ReminderLetter.id.label("letter_id"),
            ReminderLetter.cancelled_on.label("letter_cancelled_on"),
            ReminderLetter.cancel_reason.label("letter_cancel_reason"),
            WorkOrder.id.label("order_id"),
            WorkOrder.cancelled_on.label("order_cancelled_on"),
            WorkOrder.cancel_reason.label("order_cancel_reason"),
        )
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
        .where(Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code)
    )
    return {
        r.police: _Work(
            letter=r.letter_id is not None,
            order=r.order_id is not None,
            cancelled_on=r.letter_cancelled_on or r.order_cancelled_on,
            cancel_reason=r.letter_cancel_reason or r.order_cancel_reason,
        )
        for r in rows
    }


def classify(line: CandidateLine, work: _Work | None) -> tuple[ListKind, LineStatus, str]:
    """Which list a line of a validated bordereau goes to, its status and its motif.

    Confirmed RELANCE lines with their letter go to *à relancer*, confirmed RESILIATION
    lines with their order to *à résilier*; everything else is on the control list:
    excluded lines (with the exclusion reason), exempt and waiting lines (with their
    motif), lines that validation dropped under R7 (no letter or order was created)
    and lines whose letter or order was cancelled since (with the cancellation reason).
    """
    if line.excluded_reason is not None:
        return ListKind.CONTROLE, LineStatus.EXCLUDED, line.excluded_reason
    if line.decision in (Decision.EXEMPTE, Decision.ATTENTE_RELANCE):
        return ListKind.CONTROLE, LineStatus.CONFIRMED, line.reason
    created = work is not None and (
        work.letter if line.decision is Decision.RELANCE else work.order
    )
    if not created or work is None:
        return ListKind.CONTROLE, LineStatus.DROPPED, line.reason
    if work.cancelled_on is not None:
        return ListKind.CONTROLE, LineStatus.CANCELLED, work.cancel_reason or ""
    kind = ListKind.A_RELANCER if line.decision is Decision.RELANCE else ListKind.A_RESILIER
    return kind, LineStatus.CONFIRMED, line.reason


def _list_lines(
    uow: UnitOfWork, run_id: int, bordereau_code: str
) -> dict[ListKind, list[ListLine]]:
    lines = candidate_lines(uow, run_id, bordereau_code)
    with uow:
        work = _work(uow, run_id, bordereau_code)
    out: dict[ListKind, list[ListLine]] = {kind: [] for kind in ListKind}
    for line in lines:
        w = work.get(line.police)
        kind, status, reason = classify(line, w)
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
            )
        )
    return out


def _texts() -> ListTexts:
    try:
        return load_list_texts()
    except TemplateError as exc:
        raise ListError(str(exc)) from exc


# --------------------------------------------------------------------------- copies on disk


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "accès refusé"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return "ce chemin n'est pas un dossier"
    if exc.errno == errno.ENOSPC:
        return "disque plein"
    if exc.errno == errno.EROFS:
        return "support en lecture seule"
    return exc.strerror or str(exc)


@dataclass
class _Staged:
    """Files written under temporary names in the target folder, then put in place."""

    folder: Path
    pending: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)
    installed: list[tuple[Path, Path | None]] = field(default_factory=list)  # (target, backup)

    @classmethod
    def write(cls, folder: Path, files: list[tuple[str, bytes]]) -> _Staged:
        staged = cls(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
            for name, content in files:
                target = folder / name
                if target.is_dir():
                    raise ListError(
                        f"« {target} » est un dossier : il ne peut pas être remplacé par la "
                        "liste. Renommez-le ou choisissez un autre dossier ; rien n'a été "
                        "enregistré."
                    )
                temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
                staged.pending.append((temporary, target))
                with temporary.open("xb") as out:  # "x": never an existing file
                    out.write(content)
                    out.flush()
                    os.fsync(out.fileno())
        except OSError as exc:
            staged.discard()
            raise ListError(
                f"Impossible d'écrire dans le dossier « {folder} » ({_reason(exc)}). Choisissez "
                "un dossier où vous pouvez écrire ; rien n'a été enregistré."
            ) from exc
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
            raise ListError(
                f"Le fichier « {target} » ne peut pas être remplacé ({_reason(exc)}) : il est "
                "sans doute ouvert dans un autre programme (Excel, lecteur PDF) ou protégé. "
                "Fermez-le puis recommencez ; rien n'a été enregistré."
            ) from exc
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
) -> list[ArchivedList]:
    """Produce, archive and (with ``out_dir``) write the six files of a validated bordereau.

    Only for a validated bordereau (:class:`ListError` otherwise); EDITION role.
    All or nothing: the register entries, their audit events and the copies in
    ``out_dir`` are all recorded, or none.
    """
    with uow:
        require(uow, actor, Action.EDITION)
        context = _context(uow, run_id, bordereau_code)
        produced_by = _person(uow, actor.login)
    by_kind = _list_lines(uow, run_id, bordereau_code)
    texts = _texts()
    produced_at = audit.now()
    files: list[_File] = []
    for kind in ListKind:
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
        )
        for file_format in FORMATS:
            content = render(document, texts, file_format)
            name = list_file_name(bordereau_code, run_id, kind, file_format)
            files.append(_File(kind, file_format, name, content, len(by_kind[kind])))

    folder = Path(out_dir) if out_dir is not None else None
    staged = _Staged.write(folder, [(f.name, f.content) for f in files]) if folder else None
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
            for f in files:
                entry = ArchiveEntry(
                    kind=f.kind.value,
                    file_format=f.file_format,
                    run_id=run_id,
                    bordereau_code=bordereau_code,
                    created_at=produced_at,
                    created_by=actor.login,
                    file_name=f.name,
                    sha256=hashlib.sha256(f.content).hexdigest(),
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
                            "kind": entry.kind, "format": entry.file_format, "run": run_id,
                            "bordereau": bordereau_code, "file_name": entry.file_name,
                            "sha256": entry.sha256, "size": len(entry.content),
                            "lines": f.line_count, "is_copy": entry.is_copy,
                        },
                        "details": {"out_dir": target},
                    }
                    for entry, f in zip(entries, files, strict=True)
                ],
            )  # fmt: skip
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
    return [
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
        for entry, f, path in zip(entries, files, paths, strict=True)
    ]


# --------------------------------------------------------------------------- register


def archive_register(
    uow: UnitOfWork,
    *,
    run_id: int | None = None,
    bordereau: str | None = None,
    kind: ListKind | str | None = None,
    actor: Actor | None = None,
) -> list[RegisterEntry]:
    """The classeur, oldest first, filtered (READ; ``actor`` is checked when given)."""
    if kind is not None:
        try:
            kind = ListKind(kind)
        except ValueError as exc:
            known = ", ".join(k.value for k in ListKind)
            raise ListError(f"Type de liste « {kind} » inconnu (types : {known}).") from exc
    with uow:
        if actor is not None:
            require(uow, actor, Action.READ)
        stmt = (
            select(
                ArchiveEntry.id,
                ArchiveEntry.kind,
                ArchiveEntry.file_format,
                ArchiveEntry.run_id,
                SelectionRun.run_on,
                ArchiveEntry.bordereau_code,
                ArchiveEntry.created_at,
                ArchiveEntry.created_by,
                User.full_name,
                ArchiveEntry.file_name,
                ArchiveEntry.sha256,
                func.length(ArchiveEntry.content).label("size"),
                ArchiveEntry.is_copy,
            )
            .outerjoin(SelectionRun, SelectionRun.id == ArchiveEntry.run_id)
            .outerjoin(User, User.login == ArchiveEntry.created_by)
            .order_by(ArchiveEntry.id)
        )
        if run_id is not None:
            stmt = stmt.where(ArchiveEntry.run_id == run_id)
        if bordereau is not None:
            stmt = stmt.where(ArchiveEntry.bordereau_code == bordereau)
        if kind is not None:
            stmt = stmt.where(ArchiveEntry.kind == kind.value)
        return [
            RegisterEntry(
                entry_id=r.id,
                kind=ListKind(r.kind),
                file_format=r.file_format,
                run_id=r.run_id,
                run_on=r.run_on,
                bordereau_code=r.bordereau_code,
                created_at=r.created_at,
                created_by=r.created_by,
                created_by_name=r.full_name,
                file_name=r.file_name,
                sha256=r.sha256,
                size=int(r.size or 0),
                is_copy=bool(r.is_copy),
            )
            for r in uow.session.execute(stmt)
        ]


def archived_content(uow: UnitOfWork, entry_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of an archived list, after checking them against its SHA-256."""
    with uow:
        row = uow.session.execute(
            select(ArchiveEntry.file_name, ArchiveEntry.content, ArchiveEntry.sha256).where(
                ArchiveEntry.id == entry_id
            )
        ).one_or_none()
    if row is None:
        raise ListError(f"Classeur : liste n° {entry_id} introuvable.")
    content = bytes(row.content)
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise ListError(
            f"Classeur : la liste n° {entry_id} ({row.file_name}) ne correspond plus à son "
            "empreinte SHA-256 enregistrée : l'archive a été altérée. Prévenez la DIG / DAI."
        )
    return row.file_name, content


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_copy(uow: UnitOfWork, actor: Actor, entry_id: int, target: Path) -> Path:
    """« Enregistrer sous » : write an archived list to ``target`` (temporary name, then
    rename, as for ``out_dir``), audited; READ is enough."""
    target = Path(target)
    with uow:
        require(uow, actor, Action.READ)
    _, content = archived_content(uow, entry_id)
    staged = _Staged.write(target.parent, [(target.name, content)])
    try:
        with uow.write():
            audit.record(
                uow, actor, AuditAction.LISTS_COPY, entity="archive_entry",
                entity_key=str(entry_id),
                details={"path": str(target), "sha256": hashlib.sha256(content).hexdigest()},
            )  # fmt: skip
            staged.install()
            try:
                uow.commit()
            except BaseException:
                staged.undo()
                raise
        staged.finish()
    finally:
        staged.discard()
    return target


def check_copy(uow: UnitOfWork, entry_id: int, path: Path) -> bool:
    """True when the file at ``path`` is exactly the archived list (same SHA-256);
    False flags a copy changed since it was produced."""
    with uow:
        expected = uow.session.scalar(
            select(ArchiveEntry.sha256).where(ArchiveEntry.id == entry_id)
        )
    if expected is None:
        raise ListError(f"Classeur : liste n° {entry_id} introuvable.")
    try:
        return file_sha256(Path(path)) == expected
    except OSError as exc:
        raise ListError(f"Copie « {path} » illisible ({_reason(exc)}).") from exc
