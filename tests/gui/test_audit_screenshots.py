"""Screenshots of the Journal d'audit, intact and altered (where: test_screenshots.py).

The demo agency, then a morning of work: sign-ins, a selection run, two lines
excluded, a refused sign-in, a refused change of plan, the administrator's changes;
then step 2: a bordereau validated, the night edition, printing, a reprint and the
hand-over (#10: every word of the journal in French). Rendered offscreen at
1366×768. Open them and look.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.models.audit import COL_ACTION, COL_CHANGE, COL_DETAILS
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.edition import (
    DocumentKind,
    handover_candidates,
    list_documents,
    mark_handed_over,
    mark_printed,
    run_edition,
)
from sbee_desk.services.plans import update_plan
from sbee_desk.services.review import exclude_lines, exclusion_reasons, validate_bordereau
from sbee_desk.services.selection import bordereau_summaries, candidate_lines, run_selection
from sbee_desk.services.users import (
    DEMO_PASSWORD,
    AuthenticationFailed,
    authenticate,
    save_staff,
    update_user,
)
from sbee_desk.wording.audit import AUDIT_FIELD_LABELS
from tests.gui.conftest import WindowFactory
from tests.gui.test_audit_page import ADMIN, DIG, break_chain, open_journal
from tests.gui.test_screenshots import SIZE, save

pytestmark = pytest.mark.screenshots


def a_morning_of_work(db: Database) -> None:
    chef = authenticate(db.uow(), "chef", DEMO_PASSWORD)
    result = run_selection(db.uow(), chef, dt.date.today())
    lines = candidate_lines(db.uow(), result.run_id, limit=2)
    reason = exclusion_reasons(db.uow())[0][0]
    exclude_lines(db.uow(), chef, result.run_id, [line.police for line in lines], reason)
    with contextlib.suppress(AuthenticationFailed):
        authenticate(db.uow(), "dg", "mauvais mot de passe")
    with contextlib.suppress(PermissionDenied):
        update_plan(db.uow(), chef, "ORDINAIRE", {"delay_bt_days": 20})
    authenticate(db.uow(), "admin", DEMO_PASSWORD)
    update_plan(db.uow(), ADMIN, "VIP", {"reminder_delay_days": 10, "undelivered_alert_days": 20})
    update_user(db.uow(), ADMIN, "agent", roles=[Role.AGENT_CONTROLE, Role.CONTROLE])
    save_staff(db.uow(), ADMIN, "REL-COTC-01", "Sèna Dossou", "RELEVEUR", ["T01", "T02"], True)
    authenticate(db.uow(), "dig", DEMO_PASSWORD)


def a_print_morning(db: Database) -> None:
    """Step 2 after the morning: the smallest bordereau validated, the night edition,
    the orders printed (one again, with a reason) and handed to the section RPNT."""
    chef = authenticate(db.uow(), "chef", DEMO_PASSWORD)
    save_staff(db.uow(), ADMIN, "RPNT-01", "Sèna Agbodjan", "AGENT_RPNT", [], True)
    run = run_selection(db.uow(), chef, dt.date.today())
    smallest = min(
        (
            b
            for b in bordereau_summaries(db.uow(), run.run_id)
            if b.voltage == "BT" and b.counts.get(Decision.RESILIATION)
        ),
        key=lambda b: b.line_count,
    )
    validate_bordereau(db.uow(), chef, run.run_id, smallest.code)
    batch = run_edition(db.uow(), chef, workers=0).batch_id
    assert batch is not None
    orders = [d for d in list_documents(db.uow(), batch) if d.kind is DocumentKind.ORDER][:3]
    mark_printed(db.uow(), chef, [d.id for d in orders])
    mark_printed(db.uow(), chef, [orders[0].id], reprint_reason="Bourrage papier")
    rpnt = next(
        s for s in handover_candidates(db.uow(), orders[0].recipient) if s.matricule == "RPNT-01"
    )
    mark_handed_over(db.uow(), chef, [d.id for d in orders], rpnt.id)


def test_screenshots_of_the_audit_journal(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    a_morning_of_work(demo_db)
    window, page = open_journal(qtbot, make_window, demo_db, DIG)
    window.resize(*SIZE)
    page.view.table.selectRow(2)
    assert page.view.chain_banner.kind == "success"
    save(window, "18-journal-audit")


def test_screenshot_of_the_journal_after_printing(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    a_morning_of_work(demo_db)
    a_print_morning(demo_db)
    window, page = open_journal(qtbot, make_window, demo_db, DIG)
    window.resize(*SIZE)
    page.view.table.selectRow(0)
    detail = page.view.detail.toPlainText()
    assert "Action : Document remis" in detail and "Objet : Ordre n° " in detail
    assert "remis à : — → Sèna Agbodjan (RPNT-01)" in detail
    # every action named, every field by its French name (never « out dir »)
    # (the rows of an import, table by table, are separated like fields)
    tables = {"Clients", "Contrats", "Bordereaux", "Factures", "Règlements", "Interruptions"}
    labels = {*AUDIT_FIELD_LABELS.values(), "lignes importées", *tables}
    for row in range(page.model.rowCount()):
        assert not page.model.index(row, COL_ACTION).data().startswith("Autre action")
        for column in (COL_CHANGE, COL_DETAILS):
            for part in filter(None, page.model.index(row, column).data().split(" ; ")):
                assert part.split(" : ")[0] in labels, part
    save(window, "20-journal-audit-impression")


def test_screenshot_of_an_altered_audit_journal(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    a_morning_of_work(demo_db)
    break_chain(demo_db, 24)
    window, page = open_journal(qtbot, make_window, demo_db, DIG)
    window.resize(*SIZE)
    assert page.chain is not None and page.chain.first_broken == 24
    # the forged event is the current one (its detail below) but not highlighted, so
    # that its red background shows
    table = page.view.table
    table.clearSelection()
    table.selectionModel().setCurrentIndex(
        page.model.index(page.model.row_of(24), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    assert page.view.detail.toPlainText().startswith("⚠ Premier événement en défaut")
    save(window, "19-journal-audit-altere")
