"""The « 3. Relances » page (issue #13): the actions on a letter — a difficulty (the
customer file, then a new attempt or an impossible delivery), an impossible delivery,
a new attempt, the chef's correction — and the address difficulties in Excel. The
loading, filters and the delivery entry are in :mod:`.letters_base`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.file_dialogs import ask_save_file
from sbee_desk.gui.formatting import plural
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.pages.letters_base import LettersPageBase, escape_rich
from sbee_desk.gui.pages.letters_dialogs import (
    CorrectDialog,
    DifficultyDialog,
    ImpossibleDialog,
    RetryDialog,
    pydate,
)
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.letters import (
    CustomerFile,
    LetterRow,
    correct_delivery,
    customer_file,
    export_address_difficulties,
    order_retry,
    record_impossible,
)


class LettersPage(LettersPageBase):
    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.difficulty_dialog: DifficultyDialog | None = None
        view = self.view
        view.difficulty_button.clicked.connect(self.ask_difficulty)
        view.export_button.clicked.connect(self.ask_export)
        view.impossible_button.clicked.connect(self.ask_impossible)
        view.retry_button.clicked.connect(self.ask_retry)
        view.correct_button.clicked.connect(self.ask_correct)

    def ask_difficulty(self) -> None:
        """The customer file of the letter, then a new attempt or an impossible delivery."""
        letter = self._target()
        if letter is None:
            return
        number = letter.number
        self.ctx.tasks.start(
            lambda ctx: customer_file(ctx.uow(), number),
            title=self.tr("Lecture du dossier client"),
            on_success=self._show_difficulty,
            key="letters/file",
        )

    def _show_difficulty(self, file: CustomerFile) -> None:
        letter = file.letter
        dialog = DifficultyDialog(file, pydate(self.view.date_edit.date()), self.view)
        self.difficulty_dialog = dialog

        agency = self.agency

        def answered(ok: bool) -> None:
            if not ok:
                return
            if dialog.impossible:
                on, reason = dialog.on(), dialog.reason()
                self._act(
                    lambda ctx, actor: record_impossible(
                        ctx.uow(), actor, letter.number, on, reason, agency=agency
                    ),
                    self.tr("Remise impossible"),
                    self.tr("lettre n° {number} : remise impossible enregistrée.").format(
                        number=letter.number
                    ),
                )
            else:
                note, reprint = dialog.note_edit.text(), dialog.reprint_check.isChecked()
                self._act(
                    lambda ctx, actor: order_retry(
                        ctx.uow(), actor, letter.number, note=note, reprint=reprint, agency=agency
                    ),
                    self.tr("Nouvelle présentation"),
                    self.tr("lettre n° {number} : nouvelle présentation demandée.").format(
                        number=letter.number
                    ),
                )

        open_modal(dialog, answered)
        self.difficulty_shown.emit(dialog)

    def ask_export(self) -> None:
        """The address difficulties for the gestion clientèle, in an Excel workbook."""
        name = f"difficultes-adresse-{dt.date.today():%Y-%m-%d}.xlsx"
        folder = self.ctx.settings.text("letters/export_folder", str(Path.home()))

        def chosen(path: str) -> None:
            self.ctx.settings.set_text("letters/export_folder", str(Path(path).parent))
            self.ctx.tasks.start(
                lambda ctx: export_address_difficulties(ctx.uow(), Path(path)),
                title=self.tr("Difficultés d'adresse"),
                on_success=lambda count: self._exported(path, count),
                key="letters/export",
            )

        ask_save_file(
            self.view,
            self.tr("Difficultés d'adresse pour la gestion clientèle"),
            str(Path(folder) / name),
            self.tr("Classeur Excel (*.xlsx)"),
            chosen,
        )

    def _exported(self, path: str, count: int) -> None:
        self.view.entry_banner.show_message(
            "success",
            self.tr("<b>Enregistré :</b> {count} dans {path}.").format(
                count=plural(
                    count, self.tr("difficulté d'adresse"), self.tr("difficultés d'adresse")
                ),
                path=escape_rich(path),
            ),
        )
        self.exported.emit(path)

    def ask_impossible(self) -> None:
        letter = self._target()
        if letter is None:
            return
        dialog = ImpossibleDialog(letter, pydate(self.view.date_edit.date()), self.view)

        agency = self.agency

        def answered(ok: bool) -> None:
            if ok:
                on, reason = dialog.on(), dialog.reason()
                self._act(
                    lambda ctx, actor: record_impossible(
                        ctx.uow(), actor, letter.number, on, reason, agency=agency
                    ),
                    self.tr("Remise impossible"),
                    self.tr("lettre n° {number} : remise impossible enregistrée.").format(
                        number=letter.number
                    ),
                )

        open_modal(dialog, answered)

    def ask_retry(self) -> None:
        letter = self._target()
        if letter is None:
            return
        dialog = RetryDialog(letter, self.view)

        agency = self.agency

        def answered(ok: bool) -> None:
            if ok:
                note, reprint = dialog.note_edit.text(), dialog.reprint_check.isChecked()
                self._act(
                    lambda ctx, actor: order_retry(
                        ctx.uow(), actor, letter.number, note=note, reprint=reprint, agency=agency
                    ),
                    self.tr("Nouvelle présentation"),
                    self.tr("lettre n° {number} : nouvelle présentation demandée.").format(
                        number=letter.number
                    ),
                )

        open_modal(dialog, answered)

    def ask_correct(self) -> None:
        letter = self._target()
        if letter is None:
            return
        dialog = CorrectDialog(letter, self.view)

        def answered(ok: bool) -> None:
            if ok:
                undo, reason = dialog.undo_check.isChecked(), dialog.reason_edit.text()
                on, to = dialog.on(), dialog.to_edit.text()
                self._act(
                    lambda ctx, actor: correct_delivery(
                        ctx.uow(), actor, letter.number, reason, on=on, to=to, undo=undo
                    ),
                    self.tr("Correction de la remise"),
                    self.tr("lettre n° {number} : remise corrigée.").format(number=letter.number),
                )

        open_modal(dialog, answered)

    def _act(self, fn: Callable[[TaskContext, Actor], LetterRow], title: str, done: str) -> None:
        def run(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: fn(ctx, actor),
                title=title,
                on_success=lambda row: self._acted(row, done),
                on_error=lambda exc: self._refuse(exc, "number"),
                key="letters/act",
            )

        self.ctx.with_actor(run)

    def _acted(self, row: LetterRow, done: str) -> None:
        self.model.replace_rows([row])
        self._recount()
        self._apply_filters()
        self.view.entry_banner.show_message(
            "success", self.tr("<b>Enregistré :</b> {done}").format(done=escape_rich(done))
        )
        self.recorded.emit([row])
        self.data_changed.emit(Change.LETTERS)
