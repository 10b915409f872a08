"""The Sélection page's state, and how its widgets show it.

The lowest layer of the page (see ``page.py``): what the page holds (the run and
bordereau shown, the lines loaded, the review under way) and the methods that word
it on screen — the banners, the run's status line, the line counts, the detail of
the current line, which review actions are enabled and why. The layers above load,
review and produce lists; each calls these to bring the widgets up to date.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, QTimer
from PySide6.QtWidgets import QMessageBox

from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Action
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.review_dialogs import DerogationDialog, ExclusionDialog
from sbee_desk.gui.dialogs.validation_dialogs import (
    ListsProducedDialog,
    ValidationBox,
    work_created,
)
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
)
from sbee_desk.gui.models.bordereaux import BordereauTableModel
from sbee_desk.gui.models.candidates import CandidateFilterProxy, CandidateTableModel
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.selection.content import RunContent
from sbee_desk.gui.pages.selection.view import SelectionView
from sbee_desk.services.review import ValidationInfo
from sbee_desk.services.selection import BordereauSummary, CandidateLine, ImportInfo, RunSummary

#: data of the decision filter's entry "Lignes exclues"
EXCLUDED_FILTER = "EXCLUE"


class SelectionState(Page):
    """The page's state and its display; no loading, no action here."""

    view: SelectionView

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = SelectionView()
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
        #: a selection is being run
        self.running = False

        self.bordereau_model = BordereauTableModel(self)
        self.bordereau_proxy = QSortFilterProxyModel(self)
        self.bordereau_proxy.setSourceModel(self.bordereau_model)
        self.line_model = CandidateTableModel(self)
        self.line_proxy = CandidateFilterProxy(self)
        self.line_proxy.setSourceModel(self.line_model)
        self.search_timer = QTimer(self)

    # -- the filters' values (date, agency) ------------------------------------------------
    def run_date(self) -> dt.date:
        value = self.view.date_edit.date()
        return dt.date(value.year(), value.month(), value.day())

    def agency(self) -> str | None:
        return self.view.agency_combo.currentData() or None

    # -- the current line's detail ---------------------------------------------------------
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

    # -- counts and titles -----------------------------------------------------------------
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

    # -- review status: what may be done, the validated banner -----------------------------
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

    # -- the run's status line, the data's age ---------------------------------------------
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
