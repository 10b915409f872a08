"""The application's log: what each operation did, how long it took, how it failed.

One rotating file, ``sbee-desk.log``, in the platform's log folder (platformdirs:
``~/.local/state/sbee-desk/log`` on Linux, ``%LOCALAPPDATA%\\sbee-desk\\Logs`` on
Windows; ``SBEE_DESK_LOG_DIR`` names another one), readable by its owner only. The
faces set it up once (:func:`setup_logging`) and wrap each operation — a command, a
background task of the window, a sign-in — in :func:`operation`, which writes its
start, its end and duration, or its failure: a refusal (an expected error, the user
read why) by its class and code, an unexpected error with its traceback.

What is never written: passwords, logins, names, addresses, the values of the
command's options — an operation is named by its command or task title, and the
database's parameters are cut out of the errors it raises (:func:`redact`). The
police number is the one personal datum a line may hold.

``faulthandler`` writes the Python stacks of a hard crash (a segfault in Qt, an
abort) to ``crash.log`` beside it.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import logging.handlers
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sbee_desk import APPLICATION_ID, __version__

ENV_LOG_DIR = "SBEE_DESK_LOG_DIR"
LOG_NAME = "sbee-desk.log"
CRASH_NAME = "crash.log"
#: a file of 1 MB, and 5 older ones (sbee-desk.log.1 … .5)
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
#: crash.log starts afresh when it is larger (a line per start, a trace per crash)
CRASH_MAX_BYTES = 1_000_000
#: the loggers whose INFO lines are kept; other libraries' only from WARNING up
INFO_LOGGERS = ("sbee_desk", "alembic")
FORMAT = "%(asctime)s %(levelname)-7s [%(process)d %(threadName)s] %(name)s — %(message)s"

log = logging.getLogger("sbee_desk.operations")

_lock = threading.Lock()
_handler: logging.Handler | None = None
_crash_file: IO[str] | None = None


def log_dir() -> Path:
    """Where the log files are: ``$SBEE_DESK_LOG_DIR``, else the platform's log folder."""
    override = os.environ.get(ENV_LOG_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir(APPLICATION_ID, appauthor=False))


def log_path() -> Path:
    """The current log file (``sbee-desk.log``)."""
    return log_dir() / LOG_NAME


def crash_path() -> Path:
    return log_dir() / CRASH_NAME


# -- what may not be written ---------------------------------------------------------------
#: SQLAlchemy appends the statement's values to its errors: ``[parameters: (...)]``
_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(?:\n|\(Background|$))", re.DOTALL)
#: PostgreSQL names the duplicate values: ``DETAIL:  Key (police)=(…) already exists``
_KEY_VALUES = re.compile(r"(Key \([^)]*\)=)\(.*?\)(?= )")


def redact(text: str) -> str:
    """``text`` without the values a database error carries (they may be names)."""
    text = _PARAMETERS.sub("[parameters: (valeurs retirées du journal)]", text)
    return _KEY_VALUES.sub(r"\1(…)", text)


class RedactingFormatter(logging.Formatter):
    """The log's format, with :func:`redact` applied to messages and tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def not_chatter(record: logging.LogRecord) -> bool:
    """Alembic says which dialect it runs on each time a database opens: only its
    upgrades (« Running upgrade 0008 -> 0009 ») are worth a line."""
    return not (
        record.name.startswith("alembic")
        and record.levelno < logging.WARNING
        and not record.getMessage().startswith("Running")
    )


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file readable by its owner only (0600), whatever the umask."""

    def _open(self) -> Any:
        stream = super()._open()
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, 0o600)
        return stream

    def doRollover(self) -> None:
        """Rotate; when the file cannot be renamed (Windows, while another sbee-desk
        process — the window, the night edition — has it open), write on in it."""
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()


# -- set-up --------------------------------------------------------------------------------
def setup_logging(face: str) -> Path | None:
    """Write the log to :func:`log_path` from now on (``face``: "cli", "gui"); the path,
    or None when the folder cannot be written (the application runs on without a log).

    Idempotent: a second call keeps the handler, unless the folder changed.
    """
    global _handler
    path = log_path()
    with _lock:
        if _handler is not None:
            if getattr(_handler, "baseFilename", None) == str(path.absolute()):
                return path
            logging.getLogger().removeHandler(_handler)
            _handler.close()
            _handler = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not os.environ.get(ENV_LOG_DIR) and os.name == "posix":
                # the platform's folder is the user's own: narrowed if an older run left
                # it wider (a folder named by SBEE_DESK_LOG_DIR keeps its own rights)
                os.chmod(path.parent, 0o700)
            handler = PrivateRotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
        except OSError:
            return None
        handler.setLevel(logging.INFO)
        handler.addFilter(not_chatter)
        handler.setFormatter(RedactingFormatter(FORMAT))
        logging.getLogger().addHandler(handler)
        for name in INFO_LOGGERS:
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() > logging.INFO:
                logger.setLevel(logging.INFO)
        # its INFO lines hold the statements' values: never, whatever echo says
        logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
        _handler = handler
    _enable_crash_trace()
    log.info(
        "sbee-desk %s (%s), Python %s, %s, pid %d",
        __version__,
        face,
        sys.version.split()[0],
        sys.platform,
        os.getpid(),
    )
    return path


def _enable_crash_trace() -> None:
    """faulthandler into ``crash.log`` (the file stays open: a crash cannot open one).
    Left alone when it is already on — under pytest, or ``python -X faulthandler``:
    whoever turned it on reads it where they chose."""
    global _crash_file
    if faulthandler.is_enabled():
        return
    path = crash_path()
    try:
        mode = "w" if path.is_file() and path.stat().st_size > CRASH_MAX_BYTES else "a"
        crash = open(path, mode, encoding="utf-8")  # noqa: SIM115  kept open on purpose
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.chmod(crash.name, 0o600)
    crash.write(f"--- sbee-desk {__version__}, pid {os.getpid()}, {time.strftime('%c')}\n")
    crash.flush()
    faulthandler.enable(file=crash, all_threads=True)
    _crash_file = crash


# -- operations ----------------------------------------------------------------------------
def mark_logged(exc: BaseException) -> None:
    """Note that ``exc``'s traceback is in the log (another place need not write it)."""
    with contextlib.suppress(AttributeError):
        exc.__sbee_logged__ = True  # type: ignore[attr-defined]


def is_logged(exc: BaseException) -> bool:
    return bool(getattr(exc, "__sbee_logged__", False))


def refusal(exc: BaseException) -> str:
    """An expected error in the log: its class and code, never its message (the user
    read the message; it may quote what they typed)."""
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__} {code}" if isinstance(code, str) else type(exc).__name__


@contextlib.contextmanager
def operation(
    name: str,
    *,
    expected: tuple[type[BaseException], ...] = (),
    cancelled: tuple[type[BaseException], ...] = (),
) -> Iterator[None]:
    """Log ``name``'s start, then its end and duration — or its refusal (``expected``),
    its cancellation (``cancelled``), or its failure with the traceback — and let the
    exception go on."""
    log.info("début : %s", name)
    start = time.perf_counter()
    try:
        yield
    except cancelled:
        log.info("annulé : %s (%.3f s)", name, time.perf_counter() - start)
        raise
    except expected as exc:
        log.warning("refusé : %s (%.3f s) : %s", name, time.perf_counter() - start, refusal(exc))
        raise
    except (KeyboardInterrupt, SystemExit) as exc:
        log.warning("interrompu : %s (%.3f s) : %s", name, time.perf_counter() - start, exc)
        raise
    except BaseException as exc:
        log.error("échec : %s (%.3f s)", name, time.perf_counter() - start, exc_info=exc)
        mark_logged(exc)
        raise
    else:
        log.info("fin : %s (%.3f s)", name, time.perf_counter() - start)
