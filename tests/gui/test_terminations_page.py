"""The « 7. Résiliations » page (#16): the terminations of a period with their final
index, balance and hand-off; the filters; « Transmettre à l'apurement et au
contentieux… » through the real folder dialog, in the background, then the files it
wrote; a past hand-off reprinted « COPIE »; read-only for the other roles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from sbee_desk.db.database import Database
from sbee_desk.db.models import Invoice, Payment, StockSheet, StoreReturn
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.pages.letters_dialogs import qdate
from sbee_desk.gui.pages.terminations_model import COL_BALANCE, COL_HANDOFF, COL_INDEX
from sbee_desk.gui.pages.terminations_page import TerminationsPage
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import now
from sbee_desk.services.cri import countersign, enter_cri
from sbee_desk.services.dispatch import assign, field_agent
from tests.gui.conftest import WindowFactory
from tests.gui.file_dialogs import choose_in_file_dialog
from tests.gui.test_screenshots import SCREENSHOTS
from tests.integration.cri_world import CRI_DAY, VISIT
from tests.integration.dispatch_world import TODAY, DispatchWorld
from tests.integration.handoff_world import HANDOFF_DAY

AGENT = Actor("agent", frozenset({Role.AGENT_CONTROLE}), "Afiavi Houngbédji")
CHEF = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}), "Rodrigue Tossou")


@pytest.fixture
def terminated_db(signed_db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Three orders; P0001 and P0002 terminated on 07/12/2026 (P0002 has paid
    everything since), P0003 still in the field."""
    monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
    monkeypatch.setattr("sbee_desk.services.cri.entry.today", lambda: CRI_DAY)
    monkeypatch.setattr("sbee_desk.services.handoff.run.today", lambda: HANDOFF_DAY)
    world = DispatchWorld(signed_db, users=False)
    world.agent("A001", "Z1", "Z2")
    ids = [world.order(zone) for zone in ("Z1", "Z2", "Z1")]
    world.commit()
    db = signed_db
    assign(db.uow(), Actor("chef"), VISIT, ids, field_agent(db.uow(), "A001"))
    from sbee_desk.services.cri import CriEntry

    for k, order_id in enumerate(ids[:2]):
        enter_cri(
            db.uow(),
            Actor("agent"),
            CriEntry(
                number=f"{order_id:08d}",
                visit_on=VISIT,
                visit_time="09:30",
                done=True,
                agent="A001",
                index=str(4200 + k),
                meter_serial=f"MP{order_id:04d}",
                breaker_removed=True,
            ),
        )
        with db.uow() as uow:
            sheet = f"FMS-{order_id}"
            uow.session.add(
                StockSheet(
                    number=sheet, agency_code="AG1", year=2026, seq=None, typed=True,
                    issued_on=VISIT, created_by="magasin", created_at=now(),
                )
            )  # fmt: skip
            uow.session.flush()
            uow.session.add(
                StoreReturn(
                    order_id=order_id, sheet_number=sheet, returned_on=VISIT,
                    meter_serial=f"MP{order_id:04d}", recorded_by="magasin", recorded_at=now(),
                )
            )  # fmt: skip
            uow.commit()
    countersign(db.uow(), Actor("chef"), [f"{i:08d}" for i in ids[:2]])
    with db.uow() as uow:
        for number in uow.session.scalars(select(Invoice.number).where(Invoice.police == "P0002")):
            uow.session.add(
                Payment(
                    invoice_number=number, reference=f"R{number}", paid_on=CRI_DAY, amount=10_000
                )
            )
        uow.commit()
    return db


def _open(qtbot: QtBot, make_window: WindowFactory, db: Database, actor: Actor) -> TerminationsPage:
    window: MainWindow = make_window(db, actor)
    page = window.terminations_page
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.go_to("terminations")
    # the period of the data, never the real date
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    window.activateWindow()
    return page


def _cells(page: TerminationsPage, column: int) -> list[str]:
    model = page.model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def test_the_page_lists_the_terminations_of_the_period_with_filters(
    qtbot: QtBot, make_window: WindowFactory, terminated_db: Database
) -> None:
    page = _open(qtbot, make_window, terminated_db, CHEF)
    window = page.parent()
    assert isinstance(window, MainWindow)
    assert "Résiliations  (2)" in window.nav_text("terminations")
    view = page.view
    assert view.stack.currentWidget() is view.table
    assert _cells(page, 0) == ["P0001", "P0002"]
    assert _cells(page, COL_INDEX) == ["4200", "4201"]
    assert [c.replace("\u202f", " ").replace("\xa0", " ") for c in _cells(page, COL_BALANCE)] == [
        "20 000 FCFA",
        "0 FCFA",
    ]
    assert _cells(page, COL_HANDOFF) == ["à transmettre", "à transmettre"]
    assert view.handoff_button.isEnabled() and not view.reprint_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        view.zone_combo.setCurrentIndex(view.zone_combo.findData("Z2"))
    assert _cells(page, 0) == ["P0002"]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        view.zone_combo.setCurrentIndex(0)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        view.cause_combo.setCurrentIndex(view.cause_combo.findData("FRAUDE"))
    assert page.model.rowCount() == 0 and view.stack.currentWidget() is view.empty
    assert "Aucune résiliation du 01/12/2026 au 31/12/2026" in view.empty.text()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        view.cause_combo.setCurrentIndex(0)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        view.end_edit.setDate(qdate(dt.date(2026, 12, 6)))
    assert page.model.rowCount() == 0  # terminated on 07/12


def test_handoff_through_the_folder_dialog_then_a_reprint(
    qtbot: QtBot, make_window: WindowFactory, terminated_db: Database, tmp_path: Path
) -> None:
    page = _open(qtbot, make_window, terminated_db, CHEF)
    window = page.parent()
    assert isinstance(window, MainWindow)
    view = page.view
    out = tmp_path / "transmission"
    out.mkdir()
    with qtbot.waitSignal(page.handed_off, timeout=20_000) as done:
        view.handoff_button.click()
        choose_in_file_dialog(qtbot, window, out)
    result = done.args[0]
    assert (result.number, result.settlement_count, result.litigation_count) == (1, 2, 1)
    assert sorted(p.name for p in out.iterdir()) == [
        "apurement-2026-12-10.pdf",
        "apurement-2026-12-10.xlsx",
        "contentieux-2026-12-10.pdf",
        "contentieux-2026-12-10.xlsx",
    ]
    banner = view.banner.text()
    assert "Transmission n° 1 du 10/12/2026" in banner and "contentieux-2026-12-10.pdf" in banner
    qtbot.waitUntil(lambda: _cells(page, COL_HANDOFF) == ["n° 1 du 10/12/2026"] * 2)
    assert not view.handoff_button.isEnabled()  # nothing left to hand off
    qtbot.waitUntil(lambda: "Résiliations  (" not in window.nav_text("terminations"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "terminations.png"), "PNG")
    # the filter « à transmettre » is now empty
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        view.handed_combo.setCurrentIndex(view.handed_combo.findData(False))
    assert page.model.rowCount() == 0

    # a reprint of n° 1, marked « COPIE »
    qtbot.waitUntil(view.reprint_button.isEnabled)
    copy = tmp_path / "copie"
    copy.mkdir()
    with qtbot.waitSignal(page.handed_off, timeout=20_000) as again:
        view.reprint_button.click()
        choose_in_file_dialog(qtbot, window, copy)
    assert again.args[0].is_copy
    assert "apurement-2026-12-10-copie.pdf" in {p.name for p in copy.iterdir()}
    assert "Copie de la transmission n° 1" in view.banner.text()
    assert view.minimumSizeHint().width() <= 885  # the window fits 1100 px


def test_a_reader_sees_the_terminations_but_may_not_hand_off(
    qtbot: QtBot, make_window: WindowFactory, terminated_db: Database
) -> None:
    page = _open(qtbot, make_window, terminated_db, AGENT)
    assert page.model.rowCount() == 2
    assert not page.view.handoff_button.isEnabled()
    assert "chef section recouvrement" in page.view.handoff_button.toolTip()
    width = page.view.minimumSizeHint().width()
    assert width <= 885, width


def test_a_folder_that_cannot_be_written_is_said_and_nothing_recorded(
    qtbot: QtBot, make_window: WindowFactory, terminated_db: Database, tmp_path: Path
) -> None:
    page = _open(qtbot, make_window, terminated_db, CHEF)
    blocker = tmp_path / "un-fichier"
    blocker.write_text("x")
    with qtbot.waitSignal(page.refused, timeout=20_000) as refused:
        page.handoff_to(str(blocker / "listes"))
    assert "Impossible d'écrire dans le dossier" in refused.args[0]
    assert page.view.banner.isVisible() and page.view.banner.kind == "error"
    qtbot.waitUntil(lambda: _cells(page, COL_HANDOFF) == ["à transmettre"] * 2)
    assert page.view.handoff_button.isEnabled()


def test_the_r8_and_return_file_dialogs_open_from_the_page(
    qtbot: QtBot, make_window: WindowFactory, terminated_db: Database
) -> None:
    page = _open(qtbot, make_window, terminated_db, CHEF)
    view = page.view
    assert view.r8_button.isEnabled() and view.gc_button.isEnabled()
    view.r8_button.click()
    r8 = page.r8_dialog
    assert r8 is not None
    qtbot.waitUntil(r8.isVisible)
    assert r8.isModal() or r8.windowModality() != Qt.WindowModality.NonModal
    r8.reject()
    qtbot.waitUntil(lambda: not r8.isVisible())
    read: list[int] = []
    view.gc_button.click()  # the dialog starts reading; its result needs the event loop
    gc = page.gc_dialog
    assert gc is not None
    gc.pending_read.connect(read.append)
    qtbot.waitUntil(lambda: bool(read), timeout=10_000)
    assert read[0] >= 2  # the two terminations, at least
    assert gc.isVisible()
    gc.reject()
    assert view.minimumSizeHint().width() <= 885


def test_a_reader_may_neither_enter_an_r8_termination_nor_export_the_return_file(
    qtbot: QtBot, make_window: WindowFactory, terminated_db: Database
) -> None:
    page = _open(qtbot, make_window, terminated_db, AGENT)
    assert not page.view.r8_button.isEnabled() and not page.view.gc_button.isEnabled()
    assert "chef section recouvrement" in page.view.r8_button.toolTip()


def test_the_default_period_widens_to_the_oldest_termination_waiting(
    qtbot: QtBot, make_window: WindowFactory, terminated_db: Database
) -> None:
    """The page opens on the current month; terminations of an earlier month still
    waiting for their hand-off would be hidden: the period starts at the oldest of them
    instead — until the user chooses a period. (The current month is set on the fields
    as the view would on 15/01/2027, never read from the real clock.)"""
    window: MainWindow = make_window(terminated_db, CHEF)
    page = window.terminations_page
    view = page.view
    for edit, day in (
        (view.start_edit, dt.date(2027, 1, 1)),
        (view.end_edit, dt.date(2027, 1, 15)),
    ):
        edit.blockSignals(True)
        edit.setDate(qdate(day))
        edit.blockSignals(False)
    window.go_to("terminations")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    assert view.start_edit.date() == qdate(dt.date(2026, 12, 7))
    assert view.end_edit.date() == qdate(dt.date(2027, 1, 15))
    # a period the user chooses is kept, even if it hides them
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        view.start_edit.setDate(qdate(dt.date(2027, 1, 1)))
    assert page.model.rowCount() == 0
    page.refresh()
    qtbot.waitUntil(lambda: not window.ctx.tasks.busy, timeout=10_000)
    assert view.start_edit.date() == qdate(dt.date(2027, 1, 1))
