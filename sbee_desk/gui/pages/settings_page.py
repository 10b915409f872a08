"""Controller of the Paramètres page: users and roles, field staff, recovery plans.

Everyone may read the three lists; only the administrator (Action.ADMINISTER)
finds the actions enabled. The services check the role again and audit every
change and every refusal: a forced action of another role is refused by the
service and shown in the one error dialog. Saving runs in the background (the
password hash takes a moment); a dialog stays open with the service's French
message when the input is refused, and nothing is changed.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QMessageBox,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from sbee_desk.domain.permissions import Action
from sbee_desk.domain.plans import PlanValues
from sbee_desk.gui import errors
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.admin_dialogs import (
    PLAN_MAXIMUM,
    AdminDialog,
    PasswordDialog,
    PlanDialog,
    StaffDialog,
    UserDialog,
)
from sbee_desk.gui.formatting import category_label, plural, search_key
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import admin as acols
from sbee_desk.gui.models.admin import (
    BOOLEAN_FIELDS,
    SEARCH_ROLE,
    PlansModel,
    StaffModel,
    UsersModel,
    field_label,
    role_label,
)
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.settings_view import SettingsView
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.plans import PlanError, list_plans, parse_value, update_plan
from sbee_desk.services.users import (
    AccountError,
    StaffInfo,
    UserInfo,
    create_user,
    list_staff,
    list_users,
    save_staff,
    update_user,
)

ModelIndex = QModelIndex | QPersistentModelIndex
TAB_USERS, TAB_STAFF, TAB_PLANS = range(3)


@dataclass(frozen=True)
class SettingsData:
    users: list[UserInfo]
    staff: list[StaffInfo]
    plans: list[PlanValues]


def load_settings(ctx: TaskContext) -> SettingsData:
    return SettingsData(list_users(ctx.uow()), list_staff(ctx.uow()), list_plans(ctx.uow()))


class SearchProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE; keeps the rows whose search key holds every typed word, and
    (staff) whose function is the chosen one."""

    def __init__(self, parent: QObject | None = None, function_column: int = -1) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._words: list[str] = []
        self._function = ""
        self._function_column = function_column

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = search_key(text).split()
        self.endFilterChange()

    def set_function(self, label: str) -> None:
        self.beginFilterChange()
        self._function = label
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if self._function and self._function_column >= 0:
            shown = model.index(source_row, self._function_column, source_parent).data()
            if shown != self._function:
                return False
        if not self._words:
            return True
        key = str(model.index(source_row, 0, source_parent).data(SEARCH_ROLE) or "")
        return all(word in key for word in self._words)


class PlanValueDelegate(QStyledItemDelegate):
    """Edits a plan value in place: a number of days / invoices, or Oui / Non."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        field = PlansModel.field_of(index.column())
        if field in BOOLEAN_FIELDS:
            combo = QComboBox(parent)
            combo.addItem(self.tr("Oui"), True)
            combo.addItem(self.tr("Non"), False)
            return combo
        spin = QSpinBox(parent)
        spin.setRange(0, PLAN_MAXIMUM)
        spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return spin

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(0 if value else 1)
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, bool(editor.currentData()), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class SettingsPage(Page):
    key = "settings"
    depends_on = Change.PEOPLE | Change.PLANS
    view: SettingsView

    #: the three lists were (re)loaded
    loaded = Signal()
    #: a change was saved (its French description) — or refused, with the reason
    saved = Signal(str)
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = SettingsView()
        self.dialog: AdminDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.saving = False

        # users
        self.users_model = UsersModel(self)
        self.users_proxy = SearchProxy(self)
        self.users_proxy.setSourceModel(self.users_model)
        users = view.users_tab
        users.table.setModel(self.users_proxy)
        users.table.set_column_widths(
            {acols.U_LOGIN: 130, acols.U_NAME: 230, acols.U_ROLES: 380, acols.U_ACTIVE: 70}
        )
        users.table.sortByColumn(acols.U_LOGIN, Qt.SortOrder.AscendingOrder)
        ctx.settings.restore_header("settings/users", users.table.horizontalHeader())
        users.search_edit.textChanged.connect(self._search_users)
        users.add_button.clicked.connect(self.add_user)
        users.edit_button.clicked.connect(self.edit_user)
        users.active_button.clicked.connect(self.toggle_user)
        users.password_button.clicked.connect(self.reset_password)
        users.table.selectionModel().selectionChanged.connect(self._update_actions)
        users.table.doubleClicked.connect(lambda _index: self._double_clicked(self.edit_user))

        # staff
        self.staff_model = StaffModel(self)
        self.staff_proxy = SearchProxy(self, function_column=acols.S_FUNCTION)
        self.staff_proxy.setSourceModel(self.staff_model)
        staff = view.staff_tab
        staff.table.setModel(self.staff_proxy)
        staff.table.set_column_widths(
            {acols.S_MATRICULE: 120, acols.S_NAME: 260, acols.S_FUNCTION: 200, acols.S_ZONES: 300}
        )
        staff.table.sortByColumn(acols.S_NAME, Qt.SortOrder.AscendingOrder)
        ctx.settings.restore_header("settings/staff", staff.table.horizontalHeader())
        staff.search_edit.textChanged.connect(self._search_staff)
        staff.role_combo.currentIndexChanged.connect(self._filter_staff_function)
        staff.add_button.clicked.connect(self.add_staff)
        staff.edit_button.clicked.connect(self.edit_staff)
        staff.table.selectionModel().selectionChanged.connect(self._update_actions)
        staff.table.doubleClicked.connect(lambda _index: self._double_clicked(self.edit_staff))

        # plans
        self.plans_model = PlansModel(self)
        self.plans_proxy = SearchProxy(self)
        self.plans_proxy.setSourceModel(self.plans_model)
        plans = view.plans_tab
        plans.table.setModel(self.plans_proxy)
        plans.table.sortByColumn(acols.P_CATEGORY, Qt.SortOrder.AscendingOrder)
        plans.table.setSortingEnabled(False)
        self.plan_delegate = PlanValueDelegate(plans.table)
        plans.table.setItemDelegate(self.plan_delegate)
        # the nine values share the width left by the category: no column hidden
        # beyond the right edge at 1366 pixels; their titles wrap on a few lines
        header = plans.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setSectionsMovable(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(acols.P_CATEGORY, QHeaderView.ResizeMode.Fixed)
        plans.table.setColumnWidth(acols.P_CATEGORY, 230)
        plans.edit_button.clicked.connect(self.edit_plan)
        plans.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.plans_model.change_requested.connect(self.change_plan_value)

        view.tabs.setCurrentIndex(ctx.settings.integer("settings/tab", TAB_USERS))
        view.tabs.currentChanged.connect(lambda tab: ctx.settings.set_integer("settings/tab", tab))
        self.actor_changed()

    @property
    def nav_label(self) -> str:
        return self.tr("Paramètres")

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.ctx.tasks.start(
            load_settings, title=self.tr("Lecture des paramètres"), on_success=self._loaded
        )

    def _loaded(self, data: SettingsData) -> None:
        users_table, staff_table = self.view.users_tab.table, self.view.staff_tab.table
        user = self.selected_user()
        member = self.selected_staff()
        plan_row = self._current_plan_row()
        plan_column = self.view.plans_tab.table.currentIndex().column()

        self.users_model.set_users(data.users)
        self.staff_model.set_staff(data.staff)
        self.plans_model.set_plans(data.plans)
        if user is not None:
            self._select(users_table, self.users_proxy, self.users_model.row_of(user.login))
        if member is not None:
            self._select(staff_table, self.staff_proxy, self.staff_model.row_of(member.matricule))
        if plan_row >= 0:
            index = self.plans_proxy.index(plan_row, max(plan_column, 0))
            self.view.plans_tab.table.setCurrentIndex(index)
        self.view.staff_tab.stack.setCurrentWidget(
            self.view.staff_tab.table if data.staff else self.view.staff_tab.empty_state
        )
        self._update_status()
        self._update_actions()
        self.loaded.emit()

    @staticmethod
    def _select(table: QAbstractItemView, proxy: QSortFilterProxyModel, source_row: int) -> None:
        if source_row < 0:
            return
        index = proxy.mapFromSource(proxy.sourceModel().index(source_row, 0))
        if index.isValid():
            table.selectRow(index.row())  # type: ignore[attr-defined]

    def _update_status(self) -> None:
        users = self.users_model.users
        active = sum(1 for u in users if u.active)
        locked = sum(1 for u in users if self.users_model.locked(u))
        text = self.tr("{users}, dont {active}.").format(
            users=plural(len(users), self.tr("utilisateur"), self.tr("utilisateurs")),
            active=plural(active, self.tr("actif"), self.tr("actifs")),
        )
        if locked:
            text += " " + self.tr("{locked} après des échecs de connexion.").format(
                locked=plural(locked, self.tr("compte verrouillé"), self.tr("comptes verrouillés"))
            )
        self.view.users_tab.status_label.setText(text)
        staff = self.staff_model.staff
        self.view.staff_tab.status_label.setText(
            self.tr("{staff}, dont {active}.").format(
                staff=plural(len(staff), self.tr("agent"), self.tr("agents")),
                active=plural(
                    sum(1 for s in staff if s.active),
                    self.tr("en activité"),
                    self.tr("en activité"),
                ),
            )
            if staff
            else ""
        )

    # -- who may do what ---------------------------------------------------------------
    @property
    def may_administer(self) -> bool:
        return self.ctx.may(Action.ADMINISTER)

    def actor_changed(self) -> None:
        admin = self.may_administer
        self.plans_model.set_editable(admin)
        triggers = (
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
            if admin
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.view.plans_tab.table.setEditTriggers(triggers)
        self.view.plans_tab.hint_label.setText(
            self.tr("Double-cliquez une valeur pour la modifier sur place (Entrée valide).")
            if admin
            else ""
        )
        if admin:
            self.view.banner.clear()
        else:
            roles = (
                ", ".join(role_label(r) for r in sorted(self.ctx.actor.roles))
                if (self.ctx.actor)
                else ""
            )
            self.view.banner.show_message(
                "info",
                self.tr(
                    "<b>Consultation seule.</b> Votre rôle ({roles}) ne permet pas de "
                    "modifier ces paramètres : adressez-vous à l'administrateur."
                ).format(roles=html.escape(roles)),
            )
        self._update_actions()

    def _update_actions(self) -> None:
        admin = self.may_administer and not self.saving
        tip = "" if self.may_administer else self.tr("Réservé à l'administrateur.")
        users = self.view.users_tab
        user = self.selected_user()
        users.add_button.setEnabled(admin)
        users.edit_button.setEnabled(admin and user is not None)
        users.password_button.setEnabled(admin and user is not None)
        users.active_button.setEnabled(admin and user is not None)
        users.active_button.setText(
            self.tr("Réactiver") if user is not None and not user.active else self.tr("Désactiver")
        )
        staff = self.view.staff_tab
        staff.add_button.setEnabled(admin)
        staff.edit_button.setEnabled(admin and self.selected_staff() is not None)
        plans = self.view.plans_tab
        plans.edit_button.setEnabled(admin and self._current_plan_row() >= 0)
        for button in (
            users.add_button,
            users.edit_button,
            users.password_button,
            users.active_button,
            staff.add_button,
            staff.edit_button,
            plans.edit_button,
        ):
            button.setToolTip(tip)

    def action_buttons(self) -> list[Any]:
        """Every button that changes something (tests: enabled only for ADMIN)."""
        users, staff = self.view.users_tab, self.view.staff_tab
        return [
            users.add_button,
            users.edit_button,
            users.active_button,
            users.password_button,
            staff.add_button,
            staff.edit_button,
            self.view.plans_tab.edit_button,
        ]

    # -- selection -----------------------------------------------------------------------
    def selected_user(self) -> UserInfo | None:
        index = self.view.users_tab.table.currentIndex()
        rows = self.view.users_tab.table.selectionModel().selectedRows()
        if not rows or not index.isValid():
            return None
        return self.users_model.user(self.users_proxy.mapToSource(rows[0]).row())

    def select_user(self, login: str) -> None:
        self._select(self.view.users_tab.table, self.users_proxy, self.users_model.row_of(login))

    def selected_staff(self) -> StaffInfo | None:
        rows = self.view.staff_tab.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.staff_model.member(self.staff_proxy.mapToSource(rows[0]).row())

    def select_staff(self, matricule: str) -> None:
        self._select(
            self.view.staff_tab.table, self.staff_proxy, self.staff_model.row_of(matricule)
        )

    def _current_plan_row(self) -> int:
        index = self.view.plans_tab.table.currentIndex()
        if not index.isValid():
            return -1
        return self.plans_proxy.mapToSource(index).row()

    def selected_plan(self) -> PlanValues | None:
        row = self._current_plan_row()
        return self.plans_model.plan(row) if row >= 0 else None

    def select_plan(self, category: str) -> None:
        row = self.plans_model.row_of(category)
        if row >= 0:
            index = self.plans_proxy.mapFromSource(self.plans_model.index(row, 0))
            self.view.plans_tab.table.setCurrentIndex(index)

    def _search_users(self, text: str) -> None:
        self.users_proxy.set_search(text)

    def _search_staff(self, text: str) -> None:
        self.staff_proxy.set_search(text)

    def _filter_staff_function(self, _index: int) -> None:
        combo = self.view.staff_tab.role_combo
        self.staff_proxy.set_function(combo.currentText() if combo.currentData() else "")

    def _double_clicked(self, action: Callable[[], object]) -> None:
        if self.may_administer:
            action()

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

    def save_state(self) -> None:
        settings = self.ctx.settings
        settings.save_header("settings/users", self.view.users_tab.table.horizontalHeader())
        settings.save_header("settings/staff", self.view.staff_tab.table.horizontalHeader())
