"""The print queue's documents (issue #6, part 3): one row per letter or order of a
batch, its status in French words and colours, cancelled ones crossed out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from sbee_desk.gui.formatting import search_key
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models.base import UNHANDLED, Column, RowTableModel
from sbee_desk.services.edition import DocumentKind, DocumentRow, DocumentStatus

ModelIndex = QModelIndex | QPersistentModelIndex

COL_KIND, COL_NUMBER, COL_POLICE, COL_CUSTOMER, COL_ZONE, COL_QUARTIER, COL_STATUS = range(7)
COLUMNS = 7

#: status filter value of the cancelled documents (not a DocumentStatus)
CANCELLED = "ANNULE"

STATUS_COLOURS = {
    DocumentStatus.GENERE: "#8a5a00",
    DocumentStatus.IMPRIME: "#1d5fa8",
    DocumentStatus.REMIS: "#1e7a3c",
}
CANCELLED_COLOUR = "#9a2a2a"


def tr(text: str) -> str:
    return QCoreApplication.translate("PrintQueue", text)


def kind_label(row: DocumentRow) -> str:
    if row.kind == DocumentKind.LETTER:
        return tr("Lettre de relance")
    if (row.order_kind or "").upper() in {"CONTROLE", "CONTROLE_INDEX", "CONTROL", "MT"}:
        return tr("Ordre de contrôle d'index")
    return tr("Ordre de dépose")


def kind_short(row: DocumentRow) -> str:
    """The kind in one word for the table's narrow first column (the full name is the
    cell's tooltip and in the detail line): the page must fit 1366×768 (issue #10)."""
    if row.kind == DocumentKind.LETTER:
        return tr("Lettre")
    if (row.order_kind or "").upper() in {"CONTROLE", "CONTROLE_INDEX", "CONTROL", "MT"}:
        return tr("Contrôle")
    return tr("Dépose")


def number_key(row: DocumentRow) -> int:
    """N° sorts as a number (« 9 » before « 10 » whatever the padding), a letter before
    the order of the same number (the two series are counted apart)."""
    digits = "".join(ch for ch in row.number if ch.isdigit())
    return int(digits or 0) * 2 + (0 if row.kind == DocumentKind.LETTER else 1)


def status_label(row: DocumentRow) -> str:
    if row.cancelled:
        reason = row.cancel_reason or tr("sans motif")
        if row.kind == DocumentKind.ORDER and row.status == DocumentStatus.REMIS:
            # R7: an order already in the field is flagged so the agent is called back
            return tr("Annulé : {reason} — à rappeler (remis à {name})").format(
                reason=reason, name=row.handed_to_name or "—"
            )
        return tr("Annulé : {reason}").format(reason=reason)
    if row.presentation:
        return tr("À réimprimer « {n}e présentation »").format(n=row.presentation)
    if row.status == DocumentStatus.REMIS:
        return tr("Remis à {name}").format(name=row.handed_to_name or "—")
    if row.status == DocumentStatus.IMPRIME:
        if row.print_count > 1:
            return tr("Imprimé ({count} fois)").format(count=row.print_count)
        return tr("Imprimé")
    return tr("Généré")


def _customer_tip(row: DocumentRow) -> str:
    if row.gaps:
        return tr("Imprimé avec un manque : {gaps}").format(gaps=", ".join(row.gaps))
    return row.customer_name


def _text_column(title: str, value: Callable[[DocumentRow], str]) -> Column[DocumentRow]:
    return Column(tr(title), value, sort=lambda r: search_key(value(r)), tooltip=value)


class PrintQueueModel(RowTableModel[DocumentRow]):
    HEADERS = (
        "Document",
        "N°",
        "Police",
        "Client",
        "Zone",
        "Quartier",
        "Statut",
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        kind, number, police, customer, zone, quartier, status = self.HEADERS
        self.columns = (
            Column(
                tr(kind), kind_short, sort=lambda r: search_key(kind_short(r)), tooltip=kind_label
            ),
            Column(tr(number), lambda r: r.number, sort=number_key, tooltip=lambda r: r.number),
            _text_column(police, lambda r: r.police),
            Column(
                tr(customer),
                lambda r: r.customer_name,
                sort=lambda r: search_key(r.customer_name),
                tooltip=_customer_tip,
            ),
            _text_column(zone, lambda r: r.zone_code or "—"),
            _text_column(quartier, lambda r: r.quartier or "—"),
            _text_column(status, status_label),
        )

    @property
    def rows(self) -> list[DocumentRow]:
        return list(self._rows)

    def row_of(self, document_id: int) -> int:
        return self.row_where(lambda r: r.id == document_id)

    def cell_data(self, row: DocumentRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.cancelled:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.cancelled:
                return QColor(CANCELLED_COLOUR)
            if column == COL_STATUS:
                return QColor(STATUS_COLOURS[row.status])
        return UNHANDLED

    def _display(self, row: DocumentRow, column: int) -> str:
        return str(self.columns[column].value(row))


class PrintQueueProxy(QSortFilterProxyModel):
    """Filters: kind (LETTER / ORDER), status (a DocumentStatus value or CANCELLED),
    and a search over the words of a row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._kind: DocumentKind | None = None
        self._status: str | None = None
        self._words: list[str] = []

    def set_filters(self, kind: DocumentKind | None, status: str | None, search: str) -> None:
        self.beginFilterChange()
        self._kind, self._status = kind, status
        self._words = search_key(search).split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, PrintQueueModel):
            return True
        row = model.row(source_row)
        if self._kind is not None and row.kind != self._kind:
            return False
        if self._status == CANCELLED:
            if not row.cancelled:
                return False
        elif self._status is not None and (row.cancelled or row.status.value != self._status):
            return False
        if self._words:
            haystack = search_key(
                " ".join(model._display(row, c) for c in range(COLUMNS))
                + f" {kind_label(row)} {row.address or ''}"
            )
            return all(word in haystack for word in self._words)
        return True
