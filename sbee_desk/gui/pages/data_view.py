"""Layout of the Données page (import of the gestion-clientèle export)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.fields import status_label
from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout


class DataView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("Données — import de l'export de la gestion clientèle"),
            self.tr(
                "Choisissez le dossier des fichiers CSV ou le classeur Excel (.xlsx) exporté "
                "par la gestion clientèle. L'import est « tout ou rien » : si une seule ligne "
                "est invalide, rien n'est enregistré et la liste des problèmes s'affiche."
            ),
        )

        toolbar = row_layout()
        self.folder_button = QPushButton(self.tr("Importer un dossier CSV…"))
        self.folder_button.setObjectName("primary")
        self.workbook_button = QPushButton(self.tr("Importer un classeur Excel…"))
        self.workbook_button.setObjectName("importWorkbook")
        self.last_import_label = QLabel()
        self.last_import_label.setObjectName("lastImport")
        toolbar.addWidget(self.folder_button)
        toolbar.addWidget(self.workbook_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.last_import_label)
        layout.addLayout(toolbar)

        self.tables_hint = QLabel(
            self.tr(
                "Tables reconnues (nom du fichier ou de la feuille) : clients, contrats, "
                "bordereaux, factures, reglements, interruptions. Seules les tables présentes "
                "sont importées ; réimporter le même fichier ne change rien."
            )
        )
        self.tables_hint.setObjectName("pageSubtitle")
        self.tables_hint.setWordWrap(True)
        layout.addWidget(self.tables_hint)

        self.banner = Banner()
        layout.addWidget(self.banner)

        self.stack = QStackedWidget()
        self.empty_state = EmptyState(
            self.tr(
                "Aucun import pendant cette session. Choisissez un dossier ou un classeur "
                "pour importer les données de l'agence."
            )
        )
        self.stack.addWidget(self.empty_state)

        # success: counts per table (+ warnings)
        self.counts_page = QWidget()
        counts_layout = QVBoxLayout(self.counts_page)
        counts_layout.setContentsMargins(0, 0, 0, 0)
        self.counts_title = QLabel(self.tr("Lignes importées par table"))
        self.counts_title.setObjectName("sectionTitle")
        self.counts_table = DataTable()
        self.counts_table.setObjectName("importCounts")
        self.counts_table.setSortingEnabled(True)
        self.warnings_title = QLabel(self.tr("Avertissements"))
        self.warnings_title.setObjectName("sectionTitle")
        self.warnings_list = QListWidget()
        self.warnings_list.setObjectName("importWarnings")
        counts_layout.addWidget(self.counts_title)
        counts_layout.addWidget(self.counts_table, 2)
        counts_layout.addWidget(self.warnings_title)
        counts_layout.addWidget(self.warnings_list, 1)
        self.stack.addWidget(self.counts_page)

        # failure: the problems, copyable and savable
        self.problems_page = QWidget()
        problems_layout = QVBoxLayout(self.problems_page)
        problems_layout.setContentsMargins(0, 0, 0, 0)
        problems_bar = QHBoxLayout()
        self.problems_title = QLabel(self.tr("Problèmes à corriger dans le fichier"))
        self.problems_title.setObjectName("sectionTitle")
        self.copy_button = QPushButton(self.tr("Copier la liste"))
        self.copy_button.setObjectName("copyProblems")
        self.copy_button.setToolTip(
            self.tr("Copie les lignes choisies (ou toutes) pour les coller dans Excel (Ctrl+C)")
        )
        self.save_button = QPushButton(self.tr("Enregistrer en CSV…"))
        self.save_button.setObjectName("saveProblems")
        problems_bar.addWidget(self.problems_title)
        problems_bar.addStretch(1)
        problems_bar.addWidget(self.copy_button)
        problems_bar.addWidget(self.save_button)
        self.problems_table = DataTable()
        self.problems_table.setObjectName("importProblems")
        self.problems_table.setSortingEnabled(True)
        problems_layout.addLayout(problems_bar)
        problems_layout.addWidget(self.problems_table)
        self.stack.addWidget(self.problems_page)
        layout.addWidget(self.stack, 1)

        self.status_label = status_label()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)
