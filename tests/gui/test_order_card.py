"""The order's card from any page (#15 item 5): Ctrl+K, the order number typed or
scanned + Enter → the card with its sections and its journal; an unknown number → a
plain French message, nothing else."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.dialogs.order_card import OrderCardDialog
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.services.actor import Actor
from sbee_desk.services.cri import countersign, enter_cri
from sbee_desk.services.dispatch import assign, field_agent
from sbee_desk.services.errors import ServiceError
from tests.gui.conftest import ErrorRecorder, WindowFactory
from tests.gui.test_screenshots import SCREENSHOTS
from tests.integration.cri_world import CRI_DAY, VISIT, CriWorld, done
from tests.integration.dispatch_world import TODAY, DispatchWorld

CHEF = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}), "Rodrigue Tossou")


class World:
    """Order 0 dispatched to A001, its CRI entered, back at the store, countersigned;
    order 1 dispatched only (the users are those of ``signed_db``)."""

    def __init__(self, db: Database) -> None:
        world = DispatchWorld(db, users=False)
        world.agent("A001", "Z1")
        self.ids = [world.order("Z1", "Akpakpa") for _ in range(2)]
        world.commit()
        assign(db.uow(), Actor("chef"), VISIT, self.ids, field_agent(db.uow(), "A001"))
        self.db = db
        enter_cri(db.uow(), Actor("agent"), done(self, 0))  # type: ignore[arg-type]
        CriWorld.store_return(self, 0)  # type: ignore[arg-type]
        countersign(db.uow(), Actor("chef"), [self.number(0)])

    def number(self, k: int) -> str:
        return f"{self.ids[k]:08d}"

    def police(self, k: int) -> str:
        return f"P{self.ids[k]:04d}"


@pytest.fixture
def world(signed_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
    monkeypatch.setattr("sbee_desk.services.cri.entry.today", lambda: CRI_DAY)
    return World(signed_db)


def _scan_on_the_window(qtbot: QtBot, window: MainWindow, digits: str) -> None:
    """Ctrl+K from the page shown, then the digits and Enter, as a scanner types them."""
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.order_field.hasFocus, timeout=5_000)
    focused = QApplication.focusWidget()
    assert focused is window.order_field
    QTest.keyClicks(focused, digits)
    QTest.keyClick(focused, Qt.Key.Key_Return)


def test_ctrl_k_then_the_scanned_number_opens_the_order_card_from_any_page(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, world: World
) -> None:
    window = make_window(signed_db, CHEF)
    window.go_to("settings")
    window.activateWindow()
    _scan_on_the_window(qtbot, window, world.number(0))
    qtbot.waitUntil(lambda: window.order_card_dialog is not None, timeout=10_000)
    dialog = window.order_card_dialog
    assert isinstance(dialog, OrderCardDialog) and dialog.isVisible()
    assert world.number(0) in dialog.windowTitle()
    assert "A001" in dialog.section_text("dispatch")
    assert f"M{world.police(0)}" in dialog.section_text("store")
    cri = dialog.section_text("cri")
    assert "exécutée" in cri and "contresigné par chef" in cri
    assert "impayés" in dialog.section_text("termination")
    assert "Pas encore édité" in dialog.section_text("documents")
    assert dialog.events_model.rowCount() >= 3
    assert window.order_field.text() == ""  # ready for the next scan
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "order-card.png"), "PNG")
    assert window.grab().save(str(SCREENSHOTS / "order-card-window.png"), "PNG")


def test_an_unknown_order_number_says_so_in_french_and_opens_nothing(
    qtbot: QtBot,
    make_window: WindowFactory,
    signed_db: Database,
    world: World,
    shown_errors: ErrorRecorder,
) -> None:
    shown_errors.expect()
    window = make_window(signed_db, CHEF)
    window.go_to("dispatch")
    window.activateWindow()
    _scan_on_the_window(qtbot, window, "99999999")
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=10_000)
    [(exc, action)] = shown_errors.shown
    assert isinstance(exc, ServiceError)
    assert str(exc) == "Ordre n° 99999999 : aucun ordre sous ce numéro."
    assert action == "Fiche de l'ordre"
    assert window.order_card_dialog is None
    assert VISIT  # the world's orders exist: only the number was unknown


def test_a_page_message_does_not_hide_the_order_field_and_closing_forgets_the_card(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, world: World
) -> None:
    window = make_window(signed_db, CHEF)
    window.statusBar().showMessage("Un message de page", 10_000)
    assert window.order_field.isVisible()
    _scan_on_the_window(qtbot, window, world.number(1))
    qtbot.waitUntil(lambda: window.order_card_dialog is not None, timeout=10_000)
    dialog = window.order_card_dialog
    assert dialog is not None
    assert "Aucun CRI saisi" in dialog.section_text("cri")
    assert "Pas de résiliation" in dialog.section_text("termination")
    dialog.reject()
    qtbot.waitUntil(lambda: window.order_card_dialog is None, timeout=5_000)
