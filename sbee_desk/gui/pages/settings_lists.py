"""The lists of the Paramètres page — users and roles, field staff, recovery plans:
loading them in the background, searching, selecting, and which actions the signed-in
user finds enabled. The changes themselves (dialogs, saving) are
:class:`sbee_desk.gui.pages.settings_page.SettingsPage`'s.

Everyone may read the three lists; only the administrator (Action.ADMINISTER) finds
the actions enabled (the services check the role again).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
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
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from sbee_desk.domain.permissions import Action
from sbee_desk.domain.plans import PlanValues
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.admin_dialogs import PLAN_MAXIMUM
from sbee_desk.gui.formatting import plural, search_key
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import admin as acols
from sbee_desk.gui.models.admin import (
    BOOLEAN_FIELDS,
    SEARCH_ROLE,
    PlansModel,
    StaffModel,
    UsersModel,
    role_label,
)
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.settings_view import SettingsView
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.plans import list_plans
from sbee_desk.services.selection import list_agencies
from sbee_desk.services.users import StaffInfo, UserInfo, list_staff, list_users

ModelIndex = QModelIndex | QPersistentModelIndex
TAB_USERS, TAB_STAFF, TAB_PLANS = range(3)


@dataclass(frozen=True)
class SettingsData:
    users: list[UserInfo]
    staff: list[StaffInfo]
    plans: list[PlanValues]
    #: (code, name) of the agencies of the database, for « Ce poste »
    agencies: list[tuple[str, str | None]] = field(default_factory=list)


def load_settings(ctx: TaskContext) -> SettingsData:
    return SettingsData(
        list_users(ctx.uow()),
        list_staff(ctx.uow()),
        list_plans(ctx.uow()),
        list_agencies(ctx.uow()),
    )


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


class SettingsLists(Page):
    """The three lists and the state of the actions; the actions are the subclass's."""

    key = "settings"
    depends_on = Change.PEOPLE | Change.PLANS
    view: SettingsView

    #: the three lists were (re)loaded
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = SettingsView()
        #: a change is being saved: the actions wait for it
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
        users.table.selectionModel().selectionChanged.connect(self._update_actions)

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
        staff.table.selectionModel().selectionChanged.connect(self._update_actions)

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
        plans.table.selectionModel().selectionChanged.connect(self._update_actions)

        view.tabs.setCurrentIndex(ctx.settings.integer("settings/tab", TAB_USERS))
        view.tabs.currentChanged.connect(lambda tab: ctx.settings.set_integer("settings/tab", tab))

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
        self._set_agencies(data.agencies)
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
            text += " " + self.tr(
                "{locked} après des échecs de connexion (l'administrateur peut déverrouiller)."
            ).format(
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

    def _set_agencies(self, agencies: list[tuple[str, str | None]]) -> None:
        combo = self.view.workstation_tab.agency_combo
        chosen = self.ctx.settings.workstation_agency()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Toutes les agences (aucun contrôle)"), "")
        codes = [code for code, _name in agencies]
        if chosen and chosen not in codes:  # set before, not in this database
            agencies = [*agencies, (chosen, self.tr("absente de la base"))]
        for code, name in agencies:
            combo.addItem(f"{code} — {name}" if name else code, code)
        combo.setCurrentIndex(max(0, combo.findData(chosen or "")))
        combo.blockSignals(False)

    def _workstation_agency_chosen(self, _index: int) -> None:
        code = self.view.workstation_tab.agency_combo.currentData()
        self.ctx.settings.set_workstation_agency(str(code or ""))
        self.data_changed.emit(Change.LETTERS)

    def actor_changed(self) -> None:
        admin = self.may_administer
        self.view.workstation_tab.agency_combo.setEnabled(admin)
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
        users.unlock_button.setEnabled(admin and user is not None and self.users_model.locked(user))
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
            users.unlock_button,
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
            users.unlock_button,
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

    def save_state(self) -> None:
        settings = self.ctx.settings
        settings.save_header("settings/users", self.view.users_tab.table.horizontalHeader())
        settings.save_header("settings/staff", self.view.staff_tab.table.horizontalHeader())
