"""Reading the journal d'audit: filtered pages of events, and their export.

Every role may read the journal (business-rules.md, Permissions: "read
everything, … verify the audit trail"); the functions still check READ, so a
disabled or unknown user reads nothing. Filters run in SQL, set-based:

* dates are the user's days (local time), the stored times are UTC;
* ``police`` finds the events of a contract: its key for contract, derogation and
  interruption records, ``run:police`` for the lines of a selection run, and any
  ``"police": "…"`` in the before / after / details of an event;
* ``bordereau`` likewise: the key of bordereau events and ``"bordereau": "…"``.

The French words of an event (its action, object, change, details) are put together
in :mod:`sbee_desk.wording.audit_text`, for the screen and for the Excel export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from sbee_desk.db.models import (
    ArchiveEntry,
    AuditEvent,
    EditionBatch,
    EditionDocument,
    SelectionRun,
    StaffMember,
    User,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.audit_export import AuditRow, export_audit_xlsx
from sbee_desk.documents.audit_export import ExportCancelled as ExportCancelled
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit_anchor
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import ChainStatus, chain_head
from sbee_desk.services.audit_log_model import AuditChoices as AuditChoices
from sbee_desk.services.audit_log_model import AuditEntry as AuditEntry
from sbee_desk.services.audit_log_model import AuditFilter as AuditFilter
from sbee_desk.services.audit_log_model import AuditPage as AuditPage
from sbee_desk.services.audit_log_model import aware
from sbee_desk.services.authz import require
from sbee_desk.wording.audit_text import (
    action_label,
    describe_actor,
    describe_change,
    describe_details,
    describe_filter,
    describe_object,
    export_heading,
)

#: rows of one page of the journal on screen
DEFAULT_PAGE_SIZE = 200


_E = AuditEvent
_LIKE_ESCAPE = "\\"


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _day_start(day: dt.date, dialect: str) -> dt.datetime:
    """Local midnight of ``day``, in UTC (naive on SQLite, which stores naive UTC)."""
    moment = dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.UTC)
    return moment.replace(tzinfo=None) if dialect == "sqlite" else moment


def _json_mentions(key: str, value: str) -> list[ColumnElement[bool]]:
    """``"key": "value"`` in the before, after or details of an event."""
    encoded = json.dumps(value)
    patterns = [f'%"{key}": {_like_escape(encoded)}%', f'%"{key}":{_like_escape(encoded)}%']
    return [
        cast(column, Text).like(pattern, escape=_LIKE_ESCAPE)
        for column in (_E.before, _E.after, _E.details)
        for pattern in patterns
    ]


def _conditions(dialect: str, f: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.date_from is not None:
        conditions.append(_E.occurred_at >= _day_start(f.date_from, dialect))
    if f.date_to is not None:
        conditions.append(_E.occurred_at < _day_start(f.date_to + dt.timedelta(days=1), dialect))
    if f.user:
        conditions.append(_E.actor == f.user.strip())
    if f.action:
        if f.action.endswith(".*"):
            prefix = _like_escape(f.action[:-1])
            conditions.append(_E.action.like(f"{prefix}%", escape=_LIKE_ESCAPE))
        else:
            conditions.append(_E.action == f.action)
    police = (f.police or "").strip()
    if police:
        conditions.append(
            or_(
                and_(
                    _E.entity.in_(("contract", "contrats", "derogation")), _E.entity_key == police
                ),
                and_(
                    _E.entity == "candidate",
                    _E.entity_key.like(f"%:{_like_escape(police)}", escape=_LIKE_ESCAPE),
                ),
                and_(
                    _E.entity == "interruptions",
                    _E.entity_key.like(f"{_like_escape(police)}/%", escape=_LIKE_ESCAPE),
                ),
                *_json_mentions("police", police),
            )
        )
    bordereau = (f.bordereau or "").strip()
    if bordereau:
        conditions.append(
            or_(
                and_(_E.entity.in_(("bordereau", "bordereaux")), _E.entity_key == bordereau),
                *_json_mentions("bordereau", bordereau),
            )
        )
    return conditions


def _entries_query(conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    return (
        select(
            _E.id,
            _E.occurred_at,
            _E.actor,
            User.full_name,
            _E.action,
            _E.entity,
            _E.entity_key,
            _E.before,
            _E.after,
            _E.details,
        )
        .outerjoin(User, User.login == _E.actor)
        .where(*conditions)
    )


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        occurred_at=aware(row.occurred_at),
        actor=row.actor,
        actor_name=row.full_name,
        action=row.action,
        entity=row.entity,
        entity_key=row.entity_key,
        before=row.before,
        after=row.after,
        details=row.details,
    )


def _ids(
    entries: Sequence[AuditEntry], entity: str, *, unless: Callable[[AuditEntry], Any]
) -> set[int]:
    """Ids of the ``entity`` objects of some events, but those ``unless`` says are named."""
    keys = {e.entity_key or "" for e in entries if e.entity == entity and not unless(e)}
    return {int(key) for key in keys if key.isdigit()}


def _handed_to(entry: AuditEntry) -> list[int]:
    return [
        v["handed_to"]
        for v in (entry.before, entry.after)
        if v and isinstance(v.get("handed_to"), int)
    ]


def _with_facts(session: Session, entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """The entries with the facts that name their objects when the events do not say
    them (:attr:`AuditEntry.facts`): one query per kind of object for the whole page,
    none when every event says it all."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    documents = _ids(
        entries,
        "edition_document",
        unless=lambda e: {"kind", "number", "police"} <= set(e.details or {}),
    )
    if documents:
        for row in session.execute(
            select(
                EditionDocument.id,
                EditionDocument.kind,
                EditionDocument.number,
                EditionDocument.police,
            ).where(EditionDocument.id.in_(documents))
        ):
            found["edition_document", str(row.id)] = {
                "kind": row.kind,
                "number": row.number,
                "police": row.police,
            }
    batches = _ids(entries, "edition_batch", unless=lambda e: (e.after or {}).get("edition_on"))
    if batches:
        for batch in session.execute(
            select(EditionBatch.id, EditionBatch.edition_on).where(EditionBatch.id.in_(batches))
        ):
            found["edition_batch", str(batch.id)] = {"edition_on": batch.edition_on.isoformat()}
    runs = _ids(entries, "selection_run", unless=lambda e: (e.after or {}).get("run_on"))
    if runs:
        for run in session.execute(
            select(SelectionRun.id, SelectionRun.run_on).where(SelectionRun.id.in_(runs))
        ):
            found["selection_run", str(run.id)] = {"run_on": run.run_on.isoformat()}
    lists = _ids(entries, "archive_entry", unless=lambda e: (e.after or {}).get("bordereau"))
    if lists:
        for entry in session.execute(
            select(
                ArchiveEntry.id,
                ArchiveEntry.kind,
                ArchiveEntry.file_format,
                ArchiveEntry.bordereau_code,
            ).where(ArchiveEntry.id.in_(lists))
        ):
            found["archive_entry", str(entry.id)] = {
                "kind": entry.kind,
                "format": entry.file_format,
                "bordereau": entry.bordereau_code,
            }
    staff_ids = {i for e in entries for i in _handed_to(e)}
    staff: dict[int, str] = {}
    if staff_ids:
        staff = {
            row.id: f"{row.name} ({row.matricule})"
            for row in session.execute(
                select(StaffMember.id, StaffMember.name, StaffMember.matricule).where(
                    StaffMember.id.in_(staff_ids)
                )
            )
        }
    out = []
    for e in entries:
        facts = dict(found.get((e.entity or "", e.entity_key or ""), {}))
        if staff and _handed_to(e):
            facts["staff"] = staff
        out.append(replace(e, facts=facts) if facts else e)
    return out


def audit_events(
    uow: UnitOfWork,
    actor: Actor,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user: str | None = None,
    action: str | None = None,
    police: str | None = None,
    bordereau: str | None = None,
    offset: int = 0,
    limit: int = DEFAULT_PAGE_SIZE,
    newest_first: bool = True,
) -> AuditPage:
    """One page of the events matching the filters, newest first, and their total."""
    wanted = AuditFilter(date_from, date_to, user, action, police, bordereau)
    offset, limit = max(offset, 0), max(limit, 1)
    with uow:
        require(uow, actor, Action.READ)
        conditions = _conditions(uow.dialect, wanted)
        total = uow.session.scalar(select(func.count()).select_from(_E).where(*conditions)) or 0
        order = _E.id.desc() if newest_first else _E.id.asc()
        rows = uow.session.execute(
            _entries_query(conditions).order_by(order).offset(offset).limit(limit)
        ).all()
        entries = _with_facts(uow.session, [_entry(r) for r in rows])
        return AuditPage(tuple(entries), total, offset, limit)


def iter_audit_events(
    uow: UnitOfWork,
    actor: Actor,
    wanted: AuditFilter,
    *,
    newest_first: bool = True,
    batch: int = 2000,
) -> Iterator[AuditEntry]:
    """Every event matching the filters (for the export), read by batches of ids."""
    with uow:
        require(uow, actor, Action.READ)
        conditions = _conditions(uow.dialect, wanted)
        last: int | None = None
        while True:
            query = _entries_query(conditions)
            if last is not None:
                query = query.where(_E.id < last if newest_first else _E.id > last)
            query = query.order_by(_E.id.desc() if newest_first else _E.id.asc()).limit(batch)
            rows = uow.session.execute(query).all()
            if not rows:
                return
            yield from _with_facts(uow.session, [_entry(row) for row in rows])
            last = rows[-1].id


def count_audit_events(uow: UnitOfWork, actor: Actor, wanted: AuditFilter) -> int:
    with uow:
        require(uow, actor, Action.READ)
        conditions = _conditions(uow.dialect, wanted)
        return uow.session.scalar(select(func.count()).select_from(_E).where(*conditions)) or 0


def audit_choices(uow: UnitOfWork, actor: Actor) -> AuditChoices:
    """The users (and other logins) found in the journal and the actions it holds."""
    with uow:
        require(uow, actor, Action.READ)
        names = {
            row.login: row.full_name
            for row in uow.session.execute(select(User.login, User.full_name))
        }
        actors = set(uow.session.scalars(select(_E.actor).distinct()))
        actions = sorted(set(uow.session.scalars(select(_E.action).distinct())))
    users = tuple((login, names.get(login)) for login in sorted(actors | set(names)))
    return AuditChoices(users, tuple(actions))


def verify_journal(uow: UnitOfWork, actor: Actor) -> ChainStatus:
    """Recompute the chain of the journal and check it against the anchors file
    (#12: a journal cut, wiped or rewritten whole) (any role: READ)."""
    with uow:
        require(uow, actor, Action.READ)
    return audit_anchor.verify_with_anchors(uow).as_chain_status()


# --------------------------------------------------------------------------- export


def audit_row(entry: AuditEntry) -> AuditRow:
    """An event worded for the Excel export (the same words as on screen)."""
    return AuditRow(
        id=entry.id,
        occurred_at=entry.occurred_at,
        user=describe_actor(entry),
        action=action_label(entry.action),
        object=describe_object(entry),
        change=describe_change(entry),
        details=describe_details(entry),
    )


def export_journal(
    uow: UnitOfWork,
    actor: Actor,
    wanted: AuditFilter,
    path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the events matching ``wanted`` to the workbook ``path``, newest first.

    Returns how many events were written; :class:`ExportCancelled` when cancelled.
    """
    total = count_audit_events(uow, actor, wanted)
    when = dt.datetime.now().astimezone()
    heading = export_heading(when, actor.full_name, actor.login, total, describe_filter(wanted))
    with uow:
        journal = chain_head(uow)  # printed on the export (#12)
    rows = (audit_row(e) for e in iter_audit_events(uow.__class__(uow.engine), actor, wanted))
    written = export_audit_xlsx(
        rows,
        path,
        heading=heading,
        journal=journal,
        progress=(lambda done: progress(done, total)) if progress is not None else None,
        cancelled=cancelled,
    )
    audit_anchor.publish_quietly(uow, audit_anchor.AnchorReason.EXPORT)
    return written
