"""The « 5. Retour magasin » page (issue #15): a scanner types an order's number and
Enter, the order opens with the serials expected, Enter goes from the meter to the
breaker then saves; the number field waits for the next order, the sheet number stays
for the session; refusals in words, the focus on the field to correct; « matériel non
retourné »; the sheet's PDF through the real file dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from sbee_desk.db.database import Database
from sbee_desk.db.models import StoreReturn
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models.store import ReturnsModel, UnreturnedModel
from sbee_desk.gui.pages.letters_dialogs import qdate
from sbee_desk.gui.pages.store_page import StorePage
from sbee_desk.services.actor import Actor
from tests.gui.conftest import WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.test_screenshots import SCREENSHOTS
from tests.integration.store_world import VISIT, D, StoreWorld, store_clock

__all__ = ["store_clock"]
MAGASINIER = Actor("magasin", frozenset({Role.MAGASINIER}), "Kossi Zinsou")


@pytest.fixture
def store_db(signed_db: Database, store_clock) -> Database:
    """Orders 1–2 removed on 07/12 (in the field), 3 an MT index check, 4 executed on
    05/12 and not back (late on 09/12, the services' today)."""
    world = StoreWorld(signed_db, users=False)
    world.removal("REPARTI")
    world.removal("REPARTI")
    world.removal("REPARTI", kind="CONTROLE_INDEX")
    world.removal("EXECUTE", visit_on=D(2026, 12, 5))
    world.commit()
    return signed_db


def _returns(db: Database) -> dict[int, tuple[str, str | None, str | None]]:
    with db.uow() as uow:
        return {
            r.order_id: (r.sheet_number, r.meter_serial, r.mismatch_note)
            for r in uow.session.scalars(select(StoreReturn))
        }


def _scan(qtbot: QtBot, page: StorePage, digits: str, signal: SignalInstance) -> None:
    """A barcode scanner: the digits typed, then Enter."""
    edit = page.view.number_edit
    edit.setFocus()
    edit.clear()
    with qtbot.waitSignal(signal, timeout=10_000):
        QTest.keyClicks(edit, digits)
        QTest.keyClick(edit, Qt.Key.Key_Return)


def _open(qtbot: QtBot, make_window: WindowFactory, db: Database) -> StorePage:
    window: MainWindow = make_window(db, MAGASINIER)
    window.go_to("store_return")
    page = window.store_page
    qtbot.waitUntil(lambda: page.missing_model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.view.date_edit.setDate(qdate(VISIT))
    window.activateWindow()
    return page


def test_R10_scanned_orders_go_on_one_new_sheet(
    qtbot: QtBot, make_window: WindowFactory, store_db: Database, tmp_path
) -> None:
    page = _open(qtbot, make_window, store_db)
    window = page.parent()
    assert isinstance(window, MainWindow)
    assert "Retour magasin  (1)" in window.nav_text("store_return")
    view = page.view
    assert view.returns_stack.currentWidget() is view.returns_empty
    assert "Aucun retour enregistré le 07/12/2026" in view.returns_empty.text()
    _scan(qtbot, page, "00000001", page.order_opened)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "store-return-opened.png"), "PNG")
    assert "Attendus : compteur <b>MP0001</b>, disjoncteur <b>DJ-1</b>" in view.entry_banner.text()
    assert view.meter_edit.hasFocus() and view.meter_edit.placeholderText() == "MP0001"
    # the scanner reads the meter then Enter: on to the breaker; Enter there saves
    QTest.keyClicks(view.meter_edit, "MP0001")
    QTest.keyClick(view.meter_edit, Qt.Key.Key_Return)
    assert view.breaker_edit.hasFocus()
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        QTest.keyClick(view.breaker_edit, Qt.Key.Key_Return)
    assert _returns(store_db) == {1: ("FMS-AG1-2026-00001", "MP0001", None)}
    assert "compteur et disjoncteur retournés au magasin le 07/12/2026" in (
        view.entry_banner.text()
    )
    assert view.returns_stack.currentWidget() is view.returns_table
    assert view.number_edit.text() == "" and view.sheet_edit.text() == "FMS-AG1-2026-00001"
    qtbot.waitUntil(view.number_edit.hasFocus)

    # the next order, nothing typed (the serials expected): same sheet
    _scan(qtbot, page, "2", page.order_opened)
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        QTest.keyClick(view.meter_edit, Qt.Key.Key_Return)
        QTest.keyClick(view.breaker_edit, Qt.Key.Key_Return)
    assert _returns(store_db)[2][0] == "FMS-AG1-2026-00001"
    assert page.returns_model.rowCount() == 2
    assert view.tabs.tabText(0) == "Retours du 07/12/2026 (2)"

    # the sheet's PDF, through the real file dialog
    target = tmp_path / "fiche.pdf"
    with qtbot.waitSignal(page.printed, timeout=10_000):
        view.print_button.click()
        proposed = choose_in_file_dialog(qtbot, window, target)
    assert proposed.selected[0].endswith("fiche-mouvement-stock-FMS-AG1-2026-00001.pdf")
    assert target.read_bytes().startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "store-return.png"), "PNG")


def test_refusals_in_the_entry_keep_the_focus(
    qtbot: QtBot, make_window: WindowFactory, store_db: Database
) -> None:
    page = _open(qtbot, make_window, store_db)
    view = page.view
    _scan(qtbot, page, "00000003", page.refused)
    assert "contrôle d'index (MT)" in view.entry_banner.text()
    assert view.number_edit.hasFocus()
    _scan(qtbot, page, "00000099", page.refused)
    assert "inconnu" in view.entry_banner.text()
    # a meter that differs: refused until explained, the focus in the explanation
    _scan(qtbot, page, "1", page.order_opened)
    QTest.keyClicks(view.meter_edit, "X-999")
    with qtbot.waitSignal(page.refused, timeout=10_000):
        QTest.keyClick(view.meter_edit, Qt.Key.Key_Return)
        QTest.keyClick(view.breaker_edit, Qt.Key.Key_Return)
    assert "Expliquez l'écart" in view.entry_banner.text()
    qtbot.waitUntil(view.note_edit.hasFocus)
    assert _returns(store_db) == {}
    QTest.keyClicks(view.note_edit, "plaque changee")
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        QTest.keyClick(view.note_edit, Qt.Key.Key_Return)
    assert _returns(store_db)[1][1:] == ("X-999", "plaque changee")
    # scanned twice
    _scan(qtbot, page, "1", page.refused)
    assert "déjà enregistré" in view.entry_banner.text()
    view.tabs.setCurrentIndex(1)
    assert view.tabs.tabText(1) == "Matériel non retourné (1)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window = page.parent()
    assert isinstance(window, MainWindow)
    assert window.grab().save(str(SCREENSHOTS / "store-return-refused.png"), "PNG")


def test_store_models(qtmodeltester, store_db: Database) -> None:
    from sbee_desk.services.store import record_return, unreturned
    from tests.integration.store_world import STORE

    row = record_return(store_db.uow(), STORE, "1", VISIT, meter="Z", note="écart")
    returns = ReturnsModel()
    returns.set_rows([row])
    qtmodeltester.check(returns)
    assert returns.index(0, 3).data() == "Z ≠ MP0001 (contrat)"
    assert returns.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "compteur et disjoncteur retournés au magasin le 07/12/2026"
    )
    missing = UnreturnedModel()
    missing.set_rows(unreturned(store_db.uow()))
    qtmodeltester.check(missing)
    assert missing.index(0, 6).data() == "4 j"
