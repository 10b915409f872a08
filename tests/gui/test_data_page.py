"""Données: a bad export shows every problem, can be copied and saved, writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory
from tests.gui.file_dialogs import cancel_file_dialog, choose_in_file_dialog
from tests.gui.known_case import write_bad_export, write_known_export

TABLES = ("customer", "contract", "bordereau", "invoice", "payment", "suspension", "audit_event")


def row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def open_data_page(qtbot: QtBot, make_window: WindowFactory, db: Database) -> MainWindow:
    window = make_window(db)
    qtbot.waitUntil(lambda: window.first_start_dialog is not None)
    assert window.first_start_dialog is not None
    window.first_start_dialog.later_button.click()
    window.go_to("data")
    return window


def test_bad_export_shows_its_problems_and_writes_nothing(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, tmp_path: Path
) -> None:
    before = row_counts(signed_db)
    window = open_data_page(qtbot, make_window, signed_db)
    page = window.data_page
    view = page.view
    with qtbot.waitSignal(page.import_finished, timeout=20_000) as finished:
        page.import_path(write_bad_export(tmp_path / "bad"))
    assert finished.args == ["failed"]
    assert row_counts(signed_db) == before

    assert view.banner.isVisible() and view.banner.kind == "error"
    assert "rien n'a été enregistré" in view.banner.text()
    assert view.stack.currentWidget() is view.problems_page
    model = view.problems_table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Table", "Ligne", "Colonne", "Message"]
    rows = {tuple(model.index(r, c).data() for c in range(3)) for r in range(model.rowCount())}
    assert ("clients", "3", "nom") in rows
    assert ("clients", "4", "categorie") in rows
    assert ("factures", "2", "montant") in rows

    # Ctrl+C in the list copies it (tab-separated, for Excel)
    view.problems_table.setFocus()
    view.problems_table.clearSelection()
    qtbot.keyClick(view.problems_table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0] == "Table\tLigne\tColonne\tMessage"
    assert len(copied.splitlines()) == model.rowCount() + 1
    assert "montant « -500 » négatif" in copied or "-500" in copied

    # the button copies it too
    QGuiApplication.clipboard().clear()
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == copied

    # and it can be saved as CSV (Excel-friendly: ';' and a BOM), proposed by the real
    # dialog in the export's folder
    target = tmp_path / "problemes.csv"
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    proposed = choose_in_file_dialog(qtbot, window, target)
    assert proposed.name == "saveFileDialog"
    assert proposed.title == "Enregistrer la liste des problèmes"
    assert proposed.selected == [str(tmp_path / "bad" / "problemes-import.csv")]
    assert proposed.filters == ["Fichiers CSV (*.csv)"] and proposed.default_suffix == "csv"
    saved = target.read_text(encoding="utf-8-sig").splitlines()
    assert saved[0] == "Table;Ligne;Colonne;Message"
    assert len(saved) == model.rowCount() + 1


def test_good_export_shows_counts_per_table(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, tmp_path: Path
) -> None:
    window = open_data_page(qtbot, make_window, signed_db)
    page = window.data_page
    with qtbot.waitSignal(page.import_finished, timeout=20_000) as finished:
        page.import_path(write_known_export(tmp_path / "ok", dt.date.today()))
    assert finished.args == ["succeeded"]
    view = page.view
    assert view.banner.kind == "success" and "Import terminé" in view.banner.text()
    model = view.counts_table.model()
    counts = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    assert counts == {
        "Clients": "6",
        "Contrats": "6",
        "Bordereaux": "2",
        "Factures": "12",
        "Règlements": "2",
        "Interruptions": "6",
    }
    # the status bar and the other pages learn about it
    qtbot.waitUntil(lambda: window.agency_label.text() == "Agence : AG1")
    assert window.import_label.text() != "Dernier import : aucun"

    # the same export again changes nothing
    with qtbot.waitSignal(page.import_finished, timeout=20_000):
        page.import_path(tmp_path / "ok")
    assert model.index(0, 3).data() == "6"  # Clients: 6 unchanged


def write_workbook(folder: Path, path: Path) -> Path:
    """The CSV export of ``folder`` as one workbook, a sheet per file (cells as text)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for csv_file in sorted(folder.glob("*.csv")):
        sheet = workbook.create_sheet(csv_file.stem)
        for line in csv_file.read_text(encoding="utf-8").splitlines():
            sheet.append([value or None for value in line.split(";")])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def test_the_buttons_import_the_folder_or_workbook_chosen_in_the_dialog(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, tmp_path: Path
) -> None:
    window = open_data_page(qtbot, make_window, signed_db)
    page = window.data_page
    view = page.view
    folder = write_known_export(tmp_path / "export", dt.date.today())
    answers: list[str] = []
    page.import_finished.connect(answers.append)

    # cancelling the folder dialog imports nothing
    before = row_counts(signed_db)
    qtbot.mouseClick(view.folder_button, Qt.MouseButton.LeftButton)
    proposed = cancel_file_dialog(qtbot, window)
    assert proposed.name == "directoryDialog"
    assert proposed.title == "Dossier des fichiers CSV de l'export"
    assert proposed.folder == Path.home()  # nothing remembered yet
    assert answers == [] and row_counts(signed_db) == before
    assert page.ctx.settings.text("data/last_folder") == ""

    # « Importer un dossier CSV… »: the folder chosen is imported, and remembered
    with qtbot.waitSignal(page.import_finished, timeout=20_000) as finished:
        qtbot.mouseClick(view.folder_button, Qt.MouseButton.LeftButton)
        choose_in_file_dialog(qtbot, window, folder)
    assert finished.args == ["succeeded"]
    assert page.last_path == folder
    assert page.ctx.settings.text("data/last_folder") == str(folder)

    # « Importer un classeur Excel… »: opens in that folder, imports the workbook chosen
    workbook = write_workbook(folder, tmp_path / "classeur" / "export.xlsx")
    with qtbot.waitSignal(page.import_finished, timeout=20_000) as finished:
        qtbot.mouseClick(view.workbook_button, Qt.MouseButton.LeftButton)
        proposed = choose_in_file_dialog(qtbot, window, workbook)
    assert proposed.name == "openFileDialog"
    assert proposed.title == "Classeur Excel de l'export"
    assert proposed.folder == folder
    assert proposed.filters == ["Classeurs Excel (*.xlsx)"]
    assert finished.args == ["succeeded"]
    assert page.last_path == workbook
    assert view.status_label.text() == "Fichiers lus : export.xlsx."
    model = view.counts_table.model()
    assert model.index(0, 3).data() == "6"  # Clients: the same 6, unchanged
    assert page.ctx.settings.text("data/last_folder") == str(workbook.parent)


@pytest.mark.screenshots
def test_an_import_that_ends_procedures_says_what_R7_cancelled(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, tmp_path: Path
) -> None:
    from sbee_desk.services.actor import Actor
    from sbee_desk.services.importing import import_export
    from sbee_desk.services.review import validate_bordereau
    from sbee_desk.services.selection import run_selection
    from tests.gui.known_case import BT
    from tests.gui.test_screenshots import SIZE, save

    today = dt.date.today()
    chef = Actor("chef")
    import_export(signed_db.uow(), chef, write_known_export(tmp_path / "j1", today))
    run = run_selection(signed_db.uow(), chef, today).run_id
    validate_bordereau(signed_db.uow(), chef, run, BT)  # P001: an order; P002: a letter
    window = make_window(signed_db)
    window.go_to("data")
    page = window.data_page
    delta = tmp_path / "j2"
    delta.mkdir()
    suspended = (today - dt.timedelta(days=40)).strftime("%d/%m/%Y")
    (delta / "interruptions.csv").write_text(
        "police;date_interruption;bordereau;date_retablissement\n"
        f"P001;{suspended};{BT};{today:%d/%m/%Y}\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(page.import_finished, timeout=20_000) as finished:
        page.import_path(delta)
    assert finished.args == ["succeeded"]
    banner = page.view.banner
    assert banner.kind == "warning"
    assert "Import terminé" in banner.text()
    assert "R7 : 1 ordre annulé (rétablissement)" in banner.text()
    assert "barrés dans « 2 Édition et impression »" in banner.text()
    window.resize(*SIZE)
    save(window, "13-donnees-import-r7")


def test_a_flood_of_problems_counts_them_all_in_the_banner(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, tmp_path: Path
) -> None:
    """The list stops at 200 problems (#12); the banner says how many were found."""
    from tests.integration.test_import import HEADERS, write_csv

    folder = tmp_path / "flood"
    rows = [[f"C{n}", f"Client {n}", "", "", "", "PATRON"] for n in range(1000)]
    write_csv(folder, "clients", HEADERS["clients"], rows)
    window = open_data_page(qtbot, make_window, signed_db)
    page = window.data_page
    with qtbot.waitSignal(page.import_finished, timeout=20_000):
        page.import_path(folder)
    assert page.view.problems_table.model().rowCount() == 201
    assert "1\u202f000 problèmes trouvés" in page.view.banner.text()
