"""First start on an empty database: demo agency, import, or later."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class FirstStartChoice(IntEnum):
    LATER = 0
    DEMO = 1
    IMPORT = 2


class FirstStartDialog(QDialog):
    def __init__(self, database: str, demo_contracts: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstStart")
        self.setWindowTitle(self.tr("Bienvenue"))  # Qt appends the application's name
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.choice = FirstStartChoice.LATER
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        title = QLabel(self.tr("La base de données est vide."))
        title.setObjectName("pageTitle")
        text = QLabel(
            self.tr(
                "La base « {database} » ne contient encore aucun contrat. Pour commencer :"
                "<ul>"
                "<li><b>Charger l'agence de démonstration</b> : {contracts} contrats "
                "fictifs et des comptes de démonstration (chef section, agents…), pour "
                "découvrir le logiciel sans risque ;</li>"
                "<li><b>Importer l'export de l'agence</b> : les fichiers CSV ou le classeur "
                "Excel produits par la gestion clientèle (le compte de l'administrateur "
                "est d'abord créé).</li>"
                "</ul>"
                "Vous pourrez le faire plus tard depuis la page « Données »."
            ).format(database=database, contracts=f"{demo_contracts:,}".replace(",", "\u202f"))
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setMinimumWidth(460)
        self.demo_button = QPushButton(self.tr("Charger l'agence de démonstration"))
        self.demo_button.setObjectName("primary")
        self.demo_button.setDefault(True)
        self.import_button = QPushButton(self.tr("Importer l'export de l'agence"))
        self.later_button = QPushButton(self.tr("Plus tard"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(buttons)
        self.demo_button.clicked.connect(lambda: self._choose(FirstStartChoice.DEMO))
        self.import_button.clicked.connect(lambda: self._choose(FirstStartChoice.IMPORT))
        self.later_button.clicked.connect(lambda: self._choose(FirstStartChoice.LATER))

    def _choose(self, choice: FirstStartChoice) -> None:
        self.choice = choice
        self.done(int(choice))
