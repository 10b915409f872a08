"""What the main window expects of a page controller."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext


class Page(QObject):
    """Controller of one page of the navigation.

    ``view`` is the widget shown; ``badge`` the work waiting there, shown next to
    the navigation entry ("" when unknown).
    """

    #: the page's badge or availability changed
    badge_changed = Signal()
    #: this page changed the database: what (a :class:`Change`); the pages that show
    #: that kind of data reload when shown
    data_changed = Signal(object)
    #: ask the main window to show another page (its key)
    navigate = Signal(str)
    #: a short message for the main window's status bar
    message = Signal(str)

    key = ""
    number: int | None = None
    available = True
    #: the kinds of data the page shows: it is marked stale when one of them changes
    depends_on: Change = Change.ALL

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

    def changed(self, what: Change) -> bool:
        """Another page changed ``what``: stale if this page shows any of it."""
        if self.depends_on & what:
            self.mark_stale()
            return True
        return False

    def actor_changed(self) -> None:
        """Somebody else signed in: enable what their roles allow."""

    def save_state(self) -> None:
        """Remember widths, splitters and filters (QSettings)."""
