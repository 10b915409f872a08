"""Step 1, the chef's review: exclusions, DG derogations and bordereau validation.

Validation turns the confirmed lines of a bordereau into the pending work of step
2 — one reminder letter per RELANCE line, one work order per RESILIATION line —
after checking R7 with everything known at that moment, and freezes the review.
Letters and orders are unique per suspension (R13): a second validation, from
another run or another workstation, cannot create them twice.

This module is validation (and a run's age); the review actions before it —
exclusions, DG derogations — are :mod:`review_actions`, the error and the result
objects :mod:`review_base`. Their public names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, literal, select
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    BordereauValidation,
    Candidate,
    Derogation,
    ReminderLetter,
    SelectionRun,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.dropped import drop_reasons
from sbee_desk.services.r7 import cancel_ended
from sbee_desk.services.review_actions import add_derogation, exclude_lines, restore_lines
from sbee_desk.services.review_base import (
    DerogationInfo,
    ReviewError,
    RunAge,
    RunTooOld,
    ValidationInfo,
    ValidationResult,
    check_open,
    exclusion_reasons,
    lines_of,
    resolve_reason,
    validations,
)
from sbee_desk.services.rules_sql import candidate_select, load_plans, plans_sql
from sbee_desk.services.selection import bordereau_summaries, line_bordereau

__all__ = [
    "DerogationInfo",
    "ReviewError",
    "RunAge",
    "RunTooOld",
    "RunValidation",
    "ValidationInfo",
    "ValidationResult",
    "add_derogation",
    "exclude_lines",
    "exclusion_reasons",
    "restore_lines",
    "run_age",
    "validate_all",
    "validate_bordereau",
    "validations",
]


def _run_age(uow: UnitOfWork, run: SelectionRun, on: dt.date) -> RunAge:
    limits = [plan.validation_max_age_days for plan in load_plans(uow).values()]
    return RunAge(run.id, run.run_on, on, min(limits) if limits else 7)


def run_age(uow: UnitOfWork, run_id: int, *, today_: dt.date | None = None) -> RunAge:
    """How old run ``run_id`` is today, and whether it may still be validated."""
    with uow:
        run = uow.session.get(SelectionRun, run_id)
        if run is None:
            raise ReviewError("RUN_NOT_FOUND", run_id=run_id)
        return _run_age(uow, run, today_ or today())


#: PostgreSQL advisory-lock space of the validations (one lock per bordereau code)
_VALIDATION_LOCKS = 0x5BEE_0005


def _moment_on(on: dt.date, given: bool) -> dt.datetime:
    """When the validation happened: now; or, for a day given by the caller (the demo's
    history, a test's clock), that day at the present time of day — so that the lists'
    « Validé par … le » matches the run's day instead of the wall clock's."""
    moment = audit.now()
    return dt.datetime.combine(on, moment.timetz()) if given else moment


def validate_bordereau(
    uow: UnitOfWork,
    actor: Actor,
    run_id: int,
    bordereau_code: str,
    exclusions: list[tuple[str, str]] | None = None,
    *,
    today_: dt.date | None = None,
) -> ValidationResult:
    """Validate one bordereau of a run: R7 check, letters and orders, frozen review.

    A run older than the plans allow (:class:`RunAge`) is refused with
    :class:`RunTooOld`: the chef relaunches the treatment at today's date.

    ``exclusions`` are (police, reason) pairs applied in the same transaction
    (the CLI's ``--exclude POLICE:REASON``). All or nothing.
    """
    on = today_ or today()
    with uow.write():
        require(uow, actor, Action.SELECT)
        session = uow.session
        if uow.dialect == "postgresql":
            # Two workstations validating the same bordereau (in two runs) one after the
            # other: the second then finds the first's letters and orders (R13 below)
            # instead of racing it. SQLite: the IMMEDIATE transaction serialises already.
            session.execute(
                sql_text("SELECT pg_advisory_xact_lock(:space, hashtext(:code))"),
                {"space": _VALIDATION_LOCKS, "code": bordereau_code},
            )
        run = session.get(SelectionRun, run_id)
        if run is None:
            raise ReviewError("RUN_NOT_FOUND", run_id=run_id)
        age = _run_age(uow, run, on)
        if age.too_old:
            raise RunTooOld(age)
        total = session.scalar(
            select(func.count())
            .select_from(Candidate)
            .where(Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code)
        )
        if not total:
            raise ReviewError("BORDEREAU_NOT_IN_RUN", bordereau=bordereau_code, run_id=run_id)
        check_open(uow, run_id, {bordereau_code})
        for police, reason in exclusions or []:
            code, text = resolve_reason(uow, reason, None)
            lines = lines_of(uow, run_id, [police])
            if lines[0].bordereau_code != bordereau_code:
                raise ReviewError(
                    "POLICE_IN_OTHER_BORDEREAU",
                    police=police,
                    bordereau=lines[0].bordereau_code,
                    asked=bordereau_code,
                )
            lines[0].exclusion_code, lines[0].excluded_reason = code, text
            lines[0].excluded_by, lines[0].excluded_at = actor.login, audit.now()
        session.flush()
        lines = list(
            session.scalars(
                select(Candidate).where(
                    Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code
                )
            )
        )
        for line in lines:
            if line.excluded_reason is not None and not line.excluded_reason.strip():
                raise ReviewError("EXCLUSION_WITHOUT_REASON", police=line.police)
        # Segregation: who recorded a derogation may not validate the bordereau using it.
        derogation_ids = [
            c.derogation_id for c in lines if c.derogation_id and not c.excluded_reason
        ]
        if derogation_ids:
            own = session.scalars(
                select(Derogation.police).where(
                    Derogation.id.in_(derogation_ids), Derogation.recorded_by == actor.login
                )
            ).all()
            if own:
                raise ReviewError("OWN_DEROGATION", police=own[0])
        confirmed = [c for c in lines if c.excluded_reason is None]
        actionable = [
            c for c in confirmed if c.decision in (Decision.RELANCE, Decision.RESILIATION)
        ]
        # R13: work already created for these suspensions by another validation.
        suspension_ids = [c.suspension_id for c in actionable]
        if suspension_ids:
            taken = session.execute(
                select(WorkOrder.police, WorkOrder.run_id)
                .where(WorkOrder.suspension_id.in_(suspension_ids))
                .union_all(
                    select(ReminderLetter.police, ReminderLetter.run_id).where(
                        ReminderLetter.suspension_id.in_(suspension_ids),
                        ReminderLetter.run_id != run_id,
                        ReminderLetter.id.not_in(
                            [c.letter_id for c in actionable if c.letter_id is not None]
                        ),
                    )
                )
            ).all()
            if taken:
                polices = sorted({t.police for t in taken})
                # an order entered for another cause (R8) has no run (run_id NULL)
                runs = sorted({t.run_id for t in taken if t.run_id is not None})
                raise ReviewError("LINES_ALREADY_VALIDATED", polices=polices, runs=runs)
        # R7 at validation: end the pending work of restored, paid or terminated contracts
        cancelled = cancel_ended(uow, actor, on, AuditAction.REVIEW_R7_CANCEL)
        # R7 with everything known now: still suspended and still unpaid at validation.
        still = set()
        if actionable:
            plans = plans_sql(uow, on)
            still = {
                row.suspension_id
                for row in session.execute(
                    candidate_select(run_id, plans, None, [c.police for c in actionable])
                )
            }
        kept = [c for c in actionable if c.suspension_id in still]
        dropped = sorted(c.police for c in actionable if c.suspension_id not in still)
        if dropped:  # why, for the control list (#10)
            gone = [c for c in actionable if c.suspension_id not in still]
            reasons = drop_reasons(uow, gone, on, plans.values)
            for line in gone:
                line.dropped_code = reasons[line.id].value
        letters = [c for c in kept if c.decision == Decision.RELANCE]
        orders = [c for c in kept if c.decision == Decision.RESILIATION]
        try:
            if letters:
                session.execute(
                    insert(ReminderLetter).from_select(
                        ["police", "suspension_id", "run_id", "bordereau_code", "created_on"],
                        select(
                            Candidate.police,
                            Candidate.suspension_id,
                            literal(run_id),
                            Candidate.bordereau_code,
                            literal(on, ReminderLetter.created_on.type),
                        ).where(Candidate.id.in_([c.id for c in letters])),
                    )
                )
            if orders:
                session.execute(
                    insert(WorkOrder).from_select(
                        [
                            "police",
                            "suspension_id",
                            "run_id",
                            "bordereau_code",
                            "kind",
                            "created_on",
                        ],
                        select(
                            Candidate.police,
                            Candidate.suspension_id,
                            literal(run_id),
                            Candidate.bordereau_code,
                            Candidate.order_kind,
                            literal(on, WorkOrder.created_on.type),
                        ).where(Candidate.id.in_([c.id for c in orders])),
                    )
                )
            session.add(
                BordereauValidation(
                    run_id=run_id,
                    bordereau_code=bordereau_code,
                    validated_by=actor.login,
                    validated_at=_moment_on(on, today_ is not None),
                    letters=len(letters),
                    orders=len(orders),
                    excluded=len(lines) - len(confirmed),
                    dropped=len(dropped),
                )
            )
            session.flush()
        except IntegrityError as exc:
            session.rollback()
            raise ReviewError("VALIDATION_RACE", bordereau=bordereau_code) from exc
        result = ValidationResult(
            run_id=run_id,
            bordereau_code=bordereau_code,
            letters=len(letters),
            orders=len(orders),
            excluded=len(lines) - len(confirmed),
            dropped=dropped,
            waiting=sum(c.decision == Decision.ATTENTE_RELANCE for c in confirmed),
            exempt=sum(c.decision == Decision.EXEMPTE for c in confirmed),
            cancelled=cancelled,
        )
        audit.record(
            uow,
            actor,
            AuditAction.REVIEW_VALIDATE,
            entity="bordereau",
            entity_key=bordereau_code,
            after={
                "run": run_id,
                "letters": result.letters,
                "orders": result.orders,
                "excluded": result.excluded,
                "dropped_r7": dropped,
            },
            details={
                "exclusions": [
                    {"police": c.police, "reason": c.excluded_reason}
                    for c in lines
                    if c.excluded_reason
                ]
            },
        )
        uow.commit()
        return result


@dataclass(frozen=True)
class RunValidation:
    """What :func:`validate_all` did: the bordereaux validated, in order; when one was
    refused, which (``refused``) and why (``error``) — those before it stay validated
    (one transaction per bordereau), those after it were not tried. Nothing validated
    and no error: every bordereau of the run was already validated."""

    validated: list[ValidationResult]
    refused: str | None = None
    error: ReviewError | None = None


def validate_all(
    uow: UnitOfWork,
    actor: Actor,
    run_id: int,
    exclusions: list[tuple[str, str]] | None = None,
    *,
    today_: dt.date | None = None,
) -> RunValidation:
    """Validate every bordereau of a run not validated yet, in code order, each in its
    own transaction (:func:`validate_bordereau`), stopping at the first refused.

    ``exclusions`` (police, reason) go to the bordereau of their line; a police that is
    no line of the run refuses the call before anything is validated
    (``POLICES_NOT_IN_RUN``: bad input is never dropped silently); one of an already
    validated bordereau has nothing left to exclude.
    """
    home = {police: line_bordereau(uow, run_id, police) for police, _ in exclusions or []}
    missing = sorted(police for police, code in home.items() if code is None)
    if missing:
        raise ReviewError("POLICES_NOT_IN_RUN", polices=missing, run_id=run_id)
    done = validations(uow, run_id)
    codes = [b.code for b in bordereau_summaries(uow, run_id) if b.code not in done]
    results: list[ValidationResult] = []
    for code in codes:
        mine = [e for e in exclusions or [] if home[e[0]] == code]
        try:
            results.append(validate_bordereau(uow, actor, run_id, code, mine, today_=today_))
        except ReviewError as exc:
            return RunValidation(results, code, exc)
    return RunValidation(results)
