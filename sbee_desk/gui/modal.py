"""The one way the application shows a dialog: window-modal, without blocking."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

D = TypeVar("D", bound=QDialog)


def open_modal(dialog: D, answered: Callable[[bool], object] | None = None) -> D:
    """Show ``dialog`` window-modal and non-blocking, deleted once closed.

    ``answered(accepted)`` runs when the dialog finishes (``accepted`` is True when it
    was accepted); the dialog may still be read there. Returns ``dialog``.

    ``QDialog.open`` is called on the class: PySide6's ``QPrintDialog``,
    ``QFileDialog`` and ``QMessageBox`` have an ``open(receiver, member)`` overload
    that hides the base ``open()``; ``dialog.open()`` once raised « open expected 2
    arguments, got 0 » on every print action (issue #10).
    """
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    if answered is not None:
        dialog.finished.connect(lambda result: answered(result == QDialog.DialogCode.Accepted))
    QDialog.open(dialog)
    return dialog
