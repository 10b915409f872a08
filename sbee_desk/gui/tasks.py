"""The one mechanism for background work (architecture.md, GUI conventions).

A page hands :meth:`TaskRunner.start` a function ``fn(ctx) -> result``; it runs on
a thread of the runner's :class:`QThreadPool`, with

* its own unit of work: ``ctx.uow()`` opens a new session on the shared engine
  (services open ``with uow:`` themselves); ``ctx.db`` for services that take the
  database;
* progress: ``ctx.progress(done, total)``, throttled, shown in a dialog that only
  appears when the work lasts more than :data:`SHOW_DELAY_MS`;
* cancel: ``ctx.cancelled()`` (a :class:`threading.Event`) polled by the service's
  ``cancelled`` callback; the service then raises one of ``cancel_exceptions``;
* result and errors delivered on the UI thread by queued signals; an error not
  handled by the page goes to :func:`sbee_desk.gui.errors.show_error`;
* latest result wins: tasks started with the same ``key`` ("audit/page") replace
  each other; the outcome of an older one is dropped, never delivered (and it is
  asked to stop when cancellable), so a page shows what it asked for last.

The runnable does not inherit QObject (QRunnable + QObject multiple inheritance
crashes PySide6); it emits the signals of a separate :class:`Task` object that
lives on the UI thread.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.db.database import Database
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.gui import errors
from sbee_desk.gui.formatting import format_count
from sbee_desk.logs import operation

log = logging.getLogger(__name__)

#: the progress dialog appears only for work lasting longer than this (Anki: 600 ms)
SHOW_DELAY_MS = 600
#: at most one progress signal per interval (a service may report every row)
PROGRESS_INTERVAL_S = 0.05


class TaskCancelled(Exception):
    """Raised by a task function that stops because the user cancelled."""


class TaskContext:
    """What a task function receives (on its worker thread)."""

    def __init__(self, db: Database, task: Task) -> None:
        self.db = db
        self._task = task
        self._cancel = threading.Event()
        self._last_progress = 0.0

    def uow(self) -> UnitOfWork:
        """A new unit of work of its own (one session per task)."""
        return self.db.uow()

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last_progress < PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        self._task.progress_from_worker.emit(int(done), int(total))

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def request_cancel(self) -> None:
        self._cancel.set()


class Task(QObject):
    """One piece of background work, seen from the UI thread.

    ``succeeded(result)``, ``failed(exception)`` or ``cancelled()`` is emitted once,
    after the page's callback ran; ``ended`` always follows. A task superseded by a
    newer one of the same key delivers nothing: only ``ended`` is emitted.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()

    # emitted on the worker thread, delivered queued to the UI thread
    progress_from_worker = Signal(int, int)
    outcome_from_worker = Signal(str, object, str)

    def __init__(self, title: str, cancellable: bool, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.title = title
        self.cancellable = cancellable
        self.context: TaskContext | None = None
        self.finished = False
        self.last_progress: tuple[int, int] = (0, 0)
        self.on_success: Callable[[Any], None] | None = None
        self.on_error: Callable[[BaseException], bool] | None = None
        self.on_cancelled: Callable[[], None] | None = None
        #: "latest result wins" key, and whether a newer task of that key replaced it
        self.key: str | None = None
        self.superseded = False
        self._runner = runner
        # The Task lives on the UI thread: queued connections run these slots there.
        self.progress_from_worker.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.outcome_from_worker.connect(self._on_outcome, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        if self.context is not None and self.cancellable:
            self.context.request_cancel()

    @property
    def cancel_requested(self) -> bool:
        return self.context is not None and self.context.cancelled()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if not self.finished:
            self.last_progress = (done, total)
            self.progressed.emit(done, total)

    @Slot(str, object, str)
    def _on_outcome(self, kind: str, payload: Any, details: str) -> None:
        self._runner._finish(self, kind, payload, details)


class _Worker(QRunnable):
    """Runs the task function on a pool thread. Deliberately not a QObject."""

    def __init__(
        self,
        fn: Callable[[TaskContext], Any],
        context: TaskContext,
        task: Task,
        cancel_exceptions: tuple[type[BaseException], ...],
    ) -> None:
        super().__init__()
        # autoDelete stays True: QThreadPool.start() hands the object to C++, which
        # deletes it after run(); no Python reference to it is kept.
        self._fn = fn
        self._context = context
        self._task = task
        self._cancel_exceptions = cancel_exceptions

    def run(self) -> None:
        try:
            # its start, end, duration or failure in the log (sbee_desk.logs)
            with operation(
                f"tâche « {self._task.title} »",
                expected=errors.EXPECTED_ERRORS,
                cancelled=self._cancel_exceptions,
            ):
                result = self._fn(self._context)
        except self._cancel_exceptions:
            self._task.outcome_from_worker.emit("cancelled", None, "")
        except Exception as exc:  # every failure must reach the UI thread
            details = "".join(traceback.format_exception(exc))
            self._task.outcome_from_worker.emit("failed", exc, details)
        else:
            self._task.outcome_from_worker.emit("succeeded", result, "")


class TaskProgressDialog(QDialog):
    """Title, progress bar, count and Annuler; Esc or closing cancels too."""

    def __init__(self, task: Task, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("taskProgress")
        self.task = task
        self.setWindowTitle(task.title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.label = QLabel(self.tr("{title} en cours…").format(title=task.title))
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setFormat("%p\u202f%")  # French: "41 %"
        self.detail = QLabel(self.tr("Veuillez patienter."))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Annuler"))
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.setVisible(task.cancellable)
        self.cancel_button.clicked.connect(self._cancel)
        buttons.addWidget(self.cancel_button)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        task.progressed.connect(self.set_progress)
        self.set_progress(*task.last_progress)

    @Slot(int, int)
    def set_progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.bar.setRange(0, 0)
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * min(done, total) / total))
        if not self.task.cancel_requested:
            self.detail.setText(
                self.tr("{done} sur {total}").format(
                    done=format_count(done), total=format_count(total)
                )
            )

    def _cancel(self) -> None:
        if not self.task.cancellable:
            return
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.detail.setText(self.tr("Annulation en cours…"))

    def reject(self) -> None:  # Esc
        self._cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task.finished:
            event.accept()
            return
        self._cancel()
        event.ignore()


class TaskRunner(QObject):
    """Starts tasks on its own thread pool and delivers their outcome on the UI thread."""

    busy_changed = Signal(bool)

    def __init__(
        self, db: Database, dialog_parent: QWidget | None = None, max_threads: int = 2
    ) -> None:
        super().__init__()
        self.db = db
        self.dialog_parent = dialog_parent
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(max_threads)
        self._running: dict[Task, QTimer] = {}
        #: the latest task of each key, while it runs
        self._latest: dict[str, Task] = {}
        self.dialogs: dict[Task, TaskProgressDialog] = {}
        self.closed = False

    @property
    def busy(self) -> bool:
        return bool(self._running)

    @property
    def running(self) -> list[Task]:
        return list(self._running)

    def start(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        title: str,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], bool] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = False,
        cancel_exceptions: tuple[type[BaseException], ...] = (),
        show_progress: bool = True,
        key: str | None = None,
    ) -> Task:
        """Run ``fn(ctx)`` in the background.

        ``title`` names the work for the user ("Import des données"). ``on_error``
        returns True when it has shown the error itself; otherwise the error dialog
        shows it. ``key`` ("archive/register"): the latest result wins — a task
        still running with the same key is dropped (see :meth:`drop`).
        """
        task = Task(title, cancellable, self)
        task.on_success, task.on_error, task.on_cancelled = on_success, on_error, on_cancelled
        if key is not None:
            self.drop(key)
            task.key = key
            self._latest[key] = task
        context = TaskContext(self.db, task)
        task.context = context
        worker = _Worker(fn, context, task, (TaskCancelled, *cancel_exceptions))
        timer = QTimer(task)
        timer.setSingleShot(True)
        if show_progress:
            timer.timeout.connect(lambda: self._show_dialog(task))
        was_busy = self.busy
        self._running[task] = timer
        timer.start(SHOW_DELAY_MS)
        self.pool.start(worker)
        if not was_busy:
            self.busy_changed.emit(True)
        return task

    def drop(self, key: str) -> None:
        """Forget the task of ``key`` still running: its outcome will not be delivered
        (only its ``ended``), and it is asked to stop when it can be cancelled."""
        older = self._latest.pop(key, None)
        if older is not None and not older.finished:
            older.superseded = True
            older.cancel()

    def _show_dialog(self, task: Task) -> None:
        if task.finished or task in self.dialogs:
            return
        dialog = TaskProgressDialog(task, self.dialog_parent)
        self.dialogs[task] = dialog
        dialog.show()

    def _finish(self, task: Task, kind: str, payload: Any, details: str) -> None:
        task.finished = True
        if task.key is not None and self._latest.get(task.key) is task:
            del self._latest[task.key]
        timer = self._running.pop(task, None)
        if timer is not None:
            timer.stop()
        dialog = self.dialogs.pop(task, None)
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()
        if self.closed:  # the window is gone: nobody to tell
            task.deleteLater()
            return
        try:
            if task.superseded:  # a newer task of the same key replaced it
                log.debug("dropped the outcome of %r: a newer task replaced it", task.title)
            else:
                self._deliver(task, kind, payload, details)
        except Exception as exc:  # a page callback failed: still tell the user
            log.exception("handling the outcome of %r failed", task.title)
            errors.show_error(self.dialog_parent, exc, task.title)
        finally:
            task.ended.emit()
            if not self.busy:
                self.busy_changed.emit(False)
            task.deleteLater()

    def _deliver(self, task: Task, kind: str, payload: Any, details: str) -> None:
        if kind == "succeeded":
            if task.on_success is not None:
                task.on_success(payload)
            task.succeeded.emit(payload)
        elif kind == "cancelled":
            if task.on_cancelled is not None:
                task.on_cancelled()
            task.cancelled.emit()
        else:
            handled = task.on_error(payload) if task.on_error is not None else False
            if not handled:
                errors.show_error(self.dialog_parent, payload, task.title)
            task.failed.emit(payload)

    def cancel_all(self) -> None:
        for task in self._running:
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every worker thread is idle (closing the window, tests)."""
        return self.pool.waitForDone(msecs)

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Cancel what can be, wait for the workers, drop outcomes still on their way."""
        self.cancel_all()
        done = self.wait(msecs)
        self.closed = True
        return done
