"""« Résiliation pour une autre cause » (R8): the chef section recouvrement enters a
résiliation d'office for fraud, non-respect of the subscription conditions or another
stated cause.

The police typed, the dialog reads the contract in the background (name, address,
status, the order R8 would create) and says at once why R8 would be refused (no
current suspension, exempt without derogation, already terminated…). Créer l'ordre
runs :func:`sbee_desk.services.termination_r8.add_termination` in ``ctx.tasks``; the
order created is reported in the dialog (it stays open, Fermer closes it) and
:attr:`TerminationDialog.created` tells the page that opened it (« Résiliations »), so
it reloads. A refusal shows the service's French message in the dialog, the focus on
the field at fault: nothing was written. Enter creates, Esc cancels.

Opened by :func:`open_termination_dialog`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.domain.permissions import Action
from sbee_desk.domain.termination import MANUAL_CAUSES, REASON_LIMIT, TerminationCause
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.formatting import category_label, format_date
from sbee_desk.gui.modal import open_modal
from sbee_desk.services.actor import Actor
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.termination_r8 import (
    ContractFacts,
    TerminationOrder,
    add_termination,
    contract_facts,
)
from sbee_desk.wording.labels import ACTION_LABELS, CONTRACT_STATUS_LABELS, ORDER_KIND_LABELS

ERROR_STYLE = "color: #842029;"
DONE_STYLE = "color: #0f5132;"
#: the pause after the last key typed in the police before the contract is read
LOOKUP_DELAY_MS = 250
#: the causes in the combo, in French (the codes are import-format.md's)
CAUSE_CHOICES: dict[TerminationCause, str] = {
    TerminationCause.FRAUDE: "Fraude",
    TerminationCause.CONDITIONS: "Non-respect des conditions d'abonnement",
    TerminationCause.AUTRE: "Autre cause",
}


def tr(text: str) -> str:
    return QCoreApplication.translate("TerminationDialog", text)


def _kind_label(kind: str) -> str:
    return next((label for k, label in ORDER_KIND_LABELS.items() if k.value == kind), kind)


def describe_contract(facts: ContractFacts) -> str:
    """« Koudjo Hounkpè — Lot 12 · Ordinaire · BT · suspendu depuis le 01/11/2026 ·
    ordre de dépose »."""
    status = CONTRACT_STATUS_LABELS.get(facts.status, facts.status)
    if facts.status == "SUSPENDU" and facts.suspended_on is not None:
        status = tr("{status} depuis le {date}").format(
            status=status, date=format_date(facts.suspended_on)
        )
    elif facts.status == "RESILIE" and facts.terminated_on is not None:
        status = tr("{status} le {date}").format(
            status=status, date=format_date(facts.terminated_on)
        )
    who = facts.customer_name + (f" — {facts.address}" if facts.address else "")
    return " · ".join(
        (
            who,
            category_label(facts.category),
            facts.voltage,
            status,
            _kind_label(facts.kind).lower(),
        )
    )


class TerminationDialog(QDialog):
    """Police, cause, reason; the contract as read; Créer l'ordre / Annuler."""

    #: an order was created (its :class:`TerminationOrder`): the page reloads
    created = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("terminationDialog")
        self.setWindowTitle(tr("Résiliation pour une autre cause (R8)"))
        self.setMinimumWidth(600)
        self.busy = False
        self.facts: ContractFacts | None = None
        self.order: TerminationOrder | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Le contrat doit être interrompu à ce jour (R1) ; un client exempté "
                "demande une dérogation DG valable (R4). L'ordre est créé pour la "
                "prochaine édition, avec la cause et le motif imprimés, puis suit la "
                "répartition, le CRI et le contreseing."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.police_edit = QLineEdit()
        self.police_edit.setObjectName("terminationPolice")
        self.police_edit.setPlaceholderText(tr("n° de police"))
        form.addRow(tr("&Police :"), self.police_edit)
        self.contract_label = QLabel()
        self.contract_label.setObjectName("terminationContract")
        self.contract_label.setWordWrap(True)
        self.contract_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(tr("Contrat :"), self.contract_label)
        self.cause_combo = QComboBox()
        self.cause_combo.setObjectName("terminationCause")
        for cause in MANUAL_CAUSES:
            self.cause_combo.addItem(tr(CAUSE_CHOICES[cause]), cause.value)
        form.addRow(tr("&Cause :"), self.cause_combo)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("terminationReason")
        self.reason_edit.setMaxLength(REASON_LIMIT)
        self.reason_edit.setPlaceholderText(tr("ce qui a été constaté, réf. du procès-verbal…"))
        form.addRow(tr("&Motif :"), self.reason_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setObjectName("dialogError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        self.done_label = QLabel()
        self.done_label.setObjectName("terminationDone")
        self.done_label.setStyleSheet(DONE_STYLE)
        self.done_label.setWordWrap(True)
        self.done_label.setVisible(False)
        layout.addWidget(self.done_label)
        self.buttons = QDialogButtonBox()
        self.ok_button: QPushButton = self.buttons.addButton(
            tr("Créer l'ordre"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("terminationCreate")
        self.ok_button.setDefault(True)
        self.cancel_button: QPushButton = self.buttons.addButton(
            tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._lookup = QTimer(self)
        self._lookup.setSingleShot(True)
        self._lookup.setInterval(LOOKUP_DELAY_MS)
        self._lookup.timeout.connect(self._read_contract)
        self.police_edit.textEdited.connect(self._police_edited)
        self.reason_edit.textEdited.connect(lambda _text: self._clear_error())
        if not ctx.may(Action.CRI_COUNTERSIGN):  # the service checks again
            self.ok_button.setEnabled(False)
            self._show_error(
                tr("Réservé au chef section recouvrement ({action}).").format(
                    action=ACTION_LABELS[Action.CRI_COUNTERSIGN]
                )
            )
        self.police_edit.setFocus()

    # ----------------------------------------------------------------- the contract

    def _police_edited(self, _text: str) -> None:
        self.facts = None
        self.contract_label.clear()
        self._clear_error()
        self._lookup.start()

    def _read_contract(self) -> None:
        police = self.police_edit.text().strip()
        if not police:
            return
        self.ctx.tasks.start(
            lambda task: contract_facts(task.uow(), police),
            title=tr("Lecture du contrat"),
            on_success=lambda facts: self._show_contract(police, facts),
            show_progress=False,
            key="termination/contract",
        )

    def _show_contract(self, police: str, facts: ContractFacts | None) -> None:
        if police != self.police_edit.text().strip():  # typed on since: a newer read comes
            return
        self.facts = facts
        if facts is None:
            self.contract_label.setText(tr("aucun contrat sous ce numéro"))
            return
        self.contract_label.setText(describe_contract(facts))
        self._fit()
        if facts.refusal and self.order is None:
            self._show_error(facts.refusal)

    # ------------------------------------------------------------------- creating

    def problem(self) -> tuple[str, QWidget] | None:
        """What is missing in the form (French) and the field to correct."""
        if not self.police_edit.text().strip():
            return tr("Indiquez la police du contrat à résilier."), self.police_edit
        if not self.reason_edit.text().strip():
            return (
                tr(
                    "Précisez le motif de la résiliation (ce qui a été constaté) : il est "
                    "imprimé sur l'ordre (R8)."
                ),
                self.reason_edit,
            )
        return None

    def accept(self) -> None:
        if self.order is not None:  # already created: Entrée closes
            super().accept()
            return
        if self.busy or not self.ok_button.isEnabled():
            return
        problem = self.problem()
        if problem is not None:
            message, field = problem
            self._show_error(message)
            field.setFocus()
            return
        self._clear_error()
        police = self.police_edit.text().strip()
        cause = str(self.cause_combo.currentData())
        reason = self.reason_edit.text()
        self.ctx.with_actor(lambda actor: self._create(actor, police, cause, reason))

    def _create(self, actor: Actor, police: str, cause: str, reason: str) -> None:
        self._set_busy(True)
        self.ctx.tasks.start(
            lambda task: add_termination(task.uow(), actor, police, cause, reason),
            title=tr("Résiliation pour une autre cause"),
            on_success=self._created,
            on_error=self._refused,
        )

    def _created(self, order: TerminationOrder) -> None:
        self._set_busy(False)
        self.order = order
        self.done_label.setText(
            tr(
                "{kind} n° {number} créé pour la police {police} ({name}) : il sera "
                "imprimé à la prochaine édition."
            ).format(
                kind=_kind_label(order.kind),
                number=order.number,
                police=order.police,
                name=order.customer_name,
            )
        )
        self.done_label.setVisible(True)
        self._fit()
        for widget in (self.police_edit, self.cause_combo, self.reason_edit):
            widget.setEnabled(False)
        self.ok_button.setVisible(False)
        self.cancel_button.setText(tr("Fermer"))
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        self.created.emit(order)

    def _refused(self, exc: BaseException) -> bool:
        """A service's French refusal goes into the dialog (nothing written); anything
        else to the error dialog."""
        self._set_busy(False)
        if not isinstance(exc, ServiceError):
            return False
        self._show_error(str(exc))
        field = {"cause": self.cause_combo, "reason": self.reason_edit}.get(
            str(exc.data.get("field")), self.police_edit
        )
        field.setFocus()
        return True

    # ------------------------------------------------------------------- helpers

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        self._fit()

    def _clear_error(self) -> None:
        if self.ok_button.isEnabled() or self.busy:
            self.error_label.setVisible(False)

    def _fit(self) -> None:
        """Grow to show a longer text (wrapped labels do not resize the dialog)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))


def open_termination_dialog(parent: QWidget | None, ctx: AppContext) -> TerminationDialog:
    """Open the R8 dialog window-modal (non-blocking); connect to its ``created``
    signal to learn of the order it creates."""
    dialog = TerminationDialog(ctx, parent)
    return open_modal(dialog)


__all__ = ["CAUSE_CHOICES", "TerminationDialog", "describe_contract", "open_termination_dialog"]
