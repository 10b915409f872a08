"""The « Édition et impression » page (issue #6, part 3): the print queue.

Runs the edition in the background (progress, cancel), lists the batches and the
chosen batch's documents with their status, previews the selected document (QtPdf),
prints documents or a recipient's file through the system print dialog and only
then records them printed (a reprint needs a reason), and records the hand-over to
a releveur or the section RPNT. Cancelled documents (R7) are crossed out and never
printed. Loading, filters and preview are in :mod:`print_queue_base`, the printing
helpers in :mod:`print_queue_printing`, the words in :mod:`print_queue_words` (#11).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtPrintSupport import QPrinter

from sbee_desk.gui import errors
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.print_dialogs import (
    PrintCancelled,
    PrintFailed,
    print_pdfs,
)
from sbee_desk.gui.errors import UserError
from sbee_desk.gui.formatting import plural
from sbee_desk.gui.pages.print_queue_base import PrintQueueBase
from sbee_desk.gui.pages.print_queue_printing import (
    PrintJob,
    reason_dialog,
    staff_dialog,
    system_print_dialog,
)
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.edition import (
    DocumentRow,
    EditionError,
    Recipient,
    StaffChoice,
    check_r7,
    combined_pdf,
    document_pdf,
    handover_candidates,
    list_documents,
    mark_handed_over,
    mark_printed,
    printable_documents,
)
from sbee_desk.services.r7 import summary as r7_summary
from sbee_desk.wording.labels import RECIPIENT_LABELS


class PrintQueuePage(PrintQueueBase):
    """The page with its actions: printing (real print dialog, reprint reason,
    background drawing) and the hand-over."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        view = self.view
        view.print_button.clicked.connect(self.print_selected)
        view.print_releveur_button.clicked.connect(lambda: self.print_recipient(Recipient.RELEVEUR))
        view.print_rpnt_button.clicked.connect(lambda: self.print_recipient(Recipient.CHEF_RPNT))
        view.handover_button.clicked.connect(self.hand_over_selected)

    # -- printing ------------------------------------------------------------------------------
    def print_selected(self) -> None:
        rows = self.selected_rows()
        live = [r for r in rows if not r.cancelled]
        if not live:
            errors.show_error(
                self._widget(),
                UserError(self.tr("Aucun document imprimable choisi (les annulés sont exclus).")),
                self.tr("Impression"),
            )
            return
        self.ctx.with_actor(lambda actor: self._print_rows(actor, live, None))

    def print_recipient(self, recipient: Recipient) -> None:
        batch_id = self.current_batch_id()
        if batch_id is None:
            return
        live = [r for r in self.model.rows if not r.cancelled and r.recipient == recipient]
        if not live:
            errors.show_error(
                self._widget(),
                UserError(
                    self.tr("Aucun document à imprimer pour le {who}.").format(
                        who=RECIPIENT_LABELS[recipient]
                    )
                ),
                self.tr("Impression"),
            )
            return
        self.ctx.with_actor(lambda actor: self._print_rows(actor, live, (batch_id, recipient)))

    def _print_rows(
        self, actor: Actor, rows: list[DocumentRow], lot: tuple[int, Recipient] | None
    ) -> None:
        # a letter to reprint « 2e présentation » (R5): the new attempt is the reason
        again = [r for r in rows if r.print_count > 0 and not r.presentation]
        if not again:
            self._fetch_and_print(actor, rows, lot, None)
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._fetch_and_print(actor, rows, lot, reason)
            else:
                self.message.emit(self.tr("Réimpression annulée : rien n'a été imprimé."))

        reason_dialog(len(again), self._widget(), answered)

    def _fetch_and_print(
        self,
        actor: Actor,
        rows: list[DocumentRow],
        lot: tuple[int, Recipient] | None,
        reason: str | None,
    ) -> None:
        ids = [r.id for r in rows]
        title = self.tr("Impression")

        def fetch(ctx: TaskContext) -> PrintJob:
            # R7 just before printing: a payment or a restoration since the edition
            # cancels the document, which is then not printed (business-rules.md R7)
            words = r7_summary(check_r7(ctx.uow(), actor))
            uow = ctx.uow()
            if lot is not None:
                batch_id, recipient = lot
                printable = printable_documents(uow, batch_id, recipient)
                lot_ids = [doc_id for doc_id, _name, _content in printable]
                try:
                    _name, content, stale = combined_pdf(uow, batch_id, recipient)
                except EditionError:
                    stale, content = True, b""
                contents = [content] if not stale else [c for _i, _n, c in printable]
                return PrintJob(title, lot_ids, contents, reason, words)
            cancelled = {
                d.id
                for batch_id in sorted({r.batch_id for r in rows})
                for d in list_documents(uow, batch_id)
                if d.cancelled
            }
            keep = [i for i in ids if i not in cancelled]
            contents = [document_pdf(uow, i)[1] for i in keep]
            return PrintJob(title, keep, contents, reason, words, len(ids) - len(keep))

        self.ctx.tasks.start(
            fetch,
            title=self.tr("Préparation de l'impression"),
            on_success=lambda job: self._print(actor, job),
        )

    def _print(self, actor: Actor, job: PrintJob) -> None:
        if job.r7_summary:
            self.view.banner.show_message("warning", job.r7_summary)
            self.data_changed.emit(Change.EDITION)
            self.refresh()
        if not job.ids:
            errors.show_error(
                self._widget(),
                UserError(
                    self.tr(
                        "Rien à imprimer : les documents choisis viennent d'être annulés (R7). "
                        "{why}"
                    ).format(why=job.r7_summary)
                ),
                self.tr("Impression"),
            )
            return
        printer = self.printer_factory()

        def answered(ok: bool) -> None:
            if ok:
                self._send(actor, job, printer)
            else:
                self.message.emit(self.tr("Impression annulée : les documents restent « Généré »."))

        system_print_dialog(printer, self._widget(), answered)

    def _send(self, actor: Actor, job: PrintJob, printer: QPrinter) -> None:
        """Draw the pages onto the printer in the background (a batch is hundreds of
        pages: the window stays usable, with progress and cancel), then record them."""

        def draw(ctx: TaskContext) -> int:
            return print_pdfs(printer, job.contents, progress=ctx.progress, cancelled=ctx.cancelled)

        def failed(exc: BaseException) -> bool:
            if isinstance(exc, PrintFailed):
                errors.show_error(self._widget(), exc, self.tr("Impression"))
                return True
            return False

        self.ctx.tasks.start(
            draw,
            title=self.tr("Impression de {docs}").format(
                docs=plural(len(job.ids), self.tr("document"), self.tr("documents"))
            ),
            on_success=lambda pages: self._record(actor, job, pages),
            on_error=failed,
            on_cancelled=lambda: self.message.emit(
                self.tr("Impression interrompue : rien n'a été marqué imprimé.")
            ),
            cancellable=True,
            cancel_exceptions=(PrintCancelled,),
        )

    def _record(self, actor: Actor, job: PrintJob, pages: int) -> None:
        ids = job.ids
        reason = job.reason

        def record(ctx: TaskContext) -> int:
            return mark_printed(ctx.uow(), actor, ids, reprint_reason=reason)

        self.ctx.tasks.start(
            record,
            title=self.tr("Enregistrement de l'impression"),
            on_success=lambda _n: self._printed(ids, pages),
        )

    def _printed(self, ids: list[int], pages: int) -> None:
        self.message.emit(
            self.tr("{docs} ({pages}).").format(
                docs=plural(len(ids), self.tr("document imprimé"), self.tr("documents imprimés")),
                pages=plural(pages, self.tr("page"), self.tr("pages")),
            )
        )
        self.data_changed.emit(Change.EDITION)
        self.refresh()
        self.printed.emit(ids)

    # -- hand-over -----------------------------------------------------------------------------
    def hand_over_selected(self) -> None:
        live = [r for r in self.selected_rows() if not r.cancelled]
        recipients = {r.recipient for r in live}
        if not live:
            return
        if len(recipients) != 1:
            errors.show_error(
                self._widget(),
                UserError(
                    self.tr(
                        "Choisissez soit des lettres (remises à un releveur), soit des ordres "
                        "(remis au chef section RPNT), pas les deux à la fois."
                    )
                ),
                self.tr("Remise"),
            )
            return
        recipient = recipients.pop()
        ids = [r.id for r in live]
        self.ctx.tasks.start(
            lambda ctx: handover_candidates(ctx.uow(), recipient),
            title=self.tr("Lecture du personnel"),
            on_success=lambda choices: self._choose_staff(recipient, ids, choices),
        )

    def _choose_staff(
        self, recipient: Recipient, ids: list[int], choices: list[StaffChoice]
    ) -> None:
        if not choices:
            errors.show_error(
                self._widget(),
                UserError(
                    self.tr(
                        "Aucun {who} actif dans le registre du personnel (page « Paramètres »)."
                    ).format(who=RECIPIENT_LABELS[recipient])
                ),
                self.tr("Remise"),
            )
            return

        def answered(staff_id: int | None) -> None:
            if staff_id is not None:
                self.ctx.with_actor(lambda actor: self._hand_over(actor, ids, staff_id))

        staff_dialog(RECIPIENT_LABELS[recipient], len(ids), choices, self._widget(), answered)

    def _hand_over(self, actor: Actor, ids: list[int], staff_id: int) -> None:
        def work(ctx: TaskContext) -> int:
            return mark_handed_over(ctx.uow(), actor, ids, staff_id)

        def done(_n: int) -> None:
            self.data_changed.emit(Change.EDITION)
            self.refresh()
            self.handed_over.emit(ids)

        self.ctx.tasks.start(work, title=self.tr("Remise des documents"), on_success=done)
