"""The « Résiliation pour une autre cause » dialog (R8, #16), opened directly (the
Résiliations page that opens it is another's): filled from the keyboard, it creates
the order; the service's refusals are shown in French in the dialog, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sbee_desk.db.database import Database
from sbee_desk.db.models import Customer, WorkOrder
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.dialogs.order_card import OrderCardDialog
from sbee_desk.gui.dialogs.termination_dialog import TerminationDialog, open_termination_dialog
from sbee_desk.services.actor import Actor
from sbee_desk.services.order_card import order_card
from tests.builders import World
from tests.gui.test_screenshots import save

TODAY = dt.date(2026, 12, 5)


def type_text(widget: QWidget, value: str) -> None:
    """Type like a user, accents included (qtbot.keyClicks aborts on non-ASCII here)."""
    for ch in value:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


@pytest.fixture
def r8_db(signed_db: Database, monkeypatch) -> Database:
    monkeypatch.setattr("sbee_desk.services.termination_r8.today", lambda: TODAY)
    w = World(signed_db)
    w.contract("P1", name="Koudjo Hounkpè")
    w.s.get_one(Customer, "CP1").address = "Lot 12, Akpakpa"
    w.suspension("P1", dt.date(2026, 11, 1))
    w.contract("VIP1", category="VIP", name="Député Ahouansou")
    w.suspension("VIP1", dt.date(2026, 11, 1))
    w.commit()
    return signed_db


def orders(db: Database) -> list[tuple[str, str, str | None]]:
    with db.uow() as uow:
        return [
            (o.police, o.cause, o.cause_reason)
            for o in uow.session.scalars(select(WorkOrder).order_by(WorkOrder.id))
        ]


def opened(qtbot: QtBot, window) -> TerminationDialog:
    dialog = open_termination_dialog(window, window.ctx)
    qtbot.waitExposed(dialog)
    return dialog


def police(qtbot: QtBot, dialog: TerminationDialog, text: str) -> None:
    qtbot.keyClicks(dialog.police_edit, text)
    qtbot.waitUntil(lambda: bool(dialog.contract_label.text()), timeout=5_000)


def test_the_termination_dialog_creates_the_order(qtbot: QtBot, make_window, r8_db) -> None:
    window = make_window(r8_db)
    dialog = opened(qtbot, window)
    assert not dialog.error_label.isVisible()  # nothing typed: no error yet
    assert [dialog.cause_combo.itemText(i) for i in range(dialog.cause_combo.count())] == [
        "Fraude", "Non-respect des conditions d'abonnement", "Autre cause"
    ]  # fmt: skip
    police(qtbot, dialog, "P1")
    shown = dialog.contract_label.text()
    assert "Koudjo Hounkpè — Lot 12, Akpakpa" in shown
    assert "suspendu depuis le 01/11/2026 · ordre de dépose" in shown
    assert not dialog.error_label.isVisible()
    # Entrée without a reason: said in French, the focus on the reason, nothing written
    qtbot.keyClick(dialog.police_edit, Qt.Key.Key_Return)
    assert dialog.error_label.isVisible()
    assert "Précisez le motif de la résiliation" in dialog.error_label.text()
    assert dialog.reason_edit.hasFocus() and orders(r8_db) == []
    # the cause from the keyboard, the reason typed, Entrée
    dialog.cause_combo.setFocus()
    qtbot.keyClick(dialog.cause_combo, Qt.Key.Key_Down)
    assert dialog.cause_combo.currentData() == "CONDITIONS"
    type_text(dialog.reason_edit, "sous-location non déclarée")
    assert not dialog.error_label.isVisible()
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    order = created.args[0]
    assert orders(r8_db) == [("P1", "CONDITIONS", "sous-location non déclarée")]
    assert dialog.done_label.isVisible()
    assert dialog.done_label.text() == (
        f"Ordre de dépose n° {order.number} créé pour la police P1 (Koudjo Hounkpè) : "
        "il sera imprimé à la prochaine édition."
    )
    assert not dialog.ok_button.isVisible() and dialog.cancel_button.text() == "Fermer"
    save(dialog, "r8-dialog-created")
    assert dialog.minimumSizeHint().width() <= 885
    qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    # the order's card says its cause
    card = OrderCardDialog(order_card(r8_db.uow(), window.ctx.actor, order.number), window)
    qtbot.addWidget(card)
    cause = card.findChild(QLabel, "orderCardCause")
    assert cause is not None
    assert cause.text() == "non-respect des conditions d'abonnement — sous-location non déclarée"


def test_the_termination_dialog_shows_refusals_in_french(qtbot: QtBot, make_window, r8_db) -> None:
    window = make_window(r8_db)
    dialog = opened(qtbot, window)
    # an exempt customer without derogation: said as soon as the police is read
    police(qtbot, dialog, "VIP1")
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=5_000)
    assert "exempté de résiliation sans dérogation" in dialog.error_label.text()
    save(dialog, "r8-dialog-refused")
    # and refused by the service if created all the same: nothing written
    type_text(dialog.reason_edit, "fraude constatée")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10_000)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=5_000)
    assert "(R4, R8). Rien n'a été enregistré." in dialog.error_label.text()
    assert dialog.police_edit.hasFocus() and orders(r8_db) == []
    # an unknown police
    dialog.police_edit.clear()
    police(qtbot, dialog, "NOPE")
    assert dialog.contract_label.text() == "aucun contrat sous ce numéro"
    # a user who is not chef section recouvrement: the dialog says so, cannot create
    window.ctx.actor = Actor("agent", frozenset({Role.AGENT_CONTROLE}))
    other = opened(qtbot, window)
    assert not other.ok_button.isEnabled()
    assert "Réservé au chef section recouvrement" in other.error_label.text()
    with r8_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(WorkOrder)) == 0
