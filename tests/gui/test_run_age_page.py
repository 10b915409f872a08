"""A run older than the plans allow cannot be validated: the Sélection page says so
in the review's banner and disables « Valider le bordereau » with the same reason
(issue #10). The clock is the services' ``today`` (fixed), never the real date."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.pages.selection_page import SelectionPage
from sbee_desk.services.selection import list_runs, run_selection
from tests.builders import World
from tests.gui.conftest import ACTOR, WindowFactory

D = dt.date
RUN = D(2026, 11, 20)
MESSAGE = (
    "Ce traitement date du 20/11/2026 (plus de 7 jours) : relancez le traitement à la date "
    "du jour avant de valider."
)


def show_run(qtbot: QtBot, make_window: WindowFactory, db: Database) -> SelectionPage:
    w = World(db)
    w.contract("P1")
    w.unpaid("P1")
    w.suspension("P1", D(2026, 10, 1))
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
