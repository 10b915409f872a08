"""Pages that later issues fill: they say so plainly, pretend nothing, and lead to the
pages that already do the nearest thing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QCommandLinkButton, QLabel, QVBoxLayout, QWidget

from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.widgets import PageHeader

#: (key of an existing page, what to do there while this step is not built)
Link = tuple[str, str]


class ComingSoonView(QWidget):
    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        self.header = PageHeader(title, purpose)
        self.notice = QLabel(self.tr("Étape pas encore construite"))
        self.notice.setObjectName("comingSoon")
        self.detail = QLabel(
            self.tr(
                "Cette étape viendra dans une prochaine version du logiciel ; cette page "
                "n'enregistre rien. En attendant, ces pages font ce qui s'en approche :"
            )
        )
        self.detail.setWordWrap(True)
        #: key of the page → its button, in the order shown
        self.links: dict[str, QCommandLinkButton] = {}
        self.links_layout = QVBoxLayout()
        self.links_layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addSpacing(24)
        layout.addWidget(self.notice, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.detail)
        layout.addSpacing(6)
        layout.addLayout(self.links_layout)
        layout.addStretch(1)

    def add_link(self, key: str, label: str, description: str) -> QCommandLinkButton:
        button = QCommandLinkButton(label, description)
        button.setObjectName(f"link_{key}")
        button.setMaximumWidth(760)
        self.links[key] = button
        self.links_layout.addWidget(button)
        return button


class ComingSoonPage(Page):
    available = False
    depends_on = Change.NOTHING  # shows no data
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
        links: Sequence[Link] = (),
    ) -> None:
        super().__init__(ctx, parent)
        self.key = key
        self.number = number
        self._label = label
        self.links = list(links)
        self.view = ComingSoonView(title, purpose)
        self.badge_tip = self.tr("Pas encore construite")

    @property
    def nav_label(self) -> str:
        return self._label

    def show_links(self, labels: Mapping[str, str]) -> None:
        """Once every page exists: a button per link, named as in the navigation."""
        for key, description in self.links:
            button = self.view.add_link(key, labels[key], description)
            button.clicked.connect(lambda _checked=False, k=key: self.navigate.emit(k))
