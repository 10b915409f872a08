"""Engine creation, database location and schema checks.

Default database: a SQLite file in the user's data folder (platformdirs). Any
SQLAlchemy URL may be given (``--db`` or ``SBEE_DESK_DB``); PostgreSQL is what
several workstations share. On first use the schema is created by the Alembic
migrations shipped in the package; a database of a newer schema, or one that is
not an sbee-desk database, is refused.

Private by default (#12): the database holds password hashes and customer data, so
on POSIX every file the application creates is its owner's only — the faces set
:func:`use_private_umask` at start, and the SQLite file is created 0600 here whoever
calls (SQLite gives its -wal and -shm the database file's mode). A PostgreSQL
session gets a statement timeout, TCP keepalives and a check that its client is
still there, so a killed workstation does not leave the server working for it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from sbee_desk import APPLICATION_ID

ENV_DB = "SBEE_DESK_DB"
SQLITE_BUSY_TIMEOUT_MS = 15_000

#: what the application creates is readable by its owner only (POSIX)
PRIVATE_UMASK = 0o077
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700

#: PostgreSQL: the longest one statement may run — generous, it bounds one statement of
#: an import, not the import; ``SBEE_DESK_STATEMENT_TIMEOUT`` in seconds changes it,
#: 0 lifts it
ENV_STATEMENT_TIMEOUT = "SBEE_DESK_STATEMENT_TIMEOUT"
STATEMENT_TIMEOUT_S = 600
#: how often a server working on a long statement checks that its client is still
#: connected (PostgreSQL 14 and later), in seconds
CLIENT_CHECK_INTERVAL_S = 5
#: TCP keepalives, both ends: a connection silent this long is probed, every
#: interval, and dropped after that many unanswered probes (a workstation switched off
#: or cut from the network is noticed in about a minute)
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def _posix() -> bool:
    return os.name == "posix"


def use_private_umask() -> None:
    """From now on every file and folder this process creates — database, exports,
    PDFs, logs — is readable by its owner only (0600 / 0700). POSIX; on Windows the
    user's profile folder is private already (README, « Where the data lives »)."""
    if _posix():
        os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """Owner-only mode on ``path`` (a file 0600, a folder 0700), if it exists and is
    ours to change; otherwise left as it is (a shared folder keeps its rights)."""
    if not _posix():
        return
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_FOLDER_MODE if path.is_dir() else PRIVATE_FILE_MODE)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and its missing parents) readable by its owner only."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER_MODE)
    for created in missing:  # mkdir's mode passes through the umask: make sure
        make_private(created)
    return folder


def _create_private_sqlite_file(path: Path) -> None:
    """Create an empty database file 0600 before SQLite opens it: SQLite creates a
    missing file with the umask's mode, and gives the same to its -wal and -shm."""
    if not _posix() or path.exists():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))


class DatabaseError(Exception):
    """A database that cannot be used; ``str()`` is a French message for the user."""


def default_data_folder() -> Path:
    """The user's data folder, owner-only (an older, wider one is narrowed) with the
    files in it: the database and its -wal / -shm."""
    folder = private_folder(Path(platformdirs.user_data_dir("sbee-desk", appauthor=False)))
    make_private(folder)
    for name in ("sbee-desk.db", "sbee-desk.db-wal", "sbee-desk.db-shm"):
        if (folder / name).exists():
            make_private(folder / name)
    return folder


def default_database_url() -> str:
    return f"sqlite:///{default_data_folder() / 'sbee-desk.db'}"


def resolve_url(url: str | None) -> str:
    """``--db`` first, then ``SBEE_DESK_DB``, then the default SQLite file."""
    return url or os.environ.get(ENV_DB) or default_database_url()


def describe_url(url: str) -> str:
    """Short description for the status bar: file name or server/database, no password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite : {parsed.database or 'mémoire'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.get_backend_name()} : {parsed.database}@{host}{port}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Keep SQLite's own transaction handling out of the way (SQLAlchemy issues BEGIN).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Readers begin DEFERRED (WAL lets them run beside a writer). A unit of work that
    # will write begins IMMEDIATE (UnitOfWork.write()): it takes the write lock first,
    # waiting up to the busy timeout, instead of failing with "database is locked"
    # when it upgrades a read snapshot that another workstation has since changed.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def statement_timeout_seconds() -> int:
    """``SBEE_DESK_STATEMENT_TIMEOUT`` (seconds, 0: none), else the default."""
    raw = os.environ.get(ENV_STATEMENT_TIMEOUT, "").strip()
    if not raw:
        return STATEMENT_TIMEOUT_S
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise DatabaseError(
            f"{ENV_STATEMENT_TIMEOUT} : « {raw} » n'est pas un nombre de secondes "
            "(0 : pas de limite)."
        )
    return value


def _postgresql_session(dbapi_connection: Any, _record: Any) -> None:
    """The session's settings, by SET rather than startup options (connection poolers
    refuse unknown ones):

    - JIT compilation off: it costs ~0.7 s on the selection's query (PostgreSQL judges
      it large) and gains nothing on the short queries of the rest;
    - a statement timeout, so no statement works on forever;
    - the server's TCP keepalives, and (PostgreSQL 14+) a check every few seconds,
      during a long statement, that the client is still connected: a workstation
      killed in the middle of an import does not leave its session working."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    try:
        settings = [
            "SET jit = off",
            f"SET statement_timeout = '{statement_timeout_seconds()}s'",
            f"SET tcp_keepalives_idle = {KEEPALIVES['keepalives_idle']}",
            f"SET tcp_keepalives_interval = {KEEPALIVES['keepalives_interval']}",
            f"SET tcp_keepalives_count = {KEEPALIVES['keepalives_count']}",
        ]
        if dbapi_connection.info.server_version >= 140000:
            settings.append(f"SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL_S}s'")
        cursor.execute("; ".join(settings))  # one round trip
    finally:
        cursor.close()
        dbapi_connection.autocommit = autocommit


def create_db_engine(url: str) -> Engine:
    """Create an engine for ``url`` (no schema work). Raises DatabaseError."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"Adresse de base de données invalide : « {url} ».") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database).expanduser().resolve()
            if not path.parent.is_dir():
                raise DatabaseError(
                    f"Le dossier de la base de données n'existe pas : {path.parent}."
                )
            _create_private_sqlite_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # the client's keepalives; those the URL names itself are kept
        keepalives = {k: v for k, v in KEEPALIVES.items() if k not in parsed.query}
        statement_timeout_seconds()  # a bad setting is refused before connecting
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=keepalives)
        event.listen(engine, "connect", _postgresql_session, insert=True)
        return engine
    raise DatabaseError(
        f"Type de base de données non pris en charge : « {backend} ». "
        "Utilisez SQLite ou PostgreSQL."
    )


def check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise DatabaseError(
            f"Base de données injoignable ({describe_url(str(engine.url))}) : "
            f"{str(exc.orig).strip().splitlines()[0] if exc.orig else exc}"
        ) from exc


def table_names(engine: Engine) -> set[str]:
    try:
        return set(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        raise DatabaseError(f"Lecture du schéma impossible : {exc}") from exc


def is_sbee_database(engine: Engine) -> bool:
    with engine.connect() as conn:
        value = conn.execute(
            text("SELECT value FROM app_meta WHERE key = 'application'")
        ).scalar_one_or_none()
    return value == APPLICATION_ID
