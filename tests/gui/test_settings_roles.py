"""Role-dependent navigation, driven with pytest-qt (#4, part 6).

For each of the seven roles a user signs in through the sign-in dialog; the test
checks which actions the window enables (the permission table, ``allowed()``),
then forces one action the role does not have, as if its button were enabled: the
service refuses it, the error dialog says so, nothing changes, and the refusal is
in the journal d'audit — shown on the Journal d'audit page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.domain.permissions import Action, Role, allowed
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.sign_in import SignInDialog
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.importing import import_export
from sbee_desk.services.plans import list_plans
from tests.builders import PASSWORD, add_users
from tests.gui.conftest import ErrorRecorder, WindowFactory
from tests.gui.known_case import write_known_export


def login_of(role: Role) -> str:
    """tests/builders.add_users: ``admin``, else the role's name in lower case."""
    return "admin" if role is Role.ADMIN else role.value.lower()


@pytest.fixture
def agency_db(sqlite_db: Database, tmp_path: Path) -> Database:
    """One user per role (password PASSWORD) and a small agency imported by the chef."""
    add_users(sqlite_db)
    chef = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}))
    import_export(sqlite_db.uow(), chef, write_known_export(tmp_path / "x", dt.date.today()))
    return sqlite_db


def sign_in(qtbot: QtBot, db: Database, login: str) -> Actor:
    dialog = SignInDialog(db, login)
    qtbot.addWidget(dialog)
    dialog.password_edit.setText(PASSWORD)
    dialog.try_sign_in()
    assert dialog.actor is not None, dialog.error_label.text()
    return dialog.actor


def refusals(db: Database) -> list[tuple[str, str]]:
    with db.engine.connect() as conn:
        return [
            (r[0], r[1])
            for r in conn.execute(
                text("SELECT actor, entity_key FROM audit_event WHERE action = 'refused'")
            )
        ]


def runs(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM selection_run")).scalar_one()


def force_forbidden_action(
    qtbot: QtBot, window: MainWindow, role: Role, db: Database
) -> tuple[Action, object]:
    """Do, through the page controllers, what the role may not; (action, what changed)."""
    if role is Role.ADMIN:  # the administrator may not launch a selection
        page = window.selection_page
        with qtbot.waitSignal(window.ctx.tasks.busy_changed, timeout=20_000):
            page.launch()
        qtbot.waitUntil(lambda: not window.ctx.tasks.busy, timeout=20_000)
        return Action.SELECT, runs(db)
    settings = window.settings_page
    with qtbot.waitSignal(settings.refused, timeout=20_000):
        settings.change_plan("ORDINAIRE", {"delay_bt_days": "10"})
    return Action.ADMINISTER, [p.delay_bt_days for p in list_plans(db.uow())]


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_finds_its_actions_and_a_forced_one_is_refused(
    qtbot: QtBot,
    make_window: WindowFactory,
    agency_db: Database,
    shown_errors: ErrorRecorder,
    role: Role,
) -> None:
    login = login_of(role)
    actor = sign_in(qtbot, agency_db, login)
    assert actor.roles == {role}
    window = make_window(agency_db, actor)
    assert window.user_label.text() == f"Utilisateur : Utilisateur {login}"

    # every page may be read by every role (READ): each entry opens its page
    for key, page in window.pages.items():
        window.go_to(key)
        assert window.current_page() is page, key
    selection = window.selection_page
    qtbot.waitUntil(lambda: bool(selection.agencies), timeout=20_000)

    # what the window enables follows the permission table
    assert selection.view.run_button.isEnabled() == allowed({role}, Action.SELECT)
    data = window.data_page.view
    assert data.folder_button.isEnabled() == allowed({role}, Action.IMPORT)
    assert data.workbook_button.isEnabled() == allowed({role}, Action.IMPORT)
    settings = window.settings_page
    with qtbot.waitSignal(settings.loaded, timeout=20_000):
        settings.refresh()
    settings.select_user("chef")
    settings.select_staff("x")
    settings.select_plan("ORDINAIRE")
    may_administer = allowed({role}, Action.ADMINISTER)
    assert may_administer == (role is Role.ADMIN)
    # no staff member "x" is selected, and chef is not locked: nothing to unlock
    waiting = (settings.view.staff_tab.edit_button, settings.view.users_tab.unlock_button)
    assert [b.isEnabled() for b in settings.action_buttons() if b not in waiting] == [
        may_administer
    ] * 6
    assert not settings.view.users_tab.unlock_button.isEnabled()
    assert settings.plans_model.editable == may_administer
    assert settings.view.banner.isVisible() != may_administer
    journal = window.audit_page
    window.go_to("audit")
    with qtbot.waitSignals([journal.chain_checked, journal.events_loaded], timeout=20_000):
        journal.refresh()
    assert journal.view.export_button.isEnabled()  # READ: every role
    assert journal.chain is not None and journal.chain.ok

    # forced: refused by the service, shown, nothing changed, audited
    shown_errors.expect()
    before_refusals = refusals(agency_db)
    before_state = (
        runs(agency_db)
        if role is Role.ADMIN
        else [p.delay_bt_days for p in list_plans(agency_db.uow())]
    )
    action, after_state = force_forbidden_action(qtbot, window, role, agency_db)
    assert after_state == before_state
    exc, _title = shown_errors.shown[-1]
    assert isinstance(exc, PermissionDenied) and exc.action is action
    assert f"« {login} » n'a pas le rôle requis" in str(exc)
    assert refusals(agency_db) == [*before_refusals, (login, action.value)]

    # … and the refusal reads in the journal, in French
    view = journal.view
    with qtbot.waitSignal(journal.events_loaded, timeout=20_000):
        journal.refresh()
    view.action_combo.setCurrentIndex(view.action_combo.findData("refused"))
    with qtbot.waitSignal(journal.events_loaded, timeout=20_000):
        journal.apply_filters_now()
    line = journal.model.line(0)
    assert line.entry.actor == login
    assert line.texts[2] == "Action refusée"
    assert line.texts[3].startswith("Droit : ")
    assert line.texts[5] == "motif : rôle insuffisant"
