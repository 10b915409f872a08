"""The chef's review on the Sélection page, driven with the keyboard and the mouse:
exclude (with a reason) and restore lines, a DG derogation by the Direction, the
validation with its confirmation, the lists produced; the database checked after."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models import bordereaux as bcols
from sbee_desk.gui.models import candidates as cols
from sbee_desk.gui.pages.selection import lines as selection_module
from sbee_desk.gui.pages.selection.page import SelectionPage
from sbee_desk.gui.pages.selection.state import EXCLUDED_FILTER
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.classeur import archived_content
from sbee_desk.services.importing import import_export
from sbee_desk.services.review import ReviewError, exclude_lines
from sbee_desk.services.selection import candidate_lines, run_selection
from tests.gui.conftest import ACTOR, ErrorRecorder, WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.known_case import BT, MT, write_known_export

DG = Actor("dg", frozenset({Role.DIRECTION}), "Gérard Adjovi")


@pytest.fixture
def known_db(signed_db: Database, tmp_path: Path) -> Iterator[Database]:
    """The known case (P001 à résilier, P002 à relancer, P003 exempté on BT; P005 on MT)."""
    import_export(signed_db.uow(), ACTOR, write_known_export(tmp_path / "export", dt.date.today()))
    yield signed_db


def open_page(
    qtbot: QtBot, make_window: WindowFactory, db: Database, actor: Actor = ACTOR
) -> SelectionPage:
    window = make_window(db, actor)
    page = window.selection_page
    qtbot.waitUntil(lambda: bool(page.agencies))
    return page


def run_today(qtbot: QtBot, page: SelectionPage) -> None:
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        qtbot.mouseClick(page.view.run_button, Qt.MouseButton.LeftButton)


def shown(page: SelectionPage, column: int = cols.COL_POLICE) -> list[str]:
    proxy = page.line_proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def cell(page: SelectionPage, police: str, column: int) -> str:
    return page.line_proxy.index(shown(page).index(police), column).data()


def click_line(
    qtbot: QtBot,
    page: SelectionPage,
    police: str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    table = page.view.lines_table
    index = page.line_proxy.index(shown(page).index(police), cols.COL_CUSTOMER)
    table.scrollTo(index)
    point = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def selected(page: SelectionPage) -> list[str]:
    return [line.police for line in page.selected_lines()]


def type_text(widget: QWidget, value: str) -> None:
    """Type like a user, accents included (qtbot.keyClicks aborts on non-ASCII here)."""
    for ch in value:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def db_lines(
    db: Database, run_id: int = 1, code: str = BT
) -> dict[str, tuple[Decision, str | None]]:
    return {
        line.police: (line.decision, line.excluded_reason)
        for line in candidate_lines(db.uow(), run_id, code)
    }


def count(db: Database, sql: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


# --------------------------------------------------------------------------- exclusion


def test_exclude_several_lines_with_a_reason_then_restore_one(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    view = page.view
    assert shown(page) == ["P001", "P002", "P003"]
    assert not view.exclude_action.isEnabled()  # nothing selected yet

    # select two lines with the mouse (Ctrl+click), then Suppr
    click_line(qtbot, page, "P001")
    click_line(qtbot, page, "P002", Qt.KeyboardModifier.ControlModifier)
    assert selected(page) == ["P001", "P002"]
    assert view.exclude_action.isEnabled() and not view.restore_action.isEnabled()
    view.lines_table.setFocus()
    qtbot.keyClick(view.lines_table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.exclusion_dialog is not None and page.exclusion_dialog.isVisible())
    dialog = page.exclusion_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Exclure 2 lignes"
    assert "P001 (AHOUNOU Cocou)" in dialog.lines_label.text()
    assert not dialog.ok_button.isEnabled()
    assert not dialog.problem_label.isVisible()  # no error before the user has chosen
    # the administrator's list, sorted by label; « Autre motif » needs a free text
    labels = [dialog.reason_combo.itemText(i) for i in range(1, dialog.reason_combo.count())]
    assert labels == [
        "Adresse à vérifier",
        "Autre motif (préciser)",
        "Erreur de facturation",
        "Litige en cours",
        "Promesse de paiement",
    ]
    dialog.reason_combo.setFocus()
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Down)
    assert dialog.reason_code == "AUTRE"
    assert not dialog.ok_button.isEnabled()
    assert "précisez" in dialog.problem_label.text()
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Tab)
    assert dialog.note_edit.hasFocus()
    type_text(dialog.note_edit, "Client décédé, succession en cours")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.review_changed, timeout=10_000):
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)

    # shown excluded: words in the motif column, struck through, greyed
    expected = "Autre motif (préciser) — Client décédé, succession en cours"
    for police in ("P001", "P002"):
        assert cell(page, police, cols.COL_REASON) == f"Exclue : {expected}"
        row = shown(page).index(police)
        font = page.line_proxy.index(row, cols.COL_POLICE).data(Qt.ItemDataRole.FontRole)
        assert isinstance(font, QFont) and font.strikeOut()
    assert cell(page, "P001", cols.COL_DECISION) == "Exclue (À résilier)"
    assert not cell(page, "P003", cols.COL_REASON).startswith("Exclue")
    # the database says the same, word for word
    lines = db_lines(known_db)
    assert lines["P001"][1] == expected and lines["P002"][1] == expected
    assert lines["P003"][1] is None
    assert selected(page) == ["P001", "P002"]  # the selection stays
    assert view.restore_action.isEnabled()
    assert "Ligne exclue" in view.detail_label.text()
    window = view.window()
    assert isinstance(window, MainWindow)
    status = window.statusBar()
    assert status.currentMessage().startswith("2 lignes exclues du bordereau "), (
        status.currentMessage()
    )

    # the filter shows the excluded lines, with their number
    combo = view.decision_combo
    index = combo.findData(EXCLUDED_FILTER)
    assert combo.itemText(index) == "Lignes exclues (2)"
    combo.setCurrentIndex(index)
    assert shown(page) == ["P001", "P002"]

    # restore P002 with the button
    click_line(qtbot, page, "P002")
    assert selected(page) == ["P002"]
    with qtbot.waitSignal(page.review_changed, timeout=10_000):
        qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    assert shown(page) == ["P001"]
    assert combo.itemText(index) == "Lignes exclues (1)"
    assert status.currentMessage().startswith("1 ligne réintégrée au bordereau ")
    assert db_lines(known_db)["P002"][1] is None
    combo.setCurrentIndex(0)
    assert cell(page, "P002", cols.COL_REASON).startswith("2 factures impayées")


def test_the_exclusion_dialog_can_be_cancelled(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    click_line(qtbot, page, "P001")
    page.view.exclude_action.trigger()
    qtbot.waitUntil(lambda: page.exclusion_dialog is not None and page.exclusion_dialog.isVisible())
    dialog = page.exclusion_dialog
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.exclusion_dialog is None)
    assert db_lines(known_db)["P001"][1] is None


# --------------------------------------------------------------------------- derogation


def test_a_direction_user_records_a_derogation_and_the_line_follows_the_rules(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    run_selection(known_db.uow(), ACTOR, dt.date.today())
    page = open_page(qtbot, make_window, known_db, DG)
    qtbot.waitUntil(lambda: page.lines_complete and page.current_bordereau == BT)
    view = page.view
    # the Direction may not exclude nor validate
    click_line(qtbot, page, "P003")
    assert not view.exclude_action.isEnabled()
    assert "chef section" in view.exclude_action.toolTip()
    assert not view.validate_button.isEnabled()
    assert view.derogation_action.isEnabled()
    # only an exempt line gets a derogation
    click_line(qtbot, page, "P001")
    assert not view.derogation_action.isEnabled()
    click_line(qtbot, page, "P003")

    qtbot.mouseClick(view.derogation_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.derogation_dialog is not None and page.derogation_dialog.isVisible()
    )
    dialog = page.derogation_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Dérogation DG — police P003"
    assert not dialog.ok_button.isEnabled()  # the reference is mandatory
    assert dialog.focusWidget() is dialog.reference_edit
    qtbot.keyClicks(dialog.reference_edit, "DG/2026/0142")
    qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Tab)  # → date of the decision
    # an end before the decision is refused in the dialog already
    dialog.until_check.setChecked(True)
    dialog.until_edit.setDate(dialog.decided_edit.date().addDays(-1))
    assert not dialog.ok_button.isEnabled()
    assert "précède" in dialog.problem_label.text()
    dialog.until_check.setChecked(False)
    dialog.document_edit.setText("Courrier scanné n° 77")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.review_changed, timeout=20_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    # the line was recomputed: à résilier now, with the derogation in its motif
    assert cell(page, "P003", cols.COL_DECISION) == "À résilier"
    assert "dérogation DG réf. DG/2026/0142" in cell(page, "P003", cols.COL_REASON)
    assert selected(page) == ["P003"]  # the view is kept across the reload
    assert db_lines(known_db)["P003"][0] is Decision.RESILIATION
    bt = page.bordereau_model.rows[page.bordereau_model.row_of(BT)]
    assert bt.counts.get(Decision.RESILIATION) == 2 and not bt.counts.get(Decision.EXEMPTE)
    with known_db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT reference, document_reference, recorded_by FROM derogation")
        ).one()
    assert tuple(row) == ("DG/2026/0142", "Courrier scanné n° 77", "dg")


def test_without_the_direction_role_the_derogation_is_disabled_and_refused(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database, shown_errors: ErrorRecorder
) -> None:
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    click_line(qtbot, page, "P003")
    action = page.view.derogation_action
    assert not action.isEnabled() and not page.view.derogation_button.isEnabled()
    assert "Direction Générale" in action.toolTip()
    # forced past the disabled button: the service refuses, in the one error dialog
    shown_errors.expect()
    dialog = page.ask_derogation(page.selected_lines()[0])
    assert dialog is not None
    dialog.reference_edit.setText("DG/2026/9999")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=10_000)
    error, action_title = shown_errors.shown[0]
    assert isinstance(error, PermissionDenied)
    assert action_title == "Enregistrement de la dérogation DG"
    assert "enregistrer une dérogation DG" in str(error)
    assert count(known_db, "SELECT count(*) FROM derogation") == 0
    assert db_lines(known_db)["P003"][0] is Decision.EXEMPTE


# --------------------------------------------------------------------------- validation


def validate_through_the_dialog(qtbot: QtBot, page: SelectionPage) -> None:
    qtbot.mouseClick(page.view.validate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.validation_box is not None and page.validation_box.isVisible())
    box = page.validation_box
    assert box is not None
    with qtbot.waitSignal(page.bordereau_validated, timeout=20_000):
        qtbot.mouseClick(box.validate_button, Qt.MouseButton.LeftButton)


def test_validate_the_bordereau_after_the_confirmation(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    view = page.view
    exclude_lines(known_db.uow(), ACTOR, 1, ["P002"], "LITIGE", "Réclamation n° 12")
    with qtbot.waitSignal(page.lines_loaded):
        page.select_bordereau(BT)
    assert cell(page, "P002", cols.COL_REASON) == "Exclue : Litige en cours — Réclamation n° 12"

    # a double-click never validates
    table = view.bordereau_table
    point = table.visualRect(page.bordereau_proxy.index(0, 0)).center()
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert page.validation_box is None

    # the confirmation names the counts; Annuler is the default: Entrée cancels
    assert view.validate_button.isEnabled()
    qtbot.mouseClick(view.validate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.validation_box is not None and page.validation_box.isVisible())
    box = page.validation_box
    assert box is not None
    assert box.defaultButton() is box.cancel_button
    assert box.escapeButton() is box.cancel_button
    assert box.text() == "<b>Valider le bordereau BT-TEST-01 (3 lignes) ?</b>"
    assert box.informativeText().startswith(
        "1 ordre de dépose sera créé ; 1 ligne exclue ; 1 exemptée. Cette action est définitive."
    )
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.validation_box is None)
    assert count(known_db, "SELECT count(*) FROM bordereau_validation") == 0

    # confirmed this time
    validate_through_the_dialog(qtbot, page)
    with known_db.engine.connect() as conn:
        orders = conn.execute(text("SELECT police, kind, bordereau_code FROM work_order")).all()
        letters = conn.execute(text("SELECT count(*) FROM reminder_letter")).scalar_one()
        validated = conn.execute(
            text("SELECT bordereau_code, validated_by, letters, orders FROM bordereau_validation")
        ).all()
    assert [tuple(o) for o in orders] == [("P001", "DEPOSE", BT)]
    assert letters == 0  # P002 was excluded
    assert [tuple(v) for v in validated] == [(BT, "chef", 0, 1)]

    # the result, then the bordereau read-only with who validated and when
    result = page.result_box
    assert result is not None and result.isVisible()
    assert result.text().startswith(
        "Bordereau BT-TEST-01 validé : 1 ordre créé ; 1 ligne exclue ; 1 exemptée."
    )
    result.accept()
    banner = view.validated_banner
    assert banner.isVisible() and banner.kind == "success"
    assert "Validé par Rodrigue Tossou le " in banner.text()
    assert dt.date.today().strftime("%d/%m/%Y") in banner.text()
    for widget in (view.exclude_action, view.restore_action, view.validate_button):
        assert not widget.isEnabled()
    assert "figée" in view.validate_button.toolTip()
    row = page.bordereau_model.row_of(BT)
    assert page.bordereau_model.index(row, bcols.COL_STATUS).data() == "Validé"
    assert page.bordereau_model.index(page.bordereau_model.row_of(MT), bcols.COL_STATUS).data() == (
        "À valider"
    )
    # the review is frozen in the service too
    with pytest.raises(ReviewError, match="figée"):
        exclude_lines(known_db.uow(), ACTOR, 1, ["P001"], "LITIGE")
    # the other bordereau is still open
    with qtbot.waitSignal(page.lines_loaded):
        page.select_bordereau(MT)
    assert not banner.isVisible() and view.validate_button.isEnabled()


def test_lines_dropped_by_R7_are_named_in_the_result(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    with known_db.engine.begin() as conn:  # P001 restored after the run
        conn.execute(
            text("UPDATE suspension SET restored_on = :d WHERE police = 'P001'"),
            {"d": dt.date.today()},
        )
    validate_through_the_dialog(qtbot, page)
    result = page.result_box
    assert result is not None
    assert "1 ligne écartée (contrat rétabli ou factures réglées" in result.text()
    assert "polices P001." in result.text()
    assert count(known_db, "SELECT count(*) FROM work_order") == 0


def test_a_service_refusal_reaches_the_error_dialog(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database, shown_errors: ErrorRecorder
) -> None:
    """Validated from another workstation meanwhile: the service says so in French."""
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    from sbee_desk.services.review import validate_bordereau

    validate_bordereau(known_db.uow(), Actor("nuit"), 1, BT)
    shown_errors.expect()
    qtbot.mouseClick(page.view.validate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.validation_box is not None and page.validation_box.isVisible())
    box = page.validation_box
    assert box is not None
    qtbot.mouseClick(box.validate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=10_000)
    error, _action = shown_errors.shown[0]
    assert isinstance(error, ReviewError)
    assert "sa revue est figée" in str(error)
    qtbot.waitUntil(lambda: not page.review_busy)
    # the page now shows who validated it
    qtbot.waitUntil(lambda: page.view.validated_banner.isVisible())
    assert "Validé par Édition de nuit le" in page.view.validated_banner.text()
    assert not page.view.validate_button.isEnabled()
    for box_widget in QApplication.topLevelWidgets():
        if box_widget.objectName() == "errorBox":
            box_widget.close()


# --------------------------------------------------------------------------- lists


def test_produce_the_lists_and_save_copies(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database, tmp_path: Path
) -> None:
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    assert not page.view.produce_button.isEnabled()  # not validated yet
    assert "Validez d'abord" in page.view.produce_button.toolTip()
    validate_through_the_dialog(qtbot, page)
    assert page.result_box is not None
    page.result_box.accept()
    assert page.view.produce_button.isEnabled()

    with qtbot.waitSignal(page.lists_produced, timeout=30_000) as produced:
        qtbot.mouseClick(page.view.produce_button, Qt.MouseButton.LeftButton)
    files = produced.args[0]
    assert len(files) == 6
    dialog = page.lists_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 6
    names = {dialog.table.model().index(r, 2).data() for r in range(6)}
    assert f"{BT}-1-a-resilier.pdf" in names and f"{BT}-1-controle.xlsx" in names
    assert count(known_db, "SELECT count(*) FROM archive_entry") == 6

    # « Enregistrer sous… »: a folder chosen in the real dialog, over the lists' dialog
    folder = tmp_path / "copies"
    folder.mkdir()
    with qtbot.waitSignal(page.copies_saved, timeout=20_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        proposed = choose_in_file_dialog(qtbot, dialog, folder)
    assert proposed.name == "directoryDialog"
    assert proposed.title == "Enregistrer les copies des listes dans…"
    assert saved.args == [str(folder)]
    assert page.ctx.settings.text("lists/folder") == str(folder)
    assert "6 copies enregistrées" in dialog.saved_label.text()
    for f in files:
        _name, content = archived_content(known_db.uow(), f.entry_id)
        assert (folder / f.file_name).read_bytes() == content
    # the banner says the lists exist and leads to the classeur
    assert "Listes produites le" in page.view.validated_banner.text()
    window = page.parent()
    assert isinstance(window, MainWindow)
    qtbot.mouseClick(dialog.classeur_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.archive_page


# --------------------------------------------------------------------------- loading


def test_a_large_bordereau_shows_its_first_lines_then_all_keeping_the_selection(
    qtbot: QtBot,
    make_window: WindowFactory,
    known_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first page at once; the whole list swapped in later, the selection kept.
    (A first page of 2 lines stands for the 500 of a 50 000-line bordereau.)"""
    run_selection(known_db.uow(), ACTOR, dt.date.today())
    monkeypatch.setattr(selection_module, "FIRST_PAGE", 2)
    release = threading.Event()
    real = candidate_lines

    def slow_full_list(uow, run_id, code=None, *, offset=0, limit=None):
        if limit is None:
            release.wait(20)
        return real(uow, run_id, code, offset=offset, limit=limit)

    monkeypatch.setattr(selection_module, "candidate_lines", slow_full_list)
    window = make_window(known_db)
    page = window.selection_page
    qtbot.waitUntil(lambda: page.current_bordereau == BT and page.line_model.total_count == 2)
    view = page.view
    assert not page.lines_complete
    assert shown(page) == ["P001", "P002"]
    assert view.shown_label.text() == "2 lignes affichées sur 3 — chargement des lignes…"
    assert not view.validate_button.isEnabled()  # the counts need every line
    assert "chargement" in view.validate_button.toolTip()
    click_line(qtbot, page, "P002")
    view.lines_table.sortByColumn(cols.COL_POLICE, Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        release.set()
    assert page.lines_complete
    assert shown(page) == ["P003", "P002", "P001"]  # the sort acts on the whole list
    assert selected(page) == ["P002"]
    assert page.line_proxy.mapToSource(view.lines_table.currentIndex()).row() == 1
    assert view.shown_label.text() == "3 lignes"
    assert view.validate_button.isEnabled()


def test_view_state_keeps_the_top_line(
    qtbot: QtBot, make_window: WindowFactory, known_db: Database
) -> None:
    page = open_page(qtbot, make_window, known_db)
    run_today(qtbot, page)
    state = page.view_state()
    assert state.top == "P001"
    table = page.view.lines_table
    assert table.indexAt(QPoint(1, 1)).row() == 0


def test_the_lists_dialog_says_which_lists_had_no_line(qtbot: QtBot) -> None:
    """#10: « Aucun client à relancer » rather than an empty page archived."""
    from sbee_desk.domain.enums import ListKind
    from sbee_desk.gui.dialogs.validation_dialogs import ListsProducedDialog
    from sbee_desk.services.lists import ArchivedList, EmptyList, ProducedLists

    when = dt.datetime(2026, 11, 28, 10, 15, tzinfo=dt.UTC)
    files = tuple(
        ArchivedList(
            n,
            ListKind.A_RESILIER,
            fmt,
            1,
            BT,
            f"{BT}-1-a-resilier.{fmt}",
            "0" * 64,
            100,
            3,
            False,
            when,
        )
        for n, fmt in ((1, "xlsx"), (2, "pdf"))
    )
    produced = ProducedLists(
        files, (EmptyList(3, ListKind.A_RELANCER, False), EmptyList(4, ListKind.CONTROLE, False))
    )
    dialog = ListsProducedDialog(BT, produced)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 2
    assert dialog.empty_label.isVisible()
    text = dialog.empty_label.text()
    assert "Aucun client à relancer : aucun fichier produit (noté au classeur)" in text
    assert "Aucune ligne de contrôle" in text
