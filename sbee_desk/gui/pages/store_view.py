"""Layout of the « 5. Retour magasin » page (issue #15): the entry (keyboard and
scanner first: the order's number, the serials received, the sheet, the date, the
store keeper), then the returns of the day and « matériel non retourné »."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from sbee_desk.gui.fields import (
    add_labelled,
    day_edit,
    entry_panel,
    scan_edit,
    staff_combo,
    status_label,
)
from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout


class EntryKeys(QObject):
    """Keyboard first: Enter in the meter field goes on to the breaker (a scanner ends
    each serial with Enter); Enter in any later field saves; Esc clears the entry."""

    def __init__(self, view: StoreView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        view = self.view
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if watched is view.meter_edit:
                view.breaker_edit.setFocus(Qt.FocusReason.TabFocusReason)
                view.breaker_edit.selectAll()
            else:
                view.save_requested.emit()
            return True
        if event.key() == Qt.Key.Key_Escape:
            view.entry_cancelled.emit()
            return True
        return False


class StoreView(PageView):
    #: Enter in a field after the serials
    save_requested = Signal()
    #: Esc in the entry
    entry_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("5. Retour magasin — matériel déposé"),
            self.tr(
                "Scannez le code-barres de l'ordre de dépose (ou tapez son numéro) puis Entrée : "
                "les numéros attendus s'affichent. Scannez le compteur puis le disjoncteur reçus "
                "(vides : ceux du contrat), Entrée enregistre sur la fiche de mouvement de stock "
                "et attend l'ordre suivant (R10)."
            ),
        )

        self.entry, grid = entry_panel("storeEntry", vertical_spacing=3)
        self.number_edit = scan_edit("orderNumber", self.tr("N° de l'ordre (scanner)"))
        self.meter_edit = QLineEdit()
        self.meter_edit.setObjectName("meterReceived")
        self.meter_edit.setMinimumWidth(150)
        self.breaker_edit = QLineEdit()
        self.breaker_edit.setObjectName("breakerReceived")
        self.breaker_edit.setMinimumWidth(150)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("mismatchNote")
        self.note_edit.setMaxLength(300)
        self.note_edit.setPlaceholderText(
            self.tr("obligatoire si un n° reçu diffère de celui du contrat")
        )
        self.sheet_edit = QLineEdit()
        self.sheet_edit.setObjectName("stockSheet")
        self.sheet_edit.setMaxLength(32)
        self.sheet_edit.setMinimumWidth(160)
        self.new_sheet_button = QPushButton(self.tr("Nouvelle fiche"))
        self.new_sheet_button.setObjectName("newSheet")
        self.date_edit = day_edit("returnedOn")
        self.keeper_combo = staff_combo("keeper")
        self.save_button = QPushButton(self.tr("Enregistrer (Entrée)"))
        self.save_button.setObjectName("primary")

        add_labelled(
            grid,
            0,
            (
                (self.tr("N° de l'&ordre :"), self.number_edit),
                (self.tr("&Compteur reçu :"), self.meter_edit),
                (self.tr("&Disjoncteur reçu :"), self.breaker_edit),
            ),
        )
        note_label = QLabel(self.tr("E&xplication d'un écart :"))
        note_label.setBuddy(self.note_edit)
        grid.addWidget(note_label, 0, 3, 1, 2)
        grid.addWidget(self.note_edit, 1, 3, 1, 2)
        add_labelled(
            grid,
            2,
            (
                (self.tr("&Fiche de stock :"), self.sheet_edit),
                (self.tr("Reçu &le :"), self.date_edit),
                (self.tr("&Magasinier :"), self.keeper_combo),
            ),
        )
        grid.addWidget(self.new_sheet_button, 3, 3)
        grid.addWidget(self.save_button, 3, 4)
        grid.setColumnStretch(4, 1)
        self.entry_banner = Banner()
        self.entry_banner.setObjectName("entryBanner")
        grid.addWidget(self.entry_banner, 4, 0, 1, 5)
        layout.addWidget(self.entry)
        self.keys = EntryKeys(self)
        watched: tuple[QWidget, ...] = (
            self.meter_edit,
            self.breaker_edit,
            self.note_edit,
            self.sheet_edit,
            self.date_edit,
            self.keeper_combo,
        )
        for widget in watched:
            widget.installEventFilter(self.keys)

        toolbar = row_layout()
        self.print_button = QPushButton(self.tr("Imprimer la fiche…"))
        self.print_button.setObjectName("printSheet")
        self.sheet_label = QLabel()
        self.sheet_label.setObjectName("sheetInfo")
        toolbar.addWidget(self.print_button)
        toolbar.addWidget(self.sheet_label, 1)
        layout.addLayout(toolbar)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("storeTabs")
        self.returns_table = DataTable()
        self.returns_table.setObjectName("returns")
        self.returns_table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.returns_table.setSortingEnabled(True)
        self.missing_table = DataTable()
        self.missing_table.setObjectName("unreturned")
        self.missing_table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.missing_table.setSortingEnabled(True)
        self.returns_empty, self.missing_empty = EmptyState(), EmptyState()
        self.returns_stack, self.missing_stack = QStackedWidget(), QStackedWidget()
        for stack, empty, table in (
            (self.returns_stack, self.returns_empty, self.returns_table),
            (self.missing_stack, self.missing_empty, self.missing_table),
        ):
            stack.addWidget(empty)
            stack.addWidget(table)
            self.tabs.addTab(stack, "")
        layout.addWidget(self.tabs, 1)

        self.status_label = status_label()
        layout.addWidget(self.status_label)

        order = (
            self.number_edit,
            self.meter_edit,
            self.breaker_edit,
            self.note_edit,
            self.sheet_edit,
            self.date_edit,
            self.keeper_combo,
            self.save_button,
        )
        for before, after in itertools.pairwise(order):
            self.setTabOrder(before, after)

    def show_lists(self, returns_empty: str | None, missing_empty: str | None) -> None:
        """Each list, or the words saying why it is empty and what to do."""
        for stack, empty, table, text in (
            (self.returns_stack, self.returns_empty, self.returns_table, returns_empty),
            (self.missing_stack, self.missing_empty, self.missing_table, missing_empty),
        ):
            if text is None:
                stack.setCurrentWidget(table)
            else:
                empty.setText(text)
                stack.setCurrentWidget(empty)

    def focus_number(self) -> None:
        self.number_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.number_edit.selectAll()

    def clear_serials(self) -> None:
        for edit in (self.meter_edit, self.breaker_edit, self.note_edit):
            edit.clear()
            edit.setPlaceholderText("")
        self.note_edit.setPlaceholderText(
            self.tr("obligatoire si un n° reçu diffère de celui du contrat")
        )
