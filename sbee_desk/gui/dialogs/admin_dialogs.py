"""Dialogs of the Paramètres page: a user, a password, an agent, a recovery plan.

A dialog checks what it can by itself (a field left empty, two passwords that
differ), then emits :attr:`AdminDialog.submitted`; the page saves through the
service in the background and either closes the dialog or shows the service's
French message in it (the dialog stays open, nothing is changed). Enter saves,
Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.domain.permissions import Role
from sbee_desk.domain.plans import PlanValues
from sbee_desk.gui.formatting import category_label
from sbee_desk.gui.models.admin import (
    BOOLEAN_FIELDS,
    PLAN_FIELDS,
    field_label,
    role_label,
    staff_role_label,
)
from sbee_desk.services.users import MIN_PASSWORD_LENGTH, StaffInfo, StaffRole, UserInfo

ERROR_STYLE = "color: #842029;"
#: largest number of days or invoices a plan value may hold in the dialog
PLAN_MAXIMUM = 3650


class AdminDialog(QDialog):
    """Form + French error line + Enregistrer / Annuler."""

    #: the form is complete: the page saves it (then calls :meth:`saved` or :meth:`refuse`)
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(480)
        self.busy = False
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error_label = QLabel()
        self.error_label.setObjectName("dialogError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox()
        self.save_button: QPushButton = self.buttons.addButton(
            self.tr("Enregistrer"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.addButton(self.tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def set_texts(self, title: str, intro: str) -> None:
        self.setWindowTitle(title)
        self.intro.setText(intro)

    def problem(self) -> str | None:
        """What is missing or wrong in the form, in French; None when it may be saved."""
        return None

    def accept(self) -> None:
        if self.busy:
            return
        problem = self.problem()
        if problem:
            self.refuse(problem)
            return
        self.error_label.setVisible(False)
        self.set_busy(True)
        self.submitted.emit()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.save_button.setEnabled(not busy)

    def refuse(self, message: str) -> None:
        """Show why it was not saved; the dialog stays open."""
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def saved(self) -> None:
        self.set_busy(False)
        super().accept()


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class UserDialog(AdminDialog):
    """A new user (login, name, roles, password), or the name and roles of one."""

    def __init__(self, user: UserInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        creating = user is None
        if user is None:
            self.set_texts(
                self.tr("Nouvel utilisateur"),
                self.tr(
                    "L'utilisateur se connecte avec son identifiant et son mot de passe ; "
                    "ses rôles décident de ce qu'il peut faire. La création est inscrite au "
                    "journal d'audit."
                ),
            )
        else:
            self.set_texts(
                self.tr("Modifier l'utilisateur « {login} »").format(login=user.login),
                self.tr(
                    "Un rôle retiré l'est dès la prochaine action de l'utilisateur. La "
                    "modification est inscrite au journal d'audit, avec l'avant et l'après."
                ),
            )
        self.setObjectName("userDialog")
        self.user = user
        self.login_edit = QLineEdit(user.login if user else "")
        self.login_edit.setObjectName("userLogin")
        self.login_edit.setMaxLength(64)
        self.login_edit.setReadOnly(not creating)
        self.name_edit = QLineEdit(user.full_name if user else "")
        self.name_edit.setObjectName("userName")
        self.form.addRow(self.tr("&Identifiant :"), self.login_edit)
        self.form.addRow(self.tr("&Nom complet :"), self.name_edit)

        roles = QWidget()
        grid = QGridLayout(roles)
        grid.setContentsMargins(0, 0, 0, 0)
        self.role_boxes: dict[Role, QCheckBox] = {}
        for number, role in enumerate(Role):
            box = QCheckBox(role_label(role))
            box.setObjectName(f"role_{role.value}")
            box.setChecked(user is not None and role in user.roles)
            grid.addWidget(box, number // 2, number % 2)
            self.role_boxes[role] = box
        self.form.addRow(self.tr("Rôles :"), roles)

        self.password_edit = _password_edit("userPassword")
        self.confirm_edit = _password_edit("userConfirm")
        if creating:
            self.password_edit.setPlaceholderText(
                self.tr("{n} caractères au moins").format(n=MIN_PASSWORD_LENGTH)
            )
            self.form.addRow(self.tr("&Mot de passe :"), self.password_edit)
            self.form.addRow(self.tr("&Confirmation :"), self.confirm_edit)
            self.login_edit.setFocus()
        else:
            self.name_edit.setFocus()

    @property
    def creating(self) -> bool:
        return self.user is None

    def roles(self) -> list[Role]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def set_roles(self, roles: set[Role]) -> None:
        for role, box in self.role_boxes.items():
            box.setChecked(role in roles)

    def problem(self) -> str | None:
        if self.creating and not self.login_edit.text().strip():
            return self.tr("Indiquez l'identifiant de connexion.")
        if not self.name_edit.text().strip():
            return self.tr("Indiquez le nom complet.")
        if not self.roles():
            return self.tr("Cochez au moins un rôle.")
        if self.creating and self.password_edit.text() != self.confirm_edit.text():
            return self.tr("Les deux mots de passe diffèrent : tapez-les de nouveau.")
        return None


class PasswordDialog(AdminDialog):
    """A new password for a user (who may have forgotten it or be locked out)."""

    def __init__(self, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_texts(
            self.tr("Nouveau mot de passe pour « {login} »").format(login=user.login),
            self.tr(
                "Choisissez un mot de passe provisoire et remettez-le en main propre à "
                "{name}. Le compte est aussi déverrouillé."
            ).format(name=user.full_name),
        )
        self.setObjectName("passwordDialog")
        self.user = user
        self.password_edit = _password_edit("newPassword")
        self.password_edit.setPlaceholderText(
            self.tr("{n} caractères au moins").format(n=MIN_PASSWORD_LENGTH)
        )
        self.confirm_edit = _password_edit("newConfirm")
        self.form.addRow(self.tr("&Mot de passe :"), self.password_edit)
        self.form.addRow(self.tr("&Confirmation :"), self.confirm_edit)
        self.password_edit.setFocus()

    def problem(self) -> str | None:
        if not self.password_edit.text():
            return self.tr("Tapez le nouveau mot de passe.")
        if self.password_edit.text() != self.confirm_edit.text():
            return self.tr("Les deux mots de passe diffèrent : tapez-les de nouveau.")
        return None


class StaffDialog(AdminDialog):
    """An agent of the field staff (never logs in): matricule, name, function, zones."""

    def __init__(self, member: StaffInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_texts(
            self.tr("Nouvel agent de terrain")
            if member is None
            else self.tr("Modifier l'agent {matricule}").format(matricule=member.matricule),
            self.tr(
                "Releveurs, agents de recouvrement, agents RPNT et magasiniers ne se "
                "connectent pas : les lettres et les ordres leur sont remis par leur nom."
            ),
        )
        self.setObjectName("staffDialog")
        self.member = member
        self.matricule_edit = QLineEdit(member.matricule if member else "")
        self.matricule_edit.setObjectName("staffMatricule")
        self.matricule_edit.setMaxLength(32)
        self.matricule_edit.setReadOnly(member is not None)
        self.name_edit = QLineEdit(member.name if member else "")
        self.name_edit.setObjectName("staffName")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("staffRole")
        for role in StaffRole:
            self.role_combo.addItem(staff_role_label(role), role.value)
        if member is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(member.role.value))
        self.zones_edit = QLineEdit(", ".join(member.zones) if member else "")
        self.zones_edit.setObjectName("staffZones")
        self.zones_edit.setPlaceholderText(self.tr("ex. Z01, Z02 — vide : toute l'agence"))
        self.active_box = QCheckBox(self.tr("En activité"))
        self.active_box.setObjectName("staffActive")
        self.active_box.setChecked(member.active if member else True)
        self.form.addRow(self.tr("&Matricule :"), self.matricule_edit)
        self.form.addRow(self.tr("&Nom :"), self.name_edit)
        self.form.addRow(self.tr("&Fonction :"), self.role_combo)
        self.form.addRow(self.tr("&Zones :"), self.zones_edit)
        self.form.addRow("", self.active_box)
        (self.name_edit if member else self.matricule_edit).setFocus()

    def role(self) -> str:
        return str(self.role_combo.currentData())

    def zones(self) -> list[str]:
        return [z.strip() for z in self.zones_edit.text().replace(";", ",").split(",")]

    def problem(self) -> str | None:
        if not self.matricule_edit.text().strip():
            return self.tr("Indiquez le matricule de l'agent.")
        if not self.name_edit.text().strip():
            return self.tr("Indiquez le nom de l'agent.")
        return None


class PlanDialog(AdminDialog):
    """Every value of one category's plan; only the changed ones are saved."""

    def __init__(self, plan: PlanValues, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_texts(
            self.tr("Plan de recouvrement « {category} »").format(
                category=category_label(plan.category)
            ),
            self.tr(
                "Les nouvelles valeurs valent pour les traitements suivants ; chaque "
                "traitement garde les valeurs avec lesquelles il a été fait. La "
                "modification est inscrite au journal d'audit."
            ),
        )
        self.setObjectName("planDialog")
        self.plan = plan
        self.spins: dict[str, QSpinBox] = {}
        self.checks: dict[str, QCheckBox] = {}
        for field in PLAN_FIELDS:
            value = getattr(plan, field)
            if field in BOOLEAN_FIELDS:
                box = QCheckBox()
                box.setObjectName(f"plan_{field}")
                box.setChecked(bool(value))
                self.checks[field] = box
                self.form.addRow(field_label(field) + " :", box)
            else:
                spin = QSpinBox()
                spin.setObjectName(f"plan_{field}")
                spin.setRange(0, PLAN_MAXIMUM)
                spin.setValue(int(value))
                spin.setMinimumWidth(90)
                self.spins[field] = spin
                self.form.addRow(field_label(field) + " :", spin)

    def changes(self) -> dict[str, str]:
        """The changed values, as typed ("12", "oui"/"non")."""
        changed: dict[str, str] = {}
        for field, spin in self.spins.items():
            if spin.value() != getattr(self.plan, field):
                changed[field] = str(spin.value())
        for field, box in self.checks.items():
            if box.isChecked() != getattr(self.plan, field):
                changed[field] = "oui" if box.isChecked() else "non"
        return changed
