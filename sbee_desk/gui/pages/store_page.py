"""The « 5. Retour magasin » page (issue #15): the magasinier (or the chef RPNT)
records each removed meter (and breaker) received at the store, by scan, on a fiche
de mouvement de stock; sees the returns of the day and « matériel non retourné »
(BT removals done and not back after the agency's delay); prints the sheet.

The entry: a number scanned or typed then Enter opens the order (refused at once if
its return cannot be recorded: unknown, MT, cancelled, not dispatched, already back)
and shows the serials expected; the serials received are scanned (empty: the
contract's); Enter saves and the number field waits for the next order. The sheet:
with the agency's numbering AUTO, the first return of the session opens a new sheet
whose number stays in the field for the next ones (« Nouvelle fiche » starts another);
with TYPED, the number of the store's own book is typed. The date keeps the last one
entered. A refusal is shown in the entry's banner, in words, and the focus goes to the
field to correct."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from sbee_desk.domain.permissions import Action
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.file_dialogs import ask_save_file
from sbee_desk.gui.formatting import format_date, plural
from sbee_desk.gui.models import store as cols
from sbee_desk.gui.models.base import ROW_ROLE
from sbee_desk.gui.models.store import ReturnsModel, UnreturnedModel
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.letters_base import escape_rich
from sbee_desk.gui.pages.letters_dialogs import pydate
from sbee_desk.gui.pages.store_view import StoreView
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.store import (
    ExpectedEquipment,
    ReturnRow,
    SheetFile,
    SheetNumbering,
    StoreError,
    StoreSettings,
    Unreturned,
    keepers,
    list_returns,
    open_order,
    record_return,
    sheet_pdf,
    store_settings,
    unreturned,
)
from sbee_desk.wording.store import store_mention

COLUMN_WIDTHS = {
    cols.COL_NUMBER: 72,
    cols.COL_POLICE: 96,
    cols.COL_CUSTOMER: 150,
    cols.COL_METER: 150,
    cols.COL_BREAKER: 130,
    cols.COL_NOTE: 170,
    cols.COL_SHEET: 150,
}
MISSING_WIDTHS = {
    cols.U_NUMBER: 80,
    cols.U_POLICE: 96,
    cols.U_CUSTOMER: 170,
    cols.U_METER: 130,
    cols.U_AGENT: 210,
    cols.U_REMOVED: 90,
    cols.U_DAYS: 70,
}
#: which field a refusal sends the focus back to
_FOCUS = {
    "STORE_DATE_FUTURE": "date",
    "STORE_DATE_BEFORE_VISIT": "date",
    "STORE_MISMATCH_NOTE_REQUIRED": "note",
    "STORE_METER_REQUIRED": "meter",
    "STORE_UNKNOWN_KEEPER": "keeper",
    "STORE_SHEET_REQUIRED": "sheet",
    "STORE_UNKNOWN_SHEET": "sheet",
    "STORE_SHEET_OTHER_AGENCY": "sheet",
}


@dataclass(frozen=True)
class Loaded:
    on: dt.date
    returns: list[ReturnRow]
    missing: list[Unreturned]
    keepers: list[tuple[str, str]]
    settings: StoreSettings


def load(ctx: TaskContext, on: dt.date) -> Loaded:
    return Loaded(
        on,
        list_returns(ctx.uow(), on=on),
        unreturned(ctx.uow()),
        keepers(ctx.uow()),
        store_settings(ctx.uow()),
    )


class StorePage(Page):
    key = "store_return"
    number = 5
    depends_on = Change.EXPORT | Change.DISPATCH | Change.STORE | Change.PEOPLE
    view: StoreView

    #: the lists were read and are shown
    loaded = Signal()
    #: a number opened its order in the entry (ExpectedEquipment)
    order_opened = Signal(object)
    #: a return was recorded (ReturnRow)
    recorded = Signal(object)
    #: the entry refused a number or a save: the French message
    refused = Signal(str)
    #: the sheet's PDF was written (the path)
    printed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = StoreView()
        self.returns_model = ReturnsModel(self)
        self.missing_model = UnreturnedModel(self)
        view.returns_table.setModel(self.returns_model)
        view.missing_table.setModel(self.missing_model)
        view.returns_table.set_column_widths(COLUMN_WIDTHS)
        view.missing_table.set_column_widths(MISSING_WIDTHS)
        ctx.settings.restore_header("store/returns", view.returns_table.horizontalHeader())
        #: the order open in the entry
        self.current: ExpectedEquipment | None = None
        self.settings = StoreSettings()
        self.shown_on = dt.date.today()
        view.number_edit.returnPressed.connect(self.open_number)
        view.number_edit.textEdited.connect(lambda _t: self._number_edited())
        view.save_requested.connect(self.save)
        view.save_button.clicked.connect(self.save)
        view.entry_cancelled.connect(self.clear_entry)
        view.new_sheet_button.clicked.connect(self.new_sheet)
        view.print_button.clicked.connect(self.ask_print)
        view.date_edit.dateChanged.connect(lambda _d: self._date_changed())
        view.returns_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_actions()
        )
        view.sheet_edit.textChanged.connect(lambda _t: self._update_actions())
        self._show_numbering()
        self._update_tabs()
        loading = self.tr("Chargement…")
        view.show_lists(loading, loading)
        self._update_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Retour magasin")

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        on = pydate(self.view.date_edit.date())
        self.ctx.tasks.start(
            lambda ctx: load(ctx, on),
            title=self.tr("Lecture des retours magasin"),
            on_success=self._loaded,
            key="store/list",
        )

    def _loaded(self, data: Loaded) -> None:
        self.shown_on = data.on
        self.returns_model.set_rows(data.returns)
        self.missing_model.set_rows(data.missing)
        self.settings = data.settings
        combo = self.view.keeper_combo
        wanted = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("celui de la fiche"), None)
        for matricule, name in data.keepers:
            combo.addItem(f"{name} ({matricule})", matricule)
        combo.setCurrentIndex(max(combo.findData(wanted), 0) if wanted is not None else 0)
        combo.blockSignals(False)
        self._show_numbering()
        self._recount()
        self._update_actions()
        self.loaded.emit()
        focused = QApplication.focusWidget()
        if self.view.isVisible() and (focused is None or not self.view.isAncestorOf(focused)):
            self.view.focus_number()

    def _recount(self) -> None:
        missing = self.missing_model.rowCount()
        self.badge = str(missing) if missing else ""
        self.badge_tip = plural(
            missing,
            self.tr("ordre au matériel non retourné"),
            self.tr("ordres au matériel non retourné"),
        )
        self.badge_changed.emit()
        self._update_tabs()
        self._show_lists()
        returns = self.returns_model.rows
        sheets = len({r.sheet_number for r in returns})
        self.view.status_label.setText(
            self.tr(
                "{returns} le {day} sur {sheets} ; matériel non retourné plus de {delay} "
                "après la dépose : {missing}."
            ).format(
                returns=plural(len(returns), self.tr("retour"), self.tr("retours")),
                day=format_date(self.shown_on),
                sheets=plural(sheets, self.tr("fiche"), self.tr("fiches")),
                missing=plural(missing, self.tr("ordre"), self.tr("ordres")),
                delay=plural(self.settings.return_delay_days, self.tr("jour"), self.tr("jours")),
            )
        )

    def _show_lists(self) -> None:
        day = format_date(self.shown_on)
        self.view.show_lists(
            None
            if self.returns_model.rowCount()
            else self.tr(
                "Aucun retour enregistré le {day}. Scannez le code-barres du premier ordre de "
                "dépose revenu au magasin avec son compteur."
            ).format(day=day),
            None
            if self.missing_model.rowCount()
            else self.tr(
                "Aucun matériel en retard : chaque compteur déposé est revenu au magasin "
                "dans les {delay} qui suivent la dépose."
            ).format(
                delay=plural(self.settings.return_delay_days, self.tr("jour"), self.tr("jours"))
            ),
        )

    def _update_tabs(self) -> None:
        tabs = self.view.tabs
        tabs.setTabText(
            0,
            self.tr("Retours du {day} ({n})").format(
                day=format_date(self.shown_on), n=self.returns_model.rowCount()
            ),
        )
        tabs.setTabText(
            1, self.tr("Matériel non retourné ({n})").format(n=self.missing_model.rowCount())
        )

    def _date_changed(self) -> None:
        if pydate(self.view.date_edit.date()) != self.shown_on:
            self.refresh()

    def _show_numbering(self) -> None:
        view = self.view
        if self.settings.numbering is SheetNumbering.TYPED:
            view.sheet_edit.setPlaceholderText(self.tr("n° du registre du magasin"))
            view.sheet_edit.setToolTip(
                self.tr("Le n° de la fiche tenue par le magasin (l'agence numérote à la main).")
            )
            view.new_sheet_button.setToolTip(
                self.tr("Vider le n° pour taper celui de la fiche suivante.")
            )
        else:
            view.sheet_edit.setPlaceholderText(self.tr("nouvelle fiche"))
            view.sheet_edit.setToolTip(
                self.tr(
                    "Vide : une nouvelle fiche, numérotée par sbee-desk à l'enregistrement "
                    "(FMS-agence-année-n°) ; les retours suivants vont sur la même fiche."
                )
            )
            view.new_sheet_button.setToolTip(
                self.tr(
                    "Les retours suivants iront sur une nouvelle fiche numérotée par sbee-desk."
                )
            )

    # -- actions ---------------------------------------------------------------------------
    def _selected_return(self) -> ReturnRow | None:
        rows = self.view.returns_table.selectionModel().selectedRows()
        item = rows[0].data(ROW_ROLE) if rows else None
        return item if isinstance(item, ReturnRow) else None

    def sheet_to_print(self) -> str | None:
        selected = self._selected_return()
        if selected is not None:
            return selected.sheet_number
        text = self.view.sheet_edit.text().strip()
        return text or None

    def _update_actions(self) -> None:
        may = self.ctx.may(Action.STORE_RETURN)
        view = self.view
        view.entry.setEnabled(may)
        reserved = self.tr(
            "Lecture seule : l'enregistrement des retours est réservé au magasinier et au "
            "chef section RPNT."
        )
        view.entry.setToolTip("" if may else reserved)
        if not may:
            view.entry_banner.show_message("info", reserved)
        elif view.entry_banner.text() == reserved:
            view.entry_banner.clear()
        sheet = self.sheet_to_print()
        view.print_button.setEnabled(may and sheet is not None)
        view.sheet_label.setText(
            self.tr("Fiche en cours : {sheet}").format(sheet=sheet) if sheet else ""
        )

    def new_sheet(self) -> None:
        self.view.sheet_edit.clear()
        self.view.sheet_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the entry -------------------------------------------------------------------------
    def _number_edited(self) -> None:
        if self.current is not None and self.view.number_edit.text().strip() != self.current.number:
            self.current = None
            self.view.clear_serials()
            self.view.entry_banner.clear()

    def open_number(self) -> None:
        text = self.view.number_edit.text().strip()
        if not text:
            return
        self.current = None
        self.ctx.tasks.start(
            lambda ctx: open_order(ctx.uow(), text),
            title=self.tr("Recherche de l'ordre"),
            on_success=self._opened,
            on_error=lambda exc: self._refuse(exc),
            show_progress=False,
            key="store/open",
        )

    def _opened(self, order: ExpectedEquipment) -> None:
        view = self.view
        self.current = order
        view.number_edit.setText(order.number)  # as printed: « 12 » → « 00000012 »
        view.clear_serials()
        view.meter_edit.setPlaceholderText(
            order.meter_serial or self.tr("non renseigné : à saisir")
        )
        view.breaker_edit.setPlaceholderText(order.breaker or self.tr("non renseigné"))
        agent = (
            self.tr(" — agent {name} ({matricule}), visite du {day}").format(
                name=escape_rich(order.agent_name or ""),
                matricule=escape_rich(order.agent_matricule),
                day=format_date(order.visit_on) if order.visit_on else "—",
            )
            if order.agent_matricule
            else ""
        )
        view.entry_banner.show_message(
            "info",
            self.tr("<b>Ordre n° {number}</b> — police {police} — {name}{agent}").format(
                number=order.number,
                police=escape_rich(order.police),
                name=escape_rich(order.customer_name),
                agent=agent,
            )
            + self.tr(
                "<br>Attendus : compteur <b>{meter}</b>, disjoncteur <b>{breaker}</b>. Scannez "
                "ce qui est reçu (vide : le n° attendu), puis Entrée."
            ).format(
                meter=escape_rich(order.meter_serial or "—"),
                breaker=escape_rich(order.breaker or "—"),
            ),
        )
        view.meter_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.order_opened.emit(order)

    def save(self) -> None:
        order = self.current
        view = self.view
        if order is None or view.number_edit.text().strip() != order.number:
            self.open_number()
            return
        on = pydate(view.date_edit.date())
        number = order.number
        meter, breaker = view.meter_edit.text(), view.breaker_edit.text()
        note, sheet = view.note_edit.text(), view.sheet_edit.text()
        keeper = view.keeper_combo.currentData()

        def run(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: record_return(
                    ctx.uow(),
                    actor,
                    number,
                    on,
                    sheet=sheet,
                    meter=meter,
                    breaker=breaker,
                    keeper=keeper,
                    note=note,
                ),
                title=self.tr("Enregistrement du retour magasin"),
                on_success=self._saved,
                on_error=lambda exc: self._refuse(exc),
                show_progress=False,
                key="store/record",
            )

        self.ctx.with_actor(run)

    def _saved(self, row: ReturnRow) -> None:
        view = self.view
        self.current = None
        view.sheet_edit.setText(row.sheet_number)  # the next returns go on this sheet
        if row.returned_on == self.shown_on:
            self.returns_model.set_rows([*self.returns_model.rows, row])
        self.missing_model.set_rows(
            [u for u in self.missing_model.rows if u.order_id != row.order_id]
        )
        self._recount()
        new = self.tr(" (nouvelle fiche)") if row.new_sheet else ""
        view.entry_banner.show_message(
            "success",
            self.tr(
                "<b>Enregistré :</b> ordre n° {number}, fiche {sheet}{new} — {mention}. "
                "Scannez l'ordre suivant."
            ).format(
                number=row.number,
                sheet=escape_rich(row.sheet_number),
                new=new,
                mention=store_mention(row.returned_on, row.breaker_serial is not None),
            ),
        )
        view.number_edit.clear()
        view.clear_serials()
        view.focus_number()
        self._update_actions()
        self.recorded.emit(row)
        self.data_changed.emit(Change.STORE)

    def _refuse(self, exc: BaseException) -> bool:
        if not isinstance(exc, ServiceError):
            return False
        view = self.view
        view.entry_banner.show_message(
            "error", self.tr("<b>Refusé :</b> {message}").format(message=escape_rich(str(exc)))
        )
        where = _FOCUS.get(exc.code) if isinstance(exc, StoreError) else None
        fields = {
            "date": view.date_edit,
            "note": view.note_edit,
            "meter": view.meter_edit,
            "keeper": view.keeper_combo,
            "sheet": view.sheet_edit,
        }
        if where is not None and self.current is not None:
            fields[where].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.current = None
            view.focus_number()
        self.refused.emit(str(exc))
        return True

    def clear_entry(self) -> None:
        self.current = None
        self.view.number_edit.clear()
        self.view.clear_serials()
        self.view.entry_banner.clear()
        self.view.focus_number()

    # -- the sheet's PDF -------------------------------------------------------------------
    def ask_print(self) -> None:
        sheet = self.sheet_to_print()
        if sheet is None:
            return
        from sbee_desk.services.store import sheet_file_name

        folder = self.ctx.settings.text("store/sheet_folder", str(Path.home()))

        def chosen(path: str) -> None:
            self.ctx.settings.set_text("store/sheet_folder", str(Path(path).parent))

            def run(actor: Actor) -> None:
                self.ctx.tasks.start(
                    lambda ctx: _write(sheet_pdf(ctx.uow(), actor, sheet), Path(path)),
                    title=self.tr("Fiche de mouvement de stock"),
                    on_success=lambda done: self._printed(done, path),
                    on_error=lambda exc: self._refuse(exc),
                    key="store/print",
                )

            self.ctx.with_actor(run)

        ask_save_file(
            self.view,
            self.tr("Fiche de mouvement de stock n° {sheet}").format(sheet=sheet),
            str(Path(folder) / sheet_file_name(sheet)),
            self.tr("Document PDF (*.pdf)"),
            chosen,
        )

    def _printed(self, sheet: SheetFile, path: str) -> None:
        self.view.entry_banner.show_message(
            "success",
            self.tr("<b>Fiche n° {sheet} écrite :</b> {count} dans {path}.").format(
                sheet=escape_rich(sheet.number),
                count=plural(sheet.returns, self.tr("ordre"), self.tr("ordres")),
                path=escape_rich(path),
            ),
        )
        self.printed.emit(path)

    def actor_changed(self) -> None:
        self._update_actions()

    def save_state(self) -> None:
        self.ctx.settings.save_header("store/returns", self.view.returns_table.horizontalHeader())


def _write(sheet: SheetFile, path: Path) -> SheetFile:
    """The PDF written under a temporary name, then renamed (always whole)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(sheet.pdf)
    temporary.replace(path)
    return sheet
