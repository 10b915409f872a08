"""The navigation at 1366×768: its counts are never cut (issue #10)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.formatting import format_count
from sbee_desk.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory
from tests.gui.test_screenshots import SIZE


def _cut_items(window: MainWindow) -> list[str]:
    """The navigation entries whose text does not fit the list's viewport."""
    nav = window.navigation
    room = nav.viewport().width()
    cut = []
    for row in range(nav.count()):
        item = nav.item(row)
        # the delegate's size hint: text width plus the style sheet's padding and border
        needed = nav.sizeHintForIndex(nav.indexFromItem(item)).width()
        text = nav.fontMetrics().horizontalAdvance(item.text())
        if needed > room or text > nav.visualItemRect(item).width():
            cut.append(item.text())
    return cut


def test_navigation_counts_are_never_cut(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database, tmp_path: Path
) -> None:
    window = make_window(demo_db)
    window.resize(*SIZE)
    qtbot.waitUntil(lambda: bool(window.selection_page.runs))
    assert _cut_items(window) == []
    for count in (1_234, 12_345, 99_999):
        for page in (window.selection_page, window.print_queue_page):
            page.badge = format_count(count)
            page.badge_changed.emit()
        QApplication.processEvents()  # the list lays its items out lazily
        assert f"({format_count(count)})" in window.nav_text("edition")
        assert _cut_items(window) == [], count
    # the pages keep the room they need
    assert window.stack.width() >= SIZE[0] - 320
    assert window.grab().save(str(tmp_path / "navigation-99999.png"), "PNG")
