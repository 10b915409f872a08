"""The run and the lines the Sélection page shows.

The filters (date, agency, run) choose the run; its bordereaux are read, one is
chosen, and its lines open in two steps: the first :data:`FIRST_PAGE` lines at once,
then the whole list in the background, swapped in keeping the selection and the
scroll position (:class:`ViewState`). The decision filter and the search narrow the
lines shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDate, QItemSelection, QItemSelectionModel, QModelIndex, QPoint, Signal
from PySide6.QtWidgets import QAbstractItemView

from sbee_desk.domain.enums import Decision
from sbee_desk.gui.formatting import format_date, search_key
from sbee_desk.gui.models.base import row_ranges
from sbee_desk.gui.pages.selection.content import RunContent, load_run
from sbee_desk.gui.pages.selection.state import EXCLUDED_FILTER, SelectionState
from sbee_desk.services.selection import CandidateLine, RunSummary, candidate_lines

#: lines shown at once when a bordereau opens, before the whole list is loaded
FIRST_PAGE = 500

#: "latest result wins" keys (TaskRunner): the run shown, the lines of its bordereau
RUN_KEY = "selection/run"
LINES_KEY = "selection/lines"


def qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


@dataclass(frozen=True)
class ViewState:
    """What the lines table showed, by police: kept when a new list is swapped in."""

    selected: list[str]
    current: str | None
    top: str | None
    horizontal: int


class SelectionLines(SelectionState):
    """Loading the run and the lines shown, keeping the view, filtering."""

    #: the run chosen is shown (its bordereaux, the first one opening)
    run_displayed = Signal()
    #: the first lines of the bordereau are shown (the rest may still be loading)
    first_lines_shown = Signal()
    #: every line of the bordereau is loaded and shown
    lines_loaded = Signal()

    # -- the filters (date, agency) and the run shown --------------------------------------
    def _run_by_id(self, run_id: int) -> RunSummary | None:
        return next((r for r in self.runs if r.run_id == run_id), None)

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

    # -- the lines of the bordereau, in two steps ------------------------------------------
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

    # -- keeping the view across a new list ------------------------------------------------
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

    # -- filtering -------------------------------------------------------------------------
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
