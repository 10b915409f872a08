"""Audit trail: every change writes an AuditEvent in its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert

from sbee_desk.db.models import AuditEvent
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.services.actor import Actor


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    entity: str | None = None,
    entity_key: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to the unit of work (committed with the change)."""
    event = AuditEvent(
        occurred_at=now(),
        actor=actor.login,
        action=action,
        entity=entity,
        entity_key=entity_key,
        before=before,
        after=after,
        details=details,
    )
    uow.session.add(event)
    return event


def record_many(uow: UnitOfWork, actor: Actor, events: list[dict[str, Any]]) -> None:
    """Bulk form of :func:`record` (e.g. one event per updated record of an import)."""
    if not events:
        return
    at = now()
    uow.session.execute(
        insert(AuditEvent),
        [{"occurred_at": at, "actor": actor.login, **event} for event in events],
    )
