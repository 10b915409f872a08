"""The motif of a selection line: why it is to remind, to terminate, waiting or exempt
(business-rules.md R3–R6), in the words the lists, the screens and the JSON show.
The selection service hands the line's values; the sentence is built here."""

from __future__ import annotations

import datetime as dt

from sbee_desk.domain.enums import CustomerCategory, Decision, Voltage
from sbee_desk.wording.formats import plural
from sbee_desk.wording.labels import CATEGORY_LABELS


def line_motif(
    decision: Decision,
    *,
    category: CustomerCategory,
    voltage: Voltage,
    unpaid_count: int,
    days: int,
    reminder_delay_days: int | None,
    derogation_reference: str | None,
    letter_delivered_on: dt.date | None,
) -> str:
    """The French motif of a selection line (JSON ``motif``, lists, screens)."""
    unpaid = plural(unpaid_count, "facture impayée", "factures impayées")
    base = f"{unpaid}, suspendu depuis {plural(days, 'jour', 'jours')}"
    label = CATEGORY_LABELS[category]
    if decision is Decision.EXEMPTE:
        return f"{base} ; client {label} : exempté, résiliation sur dérogation DG seulement"
    parts = [base]
    if derogation_reference:
        parts.append(f"dérogation DG réf. {derogation_reference}")
    why_letter = "client MT" if voltage is Voltage.MT else f"catégorie {label}"
    delay = reminder_delay_days
    if decision is Decision.RELANCE:
        parts.append(f"relance écrite préalable ({why_letter})")
    elif decision is Decision.ATTENTE_RELANCE:
        if letter_delivered_on is None:
            parts.append("lettre de relance non encore remise")
        else:
            parts.append(
                f"lettre de relance remise le {letter_delivered_on:%d/%m/%Y}, "
                f"délai de {plural(delay or 0, 'jour', 'jours')} non écoulé"
            )
    elif letter_delivered_on is not None:
        parts.append(f"lettre de relance remise le {letter_delivered_on:%d/%m/%Y}")
    return " ; ".join(parts)
