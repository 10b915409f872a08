"""The one place where errors reach the user.

Expected errors carry a French message for the user (``str(exc)``): any
:class:`ServiceError` (a refused action, bad input: its words come from
``sbee_desk.wording``), a database that cannot be used, the GUI's own
:class:`UserError`, a failed print. They are shown as they are. Anything else
is a defect: the user reads a plain French sentence and where the log is; the
technical details are one click away (« Montrer les détails… », to send to the
administrator) and are in the log (:mod:`sbee_desk.logs`).
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.exc import DBAPIError

from sbee_desk.db.engine import DatabaseError
from sbee_desk.gui.dialogs.print_dialogs import PrintFailed
from sbee_desk.gui.modal import open_modal
from sbee_desk.logs import is_logged, log_path, mark_logged
from sbee_desk.services.errors import ServiceError

log = logging.getLogger(__name__)


class UserError(Exception):
    """Raised by the GUI itself with a French message for the user."""


#: exceptions whose ``str()`` is a French message written for the user
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    DatabaseError,
    PrintFailed,
    ServiceError,
    UserError,
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def describe_error(exc: BaseException, action: str) -> tuple[str, str | None]:
    """(message for the user, technical details or None)."""
    if isinstance(exc, EXPECTED_ERRORS):
        return str(exc), None
    details = "".join(traceback.format_exception(exc))
    if isinstance(exc, DBAPIError):
        return (
            _tr(
                "La base de données a interrompu l'opération « {action} ». "
                "Réessayez dans un instant ; si le problème persiste, prévenez "
                "l'administrateur en lui transmettant le détail."
            ).format(action=action),
            details,
        )
    return (
        _tr(
            "Une erreur inattendue a interrompu l'opération « {action} ». "
            "Réessayez ; si le problème persiste, prévenez l'administrateur en lui "
            "transmettant le détail ci-dessous."
        ).format(action=action),
        details,
    )


def show_error(parent: QWidget | None, exc: BaseException, action: str) -> QMessageBox:
    """Show ``exc`` (window-modal, non-blocking) and return the message box."""
    message, details = describe_error(exc, action)
    if details and not is_logged(exc):  # a task's failure is logged by its operation
        log.error("erreur inattendue : %s", action, exc_info=exc)
        mark_logged(exc)
    box = QMessageBox(parent)
    box.setObjectName("errorBox")
    box.setIcon(QMessageBox.Icon.Critical if details else QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("{action} — échec").format(action=action))
    box.setText(message)
    if details:
        journal = _tr("Journal : {path}").format(path=log_path())
        box.setInformativeText(
            _tr("Le détail est aussi enregistré dans le journal :\n{path}").format(path=log_path())
        )
        box.setDetailedText(f"{journal}\n\n{details}")  # « Montrer les détails… »
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return open_modal(box)
