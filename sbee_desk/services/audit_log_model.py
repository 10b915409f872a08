"""The plain values of the journal d'audit: a filter, an event, a page (#11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AuditFilter:
    """What the user asked to see; None or "" means "any"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user: str | None = None
    #: an action code, or ``prefix.*`` for a group (``demo.*``)
    action: str | None = None
    police: str | None = None
    bordereau: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One event of the journal, as plain values (no Session)."""

    id: int
    #: aware, UTC
    occurred_at: dt.datetime
    actor: str
    #: full name of the user who acted, None when the login is not a user (a refused
    #: sign-in with an unknown login)
    actor_name: str | None
    action: str
    entity: str | None
    entity_key: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    details: dict[str, Any] | None
    #: what the database says today of the object, to name it when the event does not
    #: (events written before #10): kind, number and police of a document, date of an
    #: edition or a run, kind and bordereau of a list, names of staff ids
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    #: events matching the filter, all pages together
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class AuditChoices:
    """What the filters offer: who acted, which actions occur."""

    #: (login, full name or None), by login
    users: tuple[tuple[str, str | None], ...]
    actions: tuple[str, ...]


# --------------------------------------------------------------------------- queries


def aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
