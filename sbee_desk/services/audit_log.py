"""Reading the journal d'audit: filtered pages of events, and their French words.

Every role may read the journal (business-rules.md, Permissions: "read
everything, … verify the audit trail"); the functions still check READ, so a
disabled or unknown user reads nothing. Filters run in SQL, set-based:

* dates are the user's days (local time), the stored times are UTC;
* ``police`` finds the events of a contract: its key for contract, derogation and
  interruption records, ``run:police`` for the lines of a selection run, and any
  ``"police": "…"`` in the before / after / details of an event;
* ``bordereau`` likewise: the key of bordereau events and ``"bordereau": "…"``.

:func:`action_label` names every action code (defined once, with its French name,
in :mod:`sbee_desk.domain.audit_actions`); the ``describe_*`` functions word an
event for the screen and for the Excel export.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
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
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import CATEGORY_LABELS, CustomerCategory, Decision
from sbee_desk.domain.permissions import Action
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import ChainStatus, verify_chain
from sbee_desk.services.authz import require
from sbee_desk.wording.labels import ACTION_LABELS, PLAN_FIELD_LABELS, ROLE_LABELS
from sbee_desk.wording.labels import DOCUMENT_STATUS_LABELS as STATUS_LABELS

#: filters that group several actions by their prefix, and their French names
ACTION_GROUPS: dict[str, str] = {
    "demo.*": "Démonstration (tout)",
}

#: rows of one page of the journal on screen
DEFAULT_PAGE_SIZE = 200


def action_label(code: str) -> str:
    """French name of an action code (:mod:`sbee_desk.domain.audit_actions`) or of a
    group filter; an unknown code is named as such, never bare."""
    if code in ACTION_GROUPS:
        return ACTION_GROUPS[code]
    try:
        return AuditAction(code).label
    except ValueError:
        pass
    if code.startswith("demo."):
        return f"Démonstration : {code.removeprefix('demo.')}"
    return f"Autre action ({code})"


def action_choices() -> list[tuple[str, str]]:
    """(code, French name) of what the action filter offers: every action, in the
    order of their definition, each group just before its first member."""
    out: list[tuple[str, str]] = []
    for action in AuditAction:
        group = f"{action.value.split('.', 1)[0]}.*"
        if group in ACTION_GROUPS and all(code != group for code, _ in out):
            out.append((group, ACTION_GROUPS[group]))
        out.append((action.value, action.label))
    return out


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


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        occurred_at=_aware(row.occurred_at),
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
    """Recompute the chain of the journal (any role: READ)."""
    with uow:
        require(uow, actor, Action.READ)
    return verify_chain(uow)


# --------------------------------------------------------------------------- words

_PROBLEMS = {
    "HASH": "son contenu a été modifié après coup",
    "LINK": "il n'est plus chaîné à l'événement précédent",
    "GAP": "un événement a été supprimé ou inséré à cet endroit",
    "HEAD": "les derniers événements ont été supprimés",
}


def chain_problem(status: ChainStatus) -> str:
    """Why the chain does not verify, in French ("" when it holds)."""
    if status.ok:
        return ""
    return _PROBLEMS.get(status.problem or "", "la vérification a échoué")


#: French name of every field the services write in a before / after / details (one
#: place; tests/integration/test_audit_words.py checks a day of work against it)
AUDIT_FIELD_LABELS: dict[str, str] = {
    **PLAN_FIELD_LABELS,
    # users and staff
    "full_name": "nom",
    "roles": "rôles",
    "active": "actif",
    "password": "mot de passe",
    "role": "fonction",
    "zones": "zones",
    # review, derogations
    "excluded_reason": "motif d'exclusion",
    "code": "cause",
    "reference": "référence",
    "decided_on": "décision du",
    "valid_until": "valable jusqu'au",
    "document_reference": "pièce",
    "recomputed_lines": "lignes recalculées",
    "run": "traitement n°",
    "letters": "lettres",
    "orders": "ordres",
    "excluded": "lignes exclues",
    "dropped_r7": "lignes retirées (R7)",
    "exclusions": "exclusions",
    # selection runs
    "run_on": "date du traitement",
    "agency": "agence",
    "counts": "décisions",
    "plans": "plans de recouvrement",
    # demonstration
    "police": "police",
    "created_on": "créée le",
    "delivered_on": "remise le",
    "delivered": "lettres remises",
    "derogations": "dérogations",
    # lists and the classeur
    "kind": "liste",
    "format": "format",
    "bordereau": "bordereau",
    "file_name": "fichier",
    "sha256": "empreinte",
    "size": "taille (octets)",
    "lines": "lignes",
    "is_copy": "copie",
    "out_dir": "dossier de sortie",
    # the night edition, the print queue, the hand-over
    "edition_on": "date d'édition",
    "pending": "lettres et ordres à éditer",
    "attempt": "tentative n°",
    "documents": "documents édités",
    "numbers": "documents",
    "cancelled_r7": "annulés par R7",
    "gaps": "documents avec données manquantes",
    "combined": "fichiers regroupés",
    "status": "état",
    "print_count": "impressions",
    "reprint_reason": "motif de réimpression",
    "handed_to": "remis à",
    "staff": "matricule",
    # R7
    "cancelled_on": "annulé le",
    "cancel_reason": "motif d'annulation",
    "document_id": "document",
    "recall_from": "agent à rappeler",
    # import
    "path": "emplacement",
    "files": "fichiers",
    "agencies_created": "agences créées",
    "zones_created": "zones créées",
    "warnings": "avertissements",
    "name": "nom",
    "address": "adresse",
    "quartier": "quartier",
    "phone": "téléphone",
    "category": "catégorie",
    "customer_code": "code client",
    "voltage": "tension",
    "delivery_point": "point de livraison",
    "meter_serial": "compteur",
    "breaker": "disjoncteur",
    "agency_code": "agence",
    "zone_code": "zone",
    "subscribed_on": "abonné le",
    "terminated_on": "résilié le",
    "period": "période",
    "number": "numéro",
    "bordereau_code": "bordereau",
    "issued_on": "émise le",
    "due_on": "échéance",
    "amount": "montant",
    "cancelled": "annulée",
    "invoice_number": "facture",
    "paid_on": "payée le",
    "suspended_on": "interrompu le",
    "restored_on": "rétabli le",
    # refusals
    "reason": "motif",
    "failed_attempts": "échecs consécutifs",
}

_REFUSAL_REASONS = {
    "bad_credentials": "identifiant ou mot de passe incorrect",
    "locked": "compte verrouillé",
    "inactive": "compte désactivé",
    "role": "rôle insuffisant",
    "unknown_or_inactive": "utilisateur inconnu ou désactivé",
}

_STAFF_ROLES = {
    "RELEVEUR": "Releveur",
    "AGENT_RECOUVREMENT": "Agent de recouvrement",
    "AGENT_RPNT": "Agent RPNT",
    "MAGASINIER": "Magasinier",
}

_LIST_KINDS = {
    "A_RELANCER": "À relancer",
    "A_RESILIER": "À résilier",
    "CONTROLE": "De contrôle",
}

_IMPORT_TABLES = {
    "clients": "Clients",
    "contrats": "Contrats",
    "bordereaux": "Bordereaux",
    "factures": "Factures",
    "reglements": "Règlements",
    "interruptions": "Interruptions",
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
NARROW_NBSP = "\u202f"
#: items of a long list shown before "… et N autres"
_LIST_HEAD = 6

#: fields whose value is worded as a whole (its inner names are not field names)
WHOLE_VALUES = frozenset({"counts", "plans", "files", "exclusions"})

_DOCUMENT_KINDS = {"LETTER": "lettre", "ORDER": "ordre"}
#: fields whose empty list reads « aucune »
_FEMININE = frozenset({"dropped_r7", "exclusions"})
_R7_CAUSES = {"RESTORED": "rétablissement", "PAID": "paiement"}
_FILE_FORMATS = {"pdf": "PDF", "xlsx": "Excel"}


def _count(value: int) -> str:
    return f"{value:,}".replace(",", NARROW_NBSP)


def _label(key: str, value: Any = None) -> str:
    if key == "counts" and value is not None and not _is_decision_counts(value):
        return "lignes importées"
    if key == "kind" and value in _DOCUMENT_KINDS:
        return "document"
    return AUDIT_FIELD_LABELS.get(key, key.replace("_", " "))


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return _count(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    text = str(value)
    if _ISO_DATE.match(text):
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
    if _ISO_DATETIME.match(text):
        try:
            moment = _aware(dt.datetime.fromisoformat(text)).astimezone()
        except ValueError:
            return text
        return f"{moment:%d/%m/%Y} {moment:%H}h{moment:%M}"
    return text


def _enum_label(labels: dict[Any, str], code: Any) -> str:
    for key, label in labels.items():
        if str(key) == str(code):
            return label
    return str(code)


def _head(items: list[str]) -> str:
    if len(items) <= _LIST_HEAD:
        return ", ".join(items)
    rest = len(items) - _LIST_HEAD
    return f"{', '.join(items[:_LIST_HEAD])} … et {_count(rest)} autre{'s' if rest > 1 else ''}"


def _number(value: Any) -> str:
    """A letter or order number as printed on it: eight digits."""
    return f"{int(value):08d}" if str(value).isdigit() else str(value)


def _value(key: str, value: Any, facts: dict[str, Any] | None = None) -> str:
    """A stored value in French, according to what it is (its key); ``facts`` are
    what the database says of the ids it holds (:func:`_read_facts`)."""
    if key == "agency" and not value:
        return "toutes"
    if key == "out_dir" and not value:
        return "aucun (listes gardées au classeur)"
    if key == "document_id":
        return "déjà édité" if value is not None else "pas encore édité"
    if value is None:
        return "—"
    if key == "handed_to" and not isinstance(value, bool) and isinstance(value, int):
        return ((facts or {}).get("staff") or {}).get(value) or f"personnel n° {value}"
    if key == "status" and isinstance(value, str):
        return _enum_label(STATUS_LABELS, value)
    if key == "code" and isinstance(value, str) and value in _R7_CAUSES:
        return _R7_CAUSES[value]
    if key == "format" and isinstance(value, str):
        return _FILE_FORMATS.get(value, value)
    if key == "kind" and isinstance(value, str) and value in _DOCUMENT_KINDS:
        return _DOCUMENT_KINDS[value]
    if key == "numbers" and isinstance(value, list):  # "L00000001": letter n° 00000001
        initials = {"L": "lettre", "O": "ordre"}
        return _head(
            [
                f"{initials[str(n)[0]]} n° {str(n)[1:]}" if str(n)[:1] in initials else str(n)
                for n in value
            ]
        )
    if key == "roles" and isinstance(value, list):
        return ", ".join(_enum_label(ROLE_LABELS, r) for r in value) or "aucun"
    if key == "role" and isinstance(value, str):
        return _STAFF_ROLES.get(value, value)
    if key == "zones" and isinstance(value, str):
        return ", ".join(z for z in value.split(",") if z) or "toute l'agence"
    if key == "category" and isinstance(value, str):
        return _enum_label(CATEGORY_LABELS, value)
    if key == "kind" and isinstance(value, str):
        return _LIST_KINDS.get(value, value)
    if key == "reason" and isinstance(value, str):
        return _REFUSAL_REASONS.get(value, value)
    if key == "amount" and isinstance(value, int) and not isinstance(value, bool):
        return f"{_count(value)}\u00a0FCFA"
    if key == "sha256" and isinstance(value, str):
        return f"{value[:12]}…"
    if key == "counts" and isinstance(value, dict):
        return _counts(value)
    if key == "plans" and isinstance(value, dict):
        return f"valeurs de {_count(len(value))} catégories conservées"
    if key == "files" and isinstance(value, list):
        return _head([str(f.get("name", f)) if isinstance(f, dict) else str(f) for f in value])
    if key == "exclusions" and isinstance(value, list) and value:
        return _head(
            [
                f"{e.get('police')} ({e.get('reason')})" if isinstance(e, dict) else str(e)
                for e in value
            ]
        )
    if isinstance(value, list):
        return _head([_value(key, v, facts) for v in value]) or (
            "aucune" if key in _FEMININE else "aucun"
        )
    if isinstance(value, dict):
        return (
            "(" + ", ".join(f"{_label(k)} : {_value(k, v, facts)}" for k, v in value.items()) + ")"
        )
    return _scalar(value)


#: decision counts of a run, in a sentence: "21 à résilier, 5 exemptés"
_DECISION_WORDS: dict[str, tuple[str, str]] = {
    Decision.RESILIATION.value: ("à résilier", "à résilier"),
    Decision.RELANCE.value: ("à relancer", "à relancer"),
    Decision.ATTENTE_RELANCE.value: ("en attente de relance", "en attente de relance"),
    Decision.EXEMPTE.value: ("exempté", "exemptés"),
}


def _is_decision_counts(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(_DECISION_WORDS)


def _counts(counts: dict[str, Any]) -> str:
    """Decision counts of a run, or row counts per table of an import."""
    if _is_decision_counts(counts):
        parts = []
        for code, (one, many) in _DECISION_WORDS.items():
            if code in counts:
                n = counts[code]
                parts.append(f"{_scalar(n)} {one if n <= 1 else many}")
        return ", ".join(parts)
    parts = []
    for table, numbers in counts.items():
        name = _IMPORT_TABLES.get(str(table).lower(), str(table))
        if isinstance(numbers, dict):
            parts.append(
                f"{name} : {_scalar(numbers.get('inserted', 0))} lignes ajoutées, "
                f"{_scalar(numbers.get('updated', 0))} mises à jour, "
                f"{_scalar(numbers.get('unchanged', 0))} inchangées"
            )
        else:
            parts.append(f"{name} : {_scalar(numbers)}")
    return " ; ".join(parts)


def _pairs(values: dict[str, Any] | None, facts: dict[str, Any]) -> list[str]:
    return [f"{_label(k, v)} : {_value(k, v, facts)}" for k, v in (values or {}).items()]


def describe_change(entry: AuditEntry) -> str:
    """Avant → après in French: only what changed; the new values of a creation."""
    before = entry.before or {}
    after = entry.after or {}
    facts = entry.facts
    parts: list[str] = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key == "code" and "excluded_reason" in after:  # the reason's words say it
            continue
        if key in before and key in after:
            if before[key] == after[key]:
                continue
            parts.append(
                f"{_label(key)} : {_value(key, before[key], facts)} → "
                f"{_value(key, after[key], facts)}"
            )
        elif key in after:
            parts.append(f"{_label(key, after[key])} : {_value(key, after[key], facts)}")
        else:
            parts.append(f"{_label(key)} : {_value(key, before[key], facts)} → —")
    return " ; ".join(parts)


#: details the object already words (:func:`describe_object`), not repeated
_NAMED_IN_OBJECT: dict[str, frozenset[str]] = {
    "edition_document": frozenset({"kind", "number", "police"}),
    "reminder_letter": frozenset({"police"}),
    "work_order": frozenset({"police"}),
}


def describe_details(entry: AuditEntry) -> str:
    named = _NAMED_IN_OBJECT.get(entry.entity or "", frozenset())
    shown = {k: v for k, v in (entry.details or {}).items() if k not in named}
    return " ; ".join(_pairs(shown, entry.facts))


def describe_object(entry: AuditEntry) -> str:
    """What the event is about, as the agency names it: "Ordre n° 00000012, police …",
    "Édition du 22/11/2026 (n° 3)", "Bordereau BT-…". What the event does not say (the
    events written before #10) comes from ``entry.facts``, read with the page."""
    entity, key = entry.entity, entry.entity_key or ""
    after = entry.after or {}
    details = entry.details or {}
    facts = entry.facts
    if entity is None:
        return "Export de la gestion clientèle" if entry.action == AuditAction.IMPORT else "—"
    if entity == "action":
        if key == "LOGIN":
            return "Connexion"
        try:
            return f"Droit : {ACTION_LABELS[Action(key)]}"
        except ValueError:
            return f"Droit : {key}"
    mentioned = after.get("police") or details.get("police") or facts.get("police")
    of_police = f", police {mentioned}" if mentioned else ""
    if entity == "candidate" and ":" in key:
        run, police = key.split(":", 1)
        return f"Contrat {police} (traitement n° {run})"
    if entity == "recovery_plan":
        try:
            return f"Plan « {CATEGORY_LABELS[CustomerCategory(key)]} »"
        except ValueError:
            return f"Plan « {key} »"
    if entity == "derogation":
        if mentioned and mentioned != key:
            return f"Dérogation DG n° {key}, police {mentioned}"
        return f"Dérogation DG, police {key}"
    if entity in ("reminder_letter", "work_order"):
        word = "Lettre" if entity == "reminder_letter" else "Ordre"
        return f"{word} n° {_number(key)}{of_police}"
    if entity == "edition_document":
        kind = details.get("kind") or facts.get("kind")
        number = details.get("number") or facts.get("number")
        word = _DOCUMENT_KINDS.get(str(kind), "document").capitalize()
        if number:
            return f"{word} n° {number}{of_police}"
        return f"{word} édité (référence interne {key}){of_police}"
    if entity == "edition_batch":
        on = after.get("edition_on") or facts.get("edition_on")
        return f"Édition du {_scalar(str(on))} (n° {key})" if on else f"Édition n° {key}"
    if entity == "selection_run":
        on = after.get("run_on") or facts.get("run_on")
        return f"Traitement n° {key} du {_scalar(str(on))}" if on else f"Traitement n° {key}"
    if entity == "archive_entry":
        kind = after.get("kind") or facts.get("kind")
        bordereau = after.get("bordereau") or facts.get("bordereau")
        file_format = after.get("format") or facts.get("format")
        if kind and bordereau:
            what = _LIST_KINDS.get(str(kind), str(kind)).lower()
            how = (
                f" ({_FILE_FORMATS.get(str(file_format), str(file_format))})" if file_format else ""
            )
            return f"Liste {what}{how}, bordereau {bordereau}"
        return f"Liste archivée n° {key}"
    if entity == "interruptions" and "/" in key:
        police, day = key.split("/", 1)
        return f"Interruption, police {police} du {_scalar(day)}"
    if entity == "reglements" and "/" in key:
        invoice, reference = key.split("/", 1)
        return f"Règlement {reference} de la facture {invoice}"
    if entity == "staff":
        name = after.get("name")
        return f"Personnel {key}, {name}" if name else f"Personnel, matricule {key}"
    names = {
        "user": "Utilisateur",
        "bordereau": "Bordereau",
        "bordereaux": "Bordereau",
        "contract": "Contrat",
        "contrats": "Contrat",
        "clients": "Client",
        "factures": "Facture",
        "agency": "Agence",
    }
    return f"{names.get(entity, entity)} {key}".strip()


def describe_actor(entry: AuditEntry) -> str:
    """``Rodrigue Tossou (chef)``, or the login alone when it is no user's."""
    return f"{entry.actor_name} ({entry.actor})" if entry.actor_name else entry.actor


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


def describe_filter(wanted: AuditFilter) -> str:
    """The filters of an export, in French ("" when none)."""
    parts = []
    if wanted.date_from is not None:
        parts.append(f"du {wanted.date_from:%d/%m/%Y}")
    if wanted.date_to is not None:
        parts.append(f"au {wanted.date_to:%d/%m/%Y}")
    if wanted.user:
        parts.append(f"utilisateur {wanted.user}")
    if wanted.action:
        parts.append(f"action « {action_label(wanted.action)} »")
    if wanted.police:
        parts.append(f"police {wanted.police.strip()}")
    if wanted.bordereau:
        parts.append(f"bordereau {wanted.bordereau.strip()}")
    return ", ".join(parts)


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
    filters = describe_filter(wanted)
    heading = [
        "Journal d'audit",
        f"Exporté le {when:%d/%m/%Y} à {when:%H}h{when:%M} par {actor.full_name or actor.login}"
        f" ({actor.login}) — {_count(total)} événement{'s' if total > 1 else ''}"
        + (f" ; filtres : {filters}" if filters else " ; sans filtre"),
    ]
    rows = (audit_row(e) for e in iter_audit_events(uow.__class__(uow.engine), actor, wanted))
    return export_audit_xlsx(
        rows,
        path,
        heading=heading,
        progress=(lambda done: progress(done, total)) if progress is not None else None,
        cancelled=cancelled,
    )
