"""The Retour magasin page's tables (#15): the returns of a day, with their sheet and
any serial that differs from the contract's, and « matériel non retourné »."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QColor

from sbee_desk.gui.formatting import format_date
from sbee_desk.gui.models.base import RIGHT, UNHANDLED, Column, RowTableModel
from sbee_desk.services.store import ReturnRow, Unreturned
from sbee_desk.wording.labels import ORDER_STATUS_LABELS
from sbee_desk.wording.store import store_mention

MISMATCH_COLOUR = "#9a2a2a"
(
    COL_NUMBER,
    COL_POLICE,
    COL_CUSTOMER,
    COL_METER,
    COL_BREAKER,
    COL_NOTE,
    COL_SHEET,
    COL_KEEPER,
) = range(8)
U_NUMBER, U_POLICE, U_CUSTOMER, U_METER, U_AGENT, U_REMOVED, U_DAYS, U_STATUS = range(8)


def tr(text: str) -> str:
    return QCoreApplication.translate("Store", text)


def serial_text(got: str | None, expected: str | None, differs: bool) -> str:
    """« CPT-1 », or « X-9 ≠ CPT-1 (contrat) » when it differs."""
    if not differs:
        return got or "—"
    return tr("{got} ≠ {expected} (contrat)").format(got=got or "—", expected=expected or "—")


class ReturnsModel(RowTableModel[ReturnRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(tr("N° ordre"), lambda r: r.number, tooltip=lambda r: _mention(r)),
            Column(tr("Police"), lambda r: r.police),
            Column(tr("Client"), lambda r: r.customer_name),
            Column(
                tr("Compteur reçu"),
                lambda r: serial_text(r.meter_serial, r.expected_meter, r.meter_differs),
            ),
            Column(
                tr("Disjoncteur reçu"),
                lambda r: serial_text(r.breaker_serial, r.expected_breaker, r.breaker_differs),
            ),
            Column(tr("Écart expliqué"), lambda r: r.mismatch_note or "", tooltip=_note_tip),
            Column(tr("Fiche"), lambda r: r.sheet_number),
            Column(
                tr("Magasinier"),
                lambda r: r.keeper_name or "—",
                tooltip=lambda r: r.keeper_matricule,
            ),
        )

    def cell_data(self, item: ReturnRow, column: int, role: int) -> Any:
        differs = (column == COL_METER and item.meter_differs) or (
            column == COL_BREAKER and item.breaker_differs
        )
        if role == Qt.ItemDataRole.ForegroundRole and (differs or column == COL_NOTE):
            return QColor(MISMATCH_COLOUR)
        return UNHANDLED


def _mention(r: ReturnRow) -> str | None:
    """R10: what the order now carries."""
    return store_mention(r.returned_on, r.breaker_serial is not None)


def _note_tip(r: ReturnRow) -> str | None:
    return r.mismatch_note


class UnreturnedModel(RowTableModel[Unreturned]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(tr("N° ordre"), lambda u: u.number),
            Column(tr("Police"), lambda u: u.police),
            Column(tr("Client"), lambda u: u.customer_name),
            Column(tr("Compteur attendu"), lambda u: u.meter_serial or "—"),
            Column(
                tr("Agent"),
                lambda u: f"{u.agent_name} ({u.agent_matricule})" if u.agent_matricule else "—",
            ),
            Column(
                tr("Déposé le"),
                lambda u: format_date(u.removed_on) if u.removed_on else tr("date inconnue"),
                sort=lambda u: u.removed_on.toordinal() if u.removed_on else 0,
            ),
            Column(
                tr("Depuis"),
                lambda u: tr("{n} j").format(n=u.days) if u.days is not None else "—",
                sort=lambda u: u.days if u.days is not None else 10**6,
                align=RIGHT,
            ),
            Column(tr("Ordre"), lambda u: ORDER_STATUS_LABELS[u.status.value]),
        )
