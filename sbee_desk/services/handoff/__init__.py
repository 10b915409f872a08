"""After termination (#16): the hand-off of the terminated contracts to the apurement
de contrat and, when debt remains, to the recouvrement sur contentieux (R12), each
once (R13).

- :mod:`.model`: the error and the result objects;
- :mod:`.lines`: what goes on the lists (terminations not yet handed off, final index,
  store return, invoices' balances);
- :mod:`.run`: the hand-off and its reprint (files, classeur, registers, audit);
- :mod:`.query`: the reads of the « Résiliations » page.
"""

from __future__ import annotations

from sbee_desk.services.handoff.model import (
    NOTHING_NEW,
    BatchRow,
    HandoffError,
    HandoffFileResult,
    HandoffResult,
    TerminationRow,
)
from sbee_desk.services.handoff.query import (
    batches,
    oldest_pending,
    pending_count,
    terminations,
    zones,
)
from sbee_desk.services.handoff.run import reprint_handoff, run_handoff

__all__ = [
    "NOTHING_NEW",
    "BatchRow",
    "HandoffError",
    "HandoffFileResult",
    "HandoffResult",
    "TerminationRow",
    "batches",
    "oldest_pending",
    "pending_count",
    "reprint_handoff",
    "run_handoff",
    "terminations",
    "zones",
]
