"""The composition root: run_gui opens the window, or explains a bad database (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from sbee_desk import app as app_module
from sbee_desk.db.database import Database
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.sign_in import SignInDialog
from sbee_desk.services.actor import Actor
from sbee_desk.services.users import DEMO_PASSWORD


def test_unusable_database_is_explained_in_french(tmp_path: Path) -> None:
    """The real message box is shown (blocking: the application cannot start) and
    answered as the user does, by its OK button; nothing of it is replaced."""
    shown: list[tuple[str, str]] = []

    def answer() -> None:  # polled by the event loop the box runs, until it is there
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        shown.append((box.windowTitle(), box.text()))
        ok = box.button(QMessageBox.StandardButton.Ok)
        assert ok is not None
        ok.click()

    QTimer.singleShot(0, answer)
    status = app_module.run_gui(f"sqlite:///{tmp_path}/absent/sbee.db", "chef.test")
    assert status == app_module.EXIT_DATABASE == 2
    ((title, text),) = shown
    assert title == "Base de données inutilisable"
    assert "Le dossier de la base de données n'existe pas" in text
    assert "--db" in text


def test_run_gui_opens_the_main_window(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[MainWindow] = []
    build = app_module.build_main_window

    def build_and_quit(db: Database, actor: Actor | None) -> MainWindow:
        window = build(db, actor)
        opened.append(window)
        window.ready.connect(lambda: QTimer.singleShot(0, window.close))
        return window

    monkeypatch.setattr(app_module, "build_main_window", build_and_quit)
    assert app_module.run_gui(sqlite_db.url, "chef.test") == 0
    (window,) = opened
    assert window.user_label.text() == "Utilisateur : aucun"  # no user in this base yet
    assert QApplication.applicationName() == "sbee-desk"


def test_sign_in_from_the_environment(signed_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SBEE_DESK_PASSWORD", DEMO_PASSWORD)
    go_on, actor = app_module.sign_in(signed_db, "chef")
    assert go_on and actor is not None and actor.login == "chef"


def test_sign_in_dialog_says_why_it_refuses(qtbot: QtBot, signed_db: Database) -> None:
    dialog = SignInDialog(signed_db, "chef")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("mauvais")
    dialog.try_sign_in()
    assert dialog.actor is None
    assert dialog.error_label.text() == "Identifiant ou mot de passe incorrect."
    assert dialog.password_edit.text() == ""
    dialog.password_edit.setText(DEMO_PASSWORD)
    dialog.try_sign_in()
    assert dialog.actor is not None and dialog.actor.full_name == "Rodrigue Tossou"
