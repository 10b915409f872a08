"""Pages that later issues fill: they say so plainly and pretend nothing."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sbee_desk.gui.context import AppContext
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.widgets import PageHeader


class ComingSoonView(QWidget):
    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        self.header = PageHeader(title, purpose)
        self.notice = QLabel(self.tr("Disponible prochainement"))
        self.notice.setObjectName("comingSoon")
        self.detail = QLabel(
            self.tr(
                "Cette étape n'est pas encore disponible dans cette version du logiciel ; "
                "rien n'est enregistré depuis cette page. En attendant, la page "
                "« 1 Sélection » lance le traitement et montre les bordereaux, et la page "
                "« Données » importe l'export de la gestion clientèle."
            )
        )
        self.detail.setWordWrap(True)
        layout.addWidget(self.header)
        layout.addSpacing(24)
        layout.addWidget(self.notice, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.detail)
        layout.addStretch(1)


class ComingSoonPage(Page):
    available = False
    view: ComingSoonView

    def __init__(
        self,
        ctx: AppContext,
        key: str,
        number: int | None,
        label: str,
        title: str,
        purpose: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.key = key
        self.number = number
        self._label = label
        self.view = ComingSoonView(title, purpose)
        self.badge_tip = self.tr("Disponible prochainement")

    @property
    def nav_label(self) -> str:
        return self._label
