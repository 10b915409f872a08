"""What the main window expects of a page controller."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from sbee_desk.gui.context import AppContext


class Page(QObject):
    """Controller of one page of the navigation.

    ``view`` is the widget shown; ``badge`` the work waiting there, shown next to
    the navigation entry ("" when unknown).
    """

    #: the page's badge or availability changed
    badge_changed = Signal()
    #: this page changed the database (import, demo, run): others reload when shown
    data_changed = Signal()
    #: ask the main window to show another page (its key)
    navigate = Signal(str)
    #: a short message for the main window's status bar
    message = Signal(str)

    key = ""
    number: int | None = None
    available = True

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.badge = ""
        self.badge_tip = ""
        self.stale = True
        self.view: QWidget

    @property
    def nav_label(self) -> str:
        raise NotImplementedError

    def activate(self) -> None:
        """The page is shown: reload if the data changed since."""
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False

    def mark_stale(self) -> None:
        self.stale = True

    def actor_changed(self) -> None:
        """Somebody else signed in: enable what their roles allow."""

    def save_state(self) -> None:
        """Remember widths, splitters and filters (QSettings)."""
