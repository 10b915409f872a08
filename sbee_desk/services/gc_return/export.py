"""Producing the return file for the gestion clientèle (#16): the pending lines, one
file per agency, written under a temporary name in the chosen folder, recorded in the
register with each of its lines (exported once: unique on kind and source, R13) and
an audit event — all in one transaction, the files put in place just before its
commit, or nothing at all.

Permission: ``Action.EDITION`` (chef section recouvrement) — business-rules.md gives
him « produce lists »; the return file is one more list leaving the agency.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import GcReturnFile, GcReturnLine, User
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit, audit_anchor
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.dispatch.data import serialise_writers
from sbee_desk.services.gc_return.model import (
    ExportResult,
    FileFormat,
    GcReturnError,
    LineKind,
    RegisterRow,
    ReturnFile,
    ReturnLine,
    file_name,
)
from sbee_desk.services.gc_return.pending import pending_lines
from sbee_desk.services.gc_return.render import render
from sbee_desk.services.lists.model import ListError
from sbee_desk.services.lists.staged import Staged


@contextmanager
def _file_errors() -> Iterator[None]:
    """The lists' refusals of a folder or a file (:class:`Staged`), in the return
    file's words."""
    try:
        yield
    except ListError as exc:
        if exc.code == "LIST_FOLDER_NOT_WRITABLE":
            raise GcReturnError("GC_RETURN_FOLDER_NOT_WRITABLE", **exc.data) from exc
        if exc.code == "LIST_FILE_LOCKED":
            raise GcReturnError("GC_RETURN_FILE_LOCKED", **exc.data) from exc
        if exc.code == "LIST_TARGET_IS_FOLDER":
            raise GcReturnError("GC_RETURN_TARGET_IS_FOLDER", **exc.data) from exc
        raise


@dataclass(frozen=True)
class _File:
    agency_code: str
    seq: int
    name: str
    content: bytes
    lines: list[ReturnLine]


def parse_format(raw: str) -> FileFormat:
    try:
        return FileFormat(raw.strip().lower())
    except ValueError:
        raise GcReturnError(
            "GC_RETURN_BAD_FORMAT", value=raw, known=[f.value for f in FileFormat]
        ) from None


def preview(uow: UnitOfWork, actor: Actor, *, agency: str | None = None) -> list[ReturnLine]:
    """The lines the next return file would carry (READ)."""
    with uow:
        require(uow, actor, Action.READ)
        return pending_lines(uow, agency=agency)


def _counts(lines: list[ReturnLine]) -> dict[str, int]:
    return {k.value: sum(1 for line in lines if line.kind is k) for k in LineKind}


#: the audit trail's field of each kind's count (wording.audit labels them)
_AUDIT_COUNTS = {
    LineKind.RESILIATION: "resiliations",
    LineKind.INDEX_MT: "index_mt",
    LineKind.ADRESSE: "adresses",
}


def _audit_counts(lines: list[ReturnLine]) -> dict[str, int]:
    return {_AUDIT_COUNTS[LineKind(k)]: n for k, n in _counts(lines).items()}


def export_return_file(
    uow: UnitOfWork,
    actor: Actor,
    out_dir: Path,
    fmt: FileFormat | str = FileFormat.CSV,
    *,
    agency: str | None = None,
    today_: dt.date | None = None,
) -> ExportResult:
    """Write the pending lines to ``out_dir`` — one file per agency, named
    « retour-gc-<agence>-<date>-<n>.<csv|xlsx> » — and record them as exported.
    Nothing pending: no file, an empty result. A folder that cannot be written (or a
    file that cannot be replaced): :class:`GcReturnError`, nothing written or recorded.
    """
    file_format = parse_format(fmt) if isinstance(fmt, str) else fmt
    on = today_ or today()
    folder = Path(out_dir)
    with uow.write():
        require(uow, actor, Action.EDITION)
        session = uow.session
        # the writers' lock, first: two workstations exporting at once take turns, and
        # the second finds the first one's lines exported
        serialise_writers(uow)
        lines = pending_lines(uow, agency=agency)
        if not lines:
            return ExportResult(on, ())
        files: list[_File] = []
        for agency_code, group in groupby(lines, key=lambda line: line.agency_code):
            mine = list(group)
            last = session.scalar(
                select(func.max(GcReturnFile.seq)).where(
                    GcReturnFile.agency_code == agency_code, GcReturnFile.year == on.year
                )
            )
            seq = (last or 0) + 1
            name = file_name(agency_code, on, seq, file_format)
            files.append(_File(agency_code, seq, name, render(mine, file_format), mine))
        with _file_errors():
            staged = Staged.write(folder, [(f.name, f.content) for f in files])
        try:
            created_at = audit.now()
            rows = [
                GcReturnFile(
                    agency_code=f.agency_code,
                    year=on.year,
                    seq=f.seq,
                    produced_on=on,
                    file_format=file_format.value,
                    file_name=f.name,
                    sha256=hashlib.sha256(f.content).hexdigest(),
                    content=f.content,
                    line_count=len(f.lines),
                    created_by=actor.login,
                    created_at=created_at,
                )
                for f in files
            ]
            session.add_all(rows)
            try:
                session.flush()
                session.execute(
                    insert(GcReturnLine),
                    [
                        {
                            "file_id": row.id,
                            "line_kind": line.kind.value,
                            "source_key": line.source_key,
                            "police": line.police,
                        }
                        for row, f in zip(rows, files, strict=True)
                        for line in f.lines
                    ],
                )
            except IntegrityError:
                session.rollback()
                raise GcReturnError("GC_RETURN_CHANGED_ELSEWHERE") from None
            audit.record_many(
                uow,
                actor,
                [
                    {
                        "action": AuditAction.GC_RETURN_EXPORT,
                        "entity": "gc_return_file",
                        "entity_key": str(row.id),
                        "after": {
                            "agency": row.agency_code,
                            "number": row.seq,
                            "file_name": row.file_name,
                            "format": row.file_format,
                            "sha256": row.sha256,
                            "size": len(f.content),
                            "lines": row.line_count,
                            **_audit_counts(f.lines),
                        },
                        "details": {"out_dir": str(folder)},
                    }
                    for row, f in zip(rows, files, strict=True)
                ],
            )
            with _file_errors():
                paths = staged.install_and_commit(uow)
            staged.finish()
        finally:
            staged.discard()
    audit_anchor.publish_quietly(uow, audit_anchor.AnchorReason.EXPORT)
    return ExportResult(
        on,
        tuple(
            ReturnFile(
                file_id=row.id,
                agency_code=row.agency_code,
                year=row.year,
                seq=row.seq,
                file_name=row.file_name,
                path=path,
                sha256=row.sha256,
                line_count=row.line_count,
                counts=_counts(f.lines),
            )
            for row, f, path in zip(rows, files, paths, strict=True)
        ),
    )


def return_register(uow: UnitOfWork, actor: Actor) -> list[RegisterRow]:
    """The return files produced, newest first (READ)."""
    with uow:
        require(uow, actor, Action.READ)
        f = GcReturnFile
        return [
            RegisterRow(
                file_id=r.id,
                agency_code=r.agency_code,
                year=r.year,
                seq=r.seq,
                produced_on=r.produced_on,
                file_format=r.file_format,
                file_name=r.file_name,
                sha256=r.sha256,
                line_count=r.line_count,
                created_by=r.full_name or r.created_by,
                created_at=r.created_at,
            )
            for r in uow.session.execute(
                select(
                    f.id,
                    f.agency_code,
                    f.year,
                    f.seq,
                    f.produced_on,
                    f.file_format,
                    f.file_name,
                    f.sha256,
                    f.line_count,
                    f.created_by,
                    f.created_at,
                    User.full_name,
                )
                .outerjoin(User, User.login == f.created_by)
                .order_by(f.id.desc())
            )
        ]
