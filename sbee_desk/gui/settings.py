"""Typed access to what the application remembers between sessions (QSettings).

Window geometry, column widths and order of every table, the last filters.
``QSettings()`` follows ``QSettings.setDefaultFormat`` / ``setPath``, which the
tests point to a temporary folder. :data:`SCHEMA` versions the layout so a later
release can upgrade or drop old keys.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

ORGANIZATION = "SBEE"
APPLICATION = "sbee-desk"
#: what every window title ends with: set once as the application display name, Qt
#: appends it to each title on X11 and Windows (never by hand)
DISPLAY_NAME = "SBEE — Résiliation d'office"
SCHEMA = 1


#: the key of the workstation's agency (a setting of this computer, not of the database)
WORKSTATION_AGENCY = "workstation/agency"


class Settings:
    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()
        if self.store.value("schema", 0, type=int) != SCHEMA:
            self.store.setValue("schema", SCHEMA)

    # -- plain values --------------------------------------------------------
    def text(self, key: str, default: str = "") -> str:
        value = self.store.value(key, default, type=str)
        return str(value) if value is not None else default

    def set_text(self, key: str, value: str) -> None:
        self.store.setValue(key, value)

    def integer(self, key: str, default: int = 0) -> int:
        value: Any = self.store.value(key, default, type=int)
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    def set_integer(self, key: str, value: int) -> None:
        self.store.setValue(key, int(value))

    def _bytes(self, key: str) -> QByteArray | None:
        value: Any = self.store.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        return None

    # -- this workstation ----------------------------------------------------
    def workstation_agency(self) -> str | None:
        """The agency this workstation works for (Paramètres › Ce poste): the Relances
        page shows its letters only and refuses a number of another agency (#13).
        None: every agency of the database (one agency per database needs nothing)."""
        return self.text(WORKSTATION_AGENCY).strip() or None

    def set_workstation_agency(self, code: str | None) -> None:
        self.set_text(WORKSTATION_AGENCY, code or "")

    # -- widgets -------------------------------------------------------------
    def restore_window(self, window: QMainWindow) -> bool:
        geometry = self._bytes("window/geometry")
        if geometry is None:
            return False
        window.restoreGeometry(geometry)
        state = self._bytes("window/state")
        if state is not None:
            window.restoreState(state)
        return True

    def save_window(self, window: QMainWindow) -> None:
        self.store.setValue("window/geometry", window.saveGeometry())
        self.store.setValue("window/state", window.saveState())

    def restore_header(self, key: str, header: QHeaderView) -> None:
        state = self._bytes(f"tables/{key}")
        if state is not None:
            header.restoreState(state)

    def save_header(self, key: str, header: QHeaderView) -> None:
        self.store.setValue(f"tables/{key}", header.saveState())

    def restore_splitter(self, key: str, splitter: QSplitter) -> None:
        state = self._bytes(f"splitters/{key}")
        if state is not None:
            splitter.restoreState(state)

    def save_splitter(self, key: str, splitter: QSplitter) -> None:
        self.store.setValue(f"splitters/{key}", splitter.saveState())

    def sync(self) -> None:
        self.store.sync()
