"""Database opening, migrations and schema checks (#2)."""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from sbee_desk.db.database import open_database
from sbee_desk.db.engine import DatabaseError
from sbee_desk.db.migrate import script_directory
from sbee_desk.db.models import Base
from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.domain.plans import default_plans
from sbee_desk.services import audit
from sbee_desk.services.rules_sql import load_plans


def test_revision_chain_is_linear() -> None:
    script = script_directory()
    heads = script.get_heads()
    assert len(heads) == 1, f"several heads: {heads}"
    revisions = list(script.walk_revisions())
    downs = [r.down_revision for r in revisions]
    assert downs.count(None) == 1
    for rev in revisions:
        assert not isinstance(rev.down_revision, tuple), f"merge revision {rev.revision}"


def test_upgrade_head_produces_exactly_the_models_schema(db) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_empty_file_is_initialised_with_default_plans(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        categories = set(conn.execute(text("SELECT category FROM recovery_plan")).scalars())
        journal = conn.execute(text("PRAGMA journal_mode")).scalar()
        fks = conn.execute(text("PRAGMA foreign_keys")).scalar()
    db.dispose()
    assert categories == {c.value for c in CustomerCategory}
    assert journal == "wal"
    assert fks == 1


def test_a_new_database_holds_the_default_plans_frozen_in_the_first_migration(db) -> None:
    """0001 writes a frozen copy of the default plans: today they are the live ones (a
    change of ``default_plans`` needs its own migration for the databases in use)."""
    with db.uow() as uow:
        stored = load_plans(uow)
    assert stored == {p.category.value: p for p in default_plans()}


def test_the_chain_hash_frozen_in_migration_0002_is_the_live_one() -> None:
    """0002 chains the existing events with a frozen copy of the hash; the live trail
    verifies that chain with ``services.audit.event_hash``: the two agree."""
    frozen = importlib.import_module(
        "sbee_desk.db.migrations.versions.0002_users_staff_audit_chain"
    )
    moment = dt.datetime(2026, 11, 30, 9, 15, 2, 123456, tzinfo=dt.UTC)
    event = {
        "id": 3, "occurred_at": moment,
        "actor": "chef", "action": "import", "entity": "contrats", "entity_key": "P-1",
        "before": {"zone": "Z1"}, "after": {"zone": "Z2 é"}, "details": None,
    }  # fmt: skip  # an event reads best as its few lines
    naive = {**event, "occurred_at": moment.replace(tzinfo=None)}
    assert frozen.GENESIS_HASH == audit.GENESIS_HASH
    assert frozen.event_hash("ab" * 32, event) == audit.event_hash("ab" * 32, event)
    assert frozen.event_hash("ab" * 32, naive) == audit.event_hash("ab" * 32, event)


def test_reopening_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    open_database(url).dispose()
    db = open_database(url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM recovery_plan")).scalar() == 9
    db.dispose()


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="n'est pas une base sbee-desk"):
        open_database(f"sqlite:///{path}")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    with pytest.raises(DatabaseError, match="version plus récente"):
        open_database(url)


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="injoignable"):
        open_database("postgresql+psycopg://postgres@127.0.0.1:1/nope?connect_timeout=2")


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="dossier"):
        open_database(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")


def test_postgresql_sessions_run_without_jit_and_keep_the_url_options(pg_template) -> None:
    from sbee_desk.db.engine import create_db_engine
    from tests.conftest import PG_ADMIN_URL

    if pg_template is None:
        pytest.skip("PostgreSQL unreachable (not under CI)")
    for url, work_mem in (
        (PG_ADMIN_URL, None),
        (PG_ADMIN_URL + "?options=-c%20work_mem%3D7MB", "7MB"),
    ):
        engine = create_db_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SHOW jit")).scalar_one() == "off"
                if work_mem is not None:
                    assert conn.execute(text("SHOW work_mem")).scalar_one() == work_mem
        finally:
            engine.dispose()
