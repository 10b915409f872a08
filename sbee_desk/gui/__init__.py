"""PySide6 face of sbee-desk: main window, pages (view + controller), table models, tasks.

The only package that imports PySide6. Pages call services through
:mod:`sbee_desk.gui.tasks`; they never build SQL themselves.
"""
