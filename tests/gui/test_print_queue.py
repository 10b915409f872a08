"""The « Édition et impression » page (issue #6, part 3): the edition run from the
page, the documents of the batch, the preview, printing to a PDF file (marks
printed), a reprint needing a reason, the hand-over, cancelled documents crossed
out and excluded (qtmodeltester on its model)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from sbee_desk.db.database import Database
from sbee_desk.db.models import EditionDocument, StaffMember, Suspension
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.dialogs.print_dialogs import HandoverDialog, ReprintReasonDialog
from sbee_desk.gui.models import print_queue as pcols
from sbee_desk.gui.models.print_queue import PrintQueueModel, PrintQueueProxy
from sbee_desk.gui.pages.print_queue_page import PrintQueuePage
from sbee_desk.services.actor import Actor
from sbee_desk.services.edition import DocumentKind, DocumentRow, DocumentStatus, list_documents
from sbee_desk.services.importing import import_export
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import run_selection
from tests.gui.conftest import ACTOR, ErrorRecorder, WindowFactory
from tests.gui.known_case import BT, MT, write_known_export
from tests.gui.test_screenshots import SCREENSHOTS

D = TypeVar("D", bound=QDialog)

#: screenshots/tmp/ unless `bash scripts/screenshots` (test_screenshots.py)
SCREENSHOT = SCREENSHOTS / "28-file-impression.png"


@pytest.fixture
def validated_db(signed_db: Database, tmp_path: Path) -> Iterator[Database]:
    """The known case validated (two letters, one order) and a staff register."""
    import_export(signed_db.uow(), ACTOR, write_known_export(tmp_path / "export", dt.date.today()))
    run = run_selection(signed_db.uow(), ACTOR, dt.date.today()).run_id
    for code in (BT, MT):
        validate_bordereau(signed_db.uow(), ACTOR, run, code)
    with signed_db.uow() as uow:
        for matricule, name, role in (
            ("R01", "Codjo Hounsa", "RELEVEUR"),
            ("N01", "Sèna Agbodjan", "AGENT_RPNT"),
        ):
            uow.session.add(StaffMember(matricule=matricule, name=name, role=role, active=True))
        uow.commit()
    yield signed_db


class FilePrinter:
    """Printer factory of the tests: every job goes to a new PDF file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []

    def __call__(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        path = self.folder / f"job-{len(self.files) + 1}.pdf"
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        self.files.append(path)
        return printer


def has_ink(image: QImage) -> bool:
    """The preview shows a rendered page: some dark pixels (text), not a blank sheet."""
    return any(
        image.pixelColor(x, y).lightness() < 90
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
    )


def pages(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def open_queue(
    qtbot: QtBot, make_window: WindowFactory, db: Database, tmp_path: Path
) -> tuple[PrintQueuePage, FilePrinter]:
    window = make_window(db)
    page = window.print_queue_page
    with qtbot.waitSignal(page.batches_loaded, timeout=20_000):
        window.go_to("edition")
    assert window.current_page() is page
    printer = FilePrinter(tmp_path)
    page.printer_factory = printer
    return page, printer


def open_dialog(qtbot: QtBot, page: PrintQueuePage, kind: type[D]) -> D:
    """The real dialog the page opened (window-modal, shown), once it is there."""

    def shown() -> D | None:
        found = [d for d in page.view.window().findChildren(kind) if d.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: shown() is not None, timeout=20_000)
    dialog = shown()
    assert dialog is not None and dialog.isModal()
    return dialog


def click(dialog: QDialog, button: QDialogButtonBox.StandardButton) -> None:
    """Click one of the dialog's own buttons, as the user does."""
    boxes = [b for b in dialog.findChildren(QDialogButtonBox) if b.button(button) is not None]
    assert boxes, f"no {button} button in {dialog}"
    boxes[0].button(button).click()


def answer_print_dialog(
    qtbot: QtBot, page: PrintQueuePage, printer: FilePrinter, *, accept: bool = True
) -> None:
    """Answer the real QPrintDialog: it shows the print-to-file printer the page got."""
    dialog = open_dialog(qtbot, page, QPrintDialog)
    assert dialog.windowTitle() == "Imprimer"
    assert dialog.printer().outputFileName() == str(printer.files[-1])
    assert not dialog.testOption(QPrintDialog.PrintDialogOption.PrintPageRange)
    click(
        dialog,
        QDialogButtonBox.StandardButton.Ok if accept else QDialogButtonBox.StandardButton.Cancel,
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())


def print_from(
    qtbot: QtBot, page: PrintQueuePage, printer: FilePrinter, button: QPushButton
) -> list[int]:
    """Click a print action, accept the real print dialog; the ids recorded printed."""
    with qtbot.waitSignal(page.printed, timeout=30_000) as blocker:
        button.click()
        answer_print_dialog(qtbot, page, printer)
    ids: list[int] = blocker.args[0]
    return ids


def run_from_page(qtbot: QtBot, page: PrintQueuePage) -> None:
    assert page.view.run_button.isEnabled()
    with qtbot.waitSignal(page.edition_finished, timeout=60_000) as blocker:
        page.view.run_button.click()
    result = blocker.args[0]
    assert result.produced == 3 and not result.interrupted
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=20_000)


def row_of(page: PrintQueuePage, kind: DocumentKind) -> int:
    return next(i for i, r in enumerate(page.model.rows) if r.kind == kind)


def texts(page: PrintQueuePage, column: int) -> list[str]:
    return [page.proxy.index(r, column).data() for r in range(page.proxy.rowCount())]


def test_the_model_passes_the_model_tester(qtmodeltester, validated_db: Database) -> None:
    from sbee_desk.services.edition import run_edition

    batch = run_edition(validated_db.uow(), ACTOR, workers=0).batch_id
    assert batch is not None
    model = PrintQueueModel()
    model.set_rows(list_documents(validated_db.uow(), batch))
    qtmodeltester.check(model)
    proxy = PrintQueueProxy()
    proxy.setSourceModel(model)
    proxy.set_filters(DocumentKind.LETTER, None, "")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 2


@pytest.mark.screenshots
def test_edition_preview_print_reprint_hand_over_and_cancelled(
    qtbot: QtBot, make_window: WindowFactory, validated_db: Database, tmp_path: Path
) -> None:
    page, printer = open_queue(qtbot, make_window, validated_db, tmp_path)
    view = page.view
    assert "Aucune édition" in view.empty_state.text()
    run_from_page(qtbot, page)
    assert view.batch_list.count() == 1
    assert "Édition du" in view.batch_list.item(0).text()
    assert sorted(texts(page, pcols.COL_KIND)) == ["Dépose", "Lettre", "Lettre"]
    tips = [page.proxy.index(r, pcols.COL_KIND).data(Qt.ItemDataRole.ToolTipRole) for r in range(3)]
    assert sorted(tips) == ["Lettre de relance", "Lettre de relance", "Ordre de dépose"]
    assert set(texts(page, pcols.COL_STATUS)) == {"Généré"}
    assert "Mairie de Sèmè-Podji" in texts(page, pcols.COL_CUSTOMER)

    # filters: kind, search
    view.kind_combo.setCurrentIndex(view.kind_combo.findData(DocumentKind.ORDER.value))
    assert page.proxy.rowCount() == 1
    view.kind_combo.setCurrentIndex(0)
    view.search_edit.setText("semè")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    view.search_edit.clear()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3)

    # preview of the order
    order = page.model.row(row_of(page, DocumentKind.ORDER))
    with qtbot.waitSignal(page.preview_loaded, timeout=20_000):
        page.select_document(order.id)
    assert page.pdf_document.status() == QPdfDocument.Status.Ready
    assert page.pdf_document.pageCount() >= 1

    # print the selected order through the real print dialog, to a PDF file: marked printed
    assert print_from(qtbot, page, printer, view.print_button) == [order.id]
    assert printer.files[-1].exists() and pages(printer.files[-1]) == order.pages
    qtbot.waitUntil(
        lambda: page.model.row(page.model.row_of(order.id)).status == DocumentStatus.IMPRIME
    )

    # the print dialog cancelled: nothing printed, the documents stay « Généré »
    letters = [r for r in page.model.rows if r.kind == DocumentKind.LETTER]
    page.select_document(letters[0].id)
    with qtbot.waitSignal(page.message, timeout=20_000) as told:
        view.print_button.click()
        answer_print_dialog(qtbot, page, printer, accept=False)
    assert told.args[0] == "Impression annulée : les documents restent « Généré »."
    qtbot.waitUntil(lambda: not page.ctx.tasks.busy)
    assert not printer.files[-1].exists()
    assert all(
        d.status == DocumentStatus.GENERE and d.print_count == 0
        for d in list_documents(validated_db.uow(), order.batch_id)
        if d.kind == DocumentKind.LETTER
    )

    # reprint: the real reason dialog; cancelled → nothing printed, no print dialog
    page.select_document(order.id)
    files = len(printer.files)
    view.print_button.click()
    dialog = open_dialog(qtbot, page, ReprintReasonDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # « Réimprimer » only once a reason is typed
    with qtbot.waitSignal(page.message, timeout=20_000) as told:
        click(dialog, QDialogButtonBox.StandardButton.Cancel)
    assert told.args[0] == "Réimpression annulée : rien n'a été imprimé."
    assert len(printer.files) == files
    assert page.model.row(page.model.row_of(order.id)).print_count == 1
    # with a reason: then the print dialog, then recorded as a second print
    view.print_button.click()
    dialog = open_dialog(qtbot, page, ReprintReasonDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.reason_edit.setText("Bourrage papier")
    assert ok.isEnabled()
    with qtbot.waitSignal(page.printed, timeout=30_000):
        ok.click()
        answer_print_dialog(qtbot, page, printer)
    qtbot.waitUntil(lambda: page.model.row(page.model.row_of(order.id)).print_count == 2)
    assert page.model.data(page.model.index(page.model.row_of(order.id), pcols.COL_STATUS)) == (
        "Imprimé (2 fois)"
    )

    # hand the order over to the section RPNT, through the real dialog
    page.select_document(order.id)
    qtbot.waitUntil(view.handover_button.isEnabled)
    view.handover_button.click()
    handover = open_dialog(qtbot, page, HandoverDialog)
    combo = handover.staff_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Sèna Agbodjan (N01)"]
    with qtbot.waitSignal(page.handed_over, timeout=20_000):
        click(handover, QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(
        lambda: (
            page.model.data(page.model.index(page.model.row_of(order.id), pcols.COL_STATUS))
            == "Remis à Sèna Agbodjan"
        )
    )

    # a letter cancelled since the edition (payment): crossed out, excluded
    cancelled = letters[1]
    with validated_db.uow() as uow:
        uow.session.execute(
            update(EditionDocument)
            .where(EditionDocument.id == cancelled.id)
            .values(cancelled=True, cancelled_on=dt.date.today(), cancel_reason="paiement reçu")
        )
        uow.commit()
    with qtbot.waitSignal(page.documents_loaded, timeout=20_000):
        page.refresh()
    row = page.model.row_of(cancelled.id)
    index = page.model.index(row, pcols.COL_STATUS)
    assert index.data() == "Annulé : paiement reçu"
    assert page.model.data(index, Qt.ItemDataRole.FontRole).strikeOut()
    page.select_document(cancelled.id)
    assert not view.print_button.isEnabled()
    # the releveur's file: only the letter still due is printed
    assert print_from(qtbot, page, printer, view.print_releveur_button) == [letters[0].id]
    assert pages(printer.files[-1]) == letters[0].pages
    view.status_combo.setCurrentIndex(view.status_combo.findData(pcols.CANCELLED))
    assert page.proxy.rowCount() == 1
    view.status_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)

    expected = (
        "3 documents : 0 généré, 1 imprimé, 1 remis ; 1 annulé depuis l'édition, "
        "exclus de l'impression."
    )
    qtbot.waitUntil(lambda: view.status_label.text() == expected, timeout=20_000)

    # screenshot of the queue, the order previewed
    with qtbot.waitSignal(page.preview_loaded, timeout=20_000):
        page.select_document(order.id)
    window = view.window()
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: not page.ctx.tasks.busy)
    # QPdfView renders in its own threads: slow on a loaded machine
    qtbot.waitUntil(lambda: has_ink(view.preview.viewport().grab().toImage()), timeout=60_000)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    pixmap = window.grab()
    image: QImage = pixmap.toImage()
    assert image.width() == 1366 and image.height() == 768
    assert pixmap.save(str(SCREENSHOT), "PNG")


def test_only_the_edition_role_may_run_print_or_hand_over(
    qtbot: QtBot, make_window: WindowFactory, validated_db: Database
) -> None:
    agent = Actor("agent", frozenset({Role.AGENT_CONTROLE}), "Afiavi Houngbédji")
    window = make_window(validated_db, agent)
    page = window.print_queue_page
    with qtbot.waitSignal(page.batches_loaded, timeout=20_000):
        window.go_to("edition")
    view = page.view
    for button in (
        view.run_button,
        view.print_button,
        view.print_releveur_button,
        view.print_rpnt_button,
        view.handover_button,
    ):
        assert not button.isEnabled()
    assert view.run_button.toolTip() == "Réservé au chef section recouvrement."


# The failure this test provokes: QPainter cannot open the vanished printer's file and
# Qt warns so before the application reports the error in French.
@pytest.mark.qt_log_ignore(r"^QPainter::begin\(\): Returned false$")
def test_a_printer_error_leaves_the_documents_generated(
    qtbot: QtBot,
    make_window: WindowFactory,
    validated_db: Database,
    tmp_path: Path,
    shown_errors: ErrorRecorder,
) -> None:
    page, _printer = open_queue(qtbot, make_window, validated_db, tmp_path)
    run_from_page(qtbot, page)

    # the printer goes away between the dialog and the job (a printer switched off, a
    # share gone): the dialog checked the file, then its folder disappears. The one
    # worker thread is held by the test while the folder is removed, so the job
    # starts only after (no race, no sleep).
    folder = tmp_path / "share"
    folder.mkdir()

    def on_share() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(folder / "job.pdf"))
        return printer

    page.printer_factory = on_share
    shown_errors.expect()
    page.select_document(page.model.rows[0].id)
    page.view.print_button.click()
    dialog = open_dialog(qtbot, page, QPrintDialog)
    qtbot.waitUntil(lambda: page.ctx.tasks.pool.activeThreadCount() == 0)
    page.ctx.tasks.pool.setMaxThreadCount(1)
    release = threading.Event()
    page.ctx.tasks.start(lambda _ctx: release.wait(30), title="test", show_progress=False)
    click(dialog, QDialogButtonBox.StandardButton.Ok)  # the job waits for the thread
    shutil.rmtree(folder)
    release.set()
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=20_000)
    assert "rien n'a été marqué imprimé" in str(shown_errors.shown[0][0])
    qtbot.waitUntil(lambda: not page.ctx.tasks.busy)
    assert {
        d.print_count for d in list_documents(validated_db.uow(), page.model.rows[0].batch_id)
    } == {0}


def test_R7_a_cancelled_order_already_handed_over_reads_to_call_the_agent_back(
    validated_db: Database,
) -> None:
    from dataclasses import replace

    from sbee_desk.services.edition import run_edition

    batch = run_edition(validated_db.uow(), ACTOR, workers=0).batch_id
    assert batch is not None
    rows = list_documents(validated_db.uow(), batch)
    order = next(r for r in rows if r.kind is DocumentKind.ORDER)
    letter = next(r for r in rows if r.kind is DocumentKind.LETTER)
    reason = "Rétablissement du 28/11/2026 (R7)"

    def cancelled(row: DocumentRow, handed: bool = False) -> DocumentRow:
        row = replace(row, cancelled=True, cancel_reason=reason)
        if handed:
            row = replace(row, status=DocumentStatus.REMIS, handed_to_name="Sèna Agbodjan")
        return row

    assert pcols.status_label(cancelled(order, handed=True)) == (
        "Annulé : Rétablissement du 28/11/2026 (R7) — à rappeler (remis à Sèna Agbodjan)"
    )
    assert pcols.status_label(cancelled(order)) == "Annulé : Rétablissement du 28/11/2026 (R7)"
    # a letter handed to the releveur is not in the field as an order is (R7 names orders)
    assert pcols.status_label(cancelled(letter, handed=True)) == (
        "Annulé : Rétablissement du 28/11/2026 (R7)"
    )


def test_R7_before_printing_a_document_cancelled_since_the_edition_is_not_printed(
    qtbot: QtBot,
    make_window: WindowFactory,
    validated_db: Database,
    tmp_path: Path,
    shown_errors: ErrorRecorder,
) -> None:
    """The page checks R7 just before printing, as the CLI does: a letter whose
    customer was restored after the edition is cancelled, never printed."""
    page, printer = open_queue(qtbot, make_window, validated_db, tmp_path)
    run_from_page(qtbot, page)
    letter = page.model.row(row_of(page, DocumentKind.LETTER))
    assert not letter.cancelled
    with validated_db.uow() as uow:  # restored today, after the edition (the table is stale)
        uow.session.execute(
            update(Suspension)
            .where(Suspension.police == letter.police)
            .values(restored_on=dt.date.today())
        )
        uow.commit()
    shown_errors.expect()
    page.select_document(letter.id)
    page.view.print_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=20_000)
    assert "viennent d'être annulés (R7)" in str(shown_errors.shown[0][0])
    qtbot.waitUntil(lambda: not page.ctx.tasks.busy)
    assert not [d for d in page.view.window().findChildren(QPrintDialog) if d.isVisible()]
    assert printer.files == []  # the print dialog was never offered
    (doc,) = [d for d in list_documents(validated_db.uow(), letter.batch_id) if d.id == letter.id]
    assert doc.cancelled and doc.print_count == 0
    assert "rétabli" in page.view.banner.text().lower()


def test_the_queue_fits_1366_and_shows_the_current_document_in_full(
    qtbot: QtBot, make_window: WindowFactory, validated_db: Database, tmp_path: Path
) -> None:
    """At 1366×768 a 10-digit police and an 8-digit number are never cut; the line under
    the table gives the current document in full (police, client, address, quartier)."""
    page, _printer = open_queue(qtbot, make_window, validated_db, tmp_path)
    run_from_page(qtbot, page)
    window = page.view.window()
    window.resize(1366, 768)
    table = page.view.table
    metrics = table.fontMetrics()
    assert table.columnWidth(pcols.COL_POLICE) >= metrics.horizontalAdvance("3100000380") + 12
    assert table.columnWidth(pcols.COL_NUMBER) >= metrics.horizontalAdvance("00000012") + 12
    order = page.model.row(row_of(page, DocumentKind.ORDER))
    with qtbot.waitSignal(page.preview_loaded, timeout=20_000):
        page.select_document(order.id)
    detail = page.view.detail_label.text()
    for part in (order.police, order.customer_name, order.quartier, order.address, order.number):
        assert part and part in detail
    assert "Ordre de dépose" in detail and "Généré" in detail
    # every column but the stretching status shows in the visible width
    visible = table.viewport().width()
    assert table.horizontalHeader().sectionViewportPosition(pcols.COL_STATUS) < visible - 100


def test_the_number_column_sorts_numerically(validated_db: Database) -> None:
    from dataclasses import replace

    from sbee_desk.services.edition import run_edition

    batch = run_edition(validated_db.uow(), ACTOR, workers=0).batch_id
    assert batch is not None
    rows = list_documents(validated_db.uow(), batch)
    letter = next(r for r in rows if r.kind is DocumentKind.LETTER)
    order = next(r for r in rows if r.kind is DocumentKind.ORDER)
    # print order (rank) the reverse of the numbers, to tell the two sorts apart
    mixed = [
        replace(letter, id=1, number="00000010", print_rank=1),
        replace(order, id=2, number="00000009", print_rank=2),
        replace(letter, id=3, number="00000009", print_rank=3),
        replace(letter, id=4, number="00000100", print_rank=0),
    ]
    model = PrintQueueModel()
    model.set_rows(mixed)
    proxy = PrintQueueProxy()
    proxy.setSourceModel(model)
    proxy.sort(pcols.COL_NUMBER)
    shown = [
        (proxy.index(r, pcols.COL_NUMBER).data(), proxy.index(r, pcols.COL_KIND).data())
        for r in range(proxy.rowCount())
    ]
    assert shown == [
        ("00000009", "Lettre"),
        ("00000009", "Dépose"),
        ("00000010", "Lettre"),
        ("00000100", "Lettre"),
    ]


def test_the_page_edits_what_was_validated_after_an_interrupted_edition(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, tmp_path: Path
) -> None:
    """#11: « Lancer l'édition » runs the edition as `sbee-desk edition` does
    (``run_edition_until_done``): it completes yesterday's interrupted batch, then edits
    what was validated since in a new batch, in one click (it stopped after the first)."""
    from sbee_desk.services.edition import BatchStatus, list_batches, run_edition

    today = dt.date.today()  # the page edits at the system's date, as in the agency
    yesterday = today - dt.timedelta(days=1)
    import_export(signed_db.uow(), ACTOR, write_known_export(tmp_path / "export", yesterday))
    run = run_selection(signed_db.uow(), ACTOR, yesterday, today_=yesterday).run_id
    validate_bordereau(signed_db.uow(), ACTOR, run, BT, today_=yesterday)
    stopped = run_edition(
        signed_db.uow(), ACTOR, yesterday, workers=0, cancelled=lambda: True, today_=yesterday
    )
    assert stopped.interrupted and stopped.batch_id is not None
    validate_bordereau(signed_db.uow(), ACTOR, run, MT, today_=today)  # after that edition

    page, _ = open_queue(qtbot, make_window, signed_db, tmp_path)
    with qtbot.waitSignal(page.edition_finished, timeout=60_000) as blocker:
        page.view.run_button.click()
    result = blocker.args[0]
    assert result.batch_id != stopped.batch_id and not result.interrupted
    assert result.edition_on == today
    batches = sorted(list_batches(signed_db.uow()), key=lambda b: b.id)
    assert [(b.edition_on, b.status) for b in batches] == [
        (yesterday, BatchStatus.TERMINE),
        (today, BatchStatus.TERMINE),
    ]
    assert sum(b.letters + b.orders for b in batches) == 3
    qtbot.waitUntil(lambda: page.view.batch_list.count() == 2, timeout=20_000)
