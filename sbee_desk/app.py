"""Composition root of the desktop application.

``run_gui`` builds, in this order: the QApplication (French locale and Qt's own
French strings), the settings, the database (opened and migrated; a database
that cannot be used is explained in a French message box, exit status 2), the
main window. ``sbee-desk`` without arguments and ``sbee-desk gui`` call it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from sbee_desk.db.database import Database, open_database
from sbee_desk.db.engine import DatabaseError
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.settings import APPLICATION, ORGANIZATION, Settings
from sbee_desk.services.actor import default_actor

#: exit status when the database cannot be used (as the commands: bad input → 2)
EXIT_DATABASE = 2


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, in French (reused if one exists, as under pytest-qt)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QApplication.setApplicationDisplayName("SBEE — Résiliation d'office")
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


def build_main_window(db: Database, user: str | None) -> MainWindow:
    window = MainWindow(db, default_actor(user), Settings())
    window.show()
    window.start()
    return window


def run_gui(db_url: str | None, user: str | None) -> int:
    """Open the main window on ``db_url`` as ``user``; the exit status of the app."""
    app = create_application()
    db = open_or_explain(db_url)
    if db is None:
        return EXIT_DATABASE
    try:
        window = build_main_window(db, user)
        status = app.exec()
        del window
        return int(status)
    finally:
        db.dispose()
