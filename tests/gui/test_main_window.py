"""The main window opens on an empty and on a demo database."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.changes import Change
from sbee_desk.gui.first_start import FirstStartChoice
from sbee_desk.gui.pages.coming_soon import ComingSoonView
from sbee_desk.gui.sign_in import FirstAdministratorDialog
from sbee_desk.services.actor import Actor
from tests.gui.conftest import ACTOR, WindowFactory


def test_empty_database_offers_demo_or_import(
    qtbot: QtBot, make_window: WindowFactory, sqlite_db: Database
) -> None:
    window = make_window(sqlite_db, None)  # no user yet: nobody signs in
    qtbot.waitUntil(lambda: window.first_start_dialog is not None)
    dialog = window.first_start_dialog
    assert dialog is not None and dialog.isVisible()
    assert "Charger l'agence de démonstration" in dialog.demo_button.text()
    assert window.agency_label.text() == "Agence : aucune"
    assert window.import_label.text() == "Dernier import : aucun"
    assert window.user_label.text() == "Utilisateur : aucun"
    assert window.db_label.text() == "Base : sbee.db"
    with qtbot.waitSignal(window.first_start_answered) as answered:
        dialog.import_button.click()
    assert answered.args == [int(FirstStartChoice.IMPORT)]
    assert window.current_page() is window.data_page
    # importing needs somebody: the first administrator is created and signed in
    admin = window.findChild(FirstAdministratorDialog, "firstAdministrator")
    assert admin is not None and admin.isVisible()
    admin.name_edit.setText("Adjoa Kpodo")
    admin.password_edit.setText("un mot de passe sûr")
    admin.confirm_edit.setText("un mot de passe sûr")
    admin.create_account()
    assert window.ctx.actor is not None and window.ctx.actor.login == "admin"
    assert window.user_label.text() == "Utilisateur : Adjoa Kpodo"


def test_first_start_loads_the_demo_with_its_users(
    qtbot: QtBot, make_window: WindowFactory, sqlite_db: Database
) -> None:
    window = make_window(sqlite_db, None)
    qtbot.waitUntil(lambda: window.first_start_dialog is not None)
    assert window.first_start_dialog is not None
    with qtbot.waitSignal(window.demo_loaded, timeout=60_000):
        window.first_start_dialog.demo_button.click()
    assert window.ctx.actor is not None and window.ctx.actor.login == "chef"
    assert window.user_label.text() == "Utilisateur : Rodrigue Tossou"
    accounts = window.findChild(QMessageBox, "demoAccounts")
    assert accounts is not None and "demo-sbee-2026" in accounts.text()
    accounts.close()
    page = window.selection_page
    qtbot.waitUntil(lambda: bool(page.runs) and window.agency_label.text() != "Agence : aucune")
    assert window.current_page() is page


def test_demo_database_opens_on_selection(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    window = make_window(demo_db)
    page = window.selection_page
    qtbot.waitUntil(lambda: bool(page.runs))
    assert window.first_start_dialog is None
    assert window.agency_label.text().startswith("Agences : ")
    assert "COT-CENTRE" in window.agency_label.text()
    assert window.import_label.text().startswith("Dernier import : ")
    latest = page.runs[0]
    assert f"({latest.candidate_count:,})".replace(",", "\u202f") in window.nav_text("selection")
    dashboard = window.pages["dashboard"].view  # the one step not built yet
    assert isinstance(dashboard, ComingSoonView)
    assert "Étape pas encore construite" in dashboard.notice.text()


def test_actions_follow_the_roles_of_who_signed_in(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    agent = Actor("agent", frozenset({Role.AGENT_CONTROLE}), "Afiavi Houngbédji")
    window = make_window(demo_db, agent)
    page = window.selection_page
    qtbot.waitUntil(lambda: bool(page.agencies))
    assert not page.view.run_button.isEnabled()
    assert page.view.run_button.toolTip() == "Réservé au chef section recouvrement."
    assert not window.data_page.view.folder_button.isEnabled()
    window.set_actor(ACTOR)
    assert page.view.run_button.isEnabled()
    assert window.data_page.view.folder_button.isEnabled()


def test_a_change_marks_stale_only_the_pages_that_show_it(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database
) -> None:
    """An operation says what it changed (Change); a page reloads only when it shows
    that kind of data — the journal shows every change (each writes an event)."""
    window = make_window(signed_db)
    with qtbot.waitSignal(window.overview_loaded, timeout=20_000):
        window.refresh_overview()
    qtbot.waitUntil(lambda: not window.ctx.tasks.busy, timeout=20_000)

    def stale_after(source: str, what: Change) -> set[str]:
        for page in window.pages.values():
            page.stale = False
        window.pages[source].data_changed.emit(what)
        return {key for key, page in window.pages.items() if page.stale}

    # a user or a staff member saved: the journal, the répartition (its agents) and the
    # retour magasin (its magasiniers), not the page that saved
    assert stale_after("settings", Change.PEOPLE) == {"audit", "dispatch", "store_return"}
    # a store return recorded: the journal
    assert stale_after("store_return", Change.STORE) == {"audit"}
    # lists produced: the classeur and the journal
    assert stale_after("selection", Change.LISTS) == {"archive", "audit"}
    # documents printed: the journal and the répartition (orders edited) stale; the
    # selection (it shows the cancellations) reloaded at once to keep its navigation
    # count true; not the classeur
    with qtbot.waitSignal(window.selection_page.overview_loaded, timeout=20_000):
        assert stale_after("edition", Change.EDITION) == {"audit", "dispatch"}
    # a plan changed: the selection reloads too, the print queue does not
    with qtbot.waitSignal(window.selection_page.overview_loaded, timeout=20_000):
        assert stale_after("settings", Change.PLANS) == {"audit"}
    # a letter delivered: the selection reloads at once (its motifs say « remise le »)
    with qtbot.waitSignal(window.selection_page.overview_loaded, timeout=20_000):
        assert stale_after("reminders", Change.LETTERS) == {"audit"}
    # an import: every page showing the export or what R7 cancels
    assert {"data", "edition", "audit"} <= stale_after("selection", Change.EXPORT)
    assert "archive" not in stale_after("data", Change.EXPORT | Change.EDITION)
