"""The journal d'audit in French: each event's action, object, change and details, the
filters of an export, the chain's problem — for the screen and the Excel export alike
(moved from ``services``, #11). Plain values in, French out: the services read the
events, the words are put together here."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.domain.permissions import Action
from sbee_desk.wording.audit import (
    AUDIT_EXPORT_TITLE,
    AUDIT_LIST_KINDS,
    CHAIN_PROBLEMS,
    DOCUMENT_KINDS,
    REFUSAL_REASONS,
)
from sbee_desk.wording.audit import AUDIT_FIELD_LABELS as AUDIT_FIELD_LABELS
from sbee_desk.wording.formats import agree, format_count, plural
from sbee_desk.wording.labels import (
    ACTION_LABELS,
    AUDIT_ACTION_LABELS,
    CATEGORY_LABELS,
    DECISION_COUNT_WORDS,
    IMPORT_TABLE_LABELS,
    ORDER_KIND_LABELS,
    ORDER_STATUS_LABELS,
    ROLE_LABELS,
    STAFF_ROLE_LABELS,
    TERMINATION_CAUSE_LABELS,
)
from sbee_desk.wording.labels import DOCUMENT_STATUS_LABELS as STATUS_LABELS


class AuditEvent(Protocol):
    """What the words read of an event (``services.audit_log.AuditEntry``)."""

    @property
    def occurred_at(self) -> dt.datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def actor_name(self) -> str | None: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str | None: ...
    @property
    def entity_key(self) -> str | None: ...
    @property
    def before(self) -> dict[str, Any] | None: ...
    @property
    def after(self) -> dict[str, Any] | None: ...
    @property
    def details(self) -> dict[str, Any] | None: ...
    @property
    def facts(self) -> dict[str, Any]: ...


class AuditWanted(Protocol):
    """What the words read of the filters of an export (``AuditFilter``)."""

    @property
    def date_from(self) -> dt.date | None: ...
    @property
    def date_to(self) -> dt.date | None: ...
    @property
    def user(self) -> str | None: ...
    @property
    def action(self) -> str | None: ...
    @property
    def police(self) -> str | None: ...
    @property
    def bordereau(self) -> str | None: ...


class ChainCheck(Protocol):
    """What the words read of the chain's verification (``services.audit.ChainStatus``)."""

    @property
    def ok(self) -> bool: ...
    @property
    def problem(self) -> str | None: ...


#: filters that group several actions by their prefix, and their French names
ACTION_GROUPS: dict[str, str] = {
    "demo.*": "Démonstration (tout)",
}


def action_label(code: str) -> str:
    """French name of an action code (:mod:`sbee_desk.domain.audit_actions`) or of a
    group filter; an unknown code is named as such, never bare."""
    if code in ACTION_GROUPS:
        return ACTION_GROUPS[code]
    try:
        return AUDIT_ACTION_LABELS[AuditAction(code)]
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
        out.append((action.value, AUDIT_ACTION_LABELS[action]))
    return out


def chain_problem(status: ChainCheck) -> str:
    """Why the chain does not verify, in French ("" when it holds)."""
    if status.ok:
        return ""
    return CHAIN_PROBLEMS.get(status.problem or "", "la vérification a échoué")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
#: items of a long list shown before "… et N autres"
_LIST_HEAD = 6

#: fields whose value is worded as a whole (its inner names are not field names)
WHOLE_VALUES = frozenset({"counts", "plans", "files", "exclusions"})

#: fields whose empty list reads « aucune »
_FEMININE = frozenset({"dropped_r7", "exclusions"})
_R7_CAUSES = {"RESTORED": "rétablissement", "PAID": "paiement"}
_FILE_FORMATS = {"pdf": "PDF", "xlsx": "Excel"}


def _label(key: str, value: Any = None) -> str:
    if key == "counts" and value is not None and not _is_decision_counts(value):
        return "lignes importées"
    if key == "kind" and value in DOCUMENT_KINDS:
        return "document"
    return AUDIT_FIELD_LABELS.get(key, key.replace("_", " "))


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return format_count(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    text = str(value)
    if _ISO_DATE.match(text):
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
    if _ISO_DATETIME.match(text):
        try:
            moment = dt.datetime.fromisoformat(text)
            moment = (
                moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
            ).astimezone()
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
    return f"{', '.join(items[:_LIST_HEAD])} … et {plural(rest, 'autre', 'autres')}"


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
        return _enum_label({**STATUS_LABELS, **ORDER_STATUS_LABELS}, value)
    if key == "code" and isinstance(value, str) and value in _R7_CAUSES:
        return _R7_CAUSES[value]
    if key == "format" and isinstance(value, str):
        return _FILE_FORMATS.get(value, value)
    if key == "kind" and isinstance(value, str) and value in DOCUMENT_KINDS:
        return DOCUMENT_KINDS[value]
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
        return STAFF_ROLE_LABELS.get(value, value)
    if key == "zones" and isinstance(value, str):
        return ", ".join(z for z in value.split(",") if z) or "toute l'agence"
    if key == "category" and isinstance(value, str):
        return _enum_label(CATEGORY_LABELS, value)
    if key == "cause" and isinstance(value, str):
        return TERMINATION_CAUSE_LABELS.get(value, value)
    if key == "order_kind" and isinstance(value, str):
        return _enum_label(ORDER_KIND_LABELS, value)
    if key == "kind" and isinstance(value, str):
        return AUDIT_LIST_KINDS.get(value, value)
    if key == "reason" and isinstance(value, str):
        return REFUSAL_REASONS.get(value, value)
    if key == "amount" and isinstance(value, int) and not isinstance(value, bool):
        return f"{format_count(value)}\u00a0FCFA"
    if key == "sha256" and isinstance(value, str):
        return f"{value[:12]}…"
    if key == "counts" and isinstance(value, dict):
        return _counts(value)
    if key == "plans" and isinstance(value, dict):
        return f"valeurs de {format_count(len(value))} catégories conservées"
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


def _is_decision_counts(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(DECISION_COUNT_WORDS)


def _counts(counts: dict[str, Any]) -> str:
    """Decision counts of a run, or row counts per table of an import."""
    if _is_decision_counts(counts):
        parts = []
        for code, (one, many) in DECISION_COUNT_WORDS.items():
            if code in counts:
                n = counts[code]
                parts.append(f"{_scalar(n)} {agree(n, one, many)}")
        return ", ".join(parts)
    parts = []
    for table, numbers in counts.items():
        name = IMPORT_TABLE_LABELS.get(str(table).lower(), str(table))
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


def describe_change(entry: AuditEvent) -> str:
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


def describe_details(entry: AuditEvent) -> str:
    named = _NAMED_IN_OBJECT.get(entry.entity or "", frozenset())
    shown = {k: v for k, v in (entry.details or {}).items() if k not in named}
    return " ; ".join(_pairs(shown, entry.facts))


def describe_object(entry: AuditEvent) -> str:
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
        word = DOCUMENT_KINDS.get(str(kind), "document").capitalize()
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
            what = AUDIT_LIST_KINDS.get(str(kind), str(kind)).lower()
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
    if entity == "route_sheet":
        return f"Feuilles de route du {_scalar(key)}"
    if entity == "agency_setting":
        return "Paramètres du retour magasin" if key == "store" else "Paramètres de la répartition"
    if entity == "stock_sheet":
        return f"Fiche de mouvement de stock n° {key}"
    if entity == "gc_return_file":
        name = after.get("file_name") or facts.get("file_name")
        return f"Fichier retour gestion clientèle {name}" if name else f"Fichier retour n° {key}"
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
        "handoff_batch": "Transmission n°",
    }
    return f"{names.get(entity, entity)} {key}".strip()


def describe_actor(entry: AuditEvent) -> str:
    """``Rodrigue Tossou (chef)``, or the login alone when it is no user's."""
    return f"{entry.actor_name} ({entry.actor})" if entry.actor_name else entry.actor


def describe_filter(wanted: AuditWanted) -> str:
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


def export_heading(
    when: dt.datetime, actor_name: str | None, actor_login: str, total: int, filters: str
) -> list[str]:
    """The two heading lines of an exported journal: its title, then when, by whom,
    how many events and which filters (``filters``: :func:`describe_filter`)."""
    return [
        AUDIT_EXPORT_TITLE,
        f"Exporté le {when:%d/%m/%Y} à {when:%H}h{when:%M} par {actor_name or actor_login}"
        f" ({actor_login}) — {plural(total, 'événement', 'événements')}"
        + (f" ; filtres : {filters}" if filters else " ; sans filtre"),
    ]
