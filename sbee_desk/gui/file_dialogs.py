"""Choosing a file or a folder: window-modal, non-blocking file dialogs.

The pages ask through these functions instead of the blocking static
``QFileDialog.get…`` functions: the page's continuation is the ``done`` callback,
called with the chosen path only when the user accepts with a choice (nothing on
cancel). The dialog is a real ``QFileDialog``: the system's own where the platform
has one (Windows), Qt's otherwise (the offscreen platform of the tests, which drive
it as a user does — issue #10: tests replace nothing but the system's edge).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from sbee_desk.gui.modal import open_modal

#: objectName of each kind of dialog, for the tests (and accessibility tools)
OPEN_FILE = "openFileDialog"
SAVE_FILE = "saveFileDialog"
DIRECTORY = "directoryDialog"


def _open(dialog: QFileDialog, done: Callable[[str], None]) -> None:
    """Show ``dialog`` window-modal without blocking; ``done(path)`` once accepted."""

    def answered(accepted: bool) -> None:
        chosen = [path for path in dialog.selectedFiles() if path] if accepted else []
        if chosen:
            done(chosen[0])

    open_modal(dialog, answered)


def ask_open_file(
    parent: QWidget, title: str, directory: str, name_filter: str, done: Callable[[str], None]
) -> None:
    """An existing file to read, starting in ``directory``."""
    dialog = QFileDialog(parent, title, directory, name_filter)
    dialog.setObjectName(OPEN_FILE)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    _open(dialog, done)


def ask_save_file(
    parent: QWidget,
    title: str,
    path: str,
    name_filter: str,
    done: Callable[[str], None],
    *,
    default_suffix: str | None = None,
) -> None:
    """A file to write, proposing ``path`` (folder and name); the system asks before
    replacing an existing file. A name typed without extension gets ``default_suffix``
    (by default the proposed name's, e.g. ``.xlsx``)."""
    dialog = QFileDialog(parent, title, path, name_filter)
    dialog.setObjectName(SAVE_FILE)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    suffix = Path(path).suffix if default_suffix is None else default_suffix
    if suffix:
        dialog.setDefaultSuffix(suffix.removeprefix("."))
    _open(dialog, done)


def ask_directory(parent: QWidget, title: str, directory: str, done: Callable[[str], None]) -> None:
    """An existing folder, starting in ``directory``."""
    dialog = QFileDialog(parent, title, directory)
    dialog.setObjectName(DIRECTORY)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    _open(dialog, done)
