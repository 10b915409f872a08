"""Private by default (#12): passwords of at least 10 characters, a lockout the
administrator sees and lifts, owner-only database files, PostgreSQL sessions that
end when their client is killed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.db.engine import (
    CLIENT_CHECK_INTERVAL_S,
    KEEPALIVES,
    DatabaseError,
    create_db_engine,
    default_data_folder,
)
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.users import (
    MAX_FAILED_LOGINS,
    AccountError,
    AuthenticationFailed,
    authenticate,
    create_user,
    list_users,
    unlock_user,
    update_user,
)
from tests.builders import PASSWORD, add_users

ADMIN = Actor("admin", frozenset({Role.ADMIN}))
CHEF = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}))
T0 = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def wide_umask() -> Iterator[None]:
    """The usual 022 of a session (other tests' in-process commands set 077)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def audit_actions(db: Database, login: str) -> list[str]:
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT action FROM audit_event WHERE entity_key = :k ORDER BY id"),
                {"k": login},
            ).scalars()
        )


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "code"),
    [
        (" " * 8, "PASSWORD_BLANK"),
        (" " * 12, "PASSWORD_BLANK"),
        ("\t \u00a0 \n" * 3, "PASSWORD_BLANK"),
        ("", "PASSWORD_BLANK"),
        ("demo-sbee", "PASSWORD_TOO_SHORT"),  # 9 characters
        ("12345678", "PASSWORD_TOO_SHORT"),
    ],
)
def test_a_password_has_at_least_10_characters_and_is_not_blank(
    sqlite_db: Database, password: str, code: str
) -> None:
    add_users(sqlite_db)
    with pytest.raises(AccountError) as refused:
        create_user(sqlite_db.uow(), ADMIN, "nouveau", "Nouveau", [Role.MAGASINIER], password)
    assert refused.value.code == code
    assert "10 caractères" in str(refused.value)
    with pytest.raises(AccountError) as refused:
        update_user(sqlite_db.uow(), ADMIN, "chef", password=password)
    assert refused.value.code == code
    assert [u.login for u in list_users(sqlite_db.uow())].count("nouveau") == 0
    assert authenticate(sqlite_db.uow(), "chef", PASSWORD).login == "chef"  # unchanged


def test_ten_characters_are_enough(sqlite_db: Database) -> None:
    add_users(sqlite_db)
    create_user(sqlite_db.uow(), ADMIN, "nouveau", "Nouveau", [Role.MAGASINIER], "0123456789")
    assert authenticate(sqlite_db.uow(), "nouveau", "0123456789").login == "nouveau"


def test_an_older_shorter_password_still_signs_in(sqlite_db: Database) -> None:
    """The rule applies when a password is set, not to those set before it."""
    add_users(sqlite_db)
    with sqlite_db.engine.begin() as conn:
        conn.execute(
            text("UPDATE app_user SET password_hash = :h WHERE login = 'chef'"),
            {"h": PasswordHasher().hash("demo-sbee")},
        )
    assert authenticate(sqlite_db.uow(), "chef", "demo-sbee").login == "chef"


# --------------------------------------------------------------------------- lockout


@pytest.mark.postgres
def test_a_lockout_is_in_the_journal_shown_to_the_admin_who_lifts_it(db: Database) -> None:
    add_users(db)
    for attempt in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed):
            authenticate(
                db.uow(), "chef", "mauvais-mot-de-passe", at=T0 + dt.timedelta(seconds=attempt)
            )
    with pytest.raises(AuthenticationFailed) as locked:
        authenticate(db.uow(), "chef", PASSWORD, at=T0 + dt.timedelta(minutes=1))
    assert locked.value.code == "ACCOUNT_LOCKED"
    # the lock itself is an event of the journal, once
    assert audit_actions(db, "chef").count("user.lock") == 1
    chef = next(u for u in list_users(db.uow()) if u.login == "chef")
    assert chef.failed_attempts == MAX_FAILED_LOGINS and chef.locked_at(
        T0 + dt.timedelta(minutes=1)
    )

    with pytest.raises(PermissionDenied):  # only the administrator lifts it
        unlock_user(db.uow(), Actor("direction", frozenset({Role.DIRECTION})), "chef", at=T0)
    info = unlock_user(db.uow(), ADMIN, "chef", at=T0 + dt.timedelta(minutes=2))
    assert info.locked_until is None and info.failed_attempts == 0
    assert audit_actions(db, "chef")[-1] == "user.unlock"
    assert authenticate(db.uow(), "chef", PASSWORD, at=T0 + dt.timedelta(minutes=3)).login == "chef"
    with pytest.raises(AccountError) as refused:
        unlock_user(db.uow(), ADMIN, "chef", at=T0 + dt.timedelta(minutes=4))
    assert refused.value.code == "NOT_LOCKED"
    with pytest.raises(AccountError) as refused:
        unlock_user(db.uow(), ADMIN, "personne", at=T0)
    assert refused.value.code == "UNKNOWN_USER"


# --------------------------------------------------------------------------- files


@posix_only
def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path, wide_umask) -> None:
    """Whoever opens it (a library user, a test) and whatever the umask: 0600."""
    path = tmp_path / "nouvelle.db"
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            conn.commit()
            for name in ("nouvelle.db", "nouvelle.db-wal", "nouvelle.db-shm"):
                assert mode(tmp_path / name) == 0o600, name
    finally:
        engine.dispose()


@posix_only
def test_the_data_folder_and_its_database_are_narrowed_to_their_owner(
    tmp_path: Path, monkeypatch, wide_umask
) -> None:
    """An older install left them 0755 / 0644: the next start makes them private."""
    folder = tmp_path / "data" / "sbee-desk"
    folder.mkdir(parents=True)
    (folder / "sbee-desk.db").write_bytes(b"")
    (folder / "sbee-desk.db-wal").write_bytes(b"")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert mode(folder) == 0o755
    assert default_data_folder() == folder
    assert mode(folder) == 0o700
    assert mode(folder / "sbee-desk.db") == 0o600
    assert mode(folder / "sbee-desk.db-wal") == 0o600
    # a fresh one: created private, parents included
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "neuf" / "data"))
    fresh = default_data_folder()
    assert mode(fresh) == 0o700 and mode(fresh.parent) == 0o700


# --------------------------------------------------------------------------- PostgreSQL


def _pg(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")


@pytest.mark.postgres
def test_a_postgresql_session_has_a_timeout_and_keepalives(db_url: str) -> None:
    _pg(db_url)
    engine = create_db_engine(db_url)
    try:
        with engine.connect() as conn:
            show = {
                name: conn.exec_driver_sql(f"SHOW {name}").scalar()
                for name in (
                    "statement_timeout",
                    "client_connection_check_interval",
                    "tcp_keepalives_idle",
                    "jit",
                )
            }
            dsn = conn.connection.dbapi_connection.info.dsn  # type: ignore[union-attr]
    finally:
        engine.dispose()
    assert show["statement_timeout"] == "10min"
    assert show["client_connection_check_interval"] == f"{CLIENT_CHECK_INTERVAL_S}s"
    assert show["jit"] == "off"
    for name, value in KEEPALIVES.items():
        assert f"{name}={value}" in dsn, dsn


@pytest.mark.postgres
def test_the_statement_timeout_is_a_setting(db_url: str, monkeypatch) -> None:
    _pg(db_url)
    monkeypatch.setenv("SBEE_DESK_STATEMENT_TIMEOUT", "1")
    engine = create_db_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1s"
            with pytest.raises(Exception, match="statement timeout"):
                conn.exec_driver_sql("SELECT pg_sleep(5)")
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_killed_client_leaves_no_session_working(db_url: str) -> None:
    """kill -9 of a workstation in the middle of a long statement: the server stops
    working for it within seconds, not when the statement would have ended."""
    _pg(db_url)
    marker = f"sbee-kill-{uuid.uuid4().hex[:8]}"
    probe = (
        "import sys\n"
        "from sbee_desk.db.engine import create_db_engine\n"
        "engine = create_db_engine(sys.argv[1])\n"
        "with engine.connect() as conn:\n"
        f"    conn.exec_driver_sql(\"SET application_name = '{marker}'\")\n"
        "    conn.exec_driver_sql('SELECT pg_sleep(120)')\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", probe, db_url],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    watcher = create_db_engine(db_url)
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :m AND state = 'active'"
    )

    def working() -> int:
        with watcher.connect() as conn:
            return int(conn.execute(query, {"m": marker}).scalar() or 0)

    try:
        deadline = time.monotonic() + 60
        while working() == 0:
            assert child.poll() is None, "the probe ended before its statement"
            assert time.monotonic() < deadline, "the probe's statement never started"
            time.sleep(0.1)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        killed_at = time.monotonic()
        while working():
            assert time.monotonic() - killed_at < CLIENT_CHECK_INTERVAL_S + 10, (
                "the server kept working for a killed client"
            )
            time.sleep(0.2)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        watcher.dispose()


@pytest.mark.parametrize("raw", ["dix minutes", "-5"])
def test_a_bad_statement_timeout_setting_is_refused_in_french(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("SBEE_DESK_STATEMENT_TIMEOUT", raw)
    with pytest.raises(DatabaseError, match="n'est pas un nombre de secondes"):
        create_db_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
