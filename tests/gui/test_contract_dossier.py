"""The contract's dossier (#16): Ctrl+K and a police open it from any page (an order
number still opens the order card), the order card opens it too; it tells the story
with who did what, filters it, prints it through the real print dialog onto a
print-to-PDF printer, and saves it as a PDF through the real file dialog."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QSortFilterProxyModel, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTableView
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.dialogs.contract_dossier import (
    ContractDossierDialog,
    dossier_menu,
    offer_dossier,
    police_of,
)
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models.base import Column, RowTableModel
from sbee_desk.gui.widgets import DataTable
from sbee_desk.services.errors import ServiceError
from tests.gui.conftest import ErrorRecorder, WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.test_order_card import CHEF, World
from tests.gui.test_screenshots import SCREENSHOTS
from tests.integration.cri_world import CRI_DAY
from tests.integration.dispatch_world import TODAY


@pytest.fixture
def world(signed_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
    monkeypatch.setattr("sbee_desk.services.cri.entry.today", lambda: CRI_DAY)
    monkeypatch.setattr("sbee_desk.services.contract_card.today", lambda: CRI_DAY)
    monkeypatch.setattr("sbee_desk.gui.dialogs.contract_dossier.today", lambda: CRI_DAY)
    return World(signed_db)


def _type_on_the_window(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Ctrl+K from the page shown, then the text and Enter."""
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.order_field.hasFocus, timeout=5_000)
    focused = QApplication.focusWidget()
    assert focused is window.order_field
    QTest.keyClicks(focused, text)
    QTest.keyClick(focused, Qt.Key.Key_Return)


def _dossier(qtbot: QtBot, window: MainWindow, police: str) -> ContractDossierDialog:
    qtbot.waitUntil(lambda: police in window.dossier_dialogs, timeout=10_000)
    dialog = window.dossier_dialogs[police]
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    return dialog


def test_ctrl_k_with_a_police_opens_the_contracts_dossier_non_modal(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, world: World
) -> None:
    window = make_window(signed_db, CHEF)
    assert window.order_field.placeholderText() == "N° d'ordre ou police… (Ctrl+K)"
    window.go_to("settings")
    window.activateWindow()
    police = world.police(0)
    _type_on_the_window(qtbot, window, police)
    dialog = _dossier(qtbot, window, police)
    assert window.order_card_dialog is None  # a police is not an order
    assert dialog.windowModality() == Qt.WindowModality.NonModal
    assert police in dialog.windowTitle()
    assert "résilié le 07/12/2026" in dialog.fact_labels["État"].text()
    kinds = [line.kind for line in dialog.lines]
    for kind in ("suspension", "order", "dispatch", "cri", "store_return", "countersign"):
        assert kind in kinds, kind
    assert kinds.index("suspension") < kinds.index("cri") < kinds.index("termination")
    whats = {line.kind: line for line in dialog.lines}
    assert "A001" in whats["dispatch"].what and "(chef)" in whats["dispatch"].who
    assert "(agent)" in whats["cri"].who
    assert window.order_field.text() == ""
    # the journal hidden, then a search: the table follows
    total = dialog.model.rowCount()
    dialog.section_boxes["Journal d'audit"].setChecked(False)
    assert 0 < dialog.model.rowCount() < total
    assert all(line.kind != "audit" for line in dialog.shown_lines())
    dialog.search.setText("réparti à")
    assert [line.kind for line in dialog.shown_lines()] == ["dispatch"]
    dialog.search.clear()
    dialog.section_boxes["Journal d'audit"].setChecked(True)
    assert dialog.model.rowCount() == total
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "contract-dossier.png"), "PNG")


def test_an_order_number_still_opens_the_order_card_whose_button_opens_the_dossier(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, world: World
) -> None:
    window = make_window(signed_db, CHEF)
    _type_on_the_window(qtbot, window, world.number(0))
    qtbot.waitUntil(lambda: window.order_card_dialog is not None, timeout=10_000)
    card = window.order_card_dialog
    assert card is not None and not window.dossier_dialogs
    card.dossier_button.click()
    dialog = _dossier(qtbot, window, world.police(0))
    qtbot.waitUntil(lambda: window.order_card_dialog is None, timeout=5_000)
    assert any(line.kind == "termination" for line in dialog.lines)


def test_an_unknown_police_says_so_in_french_and_opens_nothing(
    qtbot: QtBot,
    make_window: WindowFactory,
    signed_db: Database,
    world: World,
    shown_errors: ErrorRecorder,
) -> None:
    shown_errors.expect()
    window = make_window(signed_db, CHEF)
    _type_on_the_window(qtbot, window, "PX-404")
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=10_000)
    [(exc, action)] = shown_errors.shown
    assert isinstance(exc, ServiceError) and action == "Dossier du contrat"
    assert str(exc) == "Police « PX-404 » : aucun contrat sous ce numéro."
    assert not window.dossier_dialogs and window.order_card_dialog is None


def test_the_dossier_prints_through_the_real_print_dialog_and_saves_as_a_pdf(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, world: World, tmp_path: Path
) -> None:
    window = make_window(signed_db, CHEF)
    window.open_dossier(world.police(0))
    dialog = _dossier(qtbot, window, world.police(0))
    printed = tmp_path / "printed.pdf"

    def to_file() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    dialog.printer_factory = to_file
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as blocker:
        dialog.print_button.click()
        qtbot.waitUntil(
            lambda: any(d.isVisible() for d in dialog.findChildren(QPrintDialog)), timeout=10_000
        )
        [print_dialog] = [d for d in dialog.findChildren(QPrintDialog) if d.isVisible()]
        assert print_dialog.isModal()
        assert print_dialog.printer().outputFileName() == str(printed)
        box = print_dialog.findChildren(QDialogButtonBox)[0]
        box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert blocker.args[0] >= 1
    assert len(PdfReader(io.BytesIO(printed.read_bytes())).pages) == blocker.args[0]
    # « Enregistrer en PDF… »: the file dialog proposes dossier-<police>.pdf
    target = tmp_path / "dossier.pdf"
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        dialog.save_button.click()
        proposed = choose_in_file_dialog(qtbot, dialog, target)
    assert Path(proposed.selected[0]).name == f"dossier-{world.police(0)}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert f"Dossier du contrat {world.police(0)}" in text
    assert "contresigné" in text and "Rodrigue Tossou" in text


def test_a_right_click_on_a_row_naming_a_contract_offers_its_dossier(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, world: World
) -> None:
    """Every list of the pages offers it (the letters page's, for one); on a row whose
    object names a police, through the list's sorting proxy, it opens the dossier."""
    window = make_window(signed_db, CHEF)
    [letters] = [
        t for t in window.pages["reminders"].view.findChildren(QTableView)
        if t.objectName() == "letters"
    ]  # fmt: skip
    assert letters.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu

    @dataclass(frozen=True)
    class Row:
        police: str

    class Rows(RowTableModel[Row]):
        def __init__(self) -> None:
            super().__init__()
            self.columns = (Column("Police", lambda r: r.police),)

    model = Rows()
    model.set_rows([Row("P9"), Row(world.police(1))])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    table = DataTable()
    qtbot.addWidget(table)
    table.setModel(proxy)
    offer_dossier(table, window.open_dossier)
    table.show()
    index = proxy.index(1, 0)  # sorted: P9 first, then P0002
    police = police_of(table, index)
    assert police == world.police(1)
    # the menu a right click pops up there (popped up offscreen, it grabs no keyboard)
    menu = dossier_menu(table, table.visualRect(index).center(), window.open_dossier)
    assert menu is not None
    assert dossier_menu(table, QPoint(-5, -5), window.open_dossier) is None  # no row
    [action] = menu.actions()
    assert action.text() == f"Dossier du contrat {police}…"
    action.trigger()
    _dossier(qtbot, window, police)
