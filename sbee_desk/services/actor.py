"""The acting user of a service call (recorded in the audit trail)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

ENV_USER = "SBEE_DESK_USER"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts. Roles and authentication come with the users issue (#4)."""

    login: str


def default_actor(login: str | None = None) -> Actor:
    """``--user``, else ``SBEE_DESK_USER``, else the operating-system login."""
    name = login or os.environ.get(ENV_USER)
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (containers): name it plainly
            name = "inconnu"
    return Actor(name)
