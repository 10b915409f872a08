"""Step 1, the chef's review: exclusions, DG derogations and bordereau validation.

Validation turns the confirmed lines of a bordereau into the pending work of step
2 — one reminder letter per RELANCE line, one work order per RESILIATION line —
after checking R7 with everything known at that moment, and freezes the review.
Letters and orders are unique per suspension (R13): a second validation, from
another run or another workstation, cannot create them twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, insert, literal, select
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    BordereauValidation,
    Candidate,
    Contract,
    Derogation,
    ExclusionReason,
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
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.r7 import Cancellation, cancel_ended
from sbee_desk.services.rules_sql import PlansSql, candidate_select, load_plans
from sbee_desk.services.selection import bordereau_summaries, line_bordereau


class ReviewError(ServiceError, ValueError):
    """Bad review action; nothing was changed."""


@dataclass(frozen=True)
class RunAge:
    """How old a run is at a date, against the plans' ``validation_max_age_days``.

    Where the setting lives: a field of the recovery plan (business-rules.md: a
    decision is a plan setting), default 7 days, changed by the administrator like
    any plan value. A run is one treatment at one date, so the strictest plan (the
    smallest value among today's plans) applies to all its bordereaux; today's
    plans, not the run's snapshot: it is a rule about validating now.
    """

    run_id: int
    run_on: dt.date
    on: dt.date
    max_age_days: int

    @property
    def days(self) -> int:
        return (self.on - self.run_on).days

    @property
    def too_old(self) -> bool:
        return self.days > self.max_age_days


class RunTooOld(ReviewError):
    """Validation refused: the run is older than the plans allow (code ``RUN_TOO_OLD``;
    the data in ``age``, the faces word it; ``str()`` is the French sentence)."""

    def __init__(self, age: RunAge) -> None:
        self.age = age
        super().__init__("RUN_TOO_OLD", run_on=age.run_on, max_age_days=age.max_age_days)


@dataclass(frozen=True)
class ValidationResult:
    run_id: int
    bordereau_code: str
    letters: int
    orders: int
    excluded: int
    #: lines no longer candidates at validation (R7: restored or paid meanwhile)
    dropped: list[str]
    waiting: int
    exempt: int
    #: R7 at validation: letters and orders (of any bordereau) it cancelled
    cancelled: list[Cancellation] = field(default_factory=list)


@dataclass(frozen=True)
class ValidationInfo:
    bordereau_code: str
    validated_by: str
    validated_at: dt.datetime
    letters: int
    orders: int


@dataclass(frozen=True)
class DerogationInfo:
    id: int
    police: str
    reference: str
    decided_on: dt.date
    valid_until: dt.date | None
    recorded_by: str
    recomputed_lines: int


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


def exclusion_reasons(uow: UnitOfWork) -> list[tuple[str, str]]:
    with uow:
        rows = uow.session.scalars(
            select(ExclusionReason)
            .where(ExclusionReason.active.is_(True))
            .order_by(ExclusionReason.label)
        )
        return [(r.code, r.label) for r in rows]


def _validation(uow: UnitOfWork, run_id: int, bordereau: str) -> BordereauValidation | None:
    return uow.session.scalars(
        select(BordereauValidation).where(
            BordereauValidation.run_id == run_id, BordereauValidation.bordereau_code == bordereau
        )
    ).one_or_none()


def validations(uow: UnitOfWork, run_id: int) -> dict[str, ValidationInfo]:
    with uow:
        rows = uow.session.scalars(
            select(BordereauValidation).where(BordereauValidation.run_id == run_id)
        )
        return {
            v.bordereau_code: ValidationInfo(
                v.bordereau_code, v.validated_by, v.validated_at, v.letters, v.orders
            )
            for v in rows
        }


def _resolve_reason(uow: UnitOfWork, reason: str, note: str | None) -> tuple[str, str]:
    """(code, text) from a code of the list or free text; refuses an empty reason."""
    reason = (reason or "").strip()
    note = (note or "").strip()
    if not reason:
        raise ReviewError("EXCLUSION_REASON_REQUIRED")
    row = uow.session.get(ExclusionReason, reason.upper())
    if row is not None:
        if row.code == "AUTRE" and not note:
            raise ReviewError("OTHER_REASON_NOTE_REQUIRED")
        return row.code, f"{row.label} — {note}" if note else row.label
    return "AUTRE", f"{reason} — {note}" if note else reason


def _lines(uow: UnitOfWork, run_id: int, polices: list[str]) -> list[Candidate]:
    rows = list(
        uow.session.scalars(
            select(Candidate).where(Candidate.run_id == run_id, Candidate.police.in_(polices))
        )
    )
    missing = sorted(set(polices) - {c.police for c in rows})
    if missing:
        raise ReviewError("POLICES_NOT_IN_RUN", polices=missing, run_id=run_id)
    return rows


def _check_open(uow: UnitOfWork, run_id: int, bordereaux: set[str]) -> None:
    for code in sorted(bordereaux):
        v = _validation(uow, run_id, code)
        if v is not None:
            raise ReviewError(
                "BORDEREAU_VALIDATED", bordereau=code, by=v.validated_by, at=v.validated_at
            )


def exclude_lines(
    uow: UnitOfWork,
    actor: Actor,
    run_id: int,
    polices: list[str],
    reason: str,
    note: str | None = None,
) -> int:
    """Exclude lines from a run (mandatory reason). Returns the number excluded."""
    with uow.write():
        require(uow, actor, Action.SELECT)
        code, text = _resolve_reason(uow, reason, note)
        lines = _lines(uow, run_id, polices)
        _check_open(uow, run_id, {c.bordereau_code for c in lines})
        at = audit.now()
        for line in lines:
            before = {"excluded_reason": line.excluded_reason}
            line.exclusion_code, line.excluded_reason = code, text
            line.excluded_by, line.excluded_at = actor.login, at
            audit.record(
                uow,
                actor,
                AuditAction.REVIEW_EXCLUDE,
                entity="candidate",
                entity_key=f"{run_id}:{line.police}",
                before=before,
                after={"excluded_reason": text, "code": code},
            )
        uow.commit()
        return len(lines)


def restore_lines(uow: UnitOfWork, actor: Actor, run_id: int, polices: list[str]) -> int:
    """Bring excluded lines back (confirmed again)."""
    with uow.write():
        require(uow, actor, Action.SELECT)
        lines = _lines(uow, run_id, polices)
        _check_open(uow, run_id, {c.bordereau_code for c in lines})
        for line in lines:
            if line.excluded_reason is None:
                continue
            audit.record(
                uow,
                actor,
                AuditAction.REVIEW_RESTORE,
                entity="candidate",
                entity_key=f"{run_id}:{line.police}",
                before={"excluded_reason": line.excluded_reason},
                after={"excluded_reason": None},
            )
            line.exclusion_code = line.excluded_reason = line.excluded_by = None
            line.excluded_at = None
        uow.commit()
        return len(lines)


def _recompute(uow: UnitOfWork, run: SelectionRun, polices: list[str]) -> int:
    """Re-decide some lines of an open run with today's derogations (R4)."""
    plans = PlansSql(load_plans(uow), run.run_on)
    fresh = {
        row.police: row
        for row in uow.session.execute(
            candidate_select(run.id, plans, run.agency_code, polices)
        ).mappings()
    }
    changed = 0
    for line in _lines_if_present(uow, run.id, polices):
        row = fresh.get(line.police)
        if row is None:
            continue
        if (line.decision, line.derogation_id) != (row["decision"], row["derogation_id"]):
            line.decision, line.derogation_id = row["decision"], row["derogation_id"]
            line.letter_id = row["letter_id"]
            changed += 1
    return changed


def _lines_if_present(uow: UnitOfWork, run_id: int, polices: list[str]) -> list[Candidate]:
    return list(
        uow.session.scalars(
            select(Candidate).where(Candidate.run_id == run_id, Candidate.police.in_(polices))
        )
    )


def add_derogation(
    uow: UnitOfWork,
    actor: Actor,
    police: str,
    reference: str,
    decided_on: dt.date,
    valid_until: dt.date | None = None,
    document_reference: str | None = None,
    *,
    today_: dt.date | None = None,
) -> DerogationInfo:
    """Record a DG derogation (DIRECTION) and re-decide the open runs' lines (R4)."""
    reference = (reference or "").strip()
    if not reference:
        raise ReviewError("DEROGATION_REFERENCE_REQUIRED")
    if decided_on > (today_ or today()):
        raise ReviewError("DEROGATION_IN_FUTURE", decided_on=decided_on)
    if valid_until is not None and valid_until < decided_on:
        raise ReviewError(
            "DEROGATION_ENDS_BEFORE_DECISION", valid_until=valid_until, decided_on=decided_on
        )
    with uow.write():
        require(uow, actor, Action.DEROGATION)
        if uow.session.get(Contract, police) is None:
            raise ReviewError("DEROGATION_UNKNOWN_POLICE", police=police)
        derogation = Derogation(
            police=police,
            reference=reference,
            decided_on=decided_on,
            valid_until=valid_until,
            document_reference=(document_reference or "").strip() or None,
            recorded_by=actor.login,
            recorded_at=audit.now(),
        )
        uow.session.add(derogation)
        uow.session.flush()
        # Re-decide this contract's lines in every run whose bordereau is not validated.
        open_run_ids = uow.session.scalars(
            select(Candidate.run_id)
            .where(Candidate.police == police)
            .where(
                ~select(BordereauValidation.id)
                .where(
                    BordereauValidation.run_id == Candidate.run_id,
                    BordereauValidation.bordereau_code == Candidate.bordereau_code,
                )
                .exists()
            )
            .distinct()
        ).all()
        open_runs = [uow.session.get_one(SelectionRun, run_id) for run_id in open_run_ids]
        changed = sum(_recompute(uow, run, [police]) for run in open_runs)
        audit.record(
            uow,
            actor,
            AuditAction.DEROGATION_ADD,
            entity="derogation",
            entity_key=police,
            after={
                "reference": reference,
                "decided_on": decided_on.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
                "document_reference": derogation.document_reference,
            },
            details={"recomputed_lines": changed},
        )
        uow.commit()
        return DerogationInfo(
            derogation.id, police, reference, decided_on, valid_until, actor.login, changed
        )


#: PostgreSQL advisory-lock space of the validations (one lock per bordereau code)
_VALIDATION_LOCKS = 0x5BEE_0005


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
        _check_open(uow, run_id, {bordereau_code})
        for police, reason in exclusions or []:
            code, text = _resolve_reason(uow, reason, None)
            lines = _lines(uow, run_id, [police])
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
                runs = sorted({t.run_id for t in taken})
                raise ReviewError("LINES_ALREADY_VALIDATED", polices=polices, runs=runs)
        # R7 at validation: end the pending work of restored, paid or terminated contracts
        cancelled = cancel_ended(uow, actor, on, AuditAction.REVIEW_R7_CANCEL)
        # R7 with everything known now: still suspended and still unpaid at validation.
        still = set()
        if actionable:
            plans = PlansSql(load_plans(uow), on)
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
                    validated_at=audit.now(),
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
