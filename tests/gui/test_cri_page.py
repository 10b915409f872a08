"""The « 6. CRI » page (#15): an agent de contrôle enters a pile of paper CRIs with
the keyboard only — the number scanned + Enter opens the order, Tab follows the paper,
Enter saves and the number field waits for the next; a refusal puts the focus on the
field to correct; the chef countersigns a selection after a confirmation naming the
contracts (qtmodeltester on its model)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sbee_desk.db.database import Database
from sbee_desk.db.models import ContractTermination, InterventionReport, WorkOrder
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.pages.cri_page import CriPage
from sbee_desk.gui.pages.cri_view import CountersignDialog
from sbee_desk.services.actor import Actor
from sbee_desk.services.dispatch import assign, field_agent
from tests.gui.conftest import WindowFactory
from tests.gui.test_screenshots import SCREENSHOTS
from tests.integration.cri_world import CRI_DAY, VISIT
from tests.integration.dispatch_world import TODAY, DispatchWorld

AGENT = Actor("agent", frozenset({Role.AGENT_CONTROLE}), "Afiavi Houngbédji")
CHEF = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}), "Rodrigue Tossou")


def _world(db: Database, n: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
    monkeypatch.setattr("sbee_desk.services.cri.entry.today", lambda: CRI_DAY)
    world = DispatchWorld(db, users=False)
    world.agent("A001", "Z1")
    ids = [world.order("Z1", "Akpakpa") for _ in range(n)]
    world.commit()
    assign(db.uow(), Actor("chef"), VISIT, ids, field_agent(db.uow(), "A001"))
    return ids


def _open(qtbot: QtBot, make_window: WindowFactory, db: Database, actor: Actor) -> CriPage:
    window: MainWindow = make_window(db, actor)
    page = window.cri_page
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.go_to("cri")
    window.activateWindow()
    return page


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _type(text: str) -> None:
    QTest.keyClicks(_focused(), text)


def _key(key: Qt.Key) -> None:
    QTest.keyClick(_focused(), key)


def _scan(qtbot: QtBot, page: CriPage, digits: str, signal: SignalInstance) -> None:
    """A barcode scanner: the digits typed in the number field, then Enter."""
    qtbot.waitUntil(page.view.number_edit.hasFocus, timeout=5_000)
    with qtbot.waitSignal(signal, timeout=10_000):
        _type(digits)
        _key(Qt.Key.Key_Return)


def _count(db: Database, model) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_twenty_cris_in_a_row_with_the_keyboard_only(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch
) -> None:
    ids = _world(signed_db, 20, monkeypatch)
    page = _open(qtbot, make_window, signed_db, AGENT)
    view = page.view
    window = page.parent()
    assert isinstance(window, MainWindow)
    assert "CRI  (20)" in window.nav_text("cri")
    view.focus_number()
    for k, order_id in enumerate(ids):
        _scan(qtbot, page, f"{order_id:08d}", page.order_opened)
        assert page.current is not None and page.current.police == f"P{order_id:04d}"
        assert f"MP{order_id:04d}" in view.order_banner.text()  # the expected meter
        # the paper's order: date (kept), time, done, agent (the dispatch's), index, meter…
        assert _focused() is view.date_edit
        _key(Qt.Key.Key_Tab)
        _type(f"{9 + k % 5:02d}:{k:02d}")
        _key(Qt.Key.Key_Tab)
        assert _focused() is view.done_check
        _key(Qt.Key.Key_Tab)
        assert _focused() is view.agent_edit and view.agent_edit.text() == "A001"
        _key(Qt.Key.Key_Tab)
        _type(str(1000 + k))
        _key(Qt.Key.Key_Tab)
        _type(f"MP{order_id:04d}")
        for _ in range(10):  # mismatch note, removed boxes, the six remarks
            _key(Qt.Key.Key_Tab)
        assert _focused() is view.note_edit
        with qtbot.waitSignal(page.saved, timeout=10_000):
            _key(Qt.Key.Key_Return)
        qtbot.waitUntil(view.number_edit.hasFocus, timeout=5_000)
        assert view.number_edit.text() == ""
    assert _count(signed_db, InterventionReport) == 20
    with signed_db.uow() as uow:
        statuses = set(uow.session.scalars(select(WorkOrder.status)))
        assert statuses == {"EXECUTE"}
        report = uow.session.scalars(
            select(InterventionReport).where(InterventionReport.order_id == ids[3])
        ).one()
        assert (report.visit_on, report.visit_time, report.index_read) == (VISIT, "12:03", 1003)
        assert report.meter_removed and report.breaker_removed


def test_a_refusal_puts_the_focus_on_the_field_to_correct_esc_cancels(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch
) -> None:
    ids = _world(signed_db, 2, monkeypatch)
    page = _open(qtbot, make_window, signed_db, AGENT)
    view = page.view
    view.focus_number()
    _scan(qtbot, page, "99999", page.refused)
    assert "aucun ordre" in view.entry_banner.text()
    assert view.number_edit.hasFocus()
    view.number_edit.clear()
    _scan(qtbot, page, str(ids[0]), page.order_opened)
    view.time_edit.setText("09:00")
    view.index_edit.setText("12a")
    view.meter_edit.setText(f"MP{ids[0]:04d}")
    with qtbot.waitSignal(page.refused, timeout=10_000):
        QTest.keyClick(view.meter_edit, Qt.Key.Key_Return)
    assert "index relevé : « 12a » n'est pas un nombre" in view.entry_banner.text()
    qtbot.waitUntil(view.index_edit.hasFocus, timeout=5_000)
    view.index_edit.setText("120")
    view.meter_edit.setText("AUTRE")
    with qtbot.waitSignal(page.refused, timeout=10_000):
        QTest.keyClick(view.index_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(view.mismatch_edit.hasFocus, timeout=5_000)
    QTest.keyClick(view.mismatch_edit, Qt.Key.Key_Escape)
    assert page.current is None and view.number_edit.hasFocus()
    assert _count(signed_db, InterventionReport) == 0
    # « non exécuté »: back to dispatch with its remark
    _scan(qtbot, page, str(ids[1]), page.order_opened)
    view.time_edit.setText("10:15")
    view.done_check.setChecked(False)
    assert not view.meter_removed_check.isChecked()
    view.remark_checks["REFUS_ACCES"].setChecked(True)
    with qtbot.waitSignal(page.saved, timeout=10_000):
        QTest.keyClick(view.note_edit, Qt.Key.Key_Return)
    assert "retourne à la répartition" in view.entry_banner.text()
    with signed_db.uow() as uow:
        assert uow.session.get_one(WorkOrder, ids[1]).status == "NON_EXECUTE"


def test_the_chef_countersigns_after_a_confirmation_naming_the_contracts(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch, qtmodeltester
) -> None:
    from sbee_desk.services.cri import CriEntry, enter_cri

    ids = _world(signed_db, 3, monkeypatch)
    for k, order_id in enumerate(ids):
        enter_cri(
            signed_db.uow(),
            AGENT,
            CriEntry(
                number=str(order_id), visit_on=VISIT, visit_time="15:00" if k == 0 else "09:00",
                done=True, agent="A001", index="10", meter_serial=f"MP{order_id:04d}",
                breaker_removed=True,
            ),
        )  # fmt: skip
    monkeypatch.setattr("sbee_desk.services.contract_card.today", lambda: CRI_DAY)
    page = _open(qtbot, make_window, signed_db, CHEF)
    view = page.view
    # the chef reads the entry: the page says why it is off, not only greys it
    assert not view.number_edit.isEnabled()
    assert "Lecture seule" in view.entry_banner.text()
    view.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(page.model)
    assert "hors horaire" in page.model.index(0, 8).data()
    view.table.selectAll()
    view.countersign_button.click()
    assert "R9" in view.sign_banner.text() and view.window_reason_edit.hasFocus()
    view.window_reason_edit.setText("retour tardif, vu avec l'agent")
    view.countersign_button.click()
    assert "retour magasin" in view.sign_banner.text()
    view.store_reason_edit.setText("magasin fermé le samedi")
    with qtbot.waitSignal(page.confirmation_shown, timeout=5_000) as shown:
        view.countersign_button.click()
    box = shown.args[0]
    assert isinstance(box, CountersignDialog)
    assert "3 contrats seront résiliés" in box.text_label.text()
    assert all(f"P{i:04d}" in box.contracts_label.text() for i in ids)
    assert box.cancel_button.isDefault()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window = page.parent()
    assert isinstance(window, MainWindow)
    window.grab().save(str(SCREENSHOTS / "cri-countersign.png"), "PNG")
    box.grab().save(str(SCREENSHOTS / "cri-countersign-confirm.png"), "PNG")
    with qtbot.waitSignal(page.countersigned, timeout=10_000):
        box.sign_button.click()
    assert _count(signed_db, ContractTermination) == 3
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)
    assert "3 contrats résiliés" in view.sign_banner.text()


def test_screenshot_of_the_entry_at_1366x768(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch
) -> None:
    ids = _world(signed_db, 3, monkeypatch)
    page = _open(qtbot, make_window, signed_db, AGENT)
    view = page.view
    view.focus_number()
    _scan(qtbot, page, str(ids[0]), page.order_opened)
    view.time_edit.setText("15:40")
    view.index_edit.setText("004521")
    view.meter_edit.setText("MP9999")
    view.remark_checks["PANNEAU_POURRI"].setChecked(True)
    with qtbot.waitSignal(page.refused, timeout=10_000):
        QTest.keyClick(view.note_edit, Qt.Key.Key_Return)
    window = page.parent()
    assert isinstance(window, MainWindow)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "cri-entry.png"), "PNG")
    assert dt.date(2026, 12, 7) == VISIT
