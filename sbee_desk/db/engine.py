"""Engine creation, database location and schema checks.

Default database: a SQLite file in the user's data folder (platformdirs). Any
SQLAlchemy URL may be given (``--db`` or ``SBEE_DESK_DB``); PostgreSQL is what
several workstations share. On first use the schema is created by the Alembic
migrations shipped in the package; a database of a newer schema, or one that is
not an sbee-desk database, is refused.
"""

from __future__ import annotations

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


class DatabaseError(Exception):
    """A database that cannot be used; ``str()`` is a French message for the user."""


def default_database_url() -> str:
    folder = Path(platformdirs.user_data_dir("sbee-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'sbee-desk.db'}"


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


def _postgresql_session(dbapi_connection: Any, _record: Any) -> None:
    """JIT compilation off for the session: it costs ~0.7 s on the selection's query
    (PostgreSQL judges it large) and gains nothing on the short queries of the rest.
    A SET rather than a startup option: connection poolers refuse unknown ones."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET jit = off")
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
            parent = Path(parsed.database).expanduser().resolve().parent
            if not parent.is_dir():
                raise DatabaseError(f"Le dossier de la base de données n'existe pas : {parent}.")
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
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
