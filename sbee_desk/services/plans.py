"""Recovery plans: read and change the settings of rules R2–R5 (audited)."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from sqlalchemy import select

from sbee_desk.db.models import RecoveryPlan
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.domain.permissions import Action
from sbee_desk.domain.plans import PlanValues, PlanViolation, procedure_violations
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.rules_sql import load_plans
from sbee_desk.wording.labels import PLAN_FIELD_LABELS


class PlanError(ServiceError, ValueError):
    """Bad plan change; nothing changed."""


class PlanBelowProcedure(PlanError):
    """A change that would undo the procedure (R2–R5): refused, nothing changed.

    ``category``, ``field``, ``rule``, ``minimum`` (None for a flag that must stay
    « oui ») say which (also in ``data``, with the ``value`` asked)."""

    def __init__(self, violation: PlanViolation) -> None:
        self.violation = violation
        self.category = violation.category
        self.field = violation.field
        self.rule = violation.rule
        self.minimum = violation.minimum
        super().__init__(
            "PLAN_BELOW_PROCEDURE",
            category=violation.category,
            field=violation.field,
            rule=violation.rule,
            minimum=violation.minimum,
            value=violation.value,
        )


_BOOLEAN = {"exempt", "reminder_first_bt", "reminder_first_mt"}
#: what any value must be; the procedure's own floors depend on the plan and are
#: checked by :func:`update_plan` (domain.plans.procedure_violations)
_MINIMUM: dict[str, int] = {}


def list_plans(uow: UnitOfWork) -> list[PlanValues]:
    with uow:
        plans = load_plans(uow)
    return [plans[c.value] for c in CustomerCategory if c.value in plans]


def parse_value(name: str, raw: str) -> int | bool:
    if name not in PLAN_FIELD_LABELS:
        raise PlanError("UNKNOWN_PLAN_FIELD", name=name, known=list(PLAN_FIELD_LABELS))
    if name in _BOOLEAN:
        lowered = raw.strip().lower()
        if lowered in {"oui", "true", "1"}:
            return True
        if lowered in {"non", "false", "0"}:
            return False
        raise PlanError("PLAN_VALUE_NOT_YES_NO", field=name, raw=raw)
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise PlanError("PLAN_VALUE_NOT_INTEGER", field=name, raw=raw) from exc
    if value < _MINIMUM.get(name, 0):
        raise PlanError(
            "PLAN_VALUE_TOO_SMALL", field=name, value=value, minimum=_MINIMUM.get(name, 0)
        )
    return value


def update_plan(
    uow: UnitOfWork, actor: Actor, category: str, changes: dict[str, int | bool]
) -> PlanValues:
    """Change some values of a category's plan; audited with before/after.

    The plan cannot undo the procedure: a change leaving it below the procedure's
    values (R2–R5) raises :class:`PlanBelowProcedure`, and nothing is changed."""
    try:
        cat = CustomerCategory(category)
    except ValueError as exc:
        raise PlanError(
            "UNKNOWN_CATEGORY", category=category, known=[c.value for c in CustomerCategory]
        ) from exc
    valid = {f.name for f in fields(PlanValues)} - {"category"}
    for name in changes:
        if name not in valid:
            raise PlanError("UNKNOWN_PLAN_PARAMETER", name=name)
    with uow.write():
        require(uow, actor, Action.ADMINISTER)
        row = uow.session.scalars(
            select(RecoveryPlan).where(RecoveryPlan.category == cat.value)
        ).one()
        before_plan = load_plans(uow)[cat.value]
        after_plan = replace(before_plan, **changes)  # type: ignore[arg-type]
        violations = procedure_violations(after_plan)
        if violations:
            raise PlanBelowProcedure(violations[0])
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in changes.items():
            if getattr(before_plan, name) != value:
                before[name] = getattr(before_plan, name)
                after[name] = value
                setattr(row, name, value)
        if after:
            audit.record(
                uow,
                actor,
                AuditAction.PLAN_UPDATE,
                entity="recovery_plan",
                entity_key=cat.value,
                before=before,
                after=after,
            )
            uow.commit()
        return after_plan
