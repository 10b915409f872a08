"""Step 6 — the compte-rendu d'intervention (CRI) and the chef's countersign (issue
#15): the agent de contrôle enters the paper CRIs, dozens in a row; the chef
countersigns them, which terminates the contracts (R9, R10, R11, R13).

- :mod:`.model`: the error, the entry, the result objects;
- :mod:`.data`: an order as the form shows it, the CRIs awaiting countersign with
  their flags (reads);
- :mod:`.entry`: entering a CRI (« exécuté » or « non exécuté »), audited;
- :mod:`.countersign`: the countersign and the termination, audited.
"""

from __future__ import annotations

from sbee_desk.services.cri.countersign import CAUSE_UNPAID, countersign
from sbee_desk.services.cri.data import count_to_enter, find_order, latest_reports, list_pending
from sbee_desk.services.cri.entry import enter_cri
from sbee_desk.services.cri.model import (
    CountersignResult,
    CriEntry,
    CriError,
    CriOrder,
    CriResult,
    PendingCri,
)

__all__ = [
    "CAUSE_UNPAID",
    "CountersignResult",
    "CriEntry",
    "CriError",
    "CriOrder",
    "CriResult",
    "PendingCri",
    "count_to_enter",
    "countersign",
    "enter_cri",
    "find_order",
    "latest_reports",
    "list_pending",
]
