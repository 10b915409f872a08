"""Step 5's French words: the R10 mention an order carries once its equipment is back
at the store — on the Retour magasin page, in the commands' output, on the order."""

from __future__ import annotations

import datetime as dt

#: business-rules.md R10 « compteur (et disjoncteur) retourné(s) au magasin le
#: dd/mm/yyyy », the paper's brackets resolved for each return (real plurals, #10)
R10_MENTIONS = {
    True: "compteur et disjoncteur retournés au magasin le {on:%d/%m/%Y}",
    False: "compteur retourné au magasin le {on:%d/%m/%Y}",
}


def store_mention(returned_on: dt.date | None, with_breaker: bool = True) -> str | None:
    """« compteur et disjoncteur retournés au magasin le 07/12/2026 » (R10) — or
    « compteur retourné … » when no breaker came back; None while nothing is back."""
    if returned_on is None:
        return None
    return R10_MENTIONS[with_breaker].format(on=returned_on)
