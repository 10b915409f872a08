"""Layout of the « 3. Relances » page (issue #13): the delivery entry (keyboard and
scanner first), the actions on the selected letter, the letters by status."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabBar,
    QWidget,
)

from sbee_desk.gui.fields import (
    add_labelled,
    day_edit,
    entry_panel,
    find_shortcut,
    scan_edit,
    staff_combo,
    status_label,
)
from sbee_desk.gui.models.letters import OVERDUE
from sbee_desk.gui.widgets import (
    Banner,
    DataTable,
    EmptyState,
    EnterEscapeKeys,
    PageView,
    row_layout,
)
from sbee_desk.services.letters import LetterStatus

#: the tabs, in this order: (filter value or None for all, tab object name)
TABS: tuple[tuple[str | None, str], ...] = (
    (LetterStatus.A_REMETTRE.value, "tabPending"),
    (OVERDUE, "tabOverdue"),
    (LetterStatus.REMISE.value, "tabDelivered"),
    (LetterStatus.IMPOSSIBLE.value, "tabImpossible"),
    (LetterStatus.A_EDITER.value, "tabToEdit"),
    (LetterStatus.ANNULEE.value, "tabCancelled"),
    (None, "tabAll"),
)
#: who usually receives the letter (free text too)
RECIPIENTS = ("client", "proche", "gardien", "voisin", "employé", "secrétariat")


class LettersView(PageView):
    #: Enter in the date, « remise à » or releveur field
    save_requested = Signal()
    #: Esc in the entry
    entry_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("3. Relances — remise des lettres"),
            self.tr(
                "Scannez ou tapez le numéro de chaque coupon revenu signé, vérifiez la date, "
                "puis Entrée : la remise est enregistrée et le numéro suivant attendu. Le "
                "délai de 7 jours avant résiliation court à partir de la remise (R5)."
            ),
        )

        self.entry, grid = entry_panel("deliveryEntry")
        self.number_edit = scan_edit("letterNumber", self.tr("N° du coupon (scanner)"))
        self.date_edit = day_edit("deliveredOn")
        self.to_combo = QComboBox()
        self.to_combo.setObjectName("deliveredTo")
        self.to_combo.setEditable(True)
        self.to_combo.addItem("")
        for who in RECIPIENTS:
            self.to_combo.addItem(who)
        self.to_combo.setMinimumContentsLength(12)
        self.releveur_combo = staff_combo("releveur")
        self.save_button = QPushButton(self.tr("Enregistrer la remise (Entrée)"))
        self.save_button.setObjectName("primary")
        labels = (
            (self.tr("N° de la &lettre :"), self.number_edit),
            (self.tr("Remise le :"), self.date_edit),
            (self.tr("Remise à :"), self.to_combo),
            (self.tr("Releveur :"), self.releveur_combo),
        )
        add_labelled(grid, 0, labels)
        grid.addWidget(self.save_button, 1, len(labels))
        grid.setColumnStretch(len(labels) + 1, 1)
        self.entry_banner = Banner()
        self.entry_banner.setObjectName("entryBanner")
        grid.addWidget(self.entry_banner, 2, 0, 1, len(labels) + 2)
        layout.addWidget(self.entry)
        keys = EnterEscapeKeys(self.save_requested, self.entry_cancelled, self)
        for field in (self.date_edit, self.to_combo, self.releveur_combo):
            field.installEventFilter(keys)
        line = self.to_combo.lineEdit()
        if line is not None:
            line.installEventFilter(keys)

        toolbar = row_layout()
        self.difficulty_button = QPushButton(self.tr("Difficulté…"))
        self.difficulty_button.setObjectName("difficulty")
        self.difficulty_button.setToolTip(
            self.tr("Ouvre le dossier client : adresses, téléphones, autres contrats.")
        )
        self.impossible_button = QPushButton(self.tr("Remise impossible…"))
        self.impossible_button.setObjectName("impossible")
        self.retry_button = QPushButton(self.tr("Nouvelle présentation…"))
        self.retry_button.setObjectName("retry")
        self.correct_button = QPushButton(self.tr("Corriger la remise…"))
        self.correct_button.setObjectName("correct")
        self.export_button = QPushButton(self.tr("Difficultés (Excel)…"))
        self.export_button.setObjectName("exportDifficulties")
        self.export_button.setToolTip(
            self.tr("Les difficultés d'adresse, pour la gestion clientèle (Excel).")
        )
        for button in (
            self.difficulty_button,
            self.impossible_button,
            self.retry_button,
            self.correct_button,
        ):
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.export_button)
        layout.addLayout(toolbar)

        self.tabs = QTabBar()
        self.tabs.setObjectName("statusTabs")
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        # room above the capitals: « À remettre » keeps its accent
        self.tabs.setStyleSheet("QTabBar::tab { padding: 5px 10px 4px 10px; }")
        for value, _name in TABS:
            index = self.tabs.addTab("")
            self.tabs.setTabData(index, value)
        layout.addWidget(self.tabs)

        filters = row_layout()
        self.bordereau_combo = QComboBox()
        self.bordereau_combo.setObjectName("bordereauFilter")
        self.zone_combo = QComboBox()
        self.zone_combo.setObjectName("zoneFilter")
        self.releveur_filter = QComboBox()
        self.releveur_filter.setObjectName("releveurFilter")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText(
            self.tr("Rechercher un n°, une police, un client, une adresse (Ctrl+F)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.shown_label = QLabel()
        self.shown_label.setObjectName("shownCount")
        for text, combo in (
            (self.tr("Bordereau :"), self.bordereau_combo),
            (self.tr("Zone :"), self.zone_combo),
            (self.tr("Releveur :"), self.releveur_filter),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
            filters.addSpacing(6)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.shown_label)
        layout.addLayout(filters)

        self.stack = QStackedWidget()
        self.empty_state = EmptyState()
        self.table = DataTable()
        self.table.setObjectName("letters")
        self.table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)

        self.status_label = status_label()
        layout.addWidget(self.status_label)

        self.find_shortcut = find_shortcut(self, self.search_edit)
        self.setTabOrder(self.number_edit, self.date_edit)
        self.setTabOrder(self.date_edit, self.to_combo)
        self.setTabOrder(self.to_combo, self.releveur_combo)
        self.setTabOrder(self.releveur_combo, self.save_button)

    def focus_number(self) -> None:
        self.number_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.number_edit.selectAll()

    def show_empty(self, text: str) -> None:
        self.empty_state.setText(text)
        self.stack.setCurrentWidget(self.empty_state)

    def show_table(self) -> None:
        self.stack.setCurrentWidget(self.table)
