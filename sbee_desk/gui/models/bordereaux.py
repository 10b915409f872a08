"""The bordereaux of a selection run, with their counts per decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sbee_desk.domain.enums import Decision
from sbee_desk.gui.formatting import (
    DECISION_COUNT_WORDS,
    DECISION_ORDER,
    decision_label,
    format_amount,
    format_count,
    format_period,
)
from sbee_desk.gui.models import NO_PARENT, SORT_ROLE
from sbee_desk.gui.style import decision_colours
from sbee_desk.services.selection import BordereauSummary

ModelIndex = QModelIndex | QPersistentModelIndex

COL_CODE, COL_VOLTAGE, COL_PERIOD, COL_LINES = range(4)
#: one column per decision, in DECISION_ORDER, after COL_LINES
COL_FIRST_DECISION = 4
COL_AMOUNT = COL_FIRST_DECISION + len(DECISION_ORDER)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def decision_count_header(decision: Decision) -> str:
    """Column header of a decision's count: its words, plural where French wants it."""
    return DECISION_COUNT_WORDS[decision][1].capitalize()


def decision_of_column(column: int) -> Decision | None:
    offset = column - COL_FIRST_DECISION
    return DECISION_ORDER[offset] if 0 <= offset < len(DECISION_ORDER) else None


class BordereauTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BordereauSummary] = []
        self._headers = [
            self.tr("Bordereau"),
            self.tr("Tension"),
            self.tr("Période"),
            self.tr("Lignes"),
            *(decision_count_header(d) for d in DECISION_ORDER),
            self.tr("Montant dû"),
        ]
        self._colours = {d: decision_colours(d) for d in Decision}

    def set_rows(self, rows: Sequence[BordereauSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def summary(self, row: int) -> BordereauSummary:
        return self._rows[row]

    @property
    def rows(self) -> list[BordereauSummary]:
        return self._rows

    def row_of(self, code: str) -> int:
        for row, summary in enumerate(self._rows):
            if summary.code == code:
                return row
        return -1

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
            return _RIGHT if section >= COL_LINES else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            decision = decision_of_column(section)
            if decision is not None:
                return self.tr("Lignes « {label} » du bordereau").format(
                    label=decision_label(decision)
                )
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._headers)):
            return None
        summary = self._rows[row]
        decision = decision_of_column(column)
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            raw: Any
            if column == COL_CODE:
                raw = summary.code
            elif column == COL_VOLTAGE:
                raw = summary.voltage
            elif column == COL_PERIOD:
                if role == SORT_ROLE:
                    return summary.period
                return format_period(summary.period)
            elif column == COL_LINES:
                raw = summary.line_count
            elif column == COL_AMOUNT:
                if role == SORT_ROLE:
                    return summary.amount_due
                return format_amount(summary.amount_due)
            else:
                assert decision is not None
                raw = summary.counts.get(decision, 0)
            if role == Qt.ItemDataRole.DisplayRole and isinstance(raw, int):
                return format_count(raw)
            return raw
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column >= COL_LINES else _LEFT
        if decision is not None and summary.counts.get(decision, 0):
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._colours[decision][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._colours[decision][1]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
