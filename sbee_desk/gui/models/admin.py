"""Table models of the Paramètres page: users, field staff, recovery plans."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.domain.permissions import ROLE_LABELS, Role
from sbee_desk.domain.plans import PlanValues
from sbee_desk.gui.formatting import category_label, format_datetime, search_key
from sbee_desk.gui.models import NO_PARENT, SORT_ROLE
from sbee_desk.services.plans import FIELD_LABELS
from sbee_desk.services.users import STAFF_ROLE_LABELS, StaffInfo, StaffRole, UserInfo

ModelIndex = QModelIndex | QPersistentModelIndex

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter
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


class _ListModel(QAbstractTableModel):
    """Read-only rows of plain values, one header per column."""

    headers: tuple[str, ...] = ()

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else self._row_count()

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def _row_count(self) -> int:
        raise NotImplementedError

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _valid(self, index: ModelIndex) -> bool:
        return (
            index.isValid()
            and 0 <= index.row() < self._row_count()
            and 0 <= index.column() < len(self.headers)
        )


# --------------------------------------------------------------------------- users

U_LOGIN, U_NAME, U_ROLES, U_ACTIVE, U_LOCKED = range(5)


class UsersModel(_ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[UserInfo] = []
        self._now = dt.datetime.now(dt.UTC)
        self.headers = (
            self.tr("Identifiant"),
            self.tr("Nom"),
            self.tr("Rôles"),
            self.tr("Actif"),
            self.tr("Verrouillé jusqu'au"),
        )

    def set_users(self, users: Sequence[UserInfo], now: dt.datetime | None = None) -> None:
        self.beginResetModel()
        self._rows = list(users)
        self._now = now or dt.datetime.now(dt.UTC)
        self.endResetModel()

    def _row_count(self) -> int:
        return len(self._rows)

    def user(self, row: int) -> UserInfo:
        return self._rows[row]

    @property
    def users(self) -> list[UserInfo]:
        return self._rows

    def row_of(self, login: str) -> int:
        return next((r for r, u in enumerate(self._rows) if u.login == login), -1)

    def locked(self, user: UserInfo) -> bool:
        return user.locked_until is not None and user.locked_until > self._now

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        user, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == U_LOGIN:
                return user.login
            if column == U_NAME:
                return user.full_name
            if column == U_ROLES:
                return ", ".join(role_label(r) for r in user.roles)
            if column == U_ACTIVE:
                return yes_no(user.active)
            return format_datetime(user.locked_until) if self.locked(user) else ""
        if role == SORT_ROLE:
            if column == U_LOGIN:
                return user.login
            if column == U_NAME:
                return search_key(user.full_name)
            if column == U_ROLES:
                return search_key(", ".join(role_label(r) for r in user.roles))
            if column == U_ACTIVE:
                return int(user.active)
            return user.locked_until.timestamp() if self.locked(user) and user.locked_until else 0
        if role == SEARCH_ROLE:
            return search_key(
                user.login, user.full_name, " ".join(role_label(r) for r in user.roles)
            )
        if role == Qt.ItemDataRole.ToolTipRole and column == U_ROLES:
            return "\n".join(role_label(r) for r in user.roles)
        if role == Qt.ItemDataRole.ToolTipRole and column == U_LOCKED and self.locked(user):
            return self.tr(
                "Verrouillé après des échecs de connexion : un nouveau mot de passe le "
                "déverrouille."
            )
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return QBrush(QColor(INACTIVE_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole and column == U_LOCKED:
            return QBrush(QColor(LOCKED_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None


# --------------------------------------------------------------------------- staff

S_MATRICULE, S_NAME, S_FUNCTION, S_ZONES, S_ACTIVE = range(5)


def zones_text(zones: Sequence[str]) -> str:
    return ", ".join(zones) if zones else _tr("toute l'agence")


class StaffModel(_ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StaffInfo] = []
        self.headers = (
            self.tr("Matricule"),
            self.tr("Nom"),
            self.tr("Fonction"),
            self.tr("Zones"),
            self.tr("Actif"),
        )

    def set_staff(self, staff: Sequence[StaffInfo]) -> None:
        self.beginResetModel()
        self._rows = list(staff)
        self.endResetModel()

    def _row_count(self) -> int:
        return len(self._rows)

    def member(self, row: int) -> StaffInfo:
        return self._rows[row]

    @property
    def staff(self) -> list[StaffInfo]:
        return self._rows

    def row_of(self, matricule: str) -> int:
        return next((r for r, s in enumerate(self._rows) if s.matricule == matricule), -1)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        member, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                member.matricule,
                member.name,
                staff_role_label(member.role),
                zones_text(member.zones),
                yes_no(member.active),
            )[column]
        if role == SORT_ROLE:
            return (
                member.matricule,
                search_key(member.name),
                search_key(staff_role_label(member.role)),
                ",".join(member.zones),
                int(member.active),
            )[column]
        if role == SEARCH_ROLE:
            return search_key(
                member.matricule, member.name, staff_role_label(member.role), " ".join(member.zones)
            )
        if role == Qt.ItemDataRole.ForegroundRole and not member.active:
            return QBrush(QColor(INACTIVE_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None


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


class PlansModel(_ListModel):
    """One row per customer category; the values may be edited in place (ADMIN).

    Editing does not change the row: it asks (:attr:`change_requested`) the page to
    save the new value through the service, which validates and audits it; the
    page then reloads the plans.
    """

    #: (category code, field name, new value as typed: "12", "oui"/"non")
    change_requested = Signal(str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PlanValues] = []
        self.editable = False
        self.headers = (self.tr("Catégorie"), *(field_header(f) for f in PLAN_FIELDS))

    def set_plans(self, plans: Sequence[PlanValues]) -> None:
        self.beginResetModel()
        self._rows = list(plans)
        self.endResetModel()

    def set_editable(self, editable: bool) -> None:
        if editable != self.editable:
            self.editable = editable
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, len(self.headers) - 1)
                )

    def _row_count(self) -> int:
        return len(self._rows)

    def plan(self, row: int) -> PlanValues:
        return self._rows[row]

    @property
    def plans(self) -> list[PlanValues]:
        return self._rows

    def row_of(self, category: CustomerCategory | str) -> int:
        return next((r for r, p in enumerate(self._rows) if p.category.value == str(category)), -1)

    @staticmethod
    def field_of(column: int) -> str | None:
        return PLAN_FIELDS[column - 1] if 1 <= column <= len(PLAN_FIELDS) else None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        field = self.field_of(section) if orientation == Qt.Orientation.Horizontal else None
        if field is not None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return field_label(field)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTRE
        return super().headerData(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        plan, column = self._rows[index.row()], index.column()
        field = self.field_of(column)
        if field is None:  # the category
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return category_label(plan.category)
            if role == SORT_ROLE:
                return list(CustomerCategory).index(plan.category)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _LEFT
            return None
        value = getattr(plan, field)
        if role == Qt.ItemDataRole.DisplayRole:
            return yes_no(value) if field in BOOLEAN_FIELDS else str(value)
        if role in (Qt.ItemDataRole.EditRole, SORT_ROLE):
            return bool(value) if field in BOOLEAN_FIELDS else int(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{category_label(plan.category)} — {field_label(field)}"
            if self.editable:
                tip += "\n" + self.tr("Double-cliquez pour modifier.")
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and self.field_of(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        field = self.field_of(index.column()) if self._valid(index) else None
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
