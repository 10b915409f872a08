"""GUI test fixtures: offscreen Qt, temporary settings, windows on fresh databases.

Each test gets its own SQLite database (copied from a migrated template) and its
own settings folder. Any error dialog a test did not ask for fails the test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sbee_desk.app import create_application
from sbee_desk.db.database import Database, open_database
from sbee_desk.domain.permissions import Role
from sbee_desk.gui import errors
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.settings import Settings
from sbee_desk.services.actor import Actor
from sbee_desk.services.demo import load_demo
from sbee_desk.services.users import create_demo_users

# Before the QApplication exists (pytest-qt makes it at the first test): offscreen,
# on one 1366×768 screen (the smallest agency workstation) instead of the plugin's
# default 800×800, so that sizes and restored geometries are those of the agency.
SCREEN = Path(__file__).with_name("offscreen-1366x768.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"

#: the demo users' chef section recouvrement (services.users.create_demo_users)
ACTOR = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}), "Rodrigue Tossou")
#: contracts of the demo database shared (copied) by the GUI tests
DEMO_CONTRACTS = 400


@pytest.fixture(scope="session", autouse=True)
def gui_app(qapp: QApplication) -> QApplication:
    """The test QApplication, set up as the real one (French, names, translations).

    Autouse: models paint icons (QPixmap), which needs the application first.
    """
    return create_application()


@pytest.fixture(autouse=True)
def temp_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """QSettings go to a fresh folder for each test, never to the user's."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder


class ErrorRecorder:
    def __init__(self) -> None:
        self.shown: list[tuple[BaseException, str]] = []
        self.expected = False

    def expect(self) -> ErrorRecorder:
        self.expected = True
        return self


@pytest.fixture(autouse=True)
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[ErrorRecorder]:
    """Records error dialogs; a test that does not call ``.expect()`` must show none."""
    recorder = ErrorRecorder()
    original = errors.show_error

    def record(parent, exc, action):
        recorder.shown.append((exc, action))
        return original(parent, exc, action)

    monkeypatch.setattr(errors, "show_error", record)
    yield recorder
    if not recorder.expected:
        assert not recorder.shown, f"unexpected error dialogs: {recorder.shown}"


def _checkpoint(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="session")
def users_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo users and no data (built once)."""
    path = tmp_path_factory.mktemp("users") / "users.db"
    shutil.copyfile(sqlite_template, path)
    db = open_database(f"sqlite:///{path}")
    try:
        chef = create_demo_users(db.uow())
        assert chef.login == ACTOR.login and chef.roles == ACTOR.roles
        _checkpoint(db)
    finally:
        db.dispose()
    return path


@pytest.fixture
def signed_db(users_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh database with the demo users (chef, admin…) and no agency data."""
    path = tmp_path / "sbee.db"
    shutil.copyfile(users_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_template(users_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding a small demo agency as of today (built once)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(users_template, path)
    db = open_database(f"sqlite:///{path}")
    try:
        load_demo(db, ACTOR, contracts=DEMO_CONTRACTS, today=dt.date.today())
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.dispose()


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, gui_app: QApplication) -> Iterator[WindowFactory]:
    """Open the main window on a database, shown at 1366×768, once it is usable."""
    windows: list[MainWindow] = []

    def make(database: Database, actor: Actor | None = ACTOR) -> MainWindow:
        window = MainWindow(database, actor, Settings())
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(1366, 768)
        window.show()
        with qtbot.waitSignal(window.ready, timeout=20_000):
            window.start()
        # keyboard shortcuts (Ctrl+F, Ctrl+K…) only reach the active window: on a busy
        # machine the offscreen platform activates it late, and a test pressing Ctrl+F
        # before then saw no focus move (CI run of stop 20)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
        return window

    yield make
    for window in windows:
        window.ctx.tasks.shutdown()
        window.close()
