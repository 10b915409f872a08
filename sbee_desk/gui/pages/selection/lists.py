"""The lists of a validated bordereau, from the Sélection page.

« Produire les listes » makes and archives the six files of the bordereau; their
dialog offers to save copies in a folder or to open the classeur.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog

from sbee_desk.gui.changes import Change
from sbee_desk.gui.dialogs.validation_dialogs import ListsProducedDialog
from sbee_desk.gui.file_dialogs import ask_directory
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.pages.selection.review import SelectionReview
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.classeur import save_copy
from sbee_desk.services.lists import ArchivedList, produce_lists
from sbee_desk.services.selection import RunSummary


class SelectionLists(SelectionReview):
    """Producing the lists of the bordereau shown, saving copies of them."""

    #: lists were produced (list of ArchivedList) and their dialog is open
    lists_produced = Signal(object)
    #: copies of the lists were written (folder)
    copies_saved = Signal(str)

    def produce(self) -> None:
        """« Produire les listes »: the six files of the validated bordereau, archived."""
        run, code = self.current_run, self.current_bordereau
        if not self.view.produce_button.isEnabled() or run is None or code is None:
            return
        run_id = run.run_id
        self.ctx.with_actor(
            lambda actor: self._start_review_task(
                lambda ctx: produce_lists(ctx.uow(), actor, run_id, code),
                self.tr("Production des listes du bordereau {code}").format(code=code),
                lambda files: self._lists_ready(run, code, files),
            )
        )

    def _lists_ready(self, run: RunSummary, code: str, files: list[ArchivedList]) -> None:
        dialog = ListsProducedDialog(code, files, self.view)
        dialog.save_requested.connect(lambda: self.save_copies(dialog))
        dialog.classeur_requested.connect(lambda: self._open_classeur(dialog))
        dialog.destroyed.connect(lambda: setattr(self, "lists_dialog", None))
        self.lists_dialog = dialog
        open_modal(dialog)
        self.message.emit(
            self.tr("Listes du bordereau {code} archivées dans le classeur.").format(code=code)
        )
        self.data_changed.emit(Change.LISTS)
        if self.current_run is not None and self.current_run.run_id == run.run_id:
            self._load_run(run, then=self._reselect_current_bordereau)
        self.lists_produced.emit(files)

    def _open_classeur(self, dialog: QDialog) -> None:
        dialog.accept()
        self.navigate.emit("archive")

    def save_copies(self, dialog: ListsProducedDialog) -> None:
        """« Enregistrer sous… »: a folder for copies of the archived files."""
        start = self.ctx.settings.text("lists/folder") or str(Path.home())
        ask_directory(
            dialog,
            self.tr("Enregistrer les copies des listes dans…"),
            start,
            lambda folder: self._save_copies_in(dialog, folder),
        )

    def _save_copies_in(self, dialog: ListsProducedDialog, folder: str) -> None:
        self.ctx.settings.set_text("lists/folder", folder)
        files = list(dialog.files)

        def write(ctx: TaskContext, actor: Actor) -> int:
            for f in files:
                save_copy(ctx.uow(), actor, f.entry_id, Path(folder) / f.file_name)
            return len(files)

        def saved(count: int) -> None:
            dialog.show_saved(folder, count)
            self.copies_saved.emit(folder)

        def start_copies(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: write(ctx, actor),
                title=self.tr("Enregistrement des copies"),
                on_success=saved,
            )

        self.ctx.with_actor(start_copies)
