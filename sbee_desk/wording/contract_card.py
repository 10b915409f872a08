"""The French words of a contract's card (``services.contract_card``): one sentence per
event, as ``contract show`` prints it and the GUI's card shows it (#15)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.wording.labels import (
    AUDIT_ACTION_LABELS,
    ORDER_STATUS_LABELS,
    REMARK_LABELS,
    TERMINATION_CAUSE_LABELS,
)

_KIND = {"DEPOSE": "Ordre de dépose", "CONTROLE_INDEX": "Ordre de contrôle d'index"}


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
    return text + f" ; saisi par {f['entered_by']}"


def _termination(f: Mapping[str, Any]) -> str:
    if f["from_export"]:
        return "Contrat résilié (date de la gestion clientèle)"
    cause = TERMINATION_CAUSE_LABELS.get(str(f["cause"]), str(f["cause"]))
    return f"Contrat résilié : {cause}"


def _audit(f: Mapping[str, Any]) -> str:
    try:
        label = AUDIT_ACTION_LABELS[AuditAction(f["action"])]
    except ValueError:
        label = str(f["action"])
    return f"Journal n° {f['id']} : {label} ({f['actor']})"


_WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "suspension": lambda f: f"Interruption (bordereau {f['bordereau']})",
    "restoration": lambda f: "Rétablissement",
    "letter": lambda f: f"Lettre de relance n° {f['number']}",
    "letter_delivered": lambda f: (
        f"Lettre n° {f['number']} : remise impossible ({f['impossible']})"
        if f["impossible"]
        else f"Lettre n° {f['number']} remise"
    ),
    "letter_cancelled": lambda f: (
        f"Lettre n° {f['number']} annulée" + (f" ({f['reason']})" if f["reason"] else "")
    ),
    "order": lambda f: (
        f"{_KIND.get(f['kind'], 'Ordre')} n° {f['number']} "
        f"(aujourd'hui {ORDER_STATUS_LABELS.get(f['status'], f['status'])})"
    ),
    "order_cancelled": lambda f: (
        f"Ordre n° {f['number']} annulé" + (f" ({f['reason']})" if f["reason"] else "")
    ),
    "dispatch": lambda f: (
        f"Ordre n° {f['number']} réparti à {f['agent_name']} ({f['agent']}) pour le "
        f"{_date(f['visit_on'])}"
    ),
    "store_return": lambda f: (
        f"Ordre n° {f['number']} : compteur"
        + (" et disjoncteur retournés" if f["breaker"] else " retourné")
        + f" au magasin (fiche {f['sheet']})"
    ),
    "cri": _cri,
    "countersign": lambda f: (
        f"CRI de l'ordre n° {f['number']} contresigné par {f['by']}"
        + (f" (dérogation : {f['override']})" if f["override"] else "")
    ),
    "termination": _termination,
    "audit": _audit,
}


def event_words(kind: str, facts: Mapping[str, Any]) -> str:
    """One event of a contract's card, in French."""
    return _WORDS[kind](facts)
