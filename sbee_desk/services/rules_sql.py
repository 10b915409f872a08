"""The SQL forms of the rules (business-rules.md R1–R6), for the services.

:mod:`sbee_desk.domain.rules` states the rules on plain values; this module states
the same rules as SQL over the whole agency, read by the selection run
(:mod:`~sbee_desk.services.selection`), the re-checks at validation
(:mod:`~sbee_desk.services.review`), R7 (:mod:`~sbee_desk.services.r7`) and the
edition (:mod:`~sbee_desk.services.edition`). Every rule value comes from the recovery
plans (:func:`load_plans`, :class:`PlansSql`); dates derived from them (cut-offs) are
bound parameters, so the SQL is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select

from sbee_desk.db.models import (
    Contract,
    Customer,
    Derogation,
    Invoice,
    Payment,
    RecoveryPlan,
    ReminderLetter,
    SelectionRun,
    Suspension,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.enums import CustomerCategory, Decision, OrderKind, Voltage
from sbee_desk.domain.plans import PlanValues


@dataclass
class PlansSql:
    """The plan values of a run, as SQL expressions keyed by customer category."""

    values: dict[str, PlanValues]
    run_on: dt.date
    category: Any = field(default=None)
    #: R5 — per selection run that produced letters, the reminder delay per category
    #: of its plan snapshot (:func:`load_letter_delays`): a letter's 7 days are those
    #: its run decided and the letter printed, whatever the plan says since
    letter_delays: dict[int, dict[str, int]] = field(default_factory=dict)
    #: the database's dialect name: on PostgreSQL, :func:`candidate_select` groups on
    #: the suspension's key alone; any other value gives SQL both understand, the
    #: same rows
    dialect: str = "sqlite"

    def int_value(self, name: str) -> ColumnElement[Any]:
        return case(
            {code: getattr(plan, name) for code, plan in self.values.items()},
            value=self.category,
            else_=None,
        )

    def flag(self, name: str) -> ColumnElement[Any]:
        true_codes = [code for code, plan in self.values.items() if getattr(plan, name)]
        if not true_codes:
            return literal(False)
        flag: ColumnElement[Any] = self.category.in_(true_codes)
        return flag

    def cutoff(self, days_of: Any) -> ColumnElement[Any]:
        """run_on − days, per category (days_of: PlanValues -> int)."""
        return case(
            {
                code: literal(
                    self.run_on - dt.timedelta(days=days_of(plan)),
                    type_=Suspension.suspended_on.type,
                )
                for code, plan in self.values.items()
            },
            value=self.category,
            else_=None,
        )

    def letter_cutoff(self, run_id: Any) -> ColumnElement[Any]:
        """R5: run_on − the reminder delay of the letter's own run (``run_id``: the
        letter's run column), per category; today's plan for a run or a category its
        snapshot lacks. Runs whose delays are today's share the plain cut-off."""
        current = {code: plan.reminder_delay_days for code, plan in self.values.items()}
        groups: dict[tuple[tuple[str, int], ...], list[int]] = {}
        for letter_run, delays in sorted(self.letter_delays.items()):
            merged = {**current, **delays}
            if merged != current:
                groups.setdefault(tuple(sorted(merged.items())), []).append(letter_run)
        base = self.cutoff(lambda plan: plan.reminder_delay_days)
        if not groups:
            return base
        whens = [
            (
                run_id.in_(ids),
                case(
                    {
                        code: literal(
                            self.run_on - dt.timedelta(days=days),
                            type_=Suspension.suspended_on.type,
                        )
                        for code, days in key
                    },
                    value=self.category,
                    else_=None,
                ),
            )
            for key, ids in groups.items()
        ]
        return case(*whens, else_=base)


def load_letter_delays(uow: UnitOfWork) -> dict[int, dict[str, int]]:
    """R5 — the reminder delay per category in the plan snapshot of each selection run
    that has letters (:attr:`PlansSql.letter_delays`)."""
    out: dict[int, dict[str, int]] = {}
    for run_id, snapshot in uow.session.execute(
        select(SelectionRun.id, SelectionRun.plan_snapshot).where(
            SelectionRun.id.in_(select(ReminderLetter.run_id).distinct())
        )
    ):
        delays: dict[str, int] = {}
        for code, values in (snapshot or {}).items():
            if isinstance(values, dict) and "reminder_delay_days" in values:
                try:
                    delays[code] = int(values["reminder_delay_days"])
                except (TypeError, ValueError):
                    continue
        out[run_id] = delays
    return out


def plans_sql(uow: UnitOfWork, run_on: dt.date) -> PlansSql:
    """Today's plans at ``run_on``, with the reminder delays of the letters' runs."""
    return PlansSql(
        load_plans(uow), run_on, letter_delays=load_letter_delays(uow), dialect=uow.dialect
    )


def load_plans(uow: UnitOfWork) -> dict[str, PlanValues]:
    rows = uow.session.scalars(select(RecoveryPlan)).all()
    return {
        row.category: PlanValues(
            category=CustomerCategory(row.category),
            delay_bt_days=row.delay_bt_days,
            delay_mt_days=row.delay_mt_days,
            unpaid_threshold=row.unpaid_threshold,
            payment_term_days=row.payment_term_days,
            exempt=row.exempt,
            reminder_first_bt=row.reminder_first_bt,
            reminder_first_mt=row.reminder_first_mt,
            reminder_delay_days=row.reminder_delay_days,
            undelivered_alert_days=row.undelivered_alert_days,
            validation_max_age_days=row.validation_max_age_days,
        )
        for row in rows
    }


def candidate_select(
    run_id: int, plans: PlansSql, agency_code: str | None, polices: Any = None
) -> Any:
    """The candidates at ``plans.run_on``; ``polices`` (a list or a select of police
    numbers) restricts them, for re-checks (R4 derogation, R7 at validation).

    One pass, shaped by the query plans of a million contracts (bench/README.md):
    ``lines`` walks the suspensions in key order, each joined to its contract, its
    customer and its overdue unpaid invoices (read from the covering index, with
    what was paid on each: migration 0016 keeps it on the invoice), and
    groups on the suspension's key: the groups arrive in the order of the scan, so
    neither SQLite nor PostgreSQL writes the invoice balances to a temporary table
    or sorts them. The derogation of R4 is looked up once per line, in ``lines``;
    the decision and the output read it from there."""
    run_on = plans.run_on
    s = Suspension.__table__.alias("s")
    s2 = Suspension.__table__.alias("s2")
    c = Contract.__table__.alias("c")
    cu = Customer.__table__.alias("cu")
    i = Invoice.__table__.alias("i")
    p = Payment.__table__.alias("p")
    d = Derogation.__table__.alias("d")
    wo = WorkOrder.__table__.alias("wo")
    lt = ReminderLetter.__table__.alias("lt")
    plans.category = cu.c.category

    # R1: the latest suspension dated on or before the run date, not restored by then.
    latest = (
        select(func.max(s2.c.suspended_on))
        .where(s2.c.police == s.c.police, s2.c.suspended_on <= run_on)
        .scalar_subquery()
    )
    # R2: the delay per voltage, as a cut-off date per category.
    suspension_cutoff = case(
        (c.c.voltage == Voltage.BT.value, plans.cutoff(lambda p: p.delay_bt_days)),
        else_=plans.cutoff(lambda p: p.delay_mt_days),
    )
    # R6 (an order already made for this suspension ends its selection).
    order_exists = exists().where(wo.c.suspension_id == s.c.id, wo.c.created_on <= run_on)
    # R3: overdue invoices at the run date with a balance still due. What was paid by
    # the run date is the invoice's own total (kept by the database, migration 0016)
    # when its last payment is dated on or before it — always, for a run of today —
    # and only otherwise the sum of its payments up to that date: no look-up into the
    # 11 M payments for the million invoices read.
    paid_by_run_on = (
        select(func.coalesce(func.sum(p.c.amount), 0))
        .where(p.c.invoice_number == i.c.number, p.c.paid_on <= run_on)
        .scalar_subquery()
    )
    paid = case(
        (or_(i.c.last_paid_on.is_(None), i.c.last_paid_on <= run_on), i.c.paid_total),
        else_=paid_by_run_on,
    )
    invoices: Any = s.join(c, c.c.police == s.c.police).join(cu, cu.c.code == c.c.customer_code)
    invoices = invoices.join(i, i.c.police == s.c.police)
    term_cutoff = plans.cutoff(lambda plan: plan.payment_term_days)
    overdue = and_(
        i.c.cancelled.is_(False),
        i.c.issued_on <= run_on,
        or_(
            and_(i.c.due_on.is_not(None), i.c.due_on < run_on),
            and_(i.c.due_on.is_(None), i.c.issued_on < term_cutoff),
        ),
    )
    where = [
        s.c.suspended_on <= run_on,
        s.c.suspended_on == latest,
        or_(s.c.restored_on.is_(None), s.c.restored_on > run_on),
        or_(c.c.terminated_on.is_(None), c.c.terminated_on > run_on),
        s.c.suspended_on <= suspension_cutoff,
        ~order_exists,
        overdue,
        i.c.amount > paid,
    ]
    if agency_code is not None:
        where.append(c.c.agency_code == agency_code)
    if polices is not None:
        where.append(s.c.police.in_(polices))
    # R4: a DG derogation valid at the run date lifts the exemption.
    derogation_id = (
        select(func.max(d.c.id))
        .where(
            d.c.police == s.c.police,
            d.c.decided_on <= run_on,
            or_(d.c.valid_until.is_(None), d.c.valid_until >= run_on),
        )
        .scalar_subquery()
    )
    voltage: Any
    customer_code: Any
    category: Any
    if plans.dialect == "postgresql":
        # PostgreSQL knows that the suspension's key decides the suspension's columns,
        # not its contract's and customer's; grouped on their keys too, it sorts every
        # group again: it takes the one value of each group instead
        voltage, customer_code, category = (
            func.min(c.c.voltage),
            func.min(cu.c.code),
            func.min(cu.c.category),
        )
        keys = [s.c.id]
    else:
        voltage, customer_code, category = c.c.voltage, cu.c.code, cu.c.category
        # one contract and one customer per suspension: their keys change no group
        keys = [s.c.id, c.c.police, cu.c.code]
    plans.category = category
    lines = (
        select(
            s.c.id.label("suspension_id"),
            s.c.police,
            s.c.suspended_on,
            s.c.bordereau_code,
            voltage.label("voltage"),
            customer_code.label("customer_code"),
            category.label("category"),
            func.count().label("unpaid_count"),
            func.sum(i.c.amount - paid).label("amount_due"),
            derogation_id.label("derogation_id"),
        )
        .select_from(invoices)
        .where(*where)
        # the suspension's key first: the rows come in that order, no sort
        .group_by(*keys)
        .having(func.count() >= plans.int_value("unpaid_threshold"))
        .subquery("lines")
    )

    plans.category = lines.c.category
    # R5: the letter validated for this suspension, if it existed at the run date.
    reminder_first = case(
        (lines.c.voltage == Voltage.BT.value, plans.flag("reminder_first_bt")),
        else_=plans.flag("reminder_first_mt"),
    )
    # R5: the letter's reminder delay is the one of its own run's plan snapshot (the
    # delay printed on it), not today's plan: the page's deadline says the same
    reminder_cutoff = plans.letter_cutoff(lt.c.run_id)
    decision = case(
        (and_(plans.flag("exempt"), lines.c.derogation_id.is_(None)), Decision.EXEMPTE.value),
        (reminder_first.is_(False), Decision.RESILIATION.value),
        (lt.c.id.is_(None), Decision.RELANCE.value),
        (
            and_(lt.c.delivered_on.is_not(None), lt.c.delivered_on <= reminder_cutoff),
            Decision.RESILIATION.value,
        ),
        else_=Decision.ATTENTE_RELANCE.value,
    )
    # R6: order kind by voltage.
    order = case(
        (lines.c.voltage == Voltage.BT.value, OrderKind.DEPOSE.value),
        else_=OrderKind.CONTROLE_INDEX.value,
    )
    return (
        select(
            literal(run_id).label("run_id"),
            lines.c.police,
            lines.c.customer_code,
            lines.c.category,
            lines.c.voltage,
            lines.c.suspension_id,
            lines.c.bordereau_code,
            lines.c.suspended_on,
            decision.label("decision"),
            order.label("order_kind"),
            lines.c.unpaid_count,
            lines.c.amount_due,
            lines.c.derogation_id,
            lt.c.id.label("letter_id"),
        )
        .select_from(
            lines.outerjoin(
                lt,
                and_(lt.c.suspension_id == lines.c.suspension_id, lt.c.created_on <= run_on),
            )
        )
        .where(or_(lt.c.cancelled_on.is_(None), lt.c.cancelled_on > run_on))
    )
