"""The French words of a contract's dossier (``services.contract_card``): one sentence
per event, as ``contract show`` prints it, the dossier window shows it and its PDF
prints it (#15, #16). A new kind of event is one line of ``_WORDS``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import Decision
from sbee_desk.wording.formats import format_amount, format_period, local_datetime, plural
from sbee_desk.wording.labels import (
    AUDIT_ACTION_LABELS,
    CONTRACT_STATUS_LABELS,
    DECISION_LABELS,
    ORDER_STATUS_LABELS,
    REMARK_LABELS,
    TERMINATION_CAUSE_LABELS,
)

_KIND = {"DEPOSE": "Ordre de dépose", "CONTROLE_INDEX": "Ordre de contrôle d'index"}
_DOCUMENT = {"LETTER": "Lettre", "ORDER": "Ordre"}
#: how an assignment ended (domain.dispatch.AssignmentEnd), but by its visit
_END = {
    "REASSIGNED": "réaffecté ensuite",
    "UNASSIGNED": "repris ensuite",
    "RECALLED": "agent rappelé, ordre annulé",
    "NOT_DONE": "visite non exécutée",
}
#: why validation dropped a line (domain.enums.DropReason), in a few words
DROP_WORDS = {
    "TERMINATED": "contrat déjà résilié (R7)",
    "NEW_SUSPENSION": "une suspension plus récente relance la procédure (R7)",
    "RESTORED": "rétabli avant la validation (R7)",
    "LETTER_CANCELLED": "lettre de relance annulée (R7)",
    "ALREADY_VALIDATED": "lettre ou ordre déjà validé dans un autre traitement (R13)",
    "DELAY": "délai après suspension non atteint (R2)",
    "PAID": "factures réglées avant la validation (R7)",
}
#: the lists of the hand-off (R12)
HANDOFF_WORDS = {
    "APUREMENT": "à l'apurement de contrat",
    "CONTENTIEUX": "au recouvrement sur contentieux",
}
#: the lines of the return file (docs/return-file-format.md)
GC_LINE_WORDS = {
    "RESILIATION": "résiliation et index final",
    "INDEX_MT": "index relevé",
    "ADRESSE": "difficulté d'adresse",
}


def _date(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else "—"


def _cri(f: Mapping[str, Any]) -> str:
    time = str(f["time"]).replace(":", "h")
    by = f" par l'agent {f['agent']}" if f["agent"] else ""
    if f["done"]:
        text = f"CRI de l'ordre n° {f['number']} : visite à {time}{by}, exécutée"
        if f["index"] is not None:
            text += f", index {f['index']}"
        if f["meter"]:
            text += f", compteur {f['meter']}"
    else:
        text = f"CRI de l'ordre n° {f['number']} : visite à {time}{by}, non exécutée"
    if f["remarks"]:
        text += " (" + ", ".join(REMARK_LABELS.get(c, c) for c in f["remarks"]) + ")"
    if f["outside_window"]:
        text += " — hors horaire (R9)"
    return text


def _termination(f: Mapping[str, Any]) -> str:
    if f["from_export"]:
        return "Contrat résilié (date de la gestion clientèle)"
    cause = TERMINATION_CAUSE_LABELS.get(str(f["cause"]), str(f["cause"]))
    reason = f.get("reason")
    return f"Contrat résilié : {cause}" + (f" — {reason}" if reason else "")


def _invoice(f: Mapping[str, Any]) -> str:
    text = (
        f"Facture n° {f['number']} ({format_period(str(f['period']))}) : "
        f"{format_amount(f['amount'])}"
    )
    if f["due_on"] is not None:
        text += f", échéance le {_date(f['due_on'])}"
    if f["cancelled"]:
        return text + " — annulée"
    if f["balance"] == 0:
        return text + " — réglée"
    if f["paid"]:
        return text + f" — reste dû {format_amount(f['balance'])}"
    return text + " — impayée"


def _selection(f: Mapping[str, Any]) -> str:
    try:
        decision = DECISION_LABELS[Decision(f["decision"])]
    except ValueError:
        decision = str(f["decision"])
    text = f"Traitement n° {f['run']} : « {decision} »"
    if f["decision"] == "RESILIATION":
        text += f" ({_KIND.get(f['order_kind'], 'ordre').lower()})"
    text += (
        f", {plural(f['unpaid_count'], 'facture impayée', 'factures impayées')} "
        f"({format_amount(f['amount_due'])})"
    )
    if f["derogation"]:
        text += f", dérogation DG {f['derogation']}"
    return text


def _exclusion(f: Mapping[str, Any]) -> str:
    label, reason = f["label"] or f["code"] or "", f["reason"] or ""
    why = reason if reason.startswith(label) else " — ".join(x for x in (label, reason) if x)
    return f"Traitement n° {f['run']} : ligne exclue ({why or 'motif non précisé'})"


def _validation(f: Mapping[str, Any]) -> str:
    head = f"Traitement n° {f['run']} validé : "
    outcome = f["outcome"]
    if outcome == "EXCLUDED":
        return head + "ligne exclue, ni lettre ni ordre"
    if outcome == "DROPPED":
        why = DROP_WORDS.get(str(f["dropped"]), "rétabli ou réglé entre-temps (R7)")
        return head + f"ligne retirée, {why}"
    if outcome == "LETTER":
        return head + "lettre de relance à éditer"
    if outcome == "ORDER":
        return head + f"{_KIND.get(f['order_kind'], 'ordre').lower()} à éditer"
    return head + "ni lettre ni ordre"


def _delivered(f: Mapping[str, Any]) -> str:
    if f["impossible"]:
        text = f"Lettre n° {f['number']} : remise impossible ({f['impossible']})"
    else:
        text = f"Lettre n° {f['number']} remise" + (f" à : {f['to']}" if f.get("to") else "")
    if f.get("by"):
        text += f", par {f['by']}"
    if f.get("attempts", 1) > 1:
        text += f" ({f['attempts']}e présentation)"
    return text


def _printed(f: Mapping[str, Any]) -> str:
    text = f"{_DOCUMENT.get(f['document'], 'Document')} n° {f['number']} imprimée"
    if f["document"] == "ORDER":
        text = text[:-1]
    return text + (f" ({f['count']} impressions)" if f["count"] > 1 else "")


def _handed(f: Mapping[str, Any]) -> str:
    text = f"{_DOCUMENT.get(f['document'], 'Document')} n° {f['number']} confiée"
    if f["document"] == "ORDER":
        text = text[:-1]
    return text + (f" à {f['to']}" if f["to"] else "") + " pour distribution"


def _audit(f: Mapping[str, Any]) -> str:
    try:
        label = AUDIT_ACTION_LABELS[AuditAction(f["action"])]
    except ValueError:
        label = str(f["action"])
    return f"Journal n° {f['id']} : {label}"


_WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "subscription": lambda f: f"Abonnement souscrit ({f['voltage']})",
    "invoice": _invoice,
    "payment": lambda f: (
        f"Règlement {f['reference']} de {format_amount(f['amount'])} (facture n° {f['invoice']})"
    ),
    "derogation": lambda f: (
        f"Dérogation DG n° {f['reference']}"
        + (f", valable jusqu'au {_date(f['valid_until'])}" if f["valid_until"] else "")
        + (f" (pièce {f['document']})" if f["document"] else "")
    ),
    "selection": _selection,
    "exclusion": _exclusion,
    "validation": _validation,
    "document_printed": _printed,
    "document_handed": _handed,
    "handoff": lambda f: (
        f"Transmis {HANDOFF_WORDS.get(f['list'], str(f['list']))} "
        f"(transmission n° {f['number']}"
        + (
            f", solde {format_amount(f['balance'])})"
            if f["list"] == "APUREMENT"
            else f", {format_amount(f['due'])} dus)"
        )
    ),
    "gc_return": lambda f: (
        f"Envoyé à la gestion clientèle ({GC_LINE_WORDS.get(f['line'], f['line'])}, "
        f"fichier {f['file']})"
    ),
    "suspension": lambda f: f"Interruption (bordereau {f['bordereau']})",
    "restoration": lambda f: "Rétablissement",
    "letter": lambda f: f"Lettre de relance n° {f['number']}",
    "letter_delivered": _delivered,
    "letter_cancelled": lambda f: (
        f"Lettre n° {f['number']} annulée" + (f" ({f['reason']})" if f["reason"] else "")
    ),
    "order": lambda f: (
        f"{_KIND.get(f['kind'], 'Ordre')} n° {f['number']} "
        f"(aujourd'hui {ORDER_STATUS_LABELS.get(f['status'], f['status'])})"
        + (
            f" — résiliation pour une autre cause (R8) : "
            f"{TERMINATION_CAUSE_LABELS.get(str(f['cause']), str(f['cause']))}"
            + (f", motif : {f['reason']}" if f.get("reason") else "")
            if f.get("cause")
            else ""
        )
    ),
    "order_cancelled": lambda f: (
        f"Ordre n° {f['number']} annulé" + (f" ({f['reason']})" if f["reason"] else "")
    ),
    "dispatch": lambda f: (
        f"Ordre n° {f['number']} réparti à {f['agent_name']} ({f['agent']}) pour le "
        f"{_date(f['visit_on'])}" + (f" ({_END[f['end']]})" if f.get("end") in _END else "")
    ),
    "store_return": lambda f: (
        f"Ordre n° {f['number']} : compteur"
        + (" et disjoncteur retournés" if f["breaker"] else " retourné")
        + f" au magasin (fiche {f['sheet']})"
    ),
    "cri": _cri,
    "countersign": lambda f: (
        f"CRI de l'ordre n° {f['number']} contresigné"
        + (f" (dérogation : {f['override']})" if f["override"] else "")
    ),
    "termination": _termination,
    "audit": _audit,
}


def event_words(kind: str, facts: Mapping[str, Any]) -> str:
    """One event of a contract's card, in French."""
    return _WORDS[kind](facts)


def kinds_without_words(kinds: Iterable[str]) -> list[str]:
    """The kinds of event this module cannot word (a test keeps it empty)."""
    return [k for k in kinds if k not in _WORDS]


@dataclass(frozen=True)
class StoryLine:
    """One event of the dossier as the window, the PDF and ``contract show`` print it."""

    on: str
    #: « 08h30 » (local time) when the moment is known and on that day, else empty
    time: str
    what: str
    #: who did it, « — » when it came from the gestion clientèle's export
    who: str
    kind: str


def story_lines(events: Iterable[Any]) -> list[StoryLine]:
    """The dossier's events (``services.dossier.CardEvent``) worded, in their order."""
    out = []
    for e in events:
        # the moment's time, when it is the event's day (a CRI's day is the visit's,
        # entered later: its entry time would mislead)
        local = local_datetime(e.at) if e.at is not None else None
        time = f"{local:%H}h{local:%M}" if local is not None and local.date() == e.on else ""
        out.append(
            StoryLine(
                on=_date(e.on),
                time=time,
                what=event_words(e.kind, e.facts),
                who=e.who or "—",
                kind=e.kind,
            )
        )
    return out


#: the sections of the window's filter: (label, kinds)
SECTIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Factures et règlements", frozenset({"invoice", "payment"})),
    ("Journal d'audit", frozenset({"audit"})),
)


def contract_facts(card: Any) -> list[tuple[str, str]]:
    """The dossier's header: (label, value) of the customer and the contract."""
    status = CONTRACT_STATUS_LABELS.get(card.status, card.status)
    if card.terminated_on is not None:
        status += f" le {_date(card.terminated_on)}"
        if card.termination_cause:
            status += " — " + TERMINATION_CAUSE_LABELS.get(
                card.termination_cause, card.termination_cause
            )
        if card.termination_reason:
            status += f" ({card.termination_reason})"
    address = ", ".join(x for x in (card.address, card.quartier) if x) or "non renseignée"
    balance = (
        f"{format_amount(card.balance)} "
        f"({plural(card.unpaid_count, 'facture impayée', 'factures impayées')})"
        if card.balance
        else "rien (toutes les factures sont réglées)"
    )
    return [
        ("Client", f"{card.customer_name} ({card.customer_code})"),
        ("Adresse", address),
        ("Téléphone", card.phone or "non renseigné"),
        ("Police", f"{card.police} ({card.voltage})"),
        ("Compteur", card.meter_serial or "non renseigné"),
        ("Souscrit le", _date(card.subscribed_on)),
        ("État", status),
        ("Reste dû", balance),
    ]
