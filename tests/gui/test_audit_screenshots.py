"""Screenshots of the Journal d'audit, intact and altered, to docs/screenshots/.

The demo agency, then a morning of work: sign-ins, a selection run, two lines
excluded, a refused sign-in, a refused change of plan, the administrator's changes.
Rendered offscreen at 1366×768. Open them and look.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.domain.permissions import Role
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.plans import update_plan
from sbee_desk.services.review import exclude_lines, exclusion_reasons
from sbee_desk.services.selection import candidate_lines, run_selection
from sbee_desk.services.users import (
    DEMO_PASSWORD,
    AuthenticationFailed,
    authenticate,
    save_staff,
    update_user,
)
from tests.gui.conftest import WindowFactory
from tests.gui.test_audit_page import ADMIN, DIG, break_chain, open_journal
from tests.gui.test_screenshots import SIZE, save


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
    save_staff(db.uow(), ADMIN, "REL-0102", "Sèna Dossou", "RELEVEUR", ["Z01", "Z02"], True)
    authenticate(db.uow(), "dig", DEMO_PASSWORD)


def test_screenshots_of_the_audit_journal(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    a_morning_of_work(demo_db)
    window, page = open_journal(qtbot, make_window, demo_db, DIG)
    window.resize(*SIZE)
    page.view.table.selectRow(2)
    assert page.view.chain_banner.kind == "success"
    save(window, "18-journal-audit")


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
