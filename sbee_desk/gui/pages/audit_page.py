"""Controller of the Journal d'audit page (read-only for every role).

The chain is verified in the background each time the page is shown (it reads
every event) and its status shown at the top, in green or in red with the first
event at fault. The events come by pages of :data:`DEFAULT_PAGE_SIZE`, newest
first, filtered in SQL by the service; the export writes every event of the
current filters to an Excel workbook, in the background, with progress and
cancel.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, QTimer, Signal

from sbee_desk.domain.permissions import Action
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.errors import UserError
from sbee_desk.gui.file_dialogs import ask_save_file
from sbee_desk.gui.formatting import format_count, format_datetime, plural
from sbee_desk.gui.models import audit as acols
from sbee_desk.gui.models.audit import AuditTableModel, format_moment
from sbee_desk.gui.pages.audit_view import NO_DATE, AuditView
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.audit import ChainStatus
from sbee_desk.services.audit_log import (
    DEFAULT_PAGE_SIZE,
    AuditChoices,
    AuditFilter,
    AuditPage,
    ExportCancelled,
    audit_choices,
    audit_events,
    export_journal,
    verify_journal,
)
from sbee_desk.wording.audit_text import (
    action_choices,
    action_label,
    chain_problem,
    describe_actor,
    describe_change,
    describe_details,
    describe_object,
)

#: typing in a filter field waits this long before reading the journal again
FILTER_DELAY_MS = 300


def _date(edit_date: QDate) -> dt.date | None:
    return None if edit_date == NO_DATE else edit_date.toPython()  # type: ignore[return-value]


class AuditLogPage(Page):
    key = "audit"
    depends_on = Change.ALL  # every change writes its event
    view: AuditView

    #: a page of events is shown
    events_loaded = Signal()
    #: the users and actions offered by the filters are loaded
    choices_loaded = Signal()
    #: the chain was verified (ChainStatus)
    chain_checked = Signal(object)
    #: the export ended: "succeeded", "failed" or "cancelled"
    export_finished = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = AuditView()
        self.model = AuditTableModel(self)
        view.table.setModel(self.model)
        view.table.set_column_widths(
            {  # at 1366 pixels the details keep ~170 pixels; the pane below has it all
                acols.COL_DATE: 120,
                acols.COL_USER: 195,
                acols.COL_ACTION: 185,
                acols.COL_OBJECT: 200,
                acols.COL_CHANGE: 235,
            }
        )
        ctx.settings.restore_header("audit/events", view.table.horizontalHeader())
        ctx.settings.restore_splitter("audit", view.splitter)
        header = view.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(acols.COL_DATE, Qt.SortOrder.DescendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        view.table.selectionModel().currentRowChanged.connect(self._show_detail)

        self.filter = AuditFilter(
            user=ctx.settings.text("audit/user") or None,
            action=ctx.settings.text("audit/action") or None,
        )
        self.offset = 0
        self.total = 0
        self.newest_first = True
        self.chain: ChainStatus | None = None
        self.verifying = False
        self.exporting = False
        self.last_export: Path | None = None
        self._fill_actions(())
        self._fill_users(AuditChoices((), ()))

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filters)
        for edit in (view.date_from, view.date_to):
            edit.dateChanged.connect(self._filters_edited)
        view.user_combo.currentIndexChanged.connect(self._filters_edited)
        view.action_combo.currentIndexChanged.connect(self._filters_edited)
        view.police_edit.textChanged.connect(self._filters_edited)
        view.bordereau_edit.textChanged.connect(self._filters_edited)
        view.clear_button.clicked.connect(self.clear_filters)
        view.newer_button.clicked.connect(self.newer)
        view.older_button.clicked.connect(self.older)
        view.export_button.clicked.connect(self.choose_export_file)
        view.verify_button.clicked.connect(self.verify)
        view.chain_banner.action_clicked.connect(self.verify)
        self._update_buttons()

    @property
    def nav_label(self) -> str:
        return self.tr("Journal d'audit")

    # -- loading -----------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        if self.ctx.actor is None:
            self.model.set_entries([])
            self.view.empty_state.setText(
                self.tr("Le journal s'affiche une fois un utilisateur connecté.")
            )
            self.view.stack.setCurrentWidget(self.view.empty_state)
            return
        actor = self.ctx.actor
        self.verify()
        self.ctx.tasks.start(
            lambda ctx: audit_choices(ctx.uow(), actor),
            title=self.tr("Lecture du journal d'audit"),
            on_success=self._choices_loaded,
        )
        self.load()

    def load(self, offset: int | None = None) -> None:
        """Read the page at ``offset`` (default: the current one) of the current filters."""
        actor = self.ctx.actor
        if actor is None:
            return
        if offset is not None:
            self.offset = max(offset, 0)
        wanted, start = self.filter, self.offset
        newest_first = self.newest_first
        self.view.status_label.setText(self.tr("Lecture du journal…"))

        def read(ctx: TaskContext) -> AuditPage:
            return audit_events(
                ctx.uow(),
                actor,
                date_from=wanted.date_from,
                date_to=wanted.date_to,
                user=wanted.user,
                action=wanted.action,
                police=wanted.police,
                bordereau=wanted.bordereau,
                offset=start,
                limit=DEFAULT_PAGE_SIZE,
                newest_first=newest_first,
            )

        self.ctx.tasks.start(
            read,
            title=self.tr("Lecture du journal d'audit"),
            on_success=self._page_loaded,
            key="audit/page",  # the filters changed meanwhile: only the latest page shows
        )

    def _page_loaded(self, page: AuditPage) -> None:
        if page.total and page.offset >= page.total:  # fewer events than before: last page
            self.load(max(page.total - 1, 0) // DEFAULT_PAGE_SIZE * DEFAULT_PAGE_SIZE)
            return
        view = self.view
        self.total = page.total
        self.offset = page.offset
        self.model.set_entries(page.entries)
        if page.entries:
            view.stack.setCurrentWidget(view.splitter)
            view.table.selectRow(0)
            view.table.scrollToTop()
        else:
            view.empty_state.setText(self._empty_text())
            view.stack.setCurrentWidget(view.empty_state)
            view.detail.clear()
        if page.total:
            view.page_label.setText(
                self.tr("{first} à {last} sur {total}").format(
                    first=format_count(page.offset + 1),
                    last=format_count(page.offset + len(page.entries)),
                    total=plural(page.total, self.tr("événement"), self.tr("événements")),
                )
            )
        else:
            view.page_label.setText(self.tr("Aucun événement"))
        view.status_label.setText(self._status_text())
        self._update_buttons()
        self.events_loaded.emit()

    def _empty_text(self) -> str:
        wanted = self.filter
        if wanted.date_from and wanted.date_to and wanted.date_from > wanted.date_to:
            return self.tr(
                "La date de début est après la date de fin : aucun événement ne peut y "
                "correspondre. Corrigez les dates."
            )
        if wanted == AuditFilter():
            return self.tr("Le journal est vide : aucune action n'a encore été enregistrée.")
        return self.tr(
            "Aucun événement ne correspond à ces filtres. Élargissez les dates ou cliquez "
            "sur « Effacer les filtres »."
        )

    def _status_text(self) -> str:
        if self.filter == AuditFilter():
            return self.tr("Tout le journal, du plus récent au plus ancien.")
        return self.tr("Filtré : {count} sur les critères choisis.").format(
            count=plural(self.total, self.tr("événement"), self.tr("événements"))
        )

    def newer(self) -> None:
        self.load(self.offset - DEFAULT_PAGE_SIZE)

    def older(self) -> None:
        if self.offset + DEFAULT_PAGE_SIZE < self.total:
            self.load(self.offset + DEFAULT_PAGE_SIZE)

    def _header_clicked(self, section: int) -> None:
        header = self.view.table.horizontalHeader()
        if section != acols.COL_DATE:  # the journal is read in time order only
            header.setSortIndicator(
                acols.COL_DATE,
                Qt.SortOrder.DescendingOrder if self.newest_first else Qt.SortOrder.AscendingOrder,
            )
            return
        self.newest_first = not self.newest_first
        header.setSortIndicator(
            acols.COL_DATE,
            Qt.SortOrder.DescendingOrder if self.newest_first else Qt.SortOrder.AscendingOrder,
        )
        self.load(0)

    # -- filters -------------------------------------------------------------------------
    def _fill_users(self, choices: AuditChoices) -> None:
        combo = self.view.user_combo
        # keep what is chosen (perhaps not applied yet), else the saved filter
        chosen = combo.currentData() if combo.count() else self.filter.user
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Tous les utilisateurs"), "")
        logins = [login for login, _name in choices.users]
        for login, name in choices.users:
            combo.addItem(f"{name} ({login})" if name else login, login)
        if chosen and chosen not in logins:
            combo.addItem(chosen, chosen)
        combo.setCurrentIndex(max(combo.findData(chosen or ""), 0))
        combo.blockSignals(False)

    def _fill_actions(self, present: tuple[str, ...]) -> None:
        combo = self.view.action_combo
        chosen = combo.currentData() if combo.count() else self.filter.action
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Toutes les actions"), "")
        choices = action_choices()
        known = {code for code, _label in choices}
        choices += [(c, action_label(c)) for c in present if c not in known]
        for code, label in choices:
            combo.addItem(label, code)
        if chosen and combo.findData(chosen) < 0:
            combo.addItem(action_label(chosen), chosen)
        combo.setCurrentIndex(max(combo.findData(chosen or ""), 0))
        combo.blockSignals(False)

    def _choices_loaded(self, choices: AuditChoices) -> None:
        self._fill_users(choices)
        self._fill_actions(choices.actions)
        self.choices_loaded.emit()

    def _filters_edited(self, *_args: object) -> None:
        self._filter_timer.start()

    def current_filter(self) -> AuditFilter:
        view = self.view
        return AuditFilter(
            date_from=_date(view.date_from.date()),
            date_to=_date(view.date_to.date()),
            user=view.user_combo.currentData() or None,
            action=view.action_combo.currentData() or None,
            police=view.police_edit.text().strip() or None,
            bordereau=view.bordereau_edit.text().strip() or None,
        )

    def _apply_filters(self) -> None:
        wanted = self.current_filter()
        self.ctx.settings.set_text("audit/user", wanted.user or "")
        self.ctx.settings.set_text("audit/action", wanted.action or "")
        if wanted == self.filter:
            return
        self.filter = wanted
        self.load(0)

    def apply_filters_now(self) -> None:
        """Read the journal with the filters as shown, without waiting (tests, Enter)."""
        self._filter_timer.stop()
        self._apply_filters()

    def clear_filters(self) -> None:
        view = self.view
        for widget in (
            view.date_from,
            view.date_to,
            view.user_combo,
            view.action_combo,
            view.police_edit,
            view.bordereau_edit,
        ):
            widget.blockSignals(True)
        view.date_from.setDate(NO_DATE)
        view.date_to.setDate(NO_DATE)
        view.user_combo.setCurrentIndex(0)
        view.action_combo.setCurrentIndex(0)
        view.police_edit.clear()
        view.bordereau_edit.clear()
        for widget in (
            view.date_from,
            view.date_to,
            view.user_combo,
            view.action_combo,
            view.police_edit,
            view.bordereau_edit,
        ):
            widget.blockSignals(False)
        self.apply_filters_now()

    # -- detail ------------------------------------------------------------------------
    def _show_detail(self, current: object, _previous: object) -> None:
        row = self.view.table.currentIndex().row()
        if row < 0 or row >= self.model.rowCount():
            self.view.detail.clear()
            return
        entry = self.model.entry(row)
        lines = [
            self.tr("Événement n° {id} — le {when} — {user}").format(
                id=entry.id, when=format_moment(entry), user=describe_actor(entry)
            ),
            self.tr("Action : {action}").format(action=action_label(entry.action)),
            self.tr("Objet : {object}").format(object=describe_object(entry)),
        ]
        change = describe_change(entry)
        if change:
            lines.append(self.tr("Avant → après :"))
            lines += [f"    {part}" for part in change.split(" ; ")]
        details = describe_details(entry)
        if details:
            lines.append(self.tr("Détails :"))
            lines += [f"    {part}" for part in details.split(" ; ")]
        if self.chain is not None and self.chain.first_broken == entry.id:
            lines.insert(
                0,
                self.tr("⚠ Premier événement en défaut du journal : {problem}.").format(
                    problem=chain_problem(self.chain)
                ),
            )
        self.view.detail.setPlainText("\n".join(lines))

    # -- the chain -----------------------------------------------------------------------
    def verify(self) -> None:
        """Recompute the chain in the background and show its status."""
        actor = self.ctx.actor
        if actor is None or self.verifying:
            return
        self.verifying = True
        self._update_buttons()
        self.view.chain_banner.show_message(
            "info",
            self.tr(
                "<b>Vérification du journal en cours…</b> Les événements restent consultables."
            ),
        )
        self.view.chain_banner.button.setVisible(False)
        task = self.ctx.tasks.start(
            lambda ctx: verify_journal(ctx.uow(), actor),
            title=self.tr("Vérification du journal d'audit"),
            on_success=self._chain_verified,
            show_progress=False,
        )
        task.ended.connect(self._verify_ended)

    def _verify_ended(self) -> None:
        self.verifying = False
        self._update_buttons()

    def _chain_verified(self, status: ChainStatus) -> None:
        self.chain = status
        banner = self.view.chain_banner
        checked = format_datetime(dt.datetime.now(dt.UTC))
        if status.ok:
            banner.show_message(
                "success",
                self.tr(
                    "<b>Journal intègre : {count}</b> (chaînage complet, vérifié le {when})."
                ).format(
                    count=plural(
                        status.events, self.tr("événement vérifié"), self.tr("événements vérifiés")
                    ),
                    when=checked,
                ),
                self.tr("Vérifier à nouveau"),
            )
            self.model.set_broken(None)
            self.badge = ""
            self.badge_tip = self.tr("Journal intègre")
        else:
            banner.show_message(
                "error",
                self.tr(
                    "<b>Journal ALTÉRÉ : premier événement en défaut n° {id}</b> — {problem}. "
                    "Le journal a été modifié directement dans la base, hors du logiciel : "
                    "prévenez le contrôle (DIG / DAI). Vérifié le {when}."
                ).format(
                    id=status.first_broken, problem=html.escape(chain_problem(status)), when=checked
                ),
                self.tr("Vérifier à nouveau"),
            )
            self.model.set_broken(status.first_broken)
            self.badge = self.tr("altéré")
            self.badge_tip = self.tr("Journal altéré : premier événement en défaut n° {id}").format(
                id=status.first_broken
            )
        self.badge_changed.emit()
        self.chain_checked.emit(status)

    def chain_text(self) -> str:
        """The status line as the user reads it (plain text)."""
        return self.view.chain_banner.label.text().replace("<b>", "").replace("</b>", "")

    # -- export --------------------------------------------------------------------------
    def _start_folder(self) -> Path:
        saved = self.ctx.settings.text("audit/last_folder")
        return Path(saved) if saved and Path(saved).is_dir() else Path.home()

    def choose_export_file(self) -> None:
        name = f"journal-audit-{dt.date.today():%Y-%m-%d}.xlsx"
        ask_save_file(
            self.view,
            self.tr("Exporter le journal d'audit"),
            str(self._start_folder() / name),
            self.tr("Classeurs Excel (*.xlsx)"),
            lambda path: self.export_to(Path(path)),
        )

    def export_to(self, path: Path) -> None:
        """Write every event of the current filters to ``path`` (background, cancellable)."""
        actor = self.ctx.actor
        if actor is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.ctx.settings.set_text("audit/last_folder", str(path.parent))
        wanted = self.current_filter()
        self.exporting = True
        self._update_buttons()

        def run(ctx: TaskContext) -> int:
            try:
                return export_journal(
                    ctx.uow(),
                    actor,
                    wanted,
                    path,
                    progress=ctx.progress,
                    cancelled=ctx.cancelled,
                )
            except OSError as exc:
                raise UserError(
                    self.tr(
                        "Impossible d'écrire le fichier « {path} » : {reason}. Choisissez un "
                        "autre dossier ou fermez le fichier s'il est ouvert dans Excel."
                    ).format(path=str(path), reason=exc.strerror or exc)
                ) from exc

        task = self.ctx.tasks.start(
            run,
            title=self.tr("Export du journal d'audit"),
            on_success=lambda count: self._exported(path, count),
            on_error=lambda _exc: self._export_failed(),
            on_cancelled=self._export_cancelled,
            cancellable=True,
            cancel_exceptions=(ExportCancelled,),
        )
        task.ended.connect(self._export_ended)

    def _exported(self, path: Path, count: int) -> None:
        self.last_export = path
        text = self.tr("Journal exporté : {count} dans « {path} ».").format(
            count=plural(count, self.tr("événement"), self.tr("événements")), path=str(path)
        )
        self.view.status_label.setText(text)
        self.message.emit(text)
        self.export_finished.emit("succeeded")

    def _export_failed(self) -> bool:
        self.export_finished.emit("failed")
        return False  # the error dialog says why

    def _export_cancelled(self) -> None:
        self.view.status_label.setText(self.tr("Export annulé : aucun fichier n'a été écrit."))
        self.export_finished.emit("cancelled")

    def _export_ended(self) -> None:
        self.exporting = False
        self._update_buttons()

    # -- state ---------------------------------------------------------------------------
    def actor_changed(self) -> None:
        self.mark_stale()
        self._update_buttons()

    def _update_buttons(self) -> None:
        view = self.view
        may_read = self.ctx.actor is not None and self.ctx.may(Action.READ)
        view.export_button.setEnabled(may_read and not self.exporting and self.total > 0)
        view.verify_button.setEnabled(may_read and not self.verifying)
        view.newer_button.setEnabled(self.offset > 0)
        view.older_button.setEnabled(self.offset + DEFAULT_PAGE_SIZE < self.total)

    def save_state(self) -> None:
        self.ctx.settings.save_header("audit/events", self.view.table.horizontalHeader())
        self.ctx.settings.save_splitter("audit", self.view.splitter)
