"""Restoring a backup over the SQLite database (#17), administrator only.

:func:`inspect_backup` checks the file first and says what it holds (the face asks
the confirmation naming the backup's date and contents): an SQLite database, of
sbee-desk, whole (``PRAGMA integrity_check``), its audit chain verified, of a schema
revision this version knows (a backup of a newer version is refused), of the agency
of the database it replaces. It works on a private working copy in the database's
folder: the backup file itself is never changed.

:func:`restore` then puts the copy over the database with SQLite's backup API while
holding the database exclusively — refused, nothing replaced, when another program
(the window, another command) has it open — after keeping the replaced database aside
as ``<name>.avant-restauration-<stamp>``. The schema of an older backup is upgraded.

The audit anchors published after the backup would then say the journal was cut. So
the restore is recorded: a **restore line** in the anchors file (its reason
``restauration``, the backup's head as event and hash) — ``audit verify`` reads an
anchor of this location written *before* such a line, and beyond its event or of
another identity, as replaced by the restore (a note, not a problem) — then an audit
event « Base restaurée depuis une sauvegarde » in the restored database, and a new
anchor.

PostgreSQL: restoring is the database administrator's (``pg_restore``), the
application says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sbee_desk.db.engine import create_db_engine, make_private
from sbee_desk.db.migrate import prepare_database, script_directory
from sbee_desk.db.snapshot import META_MANIFEST, read_facts, sqlite_file
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit_anchor import (
    AnchorReason,
    anchors_path,
    current_anchor,
    publish_quietly,
    write_line,
)
from sbee_desk.services.authz import require
from sbee_desk.services.backup import BackupError, now

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
ASIDE = ".avant-restauration-"


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup holds (for the confirmation) and its working copy."""

    path: Path
    taken_at: str  # UTC, ISO (the manifest's, else the file's date)
    app_version: str
    schema_revision: str
    agencies: list[str]
    counts: dict[str, int]
    audit_events: int
    manifest: dict[str, Any]
    working_copy: Path

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.working_copy.unlink()


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    kept_aside: Path
    audit_event: int


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except FileNotFoundError as exc:
        raise BackupError("RESTORE_NOT_FOUND", path=str(path)) from exc
    except OSError as exc:
        from sbee_desk.wording.errors import os_reason

        raise BackupError("RESTORE_UNREADABLE", path=str(path), reason=os_reason(exc)) from exc


def inspect_backup(path: Path, engine: Engine) -> BackupInfo:
    """Check the backup ``path`` against the database of ``engine`` (SQLite); return
    what it holds. Raises BackupError (French), nothing changed."""
    live = sqlite_file(engine)
    if live is None:
        raise BackupError("RESTORE_POSTGRESQL", database=str(engine.url.database))
    path = path.expanduser().resolve()
    if path == live:
        raise BackupError("RESTORE_ITSELF", path=str(path))
    header = _header(path)
    if header.startswith(PG_DUMP_HEADER):
        raise BackupError("RESTORE_PG_DUMP", path=str(path))
    if header != SQLITE_HEADER:
        raise BackupError("RESTORE_NOT_DATABASE", path=str(path))
    copy = live.with_name(f".{live.name}.restauration-{now().strftime('%Y%m%d-%H%M%S')}")
    try:
        _copy_for_checks(path, copy)
        return _check_copy(path, copy, engine)
    except BaseException:
        with contextlib.suppress(OSError):
            copy.unlink()
        raise


def _copy_for_checks(path: Path, copy: Path) -> None:
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        ) as source:
            result = source.execute("PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in result] != [("ok",)]:
                raise BackupError("RESTORE_DAMAGED", path=str(path), detail=str(result[0][0])[:120])
            with contextlib.closing(sqlite3.connect(str(copy), isolation_level=None)) as target:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")
        make_private(copy)
    except sqlite3.DatabaseError as exc:
        raise BackupError("RESTORE_DAMAGED", path=str(path), detail=str(exc)) from exc
    except OSError as exc:
        from sbee_desk.wording.errors import os_reason

        raise BackupError(
            "BACKUP_NOT_WRITTEN", path=str(copy.parent), reason=os_reason(exc)
        ) from exc


def _check_copy(path: Path, copy: Path, engine: Engine) -> BackupInfo:
    with contextlib.closing(sqlite3.connect(str(copy), isolation_level=None)) as conn:
        facts = read_facts(conn)
        manifest_row = (
            conn.execute("SELECT value FROM app_meta WHERE key = ?", (META_MANIFEST,)).fetchone()
            if facts["application"]
            else None
        )
    if facts["application"] != "sbee-desk" or not facts["schema_revision"]:
        raise BackupError("RESTORE_NOT_SBEE", path=str(path))
    known = {rev.revision for rev in script_directory().walk_revisions()}
    if facts["schema_revision"] not in known:
        raise BackupError("RESTORE_NEWER", path=str(path), revision=facts["schema_revision"])
    raw = engine.raw_connection()
    try:
        current = read_facts(raw.dbapi_connection)
    finally:
        raw.close()
    ours, theirs = set(current["agencies"]), set(facts["agencies"])
    if ours and theirs and ours.isdisjoint(theirs):
        raise BackupError(
            "RESTORE_OTHER_AGENCY", path=str(path), backup=sorted(theirs), current=sorted(ours)
        )
    copy_engine = create_db_engine(f"sqlite:///{copy}")
    try:
        if facts["counts"].get("audit_event") is not None and facts["audit_head"]:
            chain = audit.verify_chain(UnitOfWork(copy_engine))
            if not chain.ok:
                raise BackupError(
                    "RESTORE_CHAIN_BROKEN",
                    path=str(path),
                    event=chain.first_broken,
                    problem=chain.problem,
                )
    finally:
        copy_engine.dispose()
    manifest: dict[str, Any] = {}
    if manifest_row is not None:
        with contextlib.suppress(ValueError):
            manifest = json.loads(manifest_row[0])
    taken = str(manifest.get("created_at") or "")
    if not taken:
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        taken = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    head = facts["audit_head"] or {"event": 0}
    return BackupInfo(
        path=path,
        taken_at=taken,
        app_version=str(manifest.get("app_version") or "inconnue"),
        schema_revision=str(facts["schema_revision"]),
        agencies=list(facts["agencies"]),
        counts=dict(facts["counts"]),
        audit_events=int(head["event"]),
        manifest=manifest,
        working_copy=copy,
    )


@contextlib.contextmanager
def _exclusive(live: Path) -> Any:
    """The database held exclusively (no wait): refused when someone has it open."""
    conn = sqlite3.connect(str(live), timeout=0, isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")  # the lock stays: locking_mode EXCLUSIVE
        except sqlite3.OperationalError as exc:
            raise BackupError("RESTORE_IN_USE", path=str(live)) from exc
        yield conn
    finally:
        conn.close()


def restore(
    engine: Engine, info: BackupInfo, actor: Actor, *, at: dt.datetime | None = None
) -> RestoreResult:
    """Put the checked backup ``info`` over the database of ``engine`` (see the module
    docstring). The engine is disposed first: no connection of this process stays on
    the database. Raises BackupError, nothing replaced: not an administrator, the
    database open elsewhere, the aside copy impossible."""
    at = at or now()
    with UnitOfWork(engine) as uow:
        require(uow, actor, Action.ADMINISTER)
    live = sqlite_file(engine)
    assert live is not None  # inspect_backup refused PostgreSQL
    url = str(engine.url)
    engine.dispose()
    aside = live.with_name(f"{live.name}{ASIDE}{at.strftime('%Y%m%d-%H%M%S')}")
    try:
        with _exclusive(live) as target:
            try:
                with contextlib.closing(sqlite3.connect(str(aside), isolation_level=None)) as kept:
                    target.backup(kept)
                    kept.execute("PRAGMA journal_mode=DELETE")
                make_private(aside)
            except (OSError, sqlite3.Error) as exc:
                with contextlib.suppress(OSError):
                    aside.unlink()
                raise BackupError(
                    "BACKUP_NOT_WRITTEN", path=str(aside.parent), reason=str(exc)
                ) from exc
            with contextlib.closing(
                sqlite3.connect(str(info.working_copy), isolation_level=None)
            ) as source:
                source.backup(target)
    finally:
        info.discard()
    return RestoreResult(info.path, aside, _record(url, info, actor))


def _record(url: str, info: BackupInfo, actor: Actor) -> int:
    """The restored database upgraded to head, its restore written in the anchors
    file (the restore line) and in its journal, then anchored anew."""
    engine = create_db_engine(url)
    try:
        prepare_database(engine)
        uow = UnitOfWork(engine)
        head = current_anchor(uow, AnchorReason.RESTORE)
        with contextlib.suppress(OSError):
            write_line(anchors_path(), head.line())
        with uow.write():
            event = audit.record(
                uow,
                actor,
                AuditAction.BACKUP_RESTORE,
                details={
                    "backup": str(info.path),
                    "taken_at": info.taken_at,
                    "app_version": info.app_version,
                    "schema_revision": info.schema_revision,
                    "audit_event": info.audit_events,
                },
            )
            uow.commit()
        publish_quietly(uow, AnchorReason.COMMAND)
        return event
    finally:
        engine.dispose()
