"""Layout of the Sélection page (step 1): no logic here, see page.py."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.fields import find_shortcut, status_label
from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout


class SelectionView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout

        self.header = self.add_header(
            self.tr("1. Sélection — traitement des relances"),
            self.tr(
                "Choisissez la date et l'agence, puis lancez le traitement : le logiciel "
                "liste, bordereau par bordereau, les contrats suspendus à relancer, à "
                "résilier ou exemptés, avec le motif de chaque décision."
            ),
        )

        # -- toolbar: the main action first ----------------------------------------
        toolbar = row_layout()
        self.date_label = QLabel(self.tr("Date du traitement :"))
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("runDate")
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setDate(QDate.currentDate())
        self.date_label.setBuddy(self.date_edit)
        self.agency_label = QLabel(self.tr("Agence :"))
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("agency")
        self.agency_combo.setMinimumContentsLength(16)
        self.agency_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.agency_label.setBuddy(self.agency_combo)
        self.run_button = QPushButton(self.tr("Lancer le traitement"))
        self.run_button.setObjectName("primary")
        self.runs_label = QLabel(self.tr("Traitement affiché :"))
        self.runs_combo = QComboBox()
        self.runs_combo.setObjectName("runs")
        self.runs_combo.setMinimumContentsLength(40)
        self.runs_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.runs_label.setBuddy(self.runs_combo)
        toolbar.addWidget(self.date_label)
        toolbar.addWidget(self.date_edit)
        toolbar.addSpacing(8)
        toolbar.addWidget(self.agency_label)
        toolbar.addWidget(self.agency_combo)
        toolbar.addSpacing(8)
        toolbar.addWidget(self.run_button)
        toolbar.addStretch(1)
        layout.addLayout(toolbar)

        shown_run = row_layout()
        shown_run.addWidget(self.runs_label)
        shown_run.addWidget(self.runs_combo)
        shown_run.addStretch(1)
        layout.addLayout(shown_run)

        self.stale_banner = Banner()
        self.stale_banner.setObjectName("banner")
        layout.addWidget(self.stale_banner)

        # -- content: empty state or bordereaux + lines ----------------------------
        self.stack = QStackedWidget()
        self.empty_state = EmptyState()
        self.stack.addWidget(self.empty_state)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(4)
        self.bordereaux_title = QLabel(self.tr("Bordereaux du traitement"))
        self.bordereaux_title.setObjectName("sectionTitle")
        self.bordereau_table = DataTable()
        self.bordereau_table.setObjectName("bordereaux")
        self.bordereau_table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        top_layout.addWidget(self.bordereaux_title)
        top_layout.addWidget(self.bordereau_table)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(4)
        self.lines_title = QLabel()
        self.lines_title.setObjectName("sectionTitle")
        # the bordereau's actions: validate (the main one once it is open), lists
        title_row = row_layout()
        self.produce_button = QPushButton(self.tr("Produire les listes…"))
        self.produce_button.setObjectName("produceLists")
        self.validate_button = QPushButton(self.tr("Valider le bordereau…"))
        self.validate_button.setObjectName("primary")
        self.validate_button.setAccessibleName(self.tr("Valider le bordereau"))
        title_row.addWidget(self.lines_title)
        title_row.addStretch(1)
        title_row.addWidget(self.produce_button)
        title_row.addWidget(self.validate_button)
        self.validated_banner = Banner()
        self.validated_banner.setObjectName("validatedBanner")

        # the lines' actions: buttons, Suppr and the table's context menu
        self.exclude_action = QAction(self.tr("Exclure…"), self)
        self.exclude_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.exclude_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.restore_action = QAction(self.tr("Réintégrer"), self)
        self.derogation_action = QAction(self.tr("Dérogation DG…"), self)
        self.exclude_button = self._tool_button(self.exclude_action, "exclude")
        self.restore_button = self._tool_button(self.restore_action, "restore")
        self.derogation_button = self._tool_button(self.derogation_action, "derogation")
        filters = row_layout()
        self.decision_label = QLabel(self.tr("Décision :"))
        self.decision_combo = QComboBox()
        self.decision_combo.setObjectName("decisionFilter")
        self.decision_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.decision_label.setBuddy(self.decision_combo)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText(self.tr("Rechercher une police ou un nom (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(270)
        self.search_edit.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.shown_label = QLabel()
        self.shown_label.setObjectName("shownCount")
        filters.addWidget(self.decision_label)
        filters.addWidget(self.decision_combo)
        filters.addSpacing(8)
        filters.addWidget(self.search_edit)
        filters.addSpacing(12)
        filters.addWidget(self.exclude_button)
        filters.addWidget(self.restore_button)
        filters.addWidget(self.derogation_button)
        filters.addStretch(1)
        filters.addWidget(self.shown_label)
        self.lines_table = DataTable()
        self.lines_table.setObjectName("lines")
        self.lines_table.setSortingEnabled(True)
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.lines_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.lines_table.addActions(
            [self.exclude_action, self.restore_action, self.derogation_action]
        )
        self.detail_label = QLabel()
        self.detail_label.setObjectName("lineDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setStyleSheet(
            "QLabel#lineDetail { background: #ffffff; border: 1px solid #c8d0da;"
            " border-radius: 3px; padding: 4px 8px; }"
        )
        bottom_layout.addLayout(title_row)
        bottom_layout.addWidget(self.validated_banner)
        bottom_layout.addLayout(filters)
        bottom_layout.addWidget(self.lines_table, 1)
        bottom_layout.addWidget(self.detail_label)

        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([230, 345])
        self.stack.addWidget(self.splitter)
        layout.addWidget(self.stack, 1)

        self.status_label = status_label()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)

        self.find_shortcut = find_shortcut(self, self.search_edit)

    def _tool_button(self, action: QAction, name: str) -> QToolButton:
        """A button showing ``action`` (its words, enabled state and tooltip follow it)."""
        action.setIconText(action.text())  # keep the "…" of a command that asks more
        button = QToolButton()
        button.setObjectName(name)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def show_empty(self, text: str) -> None:
        self.empty_state.setText(text)
        self.stack.setCurrentWidget(self.empty_state)

    def show_results(self) -> None:
        self.stack.setCurrentWidget(self.splitter)
