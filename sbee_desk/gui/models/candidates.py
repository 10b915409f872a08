"""The lines of a bordereau (détail des relançables) and their filter.

Filtering (decision, excluded lines, search on police or name) and sorting are done
by the model itself, in bulk; see :class:`CandidateTableModel`. A line the chef
excluded stays in the list, greyed and struck through, its motif column saying
"Exclue : <motif>" (words, not only the colour).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from sbee_desk.domain.enums import Decision, OrderKind
from sbee_desk.gui.formatting import (
    category_label,
    decision_label,
    format_amount,
    format_count,
    format_date,
    search_key,
)
from sbee_desk.gui.models import DECISION_ROLE, NO_PARENT, SORT_ROLE
from sbee_desk.gui.models.base import row_ranges
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

#: text and background of an excluded line (struck through as well)
EXCLUDED_TEXT = QColor("#6b7683")
EXCLUDED_BACKGROUND = QColor("#eceff2")


def tr(text: str) -> str:
    return QCoreApplication.translate("CandidateTableModel", text)


def motif(line: CandidateLine) -> str:
    """What the motif column says: the exclusion first, else the decision's reason."""
    if line.excluded_reason is not None:
        return tr("Exclue : {reason}").format(reason=line.excluded_reason)
    return line.reason


def decision_text(line: CandidateLine) -> str:
    """The decision, said excluded when the chef excluded the line: « Exclue (À résilier) »."""
    if line.excluded_reason is not None:
        return tr("Exclue ({decision})").format(decision=decision_label(line.decision))
    return decision_label(line.decision)


@dataclass(frozen=True)
class ReviewCounts:
    """What validating the bordereau would do with its lines as they stand now."""

    letters: int = 0
    depose_orders: int = 0
    index_orders: int = 0
    excluded: int = 0
    waiting: int = 0
    exempt: int = 0

    @property
    def orders(self) -> int:
        return self.depose_orders + self.index_orders


_DISPLAY: tuple[Callable[[CandidateLine], str], ...] = (
    lambda line: line.police,
    lambda line: line.customer_name,
    lambda line: decision_text(line),
    lambda line: format_count(line.unpaid_count),
    lambda line: format_amount(line.amount_due),
    lambda line: format_date(line.suspended_on),
    lambda line: format_count(line.days_suspended),
    lambda line: category_label(line.category),
    lambda line: line.voltage.value,
    lambda line: line.address or "",
    lambda line: line.quartier or "",
    lambda line: line.zone_code or "",
    motif,
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
    motif,
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
        #: row of each police in ``_shown``, built when asked
        self._rows: dict[str, int] | None = None
        self._decision: Decision | None = None
        self._excluded_only = False
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
            COL_REASON: self.tr(
                "Motif de la décision, ou de l'exclusion quand le chef a exclu la ligne"
            ),
        }
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._icons = {d: decision_icon(d) for d in Decision}
        self._colours = {d: decision_colours(d) for d in Decision}
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    # -- content -------------------------------------------------------------
    def set_lines(self, lines: Sequence[CandidateLine]) -> None:
        self.beginResetModel()
        self._loaded = lines
        self._all = list(lines)
        self._keys = {}
        if self._sort is not None:
            self._all.sort(key=_SORT_KEY[self._sort[0]], reverse=self._descending())
        self._set_shown(self._filtered())
        self.endResetModel()

    def line(self, row: int) -> CandidateLine:
        """The line shown at ``row``."""
        return self._shown[row]

    def row_of(self, police: str) -> int:
        """Row where ``police`` is shown, -1 if filtered out or absent."""
        if self._rows is None:
            self._rows = {line.police: row for row, line in enumerate(self._shown)}
        return self._rows.get(police, -1)

    def _set_shown(self, shown: list[CandidateLine]) -> None:
        self._shown = shown
        self._rows = None

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

    def excluded_count(self) -> int:
        return sum(1 for line in self._all if line.excluded_reason is not None)

    def review_counts(self) -> ReviewCounts:
        """Letters, orders and the rest if the bordereau were validated now (before R7)."""
        letters = depose = index = excluded = waiting = exempt = 0
        for line in self._all:
            if line.excluded_reason is not None:
                excluded += 1
            elif line.decision is Decision.RELANCE:
                letters += 1
            elif line.decision is Decision.RESILIATION:
                if line.order_kind is OrderKind.CONTROLE_INDEX:
                    index += 1
                else:
                    depose += 1
            elif line.decision is Decision.ATTENTE_RELANCE:
                waiting += 1
            else:
                exempt += 1
        return ReviewCounts(letters, depose, index, excluded, waiting, exempt)

    # -- review ------------------------------------------------------------------
    def mark_excluded(self, polices: Iterable[str], reason: str | None) -> int:
        """Show ``polices`` excluded with ``reason`` (None: brought back). Returns how
        many lines changed. Rows stay where they are unless the filter hides them."""
        wanted = set(polices)
        changed = 0
        for i, line in enumerate(self._all):
            if line.police in wanted and line.excluded_reason != reason:
                self._all[i] = replace(line, excluded_reason=reason)
                changed += 1
        if not changed:
            return 0
        if self._excluded_only:  # lines join or leave the filter: show it again
            self.beginResetModel()
            self._set_shown(self._filtered())
            self.endResetModel()
            return changed
        fresh = {line.police: line for line in self._all if line.police in wanted}
        rows = []
        for row, line in enumerate(self._shown):
            new = fresh.get(line.police)
            if new is not None and new is not line:
                self._shown[row] = new
                rows.append(row)
        last = self.columnCount() - 1
        for first_row, last_row in row_ranges(rows):
            self.dataChanged.emit(self.index(first_row, 0), self.index(last_row, last))
        return changed

    # -- filter ----------------------------------------------------------------
    @property
    def decision_filter(self) -> Decision | None:
        return self._decision

    @property
    def excluded_only(self) -> bool:
        return self._excluded_only

    @property
    def search(self) -> str:
        return self._needle

    def set_filter(
        self, decision: Decision | None, search: str, excluded_only: bool = False
    ) -> None:
        """Show the lines of ``decision`` (None: all), only the excluded ones if
        ``excluded_only``, whose police or name contains ``search`` (case and accents
        ignored)."""
        needle = search_key(search.strip())
        if (decision, needle, excluded_only) == (self._decision, self._needle, self._excluded_only):
            return
        self.beginResetModel()
        self._decision, self._needle, self._excluded_only = decision, needle, excluded_only
        self._set_shown(self._filtered())
        self.endResetModel()

    def _filtered(self) -> list[CandidateLine]:
        decision, needle, excluded_only = self._decision, self._needle, self._excluded_only
        lines = self._all
        if excluded_only:
            lines = [line for line in lines if line.excluded_reason is not None]
        if decision is None and not needle:
            return list(lines)
        if not needle:
            return [line for line in lines if line.decision is decision]
        key = self._key
        return [
            line
            for line in lines
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
        if role == DECISION_ROLE:
            return line.decision.value
        excluded = line.excluded_reason is not None
        if excluded:
            if role == Qt.ItemDataRole.ForegroundRole:
                return EXCLUDED_TEXT
            if role == Qt.ItemDataRole.BackgroundRole:
                return EXCLUDED_BACKGROUND
            if role == Qt.ItemDataRole.FontRole and column != COL_REASON:
                return self._struck
        if column == COL_DECISION:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._colours[line.decision][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._colours[line.decision][1]
            if role == Qt.ItemDataRole.DecorationRole:
                return self._icons[line.decision]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_CUSTOMER:
                return self.tr("Client {code} — {category}").format(
                    code=line.customer_code, category=category_label(line.category)
                )
            if column in (COL_REASON, COL_ADDRESS, COL_DECISION):
                if excluded:
                    return self.tr("{motif}\nDécision du traitement : {reason}").format(
                        motif=motif(line), reason=line.reason
                    )
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
        self._set_shown(self._filtered())
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

    def set_decision(self, decision: Decision | None, excluded_only: bool = False) -> None:
        source = self._source()
        source.set_filter(decision, source.search, excluded_only)

    def set_search(self, text: str) -> None:
        source = self._source()
        source.set_filter(source.decision_filter, text, source.excluded_only)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source().sort(column, order)
