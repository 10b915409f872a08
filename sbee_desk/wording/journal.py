"""The words of the audit chain's anchors (#12): the line printed on lists and
reports, and what ``audit verify`` says of each anchor it checked or could not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sbee_desk.domain.journal_mark import JournalMark
from sbee_desk.wording.formats import plural


def journal_line(mark: JournalMark) -> str:
    """« Journal d'audit : événement n° 1234, empreinte 3f2a… » (the whole hash:
    it is what ``sbee-desk audit verify --anchor 1234:3f2a…`` checks)."""
    if mark.event == 0:
        return "Journal d'audit : aucun événement"
    return f"Journal d'audit : événement n° {mark.event}, empreinte {mark.hash}"


def _where(data: Mapping[str, Any]) -> str:
    return f" ({data['source']})" if data.get("source") else ""


def _holding(count: int) -> str:
    if count == 0:
        return "qui est vide"
    return f"qui n'en compte que {plural(count, 'événement', 'événements')}"


#: an anchor that does not hold (the journal was cut, wiped or rewritten)
ANCHOR_PROBLEMS = {
    "TRUNCATED": lambda d: (
        f"l'ancre de l'événement n° {d['event']}{_where(d)} n'est plus dans le journal, "
        f"{_holding(d['count'])} : la fin du journal a été supprimée"
    ),
    "REWRITTEN": lambda d: (
        f"l'événement n° {d['event']} n'a plus l'empreinte ancrée{_where(d)} "
        f"({d['anchored'][:16]}… ancrée, {d['stored'][:16]}… dans la base) : "
        "le journal a été réécrit"
    ),
    "FOREIGN": lambda d: (
        f"une ancre de cet emplacement{_where(d)} appartient à une autre base "
        f"(identité {d['anchored_id'] or 'inconnue'}, "
        f"cette base : {d['database_id'] or 'aucune'}) : "
        "la base a été remplacée ou son identité modifiée ; si elle a été recréée "
        "volontairement, mettez l'ancien fichier d'ancres de côté"
    ),
}

#: what could not be checked
ANCHOR_NOTES = {
    "NO_FILE": lambda d: (
        f"aucun fichier d'ancres ({d['path']}) : troncature, effacement "
        "et réécriture du journal ne peuvent pas être détectés"
    ),
    "NO_ANCHOR": lambda d: (
        f"aucune ancre de cette base dans {d['path']} : troncature, "
        "effacement et réécriture du journal ne peuvent pas être détectés"
    ),
    "BAD_LINE": lambda d: (
        f"ligne illisible ignorée ({d['source']}) : le fichier d'ancres a peut-être été modifié"
    ),
    "OTHER_DATABASES": lambda d: (
        f"{plural(d['count'], 'ancre', 'ancres')} d'autres bases "
        + ("ignorée" if d["count"] <= 1 else "ignorées")
    ),
    "AFTER_LAST": lambda d: (
        f"les événements après le n° {d['event']} (dernière ancre) "
        "ne sont couverts par aucune ancre"
    ),
    "RESTORED": lambda d: (
        f"{plural(d['count'], 'ancre antérieure', 'ancres antérieures')} à la restauration "
        f"d'une sauvegarde ({d['at'][:10]}, {d['source']}) "
        + ("ne s'applique plus" if d["count"] <= 1 else "ne s'appliquent plus")
        + f" : la base a été ramenée à l'événement n° {d['event']}"
    ),
    "SHORT_HASH": lambda d: (
        f"l'ancre de l'événement n° {d['event']}{_where(d)} ne donne que "
        f"{d['length']} caractères de l'empreinte : vérification partielle"
    ),
}


def anchor_problem(code: str, data: Mapping[str, Any]) -> str:
    return str(ANCHOR_PROBLEMS[code](data))


def anchor_note(code: str, data: Mapping[str, Any]) -> str:
    return str(ANCHOR_NOTES[code](data))
