"""Composition root of the desktop application.

``run_gui`` builds, in this order: the QApplication (French locale and Qt's own
French strings), the settings, the database (opened and migrated; a database
that cannot be used is explained in a French message box, exit status 2), the
main window. ``sbee-desk`` without arguments and ``sbee-desk gui`` call it.
The log (:mod:`sbee_desk.logs`) is set up first; an error no page handled (raised
in a slot) is logged and shown in the error box, the window stays open.
"""

from __future__ import annotations

import json
import os
import sys
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from sbee_desk.db.database import Database, open_database
from sbee_desk.db.engine import DatabaseError, use_private_umask
from sbee_desk.gui import errors
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.settings import APPLICATION, DISPLAY_NAME, ORGANIZATION, Settings
from sbee_desk.gui.sign_in import SignInDialog
from sbee_desk.logs import log_path, setup_logging
from sbee_desk.services.actor import Actor
from sbee_desk.services.backup import daily_backup_if_due
from sbee_desk.services.users import user_count

#: exit status when the database cannot be used (as the commands: bad input → 2)
EXIT_DATABASE = 2


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, in French (reused if one exists, as under pytest-qt)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QApplication.setApplicationDisplayName(DISPLAY_NAME)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.Benin))
    install_qt_translations(app)
    return app


def install_qt_translations(app: QApplication) -> None:
    """Qt's own words (OK, Annuler, Oui, calendar) in French."""
    if app.property("sbee_translations_installed"):
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_fr",):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
    app.setProperty("sbee_translations_installed", True)


def open_or_explain(db_url: str | None) -> Database | None:
    """Open the database, or say in French why it cannot be used (None)."""
    try:
        return open_database(db_url)
    except DatabaseError as exc:
        QMessageBox.critical(
            None,
            QCoreApplication.translate("App", "Base de données inutilisable"),
            QCoreApplication.translate(
                "App",
                "{reason}\n\nVérifiez l'adresse donnée par --db ou la variable "
                "SBEE_DESK_DB, puis relancez le logiciel.",
            ).format(reason=str(exc)),
        )
        return None


ENV_USER = "SBEE_DESK_USER"
ENV_PASSWORD = "SBEE_DESK_PASSWORD"


def sign_in(db: Database, user: str | None) -> tuple[bool, Actor | None]:
    """(go on?, who signed in). A database without users opens without sign-in (the
    first start creates them); otherwise ``--user``/``SBEE_DESK_USER`` with
    ``SBEE_DESK_PASSWORD`` sign in directly, and the sign-in dialog asks for the rest.
    """
    if user_count(db.uow()) == 0:
        return True, None
    login = user or os.environ.get(ENV_USER) or None
    password = os.environ.get(ENV_PASSWORD)
    dialog = SignInDialog(db, login)
    if login and password is not None:
        dialog.password_edit.setText(password)
        dialog.try_sign_in()
        if dialog.actor is not None:
            return True, dialog.actor
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.actor is not None:
        return True, dialog.actor
    return False, None


def build_main_window(db: Database, actor: Actor | None) -> MainWindow:
    window = MainWindow(db, actor, Settings())
    window.show()
    window.start()
    return window


def install_excepthook(window: QWidget) -> None:
    """An exception no page handled (raised in a slot: Qt hands it to
    ``sys.excepthook``) is logged and shown in the error box; the window stays open."""

    def show(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        errors.show_error(window, exc, QCoreApplication.translate("App", "Action en cours"))

    sys.excepthook = show


#: ``gui --smoke`` (hidden, for the packaging test): gives up after this long
SMOKE_TIMEOUT_MS = 120_000


def smoke_report(window: MainWindow) -> None:
    """``gui --smoke``: once the window is ready, print what it shows (JSON) and quit."""

    def report() -> None:
        print(
            json.dumps(
                {
                    "platform": QApplication.platformName(),
                    "title": window.windowTitle(),
                    "visible": window.isVisible(),
                    "selection": window.nav_text("selection"),
                    "log": str(log_path()),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
        window.close()
        QApplication.exit(0)

    window.ready.connect(lambda: QTimer.singleShot(0, report))
    QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: QApplication.exit(3))


def run_gui(db_url: str | None, user: str | None, smoke: bool = False) -> int:
    """Open the main window on ``db_url`` as ``user``; the exit status of the app.
    ``smoke``: quit as soon as the window is ready, after printing what it shows."""
    use_private_umask()  # the database, exports and PDFs: their owner's only (#12)
    setup_logging("gui")
    app = create_application()
    db = open_or_explain(db_url)
    if db is None:
        return EXIT_DATABASE
    daily_backup_if_due(db.engine)  # the first start of the day backs the base up (#17)
    try:
        go_on, actor = sign_in(db, user)
        if not go_on:
            return 0
        window = build_main_window(db, actor)
        install_excepthook(window)
        if smoke:
            smoke_report(window)
        status = app.exec()
        del window
        return int(status)
    finally:
        db.dispose()
