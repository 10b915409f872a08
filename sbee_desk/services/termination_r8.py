"""Terminations for other causes (business-rules.md R8): the chef section recouvrement
enters a résiliation d'office for fraud, non-respect of the subscription conditions or
another stated cause.

What it creates is an order like the procedure's (R6: an ordre de dépose for BT, an
ordre de contrôle d'index for MT), status A_EDITER: the next edition prints it (the
edition takes every order not cancelled with no document yet, whatever produced it),
then it is dispatched, its CRI entered and countersigned — and the countersign records
the order's cause and reason on the termination (R11). The order carries ``cause`` and
``cause_reason`` (printed on it), no selection run (``run_id`` NULL: it was not born of
one), the bordereau of its suspension, and for an exempt customer the DG derogation
that allowed it (R4).

The checks, each a :class:`TerminationError` (French words in ``wording.errors``),
nothing written:

- the cause is one of FRAUDE, CONDITIONS, AUTRE, and a reason is stated (R8);
- the acting user is a chef section recouvrement (audited refusal, ``authz``);
- the police is a contract; it is not terminated (in the export's ``date_resiliation``
  on or before today, or by sbee-desk) — R1, R13;
- R1 as of today: the contract has a current suspension (the latest dated on or before
  today, not restored on or before today);
- no order exists for that suspension (one order per suspension, R13; the database's
  unique constraint is the last word between two workstations);
- R4: an exempt category (today's plans) needs a DG derogation valid today.

R3 (unpaid bills) and R5 (reminder letter) are the procedure's, not R8's. R7 still
cancels an R8 order whose suspension is restored or whose contract the export shows
terminated — but never for payment: its cause is not the debt (``services.r7``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    Contract,
    ContractTermination,
    Customer,
    Derogation,
    Suspension,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.domain.enums import OrderKind, Voltage
from sbee_desk.domain.permissions import Action
from sbee_desk.domain.termination import MANUAL_CAUSES, REASON_LIMIT, TerminationCause
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.dispatch.data import serialise_writers
from sbee_desk.services.edition.model import document_number
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.rules_sql import load_plans

__all__ = [
    "ContractFacts",
    "TerminationError",
    "TerminationOrder",
    "add_termination",
    "contract_facts",
]


class TerminationError(ServiceError):
    """Bad input or a refused R8 termination; nothing changed. ``field`` (when one is at
    fault): ``police``, ``cause`` or ``reason`` — the form puts the focus there."""

    @property
    def field(self) -> str | None:
        value = self.data.get("field")
        return str(value) if value is not None else None


@dataclass(frozen=True)
class ContractFacts:
    """A contract as the R8 form shows it when the police is typed."""

    police: str
    customer_name: str
    address: str | None
    category: str
    voltage: str
    #: ACTIF, SUSPENDU or RESILIE (as of today)
    status: str
    suspended_on: dt.date | None
    terminated_on: dt.date | None
    #: the order R8 would create (R6)
    kind: str
    #: why R8 would be refused now (French), None when it may be entered
    refusal: str | None


@dataclass(frozen=True)
class TerminationOrder:
    """The order an R8 termination created."""

    order_id: int
    number: str
    police: str
    customer_name: str
    kind: str
    cause: str
    reason: str
    created_on: dt.date
    bordereau_code: str | None
    derogation_reference: str | None


@dataclass(frozen=True)
class _Checked:
    contract: Contract
    customer: Customer
    suspension: Suspension
    derogation: Derogation | None


def _cause(raw: str) -> TerminationCause:
    text = (raw or "").strip().upper()
    try:
        cause = TerminationCause(text)
    except ValueError:
        cause = None
    if cause is None or cause not in MANUAL_CAUSES:
        raise TerminationError(
            "TERMINATION_BAD_CAUSE", cause=raw, known=[c.value for c in MANUAL_CAUSES],
            field="cause",
        )  # fmt: skip
    return cause


def _reason(raw: str | None) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise TerminationError("TERMINATION_REASON_REQUIRED", field="reason")
    if len(text) > REASON_LIMIT:
        raise TerminationError(
            "TERMINATION_REASON_TOO_LONG", limit=REASON_LIMIT, length=len(text), field="reason"
        )
    return text


def _police(raw: str | None) -> str:
    text = (raw or "").strip()
    if not text:
        raise TerminationError("TERMINATION_POLICE_REQUIRED", field="police")
    return text


def _latest_suspension(uow: UnitOfWork, police: str, on: dt.date) -> Suspension | None:
    """R1: the latest suspension dated on or before ``on`` (restored or not)."""
    return uow.session.scalars(
        select(Suspension)
        .where(Suspension.police == police, Suspension.suspended_on <= on)
        .order_by(Suspension.suspended_on.desc(), Suspension.id.desc())
        .limit(1)
    ).first()


def _terminated(uow: UnitOfWork, contract: Contract, on: dt.date) -> dt.date | None:
    """The termination date of a contract terminated as of ``on`` (in the export, or by
    sbee-desk whatever its date: R13); None otherwise."""
    if contract.terminated_on is not None and contract.terminated_on <= on:
        return contract.terminated_on
    done = uow.session.scalar(
        select(ContractTermination.terminated_on).where(
            ContractTermination.police == contract.police
        )
    )
    return done


def _check(uow: UnitOfWork, police: str, on: dt.date) -> _Checked:
    """Every rule R8 keeps, as of ``on``; TerminationError (French) at the first broken."""
    session = uow.session
    contract = session.get(Contract, police)
    if contract is None:
        raise TerminationError("TERMINATION_UNKNOWN_POLICE", police=police, field="police")
    customer = session.get_one(Customer, contract.customer_code)
    terminated = _terminated(uow, contract, on)
    if terminated is not None:
        raise TerminationError(
            "TERMINATION_ALREADY_TERMINATED", police=police, on=terminated, field="police"
        )
    suspension = _latest_suspension(uow, police, on)
    if suspension is None or (suspension.restored_on is not None and suspension.restored_on <= on):
        raise TerminationError(
            "TERMINATION_NOT_SUSPENDED",
            police=police,
            on=on,
            restored_on=suspension.restored_on if suspension is not None else None,
            field="police",
        )
    order = session.execute(
        select(WorkOrder.id, WorkOrder.status, WorkOrder.cancelled_on, WorkOrder.cause).where(
            WorkOrder.suspension_id == suspension.id
        )
    ).first()
    if order is not None:
        raise TerminationError(
            "TERMINATION_ORDER_EXISTS",
            police=police,
            number=document_number(order.id),
            status=order.status,
            cancelled_on=order.cancelled_on,
            suspended_on=suspension.suspended_on,
            field="police",
        )
    derogation = None
    plan = load_plans(uow).get(customer.category)
    if plan is not None and plan.exempt:
        derogation = session.scalars(
            select(Derogation)
            .where(
                Derogation.police == police,
                Derogation.decided_on <= on,
                or_(Derogation.valid_until.is_(None), Derogation.valid_until >= on),
            )
            .order_by(Derogation.id.desc())
            .limit(1)
        ).first()
        if derogation is None:
            raise TerminationError(
                "TERMINATION_EXEMPT_WITHOUT_DEROGATION",
                police=police,
                category=customer.category,
                on=on,
                field="police",
            )
    return _Checked(contract, customer, suspension, derogation)


def _kind(voltage: str) -> str:
    """R6: a removal for BT, an index check for MT."""
    return OrderKind.DEPOSE.value if voltage == Voltage.BT.value else OrderKind.CONTROLE_INDEX.value


def contract_facts(
    uow: UnitOfWork, police: str, *, today_: dt.date | None = None
) -> ContractFacts | None:
    """The contract ``police`` as the form shows it, with why R8 would be refused now
    (None for no such contract). A read: nothing written, no permission needed beyond
    reading."""
    on = today_ or today()
    key = (police or "").strip()
    if not key:
        return None
    with uow:
        contract = uow.session.get(Contract, key)
        if contract is None:
            return None
        customer = uow.session.get_one(Customer, contract.customer_code)
        suspension = _latest_suspension(uow, key, on)
        current = suspension is not None and (
            suspension.restored_on is None or suspension.restored_on > on
        )
        terminated = _terminated(uow, contract, on)
        refusal = None
        try:
            _check(uow, key, on)
        except TerminationError as exc:
            refusal = str(exc)
        if terminated is not None:
            status = "RESILIE"
        elif current:
            status = "SUSPENDU"
        else:
            status = "ACTIF"
        return ContractFacts(
            police=key,
            customer_name=customer.name,
            address=customer.address,
            category=customer.category,
            voltage=contract.voltage,
            status=status,
            suspended_on=suspension.suspended_on if current and suspension else None,
            terminated_on=terminated,
            kind=_kind(contract.voltage),
            refusal=refusal,
        )


def add_termination(
    uow: UnitOfWork,
    actor: Actor,
    police: str,
    cause: str,
    reason: str | None,
    *,
    today_: dt.date | None = None,
) -> TerminationOrder:
    """Enter an R8 termination: create its order (see the module); TerminationError
    (French, nothing written) when a rule refuses it, PermissionDenied (audited) for
    a user who is not chef section recouvrement."""
    the_cause = _cause(cause)
    text = _reason(reason)
    key = _police(police)
    on = today_ or today()
    with uow.write():
        require(uow, actor, Action.CRI_COUNTERSIGN)  # « saisir une résiliation manuelle »
        serialise_writers(uow)
        checked = _check(uow, key, on)
        contract, suspension = checked.contract, checked.suspension
        order = WorkOrder(
            police=key,
            suspension_id=suspension.id,
            run_id=None,  # not born of a selection run (models.WorkOrder.run_id)
            bordereau_code=suspension.bordereau_code,
            kind=_kind(contract.voltage),
            created_on=on,
            status=OrderStatus.A_EDITER.value,
            cause=the_cause.value,
            cause_reason=text,
            derogation_id=checked.derogation.id if checked.derogation else None,
        )
        uow.session.add(order)
        try:
            uow.session.flush()
        except IntegrityError as exc:  # another workstation created it meanwhile (R13)
            uow.session.rollback()
            raise TerminationError(
                "TERMINATION_ENTERED_ELSEWHERE", police=key, field="police"
            ) from exc
        number = document_number(order.id)
        derogation = checked.derogation.reference if checked.derogation else None
        audit.record(
            uow,
            actor,
            AuditAction.TERMINATION_R8,
            entity="work_order",
            entity_key=str(order.id),
            before=None,
            after={
                "status": order.status,
                "order_kind": order.kind,
                "cause": the_cause.value,
                "cause_reason": text,
                "created_on": on.isoformat(),
            },
            details={
                "police": key,
                "number": number,
                "suspended_on": suspension.suspended_on.isoformat(),
                **({"derogation": derogation} if derogation else {}),
            },
        )
        result = TerminationOrder(
            order_id=order.id,
            number=number,
            police=key,
            customer_name=checked.customer.name,
            kind=order.kind,
            cause=the_cause.value,
            reason=text,
            created_on=on,
            bordereau_code=order.bordereau_code,
            derogation_reference=derogation,
        )
        uow.commit()
    return result
