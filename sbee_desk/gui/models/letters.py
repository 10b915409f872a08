"""The Relances page's letters (issue #13): one row per reminder letter, its status
and delay in French words, the overdue ones marked in colour and in words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from sbee_desk.gui.formatting import format_date, search_key
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models.base import UNHANDLED, Column, RowTableModel
from sbee_desk.services.letters import LetterRow, LetterStatus
from sbee_desk.wording.labels import LETTER_STATUS_LABELS

ModelIndex = QModelIndex | QPersistentModelIndex

(
    COL_NUMBER,
    COL_POLICE,
    COL_CUSTOMER,
    COL_ADDRESS,
    COL_QUARTIER,
    COL_ZONE,
    COL_EDITED,
    COL_DELIVERED,
    COL_TO,
    COL_RELEVEUR,
    COL_DELAY,
) = range(11)

#: the tab of the overdue letters (not a LetterStatus)
OVERDUE = "OVERDUE"

STATUS_COLOURS = {
    LetterStatus.A_EDITER: "#6b6b6b",
    LetterStatus.A_REMETTRE: "#1d5fa8",
    LetterStatus.REMISE: "#1e7a3c",
    LetterStatus.IMPOSSIBLE: "#8a5a00",
    LetterStatus.ANNULEE: "#9a2a2a",
}
OVERDUE_COLOUR = "#b3261e"


def tr(text: str) -> str:
    return QCoreApplication.translate("Letters", text)


def status_label(status: LetterStatus) -> str:
    return tr(LETTER_STATUS_LABELS[status])


#: the status tabs name groups of letters
_TAB_LABELS = {
    LetterStatus.A_EDITER: "À éditer",
    LetterStatus.A_REMETTRE: "À remettre",
    LetterStatus.REMISE: "Remises",
    LetterStatus.IMPOSSIBLE: "Remise impossible",
    LetterStatus.ANNULEE: "Annulées",
}


def tab_label(status: LetterStatus) -> str:
    return tr(_TAB_LABELS[status])


def delay_text(row: LetterRow) -> str:
    """What the « Délai » column says: the day termination becomes possible (R5), or
    why it is not known yet."""
    if row.status is LetterStatus.ANNULEE:
        return tr("annulée : {reason}").format(reason=row.cancel_reason or tr("sans motif"))
    if row.deadline is not None:
        return tr("résiliable à partir du {day}").format(day=format_date(row.deadline))
    if row.status is LetterStatus.A_EDITER:
        return tr("à éditer")
    if row.overdue:
        return tr("ALERTE : non remise, à décider")
    if row.attempts > 1:
        return tr("en attente de remise ({n}e présentation)").format(n=row.attempts)
    return tr("en attente de remise")


def releveur_text(row: LetterRow) -> str:
    return row.releveur_name or ""


def releveur_tip(row: LetterRow) -> str | None:
    if row.releveur_name is None:
        return None
    return f"{row.releveur_name} ({row.releveur_matricule})"


def _tip(row: LetterRow) -> str:
    lines = [
        tr("Lettre n° {number} — police {police} — {status}").format(
            number=row.number, police=row.police, status=status_label(row.status)
        )
    ]
    if row.overdue:
        lines.append(
            tr(
                "Non remise {days} jours ou plus après son édition (ou la nouvelle "
                "présentation) : nouvelle présentation, ou remise impossible avec le motif."
            ).format(days=row.alert_days)
        )
    if row.deadline is not None:
        lines.append(
            tr(
                "Le contrat peut être résilié à partir du {day} ({delay} jours après la remise)."
            ).format(day=format_date(row.deadline), delay=row.reminder_delay_days)
        )
    if row.impossible_reason:
        lines.append(tr("Remise impossible : {reason}").format(reason=row.impossible_reason))
    if row.attempt_note:
        lines.append(tr("Note pour le releveur : {note}").format(note=row.attempt_note))
    if row.reprint_asked:
        lines.append(tr("À réimprimer « 2e présentation »"))
    return "\n".join(lines)


class LettersModel(RowTableModel[LetterRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        date_sort = _date_key
        self.columns = (
            Column(tr("N°"), lambda r: r.number, sort=lambda r: r.id, tooltip=_tip),
            Column(tr("Police"), lambda r: r.police, tooltip=_tip),
            Column(tr("Client"), lambda r: r.customer_name, tooltip=lambda r: r.customer_name),
            Column(tr("Adresse"), lambda r: r.address or "", tooltip=lambda r: r.address),
            Column(tr("Quartier"), lambda r: r.quartier or ""),
            Column(tr("Zone"), lambda r: r.zone_code or ""),
            Column(
                tr("Édité le"),
                lambda r: format_date(r.edited_on),
                sort=lambda r: date_sort(r.edited_on),
            ),
            Column(
                tr("Remis le"),
                lambda r: format_date(r.delivered_on),
                sort=lambda r: date_sort(r.delivered_on),
            ),
            Column(tr("À qui"), lambda r: _to_text(r), tooltip=lambda r: _to_text(r) or None),
            Column(tr("Releveur"), releveur_text, tooltip=releveur_tip),
            Column(
                tr("Délai"),
                delay_text,
                sort=lambda r: (date_sort(r.deadline), r.status.value),
                tooltip=_tip,
                header_tooltip=tr(
                    "Jour à partir duquel le contrat peut être résilié : remise (ou remise "
                    "impossible) + délai du plan (7 jours, R5)."
                ),
            ),
        )

    def row_of(self, letter_id: int) -> int:
        return self.row_where(lambda r: r.id == letter_id)

    def replace_rows(self, changed: list[LetterRow]) -> None:
        """Show letters just recorded without reloading the whole list."""
        for letter in changed:
            row = self.row_of(letter.id)
            if row >= 0:
                self._rows[row] = letter
                self.emit_row_changed(row)

    def cell_data(self, row: LetterRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_DELAY:
            return QColor(OVERDUE_COLOUR if row.overdue else STATUS_COLOURS[row.status])
        return UNHANDLED


def _to_text(row: LetterRow) -> str:
    if row.status is LetterStatus.IMPOSSIBLE:
        return tr("impossible : {reason}").format(reason=row.impossible_reason or "")
    return row.delivered_to or ""


def _date_key(day: Any) -> str:
    return day.isoformat() if day is not None else ""


class LettersProxy(QSortFilterProxyModel):
    """Filters: a status tab (or the overdue ones), bordereau, zone, releveur, words."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._status: str | None = None
        self._bordereau: str | None = None
        self._zone: str | None = None
        self._releveur: int | None = None
        self._words: list[str] = []

    def set_filters(
        self,
        status: str | None,
        bordereau: str | None,
        zone: str | None,
        releveur: int | None,
        search: str,
    ) -> None:
        self.beginFilterChange()
        self._status, self._bordereau, self._zone = status, bordereau, zone
        self._releveur = releveur
        self._words = search_key(search).split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, LettersModel):
            return True
        row = model.row(source_row)
        if self._status == OVERDUE:
            if not row.overdue:
                return False
        elif self._status is not None and row.status.value != self._status:
            return False
        if self._bordereau and row.bordereau_code != self._bordereau:
            return False
        if self._zone and row.zone_code != self._zone:
            return False
        if self._releveur is not None and row.releveur_id != self._releveur:
            return False
        if self._words:
            haystack = search_key(
                row.number,
                row.number.lstrip("0"),
                row.police,
                row.customer_name,
                row.address,
                row.quartier,
                row.releveur_name,
            )
            return all(word in haystack for word in self._words)
        return True
