"""Table model of the Journal d'audit: one page of events, worded in French."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.gui.formatting import local_datetime
from sbee_desk.gui.models.base import LEFT, UNHANDLED, Column, RowTableModel
from sbee_desk.services.audit_log import AuditEntry
from sbee_desk.wording.audit_text import (
    action_label,
    describe_actor,
    describe_change,
    describe_details,
    describe_object,
)

COL_DATE, COL_USER, COL_ACTION, COL_OBJECT, COL_CHANGE, COL_DETAILS = range(6)
#: text colour of refusals (the words "Action refusée" say it too)
REFUSED_COLOUR = "#842029"
#: background of the first event at fault when the chain does not verify (the banner
#: names it, its tooltip and the detail pane say it)
BROKEN_BACKGROUND = "#f8d7da"


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


def _text_of(column: int) -> Callable[[AuditLine], str]:
    return lambda line: line.texts[column]


def _text_tip(column: int) -> Callable[[AuditLine], str | None]:
    def tip(line: AuditLine) -> str | None:
        text = line.texts[column]
        return text.replace(" ; ", "\n") if text else None

    return tip


class AuditTableModel(RowTableModel[AuditLine]):
    """The events of one page of the journal, in the order the service gave them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        titles = (
            self.tr("Date"),
            self.tr("Utilisateur"),
            self.tr("Action"),
            self.tr("Objet"),
            self.tr("Avant → après"),
            self.tr("Détails"),
        )
        self.columns = tuple(
            Column(
                title,
                _text_of(c),
                sort=(lambda line: line.entry.id) if c == COL_DATE else _text_of(c),
                tooltip=None if c == COL_DATE else _text_tip(c),
                align=LEFT,
            )
            for c, title in enumerate(titles)
        )
        self._refused = QBrush(QColor(REFUSED_COLOUR))
        self._broken_background = QBrush(QColor(BROKEN_BACKGROUND))
        #: id of the first event at fault, when the chain does not verify
        self.broken_id: int | None = None

    def set_entries(self, entries: Sequence[AuditEntry]) -> None:
        self.set_rows([AuditLine.of(e) for e in entries])

    def set_broken(self, event_id: int | None) -> None:
        """Mark the first event at fault (None: the chain verifies)."""
        if event_id == self.broken_id:
            return
        rows = [self.row_of(i) for i in (self.broken_id, event_id) if i is not None]
        self.broken_id = event_id
        for row in rows:
            self.emit_row_changed(row)

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row].entry

    def line(self, row: int) -> AuditLine:
        return self._rows[row]

    def row_of(self, event_id: int) -> int:
        return self.row_where(lambda line: line.entry.id == event_id)

    def cell_data(self, line: AuditLine, column: int, role: int) -> Any:
        broken = line.entry.id == self.broken_id
        if role == Qt.ItemDataRole.BackgroundRole and broken:
            return self._broken_background
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_DATE:
            tip = self.tr("Événement n° {id}").format(id=line.entry.id)
            if broken:
                tip += "\n" + self.tr("Premier événement en défaut du journal")
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and line.entry.action == AuditAction.REFUSED:
            return self._refused
        return UNHANDLED
