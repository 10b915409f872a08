"""Layout of the « Édition et impression » page (issue #6): toolbar, batches, the
chosen batch's documents beside the preview of the selected one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.fields import find_shortcut, status_label
from sbee_desk.gui.models.print_queue import CANCELLED
from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout
from sbee_desk.services.edition import DocumentKind, DocumentStatus


class PrintQueueView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("2. Édition et impression"),
            self.tr(
                "Produisez les lettres de relance et les ordres des lignes validées, "
                "vérifiez-les, imprimez-les, puis remettez les lettres au releveur et les "
                "ordres au chef section RPNT."
            ),
        )

        toolbar = row_layout()
        self.run_button = QPushButton(self.tr("Lancer l'édition"))
        self.run_button.setObjectName("primary")
        self.print_button = QPushButton(self.tr("Imprimer…"))
        self.print_button.setObjectName("printSelected")
        self.print_releveur_button = QPushButton(self.tr("Imprimer le lot du releveur"))
        self.print_releveur_button.setObjectName("printReleveur")
        self.print_rpnt_button = QPushButton(self.tr("Imprimer le lot du chef RPNT"))
        self.print_rpnt_button.setObjectName("printChefRpnt")
        self.handover_button = QPushButton(self.tr("Remettre à…"))
        self.handover_button.setObjectName("handover")
        for button in (
            self.run_button,
            self.print_button,
            self.print_releveur_button,
            self.print_rpnt_button,
            self.handover_button,
        ):
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        layout.addLayout(toolbar)

        self.banner = Banner()
        self.banner.setObjectName("editionBanner")
        layout.addWidget(self.banner)

        filters = row_layout()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindFilter")
        self.kind_combo.addItem(self.tr("Tous les documents"), "")
        self.kind_combo.addItem(self.tr("Lettres de relance"), DocumentKind.LETTER.value)
        self.kind_combo.addItem(self.tr("Ordres"), DocumentKind.ORDER.value)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.addItem(self.tr("Tous les statuts"), "")
        self.status_combo.addItem(self.tr("Générés"), DocumentStatus.GENERE.value)
        self.status_combo.addItem(self.tr("Imprimés"), DocumentStatus.IMPRIME.value)
        self.status_combo.addItem(self.tr("Remis"), DocumentStatus.REMIS.value)
        self.status_combo.addItem(self.tr("Annulés"), CANCELLED)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText(
            self.tr("Rechercher un n°, une police, un client (Ctrl+F)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.shown_label = QLabel()
        self.shown_label.setObjectName("shownCount")
        filters.addWidget(QLabel(self.tr("Document :")))
        filters.addWidget(self.kind_combo)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("Statut :")))
        filters.addWidget(self.status_combo)
        filters.addSpacing(8)
        filters.addWidget(self.search_edit, 1)
        filters.addSpacing(8)
        filters.addWidget(self.shown_label)
        layout.addLayout(filters)

        # batches | documents | preview
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("printSplitter")
        self.splitter.setChildrenCollapsible(False)

        batches_box = QWidget()
        batches_layout = QVBoxLayout(batches_box)
        batches_layout.setContentsMargins(0, 0, 0, 0)
        batches_title = QLabel(self.tr("Éditions"))
        batches_title.setObjectName("sectionTitle")
        self.batch_list = QListWidget()
        self.batch_list.setObjectName("batches")
        self.batch_list.setWordWrap(True)
        self.batch_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.batch_list.setSpacing(2)
        batches_layout.addWidget(batches_title)
        batches_layout.addWidget(self.batch_list, 1)

        self.stack = QStackedWidget()
        self.empty_state = EmptyState()
        self.table = DataTable()
        self.table.setObjectName("documents")
        self.table.setSelectionMode(DataTable.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        # the current document in full, under the table: at 1366×768 the columns are
        # narrow, the police, client, address and quartier must still be readable
        self.detail_label = QLabel()
        self.detail_label.setObjectName("documentDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setMinimumHeight(2 * self.detail_label.fontMetrics().lineSpacing())
        self.table_box = QWidget()
        table_layout = QVBoxLayout(self.table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(4)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.detail_label)
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.table_box)

        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        self.preview_title = QLabel(self.tr("Aperçu"))
        self.preview_title.setObjectName("sectionTitle")
        self.preview_title.setWordWrap(True)
        self.preview = QPdfView()
        self.preview.setObjectName("preview")
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        preview_layout.addWidget(self.preview_title)
        preview_layout.addWidget(self.preview, 1)

        self.splitter.addWidget(batches_box)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(preview_box)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([180, 680, 290])
        layout.addWidget(self.splitter, 1)

        self.status_label = status_label()
        layout.addWidget(self.status_label)

        self.find_shortcut = find_shortcut(self, self.search_edit)

    def show_empty(self, text: str) -> None:
        self.empty_state.setText(text)
        self.stack.setCurrentWidget(self.empty_state)

    def show_table(self) -> None:
        self.stack.setCurrentWidget(self.table_box)
