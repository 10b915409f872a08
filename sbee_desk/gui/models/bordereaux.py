"""The bordereaux of a selection run, with their counts per decision and their review
status (validated or still to validate)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from sbee_desk.domain.enums import Decision
from sbee_desk.gui.formatting import (
    DECISION_COUNT_WORDS,
    DECISION_ORDER,
    decision_label,
    format_amount,
    format_count,
    format_datetime,
    format_period,
)
from sbee_desk.gui.models import NO_PARENT, SORT_ROLE
from sbee_desk.gui.style import BANNER_COLOURS, decision_colours
from sbee_desk.services.review import ValidationInfo
from sbee_desk.services.selection import BordereauSummary

ModelIndex = QModelIndex | QPersistentModelIndex

#: COL_STATUS: validated or still to validate
COL_CODE, COL_VOLTAGE, COL_PERIOD, COL_STATUS, COL_LINES = range(5)
#: one column per decision, in DECISION_ORDER, after COL_LINES
COL_FIRST_DECISION = COL_LINES + 1
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
        self._validations: dict[str, ValidationInfo] = {}
        self._names: dict[str, str] = {}
        self._headers = [
            self.tr("Bordereau"),
            self.tr("Tension"),
            self.tr("Période"),
            self.tr("Revue"),
            self.tr("Lignes"),
            *(decision_count_header(d) for d in DECISION_ORDER),
            self.tr("Montant dû"),
        ]
        self._colours = {d: decision_colours(d) for d in Decision}
        background, _border, text = BANNER_COLOURS["success"]
        self._validated_colours = (QColor(background), QColor(text))

    def set_rows(
        self,
        rows: Sequence[BordereauSummary],
        validations: dict[str, ValidationInfo] | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        """``validations`` by bordereau code; ``names``: full name of each login."""
        self.beginResetModel()
        self._rows = list(rows)
        self._validations = dict(validations or {})
        self._names = dict(names or {})
        self.endResetModel()

    def validation(self, code: str) -> ValidationInfo | None:
        return self._validations.get(code)

    def person(self, login: str) -> str:
        return self._names.get(login) or login

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
            if section == COL_STATUS:
                return self.tr(
                    "« Validé » : la revue du bordereau est figée, ses lettres et ordres "
                    "sont créés."
                )
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
        if column == COL_STATUS:
            return self._status_data(summary.code, role)
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

    def _status_data(self, code: str, role: int) -> Any:
        info = self._validations.get(code)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Validé") if info else self.tr("À valider")
        if role == SORT_ROLE:
            return 1 if info else 0
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        if info is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._validated_colours[0]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._validated_colours[1]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Validé par {name} le {when}").format(
                name=self.person(info.validated_by), when=format_datetime(info.validated_at)
            )
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
