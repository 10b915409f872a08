"""Outcome of an import: counts per table, or the list of problems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sbee_desk.gui.formatting import format_count, import_table_label
from sbee_desk.gui.models import NO_PARENT, SORT_ROLE
from sbee_desk.importers import ImportProblem, TableCounts

ModelIndex = QModelIndex | QPersistentModelIndex

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

#: order of the tables of import-format.md
TABLE_ORDER = ("clients", "contrats", "bordereaux", "factures", "reglements", "interruptions")

COUNT_COL_TABLE, COUNT_COL_INSERTED, COUNT_COL_UPDATED, COUNT_COL_UNCHANGED, COUNT_COL_TOTAL = (
    range(5)
)


def _table_rank(name: str) -> tuple[int, str]:
    lowered = name.lower()
    return (TABLE_ORDER.index(lowered) if lowered in TABLE_ORDER else len(TABLE_ORDER), lowered)


class ImportCountsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, TableCounts]] = []
        self._headers = (
            self.tr("Table"),
            self.tr("Ajoutées"),
            self.tr("Mises à jour"),
            self.tr("Inchangées"),
            self.tr("Total"),
        )

    def set_counts(self, counts: dict[str, TableCounts]) -> None:
        self.beginResetModel()
        self._rows = sorted(counts.items(), key=lambda item: _table_rank(item[0]))
        self.endResetModel()

    def totals(self) -> TableCounts:
        return TableCounts(
            sum(c.inserted for _, c in self._rows),
            sum(c.updated for _, c in self._rows),
            sum(c.unchanged for _, c in self._rows),
        )

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if section == COUNT_COL_TABLE else _RIGHT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._headers)):
            return None
        name, counts = self._rows[row]
        values = (name, counts.inserted, counts.updated, counts.unchanged, counts.total)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COUNT_COL_TABLE:
                return import_table_label(name)
            return format_count(values[column])  # type: ignore[arg-type]
        if role == SORT_ROLE:
            return _table_rank(name)[0] if column == COUNT_COL_TABLE else values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column == COUNT_COL_TABLE else _RIGHT
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


PROBLEM_COL_TABLE, PROBLEM_COL_LINE, PROBLEM_COL_COLUMN, PROBLEM_COL_MESSAGE = range(4)


class ImportProblemsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ImportProblem] = []
        self._headers = (
            self.tr("Table"),
            self.tr("Ligne"),
            self.tr("Colonne"),
            self.tr("Message"),
        )

    def set_problems(self, problems: Sequence[ImportProblem]) -> None:
        self.beginResetModel()
        self._rows = list(problems)
        self.endResetModel()

    @property
    def problems(self) -> list[ImportProblem]:
        return self._rows

    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section == PROBLEM_COL_LINE else _LEFT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._headers)):
            return None
        problem = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == PROBLEM_COL_TABLE:
                return problem.table
            if column == PROBLEM_COL_LINE:
                return str(problem.line) if problem.line else "—"
            if column == PROBLEM_COL_COLUMN:
                return problem.column or "—"
            return problem.message
        if role == SORT_ROLE:
            return (problem.table, problem.line, problem.column, problem.message)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == PROBLEM_COL_MESSAGE:
            return problem.message
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column == PROBLEM_COL_LINE else _LEFT
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
