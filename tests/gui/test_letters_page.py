"""The « 3. Relances » page (issue #13): a scanner types a letter's number and Enter,
the letter opens, Enter saves the delivery and the number field waits for the next
slip; refusals are shown in words in the entry, which keeps the focus; the
navigation counts the letters waiting (qtmodeltester on its model)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from sbee_desk.db.database import Database
from sbee_desk.db.models import ReminderLetter
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models.letters import LettersModel, delay_text
from sbee_desk.gui.pages.letters_dialogs import DifficultyDialog, qdate
from sbee_desk.gui.pages.letters_page import LettersPage
from sbee_desk.services.actor import Actor
from sbee_desk.services.letters import list_letters
from tests.gui.conftest import WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.test_screenshots import SCREENSHOTS
from tests.integration.letters_world import TODAY, D, letter, world


@pytest.fixture
def letters_db(signed_db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Three letters edited on 23/11/2026 (one undelivered for 15 days), the services'
    clock on 25/11/2026."""
    for module in ("record", "query"):
        monkeypatch.setattr(f"sbee_desk.services.letters.{module}.today", lambda: TODAY)
    w = world(signed_db)
    letter(w, "P1001")
    letter(w, "P1002")
    letter(w, "P1003", edited_on=D(2026, 11, 5))
    w.commit()
    return signed_db


def _delivered_on(db: Database, letter_id: int) -> dt.date | None:
    with db.uow() as uow:
        return uow.session.scalar(
            select(ReminderLetter.delivered_on).where(ReminderLetter.id == letter_id)
        )


def _scan(qtbot: QtBot, page: LettersPage, digits: str, signal: SignalInstance) -> None:
    """A barcode scanner: the digits typed, then Enter."""
    edit = page.view.number_edit
    edit.setFocus()
    edit.clear()
    with qtbot.waitSignal(signal, timeout=10_000):
        QTest.keyClicks(edit, digits)
        QTest.keyClick(edit, Qt.Key.Key_Return)


def _open(qtbot: QtBot, make_window: WindowFactory, db: Database) -> LettersPage:
    window: MainWindow = make_window(db)
    window.go_to("reminders")
    page = window.letters_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    window.activateWindow()
    return page


def test_r5_a_scanned_number_and_enter_record_the_delivery(
    qtbot: QtBot, make_window: WindowFactory, letters_db: Database
) -> None:
    page = _open(qtbot, make_window, letters_db)
    window = page.parent()
    assert isinstance(window, MainWindow)
    assert "Relances  (3)" in window.nav_text("reminders")
    view = page.view
    view.date_edit.setDate(qdate(D(2026, 11, 24)))
    _scan(qtbot, page, "00000001", page.letter_opened)
    assert page.current is not None and page.current.police == "P1001"
    assert "P1001" in view.entry_banner.text()
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        QTest.keyClick(view.date_edit, Qt.Key.Key_Return)
    assert _delivered_on(letters_db, 1) == D(2026, 11, 24)
    assert "Enregistré" in view.entry_banner.text()
    assert view.number_edit.text() == ""
    qtbot.waitUntil(view.number_edit.hasFocus)
    assert "Relances  (2)" in window.nav_text("reminders")
    row = page.model.row(page.model.row_of(1))
    assert delay_text(row) == "résiliable à partir du 01/12/2026"

    # the next slip: the date stays the last one entered
    view.date_edit.setDate(qdate(D(2026, 11, 20)))
    _scan(qtbot, page, "2", page.letter_opened)
    assert view.date_edit.date() == qdate(D(2026, 11, 24))
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        QTest.keyClick(view.date_edit, Qt.Key.Key_Return)
    assert _delivered_on(letters_db, 2) == D(2026, 11, 24)


def test_r5_refusals_show_in_the_entry_which_keeps_the_focus(
    qtbot: QtBot, make_window: WindowFactory, letters_db: Database
) -> None:
    page = _open(qtbot, make_window, letters_db)
    view = page.view
    # a slip scanned twice
    view.date_edit.setDate(qdate(D(2026, 11, 24)))
    _scan(qtbot, page, "00000001", page.letter_opened)
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        QTest.keyClick(view.date_edit, Qt.Key.Key_Return)
    _scan(qtbot, page, "00000001", page.refused)
    assert "Refusé" in view.entry_banner.text() and "déjà remise" in view.entry_banner.text()
    assert view.number_edit.hasFocus() and view.number_edit.selectedText() == "00000001"
    # an unknown number
    _scan(qtbot, page, "00000077", page.refused)
    assert "inconnue" in view.entry_banner.text()
    assert view.number_edit.hasFocus()
    # a date after today: refused, the date keeps the focus, nothing recorded
    _scan(qtbot, page, "00000002", page.letter_opened)
    view.date_edit.setDate(qdate(D(2026, 11, 26)))
    with qtbot.waitSignal(page.refused, timeout=10_000):
        QTest.keyClick(view.date_edit, Qt.Key.Key_Return)
    assert "postérieure à aujourd'hui" in view.entry_banner.text()
    assert view.date_edit.hasFocus()
    assert _delivered_on(letters_db, 2) is None
    # Esc: the entry is emptied, ready for the next slip
    QTest.keyClick(view.date_edit, Qt.Key.Key_Escape)
    assert view.number_edit.text() == "" and page.current is None
    assert view.number_edit.hasFocus()


def test_r5_the_overdue_letter_is_shown_and_counted(
    qtbot: QtBot, make_window: WindowFactory, letters_db: Database
) -> None:
    page = _open(qtbot, make_window, letters_db)
    view = page.view
    overdue_tab = next(i for i in range(view.tabs.count()) if view.tabs.tabData(i) == "OVERDUE")
    assert view.tabs.tabText(overdue_tab) == "En alerte (15 jours) (1)"
    view.tabs.setCurrentIndex(overdue_tab)
    assert page.proxy.rowCount() == 1
    row = page.model.row(page.model.row_of(3))
    assert delay_text(row) == "ALERTE : non remise, à décider"
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "À remettre (3)",
        "En alerte (15 jours) (1)",
        "Remises (0)",
        "Remise impossible (0)",
        "À éditer (0)",
        "Annulées (0)",
        "Toutes (3)",
    ]


def test_letters_model(qtmodeltester, letters_db: Database) -> None:
    model = LettersModel()
    model.set_rows(list_letters(letters_db.uow()))
    qtmodeltester.check(model)


def test_letters_page_screenshot(
    qtbot: QtBot, make_window: WindowFactory, letters_db: Database
) -> None:
    page = _open(qtbot, make_window, letters_db)
    view = page.view
    view.date_edit.setDate(qdate(D(2026, 11, 24)))
    _scan(qtbot, page, "00000001", page.letter_opened)
    view.to_combo.setCurrentText("gardien")
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        QTest.keyClick(view.date_edit, Qt.Key.Key_Return)
    tab_all = next(i for i in range(view.tabs.count()) if view.tabs.tabData(i) is None)
    view.tabs.setCurrentIndex(tab_all)
    QApplication.processEvents()
    window = page.parent()
    assert isinstance(window, MainWindow)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "30-relances.png"), "PNG")


def test_letters_page_screenshot_demo(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    """The page on the demonstration agency (letters delivered or waiting)."""
    window = make_window(demo_db)
    window.go_to("reminders")
    page = window.letters_page
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    tab_all = next(i for i in range(page.view.tabs.count()) if page.view.tabs.tabData(i) is None)
    page.view.tabs.setCurrentIndex(tab_all)
    QApplication.processEvents()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "30-relances-demo.png"), "PNG")


def test_r5_difficulty_shows_the_customer_file_then_records_impossible(
    qtbot: QtBot, make_window: WindowFactory, letters_db: Database, tmp_path
) -> None:
    page = _open(qtbot, make_window, letters_db)
    page.select_letter(2)
    assert page.view.difficulty_button.isEnabled()
    with qtbot.waitSignal(page.difficulty_shown, timeout=10_000) as shown:
        page.view.difficulty_button.click()
    dialog = shown.args[0]
    assert isinstance(dialog, DifficultyDialog)
    assert dialog.file.contracts[0].police == "P1002"
    dialog.date_edit.setDate(qdate(D(2026, 11, 24)))
    dialog.impossible_radio.setChecked(True)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.reason_combo.setCurrentText("Adresse introuvable même au dossier client")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "30-relances-difficulte.png"), "PNG")
    with qtbot.waitSignal(page.recorded, timeout=10_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    row = page.model.row(page.model.row_of(2))
    assert row.impossible_reason == "Adresse introuvable même au dossier client"
    assert delay_text(row) == "résiliable à partir du 01/12/2026"

    # the address difficulties for the gestion clientèle
    out = tmp_path / "difficultes.xlsx"
    window = page.parent()
    assert isinstance(window, MainWindow)
    page.view.export_button.click()
    with qtbot.waitSignal(page.exported, timeout=10_000):
        choose_in_file_dialog(qtbot, window, out)
    assert out.is_file()


def test_everyone_reads_only_chef_and_agent_de_controle_record(
    qtbot: QtBot, make_window: WindowFactory, letters_db: Database
) -> None:
    reader = Actor("dg", frozenset({Role.DIRECTION}), "Gérard Adjovi")
    window = make_window(letters_db, reader)
    window.go_to("reminders")
    page = window.letters_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    assert not page.view.entry.isEnabled()
    assert "Réservé" in page.view.entry.toolTip()
    agent = Actor("agent", frozenset({Role.AGENT_CONTROLE}), "Afiavi Houngbédji")
    window.set_actor(agent)
    assert page.view.entry.isEnabled()
    page.select_letter(1)
    assert page.view.difficulty_button.isEnabled()
    assert not page.view.correct_button.isEnabled()  # nothing delivered yet, and not chef


def test_r5_a_letter_of_another_agency_is_refused_on_a_workstation_of_one_agency(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared database holds two agencies; this workstation is set (Paramètres › Ce
    poste) to AG1: the page shows AG1's letters only, and a slip of AG2 scanned by
    mistake is refused in words, nothing recorded, the number field keeps the focus."""
    for module in ("record", "query"):
        monkeypatch.setattr(f"sbee_desk.services.letters.{module}.today", lambda: TODAY)
    letters_db = signed_db
    w = world(letters_db)
    for police in ("P1001", "P1002", "P1003"):
        letter(w, police)
    other = letter(w, "P2001", agency="AG2")
    w.commit()
    window: MainWindow = make_window(letters_db)
    settings = window.ctx.settings
    try:
        window.go_to("settings")
        combo = window.settings_page.view.workstation_tab.agency_combo
        qtbot.waitUntil(lambda: combo.findData("AG2") >= 0, timeout=10_000)
        assert combo.currentData() == "" and combo.isEnabled() is False  # the chef
        settings.set_workstation_agency("AG1")
        window.go_to("reminders")
        page = window.letters_page
        page.refresh()
        qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
        assert "P2001" not in {page.model.row(r).police for r in range(3)}
        view = page.view
        view.date_edit.setDate(qdate(D(2026, 11, 24)))
        _scan(qtbot, page, other, page.refused)
        text = view.entry_banner.text()
        assert f"Lettre n° {other}" in text and "l'agence AG2, pas à l'agence AG1" in text
        assert view.number_edit.hasFocus()
        assert _delivered_on(letters_db, int(other)) is None
        # without a workstation agency: every agency, nothing refused for it
        settings.set_workstation_agency(None)
        page.refresh()
        qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10_000)
        _scan(qtbot, page, other, page.letter_opened)
    finally:
        settings.set_workstation_agency(None)


def test_the_workstation_agency_is_chosen_by_the_administrator(
    qtbot: QtBot, make_window: WindowFactory, letters_db: Database
) -> None:
    admin = Actor("admin", frozenset({Role.ADMIN}), "Administrateur")
    window: MainWindow = make_window(letters_db, admin)
    settings = window.ctx.settings
    try:
        window.go_to("settings")
        view = window.settings_page.view
        combo = view.workstation_tab.agency_combo
        qtbot.waitUntil(lambda: combo.findData("AG1") >= 0, timeout=10_000)
        assert combo.isEnabled()
        view.tabs.setCurrentWidget(view.workstation_tab)
        combo.setCurrentIndex(combo.findData("AG1"))
        assert settings.workstation_agency() == "AG1"
        assert combo.currentText() == "AG1 — Agence test"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(SCREENSHOTS / "60-parametres-ce-poste.png"), "PNG")
        combo.setCurrentIndex(0)
        assert settings.workstation_agency() is None
    finally:
        settings.set_workstation_agency(None)
