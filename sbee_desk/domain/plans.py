"""Recovery plans (plans de recouvrement): the settings of rules R2–R5.

The procedure keeps one plan per customer category. The engine never holds a
rule value as a literal: it reads a :class:`PlanValues` per category, stored in
the ``recovery_plan`` table and snapshotted into every selection run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sbee_desk.domain.enums import CustomerCategory, Voltage


@dataclass(frozen=True, slots=True)
class PlanValues:
    """The values of one category's plan, as used by a selection run."""

    category: CustomerCategory
    #: R2 — days after the suspension before a BT contract becomes a candidate.
    delay_bt_days: int
    #: R2 — same for MT.
    delay_mt_days: int
    #: R3 — minimum number of overdue unpaid invoices (Decision: 2).
    unpaid_threshold: int
    #: R3 — payment term used when the export gives no due date.
    payment_term_days: int
    #: R4 — exempt unless a DG derogation is valid at the run date.
    exempt: bool
    #: R5 — a reminder letter comes before termination, for BT contracts.
    reminder_first_bt: bool
    #: R5 — same for MT contracts (all MT contracts by default).
    reminder_first_mt: bool
    #: R5 — days after delivery of the letter before termination.
    reminder_delay_days: int
    #: R5 — days after edition after which an undelivered letter is put before the chef.
    undelivered_alert_days: int

    def delay_days(self, voltage: Voltage) -> int:
        return self.delay_bt_days if voltage is Voltage.BT else self.delay_mt_days

    def reminder_first(self, voltage: Voltage) -> bool:
        return self.reminder_first_bt if voltage is Voltage.BT else self.reminder_first_mt

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = self.category.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanValues:
        return cls(**{**data, "category": CustomerCategory(data["category"])})


#: Categories exempt from termination (R4).
EXEMPT_CATEGORIES = frozenset({CustomerCategory.AGENT_SBEE, CustomerCategory.VIP})

#: Categories that get a reminder letter first, whatever the voltage (R5).
REMINDER_FIRST_CATEGORIES = frozenset(
    {
        CustomerCategory.RETRAITE_SBEE,
        CustomerCategory.AGENT_CEB,
        CustomerCategory.MEMBRE_CA_SBEE,
        CustomerCategory.MEMBRE_HA_CEB,
        CustomerCategory.ADMINISTRATION,
        CustomerCategory.COLLECTIVITE_LOCALE,
    }
)


def default_plan(category: CustomerCategory) -> PlanValues:
    """The plan that reproduces business-rules.md R2–R5 for ``category``.

    These defaults are written into the database by the first migration's data
    step (see :func:`sbee_desk.db.bootstrap.seed_defaults`); the administrator
    changes them there, never here.
    """
    return PlanValues(
        category=category,
        delay_bt_days=30,  # R2
        delay_mt_days=30,  # R2
        unpaid_threshold=2,  # R3, Decision N = 2
        payment_term_days=15,  # R3
        exempt=category in EXEMPT_CATEGORIES,  # R4
        reminder_first_bt=category in REMINDER_FIRST_CATEGORIES,  # R5
        reminder_first_mt=True,  # R5: all MT contracts
        reminder_delay_days=7,  # R5
        undelivered_alert_days=15,  # R5
    )


def default_plans() -> list[PlanValues]:
    return [default_plan(c) for c in CustomerCategory]
