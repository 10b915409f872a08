"""Shared fixtures: a fresh, migrated database per test, on SQLite and PostgreSQL.

`db` is parametrised over both backends. PostgreSQL is the server of this machine
(127.0.0.1:5432, user postgres, trust) unless SBEE_DESK_TEST_PG says otherwise;
under CI=true an unreachable server is a failure, never a skip.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sbee_desk.db.database import Database, open_database

PG_ADMIN_URL = os.environ.get(
    "SBEE_DESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable under CI: {exc}")
        yield None
        return
    name = f"sbee_tmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = open_database(_pg_url(name))
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_sqlite_db(template: Path, folder: Path) -> Database:
    path = folder / "sbee.db"
    shutil.copyfile(template, path)
    return open_database(f"sqlite:///{path}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh migrated database, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "sbee.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    tmpl = request.getfixturevalue("pg_template")
    if tmpl is None:
        pytest.skip("PostgreSQL unreachable (not under CI)")
    name = f"sbee_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{tmpl}"'))
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database only (fast unit tests of SQL logic)."""
    database = make_sqlite_db(sqlite_template, tmp_path)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """No test ever touches the real user's data folder, database or log."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("SBEE_DESK_LOG_DIR", str(home / "logs"))  # sbee_desk.logs
    monkeypatch.delenv("SBEE_DESK_DB", raising=False)
    monkeypatch.delenv("SBEE_DESK_USER", raising=False)


#: the day the tests of fixed exports (runs dated 20/11/2026) validate their runs
VALIDATION_DAY = dt.date(2026, 11, 22)


@pytest.fixture
def validation_clock(monkeypatch) -> dt.date:
    """The validation's clock (the system's edge) set to :data:`VALIDATION_DAY`: a run
    older than the plans allow is refused (issue #10), and the fixed exports' runs
    must not age with the real date."""
    monkeypatch.setattr("sbee_desk.services.review.today", lambda: VALIDATION_DAY)
    # the review actions' clock too (a derogation decided after it is refused)
    monkeypatch.setattr("sbee_desk.services.review_actions.today", lambda: VALIDATION_DAY)
    return VALIDATION_DAY
