"""Dialogs of the chef's review (step 1): exclude lines, record a DG derogation.
Confirming the validation and the lists produced afterwards are in
:mod:`validation_dialogs`.

They only ask; the Sélection page calls the services with the answers (in the
background) and shows their refusals through the one error dialog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.formatting import (
    category_label,
    decision_label,
    format_amount,
    format_count,
    format_date,
    plural,
)
from sbee_desk.gui.forms.derogation_dialog import Ui_DerogationDialog
from sbee_desk.services.selection import CandidateLine

#: the reason code whose free text is mandatory (services.review_base.resolve_reason)
OTHER_REASON = "AUTRE"
#: lines named one by one in a dialog; beyond, "et N autres"
NAMED_LINES = 5


def tr(text: str) -> str:
    return QCoreApplication.translate("ReviewDialogs", text)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("dialogHint")
    label.setStyleSheet("QLabel#dialogHint { color: #3d4b5c; }")
    return label


def describe_lines(lines: Sequence[CandidateLine]) -> str:
    """« Police 3100000037 — Noël Agossou (À relancer, 6 672 FCFA) » or
    « 3 lignes : 3100000013 (Kodjo Sacca), … »."""
    if len(lines) == 1:
        line = lines[0]
        return tr("Police {police} — {name} ({decision}, {amount})").format(
            police=line.police,
            name=line.customer_name,
            decision=decision_label(line.decision),
            amount=format_amount(line.amount_due),
        )
    named = ", ".join(f"{line.police} ({line.customer_name})" for line in lines[:NAMED_LINES])
    rest = len(lines) - NAMED_LINES
    if rest > 0:
        named += tr(" et {rest}").format(rest=plural(rest, tr("autre"), tr("autres")))
    return tr("{lines} : {named}").format(
        lines=plural(len(lines), tr("ligne"), tr("lignes")), named=named
    )


# --------------------------------------------------------------------------- exclusion


def _say_problem(label: QLabel, problem: str) -> None:
    """The red line under a form: hidden while there is nothing to say."""
    label.setText(problem)
    label.setVisible(bool(problem))


class ExclusionDialog(QDialog):
    """The mandatory reason (the administrator's list) and a free text, mandatory for
    « Autre motif »."""

    def __init__(
        self,
        reasons: Sequence[tuple[str, str]],
        lines: Sequence[CandidateLine],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exclusionDialog")
        self.lines = list(lines)
        count = len(self.lines)
        self.setWindowTitle(
            self.tr("Exclure une ligne")
            if count == 1
            else self.tr("Exclure {count} lignes").format(count=format_count(count))
        )
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.lines_label = QLabel(describe_lines(self.lines))
        self.lines_label.setWordWrap(True)
        self.lines_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.lines_label)
        layout.addWidget(
            _hint(
                self.tr(
                    "Une ligne exclue n'aura ni lettre de relance ni ordre à la validation du "
                    "bordereau. Elle reviendra au prochain traitement si le contrat est "
                    "toujours concerné. Le motif est obligatoire et figure sur la liste de "
                    "contrôle."
                )
            )
        )
        form = QFormLayout()
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("exclusionReason")
        self.reason_combo.addItem(self.tr("Choisissez un motif…"), "")
        for code, label in reasons:
            self.reason_combo.addItem(label, code)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("exclusionNote")
        self.note_edit.setMaxLength(300)
        self.note_edit.setPlaceholderText(self.tr("Facultative, sauf pour « Autre motif »"))
        form.addRow(self.tr("&Motif :"), self.reason_combo)
        form.addRow(self.tr("&Précision :"), self.note_edit)
        layout.addLayout(form)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("exclusionProblem")
        self.problem_label.setStyleSheet("color: #842029;")
        self.problem_label.setWordWrap(True)
        layout.addWidget(self.problem_label)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            self.tr("Exclure"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("confirmExclusion")
        self.cancel_button = buttons.addButton(
            self.tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        #: the problem is said once the user has touched the form, never on opening
        self.edited = False
        self.reason_combo.currentIndexChanged.connect(self._edited)
        self.note_edit.textChanged.connect(self._edited)
        self.reason_combo.setFocus()
        self._update()

    @property
    def reason_code(self) -> str:
        return str(self.reason_combo.currentData() or "")

    @property
    def note(self) -> str:
        return self.note_edit.text().strip()

    def problem(self) -> str:
        """What is missing, in French ("" when the answer is complete)."""
        if not self.reason_code:
            return self.tr("Choisissez le motif de l'exclusion.")
        if self.reason_code == OTHER_REASON and not self.note:
            return self.tr("« Autre motif » : précisez le motif en quelques mots.")
        return ""

    def _edited(self) -> None:
        self.edited = True
        self._update()

    def _update(self) -> None:
        problem = self.problem()
        self.ok_button.setEnabled(not problem)
        _say_problem(self.problem_label, problem if self.edited else "")
        self.note_edit.setPlaceholderText(
            self.tr("Obligatoire : précisez le motif")
            if self.reason_code == OTHER_REASON
            else self.tr("Facultative, sauf pour « Autre motif »")
        )

    def _accept_if_complete(self) -> None:
        if not self.problem():
            self.accept()


# --------------------------------------------------------------------------- derogation


class DerogationDialog(QDialog):
    """A DG decision allowing the termination of an exempt customer (R4)."""

    def __init__(
        self,
        line: CandidateLine,
        run_on: dt.date,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # the form is drawn in Qt Designer: ui/derogation_dialog.ui → gui/forms (pyside6-uic)
        self.form = Ui_DerogationDialog()
        self.form.setupUi(self)
        self.setObjectName("derogationDialog")
        self.line = line
        today = today or dt.date.today()
        self.setWindowTitle(self.tr("Dérogation DG — police {police}").format(police=line.police))
        form = self.form
        form.titleLabel.setText(
            self.tr("Police {police} — {name} ({category})").format(
                police=line.police, name=line.customer_name, category=category_label(line.category)
            )
        )
        form.dialogHint.setText(
            self.tr(
                "Ce client est exempté : il ne peut être résilié que sur décision de la "
                "Direction Générale. Enregistrez ici la décision ; la ligne est alors "
                "recalculée et suit les règles normales (relance ou résiliation). La "
                "dérogation compte si elle est valable à la date du traitement ({date})."
            ).format(date=format_date(run_on))
        )
        self.reference_edit = form.derogationReference
        self.decided_edit = form.derogationDecidedOn
        self.decided_edit.setMaximumDate(_qdate(today))
        self.decided_edit.setDate(_qdate(today))
        self.until_check = form.derogationLimited
        self.until_edit = form.derogationValidUntil
        self.until_edit.setDate(_qdate(today).addMonths(6))
        self.until_hint = form.untilHint
        self.document_edit = form.derogationDocument
        self.problem_label = form.derogationProblem
        buttons = form.buttons
        self.ok_button = buttons.addButton(
            self.tr("Enregistrer la dérogation"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("saveDerogation")
        buttons.addButton(self.tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        #: the problem is said once the user has touched the form, never on opening
        self.edited = False
        self.reference_edit.textChanged.connect(self._edited)
        self.decided_edit.dateChanged.connect(self._edited)
        self.until_edit.dateChanged.connect(self._edited)
        self.until_check.toggled.connect(self._edited)  # (enabling the date: in the form)
        self.adjustSize()  # to the texts just set, not the form's design-time size
        self.reference_edit.setFocus()
        self._update()

    @property
    def reference(self) -> str:
        return self.reference_edit.text().strip()

    @property
    def decided_on(self) -> dt.date:
        return _pydate(self.decided_edit.date())

    @property
    def valid_until(self) -> dt.date | None:
        return _pydate(self.until_edit.date()) if self.until_check.isChecked() else None

    @property
    def document_reference(self) -> str | None:
        return self.document_edit.text().strip() or None

    def problem(self) -> str:
        if not self.reference:
            return self.tr("Indiquez la référence de la décision de la Direction Générale.")
        until = self.valid_until
        if until is not None and until < self.decided_on:
            return self.tr(
                "La fin de validité ({until}) précède la date de la décision ({decided})."
            ).format(until=format_date(until), decided=format_date(self.decided_on))
        return ""

    def _edited(self) -> None:
        self.edited = True
        self._update()

    def _update(self) -> None:
        problem = self.problem()
        self.ok_button.setEnabled(not problem)
        _say_problem(self.problem_label, problem if self.edited else "")

    def _accept_if_complete(self) -> None:
        if not self.problem():
            self.accept()


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())
