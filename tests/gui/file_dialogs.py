"""Answer the real file dialogs the pages open (sbee_desk.gui.file_dialogs).

Nothing is replaced: the page builds and opens its ``QFileDialog`` (Qt's own on the
offscreen platform), the test finds it shown, types the path in its « Nom de
fichier » field and clicks its button, as a user does (issue #10).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot


@dataclass(frozen=True)
class Proposed:
    """What the dialog showed before the answer."""

    name: str  # objectName: which kind of dialog (sbee_desk.gui.file_dialogs)
    title: str
    folder: Path
    selected: list[str]
    filters: list[str]
    default_suffix: str


def _shown(window: QWidget) -> QFileDialog | None:
    found = [d for d in window.findChildren(QFileDialog) if d.isVisible()]
    return found[0] if found else None


def shown_file_dialog(qtbot: QtBot, window: QWidget) -> QFileDialog:
    """The file dialog open over ``window`` (or one of its dialogs), once it is shown."""
    qtbot.waitUntil(lambda: _shown(window) is not None, timeout=20_000)
    dialog = _shown(window)
    assert dialog is not None
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    return dialog


def _proposed(dialog: QFileDialog) -> Proposed:
    return Proposed(
        name=dialog.objectName(),
        title=dialog.windowTitle(),
        folder=Path(dialog.directory().absolutePath()),
        selected=dialog.selectedFiles(),
        filters=dialog.nameFilters(),
        default_suffix=dialog.defaultSuffix(),
    )


def _button(dialog: QFileDialog, role: QDialogButtonBox.ButtonRole) -> QWidget:
    box = dialog.findChild(QDialogButtonBox, "buttonBox")
    assert box is not None, "Qt's own file dialog expected (no native dialog offscreen)"
    buttons = [b for b in box.buttons() if box.buttonRole(b) == role]
    assert buttons, f"no {role} button in {dialog.objectName()}"
    return buttons[0]


def _closed(qtbot: QtBot, window: QWidget) -> None:
    qtbot.waitUntil(lambda: _shown(window) is None)


def choose_in_file_dialog(qtbot: QtBot, window: QWidget, path: Path | str) -> Proposed:
    """Type ``path`` in the open file dialog and click its Ouvrir / Enregistrer /
    Choisir button; returns what the dialog proposed before."""
    dialog = shown_file_dialog(qtbot, window)
    proposed = _proposed(dialog)
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name_edit is not None
    name_edit.setText(str(path))
    accept = _button(dialog, QDialogButtonBox.ButtonRole.AcceptRole)
    assert accept.isEnabled()
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    _closed(qtbot, window)
    return proposed


def cancel_file_dialog(qtbot: QtBot, window: QWidget) -> Proposed:
    """Click the open file dialog's Annuler button."""
    dialog = shown_file_dialog(qtbot, window)
    proposed = _proposed(dialog)
    qtbot.mouseClick(
        _button(dialog, QDialogButtonBox.ButtonRole.RejectRole), Qt.MouseButton.LeftButton
    )
    _closed(qtbot, window)
    return proposed
