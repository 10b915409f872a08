"""Sélection: a known case shows the right lines; filter and search from the keyboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models import candidates as cols
from sbee_desk.gui.pages.selection.page import SelectionPage
from sbee_desk.services import audit
from sbee_desk.services.importing import import_export
from tests.gui.conftest import ACTOR, WindowFactory
from tests.gui.known_case import BT, EXPECTED_BT, EXPECTED_MT, MT, write_known_export


@pytest.fixture
def known_db(signed_db: Database, tmp_path: Path) -> Iterator[Database]:
    """The known case, imported through the importer as the agency would."""
    import_export(signed_db.uow(), ACTOR, write_known_export(tmp_path / "export", dt.date.today()))
    yield signed_db


def open_selection(qtbot: QtBot, make_window: WindowFactory, db: Database) -> SelectionPage:
    window = make_window(db)
    page = window.selection_page
    qtbot.waitUntil(lambda: bool(page.agencies))
    return page


def run_today(qtbot: QtBot, page: SelectionPage) -> None:
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        qtbot.mouseClick(page.view.run_button, Qt.MouseButton.LeftButton)


def shown(page: SelectionPage, column: int = cols.COL_POLICE) -> list[str]:
    proxy = page.line_proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def type_text(widget: QWidget, value: str) -> None:
    """Type like a user, accents included (qtbot.keyClicks aborts on non-ASCII here)."""
    for ch in value:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def test_empty_state_before_any_run(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_selection(qtbot, make_window, known_db)
    view = page.view
    assert view.stack.currentWidget() is view.empty_state
    assert view.empty_state.text() == "Aucune sélection pour cette date. Lancez le traitement."
    assert view.date_edit.date() == QDate.currentDate()
    assert view.date_edit.maximumDate() == QDate.currentDate()
    assert view.date_edit.displayFormat() == "dd/MM/yyyy"
    assert [view.agency_combo.itemText(i) for i in range(view.agency_combo.count())] == [
        "Toutes les agences",
        "AG1",
    ]
    assert not view.stale_banner.isVisible()  # imported today


def test_known_case_shows_the_right_lines(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_selection(qtbot, make_window, known_db)
    run_today(qtbot, page)
    view = page.view
    assert view.stack.currentWidget() is view.splitter
    assert [b.code for b in page.bordereau_model.rows] == [BT, MT]
    bt = page.bordereau_model.rows[0]
    assert bt.line_count == 3

    # the BT bordereau is shown first, sorted by police
    assert page.current_bordereau == BT
    assert shown(page) == list(EXPECTED_BT)
    assert dict(zip(shown(page), shown(page, cols.COL_DECISION), strict=True)) == EXPECTED_BT
    row = shown(page).index("P001")
    proxy = page.line_proxy
    assert proxy.index(row, cols.COL_CUSTOMER).data() == "AHOUNOU Cocou"
    assert proxy.index(row, cols.COL_AMOUNT).data() == "48\u202f500\u00a0FCFA"
    assert proxy.index(row, cols.COL_UNPAID).data() == "2"
    suspended = dt.date.today() - dt.timedelta(days=40)
    assert proxy.index(row, cols.COL_SUSPENDED_ON).data() == suspended.strftime("%d/%m/%Y")
    assert proxy.index(row, cols.COL_DAYS).data() == "40"
    assert proxy.index(row, cols.COL_CATEGORY).data() == "Ordinaire"
    assert proxy.index(row, cols.COL_REASON).data().startswith("2 factures impayées")
    # the decision has its colour and its words
    exempt_row = shown(page).index("P003")
    background = proxy.index(exempt_row, cols.COL_DECISION).data(Qt.ItemDataRole.BackgroundRole)
    assert background is not None
    assert proxy.index(exempt_row, cols.COL_CATEGORY).data() == "Agent SBEE"
    assert "3 lignes" in view.shown_label.text()
    assert "Traitement n° 1 du" in view.status_label.text()

    # the MT bordereau
    with qtbot.waitSignal(page.lines_loaded):
        page.select_bordereau(MT)
    assert dict(zip(shown(page), shown(page, cols.COL_DECISION), strict=True)) == EXPECTED_MT

    # the navigation shows the work waiting
    window = page.parent()
    assert isinstance(window, MainWindow)
    assert window.nav_text("selection").endswith("(4)")


def test_filter_and_search_from_the_keyboard(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_selection(qtbot, make_window, known_db)
    run_today(qtbot, page)
    view = page.view

    # decision filter: keyboard on the combo
    view.decision_combo.setFocus()
    qtbot.keyClick(view.decision_combo, Qt.Key.Key_Down)  # → À résilier
    assert view.decision_combo.currentText().startswith("À résilier")
    assert shown(page) == ["P001"]
    assert view.shown_label.text() == "1 ligne affichée sur 3"
    qtbot.keyClick(view.decision_combo, Qt.Key.Key_Home)  # → Toutes les décisions
    assert shown(page) == ["P001", "P002", "P003"]

    # search as you type, by name with its accent…
    qtbot.keyClick(view.lines_table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search_edit.hasFocus()
    type_text(view.search_edit, "hounkpè")
    qtbot.waitUntil(lambda: shown(page) == ["P003"])
    # …or without it
    view.search_edit.clear()
    type_text(view.search_edit, "emilienne")
    qtbot.waitUntil(lambda: shown(page) == ["P002"])
    # …or by police
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "p001")
    qtbot.waitUntil(lambda: shown(page) == ["P001"])
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Escape)
    view.search_edit.clear()
    qtbot.waitUntil(lambda: len(shown(page)) == 3)

    # sortable: amount, then decision (À résilier first)
    header = view.lines_table.horizontalHeader()
    x = header.sectionViewportPosition(cols.COL_AMOUNT) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    amounts = [page.line_model.line(r).amount_due for r in range(3)]
    assert amounts == sorted(amounts) or amounts == sorted(amounts, reverse=True)
    assert header.sortIndicatorSection() == cols.COL_AMOUNT
    x = header.sectionViewportPosition(cols.COL_DECISION) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert shown(page, cols.COL_DECISION) == [
        "À résilier",
        "À relancer",
        "Exempté (décision DG requise)",
    ]


def test_previous_runs_can_be_shown(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_selection(qtbot, make_window, known_db)
    run_today(qtbot, page)
    # an earlier date: no run there
    view = page.view
    view.date_edit.setDate(QDate.currentDate().addDays(-1))
    assert view.stack.currentWidget() is view.empty_state
    assert "Le dernier traitement (n° 1 du" in view.empty_state.text()
    # pick run n° 1 in the list: date and agency follow
    with qtbot.waitSignal(page.run_displayed):
        view.runs_combo.setCurrentIndex(0)
        view.runs_combo.activated.emit(0)
    assert view.date_edit.date() == QDate.currentDate()
    assert view.stack.currentWidget() is view.splitter


def test_warning_when_the_last_import_is_older_than_the_run_date(
    qtbot: QtBot,
    make_window: WindowFactory,
    signed_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    with monkeypatch.context() as patch:  # the export was imported three days ago
        patch.setattr(audit, "now", lambda: three_days_ago)
        import_export(
            signed_db.uow(), ACTOR, write_known_export(tmp_path / "export", dt.date.today())
        )
    page = open_selection(qtbot, make_window, signed_db)
    view = page.view
    assert view.stale_banner.isVisible()
    assert "Attention : données antérieures à la date du traitement." in view.stale_banner.text()
    assert "résiliés à tort" in view.stale_banner.text()
    # a run date on or before the import: no warning
    view.date_edit.setDate(QDate.currentDate().addDays(-3))
    assert not view.stale_banner.isVisible()
    # the banner's button leads to Données
    view.date_edit.setDate(QDate.currentDate())
    window = page.parent()
    assert isinstance(window, MainWindow)
    view.stale_banner.button.click()
    assert window.current_page() is window.data_page


def test_choosing_the_bordereau_shown_reloads_it(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_selection(qtbot, make_window, known_db)
    run_today(qtbot, page)
    assert page.current_bordereau == BT
    with qtbot.waitSignal(page.lines_loaded):
        page.select_bordereau(BT)
    assert page.current_bordereau == BT and shown(page) == list(EXPECTED_BT)
