"""The bordereaux of a selection run, with their counts per decision and their review
status (validated or still to validate)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt
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
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models.base import LEFT, RIGHT, UNHANDLED, Column, RowTableModel
from sbee_desk.gui.style import BANNER_COLOURS, decision_colours
from sbee_desk.services.review import ValidationInfo
from sbee_desk.services.selection import BordereauSummary

#: COL_STATUS: validated or still to validate
COL_CODE, COL_VOLTAGE, COL_PERIOD, COL_STATUS, COL_LINES = range(5)
#: one column per decision, in DECISION_ORDER, after COL_LINES
COL_FIRST_DECISION = COL_LINES + 1
COL_AMOUNT = COL_FIRST_DECISION + len(DECISION_ORDER)


def decision_count_header(decision: Decision) -> str:
    """Column header of a decision's count: its words, plural where French wants it."""
    return DECISION_COUNT_WORDS[decision][1].capitalize()


def _decision_count(summary: BordereauSummary, decision: Decision) -> int:
    return summary.counts.get(decision, 0)


def _decision_text(summary: BordereauSummary, decision: Decision) -> str:
    return format_count(summary.counts.get(decision, 0))


def decision_of_column(column: int) -> Decision | None:
    offset = column - COL_FIRST_DECISION
    return DECISION_ORDER[offset] if 0 <= offset < len(DECISION_ORDER) else None


class BordereauTableModel(RowTableModel[BordereauSummary]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._validations: dict[str, ValidationInfo] = {}
        self._names: dict[str, str] = {}
        self.columns = (
            Column(self.tr("Bordereau"), lambda b: b.code, align=LEFT),
            Column(self.tr("Tension"), lambda b: b.voltage, align=LEFT),
            Column(
                self.tr("Période"),
                lambda b: format_period(b.period),
                sort=lambda b: b.period,
                align=LEFT,
            ),
            Column(
                self.tr("Revue"),
                lambda b: None,  # answered by _status_data
                align=LEFT,
                header_tooltip=self.tr(
                    "« Validé » : la revue du bordereau est figée, ses lettres et ordres "
                    "sont créés."
                ),
            ),
            Column(
                self.tr("Lignes"),
                lambda b: format_count(b.line_count),
                sort=lambda b: b.line_count,
                align=RIGHT,
            ),
            *(
                Column(
                    decision_count_header(d),
                    partial(_decision_text, decision=d),
                    sort=partial(_decision_count, decision=d),
                    align=RIGHT,
                    header_tooltip=self.tr("Lignes « {label} » du bordereau").format(
                        label=decision_label(d)
                    ),
                )
                for d in DECISION_ORDER
            ),
            Column(
                self.tr("Montant dû"),
                lambda b: format_amount(b.amount_due),
                sort=lambda b: b.amount_due,
                align=RIGHT,
            ),
        )
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
        self._validations = dict(validations or {})
        self._names = dict(names or {})
        super().set_rows(rows)

    def validation(self, code: str) -> ValidationInfo | None:
        return self._validations.get(code)

    def person(self, login: str) -> str:
        return self._names.get(login) or login

    def summary(self, row: int) -> BordereauSummary:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        return self.row_where(lambda summary: summary.code == code)

    def cell_data(self, summary: BordereauSummary, column: int, role: int) -> Any:
        if column == COL_STATUS:
            return self._status_data(summary.code, role)
        decision = decision_of_column(column)
        if decision is not None and summary.counts.get(decision, 0):
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._colours[decision][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._colours[decision][1]
        return UNHANDLED

    def _status_data(self, code: str, role: int) -> Any:
        info = self._validations.get(code)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Validé") if info else self.tr("À valider")
        if role == SORT_ROLE:
            return 1 if info else 0
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT
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
