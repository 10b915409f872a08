"""Step 5's French words: the R10 mention an order carries once its equipment is back
at the store — on the Retour magasin page, the order's card and any reprint."""

from __future__ import annotations

import datetime as dt

#: business-rules.md R10, word for word
R10_MENTION = "compteur (et disjoncteur) retourné(s) au magasin le {on:%d/%m/%Y}"


def store_mention(returned_on: dt.date | None) -> str | None:
    """« compteur (et disjoncteur) retourné(s) au magasin le 07/12/2026 » (R10), or None
    while the equipment is not back."""
    return None if returned_on is None else R10_MENTION.format(on=returned_on)
