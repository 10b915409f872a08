"""The Classeur page: the register of the lists, its filters, reopening a list,
saving a copy and detecting a copy changed since (qtmodeltester on its model)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.domain.enums import ListKind
from sbee_desk.gui.models import archive as acols
from sbee_desk.gui.models.archive import ArchiveFilterProxy, ArchiveTableModel
from sbee_desk.gui.pages.archive_page import ArchivePage
from sbee_desk.services.classeur import ArchiveSource, RegisterEntry, archived_content
from sbee_desk.services.gc_return import export_return_file
from sbee_desk.services.handoff import reprint_handoff, run_handoff
from sbee_desk.services.importing import import_export
from sbee_desk.services.lists import produce_lists
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import run_selection
from tests.gui.conftest import ACTOR, WindowFactory
from tests.gui.file_dialogs import cancel_file_dialog, choose_in_file_dialog
from tests.gui.known_case import BT, MT, write_known_export
from tests.gui.test_screenshots import SCREENSHOTS
from tests.gui.test_terminations_page import terminated_db
from tests.integration.handoff_world import HANDOFF_DAY

__all__ = ["terminated_db"]


@pytest.fixture
def archived_db(signed_db: Database, tmp_path: Path) -> Iterator[Database]:
    """The known case, validated, its lists produced twice for BT (copies) and once for MT."""
    import_export(signed_db.uow(), ACTOR, write_known_export(tmp_path / "export", dt.date.today()))
    run = run_selection(signed_db.uow(), ACTOR, dt.date.today()).run_id
    for code in (BT, MT):
        validate_bordereau(signed_db.uow(), ACTOR, run, code)
    produce_lists(signed_db.uow(), ACTOR, run, BT)
    produce_lists(signed_db.uow(), ACTOR, run, MT)
    produce_lists(signed_db.uow(), ACTOR, run, BT)
    yield signed_db


def open_archive(qtbot: QtBot, make_window: WindowFactory, db: Database) -> ArchivePage:
    window = make_window(db)
    page = window.archive_page
    with qtbot.waitSignal(page.register_loaded, timeout=20_000):
        window.go_to("archive")
    assert window.current_page() is page
    return page


def rows(page: ArchivePage, column: int) -> list[str]:
    proxy = page.proxy
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def audit_events(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()


def choose(qtbot: QtBot, page: ArchivePage, file_name: str, copy: bool = False) -> RegisterEntry:
    table = page.view.table
    for row in range(page.proxy.rowCount()):
        entry = page.model.entry(page.proxy.mapToSource(page.proxy.index(row, 0)).row())
        if entry.file_name == file_name and entry.is_copy == copy:
            index = page.proxy.index(row, acols.COL_FILE)
            table.scrollTo(index)
            qtbot.mouseClick(
                table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
            )
            assert page.current_entry() == entry
            return entry
    raise AssertionError(file_name)


def test_the_register_lists_every_file_with_filters(
    qtbot: QtBot, make_window: WindowFactory, archived_db: Database
) -> None:
    page = open_archive(qtbot, make_window, archived_db)
    view = page.view
    assert view.stack.currentWidget() is view.table
    # MT has nobody to terminate nor to control: two lists without a file (#10)
    assert page.proxy.rowCount() == 16
    assert view.shown_label.text() == "16 entrées"
    assert view.status_label.text() == (
        "14 fichiers archivés pour 2 bordereaux, dont 6 copies (listes produites à nouveau) ; "
        "2 listes sans ligne, sans fichier."
    )
    # newest first; words in French, short SHA-256
    first = page.proxy.index(0, 0)
    entry = page.model.entry(page.proxy.mapToSource(first).row())
    assert entry.is_copy and entry.bordereau_code == BT
    assert set(rows(page, acols.COL_KIND)) == {"À relancer", "À résilier", "Contrôle"}
    assert set(rows(page, acols.COL_FORMAT)) == {"Excel", "PDF", "—"}
    assert rows(page, acols.COL_USER)[0] == "Rodrigue Tossou"
    assert rows(page, acols.COL_REFERENCE)[0] == "Traitement n° 1"
    reference = page.proxy.index(0, acols.COL_REFERENCE).data(Qt.ItemDataRole.ToolTipRole)
    assert reference == f"Traitement n° 1 du {dt.date.today():%d/%m/%Y}"
    assert rows(page, acols.COL_COPY).count("Oui") == 6
    sha = page.proxy.index(0, acols.COL_SHA)
    assert len(sha.data()) == acols.SHA_SHOWN and sha.data(Qt.ItemDataRole.ToolTipRole) == (
        entry.sha256
    )
    assert not view.open_button.isEnabled()  # nothing chosen yet

    # filters: kind, bordereau, search as you type
    view.kind_combo.setCurrentIndex(view.kind_combo.findData(ListKind.A_RESILIER.value))
    assert set(rows(page, acols.COL_KIND)) == {"À résilier"} and page.proxy.rowCount() == 5
    view.bordereau_combo.setCurrentIndex(view.bordereau_combo.findText(MT))
    assert rows(page, acols.COL_FILE) == ["Aucun contrat à résilier"]
    assert view.shown_label.text() == "1 entrée affichée sur 16"
    view.kind_combo.setCurrentIndex(0)
    view.bordereau_combo.setCurrentIndex(0)
    qtbot.keyClicks(view.search_edit, "controle.pdf")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 2)
    assert set(rows(page, acols.COL_FILE)) == {f"{BT}-1-controle.pdf"}
    view.search_edit.clear()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 16)


def test_a_list_without_a_line_has_no_file_to_open(
    qtbot: QtBot, make_window: WindowFactory, archived_db: Database
) -> None:
    """#10: the register says « Aucune ligne de contrôle » instead of an empty page."""
    page = open_archive(qtbot, make_window, archived_db)
    view = page.view
    qtbot.keyClicks(view.search_edit, "aucune ligne")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    index = page.proxy.index(0, acols.COL_FILE)
    assert index.data() == "Aucune ligne de contrôle"
    assert page.proxy.index(0, acols.COL_FORMAT).data() == "—"
    qtbot.mouseClick(
        view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(index).center()
    )
    entry = page.current_entry()
    assert entry is not None and not entry.has_file and entry.bordereau_code == MT
    for button in (view.open_button, view.save_button, view.check_button):
        assert not button.isEnabled()
    assert "aucun fichier" in view.open_button.toolTip()


def test_open_save_and_check_a_copy(
    qtbot: QtBot,
    make_window: WindowFactory,
    archived_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = open_archive(qtbot, make_window, archived_db)
    view = page.view
    entry = choose(qtbot, page, f"{BT}-1-a-resilier.pdf")
    assert view.open_button.isEnabled() and view.check_button.isEnabled()
    _name, archived = archived_content(archived_db.uow(), entry.entry_id)

    # Ouvrir: the archived bytes in a temporary file handed to the system
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    # the workstation's program is the system's edge: replaced, the page's own code runs
    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    with qtbot.waitSignal(page.opened, timeout=10_000) as signal:
        qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    temporary = Path(signal.args[0])
    assert temporary.name == entry.file_name
    assert temporary.read_bytes() == archived
    assert opened == [QUrl.fromLocalFile(str(temporary))]
    # Entrée on the table opens it too
    with qtbot.waitSignal(page.opened, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)

    # Enregistrer une copie…: the real dialog proposes the list's name; a name typed
    # without extension gets the list's (.pdf)
    target = tmp_path / "copies" / "copie.pdf"
    target.parent.mkdir()
    with qtbot.waitSignal(page.copy_saved, timeout=10_000) as saved:
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        proposed = choose_in_file_dialog(qtbot, view.window(), target.with_suffix(""))
    assert proposed.name == "saveFileDialog"
    assert proposed.title == "Enregistrer une copie de la liste"
    assert [Path(p).name for p in proposed.selected] == [entry.file_name]
    assert proposed.filters == ["Document PDF (*.pdf)"] and proposed.default_suffix == "pdf"
    assert saved.args == [str(target)]
    assert target.read_bytes() == archived
    assert "Copie enregistrée" in view.check_banner.text()
    assert page.ctx.settings.text("archive/folder") == str(target.parent)

    # Vérifier une copie…: the same bytes match; the dialog opens in the folder saved to
    with qtbot.waitSignal(page.copy_checked, timeout=10_000) as checked:
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
        proposed = choose_in_file_dialog(qtbot, view.window(), target)
    assert proposed.name == "openFileDialog"
    assert proposed.title == f"Vérifier une copie de « {entry.file_name} »"
    assert proposed.folder == target.parent
    assert checked.args == [entry.entry_id, str(target), True]
    assert view.check_banner.kind == "success"
    assert "Copie conforme." in view.check_banner.text()
    row = page.proxy.mapFromSource(page.model.index(page.model.row_of(entry.entry_id), 0)).row()
    assert page.proxy.index(row, acols.COL_CHECK).data() == "Conforme"

    # a tampered copy is flagged, in words and in red
    target.write_bytes(archived.replace(b"%%EOF", b"%%EOF\n% modifie", 1))
    with qtbot.waitSignal(page.copy_checked, timeout=10_000) as checked:
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
        choose_in_file_dialog(qtbot, view.window(), target)
    assert checked.args[2] is False
    assert view.check_banner.kind == "error"
    assert "Attention : copie modifiée." in view.check_banner.text()
    flag = page.proxy.index(row, acols.COL_CHECK)
    assert flag.data() == "Modifiée !"
    assert flag.data(Qt.ItemDataRole.BackgroundRole).name() == "#fbe4e6"


def test_cancelling_the_dialogs_saves_and_checks_nothing(
    qtbot: QtBot, make_window: WindowFactory, archived_db: Database, tmp_path: Path
) -> None:
    page = open_archive(qtbot, make_window, archived_db)
    view = page.view
    choose(qtbot, page, f"{BT}-1-controle.xlsx")
    answers: list[object] = []
    page.copy_saved.connect(answers.append)
    page.copy_checked.connect(lambda *args: answers.append(args))
    events = audit_events(archived_db)
    banner = view.check_banner.text()

    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    proposed = cancel_file_dialog(qtbot, view.window())
    assert proposed.filters == ["Classeur Excel (*.xlsx)"] and proposed.default_suffix == "xlsx"
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    cancel_file_dialog(qtbot, view.window())

    assert [t.title for t in page.ctx.tasks.running if "copie" in t.title] == []
    assert answers == []
    assert audit_events(archived_db) == events  # no copy recorded
    assert page.ctx.settings.text("archive/folder") == ""  # no folder remembered
    assert view.check_banner.text() == banner
    assert rows(page, acols.COL_CHECK) == [""] * page.proxy.rowCount()


def test_an_empty_register_says_how_lists_get_there(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database
) -> None:
    page = open_archive(qtbot, make_window, signed_db)
    assert page.view.stack.currentWidget() is page.view.empty_state
    assert "Produire les listes" in page.view.empty_state.text()


def test_archive_model(qtmodeltester) -> None:
    when = dt.datetime(2026, 11, 28, 10, 15, tzinfo=dt.UTC)
    entries = [
        RegisterEntry(
            entry_id=i,
            kind=kind,
            file_format=fmt,
            run_id=3,
            run_on=dt.date(2026, 11, 28),
            bordereau_code=code,
            created_at=when,
            created_by="chef",
            created_by_name="Rodrigue Tossou",
            file_name=f"{code}-3-{kind.value.lower()}.{fmt}",
            sha256=f"{i:064x}",
            size=1000 + i,
            is_copy=i > 6,
        )
        for i, (code, kind, fmt) in enumerate(
            [(c, k, f) for c in ("BT-1", "MT-1") for k in ListKind for f in ("xlsx", "pdf")],
            start=1,
        )
    ]
    model = ArchiveTableModel()
    qtmodeltester.check(model)
    model.set_entries(entries)
    qtmodeltester.check(model)
    assert model.index(0, acols.COL_KIND).data() == "À relancer"
    assert model.index(0, acols.COL_COPY).data() == "Non"
    assert model.index(11, acols.COL_COPY).data() == "Oui"
    model.set_check(2, False)
    assert model.index(1, acols.COL_CHECK).data() == "Modifiée !"
    proxy = ArchiveFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_filters(kind=ListKind.CONTROLE)
    assert proxy.rowCount() == 4
    proxy.set_filters(kind=ListKind.CONTROLE, bordereau="MT-1", search="PDF")
    assert [proxy.index(r, acols.COL_FILE).data() for r in range(proxy.rowCount())] == [
        "MT-1-3-controle.pdf"
    ]
    proxy.set_filters(search="tossou")
    assert proxy.rowCount() == 12
    proxy.sort(acols.COL_DATE, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, acols.COL_FILE).data() == "MT-1-3-controle.pdf"
    qtmodeltester.check(proxy)


def test_archive_model_with_every_register(qtmodeltester) -> None:
    """#16: a list of step 1, a hand-off (and its reprint) and a return file in one
    register: their type, reference, and the filters by register and by period."""
    november = dt.datetime(2026, 11, 28, 10, 15, tzinfo=dt.UTC)
    december = dt.datetime(2026, 12, 10, 10, 15, tzinfo=dt.UTC)
    common: dict[str, Any] = {
        "created_by": "chef",
        "created_by_name": "Rodrigue Tossou",
        "size": 1000,
    }
    entries = [
        RegisterEntry(
            entry_id=1, kind=ListKind.A_RESILIER, file_format="xlsx", run_id=3,
            run_on=dt.date(2026, 11, 28), bordereau_code="BT-1", created_at=november,
            file_name="BT-1-3-a-resilier.xlsx", sha256="1" * 64, is_copy=False, **common,
        ),
        *(
            RegisterEntry(
                entry_id=n, kind=None, file_format="pdf", run_id=None, run_on=None,
                bordereau_code="", created_at=december, file_name=f"{stem}-2026-12-10{copy}.pdf",
                sha256=f"{n}" * 64, is_copy=bool(copy), source=source, reference=4,
                reference_on=dt.date(2026, 12, 10), **common,
            )
            for n, (source, stem, copy) in enumerate(
                [
                    (ArchiveSource.APUREMENT, "apurement", ""),
                    (ArchiveSource.CONTENTIEUX, "contentieux", ""),
                    (ArchiveSource.APUREMENT, "apurement", "-copie"),
                ],
                start=1,  # the same ids as the list's: another register
            )
        ),
        RegisterEntry(
            entry_id=1, kind=None, file_format="csv", run_id=None, run_on=None,
            bordereau_code="", created_at=december, file_name="retour-gc-AG1-2026-12-10-2.csv",
            sha256="9" * 64, is_copy=False, source=ArchiveSource.GC_RETURN, reference=2,
            reference_on=dt.date(2026, 12, 10), agency_code="AG1", line_count=3, **common,
        ),
    ]  # fmt: skip
    model = ArchiveTableModel()
    model.set_entries(entries)
    qtmodeltester.check(model)
    cells = [
        [model.index(r, c).data() for c in (acols.COL_KIND, acols.COL_FORMAT, acols.COL_BORDEREAU)]
        + [model.index(r, acols.COL_REFERENCE).data(), model.index(r, acols.COL_COPY).data()]
        for r in range(model.rowCount())
    ]
    assert cells == [
        ["À résilier", "Excel", "BT-1", "Traitement n° 3", "Non"],
        ["Apurement", "PDF", "—", "Transmission n° 4", "Non"],
        ["Contentieux", "PDF", "—", "Transmission n° 4", "Non"],
        ["Apurement", "PDF", "—", "Transmission n° 4", "Oui"],
        ["Retour GC", "CSV", "—", "Fichier n° 2 de 2026", "Non"],
    ]
    tip = model.index(4, acols.COL_REFERENCE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Agence AG1, fichier n° 2 produit le 10/12/2026, 3 lignes"
    tip = model.index(1, acols.COL_REFERENCE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Transmission n° 4 du 10/12/2026"
    # a check is the file's, not the id's: list n° 1 and return file n° 1 differ
    model.set_check(entries[4], False)
    assert model.index(4, acols.COL_CHECK).data() == "Modifiée !"
    assert model.index(0, acols.COL_CHECK).data() == ""
    proxy = ArchiveFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)

    def shown() -> list[str]:
        return [proxy.index(r, acols.COL_FILE).data() for r in range(proxy.rowCount())]

    proxy.set_filters(source=ArchiveSource.APUREMENT)
    assert shown() == ["apurement-2026-12-10.pdf", "apurement-2026-12-10-copie.pdf"]
    proxy.set_filters(source=ArchiveSource.GC_RETURN)
    assert shown() == ["retour-gc-AG1-2026-12-10-2.csv"]
    proxy.set_filters(source=ArchiveSource.LISTS)
    assert shown() == ["BT-1-3-a-resilier.xlsx"]
    proxy.set_filters(period="2026-11")
    assert shown() == ["BT-1-3-a-resilier.xlsx"]
    proxy.set_filters(period="2026-12", source=ArchiveSource.CONTENTIEUX)
    assert shown() == ["contentieux-2026-12-10.pdf"]
    proxy.set_filters(period="2026")
    assert proxy.rowCount() == 5
    proxy.set_filters(search="transmission n° 4")
    assert proxy.rowCount() == 3
    proxy.set_filters()
    proxy.sort(acols.COL_DATE, Qt.SortOrder.DescendingOrder)
    assert shown()[0] == "retour-gc-AG1-2026-12-10-2.csv"
    proxy.sort(acols.COL_REFERENCE, Qt.SortOrder.AscendingOrder)
    assert shown()[0] == "BT-1-3-a-resilier.xlsx" and shown()[-1].startswith("retour-gc")
    qtmodeltester.check(proxy)


@pytest.fixture
def every_register_db(terminated_db: Database, tmp_path: Path) -> Database:
    """Two terminations handed off (hand-off n° 1), reprinted, then the return file
    for the gestion clientèle."""
    db = terminated_db
    run_handoff(db.uow(), ACTOR, None, today_=HANDOFF_DAY)
    reprint_handoff(db.uow(), ACTOR, 1, None)
    export_return_file(db.uow(), ACTOR, tmp_path / "retour", today_=HANDOFF_DAY)
    return db


def test_hand_offs_and_return_files_are_in_the_classeur(
    qtbot: QtBot, make_window: WindowFactory, every_register_db: Database, tmp_path: Path
) -> None:
    """#16: one register — the hand-off lists (copies marked) and the return file, with
    their type, reference, size and SHA-256; filtered by type and period; a copy of
    the return file saved through the real dialog is the same bytes, and checked."""
    db = every_register_db
    page = open_archive(qtbot, make_window, db)
    view = page.view
    assert view.stack.currentWidget() is view.table
    assert page.proxy.rowCount() == 9
    assert view.status_label.text() == (
        "8 fichiers transmis pour l'apurement et le contentieux (1 transmission), dont 4 "
        "réimpressions ; 1 fichier retour pour la gestion clientèle."
    )
    assert set(rows(page, acols.COL_KIND)) == {"Apurement", "Contentieux", "Retour GC"}
    assert set(rows(page, acols.COL_BORDEREAU)) == {"—"}
    assert set(rows(page, acols.COL_REFERENCE)) == {"Transmission n° 1", "Fichier n° 1 de 2026"}
    assert rows(page, acols.COL_COPY).count("Oui") == 4

    # filters: by type, then by period (the months present in the register)
    combo = view.kind_combo
    assert [combo.itemText(i).strip() for i in range(combo.count())] == [
        "Tous les fichiers",
        "Listes de sélection",
        "À relancer",
        "À résilier",
        "Contrôle",
        "Apurement",
        "Contentieux",
        "Fichier retour GC",
    ]
    combo.setCurrentIndex(combo.findData(ArchiveSource.CONTENTIEUX.value))
    assert set(rows(page, acols.COL_KIND)) == {"Contentieux"} and page.proxy.rowCount() == 4
    assert view.shown_label.text() == "4 entrées affichées sur 9"
    combo.setCurrentIndex(combo.findData(ArchiveSource.LISTS.value))
    assert page.proxy.rowCount() == 0
    combo.setCurrentIndex(combo.findData(ArchiveSource.GC_RETURN.value))
    assert page.proxy.rowCount() == 1
    periods = view.period_combo
    month = acols.period_of(page.model.entries[0])
    assert periods.itemData(1) == month[:4] and periods.itemData(2) == month
    periods.setCurrentIndex(2)
    assert page.proxy.rowCount() == 1
    combo.setCurrentIndex(0)
    assert page.proxy.rowCount() == 9

    # the return file: size and SHA-256 as kept, a copy through the real dialog
    gc = next(e for e in page.model.entries if e.source is ArchiveSource.GC_RETURN)
    _name, content = archived_content(db.uow(), gc.entry_id, gc.source)
    assert (gc.size, gc.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    choose(qtbot, page, gc.file_name)
    target = tmp_path / "copies" / gc.file_name
    target.parent.mkdir()
    with qtbot.waitSignal(page.copy_saved, timeout=10_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        proposed = choose_in_file_dialog(qtbot, view.window(), target)
    assert proposed.title == "Enregistrer une copie du fichier retour"
    assert proposed.filters == ["Fichier CSV (*.csv)"]
    assert target.read_bytes() == content
    with qtbot.waitSignal(page.copy_checked, timeout=10_000) as checked:
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
        choose_in_file_dialog(qtbot, view.window(), target)
    assert checked.args == [gc.entry_id, str(target), True]
    assert "Copie conforme." in view.check_banner.text()

    # a reprinted contentieux list: a tampered copy is refused
    copy = next(
        e for e in page.model.entries if e.source is ArchiveSource.CONTENTIEUX and e.is_copy
    )
    choose(qtbot, page, copy.file_name, copy=True)
    _name, archived = archived_content(db.uow(), copy.entry_id, copy.source)
    changed = tmp_path / "copies" / copy.file_name
    changed.write_bytes(archived + b"\0")
    with qtbot.waitSignal(page.copy_checked, timeout=10_000) as checked:
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
        choose_in_file_dialog(qtbot, view.window(), changed)
    assert checked.args[2] is False
    assert "Attention : copie modifiée." in view.check_banner.text()
    row = page.proxy.mapFromSource(page.model.index(page.model.row_of(copy), 0)).row()
    assert page.proxy.index(row, acols.COL_CHECK).data() == "Modifiée !"
    # the other files' checks are their own
    gc_row = page.proxy.mapFromSource(page.model.index(page.model.row_of(gc), 0)).row()
    assert page.proxy.index(gc_row, acols.COL_CHECK).data() == "Conforme"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert view.window().grab().save(str(SCREENSHOTS / "classeur-tous-registres.png"), "PNG")
