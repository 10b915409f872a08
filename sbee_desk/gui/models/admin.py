"""Table models of the Paramètres page: users, field staff, recovery plans."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.domain.permissions import Role
from sbee_desk.domain.plans import PlanValues
from sbee_desk.gui.formatting import category_label, format_datetime, search_key
from sbee_desk.gui.models.base import CENTRE, LEFT, UNHANDLED, Column, RowTableModel
from sbee_desk.services.users import StaffInfo, StaffRole, UserInfo
from sbee_desk.wording.labels import PLAN_FIELD_LABELS as FIELD_LABELS
from sbee_desk.wording.labels import ROLE_LABELS, STAFF_ROLE_LABELS

ModelIndex = QModelIndex | QPersistentModelIndex

#: text of what no longer counts (a disabled account, an inactive agent)
INACTIVE_COLOUR = "#6c757d"
#: text of the end of a lockout (the date says it too)
LOCKED_COLOUR = "#9a4d00"
#: what the search field compares against
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


def _tr(text: str, context: str = "AdminModels") -> str:
    return QCoreApplication.translate(context, text)


def role_label(role: Role | str) -> str:
    return QCoreApplication.translate("Role", ROLE_LABELS[Role(role)])


def staff_role_label(role: StaffRole | str) -> str:
    return QCoreApplication.translate("StaffRole", STAFF_ROLE_LABELS[StaffRole(role)])


def yes_no(value: bool) -> str:
    return _tr("Oui") if value else _tr("Non")


# --------------------------------------------------------------------------- users

U_LOGIN, U_NAME, U_ROLES, U_ACTIVE, U_LOCKED = range(5)


def _roles_text(user: UserInfo) -> str:
    return ", ".join(role_label(r) for r in user.roles)


class UsersModel(RowTableModel[UserInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = dt.datetime.now(dt.UTC)
        self.columns = (
            Column(self.tr("Identifiant"), lambda u: u.login, align=LEFT),
            Column(
                self.tr("Nom"),
                lambda u: u.full_name,
                sort=lambda u: search_key(u.full_name),
                align=LEFT,
            ),
            Column(
                self.tr("Rôles"),
                _roles_text,
                sort=lambda u: search_key(_roles_text(u)),
                tooltip=lambda u: "\n".join(role_label(r) for r in u.roles),
                align=LEFT,
            ),
            Column(
                self.tr("Actif"),
                lambda u: yes_no(u.active),
                sort=lambda u: int(u.active),
                align=LEFT,
            ),
            Column(
                self.tr("Verrouillé jusqu'au"),
                self._locked_text,
                sort=self._locked_key,
                tooltip=self._locked_tip,
                align=LEFT,
            ),
        )

    def set_users(self, users: Sequence[UserInfo], now: dt.datetime | None = None) -> None:
        self._now = now or dt.datetime.now(dt.UTC)
        self.set_rows(users)

    def user(self, row: int) -> UserInfo:
        return self._rows[row]

    @property
    def users(self) -> list[UserInfo]:
        return self._rows

    def row_of(self, login: str) -> int:
        return self.row_where(lambda u: u.login == login)

    def locked(self, user: UserInfo) -> bool:
        return user.locked_until is not None and user.locked_until > self._now

    def _locked_text(self, user: UserInfo) -> str:
        return format_datetime(user.locked_until) if self.locked(user) else ""

    def _locked_key(self, user: UserInfo) -> float:
        return user.locked_until.timestamp() if self.locked(user) and user.locked_until else 0

    def _locked_tip(self, user: UserInfo) -> str | None:
        if not self.locked(user):
            return None
        return self.tr(
            "Verrouillé après des échecs de connexion : « Déverrouiller » (ou un nouveau mot "
            "de passe) le déverrouille tout de suite."
        )

    def cell_data(self, user: UserInfo, column: int, role: int) -> Any:
        if role == SEARCH_ROLE:
            return search_key(
                user.login, user.full_name, " ".join(role_label(r) for r in user.roles)
            )
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return QBrush(QColor(INACTIVE_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole and column == U_LOCKED:
            return QBrush(QColor(LOCKED_COLOUR))
        return UNHANDLED


# --------------------------------------------------------------------------- staff

S_MATRICULE, S_NAME, S_FUNCTION, S_ZONES, S_ACTIVE = range(5)


def zones_text(zones: Sequence[str]) -> str:
    return ", ".join(zones) if zones else _tr("toute l'agence")


class StaffModel(RowTableModel[StaffInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(self.tr("Matricule"), lambda m: m.matricule, align=LEFT),
            Column(self.tr("Nom"), lambda m: m.name, sort=lambda m: search_key(m.name), align=LEFT),
            Column(
                self.tr("Fonction"),
                lambda m: staff_role_label(m.role),
                sort=lambda m: search_key(staff_role_label(m.role)),
                align=LEFT,
            ),
            Column(
                self.tr("Zones"),
                lambda m: zones_text(m.zones),
                sort=lambda m: ",".join(m.zones),
                align=LEFT,
            ),
            Column(
                self.tr("Actif"),
                lambda m: yes_no(m.active),
                sort=lambda m: int(m.active),
                align=LEFT,
            ),
        )

    def set_staff(self, staff: Sequence[StaffInfo]) -> None:
        self.set_rows(staff)

    def member(self, row: int) -> StaffInfo:
        return self._rows[row]

    @property
    def staff(self) -> list[StaffInfo]:
        return self._rows

    def row_of(self, matricule: str) -> int:
        return self.row_where(lambda s: s.matricule == matricule)

    def cell_data(self, member: StaffInfo, column: int, role: int) -> Any:
        if role == SEARCH_ROLE:
            return search_key(
                member.matricule, member.name, staff_role_label(member.role), " ".join(member.zones)
            )
        if role == Qt.ItemDataRole.ForegroundRole and not member.active:
            return QBrush(QColor(INACTIVE_COLOUR))
        return UNHANDLED


# --------------------------------------------------------------------------- plans

P_CATEGORY = 0
#: the plan values, one column each after the category, in FIELD_LABELS order
PLAN_FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)
BOOLEAN_FIELDS = frozenset({"exempt", "reminder_first_bt", "reminder_first_mt"})


def plan_column(field: str) -> int:
    return PLAN_FIELDS.index(field) + 1


def field_label(field: str) -> str:
    """``Délai après suspension BT (jours)``: the French label, capitalised."""
    label = QCoreApplication.translate("PlanField", FIELD_LABELS[field])
    return label[:1].upper() + label[1:]


def field_header(field: str, width: int = 13) -> str:
    """The label on a few short lines, so that ten columns fit a 1366-pixel screen."""
    return "\n".join(textwrap.wrap(field_label(field), width, break_long_words=False))


def _plan_value(plan: PlanValues, field: str) -> bool | int:
    value = getattr(plan, field)
    return bool(value) if field in BOOLEAN_FIELDS else int(value)


def _plan_text(plan: PlanValues, field: str) -> str:
    value = getattr(plan, field)
    return yes_no(value) if field in BOOLEAN_FIELDS else str(value)


class PlansModel(RowTableModel[PlanValues]):
    """One row per customer category; the values may be edited in place (ADMIN).

    Editing does not change the row: it asks (:attr:`change_requested`) the page to
    save the new value through the service, which validates and audits it; the
    page then reloads the plans.
    """

    #: (category code, field name, new value as typed: "12", "oui"/"non")
    change_requested = Signal(str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editable = False
        self.columns = (
            Column(
                self.tr("Catégorie"),
                lambda p: category_label(p.category),
                sort=lambda p: list(CustomerCategory).index(p.category),
                tooltip=lambda p: category_label(p.category),
                align=LEFT,
            ),
            *(
                Column(
                    field_header(f),
                    partial(_plan_text, field=f),
                    sort=partial(_plan_value, field=f),
                    tooltip=partial(self._plan_tip, field=f),
                    align=CENTRE,
                    header_tooltip=field_label(f),
                )
                for f in PLAN_FIELDS
            ),
        )

    def set_plans(self, plans: Sequence[PlanValues]) -> None:
        self.set_rows(plans)

    def set_editable(self, editable: bool) -> None:
        if editable != self.editable:
            self.editable = editable
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1)
                )

    def plan(self, row: int) -> PlanValues:
        return self._rows[row]

    @property
    def plans(self) -> list[PlanValues]:
        return self._rows

    def row_of(self, category: CustomerCategory | str) -> int:
        return self.row_where(lambda p: p.category.value == str(category))

    @staticmethod
    def field_of(column: int) -> str | None:
        return PLAN_FIELDS[column - 1] if 1 <= column <= len(PLAN_FIELDS) else None

    def _plan_tip(self, plan: PlanValues, field: str) -> str:
        tip = f"{category_label(plan.category)} — {field_label(field)}"
        if self.editable:
            tip += "\n" + self.tr("Double-cliquez pour modifier.")
        return tip

    def cell_data(self, plan: PlanValues, column: int, role: int) -> Any:
        field = self.field_of(column)
        if role == Qt.ItemDataRole.EditRole:
            return None if field is None else _plan_value(plan, field)
        return UNHANDLED

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and self.field_of(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        field = self.field_of(index.column()) if self.valid(index) else None
        if role != Qt.ItemDataRole.EditRole or field is None or not self.editable:
            return False
        plan = self._rows[index.row()]
        if field in BOOLEAN_FIELDS:
            wanted = bool(value)
            if wanted == getattr(plan, field):
                return False
            raw = "oui" if wanted else "non"
        else:
            raw = str(value).strip()
            if raw == str(getattr(plan, field)):
                return False
        self.change_requested.emit(plan.category.value, field, raw)
        return True
