"""The « Résiliations » page's table (#16): the terminations of a period, each with its
final index, balance and the hand-off that carried it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject

from sbee_desk.gui.formatting import format_amount, format_date
from sbee_desk.gui.models.base import RIGHT, Column, RowTableModel
from sbee_desk.services.handoff import TerminationRow
from sbee_desk.wording.labels import TERMINATION_CAUSE_LABELS

(
    COL_POLICE,
    COL_CUSTOMER,
    COL_ADDRESS,
    COL_ZONE,
    COL_TERMINATED,
    COL_CAUSE,
    COL_INDEX,
    COL_BALANCE,
    COL_HANDOFF,
) = range(9)


def tr(text: str) -> str:
    return QCoreApplication.translate("Terminations", text)


def handoff_text(row: TerminationRow) -> str:
    """« n° 3 du 10/12/2026 », or « à transmettre »."""
    if row.handoff_number is None or row.handed_on is None:
        return tr("à transmettre")
    return tr("n° {number} du {date}").format(
        number=row.handoff_number, date=format_date(row.handed_on)
    )


def _handoff_tip(row: TerminationRow) -> str | None:
    if row.handoff_number is None:
        return tr("Pas encore transmise à l'apurement.")
    if row.in_litigation:
        return tr("Transmise à l'apurement et au contentieux (dette restante).")
    return tr("Transmise à l'apurement (aucune dette : pas de contentieux).")


def _cause(row: TerminationRow) -> str:
    label = TERMINATION_CAUSE_LABELS.get(row.cause, row.cause)
    return f"{label} : {row.reason}" if row.reason and row.cause != "IMPAYES" else label


class TerminationsModel(RowTableModel[TerminationRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(tr("Police"), lambda r: r.police),
            Column(tr("Client"), lambda r: r.customer_name),
            Column(
                tr("Adresse"),
                lambda r: ", ".join(x for x in (r.address, r.quartier) if x) or "—",
            ),
            Column(tr("Zone"), lambda r: r.zone or "—"),
            Column(
                tr("Résilié le"),
                lambda r: format_date(r.terminated_on),
                sort=lambda r: r.terminated_on,
            ),
            Column(tr("Cause"), _cause, tooltip=_cause),
            Column(
                tr("Index final"),
                lambda r: str(r.final_index) if r.final_index is not None else "—",
                sort=lambda r: r.final_index if r.final_index is not None else -1,
                align=RIGHT,
            ),
            Column(
                tr("Solde"),
                lambda r: format_amount(r.balance),
                sort=lambda r: r.balance,
                align=RIGHT,
            ),
            Column(
                tr("Transmise"),
                handoff_text,
                sort=lambda r: (r.handoff_number or 0, r.police),
                tooltip=_handoff_tip,
            ),
        )
