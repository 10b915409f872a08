"""The « Édition et impression » page, its base (issue #6, part 3; split in #11): the
print queue's loading, filters, selection and preview.

Runs the edition in the background (progress, cancel), lists the batches and the
chosen batch's documents with their status, previews the selected document (QtPdf),
prints documents or a recipient's file through the system print dialog and only
then records them printed (a reprint needs a reason), and records the hand-over to
a releveur or the section RPNT. Cancelled documents (R7) are crossed out and never
printed. The actions are :class:`~print_queue_page.PrintQueuePage`'s; the printing
helpers are in :mod:`print_queue_printing`, the words in :mod:`print_queue_words`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QItemSelectionModel,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QListWidgetItem, QWidget

from sbee_desk.domain.permissions import Action
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.formatting import plural
from sbee_desk.gui.models import print_queue as pcols
from sbee_desk.gui.models.print_queue import PrintQueueModel, PrintQueueProxy
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.print_queue_printing import agency_printer
from sbee_desk.gui.pages.print_queue_view import PrintQueueView
from sbee_desk.gui.pages.print_queue_words import (
    batch_text,
    batch_tip,
    document_detail,
    documents_status,
    edition_outcome,
)
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.edition import (
    BatchInfo,
    DocumentKind,
    DocumentRow,
    DocumentStatus,
    EditionResult,
    document_pdf,
    list_batches,
    list_documents,
    run_edition_until_done,
)

SEARCH_DELAY_MS = 150
#: « -2 »: the widths saved before issue #10 cut the police at 1366×768
HEADER_KEY = "edition/documents-2"
BATCH_ROLE = Qt.ItemDataRole.UserRole

#: sample texts that set each column's width, in the table's own font: a 10-digit
#: police and an 8-digit number are never cut at 1366×768 (issue #10); the client and
#: the status share what is left (the status stretches), and the current document is
#: shown in full under the table
COLUMN_SAMPLES = {
    pcols.COL_KIND: "Contrôle",
    pcols.COL_NUMBER: "00000000",
    pcols.COL_POLICE: "3100000000",
    pcols.COL_CUSTOMER: "HOUNGBÉDJI Afiavi",
    pcols.COL_ZONE: "T00",
    pcols.COL_QUARTIER: "Akpakpa Dodo",
}
#: cell padding (the number column also holds the header's sort indicator)
COLUMN_PADDING = 14
SORT_INDICATOR = 16


#: "latest result wins" key of the documents of the batch shown
DOCUMENTS_KEY = "edition/documents"


def column_widths(table: QWidget) -> dict[int, int]:
    metrics = table.fontMetrics()
    widths = {c: metrics.horizontalAdvance(t) + COLUMN_PADDING for c, t in COLUMN_SAMPLES.items()}
    widths[pcols.COL_NUMBER] += SORT_INDICATOR
    return widths


class PrintQueueBase(Page):
    """The page without its print and hand-over actions: loading, filters, selection,
    preview and the state of the buttons (the page is :class:`PrintQueuePage`)."""

    key = "edition"
    #: R7 after an import cancels documents; a validation makes letters and orders
    depends_on = Change.EXPORT | Change.REVIEW | Change.EDITION
    number = 2
    view: PrintQueueView

    batches_loaded = Signal()
    documents_loaded = Signal()
    #: the preview shows this document (its id)
    preview_loaded = Signal(int)
    edition_finished = Signal(object)
    #: documents printed and recorded (their ids)
    printed = Signal(list)
    #: documents recorded handed over (their ids)
    handed_over = Signal(list)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = PrintQueueView()
        self.model = PrintQueueModel(self)
        self.proxy = PrintQueueProxy(self)
        self.proxy.setSourceModel(self.model)
        view.table.setModel(self.proxy)
        view.table.set_column_widths(column_widths(view.table))
        ctx.settings.restore_header(HEADER_KEY, view.table.horizontalHeader())
        ctx.settings.restore_splitter("edition/splitter", view.splitter)
        view.table.sortByColumn(pcols.COL_NUMBER, Qt.SortOrder.AscendingOrder)
        self.batches: list[BatchInfo] = []
        self.pdf_document = QPdfDocument(self)
        self._pdf_buffer: QBuffer | None = None
        self._preview_id: int | None = None
        self._busy = False
        #: the edge of the system: the tests give a print-to-PDF-file printer here
        self.printer_factory: Callable[[], QPrinter] = agency_printer
        view.preview.setDocument(self.pdf_document)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply_filters)
        view.kind_combo.currentIndexChanged.connect(self._apply_filters)
        view.status_combo.currentIndexChanged.connect(self._apply_filters)
        view.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        view.search_edit.returnPressed.connect(self._apply_filters)
        view.batch_list.currentItemChanged.connect(self._batch_chosen)
        view.run_button.clicked.connect(self.run_edition)
        view.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.proxy.modelReset.connect(self._update_actions)
        self.proxy.layoutChanged.connect(self._update_actions)
        view.banner.setVisible(False)
        view.show_empty(self.tr("Chargement…"))
        self._update_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Édition et impression")

    def actor_changed(self) -> None:
        self._update_actions()

    def save_state(self) -> None:
        self.ctx.settings.save_header(HEADER_KEY, self.view.table.horizontalHeader())
        self.ctx.settings.save_splitter("edition/splitter", self.view.splitter)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.ctx.tasks.drop(DOCUMENTS_KEY)  # documents read before this refresh: stale
        self.ctx.tasks.start(
            lambda ctx: list_batches(ctx.uow()),
            title=self.tr("Lecture des éditions"),
            on_success=self._batches_ready,
            key="edition/batches",
        )

    def _batches_ready(self, batches: list[BatchInfo]) -> None:
        current = self.current_batch()
        wanted = current.id if current is not None else None
        self.batches = batches
        blist = self.view.batch_list
        blist.blockSignals(True)
        blist.clear()
        for batch in batches:
            item = QListWidgetItem(batch_text(batch, self.tr))
            item.setData(BATCH_ROLE, batch.id)
            item.setToolTip(batch_tip(batch, self.tr))
            blist.addItem(item)
        blist.blockSignals(False)
        self._update_badge()
        if not batches:
            self.model.set_rows([])
            self.view.show_empty(
                self.tr(
                    "Aucune édition pour l'instant. Validez un bordereau (page « Sélection »), "
                    "puis cliquez sur « Lancer l'édition » : les lettres et les ordres "
                    "apparaîtront ici."
                )
            )
            self._clear_preview()
            self._update_actions()
            self.batches_loaded.emit()
            return
        row = next((i for i, b in enumerate(batches) if b.id == wanted), 0)
        blist.setCurrentRow(row)
        if self.current_batch() is not None and wanted == self.current_batch_id():
            self._load_documents()  # the same batch: reload its documents
        self.batches_loaded.emit()

    def current_batch_id(self) -> int | None:
        item = self.view.batch_list.currentItem()
        return int(item.data(BATCH_ROLE)) if item is not None else None

    def current_batch(self) -> BatchInfo | None:
        batch_id = self.current_batch_id()
        return next((b for b in self.batches if b.id == batch_id), None)

    def _batch_chosen(self, *_args: object) -> None:
        self._clear_preview()
        self._load_documents()

    def _load_documents(self) -> None:
        batch_id = self.current_batch_id()
        if batch_id is None:
            return
        self.ctx.tasks.start(
            lambda ctx: list_documents(ctx.uow(), batch_id),
            title=self.tr("Lecture des documents"),
            on_success=lambda rows: self._documents_ready(batch_id, rows),
            key=DOCUMENTS_KEY,
        )

    def _documents_ready(self, batch_id: int, rows: list[DocumentRow]) -> None:
        if batch_id != self.current_batch_id():
            return
        selected = self.selected_ids()
        self.model.set_rows(rows)
        if rows:
            self.view.show_table()
        else:
            self.view.show_empty(self.tr("Cette édition ne contient aucun document."))
        self._apply_filters()
        for document_id in selected:
            self.select_document(document_id, add=True)
        self._update_status()
        self._update_actions()
        self.documents_loaded.emit()

    # -- filters -----------------------------------------------------------------------------
    def _apply_filters(self, *_args: object) -> None:
        self.search_timer.stop()
        view = self.view
        kind = view.kind_combo.currentData()
        self.proxy.set_filters(
            DocumentKind(kind) if kind else None,
            view.status_combo.currentData() or None,
            view.search_edit.text(),
        )
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            view.shown_label.clear()
        elif shown == total:
            view.shown_label.setText(plural(total, self.tr("document"), self.tr("documents")))
        else:
            view.shown_label.setText(
                self.tr("{shown} sur {total}").format(shown=shown, total=total)
            )
        self._update_actions()

    def _update_status(self) -> None:
        text = documents_status(self.model.rows, self.tr)
        if text:
            self.view.status_label.setText(text)
        else:
            self.view.status_label.clear()

    def _update_badge(self) -> None:
        waiting = sum(b.by_status.get(DocumentStatus.GENERE, 0) for b in self.batches[:1])
        badge = str(waiting) if waiting else ""
        if badge != self.badge:
            self.badge = badge
            self.badge_tip = self.tr("documents à imprimer")
            self.badge_changed.emit()

    # -- selection and preview ---------------------------------------------------------------
    def selected_rows(self) -> list[DocumentRow]:
        selection = self.view.table.selectionModel()
        rows = sorted({index.row() for index in selection.selectedRows()})
        return [self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row()) for r in rows]

    def selected_ids(self) -> list[int]:
        return [r.id for r in self.selected_rows()]

    def select_document(self, document_id: int, add: bool = False) -> bool:
        row = self.model.row_of(document_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select
            if add
            else QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.table.selectionModel().setCurrentIndex(index, flags)
        return True

    def _selection_changed(self, *_args: object) -> None:
        self._update_actions()
        index = self.view.table.currentIndex()
        if not index.isValid():
            self.view.detail_label.clear()
            return
        row = self.model.row(self.proxy.mapToSource(index).row())
        self.view.detail_label.setText(self.detail_text(row))
        if row.id != self._preview_id:
            self._load_preview(row)

    def detail_text(self, row: DocumentRow) -> str:
        """The current document in full: what the narrow columns may cut."""
        return document_detail(row, self.tr)

    def _load_preview(self, row: DocumentRow) -> None:
        self._preview_id = row.id
        self.view.preview_title.setText(self.tr("Aperçu — {name}").format(name=row.file_name))
        document_id = row.id
        self.ctx.tasks.start(
            lambda ctx: document_pdf(ctx.uow(), document_id),
            title=self.tr("Aperçu du document"),
            on_success=lambda named: self._preview_ready(document_id, named[1]),
            show_progress=False,
        )

    def _preview_ready(self, document_id: int, content: bytes) -> None:
        if document_id != self._preview_id:
            return
        self.pdf_document.close()
        old = self._pdf_buffer
        buffer = QBuffer(self)  # kept as long as the document reads it
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf_buffer = buffer
        self.pdf_document.load(buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        self.preview_loaded.emit(document_id)

    def _clear_preview(self) -> None:
        self._preview_id = None
        self.pdf_document.close()
        self.view.preview_title.setText(self.tr("Aperçu"))

    # -- actions -----------------------------------------------------------------------------
    def _update_actions(self, *_args: object) -> None:
        view = self.view
        may = self.ctx.may(Action.EDITION)
        rows = self.selected_rows()
        live = [r for r in rows if not r.cancelled]
        has_batch = self.current_batch_id() is not None and self.model.rowCount() > 0
        view.run_button.setEnabled(may and not self._busy)
        view.print_button.setEnabled(may and bool(live) and not self._busy)
        for button in (view.print_releveur_button, view.print_rpnt_button):
            button.setEnabled(may and has_batch and not self._busy)
        view.handover_button.setEnabled(
            may and bool(live) and all(r.print_count > 0 for r in live) and not self._busy
        )
        denied = "" if may else self.tr("Réservé au chef section recouvrement.")
        view.run_button.setToolTip(
            denied
            or self.tr(
                "Produit aujourd'hui, une seule fois, chaque lettre et chaque ordre des lignes "
                "validées (les documents annulés par un paiement ne sont pas produits)."
            )
        )
        view.print_button.setToolTip(
            denied
            or (
                self.tr("Imprime les documents choisis (les annulés sont exclus).")
                if live
                else self.tr("Choisissez d'abord des documents non annulés.")
            )
        )
        view.handover_button.setToolTip(
            denied
            or self.tr(
                "Enregistre la remise des documents imprimés : lettres au releveur, ordres "
                "au chef section RPNT."
            )
        )

    def _widget(self) -> QWidget:
        return self.view.window()

    def run_edition(self) -> None:
        """« Lancer l'édition »: today's batch, in the background, with progress and cancel."""
        self.ctx.with_actor(self._run_edition)

    def _run_edition(self, actor: Actor) -> None:
        on = dt.date.today()

        def work(ctx: TaskContext) -> EditionResult:
            # as `sbee-desk edition`: an interrupted batch completed, what was validated
            # since is edited in a new batch, in the same click (#11)
            return run_edition_until_done(
                ctx.uow(), actor, on, progress=ctx.progress, cancelled=ctx.cancelled
            )

        self._set_busy(True)
        task = self.ctx.tasks.start(
            work,
            title=self.tr("Édition des lettres et des ordres"),
            on_success=self._edition_done,
            cancellable=True,
        )
        task.ended.connect(lambda: self._set_busy(False))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_actions()

    def _edition_done(self, result: EditionResult) -> None:
        banner = self.view.banner
        banner.show_message(*edition_outcome(result, self.tr))
        self.message.emit(banner.text())
        self.data_changed.emit(Change.EDITION)
        self.refresh()
        self.edition_finished.emit(result)
