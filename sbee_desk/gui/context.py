"""What every page needs, built once by the main window (no global singletons)."""

from __future__ import annotations

from dataclasses import dataclass

from sbee_desk.db.database import Database
from sbee_desk.gui.settings import Settings
from sbee_desk.gui.tasks import TaskRunner
from sbee_desk.services.actor import Actor


@dataclass
class AppContext:
    db: Database
    actor: Actor
    settings: Settings
    tasks: TaskRunner
