"""Step 1, the chef's review before validation: excluding lines (with a reason),
bringing them back, recording a DG derogation (R4) and re-deciding the open runs'
lines with it (split from :mod:`review`, #11)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from sbee_desk.db.models import (
    BordereauValidation,
    Candidate,
    Contract,
    Derogation,
    SelectionRun,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.review_base import (
    DerogationInfo,
    ReviewError,
    check_open,
    lines_of,
    resolve_reason,
)
from sbee_desk.services.rules_sql import candidate_select, plans_sql


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
        code, text = resolve_reason(uow, reason, note)
        lines = lines_of(uow, run_id, polices)
        check_open(uow, run_id, {c.bordereau_code for c in lines})
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
        lines = lines_of(uow, run_id, polices)
        check_open(uow, run_id, {c.bordereau_code for c in lines})
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
    plans = plans_sql(uow, run.run_on)
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
