"""The « Sauvegardes » tab of the Paramètres page (#17): the last backup (date, size,
where), « Sauvegarder maintenant » and « Restaurer… ».

Backing up is everyone's (it changes nothing); restoring is the administrator's: the
backup is chosen in the real file dialog, checked in the background
(:func:`~sbee_desk.services.backup_restore.inspect_backup`), named with its date and
contents in a confirmation box, then put over the database. The window's own
connections are closed for it, so the application must be restarted afterwards: the
last box says so and closes the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from sbee_desk.domain.permissions import Action
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.file_dialogs import ask_directory, ask_open_file
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.gui.widgets import row_layout
from sbee_desk.services.actor import Actor
from sbee_desk.services.backup import (
    BackupEntry,
    BackupReason,
    BackupResult,
    BackupSettings,
    last_backup,
    set_settings,
    settings,
    take_backup,
)
from sbee_desk.services.backup_restore import BackupInfo, RestoreResult, inspect_backup, restore
from sbee_desk.wording.backup import backup_summary


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")
    return f"{max(1, size // 1024)} Ko"


class BackupTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        self.last_label = QLabel()
        self.last_label.setObjectName("lastBackup")
        self.last_label.setWordWrap(True)
        self.where_label = QLabel()
        self.where_label.setObjectName("backupFolder")
        self.where_label.setWordWrap(True)
        layout.addWidget(self.last_label)
        layout.addWidget(self.where_label)
        toolbar = row_layout()
        self.backup_button = QPushButton(self.tr("Sauvegarder maintenant"))
        self.backup_button.setObjectName("primary")
        self.restore_button = QPushButton(self.tr("Restaurer…"))
        self.folder_button = QPushButton(self.tr("Changer de dossier…"))
        toolbar.addWidget(self.backup_button)
        toolbar.addWidget(self.restore_button)
        toolbar.addWidget(self.folder_button)
        toolbar.addStretch(1)
        layout.addLayout(toolbar)
        self.status_label = QLabel()
        self.status_label.setObjectName("backupStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        note = QLabel(
            self.tr(
                "Une sauvegarde est prise automatiquement avant chaque mise à jour du "
                "logiciel, avant chaque édition de nuit et au premier démarrage de la "
                "journée. Restaurer remplace la base par la sauvegarde choisie (la base "
                "actuelle est gardée à côté) ; la fenêtre se ferme ensuite et le logiciel "
                "doit être relancé. Sur PostgreSQL, la restauration se fait par "
                "l'administrateur de la base (pg_restore)."
            )
        )
        note.setObjectName("backupNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)


class BackupSection(QObject):
    """The controller of the tab: reads, backs up, restores."""

    backed_up = Signal(str)
    restored = Signal(str)
    folder_changed = Signal(str)
    refused = Signal(str)

    def __init__(self, ctx: AppContext, tab: BackupTab, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tab = tab
        self.busy = False
        self.confirmation: QMessageBox | None = None
        self.info: BackupInfo | None = None
        tab.backup_button.clicked.connect(self.backup_now)
        tab.restore_button.clicked.connect(self.choose_backup)
        tab.folder_button.clicked.connect(self.choose_folder)
        self.update_actions()

    # -- reading -------------------------------------------------------------------------
    def refresh(self) -> None:
        def load(ctx: TaskContext) -> tuple[BackupEntry | None, BackupSettings]:
            engine = ctx.uow().engine
            return last_backup(engine), settings(engine)

        self.ctx.tasks.start(
            load,
            title=self.tr("Lecture des sauvegardes"),
            on_success=self._loaded,
            show_progress=False,
            key="settings/backups",
        )

    def _loaded(self, found: tuple[BackupEntry | None, BackupSettings]) -> None:
        last, chosen = found
        if last is None:
            self.tab.last_label.setText(self.tr("<b>Dernière sauvegarde :</b> aucune."))
        else:
            self.tab.last_label.setText(
                self.tr("<b>Dernière sauvegarde :</b> {date} ({size}), {path}").format(
                    date=f"{last.taken_at.astimezone():%d/%m/%Y à %Hh%M}",
                    size=size_words(last.size),
                    path=last.path,
                )
            )
        self.tab.where_label.setText(
            self.tr("Dossier des sauvegardes : {folder} — conservées {days} jours.").format(
                folder=chosen.folder, days=chosen.keep_days
            )
        )

    def update_actions(self) -> None:
        self.tab.backup_button.setEnabled(not self.busy)
        admin = self.ctx.may(Action.ADMINISTER)
        sqlite = self.ctx.db.engine.dialect.name == "sqlite"
        only_admin = "" if admin else self.tr("Réservé à l'administrateur.")
        self.tab.restore_button.setEnabled(admin and sqlite and not self.busy)
        self.tab.restore_button.setToolTip(
            only_admin
            or (
                ""
                if sqlite
                else self.tr(
                    "Sur PostgreSQL, la restauration se fait par l'administrateur de la base "
                    "(pg_restore)."
                )
            )
        )
        self.tab.folder_button.setEnabled(admin and not self.busy)
        self.tab.folder_button.setToolTip(only_admin)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.update_actions()

    def _failed(self, exc: BaseException) -> bool:
        self._set_busy(False)
        self.tab.status_label.setText(str(exc))
        self.refused.emit(str(exc))
        return False  # the one error dialog shows it

    # -- backing up ---------------------------------------------------------------------
    def backup_now(self) -> None:
        self._set_busy(True)

        def done(result: BackupResult) -> None:
            self._set_busy(False)
            text = self.tr("Sauvegarde écrite : {path} ({size}).").format(
                path=result.path, size=size_words(result.size)
            )
            self.tab.status_label.setText(text)
            self.backed_up.emit(text)
            self.refresh()

        self.ctx.tasks.start(
            lambda ctx: take_backup(ctx.uow().engine, BackupReason.MANUAL),
            title=self.tr("Sauvegarde de la base"),
            on_success=done,
            on_error=self._failed,
        )

    # -- the folder (administrator) ---------------------------------------------------
    def choose_folder(self) -> None:
        ask_directory(
            self.tab,
            self.tr("Dossier des sauvegardes"),
            str(settings(self.ctx.db.engine).folder),
            lambda path: self.ctx.with_actor(lambda actor: self.set_folder(path, actor)),
        )

    def set_folder(self, folder: str, actor: Actor) -> None:
        self._set_busy(True)

        def done(chosen: BackupSettings) -> None:
            self._set_busy(False)
            text = self.tr("Les sauvegardes iront désormais dans {folder}.").format(
                folder=chosen.folder
            )
            self.tab.status_label.setText(text)
            self.folder_changed.emit(text)
            self.refresh()

        self.ctx.tasks.start(
            lambda ctx: set_settings(ctx.uow(), actor, folder=folder),
            title=self.tr("Dossier des sauvegardes"),
            on_success=done,
            on_error=self._failed,
        )

    # -- restoring ----------------------------------------------------------------------
    def choose_backup(self) -> None:
        folder = str(settings(self.ctx.db.engine).folder)
        ask_open_file(
            self.tab,
            self.tr("Restaurer une sauvegarde"),
            folder,
            self.tr("Sauvegardes sbee-desk (*.db);;Tous les fichiers (*)"),
            lambda path: self.check_backup(Path(path)),
        )

    def check_backup(self, path: Path) -> None:
        self._set_busy(True)
        self.ctx.tasks.start(
            lambda ctx: inspect_backup(path, ctx.uow().engine),
            title=self.tr("Vérification de la sauvegarde"),
            on_success=self._checked,
            on_error=self._failed,
        )

    def _checked(self, info: BackupInfo) -> None:
        self.confirm(info)

    def confirm(self, info: BackupInfo) -> QMessageBox:
        self.info = info
        box = QMessageBox(self.tab)
        box.setObjectName("confirmRestore")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Restaurer une sauvegarde"))
        box.setText(
            self.tr(
                "Remplacer la base par la {summary} ?\n\nFichier : {path}\n\nLa base actuelle "
                "sera gardée à côté. La fenêtre se fermera ensuite : relancez le logiciel."
            ).format(
                summary=backup_summary(
                    info.taken_at, info.app_version, info.agencies, info.counts, info.audit_events
                ),
                path=info.path,
            )
        )
        yes = box.addButton(self.tr("Restaurer"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Annuler"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(QMessageBox.StandardButton.NoButton)
        self.confirmation = box

        def answered(_accepted: bool) -> None:
            self.confirmation = None
            if box.clickedButton() is yes:
                self.ctx.with_actor(lambda actor: self.restore(info, actor))
            else:
                info.discard()
                self.info = None
                self._set_busy(False)

        return open_modal(box, answered)

    def restore(self, info: BackupInfo, actor: Actor) -> None:
        def work(ctx: TaskContext) -> RestoreResult:
            return restore(ctx.uow().engine, info, actor)

        def done(result: RestoreResult) -> None:
            self.info = None
            text = self.tr(
                "Base restaurée depuis « {path} » ; l'ancienne base est gardée : {aside}. "
                "Relancez le logiciel."
            ).format(path=result.restored_from, aside=result.kept_aside)
            self.tab.status_label.setText(text)
            self.restored.emit(text)
            box = QMessageBox(self.tab)
            box.setObjectName("restoreDone")
            box.setIcon(QMessageBox.Icon.Information)
            box.setWindowTitle(self.tr("Base restaurée"))
            box.setText(text + "\n\n" + self.tr("La fenêtre va se fermer : relancez sbee-desk."))
            self.confirmation = box
            open_modal(box, lambda _accepted: self._close_window())

        def failed(exc: BaseException) -> bool:
            info.discard()
            self.info = None
            return self._failed(exc)

        self.ctx.tasks.start(
            work, title=self.tr("Restauration de la sauvegarde"), on_success=done, on_error=failed
        )

    def _close_window(self) -> None:
        window: Any = self.tab.window()
        if window is not None and window is not self.tab:
            window.close()
