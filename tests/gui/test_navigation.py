"""The navigation at 1366×768: its counts are never cut (issue #10)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.formatting import format_count
from sbee_desk.gui.main_window import KEY_ROLE, MainWindow
from sbee_desk.gui.pages.coming_soon import ComingSoonView
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


#: each step not built yet → the pages that do the nearest thing today
EXPECTED_LINKS = {
    "dashboard": ["selection", "edition", "archive", "audit"],
}


def test_pages_not_built_yet_say_so_and_lead_to_the_pages_that_exist(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database, tmp_path: Path
) -> None:
    window = make_window(demo_db)
    window.resize(*SIZE)
    for key, targets in EXPECTED_LINKS.items():
        window.go_to(key)
        page = window.pages[key]
        view = page.view
        assert isinstance(view, ComingSoonView)
        assert window.current_page() is page
        assert view.notice.text() == "Étape pas encore construite"
        assert "n'enregistre rien" in view.detail.text()
        assert list(view.links) == targets
        for target, button in view.links.items():
            # the button reads as the navigation does, and says what to do there
            window.go_to(key)
            assert button.text() == window.pages[target].nav_label
            assert button.description()
            assert button.isVisible() and button.isEnabled()
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            assert window.current_page() is window.pages[target], (key, target)
            assert window.navigation.currentItem().data(KEY_ROLE) == target
        window.go_to(key)
        QApplication.processEvents()  # pending layouts (the status bar) before the picture
        assert window.grab().save(str(tmp_path / f"{key}.png"), "PNG")
