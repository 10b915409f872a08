"""The « 6. CRI » page (#15): the agent de contrôle enters the paper CRIs, dozens in a
row, with the keyboard or a scanner; the chef countersigns them, which terminates the
contracts (R9, R10, R11, R13).

The entry: a number typed or scanned then Enter opens the order (refused at once if
it cannot take a CRI: unknown, cancelled, not dispatched, CRI already entered); the
form shows what the paper shows and asks in the paper's order; Enter saves and the
number field waits for the next order; Esc cancels. A refusal is shown in words and
the focus goes to the field to correct.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from sbee_desk.domain.cri import removal_expected
from sbee_desk.domain.permissions import Action
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.formatting import format_date, plural
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.models import cri as cols
from sbee_desk.gui.models.base import ROW_ROLE
from sbee_desk.gui.models.cri import PendingModel
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.cri_view import CountersignDialog, CriView
from sbee_desk.gui.pages.letters_base import escape_rich
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.cri import (
    CountersignResult,
    CriEntry,
    CriError,
    CriOrder,
    CriResult,
    PendingCri,
    count_to_enter,
    countersign,
    enter_cri,
    find_order,
    list_pending,
)
from sbee_desk.services.cri.entry import check_order
from sbee_desk.services.errors import ServiceError

COLUMN_WIDTHS = {
    cols.COL_NUMBER: 80,
    cols.COL_POLICE: 96,
    cols.COL_CUSTOMER: 150,
    cols.COL_VISIT: 84,
    cols.COL_TIME: 56,
    cols.COL_AGENT: 64,
    cols.COL_INDEX: 70,
    cols.COL_METER: 150,
    cols.COL_FLAGS: 220,
}


@dataclass(frozen=True)
class Loaded:
    to_enter: int
    pending: list[PendingCri]


def load(ctx: TaskContext) -> Loaded:
    return Loaded(count_to_enter(ctx.uow()), list_pending(ctx.uow()))


def parse_day(text: str) -> dt.date | None:
    """« 07/12/2026 », « 7/12/2026 », « 2026-12-07 » → a date; None when unreadable."""
    raw = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d%m%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


class CriPage(Page):
    key = "cri"
    number = 6
    depends_on = Change.EXPORT | Change.DISPATCH | Change.CRI
    view: CriView

    #: the lists were read and are shown
    loaded = Signal()
    #: a number opened its order in the form
    order_opened = Signal(object)
    #: a CRI was saved (its result)
    saved = Signal(object)
    #: CRIs were countersigned (the result)
    countersigned = Signal(object)
    #: the entry or the countersign refused: the French message
    refused = Signal(str)
    #: the countersign confirmation is open (the dialog)
    confirmation_shown = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = CriView()
        self.model = PendingModel(self)
        view.table.setModel(self.model)
        view.table.set_column_widths(COLUMN_WIDTHS)
        ctx.settings.restore_header("cri/table", view.table.horizontalHeader())
        #: the order open in the form
        self.current: CriOrder | None = None
        self.last_date: dt.date | None = None
        self.to_enter = 0
        self._field_widgets: dict[str, QWidget] = {
            "number": view.number_edit,
            "visit_on": view.date_edit,
            "visit_time": view.time_edit,
            "done": view.done_check,
            "agent": view.agent_edit,
            "index": view.index_edit,
            "meter_serial": view.meter_edit,
            "mismatch_note": view.mismatch_edit,
            "meter_removed": view.meter_removed_check,
            "breaker_removed": view.breaker_removed_check,
            "remarks": next(iter(view.remark_checks.values())),
            "note": view.note_edit,
            "override_window": view.window_reason_edit,
            "override_store": view.store_reason_edit,
        }
        view.open_requested.connect(self.open_number)
        view.save_requested.connect(self.save)
        view.entry_cancelled.connect(self.clear_entry)
        view.save_button.clicked.connect(self.save)
        view.cancel_button.clicked.connect(self.clear_entry)
        view.done_check.toggled.connect(self._done_toggled)
        view.countersign_button.clicked.connect(self.ask_countersign)
        view.select_all_button.clicked.connect(view.table.selectAll)
        view.table.selectionModel().selectionChanged.connect(self._update_actions)
        self._set_form_enabled(False)
        self._update_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("CRI")

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.ctx.tasks.start(
            load, title=self.tr("Lecture des CRI"), on_success=self._loaded, key="cri/load"
        )

    def _loaded(self, data: Loaded) -> None:
        self.to_enter = data.to_enter
        self.model.set_rows(data.pending)
        view = self.view
        if data.pending:
            view.show_table()
        else:
            view.show_empty(
                self.tr(
                    "Aucun CRI à contresigner. Les CRI « exécuté » saisis par l'agent de "
                    "contrôle apparaîtront ici."
                )
            )
        flagged = sum(1 for c in data.pending if c.flagged)
        view.pending_label.setText(
            plural(len(data.pending), self.tr("CRI à contresigner"), self.tr("CRI à contresigner"))
            + (
                self.tr(", dont {n}").format(
                    n=plural(flagged, self.tr("signalé"), self.tr("signalés"))
                )
                if flagged
                else ""
            )
        )
        view.status_label.setText(
            self.tr("{orders} chez les agents : leur CRI est à saisir.").format(
                orders=plural(data.to_enter, self.tr("ordre"), self.tr("ordres"))
            )
        )
        # the work waiting for whoever is signed in: CRIs to enter, or to countersign
        if self.ctx.may(Action.CRI_ENTRY) or not self.ctx.may(Action.CRI_COUNTERSIGN):
            count = data.to_enter
            self.badge_tip = self.tr("ordres répartis dont le CRI est à saisir")
        else:
            count = len(data.pending)
            self.badge_tip = self.tr("CRI à contresigner")
        self.badge = str(count) if count else ""
        self.badge_changed.emit()
        self._update_actions()
        self.loaded.emit()

    # -- rights ------------------------------------------------------------------------------
    def _update_actions(self) -> None:
        view = self.view
        may_enter = self.ctx.may(Action.CRI_ENTRY)
        may_sign = self.ctx.may(Action.CRI_COUNTERSIGN)
        view.number_edit.setEnabled(may_enter)
        reserved = self.tr(
            "Lecture seule : la saisie des CRI est réservée à l'agent de contrôle "
            "d'efficacité des factures."
        )
        view.number_edit.setToolTip("" if may_enter else reserved)
        # said on the page, as the Retour magasin page does: a disabled form alone reads
        # as broken
        if not may_enter:
            view.entry_banner.show_message("info", reserved)
        elif view.entry_banner.text() == reserved:
            view.entry_banner.clear()
        selected = bool(view.table.selectionModel().selectedRows())
        view.countersign_button.setEnabled(may_sign and selected)
        view.countersign_button.setToolTip(
            "" if may_sign else self.tr("Réservé au chef section recouvrement.")
        )

    def actor_changed(self) -> None:
        self._update_actions()

    # -- the entry ---------------------------------------------------------------------------
    def _set_form_enabled(self, enabled: bool) -> None:
        self.view.form.setEnabled(enabled)

    def open_number(self) -> None:
        text = self.view.number_edit.text().strip()
        if not text:
            return
        self.current = None
        self.ctx.tasks.start(
            lambda ctx: find_order(ctx.uow(), text),
            title=self.tr("Recherche de l'ordre"),
            on_success=self._opened,
            on_error=self._refuse,
            show_progress=False,
            key="cri/open",
        )

    def _opened(self, order: CriOrder) -> None:
        view = self.view
        try:
            check_order(order, order.number)
        except CriError as exc:
            self._refuse(exc)
            return
        self.current = order
        view.number_edit.setText(order.number)
        address = ", ".join(p for p in (order.address, order.quartier) if p) or self.tr(
            "adresse non renseignée"
        )
        kind = (
            self.tr("dépose (BT)")
            if removal_expected(order.kind)
            else self.tr("contrôle d'index (MT)")
        )
        view.order_banner.show_message(
            "info",
            self.tr(
                "<b>Ordre n° {number}</b> ({kind}) — police {police} — {name} — {address}"
                " — compteur attendu <b>{meter}</b> — réparti à {agent} pour le {on}"
            ).format(
                number=order.number,
                kind=kind,
                police=escape_rich(order.police),
                name=escape_rich(order.customer_name),
                address=escape_rich(address),
                meter=escape_rich(order.meter_serial or self.tr("non renseigné")),
                agent=escape_rich(
                    f"{order.agent_name} ({order.agent_matricule})"
                    if order.agent_matricule
                    else self.tr("aucun agent")
                ),
                on=format_date(order.visit_on) if order.visit_on else "—",
            ),
        )
        view.entry_banner.clear()
        self._reset_form(order)
        self._set_form_enabled(True)
        view.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        view.date_edit.selectAll()
        self.order_opened.emit(order)

    def _reset_form(self, order: CriOrder | None) -> None:
        view = self.view
        day = self.last_date or (order.visit_on if order else None)
        view.date_edit.setText(format_date(day) if day else "")
        for edit in (
            view.time_edit,
            view.index_edit,
            view.meter_edit,
            view.mismatch_edit,
            view.note_edit,
        ):
            edit.clear()
        view.agent_edit.setText(order.agent_matricule or "" if order else "")
        view.done_check.setChecked(True)
        removal = order is not None and removal_expected(order.kind)
        view.meter_removed_check.setChecked(removal)
        view.breaker_removed_check.setChecked(removal)
        view.meter_removed_check.setEnabled(removal)
        view.breaker_removed_check.setEnabled(removal)
        for box in view.remark_checks.values():
            box.setChecked(False)

    def _done_toggled(self, done: bool) -> None:
        view = self.view
        removal = self.current is not None and removal_expected(self.current.kind)
        for box in (view.meter_removed_check, view.breaker_removed_check):
            box.setChecked(done and removal)
            box.setEnabled(done and removal)

    def save(self) -> None:
        order = self.current
        view = self.view
        if order is None or view.number_edit.text().strip() != order.number:
            self.open_number()
            return
        day = parse_day(view.date_edit.text())
        if day is None:
            self._show_refusal(
                self.tr(
                    "Ordre n° {number}, date de la visite : « {raw} » illisible ; écrivez-la "
                    "jj/mm/aaaa. Rien n'a été enregistré."
                ).format(number=order.number, raw=view.date_edit.text()),
                "visit_on",
            )
            return
        entry = CriEntry(
            number=order.number,
            visit_on=day,
            visit_time=view.time_edit.text(),
            done=view.done_check.isChecked(),
            agent=view.agent_edit.text(),
            index=view.index_edit.text(),
            meter_serial=view.meter_edit.text(),
            meter_removed=view.meter_removed_check.isChecked(),
            breaker_removed=view.breaker_removed_check.isChecked(),
            remarks=tuple(c for c, box in view.remark_checks.items() if box.isChecked()),
            note=view.note_edit.text(),
            mismatch_note=view.mismatch_edit.text(),
        )

        def run(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: enter_cri(ctx.uow(), actor, entry),
                title=self.tr("Enregistrement du CRI"),
                on_success=lambda result: self._saved(result, day),
                on_error=self._refuse,
                show_progress=False,
                key="cri/save",
            )

        self.ctx.with_actor(run)

    def _saved(self, result: CriResult, day: dt.date) -> None:
        view = self.view
        self.last_date = day
        self.current = None
        what = (
            self.tr("exécuté, à contresigner par le chef")
            if result.done
            else self.tr("non exécuté, l'ordre retourne à la répartition")
        )
        flags = []
        if result.outside_window:
            flags.append(self.tr("hors horaire (R9), signalé au chef"))
        if result.serial_mismatch:
            flags.append(self.tr("compteur différent, signalé au chef"))
        view.entry_banner.show_message(
            "success",
            self.tr(
                "<b>Enregistré :</b> CRI de l'ordre n° {number} {what}{flags}. "
                "Scannez l'ordre suivant."
            ).format(
                number=result.number,
                what=what,
                flags=(" — " + " ; ".join(flags)) if flags else "",
            ),
        )
        view.order_banner.clear()
        self._reset_form(None)
        self._set_form_enabled(False)
        view.number_edit.clear()
        view.focus_number()
        self.saved.emit(result)
        # the orders' statuses change too: the Répartition page shows them
        self.data_changed.emit(Change.CRI | Change.DISPATCH)
        self.refresh()

    def _show_refusal(self, message: str, field: str | None) -> None:
        view = self.view
        view.entry_banner.show_message(
            "error", self.tr("<b>Refusé :</b> {message}").format(message=escape_rich(message))
        )
        target = self._field_widgets.get(field or "number", view.number_edit)
        if target is view.number_edit or self.current is None:
            self.current = None
            self._set_form_enabled(False)
            view.focus_number()
        else:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(target, QLineEdit):
                target.selectAll()
        self.refused.emit(message)

    def _refuse(self, exc: BaseException) -> bool:
        if not isinstance(exc, ServiceError):
            return False
        field = exc.field if isinstance(exc, CriError) else None
        if isinstance(exc, CriError) and field in ("override_window", "override_store"):
            self._sign_refusal(str(exc), field)
            return True
        if self.view.tabs.currentIndex() == 1:
            self._sign_refusal(str(exc), None)
            return True
        self._show_refusal(str(exc), field)
        return True

    def clear_entry(self) -> None:
        view = self.view
        self.current = None
        view.number_edit.clear()
        view.order_banner.clear()
        view.entry_banner.clear()
        self._reset_form(None)
        self._set_form_enabled(False)
        view.focus_number()

    # -- the countersign ---------------------------------------------------------------------
    def selected_cris(self) -> list[PendingCri]:
        rows = self.view.table.selectionModel().selectedRows()
        found = [r.data(ROW_ROLE) for r in rows]
        return sorted((c for c in found if isinstance(c, PendingCri)), key=lambda c: c.number)

    def ask_countersign(self) -> None:
        cris = self.selected_cris()
        if not cris:
            return
        view = self.view
        window = view.window_reason_edit.text().strip()
        store = view.store_reason_edit.text().strip()
        late = [c for c in cris if c.outside_window]
        if late and not window:
            self._sign_refusal(
                self.tr(
                    "{n} hors de l'horaire 08h00–14h30 (R9) : indiquez le motif de la dérogation."
                ).format(n=plural(len(late), self.tr("visite"), self.tr("visites"))),
                "override_window",
            )
            return
        unreturned = [c for c in cris if c.no_store_return]
        if unreturned and not store:
            self._sign_refusal(
                self.tr(
                    "{n} sans retour magasin (R10) : enregistrez le retour, ou indiquez le motif."
                ).format(n=plural(len(unreturned), self.tr("dépose"), self.tr("déposes"))),
                "override_store",
            )
            return
        view.sign_banner.clear()
        shown = ", ".join(c.police for c in cris[:12]) + ("…" if len(cris) > 12 else "")
        dialog = CountersignDialog(
            self.tr(
                "Contresigner {cris} : {contracts} seront résiliés (impayés), à la date de "
                "leur visite. Cette action est définitive."
            ).format(
                cris=plural(len(cris), self.tr("CRI"), self.tr("CRI")),
                contracts=plural(len(cris), self.tr("contrat"), self.tr("contrats")),
            ),
            self.tr("Contrats : {list}").format(list=shown),
            view,
        )
        numbers = [c.number for c in cris]
        seen = {c.order_id: c.version for c in cris}

        def answered(ok: bool) -> None:
            if ok:
                self._countersign(numbers, window, store, seen)

        open_modal(dialog, answered)
        self.confirmation_shown.emit(dialog)

    def _countersign(
        self, numbers: list[str], window: str, store: str, seen: dict[int, int]
    ) -> None:
        def run(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: countersign(
                    ctx.uow(),
                    actor,
                    numbers,
                    override_window=window,
                    override_store=store,
                    seen=seen,
                ),
                title=self.tr("Contreseing des CRI"),
                on_success=self._countersigned,
                on_error=self._refuse,
                key="cri/countersign",
            )

        self.ctx.with_actor(run)

    def _countersigned(self, result: CountersignResult) -> None:
        view = self.view
        view.window_reason_edit.clear()
        view.store_reason_edit.clear()
        view.sign_banner.show_message(
            "success",
            self.tr("<b>Contresigné :</b> {cris} ; {contracts} résiliés.").format(
                cris=plural(len(result.numbers), self.tr("CRI"), self.tr("CRI")),
                contracts=plural(len(result.terminated), self.tr("contrat"), self.tr("contrats")),
            ),
        )
        self.countersigned.emit(result)
        # the orders' statuses change too: the Répartition page shows them
        self.data_changed.emit(Change.CRI | Change.DISPATCH)
        self.refresh()

    def _sign_refusal(self, message: str, field: str | None) -> None:
        view = self.view
        view.sign_banner.show_message(
            "error", self.tr("<b>Refusé :</b> {message}").format(message=escape_rich(message))
        )
        if field in ("override_window", "override_store"):
            view.tabs.setCurrentIndex(1)
            self._field_widgets[field].setFocus(Qt.FocusReason.OtherFocusReason)
        self.refused.emit(message)

    def save_state(self) -> None:
        self.ctx.settings.save_header("cri/table", self.view.table.horizontalHeader())
