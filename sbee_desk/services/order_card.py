"""An order's whole story in one place (issue #15 item 5): from its printed or scanned
8-digit number, the order, its edition document(s), its assignments, its store return,
its CRIs and countersign, the contract's termination by it, and the journal's events
about it (the order, its documents, the termination it caused).

Plain values only; the GUI's card (gui/dialogs/order_card.py) words and shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from sbee_desk.db.models import (
    AuditEvent,
    Contract,
    ContractTermination,
    Customer,
    EditionDocument,
    InterventionReport,
    OrderAssignment,
    StaffMember,
    StoreReturn,
    User,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.audit_export import AuditRow as AuditRow
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit_log import audit_row
from sbee_desk.services.audit_log_model import AuditEntry, aware
from sbee_desk.services.authz import require
from sbee_desk.services.edition.model import document_number
from sbee_desk.services.errors import ServiceError


class OrderCardError(ServiceError):
    """The order's card refused: not a number, or no order under it."""


#: the printed number of an order: its id on eight digits (edition.model.document_number)
NUMBER_DIGITS = 8


@dataclass(frozen=True)
class CardDocument:
    number: str
    #: GENERE, IMPRIME, REMIS
    status: str
    created_at: dt.datetime
    printed_at: dt.datetime | None
    printed_by: str | None
    print_count: int
    handed_at: dt.datetime | None
    handed_by: str | None
    #: the matricule and name of whom the document was handed to
    handed_to: str | None


@dataclass(frozen=True)
class CardAssignment:
    agent: str | None
    agent_name: str | None
    visit_on: dt.date
    assigned_by: str
    assigned_at: dt.datetime
    ended_at: dt.datetime | None
    ended_by: str | None
    end_reason: str | None


@dataclass(frozen=True)
class CardStoreReturn:
    returned_on: dt.date
    sheet: str
    meter_serial: str | None
    breaker_serial: str | None
    #: the keeper's words when the serials differ from the order's
    mismatch_note: str | None
    recorded_by: str


@dataclass(frozen=True)
class CardReport:
    attempt: int
    visit_on: dt.date
    visit_time: str
    done: bool
    agent: str | None
    index: int | None
    meter_serial: str | None
    remarks: tuple[str, ...]
    outside_window: bool
    entered_by: str
    entered_at: dt.datetime
    countersigned_by: str | None
    countersigned_at: dt.datetime | None
    override_reason: str | None


@dataclass(frozen=True)
class CardTermination:
    terminated_on: dt.date
    #: IMPAYES for the procedure
    cause: str
    recorded_by: str


@dataclass(frozen=True)
class OrderCard:
    number: str
    #: DEPOSE or CONTROLE_INDEX
    kind: str
    police: str
    customer_code: str
    customer_name: str
    address: str | None
    #: an order status code (wording.labels.ORDER_STATUS_LABELS)
    status: str
    created_on: dt.date
    cancelled_on: dt.date | None
    cancel_reason: str | None
    documents: tuple[CardDocument, ...]
    assignments: tuple[CardAssignment, ...]
    store_returns: tuple[CardStoreReturn, ...]
    reports: tuple[CardReport, ...]
    termination: CardTermination | None
    #: the journal's events about the order, oldest first, worded as on the audit page
    events: tuple[AuditRow, ...]
    #: IMPAYES for the procedure; an R8 cause (FRAUDE, CONDITIONS, AUTRE) with its reason
    cause: str = "IMPAYES"
    cause_reason: str | None = None


def order_id_of(number: str) -> int:
    """The id of the order printed as ``number`` (digits, leading zeros allowed);
    refused (French) when it is not a number."""
    text = number.strip()
    if not text.isdigit() or not text.isascii() or len(text) > NUMBER_DIGITS:
        raise OrderCardError("ORDER_CARD_BAD_NUMBER", number=text)
    return int(text)


def order_card(uow: UnitOfWork, actor: Actor, number: str) -> OrderCard:
    """The card of the order printed as ``number``; refused (French) when unknown."""
    order_id = order_id_of(number)
    with uow:
        require(uow, actor, Action.READ)
        s = uow.session
        order = s.get(WorkOrder, order_id)
        if order is None:
            raise OrderCardError("ORDER_CARD_UNKNOWN", number=document_number(order_id))
        contract = s.get_one(Contract, order.police)
        customer = s.get_one(Customer, contract.customer_code)
        staff = {m.id: m for m in s.scalars(select(StaffMember))}

        def who(staff_id: int | None) -> tuple[str | None, str | None]:
            member = staff.get(staff_id) if staff_id is not None else None
            return (member.matricule, member.name) if member else (None, None)

        documents = []
        document_keys = []
        for d in s.scalars(
            select(EditionDocument)
            .where(EditionDocument.order_id == order_id)
            .order_by(EditionDocument.id)
        ):
            document_keys.append(str(d.id))
            matricule, name = who(d.handed_to)
            documents.append(
                CardDocument(
                    number=d.number,
                    status=d.status,
                    created_at=aware(d.created_at),
                    printed_at=aware(d.printed_at) if d.printed_at else None,
                    printed_by=d.printed_by,
                    print_count=d.print_count,
                    handed_at=aware(d.handed_at) if d.handed_at else None,
                    handed_by=d.handed_by,
                    handed_to=" ".join(x for x in (matricule, name) if x) or None,
                )
            )
        assignments = []
        for a in s.scalars(
            select(OrderAssignment)
            .where(OrderAssignment.order_id == order_id)
            .order_by(OrderAssignment.assigned_at, OrderAssignment.id)
        ):
            matricule, name = who(a.staff_id)
            assignments.append(
                CardAssignment(
                    agent=matricule,
                    agent_name=name,
                    visit_on=a.visit_on,
                    assigned_by=a.assigned_by,
                    assigned_at=aware(a.assigned_at),
                    ended_at=aware(a.ended_at) if a.ended_at else None,
                    ended_by=a.ended_by,
                    end_reason=a.end_reason,
                )
            )
        store_returns = tuple(
            CardStoreReturn(
                returned_on=r.returned_on,
                sheet=r.sheet_number,
                meter_serial=r.meter_serial,
                breaker_serial=r.breaker_serial,
                mismatch_note=r.mismatch_note,
                recorded_by=r.recorded_by,
            )
            for r in s.scalars(
                select(StoreReturn).where(StoreReturn.order_id == order_id).order_by(StoreReturn.id)
            )
        )
        reports = tuple(
            CardReport(
                attempt=ir.attempt,
                visit_on=ir.visit_on,
                visit_time=ir.visit_time,
                done=ir.done,
                agent=who(ir.agent_id)[0],
                index=ir.index_read,
                meter_serial=ir.meter_serial_found,
                remarks=tuple(c for c in ir.remarks.split(",") if c),
                outside_window=ir.outside_window,
                entered_by=ir.entered_by,
                entered_at=aware(ir.entered_at),
                countersigned_by=ir.countersigned_by,
                countersigned_at=aware(ir.countersigned_at) if ir.countersigned_at else None,
                override_reason=ir.override_reason,
            )
            for ir in s.scalars(
                select(InterventionReport)
                .where(InterventionReport.order_id == order_id)
                .order_by(InterventionReport.attempt, InterventionReport.id)
            )
        )
        t = s.scalars(
            select(ContractTermination).where(ContractTermination.order_id == order_id)
        ).one_or_none()
        termination = (
            CardTermination(t.terminated_on, t.cause, t.recorded_by) if t is not None else None
        )
        about = [
            and_(AuditEvent.entity == "work_order", AuditEvent.entity_key == str(order_id)),
            and_(
                AuditEvent.entity == "edition_document",
                AuditEvent.entity_key.in_(document_keys),
            ),
        ]
        if t is not None:
            # the termination is the contract's event, caused by this order's countersign
            about.append(
                and_(
                    AuditEvent.entity.in_(("contract", "contrats")),
                    AuditEvent.entity_key == order.police,
                    AuditEvent.action == AuditAction.CONTRACT_TERMINATE,
                )
            )
        rows = s.execute(
            select(AuditEvent, User.full_name)
            .outerjoin(User, User.login == AuditEvent.actor)
            .where(or_(*about))
            .order_by(AuditEvent.id)
        ).all()
        events = tuple(
            audit_row(
                AuditEntry(
                    id=e.id,
                    occurred_at=aware(e.occurred_at),
                    actor=e.actor,
                    actor_name=full_name,
                    action=e.action,
                    entity=e.entity,
                    entity_key=e.entity_key,
                    before=e.before,
                    after=e.after,
                    details=e.details,
                )
            )
            for e, full_name in rows
        )
        return OrderCard(
            number=document_number(order_id),
            kind=order.kind,
            police=order.police,
            customer_code=customer.code,
            customer_name=customer.name,
            address=customer.address,
            status=order.status,
            created_on=order.created_on,
            cancelled_on=order.cancelled_on,
            cancel_reason=order.cancel_reason,
            documents=tuple(documents),
            assignments=tuple(assignments),
            store_returns=store_returns,
            reports=reports,
            termination=termination,
            events=events,
            cause=order.cause,
            cause_reason=order.cause_reason,
        )
