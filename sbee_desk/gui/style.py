"""Colours and the few style rules of the application, in one place.

Each decision has one colour pair used everywhere (table cells, counts, legend,
filter), always next to its French words: colour is never the only signal.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from sbee_desk.domain.enums import Decision

#: (background, text) per decision
DECISION_COLOURS: dict[Decision, tuple[str, str]] = {
    Decision.RESILIATION: ("#f8d7da", "#842029"),
    Decision.RELANCE: ("#ffe8c2", "#7a4100"),
    Decision.ATTENTE_RELANCE: ("#d6e6ff", "#0b3d91"),
    Decision.EXEMPTE: ("#e8ddf7", "#4b2a7b"),
}

#: (background, border, text) per banner kind
BANNER_COLOURS: dict[str, tuple[str, str, str]] = {
    "info": ("#e7f1fb", "#9cc3e6", "#123a5e"),
    "success": ("#e3f4e8", "#8cc79f", "#14532d"),
    "warning": ("#fff4d6", "#e8b949", "#5c3d00"),
    "error": ("#fbe4e6", "#e08a93", "#7a1020"),
}

NAV_WIDTH = 210

STYLESHEET = """
QListWidget#navigation {
    background: #1f3a5f;
    color: #ffffff;
    border: none;
    outline: none;
    padding-top: 6px;
}
QListWidget#navigation::item {
    padding: 7px 10px;
    border-left: 4px solid transparent;
}
QListWidget#navigation::item:selected {
    background: #2f5687;
    border-left: 4px solid #f5b400;
    color: #ffffff;
}
QListWidget#navigation::item:hover:!selected {
    background: #28496f;
}
QListWidget#navigation::item:disabled {
    color: #9fb3cc;
}
QLabel#pageTitle {
    font-size: 15pt;
    font-weight: bold;
    color: #1f3a5f;
}
QLabel#pageSubtitle {
    color: #3d4b5c;
}
QLabel#comingSoon {
    font-size: 12pt;
    font-weight: bold;
    color: #5c6b7a;
}
QLabel#emptyState {
    color: #3d4b5c;
    font-size: 11pt;
    padding: 24px;
}
QLabel#sectionTitle {
    font-weight: bold;
    color: #1f3a5f;
}
QPushButton#primary {
    background: #1f5fa8;
    color: #ffffff;
    border: 1px solid #174a84;
    border-radius: 3px;
    padding: 5px 14px;
    font-weight: bold;
}
QPushButton#primary:hover { background: #2569b8; }
QPushButton#primary:disabled { background: #9db4cf; border-color: #9db4cf; }
"""


def banner_stylesheet(kind: str, name: str = "banner") -> str:
    """The colours of a banner of ``kind`` whose object name is ``name``."""
    background, border, text = BANNER_COLOURS[kind]
    return (
        f"QFrame#{name} {{ background: {background}; border: 1px solid {border};"
        f" border-radius: 4px; }}"
        f" QFrame#{name} QLabel {{ color: {text}; background: transparent; border: none; }}"
    )


def decision_colours(decision: Decision) -> tuple[QColor, QColor]:
    background, text = DECISION_COLOURS[decision]
    return QColor(background), QColor(text)


def decision_icon(decision: Decision, size: int = 12) -> QIcon:
    """A small swatch of the decision's colour (next to its words, never alone)."""
    background, text = decision_colours(decision)
    pixmap = QPixmap(size, size)
    pixmap.fill(background)
    painter = QPainter(pixmap)
    painter.setPen(text)
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)
