"""Controller of the Paramètres page: the changes — users and roles, field staff,
recovery plans — made by the administrator in dialogs or in place, and the lifting of a
lock after failed sign-ins. The lists, their search and selection, and which actions
are enabled are :class:`~sbee_desk.gui.pages.settings_lists.SettingsLists`'.

The services check the role again and audit every change and every refusal: a forced
action of another role is refused by the service and shown in the one error dialog.
Saving runs in the background (the password hash takes a moment); a dialog stays open
with the service's French message when the input is refused, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from sbee_desk.gui import errors
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.admin_dialogs import (
    AdminDialog,
    PasswordDialog,
    PlanDialog,
    StaffDialog,
    UserDialog,
)
from sbee_desk.gui.formatting import category_label
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.models.admin import field_label
from sbee_desk.gui.pages.settings_backup import BackupSection
from sbee_desk.gui.pages.settings_lists import SettingsLists
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.plans import PlanError, parse_value, update_plan
from sbee_desk.services.users import (
    AccountError,
    StaffInfo,
    create_user,
    save_staff,
    unlock_user,
    update_user,
)


class SettingsPage(SettingsLists):
    """The Paramètres page: its lists (SettingsLists) and the administrator's changes."""

    #: a change was saved (its French description) — or refused, with the reason
    saved = Signal(str)
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: AdminDialog | None = None
        self.confirmation: QMessageBox | None = None
        users, staff, plans = self.view.users_tab, self.view.staff_tab, self.view.plans_tab
        users.add_button.clicked.connect(self.add_user)
        users.edit_button.clicked.connect(self.edit_user)
        users.active_button.clicked.connect(self.toggle_user)
        users.password_button.clicked.connect(self.reset_password)
        users.unlock_button.clicked.connect(self.unlock_selected)
        users.table.doubleClicked.connect(lambda _index: self._double_clicked(self.edit_user))
        staff.add_button.clicked.connect(self.add_staff)
        staff.edit_button.clicked.connect(self.edit_staff)
        staff.table.doubleClicked.connect(lambda _index: self._double_clicked(self.edit_staff))
        plans.edit_button.clicked.connect(self.edit_plan)
        self.view.workstation_tab.agency_combo.currentIndexChanged.connect(
            self._workstation_agency_chosen
        )
        self.plans_model.change_requested.connect(self.change_plan_value)
        self.backups = BackupSection(ctx, self.view.backup_tab, self)
        self.actor_changed()

    def refresh(self) -> None:
        super().refresh()
        self.backups.refresh()

    def actor_changed(self) -> None:
        super().actor_changed()
        if hasattr(self, "backups"):
            self.backups.update_actions()

    # -- saving --------------------------------------------------------------------------
    def _save(
        self,
        title: str,
        work: Callable[[Actor, TaskContext], Any],
        done: str,
        dialog: AdminDialog | None = None,
    ) -> None:
        """Run ``work(actor, ctx)`` in the background, as the signed-in user.

        Bad input (AccountError, PlanError) goes back into ``dialog`` when there is one,
        else to the error dialog; a refusal (PermissionDenied) closes the dialog and
        goes to the error dialog. Either way nothing was changed.
        """

        def start(actor: Actor) -> None:
            self.saving = True
            self._update_actions()

            def failed(exc: BaseException) -> bool:
                self.refused.emit(str(exc))
                if dialog is not None and isinstance(exc, AccountError | PlanError):
                    dialog.refuse(str(exc))
                    return True
                if dialog is not None:
                    dialog.set_busy(False)
                    dialog.reject()
                return False

            def succeeded(_result: Any) -> None:
                if dialog is not None:
                    dialog.saved()
                self.message.emit(done)
                self.data_changed.emit(Change.PEOPLE | Change.PLANS)
                self.refresh()
                self.saved.emit(done)

            task = self.ctx.tasks.start(
                lambda ctx: work(actor, ctx),
                title=title,
                on_success=succeeded,
                on_error=failed,
            )
            task.ended.connect(self._save_ended)

        self.ctx.with_actor(start)

    def _save_ended(self) -> None:
        self.saving = False
        self._update_actions()

    def _open(self, dialog: AdminDialog, on_submit: Callable[[], None]) -> AdminDialog:
        self.dialog = dialog
        dialog.submitted.connect(on_submit)
        return open_modal(dialog, lambda _accepted: self._dialog_closed(dialog))

    def _dialog_closed(self, dialog: AdminDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # users
    def add_user(self) -> AdminDialog:
        dialog = UserDialog(None, self.view)

        def submit() -> None:
            login, name = dialog.login_edit.text().strip(), dialog.name_edit.text()
            roles, password = dialog.roles(), dialog.password_edit.text()
            self._save(
                self.tr("Création de l'utilisateur"),
                lambda actor, ctx: create_user(ctx.uow(), actor, login, name, roles, password),
                self.tr("Utilisateur « {login} » créé.").format(login=login),
                dialog,
            )

        return self._open(dialog, submit)

    def edit_user(self) -> AdminDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = UserDialog(user, self.view)

        def submit() -> None:
            name, roles = dialog.name_edit.text(), dialog.roles()
            self.update_user(user.login, dialog=dialog, full_name=name, roles=roles)

        return self._open(dialog, submit)

    def update_user(self, login: str, *, dialog: AdminDialog | None = None, **changes: Any) -> None:
        """Change a user through the service (roles=, active=, full_name=, password=)."""
        self._save(
            self.tr("Modification de l'utilisateur"),
            lambda actor, ctx: update_user(ctx.uow(), actor, login, **changes),
            self.tr("Utilisateur « {login} » modifié.").format(login=login),
            dialog,
        )

    def toggle_user(self) -> QMessageBox | None:
        """Deactivate (after confirmation) or reactivate the selected user."""
        user = self.selected_user()
        if user is None:
            return None
        if not user.active:
            self.set_active(user.login, True)
            return None
        box = QMessageBox(self.view)
        box.setObjectName("confirmDeactivate")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Désactiver un compte"))
        box.setText(
            self.tr(
                "Désactiver le compte « {login} » ({name}) ? Il ne pourra plus se connecter "
                "ni agir ; son historique reste au journal d'audit. Vous pourrez le "
                "réactiver."
            ).format(login=user.login, name=user.full_name)
        )
        yes = box.addButton(self.tr("Désactiver"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Annuler"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(QMessageBox.StandardButton.NoButton)
        login = user.login
        self.confirmation = box
        return open_modal(
            box,
            lambda _accepted: self.set_active(login, False) if box.clickedButton() is yes else None,
        )

    def set_active(self, login: str, active: bool) -> None:
        self._save(
            self.tr("Modification de l'utilisateur"),
            lambda actor, ctx: update_user(ctx.uow(), actor, login, active=active),
            (
                self.tr("Compte « {login} » réactivé.")
                if active
                else self.tr("Compte « {login} » désactivé.")
            ).format(login=login),
        )

    def reset_password(self) -> AdminDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = PasswordDialog(user, self.view)

        def submit() -> None:
            self.update_user(user.login, dialog=dialog, password=dialog.password_edit.text())

        return self._open(dialog, submit)

    def unlock_selected(self) -> None:
        """Lift the lock of the selected account (failed sign-ins); password unchanged."""
        user = self.selected_user()
        if user is not None and self.users_model.locked(user):
            self.unlock(user.login)

    def unlock(self, login: str) -> None:
        self._save(
            self.tr("Déverrouillage du compte"),
            lambda actor, ctx: unlock_user(ctx.uow(), actor, login),
            self.tr("Compte « {login} » déverrouillé (mot de passe inchangé).").format(login=login),
        )

    # staff
    def add_staff(self) -> AdminDialog:
        return self._open_staff(None)

    def edit_staff(self) -> AdminDialog | None:
        member = self.selected_staff()
        return self._open_staff(member) if member is not None else None

    def _open_staff(self, member: StaffInfo | None) -> AdminDialog:
        dialog = StaffDialog(member, self.view)

        def submit() -> None:
            matricule = dialog.matricule_edit.text().strip()
            self.save_staff(
                matricule,
                dialog.name_edit.text(),
                dialog.role(),
                dialog.zones(),
                dialog.active_box.isChecked(),
                dialog=dialog,
            )

        return self._open(dialog, submit)

    def save_staff(
        self,
        matricule: str,
        name: str,
        role: str,
        zones: list[str],
        active: bool,
        *,
        dialog: AdminDialog | None = None,
    ) -> None:
        self._save(
            self.tr("Enregistrement de l'agent"),
            lambda actor, ctx: save_staff(ctx.uow(), actor, matricule, name, role, zones, active),
            self.tr("Agent {matricule} enregistré.").format(matricule=matricule),
            dialog,
        )

    # plans
    def edit_plan(self) -> AdminDialog | None:
        plan = self.selected_plan()
        if plan is None:
            return None
        dialog = PlanDialog(plan, self.view)

        def submit() -> None:
            changes = dialog.changes()
            if not changes:
                dialog.saved()
                return
            self.change_plan(plan.category.value, changes, dialog=dialog)

        return self._open(dialog, submit)

    def change_plan_value(self, category: str, field: str, raw: str) -> None:
        """A value edited in place in the table."""
        self.change_plan(category, {field: raw})

    def change_plan(
        self, category: str, raw: dict[str, str], *, dialog: AdminDialog | None = None
    ) -> None:
        """Check the typed values (French message, nothing changed), then save them."""
        try:
            changes = {name: parse_value(name, text) for name, text in raw.items()}
        except PlanError as exc:
            message = str(exc)
            message = message[:1].upper() + message[1:]  # it starts with a field's label
            self.refused.emit(message)
            if dialog is not None:
                dialog.refuse(message)
            else:
                errors.show_error(
                    self.view, PlanError(message), self.tr("Modification du plan de recouvrement")
                )
            return
        words = ", ".join(field_label(name) for name in changes)
        self._save(
            self.tr("Modification du plan de recouvrement"),
            lambda actor, ctx: update_plan(ctx.uow(), actor, category, changes),
            self.tr("Plan « {category} » modifié : {fields}.").format(
                category=category_label(category), fields=words.lower()
            ),
            dialog,
        )
