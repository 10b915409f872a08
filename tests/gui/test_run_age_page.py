"""The procedure's checks at validation on the Sélection page (issue #10): a run older
than the plans allow cannot be validated — the review's banner says so and
« Valider le bordereau » is disabled with the same reason —; what R7 cancelled at
validation is said in the result. The clock is the services' ``today`` (fixed)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.gui.pages.selection.page import SelectionPage
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import list_runs, run_selection
from tests.builders import World
from tests.gui.conftest import ACTOR, WindowFactory

D = dt.date
RUN = D(2026, 11, 20)
MESSAGE = (
    "Ce traitement date du 20/11/2026 (plus de 7 jours) : relancez le traitement à la date "
    "du jour avant de valider."
)


def show_run(
    qtbot: QtBot, make_window: WindowFactory, db: Database, *, mt: bool = False
) -> SelectionPage:
    """Run 1 at 20/11/2026: P1 on BT-2026-09 (an order), with ``mt`` P2 on MT-2026-09
    (a letter); the page shows it."""
    w = World(db)
    w.contract("P1")
    w.unpaid("P1")
    w.suspension("P1", D(2026, 10, 1))
    if mt:
        w.contract("P2", voltage="MT")
        w.unpaid("P2", voltage="MT")
        w.suspension("P2", D(2026, 10, 1), voltage="MT")
    w.commit()
    run_selection(db.uow(), ACTOR, RUN, today_=RUN)
    page = make_window(db, ACTOR).selection_page
    qtbot.waitUntil(lambda: bool(page.runs))
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        page.display_run(list_runs(db.uow())[0])
    qtbot.waitUntil(lambda: page.lines_complete)
    return page


@pytest.mark.parametrize(("today", "too_old"), [(D(2026, 11, 28), True), (D(2026, 11, 27), False)])
def test_run_age_the_review_says_a_run_too_old_cannot_be_validated(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch, today, too_old
) -> None:
    monkeypatch.setattr("sbee_desk.services.review.today", lambda: today)  # the clock
    page = show_run(qtbot, make_window, signed_db)
    view = page.view
    button = view.validate_button
    if too_old:
        assert view.validated_banner.isVisible() and view.validated_banner.kind == "warning"
        assert view.validated_banner.text() == f"<b>Validation impossible.</b> {MESSAGE}"
        assert not button.isEnabled() and button.toolTip() == MESSAGE
    else:
        assert not view.validated_banner.isVisible()
        assert button.isEnabled() and "Crée les lettres de relance" in button.toolTip()


def test_R7_at_validation_the_result_says_what_it_cancelled(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database, monkeypatch
) -> None:
    """A letter of another bordereau, its contract terminated in the export since: the
    validation cancels it (R7) and the result box says so."""
    monkeypatch.setattr("sbee_desk.services.review.today", lambda: D(2026, 11, 22))
    page = show_run(qtbot, make_window, signed_db, mt=True)
    validate_bordereau(signed_db.uow(), ACTOR, 1, "MT-2026-09")  # P2: a letter
    with signed_db.engine.begin() as conn:
        conn.execute(text("UPDATE contract SET terminated_on = '2026-11-21' WHERE police = 'P2'"))
    with qtbot.waitSignal(page.lines_loaded, timeout=20_000):
        page.select_bordereau("BT-2026-09")
    qtbot.waitUntil(lambda: page.view.validate_button.isEnabled())
    qtbot.mouseClick(page.view.validate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.validation_box is not None and page.validation_box.isVisible())
    box = page.validation_box
    assert box is not None
    with qtbot.waitSignal(page.bordereau_validated, timeout=20_000):
        qtbot.mouseClick(box.validate_button, Qt.MouseButton.LeftButton)
    result = page.result_box
    assert result is not None and result.text().startswith("Bordereau BT-2026-09 validé")
    assert result.informativeText() == (
        "R7 : 1 lettre de relance annulée (résiliation dans la gestion clientèle), motif au "
        "journal d'audit."
    )
