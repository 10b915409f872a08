"""Small building blocks shared by the pages: header, banner, empty state, tables."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QObject,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.style import banner_stylesheet


class EnterEscapeKeys(QObject):
    """Keyboard first (ui-guidelines): installed on the fields of an entry, Enter emits
    ``enter`` (save, or open what the scanner typed) and Esc emits ``escape``. Shared by
    the scanner pages (Relances, CRI)."""

    def __init__(self, enter: SignalInstance, escape: SignalInstance, parent: QObject) -> None:
        super().__init__(parent)
        self._enter, self._escape = enter, escape

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._enter.emit()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self._escape.emit()
                return True
        return False


class PageHeader(QWidget):
    """The title saying what the step is, and one sentence of what to do here."""

    def __init__(self, title: str, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)


class Banner(QFrame):
    """A coloured message across the page (info, success, warning, error).

    The kind is also said in words (the first bold words of the text), never by
    colour alone.
    """

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.kind = "info"
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.setVisible(False)
        self.button.clicked.connect(self.action_clicked)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setVisible(False)

    def show_message(self, kind: str, html: str, action: str | None = None) -> None:
        self.kind = kind
        self.setStyleSheet(banner_stylesheet(kind, self.objectName() or "banner"))
        self.label.setText(html)
        self.button.setVisible(action is not None)
        if action is not None:
            self.button.setText(action)
        self.setVisible(True)

    def clear(self) -> None:
        self.label.clear()
        self.setVisible(False)

    def text(self) -> str:
        return self.label.text()


class EmptyState(QLabel):
    """A centred sentence saying why the list is empty and what to do next."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("emptyState")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)


class DataTable(QTableView):
    """QTableView set up for lists: whole rows, sortable, fixed row height, Ctrl+C copies."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        # Fixed heights: the view never measures 50 000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        horizontal = self.horizontalHeader()
        horizontal.setHighlightSections(False)
        horizontal.setSectionsMovable(True)
        horizontal.setStretchLastSection(True)
        horizontal.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def set_column_widths(self, widths: dict[int, int]) -> None:
        for column, width in widths.items():
            self.setColumnWidth(column, width)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)

    def copy_selection(self) -> str:
        """Copy the selected rows (or every row if none) as tab-separated text."""
        text = table_text(self.model(), self.selectionModel())
        QGuiApplication.clipboard().setText(text)
        return text


def table_text(model: QAbstractItemModel, selection: QItemSelectionModel | None = None) -> str:
    """Header + rows as tab-separated text, in the view's order."""
    columns = range(model.columnCount())
    rows: list[int] = []
    if selection is not None:
        rows = sorted({index.row() for index in selection.selectedIndexes()})
    if not rows:
        rows = list(range(model.rowCount()))
    lines = [
        "\t".join(
            str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            for c in columns
        )
    ]
    for row in rows:
        lines.append(
            "\t".join(
                str(model.data(model.index(row, c), Qt.ItemDataRole.DisplayRole) or "")
                for c in columns
            )
        )
    return "\n".join(lines) + "\n"


class PageView(QWidget):
    """What every page's view starts with (#11): a page's margins and spacing and
    ``page_layout`` to add to, top to bottom (the header first)."""

    MARGINS = (18, 14, 18, 10)
    SPACING = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_layout = QVBoxLayout(self)
        self.page_layout.setContentsMargins(*self.MARGINS)
        self.page_layout.setSpacing(self.SPACING)

    def add_header(self, title: str, purpose: str) -> PageHeader:
        """The page's title and what it is for, at the top."""
        header = PageHeader(title, purpose)
        self.page_layout.addWidget(header)
        return header


def row_layout() -> QHBoxLayout:
    """A row of a page (a toolbar, filters): widgets side by side, 6 px apart."""
    row = QHBoxLayout()
    row.setSpacing(6)
    return row
