"""Who works: sign-in with login and password, or the first administrator.

Services check the acting user's roles in the database for every action
(business-rules.md, Permissions); the window only needs to know who signed in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.db.database import Database
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.formatting import database_label
from sbee_desk.logs import operation
from sbee_desk.services.actor import Actor
from sbee_desk.services.users import (
    AccountError,
    AuthenticationFailed,
    authenticate,
    create_user,
)


class SignInDialog(QDialog):
    """Login and password; stays open with the reason when they are refused."""

    def __init__(
        self,
        db: Database,
        login: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signIn")
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Connexion"))  # Qt appends the application's name
        layout = QVBoxLayout(self)
        short, full = database_label(db)
        intro = QLabel(self.tr("Base « {db} ». Identifiez-vous pour travailler.").format(db=short))
        intro.setToolTip(full)
        intro.setWordWrap(True)
        self.setMinimumWidth(420)
        form = QFormLayout()
        self.login_edit = QLineEdit(login or "")
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Identifiant :"), self.login_edit)
        form.addRow(self.tr("&Mot de passe :"), self.password_edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("signInError")
        self.error_label.setStyleSheet("color: #842029;")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            self.tr("Se connecter"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Quitter"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        (self.password_edit if login else self.login_edit).setFocus()

    def try_sign_in(self) -> None:
        login = self.login_edit.text().strip()
        if not login:
            self._refuse(self.tr("Indiquez votre identifiant."))
            return
        try:
            # logged without the login (sbee_desk.logs: no names in the log)
            with operation("connexion", expected=(AuthenticationFailed,)):
                self.actor = authenticate(self.db.uow(), login, self.password_edit.text())
        except AuthenticationFailed as exc:
            self._refuse(str(exc))
            return
        self.accept()

    def _refuse(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        self.password_edit.clear()
        self.password_edit.setFocus()


class FirstAdministratorDialog(QDialog):
    """On a database without users: create the administrator, who then signs in."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstAdministrator")
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Premier utilisateur : l'administrateur"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Cette base n'a encore aucun utilisateur. Créez le compte de "
                "l'administrateur : il pourra importer l'export de l'agence, puis créer "
                "les comptes du chef section et des agents."
            )
        )
        intro.setWordWrap(True)
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.login_edit = QLineEdit("admin")
        self.login_edit.setObjectName("adminLogin")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("adminName")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("adminPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setObjectName("adminConfirm")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Identifiant :"), self.login_edit)
        form.addRow(self.tr("&Nom complet :"), self.name_edit)
        form.addRow(self.tr("&Mot de passe :"), self.password_edit)
        form.addRow(self.tr("&Confirmation :"), self.confirm_edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("adminError")
        self.error_label.setStyleSheet("color: #842029;")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Créer le compte"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.create_account)
        buttons.rejected.connect(self.reject)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.name_edit.setFocus()

    def create_account(self) -> None:
        password = self.password_edit.text()
        if password != self.confirm_edit.text():
            self._refuse(self.tr("Les deux mots de passe diffèrent."))
            return
        login = self.login_edit.text().strip()
        try:
            create_user(self.db.uow(), None, login, self.name_edit.text(), [Role.ADMIN], password)
            self.actor = authenticate(self.db.uow(), login, password)
        except (AccountError, AuthenticationFailed) as exc:
            self._refuse(str(exc))
            return
        self.accept()

    def _refuse(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)


def open_first_administrator(
    db: Database, parent: QWidget | None, done: Callable[[Actor], None]
) -> FirstAdministratorDialog:
    """Non-blocking: ``done(actor)`` once the administrator exists and is signed in."""
    dialog = FirstAdministratorDialog(db, parent)
    dialog.accepted.connect(lambda: done(dialog.actor) if dialog.actor else None)
    dialog.open()
    return dialog
