"""Counts agree with their words in the singular too (issue #10: « 1 fichier archivé »,
never « 1 fichier archivés »)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.domain.enums import ListKind
from sbee_desk.gui.dialogs.validation_dialogs import ListsProducedDialog
from sbee_desk.services.lists import ArchivedList
from tests.gui.conftest import WindowFactory
from tests.gui.test_archive_page import archived_db, open_archive  # noqa: F401 - fixture
from tests.gui.test_data_page import open_data_page


def test_the_classeur_status_of_one_file(
    qtbot: QtBot,
    make_window: WindowFactory,
    archived_db: Database,  # noqa: F811 - the fixture
) -> None:
    page = open_archive(qtbot, make_window, archived_db)
    first = next(e for e in page.model.entries if e.is_copy)
    page.model.set_entries([first])
    page._update_status()
    assert page.view.status_label.text() == (
        "1 fichier archivé pour 1 bordereau, dont 1 copie (liste produite à nouveau)."
    )


def archived(is_copy: bool) -> ArchivedList:
    return ArchivedList(
        1,
        ListKind.A_RESILIER,
        "pdf",
        1,
        "BT-1",
        "a-resilier.pdf",
        "0" * 64,
        10,
        3,
        is_copy,
        dt.datetime.now(dt.UTC),
    )


def test_the_lists_produced_dialog_for_one_list(qtbot: QtBot) -> None:
    dialog = ListsProducedDialog("BT-1", [archived(is_copy=True)])
    qtbot.addWidget(dialog)
    assert "<b>1 liste archivée dans le classeur</b>" in dialog.intro.text()
    assert "(à nouveau : enregistrée comme copie)" in dialog.intro.text()
    two = ListsProducedDialog("BT-1", [archived(is_copy=True), archived(is_copy=True)])
    qtbot.addWidget(two)
    assert "<b>2 listes archivées dans le classeur</b>" in two.intro.text()
    assert "(à nouveau : enregistrées comme copies)" in two.intro.text()


def test_copying_one_problem(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, tmp_path: Path
) -> None:
    window = open_data_page(qtbot, make_window, signed_db)
    page = window.data_page
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "clients.csv").write_text(
        "code_client;nom;adresse;quartier;telephone;categorie\nC002;;Lot 2;Cadjèhoun;;ORDINAIRE\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(page.import_finished, timeout=20_000):
        page.import_path(bad)
    assert page.problems_model.rowCount() == 1
    page.view.copy_button.click()
    assert window.statusBar().currentMessage() == "1 problème copié dans le presse-papiers."
