"""Controller of the Sélection page (step 1): launch a run, review it bordereau by bordereau.

The page is built in layers, one module each, every layer using only those below:

- ``state.py`` — what the page holds and how its widgets show it (banners, counts,
  the current line's detail, which review actions are enabled);
- ``lines.py`` — the run shown and its bordereaux, the lines in two steps (first
  page, then all, the view kept), the decision filter and the search;
- ``review.py`` — exclude, restore, derogation, validate (issue #5);
- ``lists.py`` — the lists of a validated bordereau and copies of them;
- this module — the page itself: its widgets wired, the overview, launching a run.

``content.py`` holds the background reads, ``view.py`` the layout.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QObject, Qt, Signal

from sbee_desk.domain.permissions import Action
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.formatting import (
    DECISION_ORDER,
    decision_label,
    format_count,
    format_date,
    format_datetime,
    plural,
)
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import bordereaux as bcols
from sbee_desk.gui.models import candidates as ccols
from sbee_desk.gui.pages.selection.content import SelectionOverview, load_overview
from sbee_desk.gui.pages.selection.lists import SelectionLists
from sbee_desk.gui.pages.selection.state import EXCLUDED_FILTER
from sbee_desk.gui.pages.selection.view import SelectionView
from sbee_desk.gui.style import decision_icon
from sbee_desk.services.actor import Actor
from sbee_desk.services.selection import RunSummary, SelectionResult, run_selection

#: the search filters as you type, once typing pauses this long
SEARCH_DELAY_MS = 150

LINE_WIDTHS = {
    ccols.COL_POLICE: 105,
    ccols.COL_CUSTOMER: 190,
    ccols.COL_DECISION: 215,
    ccols.COL_UNPAID: 70,
    ccols.COL_AMOUNT: 115,
    ccols.COL_SUSPENDED_ON: 100,
    ccols.COL_DAYS: 55,
    ccols.COL_CATEGORY: 130,
    ccols.COL_VOLTAGE: 65,
    ccols.COL_ADDRESS: 190,
    ccols.COL_QUARTIER: 120,
    ccols.COL_ZONE: 60,
}
BORDEREAU_WIDTHS = {
    bcols.COL_CODE: 150,
    bcols.COL_VOLTAGE: 65,
    bcols.COL_PERIOD: 125,
    bcols.COL_STATUS: 80,
    bcols.COL_LINES: 70,
    bcols.COL_FIRST_DECISION: 95,
    bcols.COL_FIRST_DECISION + 1: 95,
    bcols.COL_FIRST_DECISION + 2: 165,
    bcols.COL_FIRST_DECISION + 3: 95,
}


class SelectionPage(SelectionLists):
    key = "selection"
    # LETTERS: a line's motif says when its letter was delivered (R5)
    depends_on = (
        Change.EXPORT | Change.RUNS | Change.REVIEW | Change.PLANS | Change.EDITION | Change.LETTERS
    )
    number = 1
    view: SelectionView

    #: the agencies, runs and last import are read and shown
    overview_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        view = self.view
        settings = ctx.settings

        self.bordereau_proxy.setSortRole(SORT_ROLE)
        view.bordereau_table.setModel(self.bordereau_proxy)
        view.bordereau_table.set_column_widths(BORDEREAU_WIDTHS)
        settings.restore_header("selection/bordereaux", view.bordereau_table.horizontalHeader())
        view.bordereau_table.setSortingEnabled(True)
        view.bordereau_table.sortByColumn(bcols.COL_CODE, Qt.SortOrder.AscendingOrder)

        view.lines_table.setModel(self.line_proxy)
        view.lines_table.set_column_widths(LINE_WIDTHS)
        header = view.lines_table.horizontalHeader()
        header.setSortIndicator(ccols.COL_POLICE, Qt.SortOrder.AscendingOrder)
        settings.restore_header("selection/lines", header)
        view.lines_table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        settings.restore_splitter("selection", view.splitter)

        view.decision_combo.addItem(self.tr("Toutes les décisions"), "")
        for decision in DECISION_ORDER:
            view.decision_combo.addItem(
                decision_icon(decision), decision_label(decision), decision.value
            )
        view.decision_combo.addItem(self.tr("Lignes exclues"), EXCLUDED_FILTER)
        saved = settings.text("selection/decision")
        index = view.decision_combo.findData(saved) if saved else 0
        view.decision_combo.setCurrentIndex(max(index, 0))
        self._apply_decision_filter()

        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply_search)

        view.run_button.clicked.connect(self.launch)
        view.date_edit.dateChanged.connect(self._filters_changed)
        view.agency_combo.activated.connect(self._agency_chosen)
        view.runs_combo.activated.connect(self._run_chosen)
        view.decision_combo.currentIndexChanged.connect(self._decision_chosen)
        view.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        view.search_edit.returnPressed.connect(self._apply_search)
        view.stale_banner.action_clicked.connect(lambda: self.navigate.emit("data"))
        view.bordereau_table.selectionModel().currentRowChanged.connect(self._bordereau_chosen)
        view.lines_table.selectionModel().currentRowChanged.connect(self._line_chosen)
        view.lines_table.selectionModel().selectionChanged.connect(self._update_review_actions)
        self.line_proxy.modelReset.connect(self._refresh_detail)
        self.line_proxy.layoutChanged.connect(self._refresh_detail)
        self.line_proxy.dataChanged.connect(self._refresh_detail)
        view.exclude_action.triggered.connect(self.exclude_selected)
        view.restore_action.triggered.connect(self.restore_selected)
        view.derogation_action.triggered.connect(self.derogate_current)
        view.validate_button.clicked.connect(self.validate)
        view.produce_button.clicked.connect(self.produce)
        view.validated_banner.action_clicked.connect(lambda: self.navigate.emit("archive"))
        for signal in (
            self.line_proxy.modelReset,
            self.line_proxy.layoutChanged,
            self.line_proxy.rowsInserted,
            self.line_proxy.rowsRemoved,
        ):
            signal.connect(self._update_shown_count)
        view.show_empty(self.tr("Chargement…"))
        self._update_lines_title()
        self._update_review_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Sélection")

    # -- the overview: agencies, runs, last import -----------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.reasons = None  # the administrator may have changed the list
        self.view.date_edit.setMaximumDate(QDate.currentDate())
        self.ctx.tasks.start(
            load_overview,
            title=self.tr("Chargement des traitements"),
            on_success=self._overview_ready,
        )

    def _overview_ready(self, overview: SelectionOverview) -> None:
        self.agencies = overview.agencies
        self.runs = overview.runs
        self.last_import = overview.last_import
        self._fill_agencies()
        self._fill_runs()
        self._update_badge()
        self._update_stale_banner()
        self._update_run_button()
        pending = self._pending_run_id
        self._pending_run_id = None
        run = self._run_by_id(pending) if pending is not None else None
        if run is None and self.current_run is not None:
            run = self._run_by_id(self.current_run.run_id)
        if run is not None:
            self.display_run(run)
        else:
            self._show_run_for_filters()
        self.overview_loaded.emit()

    def _fill_agencies(self) -> None:
        combo = self.view.agency_combo
        wanted = (
            combo.currentData() if combo.count() else self.ctx.settings.text("selection/agency")
        )
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Toutes les agences"), "")
        for code, name in self.agencies:
            combo.addItem(f"{code} — {name}" if name else code, code)
        index = combo.findData(wanted or "")
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _fill_runs(self) -> None:
        combo = self.view.runs_combo
        combo.blockSignals(True)
        combo.clear()
        for run in self.runs:
            combo.addItem(self._run_label(run), run.run_id)
            combo.setItemData(
                combo.count() - 1,
                self.tr("Lancé par {user} le {when}").format(
                    user=run.created_by, when=format_datetime(run.created_at)
                ),
                Qt.ItemDataRole.ToolTipRole,
            )
        if not self.runs:
            combo.addItem(self.tr("Aucun traitement"), None)
        combo.setEnabled(bool(self.runs))
        combo.setCurrentIndex(-1 if self.runs else 0)
        combo.blockSignals(False)

    def _run_label(self, run: RunSummary) -> str:
        return self.tr("n° {id} du {date}, {agency} ({lines})").format(
            id=run.run_id,
            date=format_date(run.run_on),
            agency=run.agency_code or self.tr("toutes agences"),
            lines=plural(run.candidate_count, self.tr("ligne"), self.tr("lignes")),
        )

    # -- running a selection ---------------------------------------------------------------
    def launch(self) -> None:
        """Run the selection at the chosen date for the chosen agency (background)."""
        self.ctx.with_actor(self._launch_as)

    def _launch_as(self, actor: Actor) -> None:
        run_on, agency = self.run_date(), self.agency()
        self.running = True
        self._update_run_button()
        task = self.ctx.tasks.start(
            lambda ctx: run_selection(ctx.uow(), actor, run_on, agency),
            title=self.tr("Traitement des relances"),
            on_success=self._run_finished,
        )
        task.ended.connect(self._run_ended)

    def _run_ended(self) -> None:
        self.running = False
        self._update_run_button()

    def _run_finished(self, result: SelectionResult) -> None:
        self._pending_run_id = result.run_id
        self.current_bordereau = None
        self.message.emit(
            self.tr("Traitement n° {id} terminé : {lines}.").format(
                id=result.run_id,
                lines=plural(result.candidate_count, self.tr("ligne"), self.tr("lignes")),
            )
        )
        self.data_changed.emit(Change.RUNS)
        self.refresh()

    def actor_changed(self) -> None:
        self._update_run_button()
        self._update_review_actions()

    def _update_run_button(self) -> None:
        button = self.view.run_button
        allowed = self.ctx.may(Action.SELECT)
        button.setEnabled(allowed and bool(self.agencies) and not self.running)
        button.setToolTip(
            self.tr(
                "Calcule les décisions à la date choisie. Ne crée ni lettre ni ordre : "
                "on peut relancer le traitement sans risque."
            )
            if allowed
            else self.tr("Réservé au chef section recouvrement.")
        )

    # -- the badge -------------------------------------------------------------------------
    def _update_badge(self) -> None:
        if self.runs:
            latest = self.runs[0]
            self.badge = format_count(latest.candidate_count)
            self.badge_tip = self.tr(
                "{lines} dans le dernier traitement (n° {id} du {date})"
            ).format(
                lines=plural(latest.candidate_count, self.tr("ligne"), self.tr("lignes")),
                id=latest.run_id,
                date=format_date(latest.run_on),
            )
        else:
            self.badge = ""
            self.badge_tip = self.tr("Aucun traitement lancé")
        self.badge_changed.emit()

    # -- settings --------------------------------------------------------------------------
    def save_state(self) -> None:
        settings, view = self.ctx.settings, self.view
        settings.save_header("selection/bordereaux", view.bordereau_table.horizontalHeader())
        settings.save_header("selection/lines", view.lines_table.horizontalHeader())
        settings.save_splitter("selection", view.splitter)
