"""Table model of the Journal d'audit: one page of events, worded in French."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.gui.formatting import local_datetime
from sbee_desk.gui.models import NO_PARENT, SORT_ROLE
from sbee_desk.services.audit_log import (
    AuditEntry,
    action_label,
    describe_actor,
    describe_change,
    describe_details,
    describe_object,
)

ModelIndex = QModelIndex | QPersistentModelIndex

COL_DATE, COL_USER, COL_ACTION, COL_OBJECT, COL_CHANGE, COL_DETAILS = range(6)
#: text colour of refusals (the words "Action refusée" say it too)
REFUSED_COLOUR = "#842029"
#: background of the first event at fault when the chain does not verify (the banner
#: names it, its tooltip and the detail pane say it)
BROKEN_BACKGROUND = "#f8d7da"
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def format_moment(entry: AuditEntry) -> str:
    """``28/11/2026 08h30``, the workstation's local time."""
    local = local_datetime(entry.occurred_at)
    return f"{local:%d/%m/%Y} {local:%H}h{local:%M}"


@dataclass(frozen=True, slots=True)
class AuditLine:
    """An event and its words, computed once when the page arrives."""

    entry: AuditEntry
    texts: tuple[str, str, str, str, str, str]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditLine:
        return cls(
            entry,
            (
                format_moment(entry),
                describe_actor(entry),
                action_label(entry.action),
                describe_object(entry),
                describe_change(entry),
                describe_details(entry),
            ),
        )


class AuditTableModel(QAbstractTableModel):
    """The events of one page of the journal, in the order the service gave them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditLine] = []
        self._headers = (
            self.tr("Date"),
            self.tr("Utilisateur"),
            self.tr("Action"),
            self.tr("Objet"),
            self.tr("Avant → après"),
            self.tr("Détails"),
        )
        self._refused = QBrush(QColor(REFUSED_COLOUR))
        self._broken_background = QBrush(QColor(BROKEN_BACKGROUND))
        #: id of the first event at fault, when the chain does not verify
        self.broken_id: int | None = None

    def set_entries(self, entries: Sequence[AuditEntry]) -> None:
        self.beginResetModel()
        self._rows = [AuditLine.of(e) for e in entries]
        self.endResetModel()

    def set_broken(self, event_id: int | None) -> None:
        """Mark the first event at fault (None: the chain verifies)."""
        if event_id == self.broken_id:
            return
        rows = [self.row_of(i) for i in (self.broken_id, event_id) if i is not None]
        self.broken_id = event_id
        for row in rows:
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._headers) - 1))

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row].entry

    def line(self, row: int) -> AuditLine:
        return self._rows[row]

    def row_of(self, event_id: int) -> int:
        return next((r for r, line in enumerate(self._rows) if line.entry.id == event_id), -1)

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
            return _LEFT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._headers)):
            return None
        line = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return line.texts[column]
        if role == SORT_ROLE:
            return line.entry.id if column == COL_DATE else line.texts[column]
        broken = line.entry.id == self.broken_id
        if role == Qt.ItemDataRole.BackgroundRole and broken:
            return self._broken_background
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_DATE:
                tip = self.tr("Événement n° {id}").format(id=line.entry.id)
                if broken:
                    tip += "\n" + self.tr("Premier événement en défaut du journal")
                return tip
            text = line.texts[column]
            return text.replace(" ; ", "\n") if text else None
        if role == Qt.ItemDataRole.ForegroundRole and line.entry.action == AuditAction.REFUSED:
            return self._refused
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
