"""Upgrades never lose data (#17): a database filled by the demo, brought to each
earlier revision, upgraded to head keeps its rows and its audit chain; an upgrade
that fails leaves the database as it was, put back from the backup taken just before.

The earlier databases: the demo filled at head, then brought down to revision N — the
rows of the tables that exist at N stay (a downgrade drops only what N does not have),
which is what a database of revision N holds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from sbee_desk.cli import main
from sbee_desk.db import migrate
from sbee_desk.db.database import open_database
from sbee_desk.db.engine import DatabaseError, create_db_engine
from sbee_desk.db.migrate import alembic_config, script_directory
from sbee_desk.db.snapshot import COUNTED
from sbee_desk.services import audit
from sbee_desk.services.audit_anchor import verify_with_anchors

#: the revisions a database of a released version may be at (0002: the audit chain)
EARLIER = [
    r.revision
    for r in reversed(list(script_directory().walk_revisions()))
    if r.revision not in ("0001", script_directory().get_current_head())
]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    old = os.environ.get("SBEE_DESK_ANCHORS")
    os.environ["SBEE_DESK_ANCHORS"] = str(folder / "ancres.txt")
    try:
        assert main(["--db", f"sqlite:///{path}", "demo"]) == 0
    finally:
        if old is None:
            os.environ.pop("SBEE_DESK_ANCHORS")
        else:
            os.environ["SBEE_DESK_ANCHORS"] = old
    return path


def at_revision(demo_file: Path, folder: Path, revision: str) -> Path:
    path = folder / "agence.db"
    shutil.copyfile(demo_file, path)
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        command.downgrade(alembic_config(engine), revision)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


def rows(path: Path) -> dict[str, Any]:
    """Every row of the counted tables present (their whole content, sorted)."""
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        found: dict[str, Any] = {}
        for table in COUNTED:
            if table in tables:
                columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                found[table] = (columns, sorted(conn.execute(f"SELECT * FROM {table}"), key=repr))
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    found["_revision"] = revision
    return found


@pytest.mark.parametrize("revision", EARLIER)
def test_an_upgrade_from_each_earlier_revision_keeps_rows_and_audit_chain(
    demo_file, tmp_path, monkeypatch, revision
) -> None:
    monkeypatch.setenv("SBEE_DESK_BACKUP_DIR", str(tmp_path / "sauvegardes"))
    monkeypatch.setenv("SBEE_DESK_ANCHORS", str(tmp_path / "ancres.txt"))
    path = at_revision(demo_file, tmp_path, revision)
    before = rows(path)
    assert before.pop("_revision") == revision
    assert len(before["customer"][1]) > 1000 and len(before["audit_event"][1]) > 100

    db = open_database(f"sqlite:///{path}")  # upgraded to head
    try:
        chain = audit.verify_chain(db.uow())
        anchored = verify_with_anchors(db.uow())
    finally:
        db.dispose()
    after = rows(path)
    assert after.pop("_revision") == script_directory().get_current_head()
    for table, (columns, old_rows) in before.items():
        new_columns, new_rows = after[table]
        keep = [new_columns.index(c) for c in columns]  # columns added since: beside
        assert sorted((tuple(r[i] for i in keep) for r in new_rows), key=repr) == old_rows, table
    assert chain.ok and chain.events == len(before["audit_event"][1])
    assert anchored.ok
    # and the backup taken before the upgrade holds the database as it was
    (backup,) = (tmp_path / "sauvegardes").glob("sbee-desk-*-avant-mise-a-jour.db")
    kept = rows(backup)
    assert kept.pop("_revision") == revision
    assert {t: len(r) for t, (_c, r) in kept.items()} == {
        t: len(r) for t, (_c, r) in before.items()
    }


def test_a_failed_upgrade_leaves_the_database_as_it_was(demo_file, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SBEE_DESK_BACKUP_DIR", str(tmp_path / "sauvegardes"))
    path = at_revision(demo_file, tmp_path, "0006")
    before = rows(path)
    real_upgrade = migrate.upgrade

    def fails_half_way(engine) -> None:  # a migration step that raises (the double)
        command.upgrade(alembic_config(engine), "0008")  # some steps done…
        raise RuntimeError("étape 0009 : colonne en double")

    monkeypatch.setattr(migrate, "upgrade", fails_half_way)
    with pytest.raises(DatabaseError) as failed:
        open_database(f"sqlite:///{path}")
    message = str(failed.value)
    assert "La mise à jour du schéma de la base a échoué (étape 0009" in message
    assert "remise dans son état d'avant" in message and "rien n'est perdu" in message
    assert rows(path) == before  # revision 0006 and every row, as before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    monkeypatch.setattr(migrate, "upgrade", real_upgrade)  # the next version upgrades it
    open_database(f"sqlite:///{path}").dispose()
    assert rows(path)["_revision"] == script_directory().get_current_head()


def test_no_upgrade_without_its_backup(demo_file, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    monkeypatch.setenv("SBEE_DESK_BACKUP_DIR", str(blocker / "sauvegardes"))
    path = at_revision(demo_file, tmp_path, "0008")
    before = rows(path)
    with pytest.raises(DatabaseError) as refused:
        open_database(f"sqlite:///{path}")
    assert "la sauvegarde qui précède la mise à jour est impossible" in str(refused.value)
    assert "La base n'a pas été modifiée" in str(refused.value)
    assert rows(path) == before


def test_a_failed_upgrade_on_postgresql_is_rolled_back_whole(db_url, monkeypatch) -> None:
    """PostgreSQL: the upgrade runs in one transaction; a step that fails after the
    others leaves the base at its revision, every change undone."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    from alembic.runtime.migration import MigrationContext

    from sbee_desk.db.migrate import current_revision

    engine = create_db_engine(db_url)
    try:
        command.downgrade(alembic_config(engine), "0006")
    finally:
        engine.dispose()
    real = MigrationContext.run_migrations

    def last_step_fails(self, **kwargs) -> None:  # the double: a step that raises
        real(self, **kwargs)  # every step done in the transaction…
        raise RuntimeError("étape finale : contrainte violée")

    monkeypatch.setattr(MigrationContext, "run_migrations", last_step_fails)
    with pytest.raises(DatabaseError) as failed:
        open_database(db_url)
    assert "a échoué (étape finale : contrainte violée)" in str(failed.value)
    assert "dans son état d'avant (la mise à jour se fait en une transaction)" in str(failed.value)
    engine = create_db_engine(db_url)
    try:
        assert current_revision(engine) == "0006"
        with engine.connect() as conn:
            columns = {
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'candidate'"
                )
            }
    finally:
        engine.dispose()
    assert "dropped_code" not in columns  # 0008's column, rolled back


def test_the_revisions_read_from_the_migration_files_are_alembics() -> None:
    """The fast path of :func:`migrate.prepare_database` (#18) knows the same revisions
    and head as alembic."""
    script = script_directory()
    known, head = migrate.shipped_revisions()
    assert head == script.get_current_head() and head is not None
    assert known == {r.revision for r in script.walk_revisions()}


def test_a_database_at_head_opens_without_importing_alembic(sqlite_db) -> None:
    """Every command opens its database: one at head does not need alembic (#18); the
    earlier revisions are upgraded by it (above)."""
    code = (
        "import sys; from sbee_desk.db.database import open_database; "
        f"open_database({sqlite_db.url!r}).dispose(); "
        "assert 'alembic' not in sys.modules, 'alembic imported'"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy()
    )
    assert proc.returncode == 0, proc.stderr
