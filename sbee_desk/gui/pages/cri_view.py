"""Layout of the « 6. CRI » page (#15): the entry (keyboard and scanner first, the
fields in the order of the paper's CRI box) and the chef's countersign tab."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.domain.cri import RemarkCode
from sbee_desk.gui.fields import scan_edit, status_label
from sbee_desk.gui.widgets import (
    Banner,
    DataTable,
    EmptyState,
    EnterEscapeKeys,
    PageView,
    row_layout,
)
from sbee_desk.wording.labels import REMARK_LABELS


class CriView(PageView):
    #: Enter in the number field
    open_requested = Signal()
    #: Enter in a field of the form
    save_requested = Signal()
    #: Esc in the entry
    entry_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("6. Comptes-rendus d'intervention (CRI)"),
            self.tr(
                "Scannez ou tapez le numéro de l'ordre puis Entrée ; saisissez le CRI dans "
                "l'ordre du papier (Tab passe au champ suivant), Entrée enregistre et attend "
                "l'ordre suivant, Échap annule. Le chef contresigne ensuite : le contrat "
                "est alors résilié."
            ),
        )
        self.tabs = QTabWidget()
        self.tabs.setObjectName("criTabs")
        layout.addWidget(self.tabs, 1)

        # ------------------------------------------------------------------ the entry
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.setContentsMargins(0, 6, 0, 0)
        number_row = row_layout()
        self.number_edit = scan_edit("orderNumber", self.tr("N° de l'ordre (scanner)"), 170)
        number_label = QLabel(self.tr("N° de l'&ordre :"))
        number_label.setBuddy(self.number_edit)
        number_row.addWidget(number_label)
        number_row.addWidget(self.number_edit)
        number_row.addStretch(1)
        entry_layout.addLayout(number_row)
        self.order_banner = Banner()
        self.order_banner.setObjectName("orderBanner")
        entry_layout.addWidget(self.order_banner)

        self.form = QFrame()
        self.form.setObjectName("criForm")
        self.form.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self.form)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)

        def line(name: str, width: int, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setMinimumWidth(width)
            edit.setPlaceholderText(placeholder)
            return edit

        self.date_edit = line("visitOn", 110, self.tr("jj/mm/aaaa"))
        self.time_edit = line("visitTime", 70, self.tr("hh:mm"))
        self.done_check = QCheckBox(self.tr("Intervention &effectuée"))
        self.done_check.setObjectName("done")
        self.done_check.setChecked(True)
        self.agent_edit = line("agent", 90, self.tr("matricule"))
        self.index_edit = line("index", 110)
        self.meter_edit = line("meterSerial", 140)
        self.mismatch_edit = line("mismatchNote", 260, self.tr("si compteur différent du contrat"))
        self.meter_removed_check = QCheckBox(self.tr("Compteur déposé"))
        self.meter_removed_check.setObjectName("meterRemoved")
        self.breaker_removed_check = QCheckBox(self.tr("Disjoncteur déposé"))
        self.breaker_removed_check.setObjectName("breakerRemoved")
        self.remark_checks: dict[str, QCheckBox] = {}
        # the paper's tick boxes, three a row (the page fits a window of 1100 px)
        remarks = QGridLayout()
        remarks.setHorizontalSpacing(12)
        for n, code in enumerate(RemarkCode):
            box = QCheckBox(REMARK_LABELS[code])
            box.setObjectName(f"remark_{code.value}")
            self.remark_checks[code.value] = box
            remarks.addWidget(box, n // 3, n % 3)
        remarks.setColumnStretch(3, 1)
        self.note_edit = line("note", 300, self.tr("précision (obligatoire avec « autre »)"))

        rows: list[tuple[str, list[QWidget]]] = [
            (self.tr("Visite le :"), [self.date_edit, QLabel(self.tr("à")), self.time_edit]),
            (self.tr("Effectuée :"), [self.done_check]),
            (self.tr("Agent :"), [self.agent_edit]),
            (self.tr("Index relevé :"), [self.index_edit]),
            (
                self.tr("Compteur trouvé :"),
                [self.meter_edit, QLabel(self.tr("écart expliqué :")), self.mismatch_edit],
            ),
            (self.tr("Déposés (BT) :"), [self.meter_removed_check, self.breaker_removed_check]),
        ]
        self.field_labels: dict[QWidget, QLabel] = {}
        for r, (text, widgets) in enumerate(rows):
            label = QLabel(text)
            label.setBuddy(widgets[0])
            self.field_labels[widgets[0]] = label
            grid.addWidget(label, r, 0)
            cells = QHBoxLayout()
            cells.setSpacing(8)
            for w in widgets:
                cells.addWidget(w)
            cells.addStretch(1)
            grid.addLayout(cells, r, 1)
        grid.addWidget(QLabel(self.tr("Remarques :")), len(rows), 0)
        grid.addLayout(remarks, len(rows), 1)
        note_label = QLabel(self.tr("Note :"))
        note_label.setBuddy(self.note_edit)
        grid.addWidget(note_label, len(rows) + 1, 0)
        grid.addWidget(self.note_edit, len(rows) + 1, 1)
        buttons = row_layout()
        self.save_button = QPushButton(self.tr("Enregistrer le CRI (Entrée)"))
        self.save_button.setObjectName("primary")
        self.cancel_button = QPushButton(self.tr("Annuler (Échap)"))
        self.cancel_button.setObjectName("cancelEntry")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, len(rows) + 2, 1)
        grid.setColumnStretch(1, 1)
        entry_layout.addWidget(self.form)
        self.entry_banner = Banner()
        self.entry_banner.setObjectName("entryBanner")
        entry_layout.addWidget(self.entry_banner)
        entry_layout.addStretch(1)
        self.tabs.addTab(entry, self.tr("Saisie des CRI"))

        # the paper's order, for Tab and for Enter
        self.fields: list[QWidget] = [
            self.date_edit,
            self.time_edit,
            self.done_check,
            self.agent_edit,
            self.index_edit,
            self.meter_edit,
            self.mismatch_edit,
            self.meter_removed_check,
            self.breaker_removed_check,
            *self.remark_checks.values(),
            self.note_edit,
        ]
        self.setTabOrder(self.number_edit, self.date_edit)
        for before, after in zip(self.fields, self.fields[1:], strict=False):
            self.setTabOrder(before, after)
        self.setTabOrder(self.note_edit, self.save_button)
        keys = EnterEscapeKeys(self.save_requested, self.entry_cancelled, self)
        for field in self.fields:
            field.installEventFilter(keys)
        number_keys = EnterEscapeKeys(self.open_requested, self.entry_cancelled, self)
        self.number_edit.installEventFilter(number_keys)

        # ---------------------------------------------------------------- countersign
        sign = QWidget()
        sign_layout = QVBoxLayout(sign)
        sign_layout.setContentsMargins(0, 6, 0, 0)
        toolbar = row_layout()
        self.countersign_button = QPushButton(self.tr("Contresigner la sélection…"))
        self.countersign_button.setObjectName("primary")
        self.select_all_button = QPushButton(self.tr("Tout sélectionner"))
        self.select_all_button.setObjectName("selectAll")
        toolbar.addWidget(self.countersign_button)
        toolbar.addWidget(self.select_all_button)
        toolbar.addStretch(1)
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingCount")
        toolbar.addWidget(self.pending_label)
        sign_layout.addLayout(toolbar)
        overrides = QGridLayout()
        self.window_reason_edit = QLineEdit()
        self.window_reason_edit.setObjectName("overrideWindow")
        self.window_reason_edit.setPlaceholderText(
            self.tr("obligatoire si une visite est hors 08h00–14h30")
        )
        self.store_reason_edit = QLineEdit()
        self.store_reason_edit.setObjectName("overrideStore")
        self.store_reason_edit.setPlaceholderText(
            self.tr("obligatoire si une dépose n'a pas encore de retour magasin")
        )
        for r, (text, edit) in enumerate(
            (
                (self.tr("Motif de dérogation à l'horaire (R9) :"), self.window_reason_edit),
                (self.tr("Motif sans retour magasin (R10) :"), self.store_reason_edit),
            )
        ):
            label = QLabel(text)
            label.setBuddy(edit)
            overrides.addWidget(label, r, 0)
            overrides.addWidget(edit, r, 1)
        overrides.setColumnStretch(1, 1)
        sign_layout.addLayout(overrides)
        self.sign_banner = Banner()
        self.sign_banner.setObjectName("signBanner")
        sign_layout.addWidget(self.sign_banner)
        self.stack = QStackedWidget()
        self.empty_state = EmptyState()
        self.table = DataTable()
        self.table.setObjectName("pendingCris")
        self.table.setSortingEnabled(True)
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.table)
        sign_layout.addWidget(self.stack, 1)
        self.tabs.addTab(sign, self.tr("Contreseing du chef"))

        self.status_label = status_label()
        layout.addWidget(self.status_label)

    def focus_number(self) -> None:
        self.number_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.number_edit.selectAll()

    def show_empty(self, text: str) -> None:
        self.empty_state.setText(text)
        self.stack.setCurrentWidget(self.empty_state)

    def show_table(self) -> None:
        self.stack.setCurrentWidget(self.table)


class CountersignDialog(QDialog):
    """The confirmation of an irreversible countersign: what will happen, how many, and
    which contracts (ui-guidelines); « Annuler » is the default button."""

    def __init__(self, text: str, contracts: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Contresigner les CRI"))
        layout = QVBoxLayout(self)
        self.text_label = QLabel(text)
        self.text_label.setObjectName("confirmText")
        self.text_label.setWordWrap(True)
        self.contracts_label = QLabel(contracts)
        self.contracts_label.setObjectName("confirmContracts")
        self.contracts_label.setWordWrap(True)
        layout.addWidget(self.text_label)
        layout.addWidget(self.contracts_label)
        self.buttons = QDialogButtonBox()
        self.sign_button = self.buttons.addButton(
            self.tr("Contresigner et résilier"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("Annuler"))
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # the button box makes its accept button the default when shown: never Enter
        # for an irreversible act
        self.sign_button.setAutoDefault(False)
        self.sign_button.setDefault(False)
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
