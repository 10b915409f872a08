"""Controller of the Sélection page (step 1): launch a run, review it bordereau by bordereau."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from PySide6.QtCore import QDate, QModelIndex, QObject, QSortFilterProxyModel, Qt, QTimer, Signal

from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Action
from sbee_desk.gui.context import AppContext
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
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import bordereaux as bcols
from sbee_desk.gui.models import candidates as ccols
from sbee_desk.gui.models.bordereaux import BordereauTableModel
from sbee_desk.gui.models.candidates import CandidateFilterProxy, CandidateTableModel
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.selection_view import SelectionView
from sbee_desk.gui.style import decision_icon
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.actor import Actor
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


class SelectionPage(Page):
    key = "selection"
    number = 1
    view: SelectionView

    overview_loaded = Signal()
    run_displayed = Signal()
    lines_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = SelectionView()
        self.agencies: list[tuple[str, str | None]] = []
        self.runs: list[RunSummary] = []
        self.last_import: ImportInfo | None = None
        self.current_run: RunSummary | None = None
        self.current_bordereau: str | None = None
        self._pending_run_id: int | None = None
        self._lines_generation = 0
        self._run_generation = 0
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
        self.line_proxy.modelReset.connect(self._refresh_detail)
        self.line_proxy.layoutChanged.connect(self._refresh_detail)
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

    @property
    def nav_label(self) -> str:
        return self.tr("Sélection")

    # -- loading -----------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
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
        self._run_generation += 1
        self.bordereau_model.set_rows([])
        self.line_model.set_lines([])
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
        self._run_generation += 1
        generation = self._run_generation
        run_id = run.run_id
        self.ctx.tasks.start(
            lambda ctx: bordereau_summaries(ctx.uow(), run_id),
            title=self.tr("Chargement du traitement n° {id}").format(id=run_id),
            on_success=lambda rows: self._bordereaux_ready(generation, run, rows),
        )

    def _bordereaux_ready(
        self, generation: int, run: RunSummary, rows: list[BordereauSummary]
    ) -> None:
        if generation != self._run_generation:
            return
        view = self.view
        self.bordereau_model.set_rows(rows)
        self._update_run_status(run, rows)
        if not rows:
            self.line_model.set_lines([])
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
        self._lines_generation += 1
        generation = self._lines_generation
        self.view.lines_title.setText(
            self.tr("Lignes du bordereau {code} — chargement…").format(code=code)
        )
        self.ctx.tasks.start(
            lambda ctx: candidate_lines(ctx.uow(), run_id, code),
            title=self.tr("Chargement du bordereau {code}").format(code=code),
            on_success=lambda lines: self._lines_ready(generation, lines),
        )

    def _lines_ready(self, generation: int, lines: list[CandidateLine]) -> None:
        if generation != self._lines_generation:
            return
        self.line_model.set_lines(lines)
        self.ctx.tasks.start(
            lambda _ctx: [search_key(line.police, line.customer_name) for line in lines],
            title=self.tr("Préparation de la recherche"),
            on_success=lambda keys: self.line_model.prime_search_keys(lines, keys),
            show_progress=False,
        )
        counts = self.line_model.counts()
        combo = self.view.decision_combo
        for i, decision in enumerate(DECISION_ORDER, start=1):
            combo.setItemText(
                i,
                self.tr("{label} ({count})").format(
                    label=decision_label(decision), count=format_count(counts[decision])
                ),
            )
        self._update_lines_title()
        self._update_shown_count()
        self._line_chosen(self.view.lines_table.currentIndex(), QModelIndex())
        self.lines_loaded.emit()

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
        )

    # -- filtering -----------------------------------------------------------------
    def _decision_chosen(self, _index: int) -> None:
        self._apply_decision_filter()
        self.ctx.settings.set_text("selection/decision", self.view.decision_combo.currentData())

    def _apply_decision_filter(self) -> None:
        value = self.view.decision_combo.currentData()
        self.line_proxy.set_decision(Decision(value) if value else None)
        self._update_shown_count()

    def _apply_search(self) -> None:
        self.search_timer.stop()
        self.line_proxy.set_search(self.view.search_edit.text())
        self._update_shown_count()

    def _update_shown_count(self) -> None:
        total = self.line_model.total_count
        shown = self.line_proxy.rowCount()
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
