"""Dialogs of the Relances page (issue #13): a delivery found impossible, a new
attempt ordered by the chef, a recorded delivery corrected (the chef, with a reason)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.formatting import category_label, format_date
from sbee_desk.services.letters import CustomerFile, LetterRow

#: usual reasons of an impossible delivery (business-rules.md R5); free text too
IMPOSSIBLE_REASONS = (
    "Adresse introuvable même au dossier client",
    "Refus de recevoir la lettre",
    "Local inoccupé, client parti",
)


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class _LetterDialog(QDialog):
    """Names the letter, holds a form, OK enabled only when the form is complete."""

    def __init__(self, letter: LetterRow, title: str, ok: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.letter = letter
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        about = QLabel(
            self.tr("Lettre n° {number} — police {police} — {name}\n{address}").format(
                number=letter.number,
                police=letter.police,
                name=letter.customer_name,
                address=", ".join(p for p in (letter.address, letter.quartier) if p)
                or self.tr("adresse non renseignée"),
            )
        )
        about.setWordWrap(True)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(about)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def set_ok_enabled(self, enabled: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(enabled)


class ImpossibleDialog(_LetterDialog):
    """The date and reason of an impossible delivery (counts as a delivery, R5)."""

    def __init__(self, letter: LetterRow, on: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(letter, self.tr("Remise impossible"), self.tr("Enregistrer"), parent)
        self.setObjectName("impossibleDialog")
        self.date_edit = QDateEdit(qdate(on))
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("reason")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItem("")
        for reason in IMPOSSIBLE_REASONS:
            self.reason_combo.addItem(self.tr(reason))
        self.form.addRow(self.tr("Constatée le :"), self.date_edit)
        self.form.addRow(self.tr("Motif :"), self.reason_combo)
        note = QLabel(
            self.tr(
                "Une remise impossible ainsi enregistrée fait courir le délai de 7 jours "
                "comme une remise (R5)."
            )
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        self.reason_combo.currentTextChanged.connect(lambda _t: self._update())
        self._update()

    def _update(self) -> None:
        self.set_ok_enabled(bool(self.reason().strip()))

    def reason(self) -> str:
        return self.reason_combo.currentText()

    def on(self) -> dt.date:
        return pydate(self.date_edit.date())


class RetryDialog(_LetterDialog):
    """A new presentation of the letter: a note for the releveur, reprint or not."""

    def __init__(self, letter: LetterRow, parent: QWidget | None = None) -> None:
        super().__init__(letter, self.tr("Nouvelle présentation"), self.tr("Demander"), parent)
        self.setObjectName("retryDialog")
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setPlaceholderText(
            self.tr("Ex. : adresse du dossier client : lot 45, derrière l'école")
        )
        self.reprint_check = QCheckBox(self.tr("Réimprimer la lettre « 2e présentation »"))
        self.reprint_check.setObjectName("reprint")
        self.form.addRow(self.tr("Note pour le releveur :"), self.note_edit)
        self.form.addRow(self.reprint_check)


class CorrectDialog(_LetterDialog):
    """The chef corrects a recorded delivery (date, who received it) or undoes it."""

    def __init__(self, letter: LetterRow, parent: QWidget | None = None) -> None:
        super().__init__(letter, self.tr("Corriger la remise"), self.tr("Corriger"), parent)
        self.setObjectName("correctDialog")
        self.date_edit = QDateEdit(qdate(letter.delivered_on or dt.date.today()))
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.to_edit = QLineEdit(letter.delivered_to or "")
        self.undo_check = QCheckBox(
            self.tr("Annuler la remise enregistrée (coupon scanné par erreur)")
        )
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.form.addRow(self.tr("Remise le :"), self.date_edit)
        self.form.addRow(self.tr("Remise à :"), self.to_edit)
        self.form.addRow(self.undo_check)
        self.form.addRow(self.tr("Motif de la correction :"), self.reason_edit)
        self.reason_edit.textChanged.connect(lambda _t: self._update())
        self.undo_check.toggled.connect(lambda _c: self._update())
        self._update()

    def _update(self) -> None:
        undo = self.undo_check.isChecked()
        self.date_edit.setEnabled(not undo)
        self.to_edit.setEnabled(not undo)
        self.set_ok_enabled(bool(self.reason_edit.text().strip()))

    def on(self) -> dt.date:
        return pydate(self.date_edit.date())


class DifficultyDialog(_LetterDialog):
    """« Difficulté de repérage » : what the customer file says (every address and
    phone, the other contracts, the zone, the last payment), then a new attempt with
    a note for the releveur, or the delivery recorded as impossible with a reason."""

    def __init__(self, file: CustomerFile, on: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(
            file.letter,
            self.tr("Difficulté de remise — dossier client"),
            self.tr("Enregistrer"),
            parent,
        )
        self.setObjectName("difficultyDialog")
        self.file = file

        def line(text: str | None, missing: str | None = None) -> str:
            return text if text else (missing or self.tr("non renseignée"))

        printed = ", ".join(p for p in (file.printed_address, file.printed_quartier) if p)
        current = ", ".join(p for p in (file.address, file.quartier) if p)
        facts = QFormLayout()
        facts.addRow(
            self.tr("Client :"),
            QLabel(f"{file.name} ({file.customer_code}) — {category_label(file.category)}"),
        )
        facts.addRow(self.tr("Adresse imprimée :"), QLabel(line(printed)))
        facts.addRow(self.tr("Adresse au dossier :"), QLabel(line(current)))
        facts.addRow(self.tr("Téléphone :"), QLabel(line(file.phone, self.tr("non renseigné"))))
        contracts = "\n".join(
            f"{c.police} ({c.voltage}, zone {c.zone_code or '—'}"
            + (f", PDL {c.delivery_point}" if c.delivery_point else "")
            + (
                self.tr(", résilié le {day}").format(day=format_date(c.terminated_on))
                if c.terminated_on
                else ""
            )
            + ")"
            for c in file.contracts
        )
        facts.addRow(self.tr("Contrats :"), QLabel(contracts))
        payment = (
            self.tr("{amount} FCFA le {day}").format(
                amount=f"{file.last_payment_amount:,}".replace(",", "\u202f"),
                day=format_date(file.last_payment_on),
            )
            if file.last_payment_on is not None
            else self.tr("aucun")
        )
        facts.addRow(self.tr("Dernier règlement :"), QLabel(payment))
        self.form.addRow(facts)

        self.retry_radio = QRadioButton(self.tr("Nouvelle présentation par le releveur"))
        self.retry_radio.setObjectName("chooseRetry")
        self.impossible_radio = QRadioButton(
            self.tr("Remise impossible (le délai de 7 jours court)")
        )
        self.impossible_radio.setObjectName("chooseImpossible")
        group = QButtonGroup(self)
        group.addButton(self.retry_radio)
        group.addButton(self.impossible_radio)
        self.retry_radio.setChecked(True)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setPlaceholderText(self.tr("Note pour le releveur (adresse retrouvée…)"))
        self.reprint_check = QCheckBox(self.tr("Réimprimer la lettre « 2e présentation »"))
        self.date_edit = QDateEdit(qdate(on))
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("reason")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItem("")
        for reason in IMPOSSIBLE_REASONS:
            self.reason_combo.addItem(self.tr(reason))
        self.form.addRow(self.retry_radio)
        self.form.addRow(self.tr("Note :"), self.note_edit)
        self.form.addRow(self.reprint_check)
        self.form.addRow(self.impossible_radio)
        self.form.addRow(self.tr("Constatée le :"), self.date_edit)
        self.form.addRow(self.tr("Motif :"), self.reason_combo)
        self.retry_radio.toggled.connect(lambda _c: self._update())
        self.reason_combo.currentTextChanged.connect(lambda _t: self._update())
        self._update()
        self.setMinimumWidth(560)

    @property
    def impossible(self) -> bool:
        return self.impossible_radio.isChecked()

    def _update(self) -> None:
        impossible = self.impossible
        self.note_edit.setEnabled(not impossible)
        self.reprint_check.setEnabled(not impossible)
        self.date_edit.setEnabled(impossible)
        self.reason_combo.setEnabled(impossible)
        self.set_ok_enabled(not impossible or bool(self.reason().strip()))

    def reason(self) -> str:
        return self.reason_combo.currentText()

    def on(self) -> dt.date:
        return pydate(self.date_edit.date())
