"""The CRI page's countersign table (#15): the CRIs awaiting the chef, with their
flags in words (never colour alone)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QColor

from sbee_desk.gui.formatting import format_date
from sbee_desk.gui.models.base import RIGHT, UNHANDLED, Column, RowTableModel
from sbee_desk.services.cri import PendingCri
from sbee_desk.wording.labels import CRI_FLAG_LABELS

COL_NUMBER, COL_POLICE, COL_CUSTOMER, COL_VISIT, COL_TIME, COL_AGENT = range(6)
COL_INDEX, COL_METER, COL_FLAGS, COL_ENTERED_BY = range(6, 10)
FLAG_COLOUR = "#9a2a2a"


def tr(text: str) -> str:
    return QCoreApplication.translate("Cri", text)


def flags_text(c: PendingCri) -> str:
    """The CRI's flags for the chef, in words (« — » when none)."""
    words = [
        CRI_FLAG_LABELS[f]
        for f in ("outside_window", "serial_mismatch", "no_store_return")
        if getattr(c, f)
    ]
    return " ; ".join(words) or "—"


def _meter(c: PendingCri) -> str:
    if c.meter_serial_found is None:
        return "—"
    if c.serial_mismatch:
        return f"{c.meter_serial_found} (contrat : {c.expected_serial or '—'})"
    return c.meter_serial_found


class PendingModel(RowTableModel[PendingCri]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(tr("N° ordre"), lambda c: c.number),
            Column(tr("Police"), lambda c: c.police),
            Column(tr("Client"), lambda c: c.customer_name),
            Column(tr("Visite"), lambda c: format_date(c.visit_on), sort=lambda c: c.visit_on),
            Column(tr("Heure"), lambda c: c.visit_time.replace(":", "h")),
            Column(tr("Agent"), lambda c: c.agent_matricule, tooltip=lambda c: c.agent_name),
            Column(
                tr("Index"),
                lambda c: "" if c.index_read is None else str(c.index_read),
                sort=lambda c: c.index_read or 0,
                align=RIGHT,
            ),
            Column(tr("Compteur trouvé"), _meter, tooltip=lambda c: c.mismatch_note),
            Column(tr("Signalements"), flags_text),
            Column(tr("Saisi par"), lambda c: c.entered_by),
        )

    def cell_data(self, item: PendingCri, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_FLAGS and item.flagged:
            return QColor(FLAG_COLOUR)
        return UNHANDLED
