"""Audit trail: every change writes an AuditEvent in its own transaction.

The trail is append-only (database triggers refuse UPDATE and DELETE, see
migration 0002) and chained: each event stores the hash of the previous one
and its own hash over its content, so :func:`verify_chain` finds any event
changed, removed or inserted by hand. Writing an event first updates the single
``audit_head`` row, which serialises writers from several workstations into
one chain (a row lock on PostgreSQL, the database write lock on SQLite).

Someone holding the database file can still drop the triggers, rewrite the events
and recompute every hash with :func:`event_hash`: the chain alone then verifies.
So its head (:func:`chain_head`) is also published outside the database — printed
on lists and reports, appended to the anchors file, written to backups — and
``audit verify`` checks the journal against those anchors (services/audit_anchor.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Required, TypedDict

from sqlalchemy import insert, select, update

from sbee_desk.db.models import AuditEvent, AuditHead
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.journal_mark import JournalMark
from sbee_desk.services.actor import Actor

GENESIS_HASH = "0" * 64


class EventDraft(TypedDict, total=False):
    """One event for :func:`record_many`: an action, the rest optional."""

    action: Required[AuditAction]
    entity: str | None
    entity_key: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    details: dict[str, Any] | None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc_text(moment: dt.datetime) -> str:
    """Canonical timestamp: UTC, microseconds, no offset (SQLite gives back naive UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and the event's canonical content."""
    content = {
        "id": event["id"],
        "occurred_at": _utc_text(event["occurred_at"]),
        "actor": event["actor"],
        "action": event["action"],
        "entity": event.get("entity"),
        "entity_key": event.get("entity_key"),
        "before": event.get("before"),
        "after": event.get("after"),
        "details": event.get("details"),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def _append(uow: UnitOfWork, events: list[dict[str, Any]]) -> list[int]:
    session = uow.session
    session.flush()
    # Take the head first: the write serialises concurrent writers before they read it.
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id + len(events))
    )
    head = session.execute(
        select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)
    ).one()
    next_id = head.last_id - len(events) + 1
    prev = head.last_hash
    rows = []
    for offset, event in enumerate(events):
        row = {"id": next_id + offset, **event}
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(prev, row)
        rows.append(row)
    session.execute(insert(AuditEvent), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev))
    return [row["id"] for row in rows]


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    *,
    entity: str | None = None,
    entity_key: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Append one audit event to the unit of work (committed with the change).

    ``action`` is an :class:`AuditAction` (a stray string is refused: ValueError); its
    value is what is stored and hashed."""
    event = {
        "occurred_at": now(),
        "actor": actor.login,
        "action": AuditAction(action).value,
        "entity": entity,
        "entity_key": entity_key,
        "before": before,
        "after": after,
        "details": details,
    }
    return _append(uow, [event])[0]


def record_many(uow: UnitOfWork, actor: Actor, events: list[EventDraft]) -> None:
    """Bulk form of :func:`record` (e.g. one event per updated record of an import).

    Each dict has ``action`` and optionally entity, entity_key, before, after, details.
    """
    if not events:
        return
    at = now()
    full = [
        {
            "occurred_at": at,
            "actor": actor.login,
            "entity": None,
            "entity_key": None,
            "before": None,
            "after": None,
            "details": None,
            **event,
            "action": AuditAction(event["action"]).value,
        }
        for event in events
    ]
    for start in range(0, len(full), 5000):
        _append(uow, full[start : start + 5000])


@dataclass(frozen=True)
class ChainStatus:
    """Result of :func:`verify_chain`: ``first_broken`` is None when the chain holds."""

    events: int
    first_broken: int | None
    problem: str | None  # code: HASH, LINK, GAP, HEAD

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def _iter_events(uow: UnitOfWork, batch: int = 20_000) -> Iterator[dict[str, Any]]:
    """Events in id order as plain dicts (no ORM objects: a million events verify
    in seconds, not minutes)."""
    table = AuditEvent.__table__
    last = 0
    while True:
        rows = (
            uow.session.execute(
                select(*table.columns).where(table.c.id > last).order_by(table.c.id).limit(batch)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        for row in rows:
            yield dict(row)
        last = rows[-1]["id"]


def verify_chain(uow: UnitOfWork) -> ChainStatus:
    """Recompute the chain; name the first event that does not verify."""
    with uow:
        prev = GENESIS_HASH
        expected_id = 1
        count = 0
        for ev in _iter_events(uow):
            count += 1
            if ev["id"] != expected_id:
                return ChainStatus(count, expected_id, "GAP")
            if ev["prev_hash"] != prev:
                return ChainStatus(count, ev["id"], "LINK")
            if event_hash(prev, ev) != ev["hash"]:
                return ChainStatus(count, ev["id"], "HASH")
            prev = ev["hash"]
            expected_id += 1
        head = uow.session.get(AuditHead, 1)
        if head is None or head.last_id != count or head.last_hash != prev:
            return ChainStatus(count, count + 1 if head and head.last_id > count else count, "HEAD")
        return ChainStatus(count, None, None)


def chain_head(uow: UnitOfWork) -> JournalMark:
    """The head of the chain (last event number and hash), read in the open unit of
    work: what lists, reports and anchors publish."""
    head = uow.session.execute(
        select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)
    ).one_or_none()
    if head is None:
        return JournalMark(0, GENESIS_HASH)
    return JournalMark(int(head.last_id), str(head.last_hash))


def stored_hash(uow: UnitOfWork, event: int) -> str | None:
    """The hash stored for event ``event`` (None: no such event), in the open unit of work."""
    table = AuditEvent.__table__
    found = uow.session.execute(select(table.c.hash).where(table.c.id == event)).scalar()
    return None if found is None else str(found)
