"""« Fichier retour GC » (#16): the dialog that writes the return file for the gestion
clientèle — the lines waiting (read in the background), a folder chosen in the real
folder dialog, CSV or Excel, « Exporter »; the result in the dialog: « N lignes
exportées dans … », or « rien de nouveau », or the service's French refusal (nothing
recorded, the dialog stays open to choose another folder).

The page that hosts the button (« Résiliations ») calls
:func:`export_return_file_action`; any page may.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.domain.permissions import Action
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.file_dialogs import ask_directory
from sbee_desk.gui.modal import open_modal
from sbee_desk.services.actor import Actor
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.gc_return import (
    ExportResult,
    FileFormat,
    LineKind,
    ReturnLine,
    export_return_file,
    preview,
)
from sbee_desk.wording.formats import plural

ERROR_STYLE = "color: #842029;"
SUCCESS_STYLE = "color: #0f5132;"
#: the folder last chosen (QSettings key)
FOLDER_KEY = "gc_return/folder"

#: each kind's French words (singular, plural)
_KIND_WORDS = {
    LineKind.RESILIATION: ("résiliation", "résiliations"),
    LineKind.INDEX_MT: ("index MT", "index MT"),
    LineKind.ADRESSE: ("difficulté d'adresse", "difficultés d'adresse"),
}


def kinds_text(counts: dict[LineKind, int]) -> str:
    """« 3 résiliations, 1 index MT, 2 difficultés d'adresse » (kinds without a line
    left out)."""
    return ", ".join(plural(n, *_KIND_WORDS[kind]) for kind, n in counts.items() if n)


class GcReturnDialog(QDialog):
    """Folder + format + « Exporter »; the outcome in the dialog."""

    #: the export is done (the ExportResult; no file when nothing was new)
    exported = Signal(object)
    #: the export was refused (the service's French message)
    refused = Signal(str)
    #: the pending lines were read (their number)
    pending_read = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("gcReturnDialog")
        self.setWindowTitle(self.tr("Fichier retour pour la gestion clientèle"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Les résiliations (date et index final), les index relevés sur les ordres "
                "de contrôle d'index MT et les difficultés d'adresse des relances partent "
                "<b>une seule fois</b> : chaque fichier ne porte que ce qui est nouveau "
                "depuis le précédent."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.pending_label = QLabel(self.tr("Lignes en attente : lecture…"))
        self.pending_label.setObjectName("gcReturnPending")
        self.pending_label.setWordWrap(True)
        layout.addWidget(self.pending_label)

        form = QFormLayout()
        row = QHBoxLayout()
        self.folder_edit = QLineEdit(ctx.settings.text(FOLDER_KEY, str(Path.home())))
        self.folder_edit.setObjectName("gcReturnFolder")
        self.browse_button = QPushButton(self.tr("Parcourir…"))
        self.browse_button.clicked.connect(self.ask_folder)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        folder_label = QLabel(self.tr("&Dossier :"))
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, row)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("gcReturnFormat")
        self.format_combo.addItem(self.tr("CSV (UTF-8, séparateur « ; »)"), FileFormat.CSV.value)
        self.format_combo.addItem(self.tr("Classeur Excel (.xlsx)"), FileFormat.XLSX.value)
        form.addRow(self.tr("&Format :"), self.format_combo)
        layout.addLayout(form)

        self.result_label = QLabel()
        self.result_label.setObjectName("gcReturnResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setVisible(False)
        layout.addWidget(self.result_label)

        self.buttons = QDialogButtonBox()
        self.export_button: QPushButton = self.buttons.addButton(
            self.tr("&Exporter"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.export_button.setEnabled(ctx.may(Action.EDITION))
        if not ctx.may(Action.EDITION):
            self.export_button.setToolTip(
                self.tr("Réservé au chef section recouvrement (production des listes).")
            )
        self.close_button = self.buttons.addButton(
            self.tr("Fermer"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.busy = False
        self.read_pending()

    # -- the lines waiting ---------------------------------------------------------------
    def read_pending(self) -> None:
        def start(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda c: preview(c.uow(), actor),
                title=self.tr("Fichier retour : lignes en attente"),
                on_success=self._show_pending,
                show_progress=False,
                key="gc_return/preview",
            )

        self.ctx.with_actor(start)

    def _show_pending(self, lines: list[ReturnLine]) -> None:
        counts = {kind: sum(1 for x in lines if x.kind is kind) for kind in LineKind}
        if lines:
            text = self.tr("Lignes en attente : {count} ({kinds}).").format(
                count=len(lines), kinds=kinds_text(counts)
            )
        else:
            text = self.tr("Lignes en attente : aucune, rien de nouveau depuis le dernier fichier.")
        self.pending_label.setText(text)
        self.pending_read.emit(len(lines))

    # -- the folder ----------------------------------------------------------------------
    def ask_folder(self) -> None:
        ask_directory(
            self,
            self.tr("Dossier du fichier retour"),
            self.folder_edit.text().strip() or str(Path.home()),
            self.folder_edit.setText,
        )

    # -- the export ----------------------------------------------------------------------
    def export(self) -> None:
        if self.busy:
            return
        folder = self.folder_edit.text().strip()
        if not folder:
            self._show(self.tr("Choisissez le dossier où écrire le fichier."), ERROR_STYLE)
            self.folder_edit.setFocus()
            return
        file_format = FileFormat(self.format_combo.currentData())
        self.ctx.settings.set_text(FOLDER_KEY, folder)

        def start(actor: Actor) -> None:
            self._set_busy(True)
            self.ctx.tasks.start(
                lambda c: export_return_file(c.uow(), actor, Path(folder), file_format),
                title=self.tr("Fichier retour pour la gestion clientèle"),
                on_success=lambda result: self._exported(result, folder),
                on_error=self._failed,
                key="gc_return/export",
            )

        self.ctx.with_actor(start)

    def _exported(self, result: ExportResult, folder: str) -> None:
        self._set_busy(False)
        if not result.files:
            self._show(
                self.tr(
                    "Rien de nouveau pour la gestion clientèle : aucun fichier écrit "
                    "(tout a déjà été exporté)."
                ),
                SUCCESS_STYLE,
            )
        else:
            names = ", ".join(f.file_name for f in result.files)
            self._show(
                self.tr("{lines} dans {folder} ({names}).").format(
                    lines=plural(
                        result.line_count,
                        self.tr("ligne exportée"),
                        self.tr("lignes exportées"),
                    ),
                    folder=folder,
                    names=names,
                ),
                SUCCESS_STYLE,
            )
        self.exported.emit(result)
        self.read_pending()

    def _failed(self, exc: BaseException) -> bool:
        self._set_busy(False)
        if not isinstance(exc, ServiceError):
            return False  # the error dialog shows it
        self._show(str(exc), ERROR_STYLE)
        self.refused.emit(str(exc))
        return True

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.export_button.setEnabled(not busy and self.ctx.may(Action.EDITION))
        self.browse_button.setEnabled(not busy)

    def _show(self, text: str, style: str) -> None:
        self.result_label.setStyleSheet(style)
        self.result_label.setText(text)
        self.result_label.setVisible(True)


def export_return_file_action(parent: QWidget, ctx: AppContext) -> GcReturnDialog:
    """The « Fichier retour GC » button's action: the dialog, window-modal over
    ``parent``, non-blocking. Returns it (its signals say what happened)."""
    dialog = GcReturnDialog(ctx, parent)
    return open_modal(dialog)
