"""Window geometry, column widths and last filters survive a restart (QSettings)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models import candidates as cols
from sbee_desk.gui.settings import Settings
from sbee_desk.services.importing import import_export
from tests.gui.conftest import ACTOR
from tests.gui.known_case import write_known_export


def open_window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db, ACTOR, Settings())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.ready, timeout=20_000):
        window.start()
    qtbot.waitUntil(lambda: bool(window.selection_page.agencies))
    return window


def test_settings_go_to_the_test_folder(temp_settings: Path) -> None:
    assert QSettings().fileName().startswith(str(temp_settings))


def test_geometry_widths_and_filters_are_remembered(
    qtbot: QtBot, signed_db: Database, tmp_path: Path, temp_settings: Path
) -> None:
    import_export(signed_db.uow(), ACTOR, write_known_export(tmp_path / "x", dt.date.today()))
    window = open_window(qtbot, signed_db)
    window.resize(1100, 650)
    page = window.selection_page
    page.view.lines_table.setColumnWidth(cols.COL_CUSTOMER, 333)
    page.view.decision_combo.setCurrentIndex(2)
    page.view.agency_combo.setCurrentIndex(1)
    page.view.agency_combo.activated.emit(1)
    window.go_to("data")
    window.close()
    assert any(temp_settings.rglob("*.ini"))

    again = open_window(qtbot, signed_db)
    view = again.selection_page.view
    assert (again.width(), again.height()) == (1100, 650)
    assert view.lines_table.columnWidth(cols.COL_CUSTOMER) == 333
    assert view.decision_combo.currentIndex() == 2
    assert view.agency_combo.currentData() == "AG1"
    assert again.current_page() is again.data_page
    again.close()
