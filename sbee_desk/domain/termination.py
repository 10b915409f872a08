"""The causes of a termination (business-rules.md R8, R11; import-format.md
``termination_cause``)."""

from __future__ import annotations

from enum import StrEnum


class TerminationCause(StrEnum):
    """Why a contract is terminated: the procedure's unpaid bills, or an R8 cause the
    chef section recouvrement enters with its stated reason."""

    IMPAYES = "IMPAYES"
    FRAUDE = "FRAUDE"
    CONDITIONS = "CONDITIONS"  # non-respect des conditions d'abonnement
    AUTRE = "AUTRE"


#: the causes the chef may enter by hand (R8): every cause but the procedure's
MANUAL_CAUSES: tuple[TerminationCause, ...] = (
    TerminationCause.FRAUDE,
    TerminationCause.CONDITIONS,
    TerminationCause.AUTRE,
)
#: the longest stated reason kept (``work_order.cause_reason``, ``contract_termination.reason``)
REASON_LIMIT = 300
