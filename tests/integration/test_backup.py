"""Backups and restore of the database (#17): consistent copies with a manifest, kept
N days, taken before risky acts; a restore checked first and recorded in the journal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sbee_desk.cli import main
from sbee_desk.db.database import Database, open_database
from sbee_desk.db.migrate import script_directory
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit, audit_anchor, backup
from sbee_desk.services.actor import Actor
from sbee_desk.services.backup import BackupError, BackupReason, take_backup
from sbee_desk.services.backup_restore import inspect_backup, restore
from sbee_desk.services.users import create_demo_users

AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
DEMO_PASSWORD = "demo-sbee-2026"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database filled by the demo (once for the module)."""
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
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def anchors(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "ancres" / "ancres.txt"
    monkeypatch.setenv(audit_anchor.ENV_ANCHORS, str(path))
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "sauvegardes"
    monkeypatch.setenv("SBEE_DESK_BACKUP_DIR", str(path))
    return path


@pytest.fixture
def live(demo_file, tmp_path, anchors, folder) -> Iterator[Database]:
    path = tmp_path / "agence" / "sbee-desk.db"
    path.parent.mkdir()
    shutil.copyfile(demo_file, path)
    db = open_database(f"sqlite:///{path}")
    yield db
    db.dispose()


ADMIN = Actor("admin")


def count(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def sqlite_count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# ------------------------------------------------------------------------ taking


def test_a_backup_is_a_consistent_private_copy_with_its_manifest(live, folder, anchors) -> None:
    result = take_backup(live.engine, BackupReason.MANUAL, at=AT)
    assert result.path.parent == folder
    assert result.path.name == "sbee-desk-20261201-093000-manuelle.db"
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    side = json.loads((folder / (result.path.name + ".json")).read_text("utf-8"))
    assert side["created_at"] == "2026-12-01T09:30:00Z"
    assert side["schema_revision"] == script_directory().get_current_head()
    assert side["agencies"] == ["ABC-CALAVI", "COT-CENTRE"]
    assert side["counts"]["customer"] == count(live, "customer")
    assert (
        side["audit_anchor"]["event"] == side["audit_head"]["event"] == count(live, "audit_event")
    )
    # the same manifest inside the file, and the anchor appended to the anchors file
    with sqlite3.connect(result.path) as conn:
        inside = conn.execute("SELECT value FROM app_meta WHERE key='backup_manifest'").fetchone()
    assert json.loads(inside[0]) == side
    assert anchors.read_text("utf-8").rstrip().endswith("sauvegarde")


def test_a_backup_holds_what_is_committed_never_a_half_written_change(live, folder) -> None:
    before = count(live, "customer")
    with live.engine.connect() as conn:  # a writer half-way through
        conn.execute(text("DELETE FROM payment"))
        conn.execute(text("UPDATE customer SET name = 'MOITIÉ'"))
        result = take_backup(live.engine, at=AT)
        conn.rollback()
    assert sqlite_count(result.path, "customer") == before
    with sqlite3.connect(result.path) as conn:
        assert conn.execute("SELECT count(*) FROM customer WHERE name='MOITIÉ'").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sqlite_count(result.path, "payment") == count(live, "payment") > 0


def test_automatic_backups_are_kept_the_setting_s_days(live, folder) -> None:
    for days in (40, 31, 29, 1):
        take_backup(live.engine, BackupReason.DAILY, at=AT - dt.timedelta(days=days))
    result = take_backup(live.engine, BackupReason.DAILY, at=AT)
    kept = sorted(p.name for p in folder.glob("*.db"))
    assert result.removed == 1  # the 40-day-old one went at the previous backup
    assert kept == [
        "sbee-desk-20261102-093000-quotidienne.db",
        "sbee-desk-20261130-093000-quotidienne.db",
        "sbee-desk-20261201-093000-quotidienne.db",
    ]
    assert not list(folder.glob("sbee-desk-20261021*"))  # its manifest went with it


def test_the_daily_backup_is_taken_once_a_day(live, folder) -> None:
    assert backup.daily_backup_if_due(live.engine, AT) is not None
    assert backup.daily_backup_if_due(live.engine, AT + dt.timedelta(hours=2)) is None
    assert backup.daily_backup_if_due(live.engine, AT + dt.timedelta(days=1)) is not None
    assert len(list(folder.glob("*.db"))) == 2


def test_the_administrator_chooses_the_folder_and_the_days(live, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SBEE_DESK_BACKUP_DIR")
    share = tmp_path / "partage" / "sauvegardes"
    create_demo_users(live.uow()) if count(live, "app_user") == 0 else None
    chosen = backup.set_settings(live.uow(), ADMIN, folder=str(share), keep_days=7)
    assert (chosen.folder, chosen.keep_days, chosen.chosen) == (share, 7, True)
    assert take_backup(live.engine, at=AT).path.parent == share
    with pytest.raises(BackupError) as refused:
        backup.set_settings(live.uow(), ADMIN, keep_days=0)
    assert "entre 1 et 3650" in str(refused.value)


def test_a_backup_folder_that_cannot_be_written_is_a_clear_error(live, tmp_path, monkeypatch):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("x")
    monkeypatch.setenv("SBEE_DESK_BACKUP_DIR", str(blocker / "sauvegardes"))
    with pytest.raises(BackupError) as refused:
        take_backup(live.engine, at=AT)
    assert "Sauvegarde impossible dans" in str(refused.value)
    assert "Rien n'a été écrit" in str(refused.value)
    # and the administrator cannot choose it
    with pytest.raises(BackupError, match="Dossier de sauvegarde"):
        backup.set_settings(live.uow(), ADMIN, folder=str(blocker / "x"))


def test_a_full_disk_leaves_no_half_backup(live, folder, monkeypatch) -> None:
    import errno

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sbee_desk.db.snapshot.os.replace", full)  # the disk: the system's edge
    with pytest.raises(BackupError, match="disque plein"):
        take_backup(live.engine, at=AT)
    assert list(folder.iterdir()) == []


def test_the_night_edition_backs_the_database_up_first(live, folder, monkeypatch) -> None:
    from sbee_desk.services.edition import run_edition

    monkeypatch.setattr(backup, "now", lambda: AT)
    run_edition(live.uow(), Actor("chef"), workers=0, today_=dt.date(2026, 12, 1))
    assert [p.name for p in folder.glob("*.db")] == ["sbee-desk-20261201-093000-avant-edition.db"]


def test_postgresql_is_backed_up_with_pg_dump(db_url, folder, anchors) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump absent")
    db = open_database(db_url)
    try:
        result = take_backup(db.engine, at=AT)
    finally:
        db.dispose()
    assert result.path.name.endswith("-manuelle.dump")
    assert result.path.read_bytes()[:5] == b"PGDMP"
    assert json.loads(Path(str(result.path) + ".json").read_text())["backend"] == "postgresql"


def test_without_pg_dump_the_message_says_what_to_do(db_url, folder, monkeypatch) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    monkeypatch.setattr("sbee_desk.services.backup.shutil.which", lambda _name: None)
    db = open_database(db_url)
    try:
        with pytest.raises(BackupError) as refused:
            take_backup(db.engine, at=AT)
        with pytest.raises(BackupError, match="pg_restore"):
            inspect_backup(Path("x.dump"), db.engine)
    finally:
        db.dispose()
    assert "pg_dump est introuvable" in str(refused.value)


# ------------------------------------------------------------------------ restore


def test_a_restore_brings_the_backup_back_keeps_the_old_base_and_explains_the_anchors(
    live, folder, anchors
) -> None:
    taken = take_backup(live.engine, at=AT)
    customers = count(live, "customer")
    with live.uow().write() as uow:  # after the backup: work that the restore undoes
        uow.session.execute(text("DELETE FROM payment"))
        audit.record(uow, ADMIN, AuditAction.BACKUP_SETTINGS, details={"après": 1})
        uow.commit()
    audit_anchor.publish(live.uow(), audit_anchor.AnchorReason.COMMAND)
    info = inspect_backup(taken.path, live.engine)
    assert info.counts["customer"] == customers
    result = restore(live.engine, info, ADMIN)
    assert result.kept_aside.name.startswith("sbee-desk.db.avant-restauration-")
    assert sqlite_count(result.kept_aside, "payment") == 0
    db = open_database(str(live.engine.url))
    try:
        assert (
            count(db, "payment") == taken.manifest["counts"]["payment"]
            if "payment" in (taken.manifest["counts"])
            else count(db, "payment") > 0
        )
        status = audit_anchor.verify_with_anchors(db.uow())
        with db.uow() as uow:
            last = audit.chain_head(uow).event
    finally:
        db.dispose()
    assert status.ok, status.problems
    assert [n.code for n in status.notes][:1] == ["RESTORED"]
    assert last == result.audit_event == taken.manifest["audit_head"]["event"] + 1
    assert not info.working_copy.exists()


def test_without_the_restore_line_the_anchors_would_say_the_journal_was_cut(
    live, folder, anchors
) -> None:
    """The restore line is what explains the anchors: the same base put back by hand
    is a cut journal."""
    taken = take_backup(live.engine, at=AT)
    for _ in range(3):
        with live.uow().write() as uow:
            audit.record(uow, ADMIN, AuditAction.BACKUP_SETTINGS)
            uow.commit()
    audit_anchor.publish(live.uow(), audit_anchor.AnchorReason.COMMAND)
    path = Path(str(live.engine.url.database))
    live.dispose()
    from sbee_desk.db.snapshot import put_back

    put_back(taken.path, path)
    status = audit_anchor.verify_with_anchors(live.uow())
    assert [p.code for p in status.problems] == ["TRUNCATED"]


def refused(path: Path, db: Database, *words: str) -> str:
    before = Path(str(db.engine.url.database)).read_bytes()
    with pytest.raises(BackupError) as caught:
        info = inspect_backup(path, db.engine)
        restore(db.engine, info, ADMIN)
    message = str(caught.value)
    for word in words:
        assert word in message
    assert "Rien n'a été remplacé" in message
    assert Path(str(db.engine.url.database)).read_bytes() == before
    assert not list(Path(str(db.engine.url.database)).parent.glob("*avant-restauration*"))
    assert not list(Path(str(db.engine.url.database)).parent.glob(".*restauration*"))
    return message


def test_a_file_that_is_not_a_database_is_refused(live, tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("bonjour", "utf-8")
    refused(path, live, "n'est pas une base de données SQLite")
    refused(tmp_path / "absente.db", live, "introuvable")


def test_a_truncated_backup_is_refused(live, folder, tmp_path) -> None:
    taken = take_backup(live.engine, at=AT)
    cut = tmp_path / "coupee.db"
    data = taken.path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    refused(cut, live, "endommagée ou incomplète")


def test_a_backup_of_a_newer_version_is_refused(live, folder) -> None:
    taken = take_backup(live.engine, at=AT)
    with sqlite3.connect(taken.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    refused(taken.path, live, "version plus récente", "0099")


def test_another_application_s_database_is_refused(live, tmp_path) -> None:
    other = tmp_path / "autre.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    refused(other, live, "pas une base sbee-desk")


def test_a_backup_of_another_agency_is_refused(live, folder) -> None:
    taken = take_backup(live.engine, at=AT)
    with live.engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF"))
    with sqlite3.connect(taken.path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("UPDATE agency SET code = 'PNO-' || code")
    refused(taken.path, live, "autre agence", "PNO-ABC-CALAVI", "COT-CENTRE")


def test_a_backup_whose_journal_was_changed_is_refused(live, folder) -> None:
    taken = take_backup(live.engine, at=AT)
    with sqlite3.connect(taken.path) as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_event SET actor = 'intrus' WHERE id = 3")
    refused(taken.path, live, "ne se vérifie pas", "n° 3")


def test_a_restore_while_the_window_has_the_base_open_is_refused(live, folder) -> None:
    taken = take_backup(live.engine, at=AT)
    window = open_database(str(live.engine.url))  # the window: its engine and pool
    try:
        with window.uow() as uow:
            uow.session.execute(text("SELECT 1 FROM customer LIMIT 1"))
        refused(taken.path, live, "ouverte par un autre programme")
    finally:
        window.dispose()


def test_restore_is_the_administrator_s(live, folder) -> None:
    from sbee_desk.services.errors import ServiceError

    taken = take_backup(live.engine, at=AT)
    info = inspect_backup(taken.path, live.engine)
    try:
        with pytest.raises(ServiceError, match="rôle requis"):
            restore(live.engine, info, Actor("chef"))
    finally:
        info.discard()


# ------------------------------------------------------------------------ the commands


@pytest.fixture
def run(live, monkeypatch, capsys):
    monkeypatch.setenv("SBEE_DESK_DB", str(live.engine.url))
    monkeypatch.setenv("SBEE_DESK_USER", "admin")
    monkeypatch.setenv("SBEE_DESK_PASSWORD", DEMO_PASSWORD)
    live.dispose()

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_backup_and_restore_commands(run, tmp_path) -> None:
    out_file = tmp_path / "cle-usb" / "sauvegarde.db"
    out_file.parent.mkdir()
    code, out, _err = run("backup", "--out", str(out_file))
    assert code == 0, _err
    assert f"Sauvegarde écrite : {out_file}" in out
    code, out, err = run("restore", str(out_file))  # no terminal, no --yes
    assert code == 2
    assert "non confirmée" in err and "Rien n'a été remplacé" in err
    code, out, err = run("restore", str(out_file), "--yes")
    assert code == 0, err
    assert "sauvegarde du " in out and "971 clients" in out
    assert "L'ancienne base est gardée" in out
    code, out, _err = run("audit", "verify")
    assert code == 0
    assert "restauration d'une sauvegarde" in out or "Journal d'audit intègre" in out


def test_restore_by_another_role_is_refused_in_french(run, tmp_path, monkeypatch) -> None:
    out_file = tmp_path / "s.db"
    assert run("backup", "--out", str(out_file))[0] == 0
    monkeypatch.setenv("SBEE_DESK_USER", "chef")
    code, _out, err = run("restore", str(out_file), "--yes")
    assert code == 2
    assert "rôle requis" in err


def test_doctor_says_what_holds_in_french(run, monkeypatch) -> None:
    code, out, _err = run("doctor")
    assert "[OK] Base de données" in out
    assert "[OK] Intégrité de la base" in out
    assert "[ÉCHEC] Dernière sauvegarde : aucune" in out
    assert code == 1
    assert run("backup")[0] == 0
    code, out, _err = run("doctor")
    assert "[OK] Dernière sauvegarde" in out
    assert "[OK] Polices et modèles" in out
    assert "Imprimantes" in out
    assert code == 0, out


def test_a_backup_of_an_earlier_revision_is_restored_and_upgraded(live, folder) -> None:
    from alembic import command

    from sbee_desk.db.engine import create_db_engine
    from sbee_desk.db.migrate import alembic_config, current_revision, script_directory

    taken = take_backup(live.engine, at=AT)
    old = create_db_engine(f"sqlite:///{taken.path}")
    try:
        command.downgrade(alembic_config(old), "0008")
    finally:
        old.dispose()
    info = inspect_backup(taken.path, live.engine)
    assert info.schema_revision == "0008"
    restore(live.engine, info, ADMIN)
    assert current_revision(live.engine) == script_directory().get_current_head()
    assert count(live, "customer") == taken.manifest["counts"]["customer"]
    assert audit.verify_chain(live.uow()).ok


def test_the_folder_and_days_are_set_from_the_command_line(run, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SBEE_DESK_BACKUP_DIR")
    share = tmp_path / "partage"
    code, out, err = run("backup", "--folder", str(share), "--keep-days", "7")
    assert code == 0, err
    assert out.strip() == f"Sauvegardes : dossier « {share} », conservées 7 jours."
    code, out, _err = run("backup")
    assert code == 0 and f"Sauvegarde écrite : {share}" in out
    code, _out, err = run("backup", "--keep-days", "0")
    assert code == 2 and "entre 1 et 3650" in err


class _Terminal:
    """Standard input as a terminal where the user types ``answer`` (the edge)."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("oui", 0), ("non", 2)])
def test_restore_asks_on_a_terminal(run, tmp_path, monkeypatch, answer, code) -> None:
    saved = tmp_path / "s.db"
    assert run("backup", "--out", str(saved))[0] == 0
    asked: list[str] = []
    monkeypatch.setattr("sys.stdin", _Terminal(answer))

    def typed(prompt: str) -> str:
        asked.append(prompt)
        return answer

    monkeypatch.setattr("builtins.input", typed)
    got, out, _err = run("restore", str(saved))
    assert got == code
    assert asked == ["Restaurer cette sauvegarde ? Tapez « oui » pour confirmer : "]
    assert ("Base restaurée" in out) is (answer == "oui")
    if answer != "oui":
        assert "Restauration abandonnée : rien n'a été remplacé." in out


def test_a_restore_while_another_program_has_the_base_open_is_refused(live, folder) -> None:
    """Another process (another command, a window on another workstation sharing the
    file) holding the base open, idle: refused; once it has closed, the restore works."""
    import subprocess
    import sys

    taken = take_backup(live.engine, at=AT)
    path = str(live.engine.url.database)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({path!r})\n"
            "c.execute('SELECT count(*) FROM customer').fetchone()\n"
            "print('ouvert', flush=True)\n"
            "sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ouvert"
        refused(taken.path, live, "ouverte par un autre programme")
    finally:
        holder.communicate("\n", timeout=30)
    result = restore(live.engine, inspect_backup(taken.path, live.engine), ADMIN)
    assert result.kept_aside.exists()


def test_a_backup_is_never_written_over_the_base_itself(live, anchors) -> None:
    path = Path(str(live.engine.url.database))
    before = path.read_bytes()
    with pytest.raises(BackupError, match="est la base elle-même"):
        take_backup(live.engine, out=path, at=AT)
    assert path.read_bytes() == before
    assert not anchors.exists() or "sauvegarde" not in anchors.read_text("utf-8")


def test_after_a_restore_a_cut_journal_is_still_found(live, folder, anchors) -> None:
    """The restore line replaces only the anchors written before it: the journal cut
    after the restore is found as ever."""
    taken = take_backup(live.engine, at=AT)
    restore(live.engine, inspect_backup(taken.path, live.engine), ADMIN)
    for _ in range(3):
        with live.uow().write() as uow:
            audit.record(uow, ADMIN, AuditAction.BACKUP_SETTINGS)
            uow.commit()
    anchored = audit_anchor.publish(live.uow(), audit_anchor.AnchorReason.COMMAND)
    with live.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        conn.execute(text("DELETE FROM audit_event WHERE id > :n"), {"n": anchored.event - 2})
        conn.execute(
            text(
                "UPDATE audit_head SET last_id = :n, last_hash = (SELECT hash FROM audit_event "
                "WHERE id = :n)"
            ),
            {"n": anchored.event - 2},
        )
    status = audit_anchor.verify_with_anchors(live.uow())
    assert [p.code for p in status.problems] == ["TRUNCATED"]
    assert status.problems[0].data["event"] == anchored.event
