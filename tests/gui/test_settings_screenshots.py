"""Screenshots of the Paramètres page, each tab (ui-guidelines.md; where: test_screenshots.py).

Rendered offscreen at 1366×768 with the demo agency, as the administrator; and the
Utilisateurs tab as another role (read-only). Open them and look.
"""

from __future__ import annotations

import contextlib

import pytest
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.dialogs.admin_dialogs import PlanDialog, UserDialog
from sbee_desk.services.users import (
    AuthenticationFailed,
    authenticate,
    save_staff,
    update_user,
)
from tests.gui.conftest import ACTOR, WindowFactory
from tests.gui.test_screenshots import SIZE, save
from tests.gui.test_settings_page import ADMIN, open_settings

pytestmark = pytest.mark.screenshots

#: besides the demo agencies' field staff (services.demo): a releveur who left
STAFF = [("REL-0121", "Parfait Sossa", "RELEVEUR", ["T04", "T05"], False)]


def agency_settings(db: Database) -> None:
    """A former releveur, a deactivated account and a locked one, as an agency has them."""
    for matricule, name, role, zones, active in STAFF:
        save_staff(db.uow(), ADMIN, matricule, name, role, zones, active)
    update_user(db.uow(), ADMIN, "nuit", active=False)
    for _attempt in range(5):
        with contextlib.suppress(AuthenticationFailed):
            authenticate(db.uow(), "magasin", "pas le bon")


def test_screenshots_of_the_settings_page(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    agency_settings(demo_db)
    window, page = open_settings(qtbot, make_window, demo_db)
    window.resize(*SIZE)
    view = page.view
    page.select_user("magasin")  # the locked one: « Déverrouiller » is offered
    save(window, "15-parametres-utilisateurs")

    view.tabs.setCurrentWidget(view.staff_tab)
    page.select_staff("AR-0014")
    save(window, "16-parametres-personnel")

    view.tabs.setCurrentWidget(view.plans_tab)
    page.select_plan("VIP")
    save(window, "17-parametres-plans")

    # the plan dialog, and a value refused in it
    dialog = page.edit_plan()
    assert isinstance(dialog, PlanDialog)
    dialog.spins["unpaid_threshold"].setValue(0)
    dialog.save_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible)
    save(dialog, "17-parametres-plan-refuse")
    dialog.reject()


def test_screenshot_of_the_settings_page_read_only(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    agency_settings(demo_db)
    window, page = open_settings(qtbot, make_window, demo_db, ACTOR)
    window.resize(*SIZE)
    page.select_user("chef")
    save(window, "15-parametres-consultation")


def test_screenshot_of_the_user_dialog(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    _window, page = open_settings(qtbot, make_window, demo_db)
    dialog = page.add_user()
    assert isinstance(dialog, UserDialog)
    dialog.login_edit.setText("afi")
    dialog.name_edit.setText("Afi Houessou")
    dialog.save_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible)
    save(dialog, "15-parametres-nouvel-utilisateur")
    dialog.reject()
