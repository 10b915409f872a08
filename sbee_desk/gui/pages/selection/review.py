"""The review of a bordereau on the Sélection page (issue #5).

The chef excludes lines (with a reason) or brings them back, the Direction records a
DG derogation for an exempt line, the chef validates the bordereau (confirmation
naming the counts). Each action runs in the background, one at a time; the
services decide, and their refusals go to the one error dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox

from sbee_desk.gui.changes import Change
from sbee_desk.gui.dialogs.review_dialogs import DerogationDialog, ExclusionDialog
from sbee_desk.gui.dialogs.validation_dialogs import ValidationBox, validation_result_text
from sbee_desk.gui.formatting import plural
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.pages.selection.content import RunContent
from sbee_desk.gui.pages.selection.lines import SelectionLines
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.r7 import summary as r7_summary
from sbee_desk.services.review import (
    DerogationInfo,
    ValidationResult,
    add_derogation,
    exclude_lines,
    exclusion_reasons,
    restore_lines,
    validate_bordereau,
)
from sbee_desk.services.selection import CandidateLine, RunSummary


def exclusion_text(label: str, note: str) -> str:
    """How the service words an exclusion (services.review_base.resolve_reason)."""
    return f"{label} — {note}" if note else label


class SelectionReview(SelectionLines):
    """Exclude, restore, derogation, validate: the review actions and their dialogs."""

    #: an exclusion, a restoration or a derogation was recorded and is shown
    review_changed = Signal()
    #: the bordereau was validated (ValidationResult) and the page shows it
    bordereau_validated = Signal(object)

    # -- one review action at a time -------------------------------------------------------
    def _start_review_task(
        self,
        fn: Callable[[TaskContext], Any],
        title: str,
        on_success: Callable[[Any], None],
    ) -> None:
        self.review_busy = True
        self._update_review_actions()
        task = self.ctx.tasks.start(
            fn, title=title, on_success=on_success, on_error=self._review_refused
        )
        task.ended.connect(self._review_ended)

    def _review_refused(self, _error: BaseException) -> bool:
        """A refusal may come from a change elsewhere (validated from another
        workstation): show the bordereaux as they are now. The error dialog says why."""
        if self.current_run is not None:
            self._load_run(self.current_run, then=self._reselect_current_bordereau)
        return False

    def _review_ended(self) -> None:
        self.review_busy = False
        self._update_review_actions()

    # -- exclude ---------------------------------------------------------------------------
    def exclude_selected(self) -> None:
        """« Exclure… » (Suppr): ask the reason for the selected lines not yet excluded."""
        if not self.view.exclude_action.isEnabled():
            return
        lines = [line for line in self.selected_lines() if line.excluded_reason is None]
        if not lines:
            return
        if self.reasons is None:
            self.ctx.tasks.start(
                lambda ctx: exclusion_reasons(ctx.uow()),
                title=self.tr("Lecture des motifs d'exclusion"),
                on_success=lambda reasons: self._ask_exclusion(reasons, lines),
            )
        else:
            self._ask_exclusion(self.reasons, lines)

    def _ask_exclusion(self, reasons: list[tuple[str, str]], lines: list[CandidateLine]) -> None:
        self.reasons = reasons
        dialog = ExclusionDialog(reasons, lines, self.view)
        dialog.destroyed.connect(lambda: setattr(self, "exclusion_dialog", None))
        self.exclusion_dialog = dialog
        open_modal(dialog, lambda accepted: self._exclusion_answered(dialog) if accepted else None)

    def _exclusion_answered(self, dialog: ExclusionDialog) -> None:
        run, code = self.current_run, self.current_bordereau
        if run is None or code is None:
            return
        polices = [line.police for line in dialog.lines]
        reason_code, note = dialog.reason_code, dialog.note
        label = dict(self.reasons or []).get(reason_code, reason_code)
        run_id = run.run_id

        def excluded(count: int) -> None:
            self.line_model.mark_excluded(polices, exclusion_text(label, note))
            self.message.emit(
                self.tr("{lines} du bordereau {code} : {reason}.").format(
                    lines=plural(count, self.tr("ligne exclue"), self.tr("lignes exclues")),
                    code=code,
                    reason=label,
                )
            )
            self._after_review_change()

        self.ctx.with_actor(
            lambda actor: self._start_review_task(
                lambda ctx: exclude_lines(ctx.uow(), actor, run_id, polices, reason_code, note),
                self.tr("Exclusion de lignes"),
                excluded,
            )
        )

    def restore_selected(self) -> None:
        """« Réintégrer »: the selected excluded lines are confirmed again."""
        if not self.view.restore_action.isEnabled() or self.current_run is None:
            return
        polices = [line.police for line in self.selected_lines() if line.excluded_reason]
        if not polices:
            return
        run_id, code = self.current_run.run_id, self.current_bordereau

        def restored(_count: int) -> None:
            self.line_model.mark_excluded(polices, None)
            self.message.emit(
                self.tr("{lines} au bordereau {code}.").format(
                    lines=plural(
                        len(polices), self.tr("ligne réintégrée"), self.tr("lignes réintégrées")
                    ),
                    code=code,
                )
            )
            self._after_review_change()

        self.ctx.with_actor(
            lambda actor: self._start_review_task(
                lambda ctx: restore_lines(ctx.uow(), actor, run_id, polices),
                self.tr("Réintégration de lignes"),
                restored,
            )
        )

    def _after_review_change(self) -> None:
        self._update_decision_counts()
        self._update_shown_count()
        self._refresh_detail()
        self._update_review_actions()
        self.review_changed.emit()

    # -- derogation ------------------------------------------------------------------------
    def derogate_current(self) -> None:
        """« Dérogation DG… » for the one exempt line selected (DIRECTION)."""
        lines = self.selected_lines()
        if not self.view.derogation_action.isEnabled() or len(lines) != 1:
            return
        self.ask_derogation(lines[0])

    def ask_derogation(self, line: CandidateLine) -> DerogationDialog | None:
        run = self.current_run
        if run is None:
            return None
        dialog = DerogationDialog(line, run.run_on, parent=self.view)
        dialog.destroyed.connect(lambda: setattr(self, "derogation_dialog", None))
        self.derogation_dialog = dialog
        return open_modal(
            dialog, lambda accepted: self._derogation_answered(dialog) if accepted else None
        )

    def _derogation_answered(self, dialog: DerogationDialog) -> None:
        police = dialog.line.police
        answer = (
            dialog.reference,
            dialog.decided_on,
            dialog.valid_until,
            dialog.document_reference,
        )
        self.ctx.with_actor(
            lambda actor: self._start_review_task(
                lambda ctx: add_derogation(ctx.uow(), actor, police, *answer),
                self.tr("Enregistrement de la dérogation DG"),
                self._derogation_recorded,
            )
        )

    def _derogation_recorded(self, info: DerogationInfo) -> None:
        self.message.emit(
            self.tr(
                "Dérogation DG réf. {ref} enregistrée pour la police {police} : {lines}."
            ).format(
                ref=info.reference,
                police=info.police,
                lines=plural(
                    info.recomputed_lines,
                    self.tr("ligne recalculée"),
                    self.tr("lignes recalculées"),
                ),
            )
        )
        self.data_changed.emit(Change.REVIEW)
        if self.current_run is None:
            return
        # the counts of the bordereau and its lines change: read them again, view kept
        self._load_run(self.current_run, then=self._derogation_shown)

    def _derogation_shown(self, run: RunSummary, content: RunContent) -> None:
        self._reselect_current_bordereau(run, content)
        self.reload_lines()
        self.lines_loaded.connect(self._emit_review_changed_once)

    def _emit_review_changed_once(self) -> None:
        self.lines_loaded.disconnect(self._emit_review_changed_once)
        self.review_changed.emit()

    # -- validate --------------------------------------------------------------------------
    def validate(self) -> ValidationBox | None:
        """« Valider le bordereau… »: the confirmation naming the counts, then the
        validation in the background. Never on a double-click."""
        if not self.view.validate_button.isEnabled():
            return None
        run, code = self.current_run, self.current_bordereau
        if run is None or code is None:
            return None
        box = ValidationBox(
            code, self.line_model.review_counts(), self.line_model.total_count, self.view
        )
        box.destroyed.connect(lambda: setattr(self, "validation_box", None))
        self.validation_box = box
        return open_modal(box, lambda _accepted: self._validation_answered(box, run, code))

    def _validation_answered(self, box: ValidationBox, run: RunSummary, code: str) -> None:
        if not box.confirmed:
            return
        run_id = run.run_id
        self.ctx.with_actor(
            lambda actor: self._start_review_task(
                lambda ctx: validate_bordereau(ctx.uow(), actor, run_id, code),
                self.tr("Validation du bordereau {code}").format(code=code),
                lambda result: self._validated(run, result),
            )
        )

    def _validated(self, run: RunSummary, result: ValidationResult) -> None:
        box = QMessageBox(self.view)
        box.setObjectName("validationResult")
        box.setIcon(
            QMessageBox.Icon.Warning
            if result.dropped or result.cancelled
            else QMessageBox.Icon.Information
        )
        box.setWindowTitle(self.tr("Bordereau {code} validé").format(code=result.bordereau_code))
        box.setText(validation_result_text(result))
        if result.cancelled:  # R7 at validation: pending work elsewhere, recalls named
            box.setInformativeText(r7_summary(result.cancelled))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.destroyed.connect(lambda: setattr(self, "result_box", None))
        self.result_box = box
        open_modal(box)
        self.message.emit(self.tr("Bordereau {code} validé.").format(code=result.bordereau_code))
        self.data_changed.emit(Change.REVIEW | Change.EDITION)  # R7 at validation
        self._load_run(run, then=lambda r, c: self._validation_shown(r, c, result))

    def _validation_shown(
        self, run: RunSummary, content: RunContent, result: ValidationResult
    ) -> None:
        self._reselect_current_bordereau(run, content)
        self.bordereau_validated.emit(result)
