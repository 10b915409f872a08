"""The window's side of the log (#17): each background task and each sign-in in the log
(start, end, duration, failure), and an unexpected error's box offering « Montrer les
détails… » with where the log is — never the password in it."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from sbee_desk import logs
from sbee_desk.app import install_excepthook
from sbee_desk.db.database import Database
from sbee_desk.gui import errors
from sbee_desk.gui.sign_in import SignInDialog
from sbee_desk.gui.tasks import TaskContext, TaskRunner
from sbee_desk.services.users import DEMO_PASSWORD
from tests.gui.conftest import ErrorRecorder


def read_log() -> str:
    return logs.log_path().read_text(encoding="utf-8")


def details_button(box: QMessageBox) -> QPushButton:
    found = [b for b in box.findChildren(QPushButton) if b.text().startswith("Montrer les")]
    assert len(found) == 1, [b.text() for b in box.findChildren(QPushButton)]
    return found[0]


def test_an_unexpected_error_shows_the_details_button_and_the_log_path(
    qtbot: QtBot, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    logs.setup_logging("gui")
    parent = QWidget()
    qtbot.addWidget(parent)
    box = errors.show_error(parent, ZeroDivisionError("division by zero"), "Import des données")
    qtbot.waitUntil(box.isVisible)
    path = str(logs.log_path())
    assert details_button(box).text() == "Montrer les détails…"  # Qt's own French words
    assert path in box.informativeText()
    assert box.detailedText().startswith(f"Journal : {path}\n")
    assert "ZeroDivisionError: division by zero" in box.detailedText()
    assert "erreur inattendue : Import des données" in read_log()
    box.close()


def test_an_expected_error_has_no_details_and_no_log_path(
    qtbot: QtBot, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    parent = QWidget()
    qtbot.addWidget(parent)
    box = errors.show_error(parent, errors.UserError("Choisissez un fichier."), "Import")
    qtbot.waitUntil(box.isVisible)
    assert box.informativeText() == "" and box.detailedText() == ""
    box.close()


def test_each_task_is_logged_with_its_duration_and_a_failure_once_with_its_traceback(
    qtbot: QtBot, sqlite_db: Database, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    logs.setup_logging("gui")
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(sqlite_db, parent)

    task = runner.start(lambda _ctx: 42, title="Chargement du tableau")
    with qtbot.waitSignal(task.ended):
        pass

    def broken(_ctx: TaskContext) -> None:
        raise KeyError("défaut")

    task = runner.start(broken, title="Import des données")
    with qtbot.waitSignal(task.ended):
        pass
    box = parent.findChild(QMessageBox, "errorBox")
    assert box is not None and str(logs.log_path()) in box.informativeText()
    box.close()
    runner.shutdown()

    text = read_log()
    assert "début : tâche « Chargement du tableau »" in text
    assert "fin : tâche « Chargement du tableau » (" in text
    assert "échec : tâche « Import des données » (" in text
    assert text.count("KeyError: 'défaut'") == 1  # the task's operation; the box adds none


def test_a_sign_in_is_logged_without_the_login_or_the_password(
    qtbot: QtBot, signed_db: Database
) -> None:
    logs.setup_logging("gui")
    dialog = SignInDialog(signed_db, "chef")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("pas-le-bon-42")
    dialog.try_sign_in()
    assert dialog.actor is None
    dialog.password_edit.setText(DEMO_PASSWORD)
    dialog.try_sign_in()
    assert dialog.actor is not None

    text = read_log()
    assert "refusé : connexion (" in text and "fin : connexion (" in text
    assert "pas-le-bon-42" not in text and DEMO_PASSWORD not in text
    assert "Rodrigue Tossou" not in text  # the user's name


def test_an_error_raised_outside_a_task_is_logged_and_shown(
    qtbot: QtBot, monkeypatch, shown_errors: ErrorRecorder
) -> None:
    """A button's action that raises (Qt hands it to sys.excepthook): the box, the log,
    and the window stays open."""
    shown_errors.expect()
    logs.setup_logging("gui")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    install_excepthook(window)
    try:
        raise LookupError("bouton cassé")
    except LookupError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and str(logs.log_path()) in box.informativeText()
    assert window.isVisible()
    assert "LookupError: bouton cassé" in read_log()
    box.close()
