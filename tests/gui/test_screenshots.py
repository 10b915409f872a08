"""Save a PNG of every page, with demo data (ui-guidelines.md).

The tests write into screenshots/tmp/, which git ignores, so that running the suite
leaves the tree clean; open the pictures and look before calling a screen done. The
committed pictures of docs/screenshots/ are refreshed on purpose, by
``bash scripts/screenshots`` (SBEE_DESK_SCREENSHOTS=docs/screenshots, tests marked
``screenshots``). SBEE_DESK_SCREENSHOTS=/some/folder sends them anywhere else.
Rendered offscreen at 1366×768, the smallest screen of the agency workstations.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database, open_database
from sbee_desk.domain.enums import Decision
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.sign_in import SignInDialog
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.demo import load_demo
from tests.gui.conftest import ACTOR, WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.known_case import write_known_export

ROOT = Path(__file__).resolve().parents[2]
#: screenshots/tmp/ (ignored by git), or the folder named by SBEE_DESK_SCREENSHOTS
#: (relative to the repository's root)
SCREENSHOTS = ROOT / (os.environ.get("SBEE_DESK_SCREENSHOTS") or "screenshots/tmp")
SIZE = (1366, 768)

#: the tests that save pictures: `bash scripts/screenshots` runs them
pytestmark = pytest.mark.screenshots


@pytest.fixture(scope="module")
def demo_2000_template(users_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo2000") / "agence-demo.db"
    shutil.copyfile(users_template, path)
    db = open_database(f"sqlite:///{path}")
    try:
        load_demo(db, ACTOR, contracts=2000, today=dt.date.today())
    finally:
        db.dispose()
    return path


@pytest.fixture
def demo_2000(demo_2000_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "agence-demo.db"
    shutil.copyfile(demo_2000_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.dispose()


def save(widget: QWidget, name: str) -> Path:
    QApplication.processEvents()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path), "PNG"), path
    return path


def test_screenshots_of_every_page(
    qtbot: QtBot, make_window: WindowFactory, demo_2000: Database, tmp_path: Path
) -> None:
    window: MainWindow = make_window(demo_2000)
    window.resize(*SIZE)
    assert window.width() == SIZE[0], "the window must fit a 1366×768 screen"
    page = window.selection_page
    qtbot.waitUntil(lambda: bool(page.runs))

    # 1. Sélection: the run of the day, on its largest bordereau
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        page.launch()
    largest = max(page.bordereau_model.rows, key=lambda b: b.line_count)
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        page.select_bordereau(largest.code)
    page.view.lines_table.selectRow(1)
    save(window, "01-selection")

    # the same list filtered on "À relancer"
    page.view.decision_combo.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.line_proxy.rowCount() < page.line_model.total_count)
    save(window, "02-selection-filtre-a-relancer")
    page.view.decision_combo.setCurrentIndex(0)

    # the warning when the last import is older than the run date (as if the last
    # import had been made six days ago)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=6)
    assert page.last_import is not None
    page.last_import = replace(page.last_import, occurred_at=old)
    page._update_stale_banner()
    assert window.overview is not None
    window._show_overview(replace(window.overview, last_import=page.last_import))
    assert page.view.stale_banner.isVisible()
    save(window, "03-selection-import-ancien")

    # steps 3 to 6 and after the termination on the demo's data, then the one page
    # still to come
    for number, key in enumerate(
        ("reminders", "dispatch", "store_return", "cri", "terminations", "dashboard"),
        start=5,
    ):
        window.go_to(key)
        qtbot.waitUntil(lambda: not window.ctx.tasks.busy, timeout=30_000)
        save(window, f"{number:02d}-{key.replace('_', '-')}")

    # the dossier of a contract the demo took through the whole procedure (#16)
    terminations = window.terminations_page
    qtbot.waitUntil(lambda: terminations.model.rowCount() > 0, timeout=30_000)
    police = str(terminations.model.index(0, 0).data())
    window.open_dossier(police)
    qtbot.waitUntil(lambda: police in window.dossier_dialogs, timeout=30_000)
    dossier = window.dossier_dialogs[police]
    qtbot.waitUntil(dossier.isVisible)
    save(dossier, "09b-dossier-du-contrat")
    dossier.close()

    # Données: empty state, then a refused import with its problems
    window.go_to("data")
    data = window.data_page
    qtbot.waitUntil(lambda: bool(data.view.last_import_label.text()))
    save(window, "11-donnees")
    bad = tmp_path / "export-errone"
    bad.mkdir()
    (bad / "clients.csv").write_text(
        "code_client;nom;adresse;quartier;telephone;categorie\n"
        "C900001;AHOYO Rodrigue;Lot 12;Akpakpa;;ORDINAIRE\n"
        "C900002;;Lot 7;Cadjèhoun;;ORDINAIRE\n"
        "C900003;GBEDJI Mariam;Lot 3;Fidjrossè;;PARTICULIER\n",
        encoding="utf-8",
    )
    (bad / "factures.csv").write_text(
        "facture;police;bordereau;date_emission;date_echeance;montant\n"
        "F900001;9999999999;BT-COT-2026-09;15/09/2026;30/09/2026;-500\n"
        "F900002;9999999998;BT-COT-2026-09;31/09/2026;;12 500\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(data.import_finished, timeout=20_000):
        data.import_path(bad)
    save(window, "12-donnees-import-refuse")

    # a good export: counts per table
    good = write_known_export(tmp_path / "export-du-jour", dt.date.today())
    with qtbot.waitSignal(window.overview_loaded, timeout=20_000):
        data.import_path(good)
    qtbot.waitUntil(lambda: data.view.stack.currentWidget() is data.view.counts_page)
    save(window, "13-donnees-import-termine")

    # long work: the progress dialog, with its Annuler
    release = threading.Event()

    def long_import(ctx: TaskContext) -> None:
        ctx.progress(412_000, 1_000_000)
        release.wait(30)

    task = window.ctx.tasks.start(long_import, title="Import des données", cancellable=True)
    qtbot.waitUntil(lambda: task in window.ctx.tasks.dialogs, timeout=5_000)
    dialog = window.ctx.tasks.dialogs[task]
    qtbot.waitUntil(lambda: dialog.bar.value() == 412)
    save(dialog, "14-progression")
    release.set()
    with qtbot.waitSignal(task.ended):
        pass


def test_screenshots_of_first_start_and_sign_in(
    qtbot: QtBot, make_window: WindowFactory, sqlite_db: Database, signed_db: Database
) -> None:
    window = make_window(sqlite_db, None)
    qtbot.waitUntil(lambda: window.first_start_dialog is not None)
    dialog = window.first_start_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    save(dialog, "00-premier-demarrage")
    dialog.later_button.click()

    sign_in = SignInDialog(signed_db, "chef")
    qtbot.addWidget(sign_in)
    sign_in.show()
    sign_in.password_edit.setText("mauvais")
    sign_in.try_sign_in()
    save(sign_in, "00-connexion-refusee")


def test_screenshots_of_the_review_and_the_classeur(
    qtbot: QtBot,
    make_window: WindowFactory,
    demo_2000: Database,
    tmp_path: Path,
) -> None:
    """Issue #5: exclusion, derogation, validation, lists, classeur (20-… to 27-…)."""
    window: MainWindow = make_window(demo_2000)
    window.resize(*SIZE)
    page = window.selection_page
    qtbot.waitUntil(lambda: bool(page.runs))
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        page.launch()
    # a bordereau holding every kind of decision
    chosen = max(
        page.bordereau_model.rows,
        key=lambda b: (len([n for n in b.counts.values() if n]), b.line_count),
    )
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        page.select_bordereau(chosen.code)
    table, model, proxy = page.view.lines_table, page.line_model, page.line_proxy

    def row_of(decision: Decision, skip: int = 0) -> int:
        rows = [r for r in range(proxy.rowCount()) if model.line(r).decision is decision]
        return rows[min(skip, len(rows) - 1)]

    # exclusion of two lines, with its dialog
    table.selectRow(row_of(Decision.RESILIATION, 1))
    table.selectionModel().select(
        proxy.index(row_of(Decision.RELANCE), 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    page.exclude_selected()
    qtbot.waitUntil(lambda: page.exclusion_dialog is not None and page.exclusion_dialog.isVisible())
    dialog = page.exclusion_dialog
    assert dialog is not None
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("PROMESSE"))
    dialog.note_edit.setText("Engagement écrit de régler avant le 15, reçu à l'agence")
    save(dialog, "21-exclusion")
    with qtbot.waitSignal(page.review_changed, timeout=10_000):
        dialog.ok_button.click()
    table.selectRow(row_of(Decision.RESILIATION, 1))
    table.scrollToTop()
    save(window, "20-selection-revue")

    # the derogation dialog (filled as the Direction would)
    exempt = model.line(row_of(Decision.EXEMPTE))
    derogation = page.ask_derogation(exempt)
    assert derogation is not None
    qtbot.waitUntil(derogation.isVisible)
    derogation.reference_edit.setText("DG/2026/0142")
    derogation.until_check.setChecked(True)
    derogation.document_edit.setText("Courrier DG n° 142 scanné (GED)")
    save(derogation, "22-derogation")
    derogation.reject()

    # validation: the confirmation, then the result
    box = page.validate()
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    save(box, "23-validation-confirmation")
    with qtbot.waitSignal(page.bordereau_validated, timeout=20_000):
        box.validate_button.click()
    result = page.result_box
    assert result is not None
    qtbot.waitUntil(result.isVisible)
    save(result, "24-validation-resultat")
    result.accept()

    # the lists, archived; the bordereau read-only with its banner
    with qtbot.waitSignal(page.lists_produced, timeout=30_000):
        page.produce()
    lists = page.lists_dialog
    assert lists is not None
    qtbot.waitUntil(lists.isVisible)
    save(lists, "26-listes-produites")
    lists.accept()
    qtbot.waitUntil(lambda: "Listes produites" in page.view.validated_banner.text())
    table.selectRow(row_of(Decision.RESILIATION, 1))
    table.scrollToTop()
    save(window, "25-selection-bordereau-valide")

    # the classeur, a tampered copy flagged
    archive = window.archive_page
    with qtbot.waitSignal(archive.register_loaded, timeout=20_000):
        window.go_to("archive")
    archive.view.table.selectRow(1)
    entry = archive.current_entry()
    assert entry is not None
    copy = tmp_path / entry.file_name
    copy.write_bytes(b"modified")
    with qtbot.waitSignal(archive.copy_checked, timeout=10_000):
        archive.check_selected()
        choose_in_file_dialog(qtbot, window, copy)  # the real dialog, answered
    archive.view.table.selectRow(0)  # the flag shows in red on the row checked
    save(window, "27-classeur")
