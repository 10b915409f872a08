"""What the chef's review actions (:mod:`review_actions`) and the validation
(:mod:`review`) share: the review's error and result objects, and reading its lines,
its exclusion reasons and the validations of a run (split from :mod:`review`, #11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from sbee_desk.db.models import (
    BordereauValidation,
    Candidate,
    ExclusionReason,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.r7 import Cancellation


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


def resolve_reason(uow: UnitOfWork, reason: str, note: str | None) -> tuple[str, str]:
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


def lines_of(uow: UnitOfWork, run_id: int, polices: list[str]) -> list[Candidate]:
    rows = list(
        uow.session.scalars(
            select(Candidate).where(Candidate.run_id == run_id, Candidate.police.in_(polices))
        )
    )
    missing = sorted(set(polices) - {c.police for c in rows})
    if missing:
        raise ReviewError("POLICES_NOT_IN_RUN", polices=missing, run_id=run_id)
    return rows


def check_open(uow: UnitOfWork, run_id: int, bordereaux: set[str]) -> None:
    for code in sorted(bordereaux):
        v = _validation(uow, run_id, code)
        if v is not None:
            raise ReviewError(
                "BORDEREAU_VALIDATED", bordereau=code, by=v.validated_by, at=v.validated_at
            )
