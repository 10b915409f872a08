"""Step 6 — the compte-rendu d'intervention (CRI): its remark codes, the field window
(R9), the serial comparison (R11) and what a countersigned CRI means (R11, R6).

Pure functions over plain values; ``services.cri`` reads and writes the database.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class RemarkCode(StrEnum):
    """The paper CRI's tick boxes (import-format.md, « CRI remark codes »)."""

    PANNEAU_POURRI = "PANNEAU_POURRI"
    PDL_DEJA_RESILIE = "PDL_DEJA_RESILIE"
    COMPTEUR_INACCESSIBLE = "COMPTEUR_INACCESSIBLE"
    REFUS_ACCES = "REFUS_ACCES"
    CLIENT_A_PAYE = "CLIENT_A_PAYE"
    AUTRE = "AUTRE"  # with a note


#: R9: removal visits happen between 08:00 and 14:30 (both included)
WINDOW_START = dt.time(8, 0)
WINDOW_END = dt.time(14, 30)


def parse_visit_time(text: str) -> dt.time | None:
    """« HH:MM » (also « HHhMM », « H:MM ») → a time; None when unreadable."""
    raw = text.strip().lower().replace("h", ":")
    parts = raw.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[1]) != 2:
        return None
    hour, minute = int(parts[0]), int(parts[1])
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def outside_window(at: dt.time) -> bool:
    """R9: a visit outside 08:00–14:30 is saved but flagged for the chef, who may
    countersign it only with a reason (an override)."""
    return not (WINDOW_START <= at <= WINDOW_END)


def same_serial(found: str | None, expected: str | None) -> bool:
    """R11: the meter found matches the contract's (spaces and case ignored). A contract
    with no serial on file cannot contradict the field: no mismatch."""
    if not expected:
        return True
    if not found:
        return False
    return found.replace(" ", "").upper() == expected.replace(" ", "").upper()


def removal_expected(kind: str) -> bool:
    """R6: an ordre de dépose (BT) removes meter and breaker; an ordre de contrôle
    d'index (MT) reads the index only."""
    return kind == "DEPOSE"


def countersign_terminates(kind: str) -> bool:
    """What a countersigned CRI means (R11, R6, R2, R5).

    Decision: every countersigned CRI « done » terminates its contract, BT and MT.
    R11 says the contract becomes résilié when « the CRI of its order » is entered and
    countersigned, without a voltage; the résiliation d'office is the procedure's last
    step for both voltages (R2 and R5 give MT its own delays and reminder). R6 only
    changes what the field does: for MT (ordre de contrôle d'index) the index is read
    and the meter stays in place — no removal, no store return — but the contract is
    terminated all the same. A CRI « non exécuté » never terminates (R11)."""
    return kind in ("DEPOSE", "CONTROLE_INDEX")
