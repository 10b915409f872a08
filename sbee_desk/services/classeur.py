"""The classeur (ArchiveRegister): every list produced, its file and SHA-256 kept in
the database; reading it, saving a copy, checking a copy (split from :mod:`lists`, #11)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from sbee_desk.db.models import (
    ArchiveEntry,
    SelectionRun,
    User,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.lists import (
    EMPTY_LIST_LABELS,
)
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import ListKind
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.lists import NO_FILE, ListError, Staged


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

    @property
    def has_file(self) -> bool:
        """False for a list that had no line: nothing to open, copy or check."""
        return self.file_format != NO_FILE

    @property
    def description(self) -> str:
        """The file name, or « aucun client à relancer »… for a list without a file."""
        return self.file_name if self.has_file else EMPTY_LIST_LABELS[self.kind]


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
            known = [k.value for k in ListKind]
            raise ListError("UNKNOWN_LIST_KIND", kind=kind, known=known) from exc
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


def _refuse_no_file(entry_id: int, kind: str, file_format: str) -> None:
    if file_format == NO_FILE:
        raise ListError("LIST_HAS_NO_FILE", entry_id=entry_id, kind=ListKind(kind))


def archived_content(uow: UnitOfWork, entry_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of an archived list, after checking them against its SHA-256."""
    with uow:
        row = uow.session.execute(
            select(
                ArchiveEntry.file_name,
                ArchiveEntry.content,
                ArchiveEntry.sha256,
                ArchiveEntry.kind,
                ArchiveEntry.file_format,
            ).where(ArchiveEntry.id == entry_id)
        ).one_or_none()
    if row is None:
        raise ListError("LIST_NOT_FOUND", entry_id=entry_id)
    _refuse_no_file(entry_id, row.kind, row.file_format)
    content = bytes(row.content)
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise ListError("LIST_TAMPERED", entry_id=entry_id, file_name=row.file_name)
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
    staged = Staged.write(target.parent, [(target.name, content)])
    try:
        with uow.write():
            audit.record(
                uow,
                actor,
                AuditAction.LISTS_COPY,
                entity="archive_entry",
                entity_key=str(entry_id),
                details={"path": str(target), "sha256": hashlib.sha256(content).hexdigest()},
            )
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
        row = uow.session.execute(
            select(ArchiveEntry.sha256, ArchiveEntry.kind, ArchiveEntry.file_format).where(
                ArchiveEntry.id == entry_id
            )
        ).one_or_none()
    if row is None:
        raise ListError("LIST_NOT_FOUND", entry_id=entry_id)
    _refuse_no_file(entry_id, row.kind, row.file_format)
    expected = row.sha256
    try:
        same: bool = file_sha256(Path(path)) == expected
        return same
    except OSError as exc:
        raise ListError("COPY_UNREADABLE", path=path, error=exc) from exc
