"""The lines of a bordereau (détail des relançables) and their filter.

Filtering (decision, search on police or name) and sorting are done by the model
itself, in bulk; see :class:`CandidateTableModel`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from sbee_desk.domain.enums import Decision
from sbee_desk.gui.formatting import (
    category_label,
    decision_label,
    format_amount,
    format_count,
    format_date,
    search_key,
)
from sbee_desk.gui.models import DECISION_ROLE, NO_PARENT, SORT_ROLE
from sbee_desk.gui.style import decision_colours, decision_icon
from sbee_desk.services.selection import CandidateLine

ModelIndex = QModelIndex | QPersistentModelIndex

(
    COL_POLICE,
    COL_CUSTOMER,
    COL_DECISION,
    COL_UNPAID,
    COL_AMOUNT,
    COL_SUSPENDED_ON,
    COL_DAYS,
    COL_CATEGORY,
    COL_VOLTAGE,
    COL_ADDRESS,
    COL_QUARTIER,
    COL_ZONE,
    COL_REASON,
) = range(13)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = {COL_UNPAID, COL_AMOUNT, COL_DAYS}

_DECISION_RANK = {
    Decision.RESILIATION: 0,
    Decision.RELANCE: 1,
    Decision.ATTENTE_RELANCE: 2,
    Decision.EXEMPTE: 3,
}

_DISPLAY: tuple[Callable[[CandidateLine], str], ...] = (
    lambda line: line.police,
    lambda line: line.customer_name,
    lambda line: decision_label(line.decision),
    lambda line: format_count(line.unpaid_count),
    lambda line: format_amount(line.amount_due),
    lambda line: format_date(line.suspended_on),
    lambda line: format_count(line.days_suspended),
    lambda line: category_label(line.category),
    lambda line: line.voltage.value,
    lambda line: line.address or "",
    lambda line: line.quartier or "",
    lambda line: line.zone_code or "",
    lambda line: line.reason,
)

_SORT_KEY: tuple[Callable[[CandidateLine], Any], ...] = (
    lambda line: line.police,
    lambda line: search_key(line.customer_name),
    lambda line: _DECISION_RANK[line.decision],
    lambda line: line.unpaid_count,
    lambda line: line.amount_due,
    lambda line: line.suspended_on,
    lambda line: line.days_suspended,
    lambda line: category_label(line.category),
    lambda line: line.voltage.value,
    lambda line: search_key(line.address),
    lambda line: search_key(line.quartier),
    lambda line: line.zone_code or "",
    lambda line: line.reason,
)


class CandidateTableModel(QAbstractTableModel):
    """All the lines of a bordereau; the rows shown are those passing the filter.

    Filtering and sorting run here, over plain Python lists (a list comprehension,
    one ``sort``): on 50 000 lines that takes milliseconds, where a
    QSortFilterProxyModel calling back into Python for each row (``filterAcceptsRow``,
    ``lessThan``) takes seconds. :class:`CandidateFilterProxy` is the view's face
    for them.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[CandidateLine] = []
        self._loaded: Sequence[CandidateLine] = ()
        #: search key of each line, by id(line): filled on the first search or ahead
        self._keys: dict[int, str] = {}
        self._shown: list[CandidateLine] = []
        self._decision: Decision | None = None
        self._needle = ""
        self._headers = (
            self.tr("Police"),
            self.tr("Client"),
            self.tr("Décision"),
            self.tr("Impayés"),
            self.tr("Montant dû"),
            self.tr("Suspendu le"),
            self.tr("Jours"),
            self.tr("Catégorie"),
            self.tr("Tension"),
            self.tr("Adresse"),
            self.tr("Quartier"),
            self.tr("Zone"),
            self.tr("Motif"),
        )
        self._header_tips = {
            COL_UNPAID: self.tr("Nombre de factures impayées échues à la date du traitement"),
            COL_DAYS: self.tr("Jours écoulés depuis la suspension, à la date du traitement"),
            COL_AMOUNT: self.tr("Solde des factures impayées échues"),
        }
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._icons = {d: decision_icon(d) for d in Decision}
        self._colours = {d: decision_colours(d) for d in Decision}

    # -- content -------------------------------------------------------------
    def set_lines(self, lines: Sequence[CandidateLine]) -> None:
        self.beginResetModel()
        self._loaded = lines
        self._all = list(lines)
        self._keys = {}
        if self._sort is not None:
            self._all.sort(key=_SORT_KEY[self._sort[0]], reverse=self._descending())
        self._shown = self._filtered()
        self.endResetModel()

    def line(self, row: int) -> CandidateLine:
        """The line shown at ``row``."""
        return self._shown[row]

    @property
    def lines(self) -> list[CandidateLine]:
        """Every line of the bordereau, filtered or not, in the current order."""
        return self._all

    def prime_search_keys(self, lines: Sequence[CandidateLine], keys: Sequence[str]) -> None:
        """Search keys computed ahead (off the UI thread) for ``lines``, if still shown."""
        if lines is self._loaded:
            self._keys = {id(line): key for line, key in zip(lines, keys, strict=True)}

    def _key(self, line: CandidateLine) -> str:
        key = self._keys.get(id(line))
        if key is None:
            key = self._keys[id(line)] = search_key(line.police, line.customer_name)
        return key

    @property
    def total_count(self) -> int:
        return len(self._all)

    def counts(self) -> dict[Decision, int]:
        result = dict.fromkeys(Decision, 0)
        for line in self._all:
            result[line.decision] += 1
        return result

    # -- filter ----------------------------------------------------------------
    @property
    def decision_filter(self) -> Decision | None:
        return self._decision

    @property
    def search(self) -> str:
        return self._needle

    def set_filter(self, decision: Decision | None, search: str) -> None:
        """Show the lines of ``decision`` (None: all) whose police or name contains
        ``search`` (case and accents ignored)."""
        needle = search_key(search.strip())
        if (decision, needle) == (self._decision, self._needle):
            return
        self.beginResetModel()
        self._decision, self._needle = decision, needle
        self._shown = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[CandidateLine]:
        decision, needle = self._decision, self._needle
        if decision is None and not needle:
            return list(self._all)
        if not needle:
            return [line for line in self._all if line.decision is decision]
        key = self._key
        return [
            line
            for line in self._all
            if (decision is None or line.decision is decision) and needle in key(line)
        ]

    # -- QAbstractTableModel ---------------------------------------------------
    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips.get(section)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in _NUMERIC else _LEFT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._shown) and 0 <= column < len(_DISPLAY)):
            return None
        line = self._shown[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return _DISPLAY[column](line)
        if role == SORT_ROLE:
            return _SORT_KEY[column](line)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _NUMERIC else _LEFT
        if column == COL_DECISION:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._colours[line.decision][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._colours[line.decision][1]
            if role == Qt.ItemDataRole.DecorationRole:
                return self._icons[line.decision]
        if role == DECISION_ROLE:
            return line.decision.value
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_CUSTOMER:
                return self.tr("Client {code} — {category}").format(
                    code=line.customer_code, category=category_label(line.category)
                )
            if column in (COL_REASON, COL_ADDRESS, COL_DECISION):
                return line.reason
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(_SORT_KEY):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        key = _SORT_KEY[column]
        everything = self._all
        order_of_rows = sorted(
            range(len(everything)), key=lambda i: key(everything[i]), reverse=self._descending()
        )
        self._all = [everything[i] for i in order_of_rows]
        old_shown = self._shown
        self._shown = self._filtered()
        new_row = {id(line): row for row, line in enumerate(self._shown)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [self.index(new_row[id(old_shown[i.row()])], i.column()) for i in persistent],
        )
        self.layoutChanged.emit()

    def _descending(self) -> bool:
        return self._sort is not None and self._sort[1] == Qt.SortOrder.DescendingOrder


class CandidateFilterProxy(QSortFilterProxyModel):
    """The view's filter and sort, done in bulk by :class:`CandidateTableModel`.

    This proxy never calls back into Python per row: it keeps Qt's C++ fast path
    (no filter pattern, no sort column) and hands filtering and sorting to the
    source model.
    """

    def _source(self) -> CandidateTableModel:
        model = self.sourceModel()
        assert isinstance(model, CandidateTableModel)
        return model

    @property
    def decision(self) -> Decision | None:
        return self._source().decision_filter

    @property
    def search(self) -> str:
        return self._source().search

    def set_decision(self, decision: Decision | None) -> None:
        self._source().set_filter(decision, self._source().search)

    def set_search(self, text: str) -> None:
        self._source().set_filter(self._source().decision_filter, text)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source().sort(column, order)
