"""The « 3. Relances » page, its base (issue #13): loading, filters, selection and the
delivery entry; :mod:`.letters_page` adds the actions on a letter. The page: record
each letter's delivery from the stack of returned slips, keyboard or scanner first;
see the letters by status, the overdue ones (R5, 15 days), the day each contract may
be terminated (R5, 7 days).

The entry: a number typed or scanned then Enter opens the letter (refused at once if
its delivery cannot be recorded: unknown, already delivered, cancelled…); the date
keeps the last one entered; Enter saves and the number field waits for the next slip.
A refusal is shown in the entry's banner, in words, and the focus stays in the entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QComboBox

from sbee_desk.domain.permissions import Action, Role
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.formatting import format_date, plural
from sbee_desk.gui.models import letters as cols
from sbee_desk.gui.models.base import ROW_ROLE
from sbee_desk.gui.models.letters import OVERDUE, LettersModel, LettersProxy, tab_label
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.letters_dialogs import (
    pydate,
    qdate,
)
from sbee_desk.gui.pages.letters_view import TABS, LettersView
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.letters import (
    LetterError,
    LetterFilter,
    LetterRow,
    LetterStatus,
    ReleveurChoice,
    deliver,
    list_letters,
    open_for_delivery,
    releveurs,
)

SEARCH_DELAY_MS = 150
#: every column fits at 1366×768; Délai (« résiliable à partir du … ») takes the rest
COLUMN_WIDTHS = {
    cols.COL_NUMBER: 70,
    cols.COL_POLICE: 96,
    cols.COL_CUSTOMER: 125,
    cols.COL_ADDRESS: 115,
    cols.COL_QUARTIER: 80,
    cols.COL_ZONE: 42,
    cols.COL_EDITED: 84,
    cols.COL_DELIVERED: 84,
    cols.COL_TO: 66,
    cols.COL_RELEVEUR: 96,
}


@dataclass(frozen=True)
class Loaded:
    letters: list[LetterRow]
    releveurs: list[ReleveurChoice]


def load(ctx: TaskContext, agency: str | None = None) -> Loaded:
    """The letters (of the workstation's agency, when it has one) and the releveurs."""
    return Loaded(list_letters(ctx.uow(), LetterFilter(agency=agency)), releveurs(ctx.uow()))


class LettersPageBase(Page):
    key = "reminders"
    number = 3
    depends_on = Change.EXPORT | Change.REVIEW | Change.EDITION | Change.LETTERS | Change.PEOPLE
    view: LettersView

    #: the list was read and is shown
    loaded = Signal()
    #: a number opened its letter in the entry
    letter_opened = Signal(object)
    #: a delivery (or impossible delivery, new attempt, correction) was recorded
    recorded = Signal(object)
    #: the entry refused a number or a save: the French message
    refused = Signal(str)
    #: the difficulty dialog is open (the dialog)
    difficulty_shown = Signal(object)
    #: the address difficulties were written (the path)
    exported = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = LettersView()
        self.model = LettersModel(self)
        self.proxy = LettersProxy(self)
        self.proxy.setSourceModel(self.model)
        view.table.setModel(self.proxy)
        view.table.set_column_widths(COLUMN_WIDTHS)
        ctx.settings.restore_header("letters/table", view.table.horizontalHeader())
        view.table.sortByColumn(cols.COL_NUMBER, Qt.SortOrder.AscendingOrder)
        #: the letter open in the entry
        self.current: LetterRow | None = None
        self.last_date: dt.date | None = None
        self._releveurs: list[ReleveurChoice] = []

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply_filters)
        view.search_edit.textChanged.connect(lambda _t: self.search_timer.start())
        view.tabs.currentChanged.connect(lambda _i: self._apply_filters())
        for combo in (view.bordereau_combo, view.zone_combo, view.releveur_filter):
            combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        view.number_edit.returnPressed.connect(self.open_number)
        view.number_edit.textEdited.connect(lambda _t: self._number_edited())
        view.save_requested.connect(self.save)
        view.save_button.clicked.connect(self.save)
        view.entry_cancelled.connect(self.clear_entry)
        view.table.activated.connect(lambda _i: self._open_selected())
        view.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        self.proxy.modelReset.connect(self._update_actions)
        saved = ctx.settings.text("letters/tab", LetterStatus.A_REMETTRE.value)
        view.tabs.setCurrentIndex(
            next((i for i, (value, _n) in enumerate(TABS) if (value or "") == saved), 0)
        )
        view.show_empty(self.tr("Chargement…"))
        self._update_tabs()
        self._update_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Relances")

    @property
    def agency(self) -> str | None:
        """The workstation's agency (Paramètres › Ce poste): its letters only, a number
        of another agency refused (#13); None: every agency."""
        return self.ctx.settings.workstation_agency()

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        agency = self.agency
        self.ctx.tasks.start(
            lambda ctx: load(ctx, agency),
            title=self.tr("Lecture des lettres"),
            on_success=self._loaded,
            key="letters/list",
        )

    def _loaded(self, data: Loaded) -> None:
        selected = self.selected_letter()
        self.model.set_rows(data.letters)
        self._releveurs = data.releveurs
        self._fill_filters()
        self._apply_filters()
        if not data.letters:
            self.view.show_empty(
                self.tr(
                    "Aucune lettre de relance. Elles naissent de la validation d'un bordereau "
                    "(page « Sélection ») et s'impriment à l'édition de nuit."
                )
            )
        else:
            self.view.show_table()
            if selected is not None:
                self.select_letter(selected.id)
        self._recount()
        self._update_actions()
        self.loaded.emit()
        focused = QApplication.focusWidget()
        if self.view.isVisible() and (focused is None or not self.view.isAncestorOf(focused)):
            self.view.focus_number()  # the page shown: ready for the first slip

    def _fill_filters(self) -> None:
        view, rows = self.view, self.model.rows
        _fill(view.bordereau_combo, self.tr("Tous"), [(b, b) for b in _codes(rows, "bordereau")])
        _fill(view.zone_combo, self.tr("Toutes"), [(z, z) for z in _codes(rows, "zone")])
        choices = [(f"{r.name} ({r.matricule})", r.id) for r in self._releveurs]
        _fill(view.releveur_filter, self.tr("Tous"), choices)
        entry = view.releveur_combo
        wanted = entry.currentData()
        entry.blockSignals(True)
        entry.clear()
        entry.addItem(self.tr("celui de la lettre"), None)
        for text, staff_id in choices:
            entry.addItem(text, staff_id)
        entry.setCurrentIndex(max(entry.findData(wanted), 0))
        entry.blockSignals(False)

    def _recount(self) -> None:
        rows = self.model.rows
        waiting = sum(r.status is LetterStatus.A_REMETTRE for r in rows)
        overdue = sum(r.overdue for r in rows)
        self.badge = str(waiting) if waiting else ""
        self.badge_tip = self.tr("{waiting}, dont {overdue}").format(
            waiting=plural(waiting, self.tr("lettre à remettre"), self.tr("lettres à remettre")),
            overdue=plural(overdue, self.tr("en alerte"), self.tr("en alerte")),
        )
        self.badge_changed.emit()
        self._update_tabs()
        text = self.tr("{letters} : {waiting} à remettre, {overdue}").format(
            letters=plural(len(rows), self.tr("lettre"), self.tr("lettres")),
            waiting=waiting,
            overdue=plural(
                overdue,
                self.tr("non remise depuis 15 jours ou plus (à décider)"),
                self.tr("non remises depuis 15 jours ou plus (à décider)"),
            ),
        )
        self.view.status_label.setText(text)

    def _update_tabs(self) -> None:
        rows = self.model.rows
        for index, (value, name) in enumerate(TABS):
            if value is None:
                text, n = self.tr("Toutes"), len(rows)
            elif value == OVERDUE:
                text, n = self.tr("En alerte (15 jours)"), sum(r.overdue for r in rows)
            else:
                status = LetterStatus(value)
                text, n = tab_label(status), sum(r.status is status for r in rows)
            self.view.tabs.setTabText(index, f"{text} ({n})")
            self.view.tabs.setTabToolTip(index, name)

    # -- filters ---------------------------------------------------------------------------
    def _apply_filters(self) -> None:
        self.search_timer.stop()
        view = self.view
        status = view.tabs.tabData(view.tabs.currentIndex())
        self.ctx.settings.set_text("letters/tab", status or "")
        self.proxy.set_filters(
            status,
            view.bordereau_combo.currentData() or None,
            view.zone_combo.currentData() or None,
            view.releveur_filter.currentData(),
            view.search_edit.text(),
        )
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        view.shown_label.setText(
            self.tr("{shown} sur {total}").format(
                shown=plural(shown, self.tr("lettre affichée"), self.tr("lettres affichées")),
                total=total,
            )
        )
        self._update_actions()

    # -- selection -------------------------------------------------------------------------
    def selected_letter(self) -> LetterRow | None:
        rows = self.view.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = rows[0].data(ROW_ROLE)
        return item if isinstance(item, LetterRow) else None

    def select_letter(self, letter_id: int) -> None:
        row = self.model.row_of(letter_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.view.table.selectRow(index.row())
            self.view.table.scrollTo(index)

    def _target(self) -> LetterRow | None:
        return self.selected_letter() or self.current

    def _update_actions(self) -> None:
        may = self.ctx.may(Action.LETTER_DELIVERY)
        chef = self.ctx.actor is None or Role.CHEF_RECOUVREMENT in self.ctx.actor.roles
        target = self._target()
        view = self.view
        view.entry.setEnabled(may)
        pending = target is not None and target.status is LetterStatus.A_REMETTRE
        done = target is not None and target.status in (
            LetterStatus.REMISE,
            LetterStatus.IMPOSSIBLE,
        )
        view.impossible_button.setEnabled(may and pending)
        view.difficulty_button.setEnabled(may and pending)
        view.retry_button.setEnabled(may and pending)
        view.correct_button.setEnabled(may and chef and done)
        view.entry.setToolTip(
            "" if may else self.tr("Réservé au chef section recouvrement et à l'agent de contrôle.")
        )

    def _open_selected(self) -> None:
        letter = self.selected_letter()
        if letter is not None:
            self.view.number_edit.setText(letter.number)
            self.open_number()

    # -- the entry -------------------------------------------------------------------------
    def _number_edited(self) -> None:
        if self.current is not None and self.view.number_edit.text().strip() != (
            self.current.number
        ):
            self.current = None
            self.view.entry_banner.clear()

    def open_number(self) -> None:
        text = self.view.number_edit.text().strip()
        if not text:
            return
        self.current = None
        agency = self.agency
        self.ctx.tasks.start(
            lambda ctx: open_for_delivery(ctx.uow(), text, agency=agency),
            title=self.tr("Recherche de la lettre"),
            on_success=self._opened,
            on_error=lambda exc: self._refuse(exc, "number"),
            show_progress=False,
            key="letters/open",
        )

    def _opened(self, letter: LetterRow) -> None:
        view = self.view
        self.current = letter
        view.number_edit.setText(letter.number)  # as printed: « 12 » → « 00000012 »
        if self.last_date is not None:
            view.date_edit.setDate(qdate(self.last_date))
        address = ", ".join(p for p in (letter.address, letter.quartier) if p) or self.tr(
            "adresse non renseignée"
        )
        view.entry_banner.show_message(
            "info",
            self.tr("<b>Lettre n° {number}</b> — police {police} — {name} — {address}").format(
                number=letter.number,
                police=escape_rich(letter.police),
                name=escape_rich(letter.customer_name),
                address=escape_rich(address),
            )
            + self.tr(" — confiée à {who}. Vérifiez la date puis Entrée.").format(
                who=escape_rich(letter.releveur_name or self.tr("aucun releveur"))
            ),
        )
        self.select_letter(letter.id)
        view.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.letter_opened.emit(letter)

    def save(self) -> None:
        letter = self.current
        view = self.view
        if letter is None or view.number_edit.text().strip() != letter.number:
            self.open_number()
            return
        on = pydate(view.date_edit.date())
        to = view.to_combo.currentText()
        by_id = view.releveur_combo.currentData()
        by = next((r.matricule for r in self._releveurs if r.id == by_id), None)
        number = letter.number
        agency = self.agency

        def run(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: deliver(ctx.uow(), actor, [number], on, by=by, to=to, agency=agency),
                title=self.tr("Enregistrement de la remise"),
                on_success=lambda rows: self._saved(rows, on),
                on_error=lambda exc: self._refuse(exc, "date"),
                show_progress=False,
                key="letters/deliver",
            )

        self.ctx.with_actor(run)

    def _saved(self, rows: list[LetterRow], on: dt.date) -> None:
        view = self.view
        self.last_date = on
        self.current = None
        self.model.replace_rows(rows)
        self._recount()
        self._apply_filters()
        numbers = ", ".join(r.number for r in rows)
        view.entry_banner.show_message(
            "success",
            self.tr(
                "<b>Enregistré :</b> lettre n° {numbers} remise le {day}. Scannez le "
                "coupon suivant."
            ).format(numbers=numbers, day=format_date(on)),
        )
        view.number_edit.clear()
        view.focus_number()
        self.recorded.emit(rows)
        self.data_changed.emit(Change.LETTERS)

    def _refuse(self, exc: BaseException, where: str) -> bool:
        if not isinstance(exc, ServiceError):
            return False
        view = self.view
        view.entry_banner.show_message(
            "error", self.tr("<b>Refusé :</b> {message}").format(message=escape_rich(str(exc)))
        )
        if where == "date" and isinstance(exc, LetterError) and exc.code.startswith("LETTER_DATE_"):
            view.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.current = None
            view.focus_number()
        self.refused.emit(str(exc))
        return True

    def clear_entry(self) -> None:
        self.current = None
        self.view.number_edit.clear()
        self.view.entry_banner.clear()
        self.view.focus_number()

    def actor_changed(self) -> None:
        self._update_actions()

    def save_state(self) -> None:
        self.ctx.settings.save_header("letters/table", self.view.table.horizontalHeader())


def _codes(rows: list[LetterRow], what: str) -> list[str]:
    values = {r.bordereau_code if what == "bordereau" else r.zone_code for r in rows}
    return sorted(v for v in values if v)


def _fill(combo: QComboBox, everything: str, items: Sequence[tuple[str, object]]) -> None:
    wanted = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(combo.findData(wanted), 0) if wanted is not None else 0)
    combo.blockSignals(False)


def escape_rich(text: str) -> str:
    """For the banner's rich text: < > & only (French apostrophes stay as typed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
