"""Layout of the « 7. Résiliations » page (#16): the period and the filters, the
actions on the terminations (a toolbar with room for more: « Résiliation pour autre
cause… » (R8) and « Fichier retour gestion clientèle… » come next), the table, the
past hand-offs to reprint, and what the last hand-off wrote."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout
from sbee_desk.wording.labels import TERMINATION_CAUSE_LABELS


class TerminationsView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("7. Résiliations — apurement et contentieux"),
            self.tr(
                "Les contrats résiliés de la période. « Transmettre » écrit, pour les "
                "résiliations pas encore transmises, la liste de l'apurement de contrat et "
                "celle du contentieux (contrats qui doivent encore) en Excel et PDF, et les "
                "garde au classeur : chaque contrat n'est transmis qu'une fois (R12, R13)."
            ),
        )

        # the period and the filters
        filters = row_layout()
        self.start_edit = QDateEdit()
        self.start_edit.setObjectName("periodStart")
        self.end_edit = QDateEdit()
        self.end_edit.setObjectName("periodEnd")
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        today = QDate.currentDate()
        self.start_edit.setDate(QDate(today.year(), today.month(), 1))
        self.end_edit.setDate(today)
        self.cause_combo = QComboBox()
        self.cause_combo.setObjectName("causeFilter")
        self.cause_combo.addItem(self.tr("toutes"), None)
        for code, cause in TERMINATION_CAUSE_LABELS.items():
            self.cause_combo.addItem(cause, code)
        self.cause_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.cause_combo.setMinimumContentsLength(12)
        self.handed_combo = QComboBox()
        self.handed_combo.setObjectName("handedFilter")
        self.handed_combo.addItem(self.tr("toutes"), None)
        self.handed_combo.addItem(self.tr("à transmettre"), False)
        self.handed_combo.addItem(self.tr("transmises"), True)
        self.zone_combo = QComboBox()
        self.zone_combo.setObjectName("zoneFilter")
        self.zone_combo.addItem(self.tr("toutes"), None)
        self.zone_combo.setMinimumContentsLength(6)
        pairs: tuple[tuple[str, QWidget], ...] = (
            (self.tr("&Du"), self.start_edit),
            (self.tr("&au"), self.end_edit),
            (self.tr("&Cause :"), self.cause_combo),
            (self.tr("&Transmission :"), self.handed_combo),
            (self.tr("&Zone :"), self.zone_combo),
        )
        for text, field in pairs:
            label = QLabel(text)
            label.setBuddy(field)
            filters.addWidget(label)
            filters.addWidget(field)
        filters.addStretch(1)
        layout.addLayout(filters)

        # the actions on the terminations: the hand-off (R12), a termination for another
        # cause (R8), the return file for the gestion clientèle
        self.action_row = row_layout()
        self.action_row.setObjectName("terminationActions")
        self.handoff_button = QPushButton(self.tr("Transmettre à l'apurement et au contentieux…"))
        self.handoff_button.setObjectName("primary")
        self.r8_button = QPushButton(self.tr("Résiliation pour autre cause…"))
        self.r8_button.setObjectName("terminationR8")
        self.gc_button = QPushButton(self.tr("Fichier retour GC…"))
        self.gc_button.setObjectName("gcReturn")
        self.gc_button.setToolTip(
            self.tr(
                "Les résiliations, index relevés et difficultés d'adresse pour la gestion "
                "clientèle (CSV ou Excel), chaque ligne une seule fois."
            )
        )
        self.action_row.addWidget(self.handoff_button)
        self.action_row.addWidget(self.r8_button)
        self.action_row.addStretch(1)
        self.action_row.addWidget(self.gc_button)
        layout.addLayout(self.action_row)

        self.banner = Banner()
        self.banner.setObjectName("handoffBanner")
        layout.addWidget(self.banner)

        self.table = DataTable()
        self.table.setObjectName("terminations")
        self.table.setSortingEnabled(True)
        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("pageStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        # a past hand-off, to reprint (« COPIE »)
        reprint = row_layout()
        reprint_label = QLabel(self.tr("Transmissions &passées :"))
        self.batch_combo = QComboBox()
        self.batch_combo.setObjectName("pastHandoffs")
        self.batch_combo.setMinimumContentsLength(30)
        self.batch_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        reprint_label.setBuddy(self.batch_combo)
        self.reprint_button = QPushButton(self.tr("Réimprimer…"))
        self.reprint_button.setObjectName("reprintHandoff")
        self.reprint_button.setToolTip(
            self.tr("Écrire de nouveau les listes de cette transmission, marquées « COPIE ».")
        )
        reprint.addWidget(reprint_label)
        reprint.addWidget(self.batch_combo)
        reprint.addWidget(self.reprint_button)
        reprint.addStretch(1)
        layout.addLayout(reprint)

    def show_table(self, empty_text: str | None) -> None:
        """The table, or the words saying why it is empty."""
        if empty_text is None:
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.setText(empty_text)
            self.stack.setCurrentWidget(self.empty)
