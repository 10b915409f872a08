"""The acting user of a service call (recorded in the audit trail)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sbee_desk.domain.permissions import Role

ENV_USER = "SBEE_DESK_USER"
ENV_PASSWORD = "SBEE_DESK_PASSWORD"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an authenticated user (see services.users.authenticate).

    ``roles`` is what the user held at login; services re-read the user's
    current roles and active flag from the database before every action
    (services.authz.require), so a role withdrawn meanwhile is withdrawn now.
    """

    login: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    full_name: str = ""


def login_from_environment(login: str | None = None) -> str | None:
    """``--user``, else ``SBEE_DESK_USER``."""
    import os

    return login or os.environ.get(ENV_USER) or None
