"""Recovery plans: read and change the settings of rules R2–R5 (audited)."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from sqlalchemy import select

from sbee_desk.db.models import RecoveryPlan
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import CATEGORY_LABELS, CustomerCategory
from sbee_desk.domain.permissions import Action
from sbee_desk.domain.plans import PlanValues, PlanViolation, procedure_violations
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.rules_sql import load_plans


class PlanError(ValueError):
    """Bad plan change; ``str()`` is a French message."""


class PlanBelowProcedure(PlanError):
    """A change that would undo the procedure (R2–R5): refused, nothing changed.

    ``category``, ``field``, ``rule``, ``minimum`` (None for a flag that must stay
    « oui ») say which; ``str()`` words it in French."""

    def __init__(self, violation: PlanViolation) -> None:
        self.violation = violation
        self.category = violation.category
        self.field = violation.field
        self.rule = violation.rule
        self.minimum = violation.minimum
        super().__init__(violation_message(violation))


def violation_message(v: PlanViolation) -> str:
    """The French refusal of one :class:`PlanViolation`: the plan, the field, the minimum."""
    label = CATEGORY_LABELS[v.category]
    plan = f"Plan « {label} » ({v.category.value}) : {FIELD_LABELS[v.field]}"
    if v.minimum is not None:
        why = (
            f"ne peut pas être inférieur à {v.minimum}, la valeur de la procédure ({v.rule}) ; "
            f"valeur demandée : {v.value}."
        )
    elif v.field == "exempt":
        why = (
            "doit rester « oui » (R4) : seule une dérogation de la Direction Générale, "
            "enregistrée pour un contrat, permet de le résilier."
        )
    elif v.field == "reminder_first_mt":
        why = "doit rester « oui » (R5) : tout client MT reçoit d'abord une lettre de relance."
    else:
        why = (
            f"doit rester « oui » (R5) : la catégorie {label} reçoit d'abord une lettre de relance."
        )
    return f"{plan} {why} Rien n'a été modifié."


#: editable fields and their French names
FIELD_LABELS: dict[str, str] = {
    "delay_bt_days": "délai après suspension BT (jours)",
    "delay_mt_days": "délai après suspension MT (jours)",
    "unpaid_threshold": "nombre minimal de factures impayées échues",
    "payment_term_days": "délai de paiement sans date d'échéance (jours)",
    "exempt": "exempté sauf dérogation DG",
    "reminder_first_bt": "relance écrite préalable en BT",
    "reminder_first_mt": "relance écrite préalable en MT",
    "reminder_delay_days": "délai après remise de la lettre (jours)",
    "undelivered_alert_days": "alerte lettre non remise après (jours)",
    "validation_max_age_days": "âge maximal d'un traitement à valider (jours)",
}
_BOOLEAN = {"exempt", "reminder_first_bt", "reminder_first_mt"}
#: what any value must be; the procedure's own floors depend on the plan and are
#: checked by :func:`update_plan` (domain.plans.procedure_violations)
_MINIMUM: dict[str, int] = {}


def list_plans(uow: UnitOfWork) -> list[PlanValues]:
    with uow:
        plans = load_plans(uow)
    return [plans[c.value] for c in CustomerCategory if c.value in plans]


def parse_value(name: str, raw: str) -> int | bool:
    if name not in FIELD_LABELS:
        raise PlanError(
            f"Paramètre « {name} » inconnu ; paramètres possibles : {', '.join(FIELD_LABELS)}."
        )
    if name in _BOOLEAN:
        lowered = raw.strip().lower()
        if lowered in {"oui", "true", "1"}:
            return True
        if lowered in {"non", "false", "0"}:
            return False
        raise PlanError(f"{FIELD_LABELS[name]} : « {raw} » n'est pas oui ou non.")
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise PlanError(f"{FIELD_LABELS[name]} : « {raw} » n'est pas un nombre entier.") from exc
    if value < _MINIMUM.get(name, 0):
        raise PlanError(
            f"{FIELD_LABELS[name]} : {value} est trop petit (minimum {_MINIMUM.get(name, 0)})."
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
            f"Catégorie « {category} » inconnue ; catégories : "
            f"{', '.join(c.value for c in CustomerCategory)}."
        ) from exc
    valid = {f.name for f in fields(PlanValues)} - {"category"}
    for name in changes:
        if name not in valid:
            raise PlanError(f"Paramètre « {name} » inconnu.")
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
