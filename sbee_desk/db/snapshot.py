"""Consistent copies of a SQLite database and what they hold (#17).

A live SQLite database is never copied as a file: its last changes may sit in the
-wal file, or a writer may be half-way. SQLite's online backup API
(:meth:`sqlite3.Connection.backup`) copies a consistent state page by page, whoever
else has the database open. This module is the database layer's part of the backups:
the copy itself, a backup put back over a database (after a failed schema upgrade,
or a restore), and the facts a backup's manifest records (schema revision, agencies,
counts, head of the audit chain) read with plain SQL — so the migrations' hook uses
it before the schema is at head. Retention, the audit anchor, restore checks and
PostgreSQL dumps are :mod:`sbee_desk.services.backup`'s.

Where backups go: ``$SBEE_DESK_BACKUP_DIR``, else the folder the administrator chose
(``app_meta`` key ``backup_folder``, e.g. a network share), else ``sauvegardes`` in
the user's data folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sbee_desk import APPLICATION_ID, __version__
from sbee_desk.db.engine import default_data_folder, make_private, private_folder
from sbee_desk.wording.errors import os_reason

ENV_BACKUP_DIR = "SBEE_DESK_BACKUP_DIR"
#: ``app_meta`` keys of the backup settings (shared by every workstation of the base)
META_FOLDER = "backup_folder"
META_KEEP_DAYS = "backup_keep_days"
#: ``app_meta`` key of the manifest inside a backup file
META_MANIFEST = "backup_manifest"
DEFAULT_KEEP_DAYS = 30
FOLDER_NAME = "sauvegardes"
#: automatic backups: ``sbee-desk-AAAAMMJJ-HHMMSS-<motif>.db``
PREFIX = "sbee-desk-"
STAMP = "%Y%m%d-%H%M%S"
#: the rows counted in a manifest (those that exist at the backup's revision)
COUNTED = (
    "agency",
    "customer",
    "contract",
    "invoice",
    "suspension",
    "selection_run",
    "candidate",
    "reminder_letter",
    "work_order",
    "archive_entry",
    "app_user",
    "audit_event",
)


class SnapshotError(Exception):
    """A copy that could not be made or put back: ``str()`` is French; ``reason`` is
    the system's few words (disque plein, accès refusé…) and ``path`` where."""

    def __init__(self, message: str, path: Path, reason: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


def sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite engine (None: PostgreSQL, or a memory database)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


@contextlib.contextmanager
def _connection(path: Path, timeout: float = 15.0) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _meta(conn: Any, key: str) -> str | None:
    cursor = conn.cursor()
    try:
        cursor.execute(f"SELECT value FROM app_meta WHERE key = '{key}'")
        row = cursor.fetchone()
    except Exception:
        return None
    finally:
        cursor.close()
    return None if row is None else str(row[0])


def _scalar(conn: Any, sql: str) -> Any:
    cursor = conn.cursor()
    try:
        cursor.execute(sql)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return None if row is None else row[0]


def _tables(conn: Any) -> set[str]:
    cursor = conn.cursor()
    try:
        if isinstance(conn, sqlite3.Connection):
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        return {str(row[0]) for row in cursor.fetchall()}
    finally:
        cursor.close()


def read_facts(conn: Any) -> dict[str, Any]:
    """What a database holds, by plain SQL on a DB-API connection (sqlite3 or
    psycopg), whatever its schema revision: application, revision, agencies, counts,
    head of the audit chain, identity. Missing tables give nothing, never an error."""
    tables = _tables(conn)
    facts: dict[str, Any] = {
        "application": _meta(conn, "application") if "app_meta" in tables else None,
        "schema_revision": (
            _scalar(conn, "SELECT version_num FROM alembic_version")
            if "alembic_version" in tables
            else None
        ),
        "database_id": _meta(conn, "database_id") if "app_meta" in tables else None,
        "agencies": [],
        "counts": {},
        "audit_head": None,
    }
    if "agency" in tables:
        cursor = conn.cursor()
        try:
            cursor.execute("SELECT code FROM agency ORDER BY code")
            facts["agencies"] = [str(row[0]) for row in cursor.fetchall()]
        finally:
            cursor.close()
    facts["counts"] = {
        name: int(_scalar(conn, f"SELECT count(*) FROM {name}"))
        for name in COUNTED
        if name in tables
    }
    if "audit_head" in tables:
        cursor = conn.cursor()
        try:
            cursor.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is not None:
            facts["audit_head"] = {"event": int(row[0]), "hash": str(row[1])}
    return facts


def backup_folder(engine: Engine | None = None) -> Path:
    """Where backups go (not created): $SBEE_DESK_BACKUP_DIR, else the folder the
    administrator chose for this database, else ``sauvegardes`` in the data folder."""
    named = os.environ.get(ENV_BACKUP_DIR)
    if named:
        return Path(named).expanduser()
    if engine is not None:
        chosen = meta_value(engine, META_FOLDER)
        if chosen:
            return Path(chosen).expanduser()
    return default_data_folder() / FOLDER_NAME


def meta_value(engine: Engine, key: str) -> str | None:
    """One ``app_meta`` value, read whatever the schema revision (None: absent)."""
    raw = engine.raw_connection()
    try:
        return _meta(raw.dbapi_connection, key)
    finally:
        raw.close()


def automatic_name(at: dt.datetime, reason: str) -> str:
    return f"{PREFIX}{at.strftime(STAMP)}-{reason}.db"


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def copy_sqlite(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database of ``source`` to a new file ``target`` with the online backup
    API: written beside it under a temporary name, synced, then renamed — a folder
    full or read-only leaves no half file. Raises OSError or sqlite3.Error."""
    partial = target.with_name(target.name + ".partial")
    _remove(partial)
    try:
        with _connection(partial) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        make_private(partial)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        _remove(partial)
        raise


def write_manifest(target: Path, manifest: dict[str, Any]) -> None:
    """The manifest inside the backup (``app_meta``) and beside it (``.json``)."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    with _connection(target) as copy:
        copy.execute(
            "INSERT OR REPLACE INTO app_meta (key, value) VALUES (?, ?)", (META_MANIFEST, text)
        )
    side = manifest_path(target)
    partial = side.with_name(side.name + ".partial")
    try:
        partial.write_text(text + "\n", encoding="utf-8")
        make_private(partial)
        os.replace(partial, side)
    except BaseException:
        _remove(partial)
        raise


def snapshot_sqlite(
    path: Path,
    target: Path,
    *,
    reason: str,
    at: dt.datetime,
    audit_anchor: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Back the SQLite database ``path`` up to ``target`` with its manifest; return the
    manifest. Raises :class:`SnapshotError` (French) when it cannot be written."""
    try:
        private_folder(target.parent)
        with _connection(path) as source:
            facts = read_facts(source)
            copy_sqlite(source, target)
        manifest = {
            "application": APPLICATION_ID,
            "created_at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": reason,
            "app_version": __version__,
            "schema_revision": facts["schema_revision"],
            "database_id": facts["database_id"],
            "agencies": facts["agencies"],
            "counts": facts["counts"],
            "audit_head": facts["audit_head"],
            "audit_anchor": audit_anchor,
            "source": str(path),
            "backend": "sqlite",
        }
        write_manifest(target, manifest)
    except OSError as exc:
        _remove(target)
        raise SnapshotError(
            f"Sauvegarde impossible dans « {target.parent} » : {os_reason(exc)}.",
            target,
            os_reason(exc),
        ) from exc
    except sqlite3.Error as exc:
        _remove(target)
        words = _sqlite_words(exc)
        raise SnapshotError(f"Sauvegarde impossible ({words}).", target, words) from exc
    return manifest


def put_back(backup: Path, live: Path, *, timeout: float = 15.0) -> None:
    """Copy the backup ``backup`` over the database ``live`` with the backup API (its
    -wal included: the destination connection sees and replaces everything).
    Raises sqlite3.Error (``database is locked``: someone else has it open)."""
    with _connection(backup) as source, _connection(live, timeout) as target:
        source.backup(target)


def _sqlite_words(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "disk is full" in text or "database or disk is full" in text:
        return "disque plein"
    if "readonly" in text or "read-only" in text:
        return "support en lecture seule"
    if "unable to open" in text:
        return "fichier impossible à créer"
    return text
