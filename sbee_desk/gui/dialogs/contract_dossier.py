"""The contract's dossier (#16): one window telling a contract's story in order — the
customer and the contract, then every event with its date, what happened and who did
it (invoices and payments, suspensions, selection runs, exclusions and derogations,
letters and their delivery, orders, dispatch, store return, CRI, countersign,
termination, the journal's events) — printable on the agency's printer or saved as a
PDF for a litigation file or a customer's complaint.

The main window reads the dossier in the background (``services.contract_card``) from
the « N° d'ordre ou police… » field (Ctrl+K) or the order card's « Dossier du
contrat » button, and shows it here, non-modal: the chef keeps it open beside his
work. Printing and saving produce the PDF in the background
(``services.dossier.document``), as the print queue does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractProxyModel, QCoreApplication, QModelIndex, QPoint, Qt, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui import errors
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.print_dialogs import PrintFailed, print_pdfs
from sbee_desk.gui.file_dialogs import ask_save_file
from sbee_desk.gui.formatting import plural
from sbee_desk.gui.models.base import Column, RowTableModel
from sbee_desk.gui.pages.print_queue_printing import system_print_dialog
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.gui.widgets import DataTable
from sbee_desk.services.clock import today
from sbee_desk.services.contract_card import ContractCard
from sbee_desk.services.dossier.document import dossier_file_name, dossier_pdf_bytes
from sbee_desk.wording.contract_card import SECTIONS, StoryLine, contract_facts, story_lines


def tr(text: str) -> str:
    return QCoreApplication.translate("ContractDossier", text)


def dossier_printer() -> QPrinter:
    """The agency's printer, as the print queue's (the print dialog chooses it)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName("SBEE — dossier du contrat")
    return printer


def police_of(table: QTableView, index: QModelIndex) -> str | None:
    """The police of the row at ``index`` of a list (through its sorting and filtering
    proxies), when its rows name a contract."""
    model = table.model()
    while isinstance(model, QAbstractProxyModel) and index.isValid():
        index = model.mapToSource(index)
        model = model.sourceModel()
    if not index.isValid() or not isinstance(model, RowTableModel):
        return None
    police = getattr(model.row(index.row()), "police", None)
    return police if isinstance(police, str) and police else None


def dossier_menu(
    table: QTableView, pos: QPoint, open_dossier: Callable[[str], None]
) -> QMenu | None:
    """The menu of a right click at ``pos`` on ``table``: « Dossier du contrat P… »
    when the row names a contract, else None."""
    police = police_of(table, table.indexAt(pos))
    if police is None:
        return None
    menu = QMenu(table)
    menu.setObjectName("dossierMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    action = menu.addAction(tr("Dossier du contrat {police}…").format(police=police))
    action.triggered.connect(lambda: open_dossier(police))
    return menu


def offer_dossier(table: QTableView, open_dossier: Callable[[str], None]) -> None:
    """A right click on a row naming a contract offers « Dossier du contrat P… » (#16)."""
    if table.contextMenuPolicy() != Qt.ContextMenuPolicy.DefaultContextMenu:
        return  # the list has its own menu

    def requested(pos: QPoint) -> None:
        menu = dossier_menu(table, pos, open_dossier)
        if menu is not None:
            menu.popup(table.viewport().mapToGlobal(pos))

    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(requested)


class StoryModel(RowTableModel[StoryLine]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(tr("Date"), lambda r: r.on, sort=lambda r: r.on[6:] + r.on[3:5] + r.on[:2]),
            Column(tr("Heure"), lambda r: r.time),
            Column(tr("Événement"), lambda r: r.what, tooltip=lambda r: r.what),
            Column(tr("Par"), lambda r: r.who),
        )


class ContractDossierDialog(QDialog):
    """The dossier of one contract, read beforehand (``contract_card``)."""

    printed = Signal(int)
    saved = Signal(str)

    def __init__(self, card: ContractCard, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractDossierDialog")
        self.card = card
        self.ctx = ctx
        #: where « Imprimer… » prints (the tests give a print-to-PDF printer)
        self.printer_factory: Callable[[], QPrinter] = dossier_printer
        self.lines = story_lines(card.events)
        self.setWindowTitle(tr("Dossier du contrat {police}").format(police=card.police))
        self.resize(1000, 700)
        layout = QVBoxLayout(self)

        title = QLabel(
            tr("Dossier du contrat {police} — {name}").format(
                police=card.police, name=card.customer_name
            )
        )
        title.setObjectName("pageTitle")
        layout.addWidget(title)

        header = QGroupBox(tr("Client et contrat"))
        grid = QGridLayout(header)
        facts = contract_facts(card)
        half = (len(facts) + 1) // 2
        self.fact_labels: dict[str, QLabel] = {}
        for column, part in enumerate((facts[:half], facts[half:])):
            form = QFormLayout()
            for label, value in part:
                shown = QLabel(value)
                shown.setWordWrap(True)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.fact_labels[label] = shown
                form.addRow(tr("{label} :").format(label=label), shown)
            grid.addLayout(form, 0, column)
        layout.addWidget(header)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("dossierSearch")
        self.search.setPlaceholderText(tr("Chercher dans l'histoire…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refilter)
        filters.addWidget(self.search, 1)
        self.section_boxes: dict[str, QCheckBox] = {}
        for label, _kinds in SECTIONS:
            box = QCheckBox(label)
            box.setChecked(True)
            box.toggled.connect(self._refilter)
            self.section_boxes[label] = box
            filters.addWidget(box)
        layout.addLayout(filters)

        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        self.model = StoryModel(self)
        self.table = DataTable()
        self.table.setObjectName("dossierStory")
        self.table.setModel(self.model)
        self.table.set_column_widths({0: 90, 1: 55, 2: 560})
        layout.addWidget(self.table, 1)
        if not self.lines:
            self.count_label.setText(tr("Aucun événement enregistré pour ce contrat."))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton(tr("Imprimer…"))
        self.print_button.setObjectName("dossierPrint")
        self.print_button.clicked.connect(self.print_dossier)
        self.save_button = QPushButton(tr("Enregistrer en PDF…"))
        self.save_button.setObjectName("dossierSave")
        self.save_button.clicked.connect(self.save_pdf)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._refilter()

    # -- the story shown -------------------------------------------------------------
    def _refilter(self) -> None:
        hidden: set[str] = set()
        for label, kinds in SECTIONS:
            if not self.section_boxes[label].isChecked():
                hidden |= kinds
        needle = self.search.text().strip().lower()
        rows = [
            line
            for line in self.lines
            if line.kind not in hidden
            and (not needle or needle in f"{line.on} {line.what} {line.who}".lower())
        ]
        self.model.set_rows(rows)
        if self.lines:
            shown = plural(len(rows), tr("événement"), tr("événements"))
            if len(rows) == len(self.lines):
                self.count_label.setText(tr("Histoire du contrat : {shown}").format(shown=shown))
            else:
                self.count_label.setText(
                    tr("Histoire du contrat : {shown} affichés sur {total}").format(
                        shown=shown, total=len(self.lines)
                    )
                )

    def shown_lines(self) -> list[StoryLine]:
        return list(self.model.rows)

    # -- printing and saving ----------------------------------------------------------
    def _pdf(self, ctx: TaskContext) -> bytes:
        actor = self.ctx.actor
        assert actor is not None
        return dossier_pdf_bytes(ctx.uow(), actor, self.card, on=today())

    def print_dossier(self) -> None:
        """« Imprimer… »: the system's print dialog, then the pages drawn in the
        background onto the printer chosen."""
        printer = self.printer_factory()
        if self.ctx.actor is None:
            return

        def answered(ok: bool) -> None:
            if not ok:
                return

            def draw(ctx: TaskContext) -> int:
                return print_pdfs(printer, [self._pdf(ctx)])

            def failed(exc: BaseException) -> bool:
                if isinstance(exc, PrintFailed):
                    errors.show_error(self, exc, tr("Impression du dossier"))
                    return True
                return False

            self.ctx.tasks.start(
                draw,
                title=tr("Impression du dossier du contrat {police}").format(
                    police=self.card.police
                ),
                on_success=self.printed.emit,
                on_error=failed,
            )

        system_print_dialog(printer, self, answered)

    def save_pdf(self) -> None:
        """« Enregistrer en PDF… »: a file chosen, the dossier's PDF written to it."""
        if self.ctx.actor is None:
            return
        start = Path(self.ctx.settings.text("dossier/folder") or str(Path.home()))
        ask_save_file(
            self,
            tr("Enregistrer le dossier du contrat en PDF"),
            str(start / dossier_file_name(self.card.police)),
            tr("Document PDF (*.pdf)"),
            self._save_to,
        )

    def _save_to(self, path: str) -> None:
        self.ctx.settings.set_text("dossier/folder", str(Path(path).parent))

        def write(ctx: TaskContext) -> str:
            Path(path).write_bytes(self._pdf(ctx))
            return path

        self.ctx.tasks.start(
            write,
            title=tr("Enregistrement du dossier du contrat {police}").format(
                police=self.card.police
            ),
            on_success=self.saved.emit,
        )
