"""The Classeur page: the register of every file archived (issue #5, part 3; #16).

Each list à relancer, à résilier and de contrôle produced from the Sélection page,
each list handed off to the apurement and the contentieux (page « Résiliations »,
reprints as copies) and each return file for the gestion clientèle is kept in the
database with its SHA-256 (services.classeur reads the three registers as one).
Here the user finds them again (filters by type, bordereau and period, search),
reopens one (the archived bytes, written to a temporary file and opened with the
system's program), saves a copy, or checks that a copy found on a desk or a USB key
is still the archived file.
"""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import stat
import tempfile
import weakref
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from sbee_desk.domain.enums import ListKind
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.errors import UserError
from sbee_desk.gui.fields import find_shortcut, status_label
from sbee_desk.gui.file_dialogs import ask_open_file, ask_save_file
from sbee_desk.gui.formatting import plural
from sbee_desk.gui.models import archive as acols
from sbee_desk.gui.models.archive import (
    ArchiveFilterProxy,
    ArchiveTableModel,
    empty_label,
    kind_label,
    period_label,
    period_of,
    source_label,
)
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.gui.widgets import Banner, DataTable, EmptyState, PageView, row_layout
from sbee_desk.services.actor import Actor
from sbee_desk.services.classeur import (
    ArchiveSource,
    RegisterEntry,
    archive_register,
    archived_content,
    check_copy,
    save_copy,
)

#: the search filters as you type, once typing pauses this long
SEARCH_DELAY_MS = 150


def remove_tree(folder: str) -> None:
    """Delete the temporary folder of reopened lists (read-only files included); a
    file still open in another program (Windows) is left for the system to clean."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), stat.S_IWRITE | stat.S_IREAD)
    shutil.rmtree(folder, ignore_errors=True)


#: every column fits at 1366×768 (the last, Vérification, takes the rest)
COLUMN_WIDTHS = {
    acols.COL_KIND: 85,
    acols.COL_FORMAT: 50,
    acols.COL_BORDEREAU: 120,
    acols.COL_REFERENCE: 135,
    acols.COL_DATE: 130,
    acols.COL_USER: 115,
    acols.COL_FILE: 225,
    acols.COL_COPY: 45,
    acols.COL_SHA: 100,
}


class ArchiveView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("Classeur — listes et fichiers archivés"),
            self.tr(
                "Chaque fichier produit est archivé ici avec son empreinte SHA-256 : listes "
                "de sélection (à relancer, à résilier, de contrôle), listes transmises à "
                "l'apurement et au contentieux, fichiers retour pour la gestion clientèle. "
                "Rouvrez-le, enregistrez-en une copie, ou vérifiez qu'une copie n'a pas été "
                "modifiée depuis sa production."
            ),
        )

        toolbar = row_layout()
        self.open_button = QPushButton(self.tr("Ouvrir"))
        self.open_button.setObjectName("primary")
        self.save_button = QPushButton(self.tr("Enregistrer une copie…"))
        self.save_button.setObjectName("saveCopy")
        self.check_button = QPushButton(self.tr("Vérifier une copie…"))
        self.check_button.setObjectName("checkCopy")
        toolbar.addWidget(self.open_button)
        toolbar.addWidget(self.save_button)
        toolbar.addWidget(self.check_button)
        toolbar.addStretch(1)
        self.shown_label = QLabel()
        self.shown_label.setObjectName("shownCount")
        toolbar.addWidget(self.shown_label)  # the filters' row is full at 1100 px
        layout.addLayout(toolbar)

        filters = row_layout()
        self.kind_label = QLabel(self.tr("Type :"))
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindFilter")
        self.kind_combo.addItem(self.tr("Tous les fichiers"), "")
        for source in ArchiveSource:
            self.kind_combo.addItem(source_label(source), source.value)
            if source is ArchiveSource.LISTS:  # its three kinds, under it
                for kind in ListKind:
                    self.kind_combo.addItem("    " + kind_label(kind), kind.value)
        self.kind_label.setBuddy(self.kind_combo)
        self.period_label = QLabel(self.tr("Période :"))
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodFilter")
        self.period_combo.setToolTip(self.tr("Les fichiers produits cette année, ce mois"))
        self.period_combo.setMinimumContentsLength(14)  # « septembre 2026 »
        self.period_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.period_label.setBuddy(self.period_combo)
        self.bordereau_label = QLabel(self.tr("Bordereau :"))
        self.bordereau_combo = QComboBox()
        self.bordereau_combo.setObjectName("bordereauFilter")
        self.bordereau_combo.setMinimumContentsLength(14)
        self.bordereau_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.bordereau_label.setBuddy(self.bordereau_combo)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText(
            self.tr("Rechercher un fichier, un bordereau, un n°, un utilisateur (Ctrl+F)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(150)  # grows with the window (1366: whole placeholder)
        self.search_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        filters.addWidget(self.kind_label)
        filters.addWidget(self.kind_combo)
        filters.addSpacing(8)
        filters.addWidget(self.period_label)
        filters.addWidget(self.period_combo)
        filters.addSpacing(8)
        filters.addWidget(self.bordereau_label)
        filters.addWidget(self.bordereau_combo)
        filters.addSpacing(8)
        filters.addWidget(self.search_edit, 1)
        layout.addLayout(filters)

        self.check_banner = Banner()
        self.check_banner.setObjectName("checkBanner")
        layout.addWidget(self.check_banner)

        self.stack = QStackedWidget()
        self.empty_state = EmptyState()
        self.table = DataTable()
        self.table.setObjectName("register")
        self.table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)

        self.status_label = status_label()
        layout.addWidget(self.status_label)

        self.find_shortcut = find_shortcut(self, self.search_edit)

    def show_empty(self, text: str) -> None:
        self.empty_state.setText(text)
        self.stack.setCurrentWidget(self.empty_state)

    def show_table(self) -> None:
        self.stack.setCurrentWidget(self.table)


class ArchivePage(Page):
    key = "archive"
    depends_on = Change.LISTS
    view: ArchiveView

    #: the register was read and is shown
    register_loaded = Signal()
    #: an archived list was written to this temporary file and handed to the system
    opened = Signal(str)
    #: a copy was saved (its path)
    copy_saved = Signal(str)
    #: a copy was checked (entry id, path, matches)
    copy_checked = Signal(int, str, bool)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = ArchiveView()
        self.model = ArchiveTableModel(self)
        self.proxy = ArchiveFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        view.table.setModel(self.proxy)
        view.table.set_column_widths(COLUMN_WIDTHS)
        header = view.table.horizontalHeader()
        ctx.settings.restore_header("archive/register", header)
        view.table.sortByColumn(acols.COL_DATE, Qt.SortOrder.DescendingOrder)
        self._temp: str | None = None

        saved_kind = ctx.settings.text("archive/kind")
        view.kind_combo.setCurrentIndex(max(view.kind_combo.findData(saved_kind), 0))
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply_filters)
        view.kind_combo.currentIndexChanged.connect(self._kind_chosen)
        view.bordereau_combo.currentIndexChanged.connect(self._apply_filters)
        view.period_combo.currentIndexChanged.connect(self._apply_filters)
        view.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        view.search_edit.returnPressed.connect(self._apply_filters)
        view.open_button.clicked.connect(self.open_selected)
        view.save_button.clicked.connect(self.save_selected)
        view.check_button.clicked.connect(self.check_selected)
        view.table.activated.connect(lambda _index: self.open_selected())  # Entrée, double-clic
        view.table.selectionModel().selectionChanged.connect(self._update_actions)
        for signal in (self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._update_actions)
        self.proxy.rowsInserted.connect(self._update_actions)
        self.proxy.rowsRemoved.connect(self._update_actions)
        view.show_empty(self.tr("Chargement…"))
        self._update_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Classeur (fichiers archivés)")

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        actor = self.ctx.actor
        self.ctx.tasks.start(
            lambda ctx: archive_register(ctx.uow(), actor=actor),
            title=self.tr("Lecture du classeur"),
            on_success=self._register_ready,
            key="archive/register",
        )

    def _register_ready(self, entries: list[RegisterEntry]) -> None:
        current = self.current_entry()
        self.model.set_entries(entries)
        self._fill_bordereaux(entries)
        self._fill_periods(entries)
        self._apply_filters()
        if not entries:
            self.view.show_empty(
                self.tr(
                    "Le classeur est vide. Les listes d'un bordereau y sont archivées quand "
                    "vous les produisez : page « Sélection », bordereau validé, « Produire "
                    "les listes… » ; les listes pour l'apurement et le contentieux, à leur "
                    "transmission (page « Résiliations ») ; les fichiers retour pour la "
                    "gestion clientèle, quand vous les produisez."
                )
            )
        else:
            self.view.show_table()
            if current is not None:
                self.select_entry(current)
        self._update_status()
        self._update_actions()
        self.register_loaded.emit()

    def _fill_bordereaux(self, entries: list[RegisterEntry]) -> None:
        combo = self.view.bordereau_combo
        wanted = combo.currentData() if combo.count() else ""
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Tous les bordereaux"), "")
        for code in sorted({entry.bordereau_code for entry in entries} - {""}):
            combo.addItem(code, code)
        combo.setCurrentIndex(max(combo.findData(wanted or ""), 0))
        combo.blockSignals(False)

    def _fill_periods(self, entries: list[RegisterEntry]) -> None:
        """Every year with a file (« Année 2026 »), newest first, each followed by its
        months (« décembre 2026 »: not indented, so that the combo shows it whole)."""
        combo = self.view.period_combo
        wanted = combo.currentData() if combo.count() else ""
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Toutes les dates"), "")
        months = sorted({period_of(entry) for entry in entries}, reverse=True)
        for year in sorted({month[:4] for month in months}, reverse=True):
            combo.addItem(period_label(year), year)
            for month in months:
                if month.startswith(year):
                    combo.addItem(period_label(month), month)
        combo.setCurrentIndex(max(combo.findData(wanted or ""), 0))
        combo.blockSignals(False)

    # -- filters ---------------------------------------------------------------------------
    def _kind_chosen(self, _index: int) -> None:
        self.ctx.settings.set_text("archive/kind", self.view.kind_combo.currentData() or "")
        self._apply_filters()

    def _apply_filters(self) -> None:
        self.search_timer.stop()
        view = self.view
        wanted = view.kind_combo.currentData() or ""
        kinds = {kind.value: kind for kind in ListKind}
        sources = {source.value: source for source in ArchiveSource}
        self.proxy.set_filters(
            kinds.get(wanted),
            view.bordereau_combo.currentData() or None,
            view.search_edit.text(),
            source=sources.get(wanted),
            period=view.period_combo.currentData() or None,
        )
        self._update_shown_count()
        self._update_actions()

    def _update_shown_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.view.shown_label.clear()
        elif shown == total:
            self.view.shown_label.setText(plural(total, self.tr("entrée"), self.tr("entrées")))
        else:
            self.view.shown_label.setText(
                self.tr("{shown} sur {total}").format(
                    shown=plural(shown, self.tr("entrée affichée"), self.tr("entrées affichées")),
                    total=total,
                )
            )

    def _update_status(self) -> None:
        entries = self.model.entries
        if not entries:
            self.view.status_label.clear()
            return
        lists = [entry for entry in entries if entry.source is ArchiveSource.LISTS]
        handoffs = [
            entry
            for entry in entries
            if entry.source in (ArchiveSource.APUREMENT, ArchiveSource.CONTENTIEUX)
        ]
        returns = [entry for entry in entries if entry.source is ArchiveSource.GC_RETURN]
        parts = []
        if lists:
            parts.append(self._lists_status(lists))
        if handoffs:
            text = self.tr("{files} pour l'apurement et le contentieux ({handoffs})").format(
                files=plural(
                    len(handoffs), self.tr("fichier transmis"), self.tr("fichiers transmis")
                ),
                handoffs=plural(
                    len({entry.reference for entry in handoffs}),
                    self.tr("transmission"),
                    self.tr("transmissions"),
                ),
            )
            copies = sum(entry.is_copy for entry in handoffs)
            if copies:
                text += self.tr(", dont {copies}").format(
                    copies=plural(copies, self.tr("réimpression"), self.tr("réimpressions"))
                )
            parts.append(text)
        if returns:
            parts.append(
                plural(
                    len(returns),
                    self.tr("fichier retour pour la gestion clientèle"),
                    self.tr("fichiers retour pour la gestion clientèle"),
                )
            )
        self.view.status_label.setText(" ; ".join(parts) + ".")

    def _lists_status(self, entries: list[RegisterEntry]) -> str:
        bordereaux = {entry.bordereau_code for entry in entries}
        files = [entry for entry in entries if entry.has_file]
        copies = sum(entry.is_copy for entry in files)
        empty = len(entries) - len(files)
        text = self.tr("{files} pour {bordereaux}").format(
            files=plural(len(files), self.tr("fichier archivé"), self.tr("fichiers archivés")),
            bordereaux=plural(len(bordereaux), self.tr("bordereau"), self.tr("bordereaux")),
        )
        if copies:
            text += self.tr(", dont {copies}").format(
                copies=plural(
                    copies,
                    self.tr("copie (liste produite à nouveau)"),
                    self.tr("copies (listes produites à nouveau)"),
                )
            )
        if empty:
            text += self.tr(" ; {lists}, sans fichier").format(
                lists=plural(empty, self.tr("liste sans ligne"), self.tr("listes sans ligne"))
            )
        return text

    # -- selection -------------------------------------------------------------------------
    def current_entry(self) -> RegisterEntry | None:
        index = self.view.table.currentIndex()
        if not index.isValid() or not self.view.table.selectionModel().isRowSelected(
            index.row(), QModelIndex()
        ):
            return None
        return self.model.entry(self.proxy.mapToSource(index).row())

    def select_entry(self, entry: RegisterEntry | tuple[str, int] | int) -> bool:
        """Select a file: the entry, its key, or the id of a list of step 1."""
        row = self.model.row_of(entry)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.table.setCurrentIndex(index)
        self.view.table.selectRow(index.row())
        return True

    def _update_actions(self, *_args: object) -> None:
        entry = self.current_entry()
        chosen = entry is not None and entry.has_file
        view = self.view
        for button in (view.open_button, view.save_button, view.check_button):
            button.setEnabled(chosen)
        tip = "" if chosen else self.tr("Choisissez d'abord un fichier dans le classeur.")
        if entry is not None and not entry.has_file:
            tip = self.tr("« {what} » : cette liste n'avait aucune ligne, aucun fichier.").format(
                what=empty_label(entry.kind)
            )
        view.open_button.setToolTip(
            tip or self.tr("Ouvre le fichier archivé avec le programme du poste (Excel, PDF).")
        )
        view.save_button.setToolTip(
            tip or self.tr("Écrit une copie exacte du fichier archivé où vous voulez.")
        )
        view.check_button.setToolTip(
            tip
            or self.tr(
                "Choisissez un fichier : le logiciel dit s'il est identique au fichier "
                "archivé (même empreinte SHA-256)."
            )
        )

    # -- actions ---------------------------------------------------------------------------
    def _temporary_folder(self) -> Path:
        """One folder per session for the lists reopened, deleted at the end."""
        if self._temp is None:
            self._temp = tempfile.mkdtemp(prefix="sbee-classeur-")
            weakref.finalize(self, remove_tree, self._temp)
        return Path(self._temp)

    def open_selected(self) -> None:
        """« Ouvrir »: the archived bytes (checked against their SHA-256) in a read-only
        temporary file, opened with the workstation's program."""
        entry = self.current_entry()
        if entry is None or not entry.has_file:
            return
        folder = self._temporary_folder()
        entry_id, source = entry.entry_id, entry.source

        def write(ctx: TaskContext) -> str:
            name, content = archived_content(ctx.uow(), entry_id, source)
            target = Path(tempfile.mkdtemp(prefix=f"{entry_id}-", dir=folder)) / name
            target.write_bytes(content)
            os.chmod(target, stat.S_IREAD | stat.S_IRGRP | stat.S_IROTH)
            return str(target)

        self.ctx.tasks.start(
            write,
            title=self.tr("Ouverture de {name}").format(name=entry.file_name),
            on_success=self._open_file,
        )

    def _open_file(self, path: str) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            raise UserError(
                self.tr(
                    "Aucun programme du poste ne sait ouvrir « {name} ». Enregistrez-en une "
                    "copie et ouvrez-la avec le programme voulu."
                ).format(name=Path(path).name)
            )
        self.message.emit(self.tr("{name} ouvert (copie temporaire).").format(name=Path(path).name))
        self.opened.emit(path)

    def save_selected(self) -> None:
        """« Enregistrer une copie… »: an exact copy where the user chooses, audited."""
        entry = self.current_entry()
        if entry is None or not entry.has_file:
            return
        start = Path(self.ctx.settings.text("archive/folder") or str(Path.home()))
        file_filter = {
            "xlsx": self.tr("Classeur Excel (*.xlsx)"),
            "csv": self.tr("Fichier CSV (*.csv)"),
        }.get(entry.file_format, self.tr("Document PDF (*.pdf)"))
        title = (
            self.tr("Enregistrer une copie du fichier retour")
            if entry.source is ArchiveSource.GC_RETURN
            else self.tr("Enregistrer une copie de la liste")
        )
        ask_save_file(
            self.view,
            title,
            str(start / entry.file_name),
            file_filter,
            lambda path: self._save_copy_to(entry, path),
        )

    def _save_copy_to(self, entry: RegisterEntry, path: str) -> None:
        self.ctx.settings.set_text("archive/folder", str(Path(path).parent))
        entry_id, source = entry.entry_id, entry.source

        def start_copy(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: str(save_copy(ctx.uow(), actor, entry_id, Path(path), source)),
                title=self.tr("Enregistrement d'une copie"),
                on_success=self._copy_saved,
            )

        self.ctx.with_actor(start_copy)

    def _copy_saved(self, path: str) -> None:
        self.view.check_banner.show_message(
            "info",
            self.tr("<b>Copie enregistrée</b> : « {path} ».").format(path=html.escape(path)),
        )
        self.message.emit(self.tr("Copie enregistrée : {path}").format(path=path))
        self.copy_saved.emit(path)

    def check_selected(self) -> None:
        """« Vérifier une copie… »: is this file still the archived one?"""
        entry = self.current_entry()
        if entry is None or not entry.has_file:
            return
        start = self.ctx.settings.text("archive/folder") or str(Path.home())
        ask_open_file(
            self.view,
            self.tr("Vérifier une copie de « {name} »").format(name=entry.file_name),
            start,
            self.tr("Fichiers archivés (*.xlsx *.pdf *.csv);;Tous les fichiers (*)"),
            lambda path: self._check_copy_at(entry, path),
        )

    def _check_copy_at(self, entry: RegisterEntry, path: str) -> None:
        entry_id, source = entry.entry_id, entry.source
        self.ctx.tasks.start(
            lambda ctx: check_copy(ctx.uow(), entry_id, Path(path), source),
            title=self.tr("Vérification d'une copie"),
            on_success=lambda matches: self._copy_checked(entry, path, matches),
        )

    def _copy_checked(self, entry: RegisterEntry, path: str, matches: bool) -> None:
        self.model.set_check(entry, matches)
        name, where = html.escape(entry.file_name), html.escape(path)
        if matches:
            self.view.check_banner.show_message(
                "success",
                self.tr(
                    "<b>Copie conforme.</b> « {path} » est identique au fichier archivé "
                    "{name} (empreinte SHA-256 {sha}…)."
                ).format(path=where, name=name, sha=entry.sha256[: acols.SHA_SHOWN]),
            )
        else:
            self.view.check_banner.show_message(
                "error",
                self.tr(
                    "<b>Attention : copie modifiée.</b> « {path} » ne correspond plus au "
                    "fichier archivé {name} : son empreinte SHA-256 diffère, le fichier a été "
                    "changé depuis sa production. Ne l'utilisez pas ; rouvrez-le depuis le "
                    "classeur ou enregistrez-en une nouvelle copie."
                ).format(path=where, name=name),
            )
        self.copy_checked.emit(entry.entry_id, path, matches)

    def save_state(self) -> None:
        self.ctx.settings.save_header("archive/register", self.view.table.horizontalHeader())
