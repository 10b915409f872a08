"""The French words of R7 (cancellation of letters and orders no longer due): the reason
stored on each cancelled letter or order, and the sentence shown after an import or a
check. The services pass plain facts; the words live here (#11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sbee_desk.domain.cancellation import CancelCode
from sbee_desk.wording.formats import agree, format_date, plural
from sbee_desk.wording.labels import CANCEL_CAUSE_WORDS


def terminated_reason(terminated_on: dt.date) -> str:
    return f"Contrat résilié le {format_date(terminated_on)} dans la gestion clientèle (R7)"


def restored_reason(restored_on: dt.date) -> str:
    return f"Rétablissement du {format_date(restored_on)} (R7)"


def paid_reason(unpaid: int, on: dt.date, threshold: int) -> str:
    return (
        f"Factures réglées : {plural(unpaid, 'impayé échu', 'impayés échus')} au "
        f"{format_date(on)}, seuil {threshold} (R7)"
    )


def cancellation_summary(
    letters: int, orders: int, codes: set[CancelCode], recalled: int, recall_from: Sequence[str]
) -> str:
    """« R7 : 2 lettres de relance et 1 ordre annulés (rétablissement), … » ("" for nothing)."""
    if not letters and not orders:
        return ""
    parts = []
    if letters:
        parts.append(f"{letters} {agree(letters, 'lettre', 'lettres')} de relance")
    if orders:
        parts.append(f"{orders} {agree(orders, 'ordre', 'ordres')}")
    ending = ("e" if not orders else "") + ("s" if letters + orders > 1 else "")
    causes = [CANCEL_CAUSE_WORDS[code] for code in CANCEL_CAUSE_WORDS if code in codes]
    cause = ", ".join(causes[:-1]) + " ou " + causes[-1] if len(causes) > 1 else causes[0]
    text = f"R7 : {' et '.join(parts)} annulé{ending} ({cause}), motif au journal d'audit."
    if recall_from:
        text += (
            f" {recalled} {agree(recalled, 'ordre', 'ordres')} déjà remis sur le terrain : "
            f"rappelez {', '.join(recall_from)}."
        )
    return text
