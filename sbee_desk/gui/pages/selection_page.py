"""Controller of the Sélection page (step 1): launch a run, review it bordereau by bordereau.

The review (issue #5): the chef excludes lines (with a reason) or brings them back,
the Direction records a DG derogation for an exempt line, the chef validates the
bordereau (confirmation naming the counts), then lists are produced for the
classeur. The services decide; their refusals go to the one error dialog.

A bordereau opens in two steps: its first :data:`FIRST_PAGE` lines are shown at
once, then the whole list is loaded in the background and swapped in, keeping the
selection and the scroll position.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QDialog, QMessageBox

from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Action
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.review_dialogs import (
    DerogationDialog,
    ExclusionDialog,
    ListsProducedDialog,
    ValidationBox,
    validation_result_text,
    work_created,
)
from sbee_desk.gui.file_dialogs import ask_directory
from sbee_desk.gui.formatting import (
    DECISION_ORDER,
    category_label,
    decision_count,
    decision_label,
    format_count,
    format_date,
    format_datetime,
    local_datetime,
    order_kind_label,
    plural,
    search_key,
)
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import bordereaux as bcols
from sbee_desk.gui.models import candidates as ccols
from sbee_desk.gui.models.base import row_ranges
from sbee_desk.gui.models.bordereaux import BordereauTableModel
from sbee_desk.gui.models.candidates import CandidateFilterProxy, CandidateTableModel
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.selection_view import SelectionView
from sbee_desk.gui.style import decision_icon
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
from sbee_desk.services.lists import (
    ArchivedList,
    archive_register,
    produce_lists,
    save_copy,
)
from sbee_desk.services.r7 import summary as r7_summary
from sbee_desk.services.review import (
    DerogationInfo,
    RunAge,
    ValidationInfo,
    ValidationResult,
    add_derogation,
    exclude_lines,
    exclusion_reasons,
    restore_lines,
    run_age,
    validate_bordereau,
    validations,
)
from sbee_desk.services.selection import (
    BordereauSummary,
    CandidateLine,
    ImportInfo,
    RunSummary,
    SelectionResult,
    bordereau_summaries,
    candidate_lines,
    last_import,
    list_agencies,
    list_runs,
    run_selection,
)
from sbee_desk.services.users import list_users

#: the search filters as you type, once typing pauses this long
SEARCH_DELAY_MS = 150
#: lines shown at once when a bordereau opens, before the whole list is loaded
FIRST_PAGE = 500
#: data of the decision filter's entry "Lignes exclues"
EXCLUDED_FILTER = "EXCLUE"

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


def qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


@dataclass(frozen=True)
class SelectionOverview:
    agencies: list[tuple[str, str | None]]
    runs: list[RunSummary]
    last_import: ImportInfo | None


def load_overview(ctx: TaskContext) -> SelectionOverview:
    return SelectionOverview(
        agencies=list_agencies(ctx.uow()),
        runs=list_runs(ctx.uow()),
        last_import=last_import(ctx.uow()),
    )


@dataclass(frozen=True)
class RunContent:
    """A run's bordereaux, which are validated (and by whom), which have lists."""

    bordereaux: list[BordereauSummary]
    validations: dict[str, ValidationInfo] = field(default_factory=dict)
    #: full name of each user (login → name)
    names: dict[str, str] = field(default_factory=dict)
    #: when the lists of a bordereau were last produced
    lists_produced: dict[str, dt.datetime] = field(default_factory=dict)
    #: how old the run is today: too old, it can no longer be validated
    age: RunAge | None = None


def load_run(ctx: TaskContext, run_id: int) -> RunContent:
    produced: dict[str, dt.datetime] = {}
    for entry in archive_register(ctx.uow(), run_id=run_id):
        produced[entry.bordereau_code] = entry.created_at  # oldest first: the last wins
    return RunContent(
        bordereau_summaries(ctx.uow(), run_id),
        validations(ctx.uow(), run_id),
        {user.login: user.full_name for user in list_users(ctx.uow()) if user.full_name},
        produced,
        run_age(ctx.uow(), run_id),
    )


#: "latest result wins" keys (TaskRunner): the run shown, the lines of its bordereau
RUN_KEY = "selection/run"
LINES_KEY = "selection/lines"


def exclusion_text(label: str, note: str) -> str:
    """How the service words an exclusion (services.review._resolve_reason)."""
    return f"{label} — {note}" if note else label


@dataclass(frozen=True)
class ViewState:
    """What the lines table showed, by police: kept when a new list is swapped in."""

    selected: list[str]
    current: str | None
    top: str | None
    horizontal: int


class SelectionPage(Page):
    key = "selection"
    number = 1
    view: SelectionView

    overview_loaded = Signal()
    run_displayed = Signal()
    #: the first lines of the bordereau are shown (the rest may still be loading)
    first_lines_shown = Signal()
    #: every line of the bordereau is loaded and shown
    lines_loaded = Signal()
    #: an exclusion, a restoration or a derogation was recorded and is shown
    review_changed = Signal()
    #: the bordereau was validated (ValidationResult) and the page shows it
    bordereau_validated = Signal(object)
    #: lists were produced (list of ArchivedList) and their dialog is open
    lists_produced = Signal(object)
    #: copies of the lists were written (folder)
    copies_saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = SelectionView()
        self.agencies: list[tuple[str, str | None]] = []
        self.runs: list[RunSummary] = []
        self.last_import: ImportInfo | None = None
        self.current_run: RunSummary | None = None
        self.current_bordereau: str | None = None
        self._pending_run_id: int | None = None
        #: the whole bordereau is in the table (not only its first page)
        self.lines_complete = False
        #: bordereau whose lines the table holds (the one chosen may still be loading)
        self.lines_bordereau: str | None = None
        self.content = RunContent([])
        self.reasons: list[tuple[str, str]] | None = None
        #: a review action is on its way to the database: no second one meanwhile
        self.review_busy = False
        self.exclusion_dialog: ExclusionDialog | None = None
        self.derogation_dialog: DerogationDialog | None = None
        self.validation_box: ValidationBox | None = None
        self.result_box: QMessageBox | None = None
        self.lists_dialog: ListsProducedDialog | None = None
        settings = ctx.settings

        self.bordereau_model = BordereauTableModel(self)
        self.bordereau_proxy = QSortFilterProxyModel(self)
        self.bordereau_proxy.setSourceModel(self.bordereau_model)
        self.bordereau_proxy.setSortRole(SORT_ROLE)
        view.bordereau_table.setModel(self.bordereau_proxy)
        view.bordereau_table.set_column_widths(BORDEREAU_WIDTHS)
        settings.restore_header("selection/bordereaux", view.bordereau_table.horizontalHeader())
        view.bordereau_table.setSortingEnabled(True)
        view.bordereau_table.sortByColumn(bcols.COL_CODE, Qt.SortOrder.AscendingOrder)

        self.line_model = CandidateTableModel(self)
        self.line_proxy = CandidateFilterProxy(self)
        self.line_proxy.setSourceModel(self.line_model)
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

        self.search_timer = QTimer(self)
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
        self.running = False
        view.show_empty(self.tr("Chargement…"))
        self._update_lines_title()
        self._update_review_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Sélection")

    # -- loading -----------------------------------------------------------------
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

    def _run_by_id(self, run_id: int) -> RunSummary | None:
        return next((r for r in self.runs if r.run_id == run_id), None)

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

    # -- filters (date, agency) and the run shown -------------------------------------
    def run_date(self) -> dt.date:
        value = self.view.date_edit.date()
        return dt.date(value.year(), value.month(), value.day())

    def agency(self) -> str | None:
        return self.view.agency_combo.currentData() or None

    def _agency_chosen(self, _index: int) -> None:
        self.ctx.settings.set_text("selection/agency", self.agency() or "")
        self._filters_changed()

    def _filters_changed(self) -> None:
        self._update_stale_banner()
        self._show_run_for_filters()

    def _show_run_for_filters(self) -> None:
        run_on, agency = self.run_date(), self.agency()
        matching = [r for r in self.runs if r.run_on == run_on and r.agency_code == agency]
        if matching:
            self.display_run(matching[0])
            return
        self.current_run = None
        self.ctx.tasks.drop(RUN_KEY)
        self.ctx.tasks.drop(LINES_KEY)
        self.content = RunContent([])
        self.bordereau_model.set_rows([])
        self.lines_bordereau = None
        self.line_model.set_lines([])
        self._update_review_actions()
        self.view.runs_combo.setCurrentIndex(-1 if self.runs else 0)
        self.view.status_label.clear()
        if not self.agencies:
            self.view.show_empty(
                self.tr(
                    "La base ne contient encore aucun contrat. Importez l'export de l'agence "
                    "dans la page « Données », ou chargez l'agence de démonstration."
                )
            )
            return
        text = self.tr("Aucune sélection pour cette date. Lancez le traitement.")
        if self.runs:
            latest = self.runs[0]
            text += "\n\n" + self.tr(
                "Le dernier traitement (n° {id} du {date}) reste consultable : "
                "choisissez-le dans « Traitement affiché »."
            ).format(id=latest.run_id, date=format_date(latest.run_on))
        self.view.show_empty(text)

    def _run_chosen(self, index: int) -> None:
        run_id = self.view.runs_combo.itemData(index)
        run = self._run_by_id(run_id) if run_id is not None else None
        if run is not None:
            self.display_run(run)

    def display_run(self, run: RunSummary) -> None:
        """Show ``run``: its date and agency in the filters, its bordereaux, the first one."""
        view = self.view
        self.current_run = run
        for widget in (view.date_edit, view.agency_combo, view.runs_combo):
            widget.blockSignals(True)
        if view.date_edit.maximumDate() < qdate(run.run_on):
            view.date_edit.setMaximumDate(qdate(run.run_on))
        view.date_edit.setDate(qdate(run.run_on))
        view.agency_combo.setCurrentIndex(max(view.agency_combo.findData(run.agency_code or ""), 0))
        view.runs_combo.setCurrentIndex(view.runs_combo.findData(run.run_id))
        for widget in (view.date_edit, view.agency_combo, view.runs_combo):
            widget.blockSignals(False)
        self._update_stale_banner()
        self._load_run(run, then=self._show_first_bordereau)

    def _load_run(self, run: RunSummary, then: Callable[[RunSummary, RunContent], None]) -> None:
        """Read ``run``'s bordereaux and their review status, show them, then ``then``."""
        run_id = run.run_id
        self.ctx.tasks.start(
            lambda ctx: load_run(ctx, run_id),
            title=self.tr("Chargement du traitement n° {id}").format(id=run_id),
            on_success=lambda content: self._run_loaded(run, content, then),
            key=RUN_KEY,
        )

    def _run_loaded(
        self,
        run: RunSummary,
        content: RunContent,
        then: Callable[[RunSummary, RunContent], None],
    ) -> None:
        self.content = content
        self.bordereau_model.set_rows(content.bordereaux, content.validations, content.names)
        self._update_run_status(run, content.bordereaux)
        then(run, content)

    def _reselect_current_bordereau(self, _run: RunSummary, _content: RunContent) -> None:
        """After the bordereaux were read again: select the one shown, lines untouched."""
        code = self.current_bordereau
        if code is None:
            return
        proxy_index = self.bordereau_proxy.mapFromSource(
            self.bordereau_model.index(self.bordereau_model.row_of(code), 0)
        )
        if proxy_index.isValid():
            table = self.view.bordereau_table
            table.setCurrentIndex(proxy_index)  # same code: the lines are not reloaded
            table.selectRow(proxy_index.row())
        self._update_decision_counts()
        self._update_validated_banner()
        self._update_review_actions()

    def _show_first_bordereau(self, run: RunSummary, content: RunContent) -> None:
        view = self.view
        rows = content.bordereaux
        if not rows:
            self.ctx.tasks.drop(LINES_KEY)
            self.lines_bordereau = None
            self.line_model.set_lines([])
            self._update_validated_banner()
            self._update_review_actions()
            view.show_empty(
                self.tr(
                    "Le traitement n° {id} du {date} ne retient aucun contrat : aucun contrat "
                    "suspendu ne remplit à cette date les conditions de relance ou de "
                    "résiliation."
                ).format(id=run.run_id, date=format_date(run.run_on))
            )
            self.run_displayed.emit()
            return
        view.show_results()
        wanted = self.current_bordereau or self.ctx.settings.text("selection/bordereau")
        row = self.bordereau_model.row_of(wanted) if wanted else -1
        self.select_bordereau(rows[max(row, 0)].code if row >= 0 else None)
        self.run_displayed.emit()

    def select_bordereau(self, code: str | None) -> None:
        """Select the bordereau ``code`` (or the first in the view's order)."""
        table = self.view.bordereau_table
        if code is None:
            proxy_index = self.bordereau_proxy.index(0, 0)
        else:
            source_row = self.bordereau_model.row_of(code)
            proxy_index = self.bordereau_proxy.mapFromSource(
                self.bordereau_model.index(source_row, 0)
            )
        if not proxy_index.isValid():
            return
        self.current_bordereau = None  # reload even if it is the bordereau shown
        if table.currentIndex() == proxy_index:
            self._bordereau_chosen(proxy_index, proxy_index)
        else:
            table.setCurrentIndex(proxy_index)
        table.selectRow(proxy_index.row())

    def _bordereau_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.current_run is None:
            return
        source = self.bordereau_proxy.mapToSource(current)
        summary = self.bordereau_model.summary(source.row())
        if summary.code == self.current_bordereau:
            return
        self.current_bordereau = summary.code
        self.ctx.settings.set_text("selection/bordereau", summary.code)
        self.load_lines(self.current_run.run_id, summary.code)

    def load_lines(self, run_id: int, code: str) -> None:
        """Open bordereau ``code``: its first page at once, then every line."""
        self.lines_complete = False
        self._update_validated_banner()
        self._update_review_actions()
        self.view.shown_label.setText(self.tr("Chargement des lignes…"))
        self.ctx.tasks.start(
            lambda ctx: candidate_lines(ctx.uow(), run_id, code, limit=FIRST_PAGE),
            title=self.tr("Chargement du bordereau {code}").format(code=code),
            on_success=lambda lines: self._first_page_ready(run_id, code, lines),
            key=LINES_KEY,
        )

    def _first_page_ready(self, run_id: int, code: str, lines: list[CandidateLine]) -> None:
        if len(lines) < FIRST_PAGE:  # the whole bordereau already
            self._lines_ready(lines, keep_view=False, code=code)
            return
        self.lines_bordereau = code
        self.line_model.set_lines(lines)
        self._update_decision_counts()
        self._update_lines_title()
        self._update_shown_count()
        self._refresh_detail()
        self.first_lines_shown.emit()
        self._load_all_lines(run_id, code)

    def _load_all_lines(self, run_id: int, code: str) -> None:
        self.ctx.tasks.start(
            lambda ctx: candidate_lines(ctx.uow(), run_id, code),
            title=self.tr("Chargement du bordereau {code}").format(code=code),
            on_success=lambda lines: self._lines_ready(lines, True, code),
            key=LINES_KEY,
            show_progress=False,  # the first lines are there; the status line says the rest
        )

    def reload_lines(self) -> None:
        """Read the bordereau shown again (after a derogation), keeping the view."""
        if self.current_run is None or self.current_bordereau is None:
            return
        self.lines_complete = False
        self._update_review_actions()
        self._update_shown_count()
        self._load_all_lines(self.current_run.run_id, self.current_bordereau)

    def _lines_ready(self, lines: list[CandidateLine], keep_view: bool, code: str) -> None:
        state = self.view_state() if keep_view else None
        self.lines_bordereau = code
        self.line_model.set_lines(lines)
        if state is not None:
            self.restore_view_state(state)
        self.lines_complete = True
        self.ctx.tasks.start(
            lambda _ctx: [search_key(line.police, line.customer_name) for line in lines],
            title=self.tr("Préparation de la recherche"),
            on_success=lambda keys: self.line_model.prime_search_keys(lines, keys),
            show_progress=False,
        )
        self._update_decision_counts()
        self._update_lines_title()
        self._update_shown_count()
        self._update_validated_banner()
        self._update_review_actions()
        self._refresh_detail()
        if not keep_view:
            self.first_lines_shown.emit()
        self.lines_loaded.emit()

    # -- keeping the view across a new list ----------------------------------------------
    def view_state(self) -> ViewState:
        table = self.view.lines_table
        model, proxy = self.line_model, self.line_proxy

        def police(index: QModelIndex) -> str | None:
            if not index.isValid():
                return None
            return model.line(proxy.mapToSource(index).row()).police

        selection = table.selectionModel()
        selected = [
            model.line(proxy.mapToSource(index).row()).police for index in selection.selectedRows()
        ]
        return ViewState(
            selected=selected,
            current=police(table.currentIndex()),
            top=police(table.indexAt(QPoint(1, 1))),
            horizontal=table.horizontalScrollBar().value(),
        )

    def restore_view_state(self, state: ViewState) -> None:
        table = self.view.lines_table
        model, proxy = self.line_model, self.line_proxy
        selection_model = table.selectionModel()
        last_column = proxy.columnCount() - 1

        def proxy_row(police: str | None) -> int:
            row = model.row_of(police) if police is not None else -1
            return proxy.mapFromSource(model.index(row, 0)).row() if row >= 0 else -1

        if state.top is not None and (row := proxy_row(state.top)) >= 0:
            table.scrollTo(proxy.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        table.horizontalScrollBar().setValue(state.horizontal)
        if state.current is not None and (row := proxy_row(state.current)) >= 0:
            selection_model.setCurrentIndex(
                proxy.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        selection = QItemSelection()
        for first, last in row_ranges(r for r in map(proxy_row, state.selected) if r >= 0):
            selection.select(proxy.index(first, 0), proxy.index(last, last_column))
        if not selection.isEmpty():
            selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _refresh_detail(self) -> None:
        self._line_chosen(self.view.lines_table.currentIndex(), QModelIndex())

    def _line_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        label = self.view.detail_label
        if not current.isValid():
            label.setText(
                self.tr("Choisissez une ligne pour voir le client, l'adresse et le motif complet.")
            )
            return
        line = self.line_model.line(self.line_proxy.mapToSource(current).row())
        where = line.address or ""
        if line.quartier and line.quartier not in where:
            where += (", " if where else "") + line.quartier
        if line.zone_code:
            where += (" — " if where else "") + self.tr("zone {zone}").format(zone=line.zone_code)
        label.setText(
            self.tr(
                "<b>Police {police} — {name}</b> (client {code}, {category}, {voltage}){where}"
                "<br>Décision : <b>{decision}</b>, {order} — motif : {reason}"
            ).format(
                police=html.escape(line.police),
                name=html.escape(line.customer_name),
                code=html.escape(line.customer_code),
                category=category_label(line.category),
                voltage=line.voltage.value,
                where=f" · {html.escape(where)}" if where else "",
                decision=decision_label(line.decision),
                order=order_kind_label(line.order_kind).lower(),
                reason=html.escape(line.reason),
            )
            + (
                self.tr(
                    "<br><b>Ligne exclue</b> : {reason} — ni lettre ni ordre à la validation."
                ).format(reason=html.escape(line.excluded_reason))
                if line.excluded_reason is not None
                else ""
            )
        )

    # -- filtering -----------------------------------------------------------------
    def _decision_chosen(self, _index: int) -> None:
        self._apply_decision_filter()
        self.ctx.settings.set_text("selection/decision", self.view.decision_combo.currentData())

    def _apply_decision_filter(self) -> None:
        value = self.view.decision_combo.currentData()
        if value == EXCLUDED_FILTER:
            self.line_proxy.set_decision(None, excluded_only=True)
        else:
            self.line_proxy.set_decision(Decision(value) if value else None)
        self._update_shown_count()
        self._update_review_actions()

    def _apply_search(self) -> None:
        self.search_timer.stop()
        self.line_proxy.set_search(self.view.search_edit.text())
        self._update_shown_count()
        self._update_review_actions()

    def _update_decision_counts(self) -> None:
        """The decision filter says how many lines each entry holds (the bordereau's
        counts; excluded lines once the whole list is there)."""
        summary = self._current_summary()
        counts = summary.counts if summary is not None else self.line_model.counts()
        combo = self.view.decision_combo
        for i, decision in enumerate(DECISION_ORDER, start=1):
            combo.setItemText(
                i,
                self.tr("{label} ({count})").format(
                    label=decision_label(decision), count=format_count(counts.get(decision, 0))
                ),
            )
        excluded = combo.findData(EXCLUDED_FILTER)
        combo.setItemText(
            excluded,
            self.tr("Lignes exclues ({count})").format(
                count=format_count(self.line_model.excluded_count())
            )
            if self.lines_complete
            else self.tr("Lignes exclues"),
        )

    def _current_summary(self) -> BordereauSummary | None:
        row = self.bordereau_model.row_of(self.current_bordereau or "")
        return self.bordereau_model.summary(row) if row >= 0 else None

    def _update_shown_count(self) -> None:
        total = self.line_model.total_count
        shown = self.line_proxy.rowCount()
        summary = self._current_summary()
        if not self.lines_complete and total and summary is not None:
            self.view.shown_label.setText(
                self.tr("{shown} sur {total} — chargement des lignes…").format(
                    shown=plural(shown, self.tr("ligne affichée"), self.tr("lignes affichées")),
                    total=format_count(summary.line_count),
                )
            )
            return
        if total == 0:
            self.view.shown_label.clear()
        elif shown == total:
            self.view.shown_label.setText(plural(total, self.tr("ligne"), self.tr("lignes")))
        elif shown == 0:
            self.view.shown_label.setText(
                self.tr("Aucune ligne sur {total} ne correspond aux filtres").format(
                    total=format_count(total)
                )
            )
        else:
            self.view.shown_label.setText(
                self.tr("{shown} sur {total}").format(
                    shown=plural(shown, self.tr("ligne affichée"), self.tr("lignes affichées")),
                    total=format_count(total),
                )
            )

    def _update_lines_title(self) -> None:
        code = self.current_bordereau
        self.view.lines_title.setText(
            self.tr("Lignes du bordereau {code}").format(code=code)
            if code
            else self.tr("Lignes du bordereau")
        )

    # -- review: exclude, restore, derogation, validate, lists ---------------------------
    @property
    def current_validation(self) -> ValidationInfo | None:
        code = self.current_bordereau
        return self.content.validations.get(code) if code else None

    def selected_lines(self) -> list[CandidateLine]:
        """The lines selected in the table, in the table's order."""
        if self.lines_bordereau is None or self.lines_bordereau != self.current_bordereau:
            return []
        proxy, model = self.line_proxy, self.line_model
        rows = sorted(
            proxy.mapToSource(index).row()
            for index in self.view.lines_table.selectionModel().selectedRows()
        )
        return [model.line(row) for row in rows]

    def _review_open(self) -> bool:
        """A bordereau is shown, its lines are in the table, and it is not validated."""
        return (
            self.current_run is not None
            and self.current_bordereau is not None
            and self.lines_bordereau == self.current_bordereau
            and self.current_validation is None
        )

    def _update_review_actions(self) -> None:
        view = self.view
        may_select = self.ctx.may(Action.SELECT)
        may_derogate = self.ctx.may(Action.DEROGATION)
        may_edit = self.ctx.may(Action.EDITION)
        is_open = self._review_open() and not self.review_busy
        validated = self.current_validation is not None
        lines = self.selected_lines()
        frozen = self.tr("Bordereau validé : sa revue est figée.")
        chef_only = self.tr("Réservé au chef section recouvrement.")

        def set_state(target: Any, enabled: bool, tip: str) -> None:
            target.setEnabled(enabled)
            target.setToolTip(tip)

        if not may_select:
            exclude_tip = restore_tip = chef_only
        elif validated:
            exclude_tip = restore_tip = frozen
        else:
            exclude_tip = self.tr(
                "Exclure les lignes sélectionnées, avec un motif (touche Suppr). Elles "
                "n'auront ni lettre ni ordre."
            )
            restore_tip = self.tr("Réintégrer les lignes exclues sélectionnées.")
        set_state(
            view.exclude_action,
            may_select and is_open and any(line.excluded_reason is None for line in lines),
            exclude_tip,
        )
        set_state(
            view.restore_action,
            may_select and is_open and any(line.excluded_reason is not None for line in lines),
            restore_tip,
        )
        exempt = len(lines) == 1 and lines[0].decision is Decision.EXEMPTE
        if not may_derogate:
            derogation_tip = self.tr(
                "Réservé à la Direction Générale : seule la DG peut autoriser la résiliation "
                "d'un client exempté."
            )
        elif validated:
            derogation_tip = frozen
        else:
            derogation_tip = self.tr(
                "Enregistrer la dérogation DG d'une ligne « Exempté » : la ligne est "
                "recalculée et suit alors les règles normales."
            )
        set_state(view.derogation_action, may_derogate and is_open and exempt, derogation_tip)
        too_old = self.run_too_old_text()
        if not may_select:
            validate_tip = chef_only
        elif validated:
            validate_tip = frozen
        elif too_old:
            validate_tip = too_old
        elif not self.lines_complete:
            validate_tip = self.tr("Attendez la fin du chargement des lignes.")
        else:
            validate_tip = self.tr(
                "Crée les lettres de relance et les ordres des lignes confirmées, puis fige la "
                "revue. Une confirmation indique d'abord ce qui sera créé."
            )
        set_state(
            view.validate_button,
            may_select and is_open and self.lines_complete and not too_old,
            validate_tip,
        )
        if not may_edit:
            produce_tip = chef_only
        elif not validated:
            produce_tip = self.tr("Validez d'abord le bordereau : les listes en découlent.")
        else:
            produce_tip = self.tr(
                "Produit les listes à relancer, à résilier et de contrôle (Excel et PDF) et "
                "les archive dans le classeur."
            )
        set_state(
            view.produce_button,
            may_edit and validated and not self.review_busy and self.current_run is not None,
            produce_tip,
        )

    def run_too_old_text(self) -> str:
        """Why the run shown can no longer be validated ("" when it can)."""
        age = self.content.age
        if age is None or not age.too_old:
            return ""
        return self.tr(
            "Ce traitement date du {date} (plus de {days}) : relancez le traitement à la date "
            "du jour avant de valider."
        ).format(date=format_date(age.run_on), days=plural(age.max_age_days, "jour", "jours"))

    def _update_validated_banner(self) -> None:
        banner = self.view.validated_banner
        info = self.current_validation
        if info is None:
            too_old = self.run_too_old_text() if self.current_bordereau else ""
            if too_old:  # the review stays open to read, not to validate
                banner.show_message(
                    "warning",
                    self.tr("<b>Validation impossible.</b> {reason}").format(
                        reason=html.escape(too_old)
                    ),
                    None,
                )
            else:
                banner.clear()
            return
        text = self.tr(
            "<b>Validé par {name} le {when}.</b> La revue de ce bordereau est figée (lecture "
            "seule) : {work}."
        ).format(
            name=html.escape(self.bordereau_model.person(info.validated_by)),
            when=format_datetime(info.validated_at),
            work=work_created(info.letters, info.orders),
        )
        produced = self.content.lists_produced.get(self.current_bordereau or "")
        if produced is not None:
            text += " " + self.tr("Listes produites le {when}.").format(
                when=format_datetime(produced)
            )
        banner.show_message(
            "success", text, self.tr("Ouvrir le classeur") if produced is not None else None
        )

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

    # exclude ------------------------------------------------------------------------------
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

    # derogation ---------------------------------------------------------------------------
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
        self.data_changed.emit()
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

    # validate -----------------------------------------------------------------------------
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
        self.data_changed.emit()
        self._load_run(run, then=lambda r, c: self._validation_shown(r, c, result))

    def _validation_shown(
        self, run: RunSummary, content: RunContent, result: ValidationResult
    ) -> None:
        self._reselect_current_bordereau(run, content)
        self.bordereau_validated.emit(result)

    # lists --------------------------------------------------------------------------------
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
        self.data_changed.emit()
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

    # -- running -----------------------------------------------------------------------
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
        self.data_changed.emit()
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

    # -- words -------------------------------------------------------------------------
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

    def _update_run_status(self, run: RunSummary, rows: list[BordereauSummary]) -> None:
        totals = dict.fromkeys(Decision, 0)
        for summary in rows:
            for decision, count in summary.counts.items():
                totals[decision] += count
        parts = [decision_count(d, totals[d]) for d in DECISION_ORDER if totals[d]]
        self.view.status_label.setText(
            self.tr(
                "Traitement n° {id} du {date} ({agency}), lancé par {user} le {when} : "
                "{lines} dans {bordereaux}{detail}."
            ).format(
                id=run.run_id,
                date=format_date(run.run_on),
                agency=run.agency_code or self.tr("toutes agences"),
                user=run.created_by,
                when=format_datetime(run.created_at),
                lines=plural(run.candidate_count, self.tr("ligne"), self.tr("lignes")),
                bordereaux=plural(len(rows), self.tr("bordereau"), self.tr("bordereaux")),
                detail=(" — " + ", ".join(parts)) if parts else "",
            )
        )

    def _update_stale_banner(self) -> None:
        banner = self.view.stale_banner
        run_on = self.run_date()
        info = self.last_import
        if not self.agencies:
            banner.clear()
            return
        if info is None:
            banner.show_message(
                "warning",
                self.tr(
                    "<b>Attention : aucun import des données n'est enregistré dans cette "
                    "base.</b> Importez l'export du jour de la gestion clientèle avant de "
                    "lancer le traitement : sans les règlements récents, des clients qui "
                    "ont payé risquent d'être résiliés à tort."
                ),
                self.tr("Importer les données…"),
            )
            return
        imported = local_datetime(info.occurred_at)
        if imported.date() < run_on:
            banner.show_message(
                "warning",
                self.tr(
                    "<b>Attention : données antérieures à la date du traitement.</b> "
                    "Le dernier import date du {when}, avant le {date}. Les règlements "
                    "reçus depuis ne sont pas pris en compte : des clients qui ont payé "
                    "risquent d'être résiliés à tort. Importez l'export du jour avant de "
                    "lancer le traitement."
                ).format(when=format_datetime(info.occurred_at), date=format_date(run_on)),
                self.tr("Importer les données…"),
            )
        else:
            banner.clear()

    def save_state(self) -> None:
        settings, view = self.ctx.settings, self.view
        settings.save_header("selection/bordereaux", view.bordereau_table.horizontalHeader())
        settings.save_header("selection/lines", view.lines_table.horizontalHeader())
        settings.save_splitter("selection", view.splitter)
