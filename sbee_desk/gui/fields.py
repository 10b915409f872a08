"""Fields the pages build the same way: the scanner entry panels (Relances, Retour
magasin, CRI), their date and staff fields, the search field's Ctrl+F, the status line.

One place so that a scanner field, a day field or Ctrl+F behaves alike on every page
(ui-guidelines: keyboard first, the same key does the same thing everywhere).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

#: a document number as printed under its barcode (orders, letters)
SCAN_MAX_LENGTH = 12


def entry_panel(name: str, vertical_spacing: int = 4) -> tuple[QFrame, QGridLayout]:
    """The framed panel of a keyboard-first entry, and its grid."""
    frame = QFrame()
    frame.setObjectName(name)
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    grid = QGridLayout(frame)
    grid.setContentsMargins(10, 6, 10, 6)
    grid.setHorizontalSpacing(8)
    grid.setVerticalSpacing(vertical_spacing)
    return frame, grid


def scan_edit(name: str, placeholder: str, width: int = 150) -> QLineEdit:
    """The field a barcode scanner types a document number into (then Enter)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(SCAN_MAX_LENGTH)
    edit.setMinimumWidth(width)
    return edit


def day_edit(name: str) -> QDateEdit:
    """A day, dd/MM/yyyy with its calendar, today by default."""
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setDate(QDate.currentDate())
    return edit


def staff_combo(name: str, characters: int = 14) -> QComboBox:
    """A person of the staff register, wide enough for a name."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setMinimumContentsLength(characters)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


def add_labelled(
    grid: QGridLayout, row: int, fields: Sequence[tuple[str, QWidget]], first_column: int = 0
) -> None:
    """Each field under its label (the label's mnemonic focuses the field), side by side
    from ``first_column``: labels on ``row``, fields on ``row + 1``."""
    for column, (text, field) in enumerate(fields, start=first_column):
        label = QLabel(text)
        label.setBuddy(field)
        grid.addWidget(label, row, column)
        grid.addWidget(field, row + 1, column)


def status_label(text: str = "") -> QLabel:
    """The page's status line, under its table."""
    label = QLabel(text)
    label.setObjectName("pageStatus")
    label.setWordWrap(True)
    return label


def find_shortcut(view: QWidget, search: QLineEdit) -> QShortcut:
    """Ctrl+F (the platform's Find) puts the cursor in the page's search field."""

    def focus_search() -> None:
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    shortcut = QShortcut(QKeySequence.StandardKey.Find, view)
    shortcut.activated.connect(focus_search)
    return shortcut
