"""What every page needs, built once by the main window (no global singletons)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sbee_desk.db.database import Database
from sbee_desk.domain.permissions import Action, allowed
from sbee_desk.gui.settings import Settings
from sbee_desk.gui.tasks import TaskRunner
from sbee_desk.services.actor import Actor

ActorAction = Callable[[Actor], None]


@dataclass
class AppContext:
    db: Database
    #: the signed-in user; None on a database that has no user yet
    actor: Actor | None
    settings: Settings
    tasks: TaskRunner
    #: asks who acts when nobody is signed in (the main window: first administrator)
    ask_for_actor: Callable[[ActorAction], None] | None = None

    def may(self, action: Action) -> bool:
        """Whether the signed-in user's roles allow ``action`` (services check again).

        Nobody signed in yet: allowed here, the first administrator is asked for.
        """
        return self.actor is None or allowed(self.actor.roles, action)

    def with_actor(self, action: ActorAction) -> None:
        """Run ``action(actor)`` now, or once somebody has signed in."""
        if self.actor is not None:
            action(self.actor)
        elif self.ask_for_actor is not None:
            self.ask_for_actor(action)
