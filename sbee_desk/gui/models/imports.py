"""Outcome of an import: counts per table, or the list of problems."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject

from sbee_desk.gui.formatting import format_count, import_table_label
from sbee_desk.gui.models.base import LEFT, RIGHT, Column, RowTableModel
from sbee_desk.services.importing import ImportProblem, TableCounts

#: order of the tables of import-format.md
TABLE_ORDER = ("clients", "contrats", "bordereaux", "factures", "reglements", "interruptions")

COUNT_COL_TABLE, COUNT_COL_INSERTED, COUNT_COL_UPDATED, COUNT_COL_UNCHANGED, COUNT_COL_TOTAL = (
    range(5)
)


def _table_rank(name: str) -> tuple[int, str]:
    lowered = name.lower()
    return (TABLE_ORDER.index(lowered) if lowered in TABLE_ORDER else len(TABLE_ORDER), lowered)


def _count_column(title: str, count: str) -> Column[tuple[str, TableCounts]]:
    return Column(
        title,
        lambda row: format_count(getattr(row[1], count)),
        sort=lambda row: getattr(row[1], count),
        align=RIGHT,
    )


class ImportCountsModel(RowTableModel[tuple[str, TableCounts]]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(
                self.tr("Table"),
                lambda row: import_table_label(row[0]),
                sort=lambda row: _table_rank(row[0])[0],
                align=LEFT,
            ),
            _count_column(self.tr("Ajoutées"), "inserted"),
            _count_column(self.tr("Mises à jour"), "updated"),
            _count_column(self.tr("Inchangées"), "unchanged"),
            _count_column(self.tr("Total"), "total"),
        )

    def set_counts(self, counts: dict[str, TableCounts]) -> None:
        self.set_rows(sorted(counts.items(), key=lambda item: _table_rank(item[0])))

    def totals(self) -> TableCounts:
        return TableCounts(
            sum(c.inserted for _, c in self._rows),
            sum(c.updated for _, c in self._rows),
            sum(c.unchanged for _, c in self._rows),
        )


PROBLEM_COL_TABLE, PROBLEM_COL_LINE, PROBLEM_COL_COLUMN, PROBLEM_COL_MESSAGE = range(4)


class ImportProblemsModel(RowTableModel[ImportProblem]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(self.tr("Table"), lambda p: p.table, align=LEFT),
            Column(
                self.tr("Ligne"),
                lambda p: str(p.line) if p.line else "—",
                sort=lambda p: p.line,
                align=RIGHT,
            ),
            Column(
                self.tr("Colonne"), lambda p: p.column or "—", sort=lambda p: p.column, align=LEFT
            ),
            Column(
                self.tr("Message"), lambda p: p.message, tooltip=lambda p: p.message, align=LEFT
            ),
        )

    def set_problems(self, problems: Sequence[ImportProblem]) -> None:
        self.set_rows(problems)

    @property
    def problems(self) -> list[ImportProblem]:
        return self._rows
