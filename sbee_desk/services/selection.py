"""Step 1 — the selection run (traitement des relances), rules R1–R6.

The engine is one ``INSERT … SELECT`` over the whole agency (or one agency):
current suspensions (R1) old enough (R2), of contracts not terminated (R1),
with enough overdue unpaid invoices (R3), decided by exemption (R4), reminder
(R5) and voltage (R6). Every rule value comes from the recovery plans, read
once and snapshotted into the run; dates derived from them (cut-offs) are bound
parameters, so the SQL is the same on SQLite and PostgreSQL.
:mod:`sbee_desk.domain.rules` states the same rules on plain values;
:mod:`sbee_desk.services.rules_sql` holds their SQL form.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from sbee_desk.db.models import (
    Agency,
    AuditEvent,
    Bordereau,
    Candidate,
    Contract,
    Customer,
    Derogation,
    ReminderLetter,
    SelectionRun,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import CustomerCategory, Decision, OrderKind, Voltage
from sbee_desk.domain.permissions import Action
from sbee_desk.domain.plans import PlanValues
from sbee_desk.domain.rules import FutureRunDate, check_run_date
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.rules_sql import PlansSql, candidate_select, load_letter_delays, load_plans
from sbee_desk.wording.motifs import line_motif


class SelectionError(ServiceError):
    """Bad input for a selection; nothing changed."""


@dataclass(frozen=True)
class SelectionResult:
    run_id: int
    run_on: dt.date
    agency_code: str | None
    candidate_count: int
    counts: dict[Decision, int]


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    run_on: dt.date
    agency_code: str | None
    created_by: str
    created_at: dt.datetime
    candidate_count: int


@dataclass(frozen=True)
class BordereauSummary:
    code: str
    voltage: str
    period: str
    line_count: int
    counts: dict[Decision, int]
    amount_due: int


@dataclass(frozen=True, slots=True)
class CandidateLine:
    """One line of a run, as screens, lists and the JSON show it."""

    police: str
    customer_code: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone_code: str | None
    category: CustomerCategory
    voltage: Voltage
    bordereau_code: str
    decision: Decision
    order_kind: OrderKind
    unpaid_count: int
    amount_due: int
    suspended_on: dt.date
    days_suspended: int
    excluded_reason: str | None = None
    derogation_reference: str | None = None
    letter_delivered_on: dt.date | None = None
    #: the plan's R5 delay, for the motif of a line waiting for its letter
    reminder_delay_days: int | None = None

    @property
    def reason(self) -> str:
        """The French motif, worded when asked (a 50 000-line bordereau opens faster)."""
        return line_motif(
            self.decision,
            category=self.category,
            voltage=self.voltage,
            unpaid_count=self.unpaid_count,
            days=self.days_suspended,
            reminder_delay_days=self.reminder_delay_days,
            derogation_reference=self.derogation_reference,
            letter_delivered_on=self.letter_delivered_on,
        )


@dataclass(frozen=True)
class ImportInfo:
    occurred_at: dt.datetime
    actor: str


def run_selection(
    uow: UnitOfWork,
    actor: Actor,
    run_on: dt.date,
    agency_code: str | None = None,
    *,
    today_: dt.date | None = None,
) -> SelectionResult:
    """Run step 1 at ``run_on`` for one agency or all; store the run and its lines."""
    try:
        check_run_date(run_on, today_ or today())
    except FutureRunDate as exc:
        raise SelectionError("FUTURE_RUN_DATE", run_on=run_on) from exc
    with uow.write():
        require(uow, actor, Action.SELECT)
        session = uow.session
        if agency_code is not None and session.get(Agency, agency_code) is None:
            known = list(session.scalars(select(Agency.code).order_by(Agency.code)))
            raise SelectionError("UNKNOWN_AGENCY", agency=agency_code, known=known)
        plans = load_plans(uow)
        snapshot = {code: plan.to_json() for code, plan in sorted(plans.items())}
        run = SelectionRun(
            run_on=run_on,
            agency_code=agency_code,
            created_by=actor.login,
            created_at=audit.now(),
            plan_snapshot=snapshot,
        )
        session.add(run)
        session.flush()
        columns = [
            "run_id",
            "police",
            "customer_code",
            "category",
            "voltage",
            "suspension_id",
            "bordereau_code",
            "suspended_on",
            "decision",
            "order_kind",
            "unpaid_count",
            "amount_due",
            "derogation_id",
            "letter_id",
        ]
        lines = lines_select(uow, run.id, run_on, agency_code, plans)
        # in police order: the index of the lines by police (the contract's dossier)
        # holds every run's lines; fed in its own order it is written page after page
        # instead of a page looked up again for each line (0.2 s of 1.5 at a million
        # contracts and 40 runs kept, bench/README.md)
        stmt = insert(Candidate).from_select(columns, lines.order_by(lines.selected_columns.police))
        session.execute(stmt)
        counts_rows = session.execute(
            select(Candidate.decision, func.count())
            .where(Candidate.run_id == run.id)
            .group_by(Candidate.decision)
        ).all()
        counts = {Decision(d): n for d, n in counts_rows}
        run.candidate_count = sum(counts.values())
        audit.record(
            uow,
            actor,
            AuditAction.SELECTION_RUN,
            entity="selection_run",
            entity_key=str(run.id),
            after={
                "run_on": run_on.isoformat(),
                "agency": agency_code,
                "counts": {d.value: n for d, n in counts.items()},
            },
            details={"plans": snapshot},
        )
        uow.commit()
        return SelectionResult(run.id, run_on, agency_code, run.candidate_count, counts)


def lines_select(
    uow: UnitOfWork,
    run_id: int,
    run_on: dt.date,
    agency_code: str | None = None,
    plans: dict[str, PlanValues] | None = None,
) -> Any:
    """The SELECT whose rows are the lines of run ``run_id`` (R1–R6 at ``run_on``), as
    :func:`run_selection` inserts them; bench/bench_select.py explains this very one."""
    return candidate_select(
        run_id,
        PlansSql(
            load_plans(uow) if plans is None else plans,
            run_on,
            letter_delays=load_letter_delays(uow),
            dialect=uow.dialect,
        ),
        agency_code,
    )


# --------------------------------------------------------------------------- reading


def _run(uow: UnitOfWork, run_id: int) -> SelectionRun:
    run = uow.session.get(SelectionRun, run_id)
    if run is None:
        raise SelectionError("RUN_NOT_FOUND", run_id=run_id)
    return run


_DECISIONS = {d.value: d for d in Decision}
_ORDER_KINDS = {k.value: k for k in OrderKind}
_CATEGORIES = {c.value: c for c in CustomerCategory}
_VOLTAGES = {v.value: v for v in Voltage}


def candidate_lines(
    uow: UnitOfWork,
    run_id: int,
    bordereau_code: str | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[CandidateLine]:
    """The lines of a run (one bordereau, or all), sorted by bordereau then police;
    ``offset``/``limit`` page through them (a screen shows the first page at once)."""
    with uow:
        run = _run(uow, run_id)
        run_on = run.run_on
        delays = {code: v["reminder_delay_days"] for code, v in run.plan_snapshot.items()}
        stmt = (
            select(
                Candidate.police,
                Candidate.customer_code,
                Customer.name,
                Customer.address,
                Customer.quartier,
                Contract.zone_code,
                Candidate.category,
                Candidate.voltage,
                Candidate.bordereau_code,
                Candidate.decision,
                Candidate.order_kind,
                Candidate.unpaid_count,
                Candidate.amount_due,
                Candidate.suspended_on,
                Candidate.excluded_reason,
                Derogation.reference,
                ReminderLetter.delivered_on,
                ReminderLetter.run_id,
            )
            .join(Contract, Contract.police == Candidate.police)
            .join(Customer, Customer.code == Candidate.customer_code)
            .outerjoin(Derogation, Derogation.id == Candidate.derogation_id)
            .outerjoin(ReminderLetter, ReminderLetter.id == Candidate.letter_id)
            .where(Candidate.run_id == run_id)
            .order_by(Candidate.bordereau_code, Candidate.police)
        )
        if bordereau_code is not None:
            stmt = stmt.where(Candidate.bordereau_code == bordereau_code)
        if offset:
            stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = uow.session.connection().execute(stmt).all()
        # R5: a letter's delay is the one of its own run's snapshot (printed on it)
        letter_delays = load_letter_delays(uow)
    decisions, kinds, categories, voltages = _DECISIONS, _ORDER_KINDS, _CATEGORIES, _VOLTAGES
    return [
        CandidateLine(
            police,
            customer_code,
            name,
            address,
            quartier,
            zone_code,
            categories[category],
            voltages[voltage],
            bordereau,
            decisions[decision],
            kinds[order_kind],
            unpaid_count,
            int(amount_due),
            suspended_on,
            (run_on - suspended_on).days,
            excluded_reason,
            reference,
            delivered_on if delivered_on is not None and delivered_on <= run_on else None,
            letter_delays.get(letter_run or 0, {}).get(category, delays.get(category)),
        )
        for (
            police,
            customer_code,
            name,
            address,
            quartier,
            zone_code,
            category,
            voltage,
            bordereau,
            decision,
            order_kind,
            unpaid_count,
            amount_due,
            suspended_on,
            excluded_reason,
            reference,
            delivered_on,
            letter_run,
        ) in rows
    ]


def candidate_count(uow: UnitOfWork, run_id: int, bordereau_code: str | None = None) -> int:
    with uow:
        stmt = select(func.count()).select_from(Candidate).where(Candidate.run_id == run_id)
        if bordereau_code is not None:
            stmt = stmt.where(Candidate.bordereau_code == bordereau_code)
        return uow.session.scalar(stmt) or 0


def line_bordereau(uow: UnitOfWork, run_id: int, police: str) -> str | None:
    """The bordereau of the line ``police`` of run ``run_id``; None if it is not one."""
    with uow:
        return uow.session.scalar(
            select(Candidate.bordereau_code).where(
                Candidate.run_id == run_id, Candidate.police == police
            )
        )


def selection_json(uow: UnitOfWork, run_id: int) -> dict[str, Any]:
    """The JSON document of import-format.md for a stored run."""
    lines = candidate_lines(uow, run_id)
    with uow:
        run = _run(uow, run_id)
        voltages = dict(
            uow.session.execute(
                select(Bordereau.code, Bordereau.voltage).where(
                    Bordereau.code.in_({line.bordereau_code for line in lines})
                )
            ).all()
        )
        run_on = run.run_on
    bordereaux: list[dict[str, Any]] = []
    for line in lines:
        if not bordereaux or bordereaux[-1]["bordereau"] != line.bordereau_code:
            bordereaux.append(
                {
                    "bordereau": line.bordereau_code,
                    "tension": voltages.get(line.bordereau_code, line.voltage.value),
                    "lines": [],
                }
            )
        bordereaux[-1]["lines"].append(
            {
                "police": line.police,
                "client": line.customer_code,
                "decision": line.decision.value,
                "ordre": line.order_kind.value,
                "impayes": line.unpaid_count,
                "montant_du": line.amount_due,
                "suspendu_le": line.suspended_on.isoformat(),
                "jours_suspension": line.days_suspended,
                "motif": line.reason,
            }
        )
    return {"run": run_id, "date": run_on.isoformat(), "bordereaux": bordereaux}


def list_runs(uow: UnitOfWork, limit: int = 50) -> list[RunSummary]:
    with uow:
        rows = uow.session.scalars(
            select(SelectionRun).order_by(SelectionRun.id.desc()).limit(limit)
        ).all()
        return [
            RunSummary(r.id, r.run_on, r.agency_code, r.created_by, r.created_at, r.candidate_count)
            for r in rows
        ]


def bordereau_summaries(uow: UnitOfWork, run_id: int) -> list[BordereauSummary]:
    with uow:
        _run(uow, run_id)
        rows = uow.session.execute(
            select(
                Candidate.bordereau_code,
                Bordereau.voltage,
                Bordereau.period,
                Candidate.decision,
                func.count(),
                func.sum(Candidate.amount_due),
            )
            .join(Bordereau, Bordereau.code == Candidate.bordereau_code)
            .where(Candidate.run_id == run_id)
            .group_by(
                Candidate.bordereau_code, Bordereau.voltage, Bordereau.period, Candidate.decision
            )
            .order_by(Candidate.bordereau_code)
        ).all()
    grouped: dict[str, tuple[str, str, Counter[Decision], int]] = {}
    for code, voltage, period, decision, n, amount in rows:
        entry = grouped.setdefault(code, (voltage, period, Counter(), 0))
        entry[2][Decision(decision)] += n
        grouped[code] = (voltage, period, entry[2], entry[3] + int(amount or 0))
    return [
        BordereauSummary(code, v, period, sum(cnt.values()), dict(cnt), amount)
        for code, (v, period, cnt, amount) in grouped.items()
    ]


def list_agencies(uow: UnitOfWork) -> list[tuple[str, str | None]]:
    with uow:
        return [(a.code, a.name) for a in uow.session.scalars(select(Agency).order_by(Agency.code))]


def last_import(uow: UnitOfWork) -> ImportInfo | None:
    with uow:
        row = uow.session.execute(
            select(AuditEvent.occurred_at, AuditEvent.actor)
            .where(AuditEvent.action == AuditAction.IMPORT.value)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).first()
        return ImportInfo(row.occurred_at, row.actor) if row else None
