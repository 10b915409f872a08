"""The chef's countersign (CHEF_RECOUVREMENT): it makes the termination effective
(R11). One or a selection of CRIs « exécuté », in one write transaction:

- segregation: the user who entered a CRI may not countersign it;
- R9: a visit outside 08:00–14:30 needs the chef's override reason;
- R10: a BT removal needs its store return recorded (the ``store_return`` table of
  step 5), or an override with a reason;
- R1: only a contract of this procedure's current suspension, as of the visit date
  (not restored: R7 would have cancelled the order), not already terminated;
- R13: the contract is terminated once — a ``contract_termination`` row (the order's
  cause: IMPAYES for the procedure, or the R8 cause and reason the chef entered; the
  visit date, the order and its CRI; unique per contract in the database),
  ``contract.terminated_on`` set, the order CONTRESIGNE.

Two workstations countersigning at once: each takes the writers' lock (the audit
head) before reading the CRIs again; the second finds them countersigned and is
refused with a French message. The conditional UPDATE on the CRI's version and the
unique termination per contract are the database's last word. A refusal changes
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    Contract,
    ContractTermination,
    InterventionReport,
    Suspension,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.cri import countersign_terminates
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.cri import data
from sbee_desk.services.cri.model import (
    OVERRIDE_LIMIT,
    CountersignResult,
    CriError,
    PendingCri,
)
from sbee_desk.services.dispatch.data import run_update, serialise_writers
from sbee_desk.services.edition.model import document_number

#: the procedure's cause of termination (import-format.md, ``termination_cause``)
CAUSE_UNPAID = "IMPAYES"


def _why_not_pending(uow: UnitOfWork, order_id: int) -> CriError:
    """The refusal of an order that has no CRI awaiting countersign."""
    number = document_number(order_id)
    status = uow.session.scalar(select(WorkOrder.status).where(WorkOrder.id == order_id))
    if status is None:
        return CriError("CRI_UNKNOWN_ORDER", number=number, field="number")
    if status == OrderStatus.CONTRESIGNE.value:
        signed = uow.session.execute(
            select(InterventionReport.countersigned_by, InterventionReport.countersigned_at)
            .where(
                InterventionReport.order_id == order_id,
                InterventionReport.countersigned_at.is_not(None),
            )
            .order_by(InterventionReport.attempt.desc())
        ).first()
        return CriError(
            "CRI_ALREADY_COUNTERSIGNED",
            number=number,
            by=signed.countersigned_by if signed else "",
            at=signed.countersigned_at if signed else None,
            field="number",
        )
    return CriError(
        "CRI_NOTHING_TO_COUNTERSIGN", number=number, status=OrderStatus(status), field="number"
    )


def _check_r1(uow: UnitOfWork, rows: Sequence[PendingCri]) -> None:
    """R1 and R13 as of each visit date: the order's suspension is the contract's current
    one (not restored by then, no later suspension by then), and the contract is not
    terminated yet (from the export, or by sbee-desk)."""
    by_order = {r.order_id: r for r in rows}
    ids = sorted(by_order)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        found = uow.session.execute(
            select(
                WorkOrder.id,
                WorkOrder.police,
                Suspension.suspended_on,
                Suspension.restored_on,
                Contract.terminated_on,
                exists().where(ContractTermination.police == WorkOrder.police).label("terminated"),
            )
            .join(Suspension, Suspension.id == WorkOrder.suspension_id)
            .join(Contract, Contract.police == WorkOrder.police)
            .where(WorkOrder.id.in_(part))
        ).all()
        suspensions: dict[str, list[Any]] = {}
        for police, day in uow.session.execute(
            select(Suspension.police, Suspension.suspended_on).where(
                Suspension.police.in_({r.police for r in found})
            )
        ):
            suspensions.setdefault(police, []).append(day)
        for r in found:
            cri = by_order[r.id]
            if r.terminated or r.terminated_on is not None:
                raise CriError(
                    "CRI_CONTRACT_ALREADY_TERMINATED",
                    number=cri.number,
                    police=cri.police,
                    on=r.terminated_on,
                    field="number",
                )
            restored = r.restored_on is not None and r.restored_on <= cri.visit_on
            newer = any(
                r.suspended_on < day <= cri.visit_on for day in suspensions.get(r.police, [])
            )
            if restored or newer:
                raise CriError(
                    "CRI_NOT_CURRENT_SUSPENSION",
                    number=cri.number,
                    police=cri.police,
                    restored_on=r.restored_on if restored else None,
                    field="number",
                )


def _override(cri: PendingCri, window: str | None, store: str | None) -> str | None:
    parts = []
    if cri.outside_window and window:
        parts.append(f"R9 : {window}")
    if cri.no_store_return and store:
        parts.append(f"retour magasin : {store}")
    return " ; ".join(parts)[:OVERRIDE_LIMIT] or None


def countersign(
    uow: UnitOfWork,
    actor: Actor,
    numbers: Sequence[str],
    *,
    override_window: str = "",
    override_store: str = "",
    seen: Mapping[int, int] | None = None,
) -> CountersignResult:
    """Countersign the CRIs of these orders (see the module); ``seen``: order id → the
    CRI's version as the page read it (a CRI changed since is refused)."""
    ids = list(dict.fromkeys(data.order_id_of(n) for n in numbers))
    if not ids:
        raise CriError("CRI_NONE_CHOSEN")
    window = override_window.strip() or None
    store = override_store.strip() or None
    for text, name in ((window, "override_window"), (store, "override_store")):
        if text is not None and len(text) > OVERRIDE_LIMIT:
            raise CriError(
                "CRI_TEXT_TOO_LONG", number=document_number(ids[0]), field=name,
                limit=OVERRIDE_LIMIT,
            )  # fmt: skip
    with uow.write():
        require(uow, actor, Action.CRI_COUNTERSIGN)
        serialise_writers(uow)
        session = uow.session
        found = {r.order_id: r for r in data.pending(uow, ids)}
        for order_id in ids:
            if order_id not in found:
                raise _why_not_pending(uow, order_id)
        rows = [found[i] for i in ids]
        for cri in rows:
            if seen is not None and seen.get(cri.order_id, cri.version) != cri.version:
                raise CriError("CRI_CHANGED_ELSEWHERE", number=cri.number, field="number")
            if cri.entered_by == actor.login:
                raise CriError(
                    "CRI_SELF_COUNTERSIGN", number=cri.number, login=actor.login, field="number"
                )
        late = [(c.number, c.visit_time) for c in rows if c.outside_window]
        if late and window is None:
            raise CriError("CRI_WINDOW_OVERRIDE_REQUIRED", orders=late, field="override_window")
        unreturned = [c.number for c in rows if c.no_store_return]
        if unreturned and store is None:
            raise CriError("CRI_STORE_RETURN_REQUIRED", numbers=unreturned, field="override_store")
        _check_r1(uow, rows)
        # the cause each order was created for: IMPAYES, or R8's with its reason
        causes: dict[int, tuple[str, str | None]] = {}
        for start in range(0, len(ids), 500):
            for r in session.execute(
                select(WorkOrder.id, WorkOrder.cause, WorkOrder.cause_reason).where(
                    WorkOrder.id.in_(ids[start : start + 500])
                )
            ):
                causes[r.id] = (r.cause, r.cause_reason)
        now = audit.now()
        events: list[audit.EventDraft] = []
        terminations: list[dict[str, Any]] = []
        for cri in rows:
            reason = _override(cri, window, store)
            done = run_update(
                uow,
                update(InterventionReport)
                .where(
                    InterventionReport.id == cri.report_id,
                    InterventionReport.countersigned_at.is_(None),
                    InterventionReport.version == cri.version,
                )
                .values(
                    countersigned_by=actor.login,
                    countersigned_at=now,
                    override_reason=reason,
                    version=InterventionReport.version + 1,
                )
                .execution_options(synchronize_session=False),
            )
            moved = run_update(
                uow,
                update(WorkOrder)
                .where(WorkOrder.id == cri.order_id, WorkOrder.status == OrderStatus.EXECUTE.value)
                .values(
                    status=OrderStatus.CONTRESIGNE.value,
                    dispatch_version=WorkOrder.dispatch_version + 1,
                )
                .execution_options(synchronize_session=False),
            )
            if done.rowcount != 1 or moved.rowcount != 1:
                session.rollback()
                raise CriError("CRI_CHANGED_ELSEWHERE", number=cri.number, field="number")
            events.append(
                {
                    "action": AuditAction.CRI_COUNTERSIGN,
                    "entity": "work_order",
                    "entity_key": str(cri.order_id),
                    "before": {"status": OrderStatus.EXECUTE.value},
                    "after": {
                        "status": OrderStatus.CONTRESIGNE.value,
                        "override_reason": reason,
                    },
                    "details": {
                        "police": cri.police,
                        "number": cri.number,
                        "outside_window": cri.outside_window,
                        "serial_mismatch": cri.serial_mismatch,
                        "no_store_return": cri.no_store_return,
                    },
                }
            )
            if countersign_terminates(cri.kind):
                cause, cause_reason = causes.get(cri.order_id, (CAUSE_UNPAID, None))
                terminations.append(
                    {
                        "police": cri.police,
                        "terminated_on": cri.visit_on,
                        "cause": cause or CAUSE_UNPAID,
                        "reason": cause_reason,
                        "order_id": cri.order_id,
                        "report_id": cri.report_id,
                        "recorded_by": actor.login,
                        "recorded_at": now,
                    }
                )
        if terminations:
            try:
                session.execute(insert(ContractTermination), terminations)
            except IntegrityError:
                # R13: another workstation terminated one of these contracts meanwhile
                session.rollback()
                raise CriError(
                    "CRI_CONTRACT_ALREADY_TERMINATED",
                    number=rows[0].number,
                    police=rows[0].police,
                    on=None,
                    field="number",
                ) from None
            for t in terminations:
                session.execute(
                    update(Contract)
                    .where(Contract.police == t["police"], Contract.terminated_on.is_(None))
                    .values(terminated_on=t["terminated_on"])
                    .execution_options(synchronize_session=False)
                )
                events.append(
                    {
                        "action": AuditAction.CONTRACT_TERMINATE,
                        "entity": "contract",
                        "entity_key": t["police"],
                        "before": {"terminated_on": None},
                        "after": {
                            "terminated_on": t["terminated_on"].isoformat(),
                            "cause": t["cause"],
                            **({"reason": t["reason"]} if t["reason"] else {}),
                        },
                        "details": {"number": document_number(t["order_id"])},
                    }
                )
        audit.record_many(uow, actor, events)
        uow.commit()
    return CountersignResult(
        numbers=[c.number for c in rows],
        terminated={t["police"]: t["terminated_on"] for t in terminations},
    )
