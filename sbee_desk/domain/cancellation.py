"""Why R7 ends the procedure of a suspension (business-rules.md R7, R1).

One code per cause, stored with every cancellation (audit ``details.code``) and
read by the faces and the lists to word it. The letters and orders of a
suspension are cancelled — kept, marked with the reason — when:

- ``TERMINATED_IN_EXPORT``: the export shows the contract terminated in gestion
  clientèle (``date_resiliation`` on or before the check date; R1: a terminated
  contract is never a candidate, so its procedure has nothing left to do);
- ``RESTORED``: the suspension was restored (rétablissement);
- ``PAID``: its overdue unpaid invoices fell below the plan's threshold.

When several hold, the first in that order is the one recorded.
"""

from __future__ import annotations

from enum import StrEnum


class CancelCode(StrEnum):
    """Why R7 cancelled a letter or an order."""

    TERMINATED_IN_EXPORT = "TERMINATED_IN_EXPORT"
    RESTORED = "RESTORED"
    PAID = "PAID"
