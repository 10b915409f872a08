"""Layout of the Journal d'audit page: chain status, filters, events, detail."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from sbee_desk.gui.fields import status_label
from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout

#: a date edit set to this date means "no bound" (shown as its special text)
NO_DATE = QDate(2000, 1, 1)


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(edit.tr("indifférente"))
    edit.setDate(NO_DATE)
    edit.setMinimumWidth(110)
    return edit


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class AuditView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("Journal d'audit"),
            self.tr(
                "Qui a fait quoi, quand, avec l'avant et l'après. Le journal ne peut être ni "
                "modifié ni effacé ; sa vérification détecte toute altération faite "
                "directement dans la base."
            ),
        )

        self.chain_banner = Banner()
        self.chain_banner.setObjectName("banner")
        self.chain_banner.button.setText(self.tr("Vérifier à nouveau"))
        layout.addWidget(self.chain_banner)

        toolbar = row_layout()
        self.export_button = QPushButton(self.tr("Exporter en Excel…"))
        self.export_button.setObjectName("primary")
        self.export_button.setToolTip(
            self.tr("Enregistre dans un classeur Excel tous les événements des filtres choisis")
        )
        self.verify_button = QPushButton(self.tr("Vérifier le journal"))
        self.verify_button.setObjectName("verifyChain")
        self.newer_button = QPushButton(self.tr("◀ Plus récents"))
        self.newer_button.setObjectName("newerEvents")
        self.page_label = QLabel()
        self.page_label.setObjectName("auditPage")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label.setMinimumWidth(230)
        self.older_button = QPushButton(self.tr("Plus anciens ▶"))
        self.older_button.setObjectName("olderEvents")
        toolbar.addWidget(self.export_button)
        toolbar.addWidget(self.verify_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.newer_button)
        toolbar.addWidget(self.page_label)
        toolbar.addWidget(self.older_button)
        layout.addLayout(toolbar)

        filters = QGridLayout()
        filters.setHorizontalSpacing(8)
        filters.setVerticalSpacing(4)
        self.date_from = _date_edit("dateFrom")
        self.date_to = _date_edit("dateTo")
        self.user_combo = QComboBox()
        self.user_combo.setObjectName("userFilter")
        self.user_combo.setMinimumWidth(200)
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("actionFilter")
        self.action_combo.setMinimumWidth(200)
        self.police_edit = QLineEdit()
        self.police_edit.setObjectName("policeFilter")
        self.police_edit.setPlaceholderText(self.tr("n° de police"))
        self.police_edit.setClearButtonEnabled(True)
        self.bordereau_edit = QLineEdit()
        self.bordereau_edit.setObjectName("bordereauFilter")
        self.bordereau_edit.setPlaceholderText(self.tr("code du bordereau"))
        self.bordereau_edit.setClearButtonEnabled(True)
        self.clear_button = QPushButton(self.tr("Effacer les filtres"))
        self.clear_button.setObjectName("clearFilters")
        dates = row_layout()
        dates.addWidget(self.date_from)
        dates.addWidget(_label(self.tr("&au"), self.date_to))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        filters.addWidget(_label(self.tr("&Du"), self.date_from), 0, 0)
        filters.addLayout(dates, 0, 1)
        filters.addWidget(_label(self.tr("&Utilisateur"), self.user_combo), 0, 2)
        filters.addWidget(self.user_combo, 0, 3)
        filters.addWidget(_label(self.tr("A&ction"), self.action_combo), 0, 4)
        filters.addWidget(self.action_combo, 0, 5)
        filters.addWidget(_label(self.tr("&Police"), self.police_edit), 1, 0)
        filters.addWidget(self.police_edit, 1, 1)
        filters.addWidget(_label(self.tr("&Bordereau"), self.bordereau_edit), 1, 2)
        filters.addWidget(self.bordereau_edit, 1, 3)
        filters.addWidget(self.clear_button, 1, 5, Qt.AlignmentFlag.AlignLeft)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        filters.setColumnStretch(5, 1)
        layout.addLayout(filters)

        self.stack = QStackedWidget()
        self.empty_state = EmptyState()
        self.table = DataTable()
        self.table.setObjectName("auditTable")
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("auditDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(
            self.tr("Choisissez un événement pour lire son détail complet.")
        )
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 110])
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.splitter)
        layout.addWidget(self.stack, 1)

        self.status_label = status_label()
        layout.addWidget(self.status_label)
