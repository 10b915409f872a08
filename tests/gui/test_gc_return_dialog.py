"""« Fichier retour GC » (#16): the real dialog offscreen — the lines waiting, a folder
chosen in the real folder dialog, Excel, « Exporter »: « N lignes exportées dans … »,
the file re-read; then « rien de nouveau »; a folder that cannot be written: the
French refusal in the dialog, nothing recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sbee_desk.db.database import Database
from sbee_desk.db.models import ContractTermination, GcReturnFile, GcReturnLine
from sbee_desk.gui.dialogs.gc_return_dialog import GcReturnDialog, export_return_file_action
from sbee_desk.services.audit import now
from sbee_desk.services.gc_return import COLUMNS
from sbee_desk.services.letters import record_impossible
from tests.gui.conftest import WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.test_screenshots import SCREENSHOTS
from tests.integration.letters_world import CHEF, letter, world

D = dt.date


@pytest.fixture
def gc_db(signed_db: Database) -> Database:
    """A letter whose delivery was recorded impossible, and a contract terminated for
    fraud (R8): two lines waiting."""
    w = world(signed_db)
    number = letter(w, "P0001")
    w.contract("P0002")
    w.commit()
    record_impossible(
        signed_db.uow(), CHEF, number, D(2026, 11, 24), "adresse introuvable",
        today_=D(2026, 11, 25),
    )  # fmt: skip
    with signed_db.uow() as uow:
        uow.session.add(
            ContractTermination(
                police="P0002", terminated_on=D(2026, 12, 8), cause="FRAUDE",
                reason="branchement direct", recorded_by="chef", recorded_at=now(),
            )
        )  # fmt: skip
        uow.commit()
    return signed_db


def _count(db: Database, model: type) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _open(qtbot: QtBot, make_window: WindowFactory, db: Database) -> GcReturnDialog:
    window = make_window(db)
    dialog = export_return_file_action(window, window.ctx)
    qtbot.waitUntil(lambda: "Lignes en attente : 2" in dialog.pending_label.text(), timeout=20_000)
    return dialog


def test_the_dialog_exports_once_then_says_nothing_new(
    qtbot: QtBot, make_window: WindowFactory, gc_db: Database, tmp_path: Path
) -> None:
    dialog = _open(qtbot, make_window, gc_db)
    assert dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.WindowModal
    assert "1 résiliation, 1 difficulté d'adresse" in dialog.pending_label.text()
    assert dialog.minimumSizeHint().width() <= 885
    folder = tmp_path / "retour"
    folder.mkdir()
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    proposed = choose_in_file_dialog(qtbot, dialog, folder)
    assert proposed.name == "directoryDialog"
    assert dialog.folder_edit.text() == str(folder)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("xlsx"))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    result = done.args[0]
    [produced] = result.files
    assert produced.file_name.startswith("retour-gc-AG1-") and produced.file_name.endswith(
        "-1.xlsx"
    )
    text = dialog.result_label.text()
    assert text.startswith(f"2 lignes exportées dans {folder}") and produced.file_name in text
    sheet = load_workbook(folder / produced.file_name).active
    rows = list(sheet.iter_rows(values_only=True))
    assert tuple(rows[0]) == COLUMNS
    assert sorted((r[0], r[1]) for r in rows[1:]) == [
        ("ADRESSE", "P0001"),
        ("RESILIATION", "P0002"),
    ]
    qtbot.waitUntil(lambda: "aucune" in dialog.pending_label.text(), timeout=20_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "gc-return-dialog.png"), "PNG")

    # again: nothing new, no file
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as again:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert again.args[0].files == ()
    assert "Rien de nouveau" in dialog.result_label.text()
    assert [p.name for p in folder.iterdir()] == [produced.file_name]
    assert _count(gc_db, GcReturnFile) == 1 and _count(gc_db, GcReturnLine) == 2


def test_a_folder_that_cannot_be_written_is_refused_in_the_dialog(
    qtbot: QtBot, make_window: WindowFactory, gc_db: Database, tmp_path: Path
) -> None:
    dialog = _open(qtbot, make_window, gc_db)
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    dialog.folder_edit.setText(str(blocker))
    with qtbot.waitSignal(dialog.refused, timeout=20_000) as refused:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "impossible d'écrire dans le dossier" in refused.args[0]
    assert "rien n'a été écrit ni enregistré" in dialog.result_label.text()
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    assert _count(gc_db, GcReturnFile) == 0 and _count(gc_db, GcReturnLine) == 0
