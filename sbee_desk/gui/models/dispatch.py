"""The Répartition page's tables (#14): the orders waiting (with the agent the
proposal or the chef gives them, or why nobody), and the agents with their load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from sbee_desk.gui.models.base import RIGHT, UNHANDLED, Column, RowTableModel
from sbee_desk.services.dispatch import AgentRow, OrderRow
from sbee_desk.wording.labels import ORDER_STATUS_LABELS

(
    COL_NUMBER,
    COL_POLICE,
    COL_CUSTOMER,
    COL_ZONE,
    COL_QUARTIER,
    COL_BORDEREAU,
    COL_AGE,
    COL_STATUS,
    COL_AGENT,
) = range(9)
#: what a drag of orders carries: their rows in the orders table, comma-separated
ORDER_ROWS_MIME = "application/x-sbee-desk-order-rows"
LEFT_COLOUR = "#9a2a2a"
GIVEN_COLOUR = "#1e7a3c"


def tr(text: str) -> str:
    return QCoreApplication.translate("Dispatch", text)


@dataclass(frozen=True)
class DispatchLine:
    """An order waiting, and who it goes to on confirmation (none: « non répartie »)."""

    order: OrderRow
    staff_id: int | None = None
    matricule: str | None = None
    #: why the proposal gave it nobody (French words)
    left_reason: str | None = None


class OrdersModel(RowTableModel[DispatchLine]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on = dt.date.today()
        self.columns = (
            Column(tr("N° ordre"), lambda x: x.order.number),
            Column(tr("Police"), lambda x: x.order.police),
            Column(tr("Client"), lambda x: x.order.customer_name),
            Column(tr("Zone"), lambda x: x.order.zone or "—"),
            Column(tr("Quartier"), lambda x: x.order.quartier or "—"),
            Column(tr("Bordereau"), lambda x: x.order.bordereau or "—"),
            Column(
                tr("Âge (j)"),
                lambda x: "" if x.order.age(self.on) is None else str(x.order.age(self.on)),
                sort=lambda x: x.order.age(self.on) or 0,
                align=RIGHT,
                header_tooltip=tr("Jours depuis l'édition de l'ordre"),
            ),
            Column(tr("Statut"), lambda x: ORDER_STATUS_LABELS[x.order.status]),
            Column(
                tr("Agent"),
                lambda x: (
                    x.matricule or tr("non répartie : {why}").format(why=x.left_reason or "—")
                    if x.matricule or x.left_reason
                    else "—"
                ),
                tooltip=lambda x: x.left_reason,
            ),
        )

    def cell_data(self, item: DispatchLine, column: int, role: int) -> Any:
        if column == COL_AGENT and role == Qt.ItemDataRole.ForegroundRole:
            if item.matricule:
                return QColor(GIVEN_COLOUR)
            if item.left_reason:
                return QColor(LEFT_COLOUR)
        if column == COL_AGENT and role == Qt.ItemDataRole.FontRole and item.matricule:
            font = QFont()
            font.setBold(True)
            return font
        return UNHANDLED

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [ORDER_ROWS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The rows dragged (to an agent of the agents table)."""
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data.setData(ORDER_ROWS_MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def give(self, rows: list[int], staff_id: int, matricule: str) -> None:
        """The chef moves these rows to an agent (before confirming)."""
        for row in rows:
            self._rows[row] = replace(
                self._rows[row], staff_id=staff_id, matricule=matricule, left_reason=None
            )
            self.emit_row_changed(row)


class AgentsModel(RowTableModel[AgentRow]):
    #: orders dropped on an agent: (rows of the orders table, staff id)
    orders_dropped = Signal(list, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: staff id → visits given in the page (proposal and moves), not yet confirmed
        self.planned: dict[int, int] = {}
        self.capacity = 12
        self.columns = (
            Column(tr("Matricule"), lambda a: a.matricule),
            Column(tr("Nom"), lambda a: a.name),
            Column(tr("Zones"), lambda a: ", ".join(a.zones) or tr("toutes")),
            Column(
                tr("Déjà confiés"),
                lambda a: str(a.load),
                sort=lambda a: a.load,
                align=RIGHT,
                header_tooltip=tr("Visites déjà confiées pour ce jour"),
            ),
            Column(
                tr("Charge prévue"),
                lambda a: f"{a.load + self.planned.get(a.staff_id, 0)} / {self.capacity}",
                sort=lambda a: a.load + self.planned.get(a.staff_id, 0),
                align=RIGHT,
            ),
        )

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDropEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [ORDER_ROWS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Orders dropped on an agent's row: they go to that agent."""
        target = parent.row() if parent.isValid() else row
        if not data.hasFormat(ORDER_ROWS_MIME) or not 0 <= target < len(self._rows):
            return False
        text = bytes(data.data(ORDER_ROWS_MIME).data()).decode()
        rows = [int(r) for r in text.split(",") if r]
        if not rows:
            return False
        self.orders_dropped.emit(rows, self._rows[target].staff_id)
        return False  # nothing to remove from the orders table: the page updates it

    def set_planned(self, planned: dict[int, int], capacity: int) -> None:
        self.beginResetModel()
        self.planned, self.capacity = planned, capacity
        self.endResetModel()
