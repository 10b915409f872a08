"""The order's card (#15 item 5, « the whole order in one place »): what an order
became, from its number — its document, its assignments, its store return, its CRIs
and countersign, the termination it caused, and the journal's events about it.

The main window reads the card in the background (services.order_card) from the
« N° d'ordre… » field of its status bar (Ctrl+K, any page) and shows it here; this
dialog only shows what it is given.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.formatting import format_date, format_datetime, plural
from sbee_desk.gui.models.base import Column, RowTableModel
from sbee_desk.gui.widgets import DataTable
from sbee_desk.services.order_card import (
    AuditRow,
    CardAssignment,
    CardDocument,
    CardReport,
    CardStoreReturn,
    OrderCard,
)
from sbee_desk.wording.labels import (
    DOCUMENT_STATUS_LABELS,
    ORDER_STATUS_LABELS,
    REMARK_LABELS,
    TERMINATION_CAUSE_LABELS,
)

_KIND = {"DEPOSE": "Ordre de dépose", "CONTROLE_INDEX": "Ordre de contrôle d'index"}
#: why an assignment ended (domain.dispatch.AssignmentEnd)
_END = {
    "REASSIGNED": "réaffecté",
    "UNASSIGNED": "retiré de la répartition",
    "RECALLED": "agent rappelé (ordre annulé)",
    "VISITED": "visite faite (CRI exécuté)",
    "NOT_DONE": "CRI non exécuté : retour à la répartition",
}


def tr(text: str) -> str:
    return QCoreApplication.translate("OrderCard", text)


def _document(d: CardDocument) -> str:
    text = tr("Document n° {number} : {status}").format(
        number=d.number, status=DOCUMENT_STATUS_LABELS.get(d.status, d.status)
    )
    if d.printed_at is not None:
        text += tr(" ; imprimé le {on} par {by}").format(
            on=format_datetime(d.printed_at), by=d.printed_by or "—"
        )
        if d.print_count > 1:
            text += tr(" ({count} impressions)").format(count=d.print_count)
    if d.handed_at is not None or d.handed_to:
        text += tr(" ; remis à {to} le {on}").format(
            to=d.handed_to or "—", on=format_datetime(d.handed_at)
        )
    return text


def _assignment(a: CardAssignment) -> str:
    agent = a.agent or "—"
    if a.agent_name and a.agent_name != a.agent:
        agent += f" ({a.agent_name})"
    text = tr("Agent {agent}, visite prévue le {visit} (réparti par {by} le {at})").format(
        agent=agent, visit=format_date(a.visit_on), by=a.assigned_by,
        at=format_datetime(a.assigned_at),
    )  # fmt: skip
    if a.ended_at is not None:
        reason = _END.get(a.end_reason or "", a.end_reason or "")
        text += tr(" ; fin le {at} : {reason}").format(
            at=format_datetime(a.ended_at), reason=reason
        )
    return text


def _store_return(r: CardStoreReturn) -> str:
    text = tr("Reçu le {on}, fiche {sheet}").format(on=format_date(r.returned_on), sheet=r.sheet)
    if r.meter_serial:
        text += tr(", compteur {serial}").format(serial=r.meter_serial)
    if r.breaker_serial:
        text += tr(", disjoncteur {serial}").format(serial=r.breaker_serial)
    if r.mismatch_note:
        text += tr(" — écart : {note}").format(note=r.mismatch_note)
    return text + tr(" ; enregistré par {by}").format(by=r.recorded_by)


def _report(r: CardReport) -> str:
    text = tr("Visite n° {attempt} du {on} à {time}, agent {agent} : {done}").format(
        attempt=r.attempt, on=format_date(r.visit_on), time=r.visit_time.replace(":", "h"),
        agent=r.agent or "—", done=tr("exécutée") if r.done else tr("non exécutée"),
    )  # fmt: skip
    if r.index is not None:
        text += tr(", index {index}").format(index=r.index)
    if r.meter_serial:
        text += tr(", compteur {serial}").format(serial=r.meter_serial)
    if r.remarks:
        text += " (" + ", ".join(REMARK_LABELS.get(c, c) for c in r.remarks) + ")"
    if r.outside_window:
        text += tr(" — hors horaire (R9)")
    text += tr(" ; saisi par {by} le {at}").format(
        by=r.entered_by, at=format_datetime(r.entered_at)
    )
    if r.countersigned_at is not None:
        text += tr(" ; contresigné par {by} le {at}").format(
            by=r.countersigned_by or "—", at=format_datetime(r.countersigned_at)
        )
        if r.override_reason:
            text += tr(" (motif : {reason})").format(reason=r.override_reason)
    else:
        text += tr(" ; pas encore contresigné")
    return text


class AuditRowsModel(RowTableModel[AuditRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(tr("Date"), lambda e: format_datetime(e.occurred_at), sort=lambda e: e.id),
            Column(tr("Utilisateur"), lambda e: e.user),
            Column(tr("Action"), lambda e: e.action),
            Column(tr("Objet"), lambda e: e.object),
            Column(tr("Modification"), lambda e: e.change, tooltip=lambda e: e.details or None),
        )


class OrderCardDialog(QDialog):
    """The card of one order, read beforehand (:func:`services.order_card.order_card`)."""

    #: « Dossier du contrat » (#16): the police whose dossier the user asked for
    dossier_requested = Signal(str)

    def __init__(self, card: OrderCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderCardDialog")
        self.card = card
        self.setWindowTitle(tr("Ordre n° {number}").format(number=card.number))
        self.resize(1040, 680)
        layout = QVBoxLayout(self)

        title = QLabel(
            tr("{kind} n° {number} — {status}").format(
                kind=_KIND.get(card.kind, card.kind), number=card.number,
                status=ORDER_STATUS_LABELS.get(card.status, card.status),
            )
        )  # fmt: skip
        title.setObjectName("pageTitle")
        layout.addWidget(title)

        body = QWidget()
        sections = QVBoxLayout(body)
        sections.setContentsMargins(0, 0, 0, 0)
        facts = QFormLayout()
        facts.addRow(tr("Police :"), QLabel(card.police))
        facts.addRow(tr("Client :"), QLabel(f"{card.customer_name} ({card.customer_code})"))
        facts.addRow(tr("Adresse :"), QLabel(card.address or "—"))
        created = format_date(card.created_on)
        if card.cancelled_on is not None:
            created += tr(" — annulé le {on} : {reason}").format(
                on=format_date(card.cancelled_on), reason=card.cancel_reason or "—"
            )
        facts.addRow(tr("Ordre établi le :"), QLabel(created))
        if card.cause != "IMPAYES":  # entered by the chef for another cause (R8)
            cause = QLabel(
                tr("{cause} — {reason}").format(
                    cause=TERMINATION_CAUSE_LABELS.get(card.cause, card.cause),
                    reason=card.cause_reason or "—",
                )
            )
            cause.setObjectName("orderCardCause")
            cause.setWordWrap(True)
            facts.addRow(tr("Autre cause (R8) :"), cause)
        sections.addLayout(facts)

        termination = card.termination
        self.sections: dict[str, QGroupBox] = {}
        for key, heading, lines, empty in (
            ("documents", tr("Document imprimé"), [_document(d) for d in card.documents],
             tr("Pas encore édité.")),
            ("dispatch", tr("Répartition"), [_assignment(a) for a in card.assignments],
             tr("Jamais réparti.")),
            ("store", tr("Retour magasin"), [_store_return(r) for r in card.store_returns],
             tr("Aucun retour magasin.")),
            ("cri", tr("CRI et contreseing"), [_report(r) for r in card.reports],
             tr("Aucun CRI saisi.")),
            ("termination", tr("Résiliation"),
             [] if termination is None else [
                 tr("Contrat {police} résilié le {on} — {cause} ; enregistré par {by}").format(
                     police=card.police, on=format_date(termination.terminated_on),
                     cause=TERMINATION_CAUSE_LABELS.get(termination.cause, termination.cause),
                     by=termination.recorded_by,
                 )
             ],
             tr("Pas de résiliation par cet ordre.")),
        ):  # fmt: skip
            self.sections[key] = self._section(sections, heading, lines, empty)

        journal = QGroupBox(
            tr("Journal d'audit ({count})").format(
                count=plural(len(card.events), tr("évènement"), tr("évènements"))
            )
        )
        journal.setObjectName("orderCardJournal")
        journal_layout = QVBoxLayout(journal)
        self.events_model = AuditRowsModel(self)
        self.events_model.set_rows(card.events)
        self.events_table = DataTable()
        self.events_table.setModel(self.events_model)
        self.events_table.set_column_widths({0: 140, 1: 150, 2: 230, 3: 220})
        self.events_table.setMinimumHeight(180)
        journal_layout.addWidget(self.events_table)
        sections.addWidget(journal, 1)
        self.sections["journal"] = journal

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.dossier_button = QPushButton(tr("Dossier du contrat"))
        self.dossier_button.setObjectName("orderCardDossier")
        self.dossier_button.setToolTip(
            tr("L'histoire complète du contrat {police}, imprimable").format(police=card.police)
        )
        self.dossier_button.clicked.connect(lambda: self.dossier_requested.emit(card.police))
        buttons.addButton(self.dossier_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def _section(layout: QVBoxLayout, heading: str, lines: Sequence[str], empty: str) -> QGroupBox:
        box = QGroupBox(heading)
        inner = QVBoxLayout(box)
        for text in lines or [empty]:
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if not lines:
                label.setEnabled(False)
            inner.addWidget(label)
        layout.addWidget(box)
        return box

    def section_text(self, key: str) -> str:
        """The words of one section (for the tests and for a reader's copy)."""
        box = self.sections[key]
        return "\n".join(label.text() for label in box.findChildren(QLabel))
