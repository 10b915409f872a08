"""The « Sauvegardes » tab of the Paramètres page (#17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database, open_database
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.backup import take_backup
from tests.gui.conftest import ACTOR, ErrorRecorder, WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.test_settings_page import open_settings

ADMIN = Actor("admin", frozenset({Role.ADMIN}), "Administrateur de l'agence")
SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "tmp"


@pytest.fixture(autouse=True)
def folders(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SBEE_DESK_ANCHORS", str(tmp_path / "ancres.txt"))
    folder = tmp_path / "sauvegardes"
    monkeypatch.setenv("SBEE_DESK_BACKUP_DIR", str(folder))
    return folder


def backups_tab(qtbot: QtBot, make_window: WindowFactory, db: Database, actor: Actor = ADMIN):
    window, page = open_settings(qtbot, make_window, db, actor)
    page.view.tabs.setCurrentWidget(page.view.backup_tab)
    tab = page.view.backup_tab
    qtbot.waitUntil(lambda: "Dernière sauvegarde" in tab.last_label.text(), timeout=20_000)
    return window, page, tab


def visible_box(window, name: str) -> QMessageBox:
    found = [b for b in window.findChildren(QMessageBox, name) if b.isVisible()]
    assert found, name
    return found[0]


def test_back_up_now_shows_the_last_backup(qtbot, make_window, demo_db, folders) -> None:
    window, page, tab = backups_tab(qtbot, make_window, demo_db)
    assert "aucune" in tab.last_label.text()
    assert str(folders) in tab.where_label.text() and "30 jours" in tab.where_label.text()
    with qtbot.waitSignal(page.backups.backed_up, timeout=20_000):
        tab.backup_button.click()
    (written,) = folders.glob("sbee-desk-*-manuelle.db")
    qtbot.waitUntil(lambda: written.name in tab.last_label.text(), timeout=20_000)
    assert " Mo)" in tab.last_label.text() or " Ko)" in tab.last_label.text()
    assert str(written) in tab.status_label.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "settings-backups.png"))


def test_restore_from_the_window_after_its_confirmation(qtbot, make_window, demo_db, folders):
    taken = take_backup(demo_db.engine, at=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    with demo_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM payment"))
    window, page, tab = backups_tab(qtbot, make_window, demo_db)
    tab.restore_button.click()
    choose_in_file_dialog(qtbot, window, taken.path)
    qtbot.waitUntil(lambda: page.backups.confirmation is not None, timeout=20_000)
    box = page.backups.confirmation
    assert box is not None and box.objectName() == "confirmRestore"
    assert "sauvegarde du 01/12/2026" in box.text()
    assert "clients" in box.text() and "relancez le logiciel" in box.text()
    box.grab().save(str(SHOTS / "settings-restore-confirm.png"))
    restore_button = next(b for b in box.buttons() if b.text() == "Restaurer")
    with qtbot.waitSignal(page.backups.restored, timeout=30_000) as restored:
        restore_button.click()
    assert "Relancez le logiciel" in restored.args[0]
    done = visible_box(window, "restoreDone")
    assert "La fenêtre va se fermer" in done.text()
    done.accept()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)
    window.ctx.tasks.shutdown()
    again = open_database(str(demo_db.engine.url))
    try:
        with again.engine.connect() as conn:
            payments = conn.execute(text("SELECT count(*) FROM payment")).scalar_one()
            last = conn.execute(
                text("SELECT action FROM audit_event ORDER BY id DESC LIMIT 1")
            ).scalar_one()
    finally:
        again.dispose()
    assert payments == taken.manifest["counts"].get("payment", payments) and payments > 0
    assert last in ("backup.restore", "login")


def test_a_file_that_is_not_a_backup_is_refused_nothing_replaced(
    qtbot, make_window, demo_db, tmp_path, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    notes = tmp_path / "notes.db"
    notes.write_text("pas une base", "utf-8")
    before = Path(str(demo_db.engine.url.database)).stat().st_size
    window, page, tab = backups_tab(qtbot, make_window, demo_db)
    tab.restore_button.click()
    with qtbot.waitSignal(page.backups.refused, timeout=20_000) as refused:
        choose_in_file_dialog(qtbot, window, notes)
    assert "n'est pas une base de données SQLite" in refused.args[0]
    assert "Rien n'a été remplacé" in refused.args[0]
    assert page.backups.confirmation is None
    assert Path(str(demo_db.engine.url.database)).stat().st_size == before
    qtbot.waitUntil(lambda: tab.restore_button.isEnabled(), timeout=20_000)


def test_restore_is_offered_to_the_administrator_only(qtbot, make_window, demo_db) -> None:
    _window, _page, tab = backups_tab(qtbot, make_window, demo_db, ACTOR)
    assert tab.backup_button.isEnabled()
    assert not tab.restore_button.isEnabled()
    assert tab.restore_button.toolTip() == "Réservé à l'administrateur."
    assert not tab.folder_button.isEnabled()


def test_the_administrator_chooses_the_backup_folder(
    qtbot, make_window, demo_db, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("SBEE_DESK_BACKUP_DIR")
    share = tmp_path / "partage"
    share.mkdir()
    window, page, tab = backups_tab(qtbot, make_window, demo_db)
    tab.folder_button.click()
    with qtbot.waitSignal(page.backups.folder_changed, timeout=20_000):
        choose_in_file_dialog(qtbot, window, share)
    qtbot.waitUntil(lambda: str(share) in tab.where_label.text(), timeout=20_000)
    with qtbot.waitSignal(page.backups.backed_up, timeout=20_000):
        tab.backup_button.click()
    assert len(list(share.glob("sbee-desk-*-manuelle.db"))) == 1
