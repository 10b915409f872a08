"""The words of a backup (#17): what it holds, for the restore's confirmation."""

from __future__ import annotations

import datetime as dt

from sbee_desk.wording.formats import plural

#: the rows a confirmation names, with their French nouns
_COUNTED = (
    ("customer", "client", "clients"),
    ("candidate", "ligne de relance", "lignes de relance"),
    ("reminder_letter", "lettre", "lettres"),
    ("work_order", "ordre de dépose", "ordres de dépose"),
    ("app_user", "utilisateur", "utilisateurs"),
)


def local_time(utc_iso: str) -> str:
    """``2026-12-05T06:40:00Z`` → « 05/12/2026 à 07h40 » (local time)."""
    try:
        at = dt.datetime.strptime(utc_iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return utc_iso
    return f"{at.astimezone():%d/%m/%Y à %Hh%M}"


def backup_summary(
    taken_at: str, version: str, agencies: list[str], counts: dict[str, int], events: int
) -> str:
    """« sauvegarde du 05/12/2026 à 07h40 (version 0.1.0), agence 01 : 120 clients, … »"""
    where = (
        f"{'agence' if len(agencies) == 1 else 'agences'} {', '.join(agencies)}"
        if agencies
        else "aucune agence"
    )
    held = [plural(counts[key], one, many) for key, one, many in _COUNTED if key in counts]
    held.append(f"journal d'audit de {plural(events, 'événement', 'événements')}")
    return f"sauvegarde du {local_time(taken_at)} (version {version}), {where} : {', '.join(held)}"
