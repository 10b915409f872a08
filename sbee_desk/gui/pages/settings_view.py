"""Layout of the Paramètres page: users, field staff, recovery plans, backups (one tab
each)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.models.admin import staff_role_label
from sbee_desk.gui.pages.settings_backup import BackupTab
from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout
from sbee_desk.services.users import StaffRole


def _status_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _search(name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.setMinimumWidth(200)
    edit.setMaximumWidth(300)
    return edit


class UsersTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        toolbar = row_layout()
        self.add_button = QPushButton(self.tr("Ajouter un utilisateur…"))
        self.add_button.setObjectName("primary")
        self.edit_button = QPushButton(self.tr("Modifier nom et rôles…"))
        self.edit_button.setObjectName("editUser")
        self.active_button = QPushButton(self.tr("Désactiver"))
        self.active_button.setObjectName("toggleUser")
        self.password_button = QPushButton(self.tr("Nouveau mot de passe…"))
        self.password_button.setObjectName("resetPassword")
        self.unlock_button = QPushButton(self.tr("Déverrouiller"))
        self.unlock_button.setObjectName("unlockUser")
        self.unlock_button.setToolTip(
            self.tr("Lever le verrou posé après des échecs de connexion (mot de passe inchangé)")
        )
        self.search_edit = _search("userSearch", self.tr("Rechercher : identifiant, nom, rôle"))
        self.search_edit.setMinimumWidth(140)  # five buttons beside it, at 1100 pixels
        for button in (self.add_button, self.edit_button, self.active_button):
            toolbar.addWidget(button)
        toolbar.addWidget(self.password_button)
        toolbar.addWidget(self.unlock_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.search_edit, 1)
        layout.addLayout(toolbar)
        self.table = DataTable()
        self.table.setObjectName("usersTable")
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout.addWidget(self.table, 1)
        self.status_label = _status_label("usersStatus")
        layout.addWidget(self.status_label)


class StaffTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        toolbar = row_layout()
        self.add_button = QPushButton(self.tr("Ajouter un agent…"))
        self.add_button.setObjectName("primary")
        self.edit_button = QPushButton(self.tr("Modifier…"))
        self.edit_button.setObjectName("editStaff")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("staffRoleFilter")
        self.role_combo.addItem(self.tr("Toutes les fonctions"), "")
        for role in StaffRole:
            self.role_combo.addItem(staff_role_label(role), role.value)
        self.search_edit = _search("staffSearch", self.tr("Rechercher : matricule, nom, zone"))
        toolbar.addWidget(self.add_button)
        toolbar.addWidget(self.edit_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.role_combo)
        toolbar.addWidget(self.search_edit, 1)
        layout.addLayout(toolbar)
        self.stack = QStackedWidget()
        self.empty_state = EmptyState(
            self.tr(
                "Aucun agent de terrain enregistré. L'administrateur ajoute ici les "
                "releveurs, agents de recouvrement, agents RPNT et magasiniers : les "
                "étapes suivantes leur remettent lettres et ordres par leur nom."
            )
        )
        self.table = DataTable()
        self.table.setObjectName("staffTable")
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.status_label = _status_label("staffStatus")
        layout.addWidget(self.status_label)


class PlansTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        toolbar = row_layout()
        self.edit_button = QPushButton(self.tr("Modifier le plan…"))
        self.edit_button.setObjectName("primary")
        self.hint_label = QLabel()
        self.hint_label.setObjectName("pageSubtitle")
        toolbar.addWidget(self.edit_button)
        toolbar.addWidget(self.hint_label, 1)
        layout.addLayout(toolbar)
        self.table = DataTable()
        self.table.setObjectName("plansTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().setStretchLastSection(False)
        layout.addWidget(self.table, 1)
        self.note_label = _status_label("plansNote")
        self.note_label.setText(
            self.tr(
                "Chaque traitement des relances garde les valeurs des plans avec lesquelles "
                "il a été fait : une modification ne vaut que pour les traitements suivants. "
                "Les valeurs par défaut appliquent les règles R2 à R5 (délai de 30 jours "
                "après l'interruption, 2 factures impayées échues, relance écrite 7 jours "
                "avant)."
            )
        )
        layout.addWidget(self.note_label)


class WorkstationTab(QWidget):
    """Ce poste: what this computer is used for (kept on it, not in the database)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        row = row_layout()
        label = QLabel(self.tr("Agence de ce poste :"))
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("workstationAgency")
        self.agency_combo.setMinimumWidth(320)
        label.setBuddy(self.agency_combo)
        row.addWidget(label)
        row.addWidget(self.agency_combo)
        row.addStretch(1)
        layout.addLayout(row)
        self.note_label = _status_label("workstationNote")
        self.note_label.setText(
            self.tr(
                "Une base partagée peut tenir plusieurs agences. Le poste d'une agence ne "
                "montre, sur la page Relances, que les lettres de son agence et refuse le "
                "numéro d'une lettre d'une autre agence (bordereau mélangé, accusé de "
                "réception égaré). « Toutes les agences » : aucun contrôle. Réglage de cet "
                "ordinateur, fait par l'administrateur."
            )
        )
        layout.addWidget(self.note_label)
        layout.addStretch(1)


class SettingsView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("Paramètres"),
            self.tr(
                "Utilisateurs et rôles, personnel de terrain, plans de recouvrement par "
                "catégorie de clientèle, sauvegardes de la base. Seul l'administrateur les "
                "modifie ; chaque modification est inscrite au journal d'audit avec l'avant "
                "et l'après."
            ),
        )
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.users_tab = UsersTab()
        self.staff_tab = StaffTab()
        self.plans_tab = PlansTab()
        self.tabs.addTab(self.users_tab, self.tr("Utilisateurs"))
        self.tabs.addTab(self.staff_tab, self.tr("Personnel de terrain"))
        self.tabs.addTab(self.plans_tab, self.tr("Plans de recouvrement"))
        self.backup_tab = BackupTab()
        self.tabs.addTab(self.backup_tab, self.tr("Sauvegardes"))
        self.workstation_tab = WorkstationTab()
        self.tabs.addTab(self.workstation_tab, self.tr("Ce poste"))
        layout.addWidget(self.tabs, 1)
