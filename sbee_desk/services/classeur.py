"""The classeur (ArchiveRegister): every file the agency produced and keeps in the
database with its SHA-256, in one register (#16) — the lists of step 1
(``archive_entry``), the hand-off lists to the apurement and the contentieux
(``handoff_file``, R12) and the return files for the gestion clientèle
(``gc_return_file``); reading it, saving a copy, checking a copy (split from
:mod:`lists`, #11)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, null, select

from sbee_desk.db.models import (
    ArchiveEntry,
    GcReturnFile,
    HandoffBatch,
    HandoffFile,
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


class ArchiveSource(StrEnum):
    """Which register of the classeur a file comes from (its « type » for the user)."""

    LISTS = "LISTES"  # the lists of step 1 (à relancer, à résilier, de contrôle)
    APUREMENT = "APUREMENT"  # hand-off to the apurement de contrat (R12)
    CONTENTIEUX = "CONTENTIEUX"  # hand-off to the recouvrement sur contentieux (R12)
    GC_RETURN = "RETOUR_GC"  # return file for the gestion clientèle

    @property
    def table(self) -> str:
        """The table keeping the file (also the audit entity of a list of step 1)."""
        return str(_MODELS[self].__tablename__)


_FileModel = type[ArchiveEntry] | type[HandoffFile] | type[GcReturnFile]
#: the table keeping each register's files (the hand-offs share one, told by its kind)
_MODELS: dict[ArchiveSource, _FileModel] = {
    ArchiveSource.LISTS: ArchiveEntry,
    ArchiveSource.APUREMENT: HandoffFile,
    ArchiveSource.CONTENTIEUX: HandoffFile,
    ArchiveSource.GC_RETURN: GcReturnFile,
}
_HANDOFFS = (ArchiveSource.APUREMENT, ArchiveSource.CONTENTIEUX)
#: the order of the registers for files recorded at the same instant
_ORDER = {source: n for n, source in enumerate(ArchiveSource)}


@dataclass(frozen=True)
class RegisterEntry:
    """A line of the classeur (archive register). ``entry_id`` is the file's id in its
    register (``source``): ``key`` tells two files apart in the whole classeur. A list
    of step 1 has its ``kind``, run and bordereau; a hand-off its transmission n°
    (``reference``, the batch) and the day it was handed on (``reference_on``); a
    return file its number in the agency's year and the day it was produced."""

    entry_id: int
    kind: ListKind | None
    file_format: str
    run_id: int | None
    run_on: dt.date | None
    bordereau_code: str
    created_at: dt.datetime
    created_by: str
    created_by_name: str | None
    file_name: str
    sha256: str
    size: int
    is_copy: bool
    source: ArchiveSource = ArchiveSource.LISTS
    reference: int | None = None
    reference_on: dt.date | None = None
    agency_code: str = ""
    line_count: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        """The file's identity across the registers: (table, id)."""
        return self.source.table, self.entry_id

    @property
    def has_file(self) -> bool:
        """False for a list that had no line: nothing to open, copy or check."""
        return self.file_format != NO_FILE

    @property
    def description(self) -> str:
        """The file name, or « aucun client à relancer »… for a list without a file."""
        if self.has_file or self.kind is None:
            return self.file_name
        return EMPTY_LIST_LABELS[self.kind]


def _source(raw: ArchiveSource | str) -> ArchiveSource:
    try:
        return ArchiveSource(raw)
    except ValueError as exc:
        known = [s.value for s in ArchiveSource]
        raise ListError("UNKNOWN_ARCHIVE_SOURCE", source=raw, known=known) from exc


# --------------------------------------------------------------------------- register


def _files(f: _FileModel, *extra: Any) -> Select[Any]:
    """What every register tells of its files (the file, its SHA-256 and size, who
    recorded it and when, with the author's name), then ``extra``; oldest first."""
    return (
        select(
            f.id,
            f.file_format,
            f.created_at,
            f.created_by,
            User.full_name,
            f.file_name,
            f.sha256,
            func.length(f.content).label("size"),
            *extra,
        )
        .outerjoin(User, User.login == f.created_by)
        .order_by(f.id)
    )


def _entry(r: Any, **fields: Any) -> RegisterEntry:
    """A line of the classeur from a row of :func:`_files`, with the register's
    ``fields`` (a list of step 1 has its kind, run and bordereau; the others none)."""
    step_1: dict[str, Any] = {"kind": None, "run_id": None, "run_on": None, "bordereau_code": ""}
    return RegisterEntry(
        entry_id=r.id,
        file_format=r.file_format,
        created_at=r.created_at,
        created_by=r.created_by,
        created_by_name=r.full_name,
        file_name=r.file_name,
        sha256=r.sha256,
        size=int(r.size or 0),
        **(step_1 | fields),
    )


def _lists(
    uow: UnitOfWork, run_id: int | None, bordereau: str | None, kind: ListKind | None
) -> list[RegisterEntry]:
    a = ArchiveEntry
    stmt = _files(a, a.kind, a.run_id, SelectionRun.run_on, a.bordereau_code, a.is_copy).outerjoin(
        SelectionRun, SelectionRun.id == a.run_id
    )
    if run_id is not None:
        stmt = stmt.where(a.run_id == run_id)
    if bordereau is not None:
        stmt = stmt.where(a.bordereau_code == bordereau)
    if kind is not None:
        stmt = stmt.where(a.kind == kind.value)
    return [
        _entry(
            r,
            kind=ListKind(r.kind),
            run_id=r.run_id,
            run_on=r.run_on,
            bordereau_code=r.bordereau_code,
            is_copy=bool(r.is_copy),
        )
        for r in uow.session.execute(stmt)
    ]


def _handoffs(uow: UnitOfWork, sources: set[ArchiveSource]) -> list[RegisterEntry]:
    """The hand-off lists (apurement, contentieux) and their reprints (copies)."""
    kinds = [s.value for s in sources if s in _HANDOFFS]
    if not kinds:
        return []
    f = HandoffFile
    stmt = (
        _files(f, f.kind, f.batch_id, HandoffBatch.handed_on, f.is_copy)
        .join(HandoffBatch, HandoffBatch.id == f.batch_id)
        .where(f.kind.in_(kinds))
    )
    return [
        _entry(
            r,
            is_copy=bool(r.is_copy),
            source=ArchiveSource(r.kind),
            reference=r.batch_id,
            reference_on=r.handed_on,
        )
        for r in uow.session.execute(stmt)
    ]


def _gc_returns(uow: UnitOfWork) -> list[RegisterEntry]:
    """The return files for the gestion clientèle, numbered per agency and year."""
    f = GcReturnFile
    stmt = _files(f, f.agency_code, f.seq, f.produced_on, f.line_count)
    return [
        _entry(
            r,
            is_copy=False,
            source=ArchiveSource.GC_RETURN,
            reference=r.seq,
            reference_on=r.produced_on,
            agency_code=r.agency_code,
            line_count=r.line_count,
        )
        for r in uow.session.execute(stmt)
    ]


def _time_order(entry: RegisterEntry) -> tuple[Any, ...]:
    """Oldest first across the registers (in UTC, naive: SQLite keeps no time zone)."""
    at = entry.created_at
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return (at, _ORDER[entry.source], entry.entry_id)


def archive_register(
    uow: UnitOfWork,
    *,
    run_id: int | None = None,
    bordereau: str | None = None,
    kind: ListKind | str | None = None,
    source: ArchiveSource | str | None = None,
    actor: Actor | None = None,
) -> list[RegisterEntry]:
    """The classeur — every archived file of the agency, whatever its register — oldest
    first, filtered (READ; ``actor`` is checked when given). A run, a bordereau or a
    list kind are those of step 1: the other registers have none, so any of them
    keeps the lists of step 1 only; ``source`` keeps one register."""
    if kind is not None:
        try:
            kind = ListKind(kind)
        except ValueError as exc:
            known = [k.value for k in ListKind]
            raise ListError("UNKNOWN_LIST_KIND", kind=kind, known=known) from exc
    sources = set(ArchiveSource) if source is None else {_source(source)}
    if run_id is not None or bordereau is not None or kind is not None:
        sources &= {ArchiveSource.LISTS}
    with uow:
        if actor is not None:
            require(uow, actor, Action.READ)
        entries: list[RegisterEntry] = []
        if ArchiveSource.LISTS in sources:
            entries += _lists(uow, run_id, bordereau, kind)
        entries += _handoffs(uow, sources)
        if ArchiveSource.GC_RETURN in sources:
            entries += _gc_returns(uow)
    return sorted(entries, key=_time_order)


# --------------------------------------------------------------------------- one file


@dataclass(frozen=True)
class _Stored:
    file_name: str
    sha256: str
    file_format: str
    kind: str | None
    content: bytes | None


def _stored(uow: UnitOfWork, entry_id: int, source: ArchiveSource, *, content: bool) -> _Stored:
    """A file of the classeur as kept (its bytes only when ``content``)."""
    f = _MODELS[source]
    kind_column: Any = null() if issubclass(f, GcReturnFile) else f.kind  # a return file: none
    stmt = select(
        f.file_name, f.sha256, f.file_format, kind_column, f.content if content else null()
    ).where(f.id == entry_id)
    if source in _HANDOFFS:
        stmt = stmt.where(HandoffFile.kind == source.value)
    with uow:
        row = uow.session.execute(stmt).one_or_none()
    if row is None:
        if source is ArchiveSource.LISTS:
            raise ListError("LIST_NOT_FOUND", entry_id=entry_id)
        raise ListError("ARCHIVED_FILE_NOT_FOUND", entry_id=entry_id, source=source.value)
    name, sha, file_format, kind, data = tuple(row)
    if source is ArchiveSource.LISTS and file_format == NO_FILE:
        raise ListError("LIST_HAS_NO_FILE", entry_id=entry_id, kind=ListKind(kind))
    return _Stored(name, sha, file_format, kind, None if data is None else bytes(data))


def archived_content(
    uow: UnitOfWork, entry_id: int, source: ArchiveSource | str = ArchiveSource.LISTS
) -> tuple[str, bytes]:
    """(file name, bytes) of an archived file, after checking them against its SHA-256."""
    source = _source(source)
    stored = _stored(uow, entry_id, source, content=True)
    content = stored.content or b""
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        if source is ArchiveSource.LISTS:
            raise ListError("LIST_TAMPERED", entry_id=entry_id, file_name=stored.file_name)
        raise ListError(
            "ARCHIVED_FILE_TAMPERED",
            entry_id=entry_id,
            source=source.value,
            file_name=stored.file_name,
        )
    return stored.file_name, content


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_audit(
    uow: UnitOfWork,
    entry_id: int,
    source: ArchiveSource,
    target: Path,
    file_name: str,
    content: bytes,
) -> dict[str, Any]:
    """What the journal says of a copy: the list of step 1 itself; the hand-off by its
    transmission n° and the file's name; the return file by its id and name (every
    detail a field the journal has words for)."""
    details: dict[str, Any] = {"path": str(target), "sha256": hashlib.sha256(content).hexdigest()}
    if source is ArchiveSource.LISTS:
        return {"entity": "archive_entry", "entity_key": str(entry_id), "details": details}
    details["file_name"] = file_name
    if source is ArchiveSource.GC_RETURN:
        return {"entity": "gc_return_file", "entity_key": str(entry_id), "details": details}
    batch = uow.session.scalar(select(HandoffFile.batch_id).where(HandoffFile.id == entry_id))
    return {"entity": "handoff_batch", "entity_key": str(batch), "details": details}


def save_copy(
    uow: UnitOfWork,
    actor: Actor,
    entry_id: int,
    target: Path,
    source: ArchiveSource | str = ArchiveSource.LISTS,
) -> Path:
    """« Enregistrer sous » : write an archived file to ``target`` (temporary name, then
    rename, as for ``out_dir``), audited; READ is enough."""
    target = Path(target)
    source = _source(source)
    with uow:
        require(uow, actor, Action.READ)
    name, content = archived_content(uow, entry_id, source)
    staged = Staged.write(target.parent, [(target.name, content)])
    try:
        with uow.write():
            audit.record(
                uow,
                actor,
                AuditAction.LISTS_COPY,
                **_copy_audit(uow, entry_id, source, target, name, content),
            )
            staged.install_and_commit(uow)
        staged.finish()
    finally:
        staged.discard()
    return target


def check_copy(
    uow: UnitOfWork, entry_id: int, path: Path, source: ArchiveSource | str = ArchiveSource.LISTS
) -> bool:
    """True when the file at ``path`` is exactly the archived file (same SHA-256);
    False flags a copy changed since it was produced."""
    expected = _stored(uow, entry_id, _source(source), content=False).sha256
    try:
        same: bool = file_sha256(Path(path)) == expected
        return same
    except OSError as exc:
        raise ListError("COPY_UNREADABLE", path=path, error=exc) from exc
