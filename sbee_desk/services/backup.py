"""Backups of the database (#17): when, where, how long they are kept.

A backup is taken before every schema upgrade (:mod:`sbee_desk.db.migrate`), before
every night edition (:func:`backup_quietly` at the start of the run), every day at
the first start (:func:`daily_backup_if_due`), and on demand (``sbee-desk backup``,
« Sauvegarder maintenant » on the Paramètres page).

- SQLite: a consistent copy with SQLite's online backup API
  (:func:`sbee_desk.db.snapshot.snapshot_sqlite`), never a file copy of a live base;
- PostgreSQL: ``pg_dump -Fc`` when it is on the PATH; otherwise a French message
  saying what to do (the DBA's own dump).

Each backup has a manifest — inside the file (``app_meta``) and beside it
(``<backup>.json``): date, application version, schema revision, agencies, row
counts and the audit anchor (:func:`sbee_desk.services.audit_anchor.anchor_for_backup`,
also appended to the anchors file). Files are their owner's only (the process umask,
and 0600 set on each). Automatic backups (``sbee-desk-AAAAMMJJ-HHMMSS-<motif>.db``) are
kept ``backup_keep_days`` days (default 30); a file named by ``--out`` is never
removed. Restoring is :mod:`sbee_desk.services.backup_restore`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sbee_desk import APPLICATION_ID, __version__
from sbee_desk.db.engine import make_private, private_folder
from sbee_desk.db.models import AppMeta
from sbee_desk.db.snapshot import (
    DEFAULT_KEEP_DAYS,
    META_FOLDER,
    META_KEEP_DAYS,
    PREFIX,
    STAMP,
    SnapshotError,
    automatic_name,
    backup_folder,
    manifest_path,
    meta_value,
    read_facts,
    snapshot_sqlite,
    sqlite_file,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit_anchor import anchor_for_backup
from sbee_desk.services.authz import require
from sbee_desk.services.errors import ServiceError

log = logging.getLogger(__name__)

#: the longest a retention may be (ten years)
MOST_KEEP_DAYS = 3650


class BackupError(ServiceError):
    """A backup that could not be taken, read or restored."""


class BackupReason(StrEnum):
    """Why a backup was taken (the last part of an automatic backup's name)."""

    MANUAL = "manuelle"
    DAILY = "quotidienne"
    EDITION = "avant-edition"
    MIGRATION = "avant-mise-a-jour"
    RESTORE = "avant-restauration"


@dataclass(frozen=True)
class BackupSettings:
    """Where backups go and how many days automatic ones are kept; ``chosen``: the
    folder was chosen by the administrator (else the user's data folder)."""

    folder: Path
    keep_days: int
    chosen: bool


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    size: int
    removed: int = 0  # old automatic backups removed after it


@dataclass(frozen=True)
class BackupEntry:
    """One backup found in the folder."""

    path: Path
    taken_at: dt.datetime
    size: int
    reason: str


def now() -> dt.datetime:
    """The backups' clock (the tests set it)."""
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- settings


def settings(engine: Engine) -> BackupSettings:
    folder = backup_folder(engine)
    raw = meta_value(engine, META_KEEP_DAYS)
    keep = int(raw) if raw and raw.isdecimal() else DEFAULT_KEEP_DAYS
    chosen = bool(meta_value(engine, META_FOLDER)) or bool(os.environ.get("SBEE_DESK_BACKUP_DIR"))
    return BackupSettings(folder, keep, chosen)


def set_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    folder: str | None = None,
    keep_days: int | None = None,
) -> BackupSettings:
    """The administrator chooses the backup folder ("" : back to the data folder) and
    how many days automatic backups are kept. Raises BackupError for a folder that
    cannot be written or a number of days out of bounds; nothing changed then."""
    if keep_days is not None and not 1 <= keep_days <= MOST_KEEP_DAYS:
        raise BackupError("BACKUP_KEEP_DAYS", days=keep_days, most=MOST_KEEP_DAYS)
    if folder:
        _check_writable(Path(folder).expanduser())
    with uow.write():
        require(uow, actor, Action.ADMINISTER)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key, value in ((META_FOLDER, folder), (META_KEEP_DAYS, keep_days)):
            if value is None:
                continue
            row = uow.session.get(AppMeta, key)
            before[key] = None if row is None else row.value
            if row is None:
                uow.session.add(AppMeta(key=key, value=str(value)))
            else:
                row.value = str(value)
            after[key] = str(value)
        audit.record(uow, actor, AuditAction.BACKUP_SETTINGS, before=before, after=after)
        uow.commit()
    return settings(uow.engine)


def _check_writable(folder: Path) -> None:
    probe = folder / ".sbee-desk-essai"
    try:
        private_folder(folder)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        from sbee_desk.wording.errors import os_reason

        raise BackupError("BACKUP_FOLDER", path=str(folder), reason=os_reason(exc)) from exc


# --------------------------------------------------------------------------- taking


def take_backup(
    engine: Engine,
    reason: BackupReason = BackupReason.MANUAL,
    *,
    out: Path | None = None,
    at: dt.datetime | None = None,
) -> BackupResult:
    """Back the database up (to ``out``, else an automatic name in the backup folder),
    then remove automatic backups older than the retention. Raises BackupError
    (French: the folder full or read-only, pg_dump missing…); nothing half-written."""
    at = at or now()
    chosen = settings(engine)
    live = sqlite_file(engine)
    if engine.url.get_backend_name() == "postgresql":
        target = out or chosen.folder / automatic_name(at, reason.value).replace(".db", ".dump")
        manifest = _pg_dump(engine, target, reason, at, _anchor(engine))
    elif live is None:
        raise BackupError("BACKUP_MEMORY")
    else:
        target = out or chosen.folder / automatic_name(at, reason.value)
        if target.resolve() == live:
            raise BackupError("BACKUP_OVER_LIVE", path=str(target))
        anchor = _anchor(engine)  # the head the copy holds (nothing is anchored before)
        try:
            manifest = snapshot_sqlite(
                live, target, reason=reason.value, at=at, audit_anchor=anchor
            )
        except SnapshotError as exc:
            raise BackupError(
                "BACKUP_NOT_WRITTEN", path=str(exc.path.parent), reason=exc.reason
            ) from exc
    removed = 0 if out is not None else prune(chosen.folder, chosen.keep_days, at)
    log.info("sauvegarde %s : %s", reason.value, target)
    return BackupResult(target, manifest, target.stat().st_size, removed)


def _anchor(engine: Engine) -> dict[str, Any] | None:
    try:
        return anchor_for_backup(UnitOfWork(engine))
    except Exception as exc:  # a backup is never refused for its anchor
        log.warning("ancre de la sauvegarde non écrite : %s", exc)
        return None


def _pg_dump(
    engine: Engine,
    target: Path,
    reason: BackupReason,
    at: dt.datetime,
    anchor: dict[str, Any] | None,
) -> dict[str, Any]:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("BACKUP_PG_DUMP_MISSING", database=str(engine.url.database))
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = [
        program,
        "-Fc",
        "--no-owner",
        "-h",
        url.host or "localhost",
        "-p",
        str(url.port or 5432),
        "-f",
        str(target.with_name(target.name + ".partial")),
    ]
    if url.username:
        command += ["-U", url.username]
    command.append(str(url.database))
    raw = engine.raw_connection()
    try:
        facts = read_facts(raw.dbapi_connection)
    finally:
        raw.close()
    partial = target.with_name(target.name + ".partial")
    try:
        private_folder(target.parent)
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            words = (done.stderr.strip().splitlines() or ["pg_dump a échoué"])[-1]
            raise BackupError("BACKUP_PG_DUMP_FAILED", reason=words)
        make_private(partial)
        os.replace(partial, target)
        manifest = _manifest(facts, reason, at, anchor, "postgresql", _pg_place(engine))
        side = manifest_path(target)
        side.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        make_private(side)
    except OSError as exc:
        from sbee_desk.wording.errors import os_reason

        partial.unlink(missing_ok=True)
        raise BackupError(
            "BACKUP_NOT_WRITTEN", path=str(target.parent), reason=os_reason(exc)
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _pg_place(engine: Engine) -> str:
    url = engine.url
    return f"postgresql://{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _manifest(
    facts: dict[str, Any],
    reason: BackupReason,
    at: dt.datetime,
    anchor: dict[str, Any] | None,
    backend: str,
    source: str,
) -> dict[str, Any]:
    return {
        "application": APPLICATION_ID,
        "created_at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reason": reason.value,
        "app_version": __version__,
        "schema_revision": facts["schema_revision"],
        "database_id": facts["database_id"],
        "agencies": facts["agencies"],
        "counts": facts["counts"],
        "audit_head": facts["audit_head"],
        "audit_anchor": anchor,
        "source": source,
        "backend": backend,
    }


def backup_quietly(
    engine: Engine, reason: BackupReason, at: dt.datetime | None = None
) -> BackupResult | None:
    """:func:`take_backup` before an operation (the night edition): a backup that
    cannot be taken is logged, the operation goes on."""
    try:
        return take_backup(engine, reason, at=at)
    except Exception as exc:  # never stop the night edition for its backup
        log.warning("sauvegarde %s impossible : %s", reason.value, exc)
        return None


def daily_backup_if_due(engine: Engine, at: dt.datetime | None = None) -> BackupResult | None:
    """The first start of the day backs the database up (once a day, whoever starts
    first: the folder is looked at). Quiet: a failure is logged."""
    at = at or now()
    folder = settings(engine).folder
    day = at.astimezone().date()
    if any(entry.taken_at.astimezone().date() == day for entry in list_backups(folder)):
        return None
    return backup_quietly(engine, BackupReason.DAILY, at)


# --------------------------------------------------------------------------- the folder


def _stamp_of(path: Path) -> dt.datetime | None:
    name = path.name
    if not name.startswith(PREFIX) or not name.endswith((".db", ".dump")):
        return None
    stamp = name[len(PREFIX) : len(PREFIX) + 15]
    try:
        return dt.datetime.strptime(stamp, STAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def list_backups(folder: Path) -> list[BackupEntry]:
    """The automatic backups of ``folder``, newest first (none: an absent or
    unreadable folder)."""
    found: list[BackupEntry] = []
    try:
        paths = list(folder.iterdir())
    except OSError:
        return []
    for path in paths:
        taken = _stamp_of(path)
        if taken is None:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        reason = path.name[len(PREFIX) + 16 :].rsplit(".", 1)[0]
        found.append(BackupEntry(path, taken, size, reason))
    return sorted(found, key=lambda e: e.taken_at, reverse=True)


def last_backup(engine: Engine) -> BackupEntry | None:
    found = list_backups(settings(engine).folder)
    return found[0] if found else None


def prune(folder: Path, keep_days: int, at: dt.datetime) -> int:
    """Remove the automatic backups older than ``keep_days`` (and their manifests);
    the newest is always kept. Returns how many were removed."""
    limit = at - dt.timedelta(days=keep_days)
    removed = 0
    for entry in list_backups(folder)[1:]:
        if entry.taken_at >= limit:
            continue
        try:
            entry.path.unlink()
            manifest_path(entry.path).unlink(missing_ok=True)
            removed += 1
        except OSError as exc:
            log.warning("ancienne sauvegarde non supprimée (%s) : %s", entry.path, exc)
    return removed
