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
    #: Step 1 — a run older than this (days between its date and the validation) may
    #: not be validated: the chef relaunches it at a fresh date, so that the lists'
    #: figures match the documents' situation. The strictest plan applies to the run
    #: (:func:`sbee_desk.services.review.run_age`). Default for runs snapshotted
    #: before this setting existed.
    validation_max_age_days: int = 7

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
        validation_max_age_days=7,  # step 1: a run is validated within a week
    )


def default_plans() -> list[PlanValues]:
    return [default_plan(c) for c in CustomerCategory]


# --------------------------------------------------------------------------- the procedure's floor

#: The procedure's values a plan may raise but never lower: (minimum, rule).
#: R2: 30 days after the suspension (BT and MT); R3: 2 overdue unpaid invoices
#: (Decision N = 2); R5: 7 days after delivery of the letter.
PROCEDURE_MINIMUMS: dict[str, tuple[int, str]] = {
    "delay_bt_days": (30, "R2"),
    "delay_mt_days": (30, "R2"),
    "unpaid_threshold": (2, "R3"),
    "reminder_delay_days": (7, "R5"),
}


@dataclass(frozen=True, slots=True)
class PlanViolation:
    """One value of a plan that would undo the procedure (the faces word it)."""

    category: CustomerCategory
    field: str
    rule: str  # "R2" … "R5"
    value: int | bool
    #: the smallest value allowed (numbers), or None for a flag that must stay True
    minimum: int | None


def procedure_violations(plan: PlanValues) -> list[PlanViolation]:
    """What in ``plan`` undoes the procedure, in field order (empty: a valid plan).

    A plan may be stricter than the procedure — longer delays, more unpaid invoices,
    a reminder or an exemption for more categories — never more lenient: AGENT_SBEE
    and VIP stay exempt (only a DG derogation lifts R4, per contract), every MT
    contract and the R5 categories get a reminder first, and the delays and the
    threshold stay at or above :data:`PROCEDURE_MINIMUMS`.
    """
    out: list[PlanViolation] = []
    if plan.category in EXEMPT_CATEGORIES and not plan.exempt:
        out.append(PlanViolation(plan.category, "exempt", "R4", plan.exempt, None))
    if plan.category in REMINDER_FIRST_CATEGORIES and not plan.reminder_first_bt:
        out.append(
            PlanViolation(plan.category, "reminder_first_bt", "R5", plan.reminder_first_bt, None)
        )
    if not plan.reminder_first_mt:
        out.append(
            PlanViolation(plan.category, "reminder_first_mt", "R5", plan.reminder_first_mt, None)
        )
    for name, (minimum, rule) in PROCEDURE_MINIMUMS.items():
        value = getattr(plan, name)
        if value < minimum:
            out.append(PlanViolation(plan.category, name, rule, value, minimum))
    return out
