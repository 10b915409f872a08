"""Dialogs of the chef's review (step 1): exclude lines, record a DG derogation,
confirm the validation of a bordereau, and the lists produced afterwards.

They only ask; the Sélection page calls the services with the answers (in the
background) and shows their refusals through the one error dialog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
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
from sbee_desk.gui.models.archive import empty_label, format_label, kind_label
from sbee_desk.gui.models.candidates import ReviewCounts
from sbee_desk.services.lists import ArchivedList, ProducedLists
from sbee_desk.services.review import ValidationResult
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


# --------------------------------------------------------------------------- validation


def _work_words(letters: int, depose: int, index: int) -> str:
    """« 12 lettres de relance et 31 ordres (27 ordres de dépose, 4 ordres de contrôle
    d'index) seront créés »."""
    orders = depose + index
    letter_words = plural(letters, tr("lettre de relance"), tr("lettres de relance"))
    depose_words = plural(depose, tr("ordre de dépose"), tr("ordres de dépose"))
    index_words = plural(index, tr("ordre de contrôle d'index"), tr("ordres de contrôle d'index"))
    if depose and index:
        order_words = tr("{orders} ({depose}, {index})").format(
            orders=plural(orders, tr("ordre"), tr("ordres")), depose=depose_words, index=index_words
        )
    else:
        order_words = depose_words if depose else index_words
    if letters and orders:
        subject, feminine, many = (
            tr("{a} et {b}").format(a=letter_words, b=order_words),
            False,
            True,
        )
    elif letters:
        subject, feminine, many = letter_words, True, letters > 1
    elif orders:
        subject, feminine, many = order_words, False, orders > 1
    else:
        return tr("aucune lettre de relance ni aucun ordre ne sera créé")
    participle = tr("créée") if feminine else tr("créé")
    if many:
        participle += "s"
    verb = tr("seront") if many else tr("sera")
    return f"{subject} {verb} {participle}"


def _other_lines(excluded: int, waiting: int, exempt: int) -> list[str]:
    parts = []
    if excluded:
        parts.append(plural(excluded, tr("ligne exclue"), tr("lignes exclues")))
    if waiting:
        parts.append(tr("{count} en attente").format(count=format_count(waiting)))
    if exempt:
        parts.append(plural(exempt, tr("exemptée"), tr("exemptées")))
    return parts


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def validation_summary(counts: ReviewCounts) -> str:
    """« 12 lettres de relance et 31 ordres (27 ordres de dépose, 4 ordres de contrôle
    d'index) seront créés ; 3 lignes exclues ; 5 en attente ; 2 exemptées. Cette action
    est définitive. »"""
    parts = [
        _work_words(counts.letters, counts.depose_orders, counts.index_orders),
        *_other_lines(counts.excluded, counts.waiting, counts.exempt),
    ]
    return _capitalised(" ; ".join(parts)) + tr(". Cette action est définitive.")


class ValidationBox(QMessageBox):
    """The confirmation before validating a bordereau: what will happen, with the
    counts; Annuler is the default button (Entrée and Échap both cancel)."""

    def __init__(
        self, code: str, counts: ReviewCounts, total: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("validationBox")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(tr("Valider le bordereau {code}").format(code=code))
        self.setText(
            tr("<b>Valider le bordereau {code} ({lines}) ?</b>").format(
                code=code, lines=plural(total, tr("ligne"), tr("lignes"))
            )
        )
        self.setInformativeText(
            validation_summary(counts)
            + "\n\n"
            + tr(
                "Avant d'enregistrer, le logiciel vérifie que chaque contrat est toujours "
                "suspendu et impayé : ceux rétablis ou réglés depuis le traitement sont "
                "écartés (règle R7). Ensuite, la revue du bordereau est figée : plus "
                "d'exclusion ni de réintégration."
            )
        )
        self.validate_button = self.addButton(
            tr("Valider le bordereau"), QMessageBox.ButtonRole.AcceptRole
        )
        self.validate_button.setObjectName("confirmValidation")
        self.cancel_button = self.addButton(tr("Annuler"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.cancel_button)
        self.setEscapeButton(self.cancel_button)

    @property
    def confirmed(self) -> bool:
        return self.clickedButton() is self.validate_button


def work_created(letters: int, orders: int) -> str:
    """« 2 lettres de relance et 5 ordres créés », « 16 ordres créés »…"""
    letter_words = plural(letters, tr("lettre de relance"), tr("lettres de relance"))
    order_words = plural(orders, tr("ordre"), tr("ordres"))
    if letters and orders:
        return tr("{a} et {b} créés").format(a=letter_words, b=order_words)
    if letters:
        return letter_words + (tr(" créées") if letters > 1 else tr(" créée"))
    if orders:
        return order_words + (tr(" créés") if orders > 1 else tr(" créé"))
    return tr("aucune lettre de relance ni aucun ordre créé")


def validation_result_text(result: ValidationResult) -> str:
    """What validating did, the lines dropped by R7 named."""
    work = work_created(result.letters, result.orders)
    parts = [work, *_other_lines(result.excluded, result.waiting, result.exempt)]
    text = tr("Bordereau {code} validé : {parts}.").format(
        code=result.bordereau_code, parts=" ; ".join(parts)
    )
    if result.dropped:
        named = ", ".join(result.dropped[:20])
        if len(result.dropped) > 20:
            named += " …"
        text += "\n\n" + tr(
            "{lines} (contrat rétabli ou factures réglées depuis le traitement, règle R7), "
            "sans lettre ni ordre : polices {named}."
        ).format(
            lines=_capitalised(
                plural(len(result.dropped), tr("ligne écartée"), tr("lignes écartées"))
            ),
            named=named,
        )
    text += "\n\n" + tr(
        "Les lettres de relance et les ordres seront produits à l'étape 2 « Édition et "
        "impression ». Vous pouvez maintenant produire les listes du bordereau."
    )
    return text


# --------------------------------------------------------------------------- lists


class ListsProducedDialog(QDialog):
    """The files just archived in the classeur; copies on request (« Enregistrer sous »)."""

    save_requested = Signal()
    classeur_requested = Signal()

    def __init__(
        self, code: str, files: Sequence[ArchivedList], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("listsProduced")
        self.files = list(files)
        self.setWindowTitle(self.tr("Listes du bordereau {code}").format(code=code))
        self.setMinimumWidth(760)
        layout = QVBoxLayout(self)
        copies = any(f.is_copy for f in self.files)
        one = len(self.files) <= 1
        again = ""
        if copies:
            again = (
                self.tr(" (à nouveau : enregistrée comme copie)")
                if one
                else self.tr(" (à nouveau : enregistrées comme copies)")
            )
        self.intro = intro = QLabel(
            self.tr(
                "<b>{files} dans le classeur</b> pour le bordereau {code}{again}. "
                "Chaque poste les retrouve dans « Classeur (listes archivées) »."
            ).format(
                files=plural(
                    len(self.files), self.tr("liste archivée"), self.tr("listes archivées")
                ),
                code=code,
                again=again,
            )
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.files), 5)
        self.table.setObjectName("producedFiles")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Liste"),
                self.tr("Format"),
                self.tr("Fichier"),
                self.tr("Lignes"),
                self.tr("Copie"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, f in enumerate(self.files):
            values = (
                kind_label(f.kind),
                format_label(f.file_format),
                f.file_name,
                format_count(f.line_count),
                self.tr("Oui") if f.is_copy else self.tr("Non"),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 2:
                    item.setToolTip(self.tr("SHA-256 {sha}").format(sha=f.sha256))
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(
            self.table.verticalHeader().defaultSectionSize() * (len(self.files) + 1) + 8
        )
        layout.addWidget(self.table)
        # lists with no line: no file, said in words (#10)
        self.empty_kinds = [e.kind for e in files.empty] if isinstance(files, ProducedLists) else []
        self.empty_label = QLabel(
            "<br>".join(
                self.tr("{what} : aucun fichier produit (noté au classeur).").format(
                    what=empty_label(kind)
                )
                for kind in self.empty_kinds
            )
        )
        self.empty_label.setObjectName("emptyLists")
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setVisible(bool(self.empty_kinds))
        layout.addWidget(self.empty_label)
        self.saved_label = QLabel(
            self.tr(
                "Pour en remettre une copie (clé USB, messagerie), choisissez « Enregistrer "
                "sous… » : les fichiers y sont écrits tels qu'archivés."
            )
        )
        self.saved_label.setObjectName("savedCopies")
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.saved_label)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Enregistrer sous…"))
        self.save_button.setObjectName("saveCopies")
        self.classeur_button = QPushButton(self.tr("Ouvrir le classeur"))
        self.close_button = QPushButton(self.tr("Fermer"))
        self.close_button.setDefault(True)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.classeur_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save_requested)
        self.classeur_button.clicked.connect(self.classeur_requested)
        self.close_button.clicked.connect(self.accept)

    def show_saved(self, folder: str, count: int) -> None:
        self.saved_label.setText(
            self.tr("{files} dans « {folder} ».").format(
                files=_capitalised(
                    plural(count, self.tr("copie enregistrée"), self.tr("copies enregistrées"))
                ),
                folder=folder,
            )
        )
