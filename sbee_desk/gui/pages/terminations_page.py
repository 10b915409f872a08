"""The « 7. Résiliations » page (#16): the contracts terminated in a period (the
current month by default), filtered by cause, hand-off and zone, with their final
index, balance and hand-off; « Transmettre à l'apurement et au contentieux… » asks for
a folder and writes there, in the background, the two lists of the terminations not
yet handed off (R12, each once: R13), then says which files it wrote; a past hand-off
is reprinted marked « COPIE ». Every read and write goes through
:mod:`sbee_desk.services.handoff`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sbee_desk.domain.permissions import Action
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.gc_return_dialog import GcReturnDialog, export_return_file_action
from sbee_desk.gui.dialogs.termination_dialog import TerminationDialog, open_termination_dialog
from sbee_desk.gui.file_dialogs import ask_directory
from sbee_desk.gui.formatting import format_amount, format_date, plural
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.letters_base import escape_rich
from sbee_desk.gui.pages.letters_dialogs import pydate, qdate
from sbee_desk.gui.pages.terminations_model import (
    COL_ADDRESS,
    COL_CAUSE,
    COL_CUSTOMER,
    COL_HANDOFF,
    COL_POLICE,
    TerminationsModel,
)
from sbee_desk.gui.pages.terminations_view import TerminationsView
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.handoff import (
    NOTHING_NEW,
    BatchRow,
    HandoffResult,
    TerminationRow,
    batches,
    oldest_pending,
    pending_count,
    reprint_handoff,
    run_handoff,
    terminations,
    zones,
)

COLUMN_WIDTHS = {
    COL_POLICE: 90,
    COL_CUSTOMER: 150,
    COL_ADDRESS: 150,
    COL_CAUSE: 170,
    COL_HANDOFF: 130,
}


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    cause: str | None
    handed_off: bool | None
    zone: str | None


@dataclass(frozen=True)
class Loaded:
    rows: list[TerminationRow]
    batches: list[BatchRow]
    zones: list[str]
    pending: int
    #: the oldest termination waiting for its hand-off (whatever the period)
    oldest_pending: dt.date | None


def load(ctx: TaskContext, f: Filters) -> Loaded:
    return Loaded(
        terminations(
            ctx.uow(),
            None,
            f.start,
            f.end,
            cause=f.cause,
            handed_off=f.handed_off,
            zone=f.zone,
        ),
        batches(ctx.uow()),
        zones(ctx.uow()),
        pending_count(ctx.uow()),
        oldest_pending(ctx.uow()),
    )


class TerminationsPage(Page):
    key = "terminations"
    number = 7
    depends_on = Change.EXPORT | Change.CRI
    view: TerminationsView

    #: the terminations were read and are shown
    loaded = Signal()
    #: a hand-off (or a reprint) wrote its files (HandoffResult)
    handed_off = Signal(object)
    #: a hand-off was refused or had nothing to do: the French message
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = TerminationsView()
        self.model = TerminationsModel(self)
        view.table.setModel(self.model)
        view.table.set_column_widths(COLUMN_WIDTHS)
        ctx.settings.restore_header("terminations/table", view.table.horizontalHeader())
        self.pending = 0
        #: the user (or a caller) chose the period: the page no longer widens it
        self.period_chosen = False
        for edit in (view.start_edit, view.end_edit):
            edit.dateChanged.connect(self._period_edited)
        for combo in (view.cause_combo, view.handed_combo, view.zone_combo):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        view.handoff_button.clicked.connect(self.ask_handoff_folder)
        view.reprint_button.clicked.connect(self.ask_reprint_folder)
        view.r8_button.clicked.connect(self.open_r8)
        view.gc_button.clicked.connect(self.open_gc_return)
        #: the R8 and return-file dialogs, when open (tests drive them)
        self.r8_dialog: TerminationDialog | None = None
        self.gc_dialog: GcReturnDialog | None = None
        view.show_table(self.tr("Chargement…"))
        self._update_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Résiliations")

    # -- loading ---------------------------------------------------------------------------
    def filters(self) -> Filters:
        v = self.view
        return Filters(
            start=pydate(v.start_edit.date()),
            end=pydate(v.end_edit.date()),
            cause=v.cause_combo.currentData(),
            handed_off=v.handed_combo.currentData(),
            zone=v.zone_combo.currentData(),
        )

    def _period_edited(self, _day: object) -> None:
        self.period_chosen = True
        self.refresh()

    def set_period(self, start: dt.date, end: dt.date) -> None:
        """Show the terminations of ``start``–``end`` (one reading)."""
        self.period_chosen = True
        v = self.view
        for edit, day in ((v.start_edit, start), (v.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        super().refresh()
        f = self.filters()
        self.ctx.tasks.start(
            lambda ctx: load(ctx, f),
            title=self.tr("Lecture des résiliations"),
            on_success=self._loaded,
            key="terminations/list",
        )

    def _loaded(self, data: Loaded) -> None:
        start = self.filters().start
        if not self.period_chosen and data.oldest_pending and data.oldest_pending < start:
            # the default period (this month) would hide terminations still waiting for
            # their hand-off: it starts at the oldest of them instead, until the user
            # chooses a period
            self.set_period(data.oldest_pending, self.filters().end)
            return
        self.model.set_rows(data.rows)
        self.pending = data.pending
        self._fill_zones(data.zones)
        combo = self.view.batch_combo
        wanted = combo.currentData()
        combo.clear()
        for b in data.batches:
            combo.addItem(
                self.tr("n° {number} du {date} — {contracts}, {litigation} au contentieux").format(
                    number=b.number,
                    date=format_date(b.handed_on),
                    contracts=plural(b.settlement_count, self.tr("contrat"), self.tr("contrats")),
                    litigation=b.litigation_count,
                ),
                b.number,
            )
        if wanted is not None and combo.findData(wanted) >= 0:
            combo.setCurrentIndex(combo.findData(wanted))
        self.badge = str(self.pending) if self.pending else ""
        self.badge_tip = plural(
            self.pending,
            self.tr("résiliation à transmettre"),
            self.tr("résiliations à transmettre"),
        )
        self.badge_changed.emit()
        f = self.filters()
        period = self.tr("du {start} au {end}").format(
            start=format_date(f.start), end=format_date(f.end)
        )
        self.view.show_table(
            None
            if data.rows
            else self.tr(
                "Aucune résiliation {period} avec ces filtres. Un contrat est résilié quand "
                "le chef contresigne le CRI de son ordre (page CRI)."
            ).format(period=period)
        )
        rows = plural(len(data.rows), self.tr("résiliation"), self.tr("résiliations"))
        waiting = (
            self.tr("toutes les résiliations sont transmises")
            if not self.pending
            else plural(
                self.pending,
                self.tr("résiliation à transmettre"),
                self.tr("résiliations à transmettre"),
            )
            + self.tr(" (toutes périodes)")
        )
        self.view.status_label.setText(
            self.tr("{rows} {period} ; {waiting}.").format(
                rows=rows, period=period, waiting=waiting
            )
        )
        self._update_actions()
        self.loaded.emit()

    def _fill_zones(self, codes: list[str]) -> None:
        combo = self.view.zone_combo
        wanted = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for code in codes:
            combo.addItem(code, code)
        combo.setCurrentIndex(max(combo.findData(wanted), 0) if wanted is not None else 0)
        combo.blockSignals(False)

    def actor_changed(self) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        may = self.ctx.may(Action.EDITION)
        v = self.view
        reserved = self.tr("Réservé au chef section recouvrement.")
        v.handoff_button.setEnabled(may and self.pending > 0)
        v.handoff_button.setToolTip(
            reserved
            if not may
            else self.tr("Toutes les résiliations sont déjà transmises.")
            if not self.pending
            else plural(
                self.pending,
                self.tr("résiliation à transmettre"),
                self.tr("résiliations à transmettre"),
            )
        )
        v.reprint_button.setEnabled(may and v.batch_combo.count() > 0)
        may_r8 = self.ctx.may(Action.CRI_COUNTERSIGN)
        v.r8_button.setEnabled(may_r8)
        v.r8_button.setToolTip(
            self.tr(
                "Fraude, non-respect des conditions d'abonnement ou autre cause (R8) : "
                "l'ordre part à la prochaine édition."
            )
            if may_r8
            else reserved
        )
        v.gc_button.setEnabled(may)

    # -- R8 and the return file -------------------------------------------------------------
    def open_r8(self) -> None:
        self.r8_dialog = open_termination_dialog(self.view, self.ctx)
        # the order goes to the next edition: Édition et impression and the dossier reload
        self.r8_dialog.created.connect(
            lambda _order: self.data_changed.emit(Change.REVIEW | Change.EDITION)
        )

    def open_gc_return(self) -> None:
        self.gc_dialog = export_return_file_action(self.view, self.ctx)
        # the file is archived: the Classeur shows it
        self.gc_dialog.exported.connect(lambda _result: self.data_changed.emit(Change.LISTS))

    # -- the hand-off ----------------------------------------------------------------------
    def _start_folder(self) -> str:
        return self.ctx.settings.text("terminations/folder") or str(Path.home())

    def ask_handoff_folder(self) -> None:
        ask_directory(
            self.view,
            self.tr("Dossier des listes de l'apurement et du contentieux"),
            self._start_folder(),
            self.handoff_to,
        )

    def handoff_to(self, folder: str) -> None:
        """Hand off the terminations not yet handed off; the lists written in ``folder``."""
        self.ctx.settings.set_text("terminations/folder", folder)

        def start(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: run_handoff(ctx.uow(), actor, Path(folder)),
                title=self.tr("Transmission à l'apurement et au contentieux"),
                on_success=self._written,
                on_error=self._failed,
            )

        self.ctx.with_actor(start)

    def ask_reprint_folder(self) -> None:
        number = self.view.batch_combo.currentData()
        if number is None:
            return
        ask_directory(
            self.view,
            self.tr("Dossier de la copie de la transmission n° {number}").format(number=number),
            self._start_folder(),
            lambda folder: self.reprint_to(int(number), folder),
        )

    def reprint_to(self, number: int, folder: str) -> None:
        self.ctx.settings.set_text("terminations/folder", folder)

        def start(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: reprint_handoff(ctx.uow(), actor, number, Path(folder)),
                title=self.tr("Copie de la transmission n° {number}").format(number=number),
                on_success=self._written,
                on_error=self._failed,
            )

        self.ctx.with_actor(start)

    def _failed(self, error: BaseException) -> bool:
        if not isinstance(error, ServiceError):
            return False  # the error dialog
        kind = "info" if error.code == NOTHING_NEW else "error"
        self.view.banner.show_message(kind, escape_rich(str(error)))
        self.refused.emit(str(error))
        self.refresh()
        return True

    def _written(self, result: HandoffResult) -> None:
        what = (
            self.tr("Copie de la transmission n° {number}")
            if result.is_copy
            else self.tr("Transmission n° {number}")
        ).format(number=result.number)
        summary = self.tr(
            "{what} du {date} : {settled} à l'apurement, {litigation} au contentieux ({due} dus)."
        ).format(
            what=what,
            date=format_date(result.handed_on),
            settled=plural(result.settlement_count, self.tr("contrat"), self.tr("contrats")),
            litigation=plural(result.litigation_count, self.tr("contrat"), self.tr("contrats")),
            due=format_amount(result.total_due),
        )
        paths = [str(f.path) for f in result.files if f.path is not None]
        folder = str(Path(paths[0]).parent) if paths else ""
        names = "<br>".join(escape_rich(Path(p).name) for p in paths)
        self.view.banner.show_message(
            "success",
            f"<b>{escape_rich(summary)}</b><br>"
            + escape_rich(self.tr("Fichiers écrits dans {folder} :").format(folder=folder))
            + f"<br>{names}",
        )
        self.message.emit(summary)
        self.data_changed.emit(Change.LISTS)
        self.handed_off.emit(result)
        self.refresh()

    def save_state(self) -> None:
        self.ctx.settings.save_header("terminations/table", self.view.table.horizontalHeader())
