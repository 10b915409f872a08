"""A dialog shows no error before the user has typed (issue #10).

Each dialog of gui/dialogs (the print dialogs aside), the sign-in and the first
administrator: freshly opened, no error is visible; after bad input (a field edited,
or the form submitted), the error says what is wrong.
"""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.dialogs.admin_dialogs import PasswordDialog, StaffDialog, UserDialog
from sbee_desk.gui.dialogs.review_dialogs import OTHER_REASON, DerogationDialog, ExclusionDialog
from sbee_desk.gui.first_start import FirstStartDialog
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.sign_in import FirstAdministratorDialog, SignInDialog
from sbee_desk.services.users import UserInfo
from tests.gui.test_review_models import line

REASONS = [("LITIGE", "Litige en cours"), (OTHER_REASON, "Autre motif (préciser)")]


def opened(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def shows_error(label: QLabel) -> bool:
    return label.isVisible() and bool(label.text().strip())


def test_the_exclusion_dialog(qtbot: QtBot) -> None:
    dialog = opened(qtbot, ExclusionDialog(REASONS, [line("P1", Decision.RESILIATION)]))
    assert isinstance(dialog, ExclusionDialog)
    assert not shows_error(dialog.problem_label)
    assert not dialog.ok_button.isEnabled()  # nothing chosen yet: nothing to submit
    # « Autre motif » without its precision: said at once
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData(OTHER_REASON))
    assert shows_error(dialog.problem_label)
    assert "précisez" in dialog.problem_label.text()
    qtbot.keyClicks(dialog.note_edit, "Client en litige")
    assert not shows_error(dialog.problem_label) and dialog.ok_button.isEnabled()
    # back to no motif: the missing motif is said
    dialog.reason_combo.setCurrentIndex(0)
    assert dialog.problem_label.text() == "Choisissez le motif de l'exclusion."
    assert shows_error(dialog.problem_label)


def test_the_derogation_dialog(qtbot: QtBot) -> None:
    today = dt.date(2026, 11, 20)
    dialog = opened(qtbot, DerogationDialog(line("P3", Decision.EXEMPTE), today, today))
    assert isinstance(dialog, DerogationDialog)
    assert not shows_error(dialog.problem_label)
    assert not dialog.ok_button.isEnabled()
    # a reference typed then erased: the missing reference is said
    qtbot.keyClicks(dialog.reference_edit, "DG")
    assert not shows_error(dialog.problem_label)
    dialog.reference_edit.clear()
    assert shows_error(dialog.problem_label)
    assert "référence" in dialog.problem_label.text()
    # an end of validity before the decision
    qtbot.keyClicks(dialog.reference_edit, "DG/2026/0142")
    dialog.until_check.setChecked(True)
    dialog.until_edit.setDate(dialog.decided_edit.date().addDays(-1))
    assert shows_error(dialog.problem_label) and "précède" in dialog.problem_label.text()


def test_the_administration_dialogs_say_nothing_before_saving(qtbot: QtBot) -> None:
    user = UserInfo(1, "agent", "Afiavi Houngbédji", (Role.AGENT_CONTROLE,), True, None)
    for dialog, edit in (
        (UserDialog(), "name_edit"),
        (UserDialog(user), "name_edit"),
        (PasswordDialog(user), "password_edit"),
        (StaffDialog(), "matricule_edit"),
    ):
        opened(qtbot, dialog)
        assert not shows_error(dialog.error_label), dialog.objectName()
        getattr(dialog, edit).clear()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert shows_error(dialog.error_label), dialog.objectName()
        assert dialog.isVisible()


def test_sign_in_first_administrator_and_first_start(qtbot: QtBot, signed_db: Database) -> None:
    sign_in = opened(qtbot, SignInDialog(signed_db, "chef"))
    assert isinstance(sign_in, SignInDialog)
    assert not shows_error(sign_in.error_label)
    qtbot.keyClicks(sign_in.password_edit, "mauvais")
    sign_in.try_sign_in()
    assert shows_error(sign_in.error_label)

    admin = opened(qtbot, FirstAdministratorDialog(signed_db))
    assert isinstance(admin, FirstAdministratorDialog)
    assert not shows_error(admin.error_label)
    qtbot.keyClicks(admin.password_edit, "un mot de passe solide")
    qtbot.keyClicks(admin.confirm_edit, "un autre")
    admin.create_account()
    assert shows_error(admin.error_label)

    first = opened(qtbot, FirstStartDialog("sbee.db", 2000))
    shown = [label.text() for label in first.findChildren(QLabel) if label.isVisible()]
    assert not any("obligatoire" in text or "erreur" in text.lower() for text in shown)


def test_open_modal_shows_a_print_dialog_without_blocking_and_answers(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    printer = QPrinter()
    answers: list[bool] = []
    # QPrintDialog.open(receiver, member) hides QDialog.open(): open_modal must still work
    dialog = open_modal(QPrintDialog(printer, parent), answers.append)
    assert dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.reject()
    assert answers == [False]
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))  # deleted once closed
