"""A read-only table of row objects described by column specs.

A model lists its columns once::

    class UsersModel(RowTableModel[UserInfo]):
        def __init__(self, parent=None):
            super().__init__(parent)
            self.columns = (
                Column(self.tr("Identifiant"), lambda u: u.login),
                Column(self.tr("Nom"), lambda u: u.full_name, sort=by_name),
            )

and :class:`RowTableModel` answers ``rowCount``, ``columnCount``, ``headerData``
and ``data`` (display, tooltip, :data:`SORT_ROLE`, alignment, :data:`ROW_ROLE`)
from them. What a column cannot say (colours, fonts, a whole-row rule) goes in
:meth:`RowTableModel.cell_data`, which runs first.

:data:`ROW_ROLE` gives the row object itself, so a view working through
proxies reads ``index.data(ROW_ROLE)`` without mapping back to the source
model (Vorta does the same).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sbee_desk.gui.models import NO_PARENT, SORT_ROLE

ModelIndex = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

#: the row object of an index (readable through proxies)
ROW_ROLE = Qt.ItemDataRole.UserRole + 10
#: ``data()`` of :meth:`RowTableModel.cell_data` when the column specs should answer
UNHANDLED: Any = object()

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


def row_ranges(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive rows as (first, last) ranges: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    ranges: list[tuple[int, int]] = []
    for row in sorted(rows):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], row)
        else:
            ranges.append((row, row))
    return ranges


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """One column: its header and how a row object fills its cell.

    ``value`` gives the displayed text; ``sort`` the raw sort key (the displayed
    value when None); ``tooltip`` the cell's tooltip (none when None); ``align``
    the alignment of the cell and of its header (none when None);
    ``header_tooltip`` the header's tooltip.
    """

    title: str
    value: Callable[[T], Any]
    sort: Callable[[T], Any] | None = None
    tooltip: Callable[[T], Any] | None = None
    align: Qt.AlignmentFlag | None = None
    header_tooltip: str | None = None


class RowTableModel(QAbstractTableModel, Generic[T]):
    """Read-only rows of objects of type ``T``, one :class:`Column` per column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        self.columns: Sequence[Column[T]] = ()

    # ------------------------------------------------------------------ rows

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[T]:
        return self._rows

    def row(self, row: int) -> T:
        return self._rows[row]

    def row_where(self, predicate: Callable[[T], bool]) -> int:
        """The first row whose object satisfies ``predicate``, or -1."""
        return next((r for r, item in enumerate(self._rows) if predicate(item)), -1)

    def emit_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    # ------------------------------------------------------------ Qt interface

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tooltip
        return None

    def valid(self, index: ModelIndex) -> bool:
        return (
            index.isValid()
            and 0 <= index.row() < len(self._rows)
            and 0 <= index.column() < len(self.columns)
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.valid(index):
            return None
        item, section = self._rows[index.row()], index.column()
        if role == ROW_ROLE:
            return item
        special = self.cell_data(item, section, role)
        if special is not UNHANDLED:
            return special
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(item)
        if role == SORT_ROLE:
            return (column.sort or column.value)(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(item) if column.tooltip is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        return None

    def cell_data(self, item: T, column: int, role: int) -> Any:
        """What the column specs cannot say (colours, fonts…); :data:`UNHANDLED`
        lets them answer."""
        return UNHANDLED

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
