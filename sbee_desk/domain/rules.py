"""Rules R1–R6 of business-rules.md, stated once, on plain values.

The selection engine (:mod:`sbee_desk.services.selection`) applies the same
rules as a few set-based SQL statements over the whole agency; this module is
their readable statement, the reference the engine is tested against
(``tests/unit/domain/test_rules.py`` and the property test comparing both).
Every value comes from a :class:`~sbee_desk.domain.plans.PlanValues`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sbee_desk.domain.enums import Decision, OrderKind, Voltage
from sbee_desk.domain.plans import PlanValues


class FutureRunDate(ValueError):
    """R1: the run date may not be later than today."""


@dataclass(frozen=True, slots=True)
class SuspensionFact:
    suspended_on: dt.date
    restored_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class InvoiceFact:
    issued_on: dt.date
    amount: int
    due_on: dt.date | None = None
    cancelled: bool = False
    #: (paid_on, amount) of each payment
    payments: tuple[tuple[dt.date, int], ...] = ()


@dataclass(frozen=True, slots=True)
class DerogationFact:
    decided_on: dt.date
    valid_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LetterFact:
    """The reminder letter validated for the current suspension (R5)."""

    created_on: dt.date
    delivered_on: dt.date | None = None
    cancelled_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ContractFacts:
    voltage: Voltage
    suspensions: Sequence[SuspensionFact]
    invoices: Sequence[InvoiceFact]
    terminated_on: dt.date | None = None
    derogations: Sequence[DerogationFact] = ()
    #: letter / order already validated for the current suspension, if any
    letter: LetterFact | None = None
    order_created_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: Decision
    order_kind: OrderKind
    unpaid_count: int
    amount_due: int
    suspension: SuspensionFact


def check_run_date(run_on: dt.date, today: dt.date) -> None:
    """R1 — the run date may not be later than today."""
    if run_on > today:
        raise FutureRunDate(run_on)


def is_terminated(terminated_on: dt.date | None, run_on: dt.date) -> bool:
    """R1 — a contract terminated on or before the run date is never a candidate."""
    return terminated_on is not None and terminated_on <= run_on


def current_suspension(
    suspensions: Iterable[SuspensionFact], run_on: dt.date
) -> SuspensionFact | None:
    """R1 — the latest suspension dated on or before the run date, if it has no
    restoration dated on or before the run date."""
    dated = [s for s in suspensions if s.suspended_on <= run_on]
    if not dated:
        return None
    latest = max(dated, key=lambda s: s.suspended_on)
    if latest.restored_on is not None and latest.restored_on <= run_on:
        return None
    return latest


def delay_elapsed(
    suspended_on: dt.date, voltage: Voltage, plan: PlanValues, run_on: dt.date
) -> bool:
    """R2 — run date − suspension date ≥ the plan's delay for the voltage."""
    return (run_on - suspended_on).days >= plan.delay_days(voltage)


def effective_due_date(invoice: InvoiceFact, plan: PlanValues) -> dt.date:
    """R3 — `date_echeance`, or issue date + the plan's payment term when empty."""
    if invoice.due_on is not None:
        return invoice.due_on
    return invoice.issued_on + dt.timedelta(days=plan.payment_term_days)


def balance(invoice: InvoiceFact, run_on: dt.date) -> int:
    """R3 — amount − payments dated on or before the run date."""
    return invoice.amount - sum(amount for paid_on, amount in invoice.payments if paid_on <= run_on)


def is_overdue_unpaid(invoice: InvoiceFact, plan: PlanValues, run_on: dt.date) -> bool:
    """R3 — issued by the run date, due before it, not cancelled, balance > 0."""
    return (
        not invoice.cancelled
        and invoice.issued_on <= run_on
        and effective_due_date(invoice, plan) < run_on
        and balance(invoice, run_on) > 0
    )


def is_exempt(plan: PlanValues, derogations: Iterable[DerogationFact], run_on: dt.date) -> bool:
    """R4 — exempt category, unless a DG derogation is valid at the run date."""
    if not plan.exempt:
        return False
    return not any(derogation_valid(d, run_on) for d in derogations)


def derogation_valid(derogation: DerogationFact, run_on: dt.date) -> bool:
    """R4 — decided on or before the run date and not expired at it."""
    return derogation.decided_on <= run_on and (
        derogation.valid_until is None or derogation.valid_until >= run_on
    )


def reminder_decision(
    plan: PlanValues, voltage: Voltage, letter: LetterFact | None, run_on: dt.date
) -> Decision:
    """R5 — reminder-first contracts get a letter, then wait until the plan's delay
    has passed since its delivery (an undelivered letter keeps them waiting)."""
    if not plan.reminder_first(voltage):
        return Decision.RESILIATION
    if letter is None or letter.created_on > run_on:
        return Decision.RELANCE
    delivered = letter.delivered_on
    if delivered is not None and (run_on - delivered).days >= plan.reminder_delay_days:
        return Decision.RESILIATION
    return Decision.ATTENTE_RELANCE


def order_kind(voltage: Voltage) -> OrderKind:
    """R6 — BT: ordre de dépose; MT: ordre de contrôle d'index."""
    return OrderKind.DEPOSE if voltage is Voltage.BT else OrderKind.CONTROLE_INDEX


def decide(facts: ContractFacts, plan: PlanValues, run_on: dt.date) -> Outcome | None:
    """R1–R6 for one contract at the run date; None when it is not listed.

    Not listed either: a contract whose order for the current suspension was
    validated earlier, or whose letter for it was cancelled (R7 ended that
    procedure; a later suspension starts a new one).
    """
    if is_terminated(facts.terminated_on, run_on):
        return None
    suspension = current_suspension(facts.suspensions, run_on)
    if suspension is None or not delay_elapsed(
        suspension.suspended_on, facts.voltage, plan, run_on
    ):
        return None
    unpaid = [i for i in facts.invoices if is_overdue_unpaid(i, plan, run_on)]
    if len(unpaid) < plan.unpaid_threshold:
        return None
    if facts.order_created_on is not None and facts.order_created_on <= run_on:
        return None
    letter = facts.letter
    if letter is not None and letter.created_on > run_on:
        letter = None
    if letter is not None and letter.cancelled_on is not None and letter.cancelled_on <= run_on:
        return None
    if is_exempt(plan, facts.derogations, run_on):
        decision = Decision.EXEMPTE
    else:
        decision = reminder_decision(plan, facts.voltage, letter, run_on)
    return Outcome(
        decision=decision,
        order_kind=order_kind(facts.voltage),
        unpaid_count=len(unpaid),
        amount_due=sum(balance(i, run_on) for i in unpaid),
        suspension=suspension,
    )
