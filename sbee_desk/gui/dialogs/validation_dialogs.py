"""Dialogs of the chef's review (step 1) after the review itself: confirm the
validation of a bordereau, say what it did, and show the lists produced afterwards
(split from :mod:`review_dialogs`, #11).

They only ask or tell; the Sélection page calls the services (in the background).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.dialogs.review_dialogs import tr
from sbee_desk.gui.formatting import (
    format_count,
    plural,
)
from sbee_desk.gui.models.archive import empty_label, format_label, kind_label
from sbee_desk.gui.models.candidates import ReviewCounts
from sbee_desk.services.lists import ArchivedList, ProducedLists
from sbee_desk.services.review import ValidationResult

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
                "Chaque poste les retrouve dans « Classeur (fichiers archivés) »."
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
