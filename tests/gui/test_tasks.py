"""The task helper: result, errors, progress dialog and cancel, all on the UI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QRunnable, QThread
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui import tasks
from sbee_desk.gui.tasks import TaskCancelled, TaskContext, TaskRunner
from sbee_desk.services.selection import SelectionError
from tests.gui.conftest import ErrorRecorder


def make_runner(qtbot: QtBot, db: Database) -> tuple[TaskRunner, QWidget]:
    parent = QWidget()
    qtbot.addWidget(parent)
    return TaskRunner(db, parent), parent


def test_worker_is_not_a_qobject() -> None:
    # QRunnable + QObject multiple inheritance crashes PySide6 (TagStudio).
    assert issubclass(tasks._Worker, QRunnable)
    assert not hasattr(tasks._Worker, "metaObject")


def test_result_arrives_on_the_ui_thread_with_its_own_session(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    runner, _ = make_runner(qtbot, sqlite_db)
    seen: dict[str, object] = {}

    def work(ctx: TaskContext) -> int:
        seen["worker_thread"] = QThread.currentThread()
        uow = ctx.uow()
        with uow:
            seen["session"] = uow.session
        return 42

    results: list[int] = []

    def done(value: int) -> None:
        seen["ui_thread"] = QThread.currentThread()
        results.append(value)

    with qtbot.waitSignal(runner.busy_changed) as busy:
        task = runner.start(work, title="Essai", on_success=done)
    assert busy.args == [True]
    with qtbot.waitSignal(task.ended):
        pass
    assert results == [42]
    app = QApplication.instance()
    assert app is not None
    assert seen["ui_thread"] is app.thread()
    assert seen["worker_thread"] is not seen["ui_thread"]
    assert not runner.busy


def test_expected_error_is_shown_in_french(
    qtbot: QtBot, sqlite_db: Database, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    runner, parent = make_runner(qtbot, sqlite_db)

    def work(_ctx: TaskContext) -> None:
        raise SelectionError("UNKNOWN_AGENCY", agency="XYZ", known=[])

    task = runner.start(work, title="Traitement des relances")
    with qtbot.waitSignal(task.failed):
        pass
    ((exc, action),) = shown_errors.shown
    assert isinstance(exc, SelectionError) and action == "Traitement des relances"
    box = parent.findChild(QMessageBox, "errorBox")
    assert box is not None and box.isVisible()
    assert box.text() == "Agence « XYZ » inconnue (agences connues : aucune)."
    assert box.detailedText() == ""
    box.close()


def test_unexpected_error_gets_a_plain_message_and_details(
    qtbot: QtBot, sqlite_db: Database, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    runner, parent = make_runner(qtbot, sqlite_db)

    def work(_ctx: TaskContext) -> None:
        raise KeyError("bug")

    task = runner.start(work, title="Import des données")
    with qtbot.waitSignal(task.failed):
        pass
    box = parent.findChild(QMessageBox, "errorBox")
    assert box is not None
    assert box.text().startswith("Une erreur inattendue a interrompu l'opération « Import")
    assert "KeyError" in box.detailedText()
    box.close()


def test_page_may_handle_its_own_errors(
    qtbot: QtBot, sqlite_db: Database, shown_errors: ErrorRecorder
) -> None:
    runner, _ = make_runner(qtbot, sqlite_db)
    handled: list[BaseException] = []

    def work(_ctx: TaskContext) -> None:
        raise ValueError("x")

    def handle(exc: BaseException) -> bool:
        handled.append(exc)
        return True  # handled: no message box

    task = runner.start(work, title="Essai", on_error=handle)
    with qtbot.waitSignal(task.failed):
        pass
    assert len(handled) == 1 and not shown_errors.shown


def test_long_work_shows_progress_and_can_be_cancelled(qtbot: QtBot, sqlite_db: Database) -> None:
    runner, _ = make_runner(qtbot, sqlite_db)
    started = threading.Event()

    def work(ctx: TaskContext) -> str:
        started.set()
        ctx.progress(3, 10)
        while not ctx.cancelled():  # a service polling its `cancelled` callback
            threading.Event().wait(0.01)
        raise TaskCancelled

    cancelled: list[bool] = []
    task = runner.start(
        work,
        title="Import des données",
        cancellable=True,
        on_cancelled=lambda: cancelled.append(True),
    )
    # the dialog only appears once the work lasts longer than SHOW_DELAY_MS
    assert task not in runner.dialogs
    qtbot.waitUntil(lambda: task in runner.dialogs, timeout=5_000)
    dialog = runner.dialogs[task]
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.bar.value() == 300)
    assert dialog.detail.text() == "3 sur 10"
    assert dialog.cancel_button.isVisible()
    with qtbot.waitSignal(task.cancelled, timeout=5_000):
        dialog.cancel_button.click()
    assert cancelled == [True]
    assert task not in runner.dialogs


def test_quick_work_shows_no_dialog(qtbot: QtBot, sqlite_db: Database) -> None:
    runner, _ = make_runner(qtbot, sqlite_db)
    task = runner.start(lambda ctx: None, title="Essai")
    with qtbot.waitSignal(task.ended):
        pass
    assert runner.dialogs == {}


def test_latest_result_wins_among_tasks_of_the_same_key(
    qtbot: QtBot, sqlite_db: Database, shown_errors: ErrorRecorder
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(sqlite_db, parent, max_threads=4)  # two held, two free
    release = threading.Event()
    delivered: list[str] = []

    def old_work(_ctx: TaskContext) -> str:
        release.wait(5)
        return "ancien"

    def failing(_ctx: TaskContext) -> str:
        release.wait(5)
        raise ValueError("trop tard")

    older = runner.start(
        old_work, title="Lecture", key="archive/register", on_success=delivered.append
    )
    also_old = runner.start(
        failing, title="Lecture", key="archive/register", on_success=delivered.append
    )
    runner.start(
        lambda ctx: "autre clé", title="Autre", key="audit/page", on_success=delivered.append
    )
    newest = runner.start(
        lambda ctx: "récent", title="Lecture", key="archive/register", on_success=delivered.append
    )
    assert older.superseded and also_old.superseded and not newest.superseded
    with qtbot.waitSignal(newest.succeeded, timeout=5_000):
        pass
    qtbot.waitUntil(lambda: "autre clé" in delivered, timeout=5_000)
    with qtbot.waitSignals([older.ended, also_old.ended], timeout=5_000):
        release.set()
    # neither the older result nor the older error reaches the page or the user
    assert sorted(delivered) == ["autre clé", "récent"]
    assert shown_errors.shown == []
    qtbot.waitUntil(lambda: not runner.busy)


def test_a_superseded_cancellable_task_is_asked_to_stop(qtbot: QtBot, sqlite_db: Database) -> None:
    runner, _ = make_runner(qtbot, sqlite_db)
    started = threading.Event()
    outcomes: list[str] = []

    def work(ctx: TaskContext) -> str:
        started.set()
        while not ctx.cancelled():
            threading.Event().wait(0.01)
        raise TaskCancelled

    older = runner.start(
        work,
        title="Lecture",
        key="selection/lines",
        cancellable=True,
        on_cancelled=lambda: outcomes.append("annulé"),
    )
    assert started.wait(5)
    with qtbot.waitSignal(older.ended, timeout=5_000):
        runner.drop("selection/lines")  # what a newer start() of the key does
    assert older.cancel_requested and outcomes == []  # stopped, and nothing delivered
