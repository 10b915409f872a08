"""Window titles name the application once (issue #10).

On X11 (xcb) and Windows, Qt appends the application display name to every window
title ("title — display name") unless the title already ends with it. The display
name is set once (app.create_application); titles must not repeat it by hand.
The real X11 title is checked under Xvfb in test_xvfb_smoke.py.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from sbee_desk.db.database import Database
from sbee_desk.gui.first_start import FirstStartDialog
from sbee_desk.gui.settings import DISPLAY_NAME
from sbee_desk.gui.sign_in import FirstAdministratorDialog, SignInDialog
from tests.gui.conftest import WindowFactory


def shown_title(widget: QWidget) -> str:
    """The title as the window manager shows it under xcb (QPlatformWindow's rule)."""
    title = widget.windowTitle()
    display = QGuiApplication.applicationDisplayName()
    return title if title.endswith(display) else f"{title} \u2014 {display}"


def assert_named_once(widget: QWidget) -> None:
    shown = shown_title(widget)
    assert shown.count("SBEE") == 1, shown
    assert shown.count("Résiliation d'office") == 1, shown


def test_the_display_name_is_set_once_and_titles_do_not_repeat_it(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database, signed_db: Database
) -> None:
    assert QGuiApplication.applicationDisplayName() == DISPLAY_NAME
    window = make_window(demo_db)
    assert_named_once(window)
    assert shown_title(window) == f"demo.db \u2014 {DISPLAY_NAME}"
    sign_in = SignInDialog(signed_db, "chef")
    first_start = FirstStartDialog("demo.db", 2000)
    first_admin = FirstAdministratorDialog(signed_db)
    for dialog in (sign_in, first_start, first_admin):
        qtbot.addWidget(dialog)
        assert_named_once(dialog)
