"""Controller of the Données page: import a CSV folder or a workbook in the background."""

from __future__ import annotations

import csv
import html
from pathlib import Path

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QGuiApplication

from sbee_desk.domain.permissions import Action
from sbee_desk.gui import errors
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.errors import UserError
from sbee_desk.gui.file_dialogs import ask_directory, ask_open_file, ask_save_file
from sbee_desk.gui.formatting import format_count, format_datetime, plural
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models import imports as icols
from sbee_desk.gui.models.imports import ImportCountsModel, ImportProblemsModel
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.data_view import DataView
from sbee_desk.gui.widgets import table_text
from sbee_desk.services.actor import Actor
from sbee_desk.services.importing import (
    ImportCancelled,
    ImportFailed,
    ImportResult,
    import_export,
)
from sbee_desk.services.r7 import summary as r7_summary
from sbee_desk.services.selection import ImportInfo, last_import


class DataPage(Page):
    key = "data"
    depends_on = Change.EXPORT
    view: DataView

    #: an import ended: "succeeded", "failed" or "cancelled"
    import_finished = Signal(str)
    last_import_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = DataView()
        self.last_path: Path | None = None

        self.counts_model = ImportCountsModel(self)
        self.counts_proxy = QSortFilterProxyModel(self)
        self.counts_proxy.setSourceModel(self.counts_model)
        self.counts_proxy.setSortRole(SORT_ROLE)
        view.counts_table.setModel(self.counts_proxy)
        view.counts_table.set_column_widths({icols.COUNT_COL_TABLE: 180})
        for column in range(1, 5):
            view.counts_table.setColumnWidth(column, 120)
        view.counts_table.sortByColumn(icols.COUNT_COL_TABLE, Qt.SortOrder.AscendingOrder)
        view.counts_table.horizontalHeader().setStretchLastSection(False)

        self.problems_model = ImportProblemsModel(self)
        self.problems_proxy = QSortFilterProxyModel(self)
        self.problems_proxy.setSourceModel(self.problems_model)
        self.problems_proxy.setSortRole(SORT_ROLE)
        view.problems_table.setModel(self.problems_proxy)
        view.problems_table.set_column_widths(
            {
                icols.PROBLEM_COL_TABLE: 120,
                icols.PROBLEM_COL_LINE: 70,
                icols.PROBLEM_COL_COLUMN: 150,
            }
        )
        ctx.settings.restore_header("data/problems", view.problems_table.horizontalHeader())
        view.problems_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

        self._banner_target: str | None = None
        view.banner.action_clicked.connect(self._banner_action)
        view.folder_button.clicked.connect(self.choose_folder)
        view.workbook_button.clicked.connect(self.choose_workbook)
        view.copy_button.clicked.connect(self.copy_problems)
        view.save_button.clicked.connect(self.choose_problems_file)
        self.importing = False

    @property
    def nav_label(self) -> str:
        return self.tr("Données")

    # -- last import -----------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.ctx.tasks.start(
            lambda ctx: last_import(ctx.uow()),
            title=self.tr("Lecture du dernier import"),
            on_success=self._last_import_ready,
        )

    def _last_import_ready(self, info: ImportInfo | None) -> None:
        if info is None:
            self.view.last_import_label.setText(self.tr("Aucun import enregistré dans cette base"))
            self.badge_tip = self.tr("Aucun import enregistré")
        else:
            text = self.tr("Dernier import : le {when} par {user}").format(
                when=format_datetime(info.occurred_at), user=info.actor
            )
            self.view.last_import_label.setText(text)
            self.badge_tip = text
        self.badge_changed.emit()
        self.last_import_loaded.emit()

    # -- choosing ----------------------------------------------------------------------
    def _start_folder(self) -> str:
        saved = self.ctx.settings.text("data/last_folder")
        return saved if saved and Path(saved).exists() else str(Path.home())

    def choose_folder(self) -> None:
        ask_directory(
            self.view,
            self.tr("Dossier des fichiers CSV de l'export"),
            self._start_folder(),
            lambda folder: self.import_path(Path(folder)),
        )

    def choose_workbook(self) -> None:
        ask_open_file(
            self.view,
            self.tr("Classeur Excel de l'export"),
            self._start_folder(),
            self.tr("Classeurs Excel (*.xlsx)"),
            lambda path: self.import_path(Path(path)),
        )

    # -- importing ---------------------------------------------------------------------
    def import_path(self, path: Path) -> None:
        """Import ``path`` (CSV folder or .xlsx) in the background, with progress and cancel."""
        self.ctx.with_actor(lambda actor: self._import_as(actor, path))

    def _import_as(self, actor: Actor, path: Path) -> None:
        self.last_path = path
        folder = path if path.is_dir() else path.parent
        self.ctx.settings.set_text("data/last_folder", str(folder))
        self.view.status_label.setText(
            self.tr("Import de « {path} » en cours…").format(path=str(path))
        )
        self.importing = True
        self._update_buttons()
        task = self.ctx.tasks.start(
            lambda ctx: import_export(
                ctx.uow(), actor, path, progress=ctx.progress, cancelled=ctx.cancelled
            ),
            title=self.tr("Import des données"),
            on_success=self._imported,
            on_error=self._import_failed,
            on_cancelled=self._import_cancelled,
            cancellable=True,
            cancel_exceptions=(ImportCancelled,),
        )
        task.ended.connect(self._import_ended)

    def _import_ended(self) -> None:
        self.importing = False
        self._update_buttons()

    def _imported(self, result: ImportResult) -> None:
        view = self.view
        self.counts_model.set_counts(result.counts)
        totals = self.counts_model.totals()
        message = self.tr(
            "<b>Import terminé.</b> {inserted}, {updated}, {unchanged}. "
            "Les données sont prêtes pour la sélection."
        ).format(
            inserted=plural(totals.inserted, self.tr("ligne ajoutée"), self.tr("lignes ajoutées")),
            updated=plural(totals.updated, self.tr("mise à jour"), self.tr("mises à jour")),
            unchanged=plural(totals.unchanged, self.tr("inchangée"), self.tr("inchangées")),
        )
        if result.r7_cancelled:
            # restorations and payments of this import ended some procedures (R7)
            message += "<br>" + self.tr(
                "{r7} Les documents déjà produits sont barrés dans « 2 Édition et impression »."
            ).format(r7=html.escape(r7_summary(result.r7_cancelled)))
        view.banner.show_message(
            "warning" if result.r7_cancelled else "success",
            message,
            self.tr("Aller à la sélection"),
        )
        self._banner_target = "selection"
        view.warnings_list.clear()
        view.warnings_list.addItems(result.warnings)
        view.warnings_title.setVisible(bool(result.warnings))
        view.warnings_list.setVisible(bool(result.warnings))
        view.stack.setCurrentWidget(view.counts_page)
        files = ", ".join(name for name, _digest in result.files)
        view.status_label.setText(
            self.tr("Fichiers lus : {files}.").format(files=files) if files else ""
        )
        self.data_changed.emit(Change.EXPORT | Change.EDITION)  # R7 after the import
        self.refresh()
        self.import_finished.emit("succeeded")

    def _import_failed(self, exc: BaseException) -> bool:
        if not isinstance(exc, ImportFailed):
            self.view.status_label.clear()
            self.import_finished.emit("error")
            return False
        view = self.view
        self._banner_target = None
        self.problems_model.set_problems(exc.problems)
        view.problems_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.problems_proxy.sort(-1)
        count = exc.total  # all found, not only the 200 listed (#12)
        view.banner.show_message(
            "error",
            self.tr(
                "<b>Import refusé : rien n'a été enregistré dans la base.</b> {problems} "
                "dans « {path} ». Corrigez le fichier puis relancez l'import."
            ).format(
                problems=plural(count, self.tr("problème trouvé"), self.tr("problèmes trouvés")),
                path=html.escape(str(self.last_path or "")),
            ),
        )
        view.stack.setCurrentWidget(view.problems_page)
        view.status_label.setText(
            self.tr("Copiez la liste (Ctrl+C) ou enregistrez-la en CSV pour la transmettre.")
        )
        self.import_finished.emit("failed")
        return True

    def _import_cancelled(self) -> None:
        self._banner_target = None
        self.view.banner.show_message(
            "info",
            self.tr("<b>Import annulé.</b> Rien n'a été enregistré dans la base."),
        )
        self.view.status_label.clear()
        self.import_finished.emit("cancelled")

    def _banner_action(self) -> None:
        if self._banner_target:
            self.navigate.emit(self._banner_target)

    def actor_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        allowed = self.ctx.may(Action.IMPORT)
        tip = (
            ""
            if allowed
            else self.tr("Réservé au chef section recouvrement et à l'administrateur.")
        )
        for button in (self.view.folder_button, self.view.workbook_button):
            button.setEnabled(allowed and not self.importing)
            button.setToolTip(tip)

    # -- the problem list ----------------------------------------------------------------
    def copy_problems(self) -> str:
        text = table_text(self.problems_proxy)
        QGuiApplication.clipboard().setText(text)
        self.message.emit(
            self.tr("{count} dans le presse-papiers.").format(
                count=plural(
                    self.problems_model.rowCount(),
                    self.tr("problème copié"),
                    self.tr("problèmes copiés"),
                )
            )
        )
        return text

    def choose_problems_file(self) -> None:
        start = Path(self._start_folder()) / "problemes-import.csv"
        ask_save_file(
            self.view,
            self.tr("Enregistrer la liste des problèmes"),
            str(start),
            self.tr("Fichiers CSV (*.csv)"),
            lambda path: self.save_problems(Path(path)),
        )

    def save_problems(self, path: Path) -> None:
        """Write the problems as CSV (``;``, UTF-8 with BOM: opens as is in Excel)."""
        if path.suffix.lower() != ".csv":
            path = path.with_suffix(".csv")
        temp = path.with_name(path.name + ".tmp")
        headers = [self.tr("Table"), self.tr("Ligne"), self.tr("Colonne"), self.tr("Message")]
        try:
            with temp.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, delimiter=";")
                writer.writerow(headers)
                for problem in self.problems_model.problems:
                    writer.writerow([problem.table, problem.line, problem.column, problem.message])
            temp.replace(path)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            errors.show_error(
                self.view,
                UserError(
                    self.tr(
                        "Impossible d'écrire le fichier « {path} » : {reason}. "
                        "Choisissez un autre dossier."
                    ).format(path=str(path), reason=exc.strerror or exc)
                ),
                self.tr("Enregistrement de la liste des problèmes"),
            )
            return
        self.message.emit(
            self.tr("Liste des problèmes enregistrée dans {path} ({count}).").format(
                path=str(path), count=format_count(self.problems_model.rowCount())
            )
        )

    def save_state(self) -> None:
        self.ctx.settings.save_header("data/problems", self.view.problems_table.horizontalHeader())
