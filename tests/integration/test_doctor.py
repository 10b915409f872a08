"""``sbee-desk doctor`` (#17): what a support technician checks, said in French."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from sbee_desk.cli import main
from sbee_desk.db.database import open_database
from sbee_desk.db.migrate import script_directory
from sbee_desk.services.backup import take_backup
from sbee_desk.services.doctor import Status, run_checks

AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def base(sqlite_template: Path, tmp_path: Path, monkeypatch) -> str:
    monkeypatch.setenv("SBEE_DESK_BACKUP_DIR", str(tmp_path / "sauvegardes"))
    monkeypatch.setenv("SBEE_DESK_ANCHORS", str(tmp_path / "ancres.txt"))
    path = tmp_path / "sbee.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def statuses(url: str, at: dt.datetime = AT) -> dict[str, Status]:
    return {c.title: c.status for c in run_checks(url, at=at).checks}


def fake_lpstat(folder: Path, output: str, monkeypatch) -> None:
    """The printing system (the machine's edge): an ``lpstat`` on the PATH."""
    folder.mkdir()
    program = folder / "lpstat"
    program.write_text(f"#!/bin/sh\nprintf '{output}'\n")
    program.chmod(0o700)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def test_a_healthy_workstation_is_all_ok(base, tmp_path, monkeypatch) -> None:
    fake_lpstat(tmp_path / "bin", "Bureau-HP accepting requests since Mon\\n", monkeypatch)
    db = open_database(base)
    take_backup(db.engine, at=AT - dt.timedelta(hours=3))
    db.dispose()
    report = run_checks(base, at=AT)
    found = {c.title: c for c in report.checks}
    assert {t: c.status for t, c in found.items()} == {
        "Base de données": Status.OK,
        "Intégrité de la base": Status.OK,
        "Totaux des règlements": Status.OK,
        "Journal d'audit": Status.OK,
        "Disque (base)": Status.OK,
        "Disque (sauvegardes)": Status.OK,
        "Polices et modèles": Status.OK,
        "Imprimantes": Status.OK,
        "Dernière sauvegarde": Status.OK,
    }
    assert found["Imprimantes"].detail == "Bureau-HP"
    assert report.ok and report.summary == "Tout est en ordre."


def test_an_old_backup_and_no_printer_are_said(base, tmp_path, monkeypatch) -> None:
    fake_lpstat(tmp_path / "bin", "", monkeypatch)
    db = open_database(base)
    take_backup(db.engine, at=AT - dt.timedelta(days=3))
    db.dispose()
    report = run_checks(base, at=AT)
    found = {c.title: c for c in report.checks}
    assert found["Dernière sauvegarde"].status is Status.WARN
    assert "(3 j)" in found["Dernière sauvegarde"].detail
    assert found["Imprimantes"].status is Status.WARN
    assert report.ok
    assert report.summary.startswith("Le poste fonctionne ; à surveiller : ")
    assert statuses(base, AT + dt.timedelta(days=10))["Dernière sauvegarde"] is Status.FAIL


def test_without_lpstat_the_printers_are_not_checked(base, monkeypatch) -> None:
    monkeypatch.setattr("sbee_desk.services.doctor.shutil.which", lambda _name: None)
    found = {c.title: c for c in run_checks(base, at=AT).checks}
    assert found["Imprimantes"].status is Status.SKIPPED
    assert found["Imprimantes"].detail.startswith("non vérifié")


def test_a_base_behind_ahead_or_damaged_is_found(base, tmp_path) -> None:
    path = Path(base.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    found = {c.title: c for c in run_checks(base, at=AT).checks}
    assert found["Base de données"].status is Status.FAIL
    assert "plus récent que ce logiciel" in found["Base de données"].detail
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0008'")
    found = {c.title: c for c in run_checks(base, at=AT).checks}
    assert found["Base de données"].status is Status.WARN
    head = script_directory().get_current_head()
    assert f"à mettre à jour vers {head}" in found["Base de données"].detail
    # the doctor never upgrades
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0008"


def test_a_broken_audit_chain_fails(base) -> None:
    path = Path(base.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE audit_head SET last_id = 5")
    found = {c.title: c for c in run_checks(base, at=AT).checks}
    assert found["Journal d'audit"].status is Status.FAIL
    assert "chaîne rompue" in found["Journal d'audit"].detail


def test_R3_a_payment_table_without_its_total_triggers_fails(base) -> None:
    """The selection reads each invoice's payments total (migration 0016): a payment
    table rebuilt by hand without its triggers would make R3 count wrong."""
    path = Path(base.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER payment_totals_update")
    found = {c.title: c for c in run_checks(base, at=AT).checks}
    assert found["Totaux des règlements"].status is Status.FAIL
    assert "payment_totals_update" in found["Totaux des règlements"].detail


def test_an_unreachable_server_fails_with_exit_1(capsys) -> None:
    code = main(
        ["--db", "postgresql+psycopg://postgres@127.0.0.1:1/nope?connect_timeout=2", "doctor"]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "[ÉCHEC] Base de données : Base de données injoignable" in out
    assert out.rstrip().splitlines()[-1].startswith("Problèmes à corriger : Base de données")
