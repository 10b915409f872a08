"""Paramètres: the administrator manages users, field staff and recovery plans; the
other roles read them, and a forced change is refused by the service and audited."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QMessageBox, QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.dialogs.admin_dialogs import PasswordDialog, PlanDialog, StaffDialog, UserDialog
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models import admin as acols
from sbee_desk.gui.models.admin import PlansModel, StaffModel, UsersModel
from sbee_desk.gui.pages.settings_page import SettingsPage
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.plans import list_plans
from sbee_desk.services.users import (
    DEMO_PASSWORD,
    MAX_FAILED_LOGINS,
    AuthenticationFailed,
    StaffRole,
    authenticate,
    list_staff,
    list_users,
    save_staff,
)
from tests.gui.conftest import ACTOR, ErrorRecorder, WindowFactory

ADMIN = Actor("admin", frozenset({Role.ADMIN}), "Administrateur de l'agence")


def open_settings(
    qtbot: QtBot, make_window: WindowFactory, db: Database, actor: Actor = ADMIN
) -> tuple[MainWindow, SettingsPage]:
    window = make_window(db, actor)
    page = window.settings_page
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.go_to("settings")
    return window, page


def audit_rows(db: Database, action: str) -> list[tuple[str, str | None, str | None]]:
    with db.engine.connect() as conn:
        return [
            (r[0], r[1], r[2])
            for r in conn.execute(
                text(
                    "SELECT actor, entity_key, details FROM audit_event WHERE action = :a "
                    "ORDER BY id"
                ),
                {"a": action},
            )
        ]


def shown(model: QSortFilterProxyModel, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def save(qtbot: QtBot, page: SettingsPage, act) -> None:
    """Run ``act()`` and wait until the change is saved and the lists reloaded."""
    with qtbot.waitSignals([page.saved, page.loaded], timeout=20_000, order="strict"):
        act()


# --------------------------------------------------------------------------- models


def test_admin_models_pass_the_model_tester(qtmodeltester, signed_db: Database) -> None:
    users = UsersModel()
    qtmodeltester.check(users)
    users.set_users(list_users(signed_db.uow()))
    qtmodeltester.check(users)
    assert users.index(users.row_of("agent"), acols.U_ROLES).data() == (
        "Agent de contrôle d'efficacité des factures"
    )
    assert users.index(0, acols.U_ACTIVE).data() == "Oui"

    save_staff(signed_db.uow(), ADMIN, "REL-01", "Sèna Dossou", "RELEVEUR", ["Z02", "Z01"], True)
    staff = StaffModel()
    qtmodeltester.check(staff)
    staff.set_staff(list_staff(signed_db.uow()))
    qtmodeltester.check(staff)
    assert [staff.index(0, c).data() for c in range(staff.columnCount())] == [
        "REL-01",
        "Sèna Dossou",
        "Releveur",
        "Z01, Z02",
        "Oui",
    ]

    plans = PlansModel()
    qtmodeltester.check(plans)
    plans.set_plans(list_plans(signed_db.uow()))
    plans.set_editable(True)
    qtmodeltester.check(plans)
    assert plans.rowCount() == len(CustomerCategory)
    vip = plans.row_of(CustomerCategory.VIP)
    assert plans.index(vip, acols.P_CATEGORY).data() == "Sensible (VIP)"
    assert plans.index(vip, acols.plan_column("exempt")).data() == "Oui"
    assert plans.index(vip, acols.plan_column("unpaid_threshold")).data() == "2"
    header = plans.headerData(acols.plan_column("delay_bt_days"), Qt.Orientation.Horizontal)
    assert header.replace("\n", " ") == "Délai après suspension BT (jours)"
    assert max(len(line) for line in header.splitlines()) <= 13
    assert plans.flags(plans.index(vip, 1)) & Qt.ItemFlag.ItemIsEditable
    assert not plans.flags(plans.index(vip, acols.P_CATEGORY)) & Qt.ItemFlag.ItemIsEditable


# --------------------------------------------------------------------------- users


def test_admin_adds_a_user_and_bad_input_changes_nothing(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    _window, page = open_settings(qtbot, make_window, demo_db)
    users = page.view.users_tab
    assert all(button.isEnabled() for button in (users.add_button,))
    assert not page.view.banner.isVisible()
    count = len(list_users(demo_db.uow()))

    dialog = page.add_user()
    assert isinstance(dialog, UserDialog) and dialog.isVisible()
    dialog.login_edit.setText("releve2")
    dialog.name_edit.setText("Mariam Gbédji")
    # no role, then passwords that differ: the dialog says so and stays open
    dialog.save_button.click()
    assert dialog.error_label.text() == "Cochez au moins un rôle."
    dialog.role_boxes[Role.AGENT_CONTROLE].setChecked(True)
    dialog.password_edit.setText("un bon mot de passe")
    dialog.confirm_edit.setText("un autre")
    dialog.save_button.click()
    assert "diffèrent" in dialog.error_label.text()
    # too short: the service refuses, in French, and nothing is created
    dialog.password_edit.setText("court")
    dialog.confirm_edit.setText("court")
    with qtbot.waitSignal(page.refused, timeout=20_000):
        dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.error_label.text() == "Mot de passe trop court : au moins 10 caractères."
    assert len(list_users(demo_db.uow())) == count
    assert audit_rows(demo_db, "user.create")[-1][1] != "releve2"

    dialog.password_edit.setText("un bon mot de passe")
    dialog.confirm_edit.setText("un bon mot de passe")
    save(qtbot, page, dialog.save_button.click)
    assert page.dialog is None  # closed (and deleted)
    assert "releve2" in shown(page.users_proxy, acols.U_LOGIN)
    assert audit_rows(demo_db, "user.create")[-1][:2] == ("admin", "releve2")
    assert authenticate(demo_db.uow(), "releve2", "un bon mot de passe").roles == {
        Role.AGENT_CONTROLE
    }

    # an existing login: refused by the service, shown in the dialog
    again = page.add_user()
    assert isinstance(again, UserDialog)
    again.login_edit.setText("chef")
    again.name_edit.setText("Doublon")
    again.role_boxes[Role.CONTROLE].setChecked(True)
    again.password_edit.setText("un bon mot de passe")
    again.confirm_edit.setText("un bon mot de passe")
    with qtbot.waitSignal(page.refused, timeout=20_000):
        again.save_button.click()
    assert again.error_label.text() == "L'identifiant « chef » existe déjà."
    again.reject()


def test_admin_changes_roles_deactivates_and_resets_a_password(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    _window, page = open_settings(qtbot, make_window, demo_db)
    users = page.view.users_tab
    page.select_user("agent")
    selected = page.selected_user()
    assert selected is not None and selected.login == "agent"

    # roles
    dialog = page.edit_user()
    assert isinstance(dialog, UserDialog) and dialog.login_edit.isReadOnly()
    dialog.set_roles({Role.AGENT_CONTROLE, Role.CONTROLE})
    save(qtbot, page, dialog.save_button.click)
    row = page.users_model.row_of("agent")
    assert page.users_model.index(row, acols.U_ROLES).data() == (
        "Agent de contrôle d'efficacité des factures, Contrôle (DCC / DIG / DAI)"
    )
    selected = page.selected_user()
    assert selected is not None and selected.login == "agent"  # kept selected

    # deactivate, after a confirmation that says what will happen
    assert users.active_button.text() == "Désactiver"
    box = page.toggle_user()
    assert isinstance(box, QMessageBox) and "ne pourra plus se connecter" in box.text()
    yes = next(b for b in box.buttons() if b.text() == "Désactiver")
    save(qtbot, page, yes.click)
    assert page.users_model.index(row, acols.U_ACTIVE).data() == "Non"
    assert users.active_button.text() == "Réactiver"
    with pytest.raises(AuthenticationFailed, match="désactivé"):
        authenticate(demo_db.uow(), "agent", DEMO_PASSWORD)
    save(qtbot, page, users.active_button.click)  # reactivating needs no confirmation
    assert page.users_model.index(row, acols.U_ACTIVE).data() == "Oui"

    # new password
    password = page.reset_password()
    assert isinstance(password, PasswordDialog)
    password.password_edit.setText("nouveau-secret")
    password.confirm_edit.setText("nouveau-secret")
    save(qtbot, page, password.save_button.click)
    assert authenticate(demo_db.uow(), "agent", "nouveau-secret").login == "agent"

    updates = audit_rows(demo_db, "user.update")
    assert [actor for actor, _key, _details in updates[-4:]] == ["admin"] * 4
    assert all(key == "agent" for _actor, key, _details in updates[-4:])


def test_admin_sees_a_locked_account_and_unlocks_it(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    """Anyone may lock « nuit » with five wrong passwords: the page shows it (#12)."""
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed):
            authenticate(demo_db.uow(), "nuit", "mauvais-mot-de-passe")
    _window, page = open_settings(qtbot, make_window, demo_db)
    users = page.view.users_tab
    assert "1 compte verrouillé après des échecs de connexion" in users.status_label.text()
    row = page.users_model.row_of("nuit")
    assert page.users_model.index(row, acols.U_LOCKED).data()  # until when
    page.select_user("chef")
    assert not users.unlock_button.isEnabled()  # not locked: nothing to lift
    page.select_user("nuit")
    assert users.unlock_button.isEnabled() and users.unlock_button in page.action_buttons()
    save(qtbot, page, users.unlock_button.click)
    assert page.users_model.index(row, acols.U_LOCKED).data() == ""
    assert "verrouillé" not in users.status_label.text()
    assert not users.unlock_button.isEnabled()
    assert authenticate(demo_db.uow(), "nuit", DEMO_PASSWORD).login == "nuit"
    assert audit_rows(demo_db, "user.unlock")[-1][:2] == ("admin", "nuit")


def test_the_last_administrator_cannot_be_deactivated(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    _window, page = open_settings(qtbot, make_window, demo_db)
    with qtbot.waitSignal(page.refused, timeout=20_000) as refused:
        page.set_active("admin", False)
    assert refused.args == ["Il doit rester au moins un administrateur actif."]
    assert [str(exc) for exc, _title in shown_errors.shown] == refused.args
    assert next(u for u in list_users(demo_db.uow()) if u.login == "admin").active


# --------------------------------------------------------------------------- staff


def test_admin_adds_and_edits_field_staff(
    qtbot: QtBot, make_window: WindowFactory, signed_db: Database
) -> None:
    # a database with users and no agency yet: its staff register is empty (the demo's
    # has the demo agencies' field staff)
    window, page = open_settings(qtbot, make_window, signed_db)
    qtbot.waitUntil(lambda: window.first_start_dialog is not None)
    assert window.first_start_dialog is not None
    window.first_start_dialog.later_button.click()
    staff = page.view.staff_tab
    page.view.tabs.setCurrentWidget(staff)
    assert staff.stack.currentWidget() is staff.empty_state
    assert "Aucun agent de terrain" in staff.empty_state.text()

    dialog = page.add_staff()
    assert isinstance(dialog, StaffDialog)
    dialog.save_button.click()
    assert dialog.error_label.text() == "Indiquez le matricule de l'agent."
    dialog.matricule_edit.setText("AR-014")
    dialog.name_edit.setText("Koffi Agossou")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("AGENT_RECOUVREMENT"))
    dialog.zones_edit.setText("Z03; Z01")
    save(qtbot, page, dialog.save_button.click)
    assert staff.stack.currentWidget() is staff.table
    row = page.staff_model.row_of("AR-014")
    assert [page.staff_model.index(row, c).data() for c in range(5)] == [
        "AR-014",
        "Koffi Agossou",
        "Agent de recouvrement",
        "Z01, Z03",
        "Oui",
    ]

    page.select_staff("AR-014")
    edit = page.edit_staff()
    assert isinstance(edit, StaffDialog) and edit.matricule_edit.isReadOnly()
    edit.active_box.setChecked(False)
    edit.zones_edit.clear()
    save(qtbot, page, edit.save_button.click)
    assert page.staff_model.index(row, acols.S_ZONES).data() == "toute l'agence"
    assert page.staff_model.index(row, acols.S_ACTIVE).data() == "Non"
    assert [key for _a, key, _d in audit_rows(signed_db, "staff.save")] == ["AR-014", "AR-014"]

    # the filters
    save_staff(signed_db.uow(), ADMIN, "REL-02", "Afi Houessou", "RELEVEUR", ["Z02"], True)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.refresh()
    staff.role_combo.setCurrentIndex(staff.role_combo.findData(StaffRole.RELEVEUR.value))
    assert shown(page.staff_proxy, acols.S_MATRICULE) == ["REL-02"]
    staff.role_combo.setCurrentIndex(0)
    staff.search_edit.setText("agossou")
    assert shown(page.staff_proxy, acols.S_MATRICULE) == ["AR-014"]


# --------------------------------------------------------------------------- plans


def plan_value(db: Database, category: CustomerCategory, field: str) -> object:
    plan = next(p for p in list_plans(db.uow()) if p.category is category)
    return getattr(plan, field)


def test_admin_edits_a_plan_value_in_place_and_in_the_dialog(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    _window, page = open_settings(qtbot, make_window, demo_db)
    plans = page.view.plans_tab
    page.view.tabs.setCurrentWidget(plans)
    table = plans.table

    # in place: double-click opens a spin box; Enter saves through the service
    row = page.plans_model.row_of(CustomerCategory.ORDINAIRE)
    index = page.plans_proxy.mapFromSource(
        page.plans_model.index(row, acols.plan_column("delay_bt_days"))
    )
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.viewport().findChild(QSpinBox)
    assert editor is not None and editor.value() == 30
    editor.setValue(45)
    save(qtbot, page, lambda: qtbot.keyClick(editor, Qt.Key.Key_Return))
    assert plan_value(demo_db, CustomerCategory.ORDINAIRE, "delay_bt_days") == 45
    assert page.plans_model.index(row, acols.plan_column("delay_bt_days")).data() == "45"
    assert audit_rows(demo_db, "plan.update")[-1][:2] == ("admin", "ORDINAIRE")

    # the dialog: only what changed is saved
    page.select_plan(CustomerCategory.VIP.value)
    dialog = page.edit_plan()
    assert isinstance(dialog, PlanDialog)
    dialog.spins["reminder_delay_days"].setValue(10)
    dialog.checks["reminder_first_bt"].setChecked(True)
    save(qtbot, page, dialog.save_button.click)
    assert plan_value(demo_db, CustomerCategory.VIP, "reminder_delay_days") == 10
    assert plan_value(demo_db, CustomerCategory.VIP, "reminder_first_bt") is True
    with demo_db.engine.connect() as conn:
        before, after = conn.execute(
            text(
                "SELECT before, after FROM audit_event WHERE action = 'plan.update' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert '"reminder_first_bt": false' in before and '"reminder_first_bt": true' in after


def test_bad_plan_value_is_refused_in_french_and_changes_nothing(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    _window, page = open_settings(qtbot, make_window, demo_db)
    events = len(audit_rows(demo_db, "plan.update"))
    row = page.plans_model.row_of(CustomerCategory.ORDINAIRE)
    index = page.plans_proxy.mapFromSource(
        page.plans_model.index(row, acols.plan_column("unpaid_threshold"))
    )
    with qtbot.waitSignal(page.refused, timeout=20_000) as refused:
        page.plans_proxy.setData(index, 1)
    message = (
        "Plan « Ordinaire » (ORDINAIRE) : nombre minimal de factures impayées échues ne peut "
        "pas être inférieur à 2, la valeur de la procédure (R3) ; valeur demandée : 1. "
        "Rien n'a été modifié."
    )
    assert refused.args == [message]
    assert [str(exc) for exc, _title in shown_errors.shown] == [message]
    assert plan_value(demo_db, CustomerCategory.ORDINAIRE, "unpaid_threshold") == 2
    assert len(audit_rows(demo_db, "plan.update")) == events

    # the same in the dialog: the message shows there, the dialog stays open
    page.select_plan(CustomerCategory.ORDINAIRE.value)
    dialog = page.edit_plan()
    assert isinstance(dialog, PlanDialog)
    dialog.spins["unpaid_threshold"].setValue(1)
    with qtbot.waitSignal(page.refused, timeout=20_000):
        dialog.save_button.click()
    assert dialog.isVisible() and dialog.error_label.text() == message
    assert len(audit_rows(demo_db, "plan.update")) == events
    dialog.reject()


# --------------------------------------------------------------------------- other roles


def test_other_roles_read_only_and_a_forced_change_is_refused_and_audited(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    _window, page = open_settings(qtbot, make_window, demo_db, ACTOR)
    assert page.view.banner.isVisible()
    assert "Consultation seule" in page.view.banner.text()
    assert "Chef section recouvrement" in page.view.banner.text()
    assert page.users_proxy.rowCount() == len(list_users(demo_db.uow()))
    assert page.plans_proxy.rowCount() == len(CustomerCategory)
    page.select_user("agent")
    assert not any(button.isEnabled() for button in page.action_buttons())
    assert page.view.users_tab.add_button.toolTip() == "Réservé à l'administrateur."
    assert not page.plans_model.flags(page.plans_model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable

    # forced (as if the button were enabled): the service refuses, in the error dialog
    with qtbot.waitSignal(page.refused, timeout=20_000) as refused:
        page.set_active("agent", False)
    assert "n'a pas le rôle requis" in refused.args[0]
    assert isinstance(shown_errors.shown[-1][0], PermissionDenied)
    assert next(u for u in list_users(demo_db.uow()) if u.login == "agent").active
    actor, key, details = audit_rows(demo_db, "refused")[-1]
    assert (actor, key) == ("chef", "ADMINISTER") and details is not None and "role" in details

    with qtbot.waitSignal(page.refused, timeout=20_000):
        page.change_plan(CustomerCategory.ORDINAIRE.value, {"delay_bt_days": "10"})
    assert plan_value(demo_db, CustomerCategory.ORDINAIRE, "delay_bt_days") == 30
    assert len(audit_rows(demo_db, "refused")) >= 2
