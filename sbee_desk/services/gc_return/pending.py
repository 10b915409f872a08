"""The lines not yet sent to the gestion clientèle (#16), set-based: a line is pending
while no ``gc_return_line`` has its kind and source.

- RESILIATION: every ``contract_termination`` (the procedure's, cause IMPAYES, and
  the other causes of R8): its date, the index and meter serial of its CRI (none for
  a termination without a field visit), the order's number;
- INDEX_MT: the index read on an ordre de contrôle d'index (MT), from its CRI
  « exécuté » once countersigned by the chef (R11: the countersign is what makes a
  CRI authoritative; an entered CRI may still be refused);
- ADRESSE: the address difficulties of step 3 — a letter whose delivery was recorded
  impossible (with its reason), and a letter the chef sent on a new presentation
  (with his note); the address printed on the letter, for the customer file.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, String, and_, cast, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from sbee_desk.db.models import (
    Contract,
    ContractTermination,
    Customer,
    EditionDocument,
    GcReturnLine,
    InterventionReport,
    ReminderLetter,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.enums import OrderKind
from sbee_desk.services.edition.model import document_number
from sbee_desk.services.gc_return.model import AddressCause, LineKind, ReturnLine

IMPOSSIBLE_SUFFIX = "/IMPOSSIBLE"
PRESENTATION_SUFFIX = "/PRESENTATION-"


def _not_sent(kind: LineKind, key: ColumnElement[str]) -> ColumnElement[bool]:
    return ~exists().where(GcReturnLine.line_kind == kind.value, GcReturnLine.source_key == key)


def _text(*parts: str | None) -> str | None:
    text = " — ".join(" ".join(p.split()) for p in parts if p and p.strip())
    return text or None


def _remark(codes: str | None, note: str | None) -> str | None:
    return _text(", ".join(c for c in (codes or "").split(",") if c), note)


_Stmt = TypeVar("_Stmt", bound=Select[*tuple[Any, ...]])


def _of_agency(stmt: _Stmt, agency: str | None) -> _Stmt:
    """Only the lines of ``agency``'s contracts (every agency's when None)."""
    return stmt if agency is None else stmt.where(Contract.agency_code == agency)


def _terminations(uow: UnitOfWork, agency: str | None) -> list[ReturnLine]:
    t, r = ContractTermination, InterventionReport
    key = cast(t.id, String)
    stmt = (
        select(
            t.id,
            t.police,
            t.terminated_on,
            t.cause,
            t.reason,
            t.order_id,
            r.index_read,
            r.meter_serial_found,
            Contract.meter_serial,
            Contract.agency_code,
        )
        .join(Contract, Contract.police == t.police)
        .outerjoin(r, r.id == t.report_id)
        .where(_not_sent(LineKind.RESILIATION, key))
    )
    stmt = _of_agency(stmt, agency)
    return [
        ReturnLine(
            kind=LineKind.RESILIATION,
            source_key=str(row.id),
            agency_code=row.agency_code,
            police=row.police,
            on=row.terminated_on,
            index=int(row.index_read) if row.index_read is not None else None,
            meter_serial=row.meter_serial_found or row.meter_serial,
            cause=row.cause,
            reason=_text(row.reason),
            order_number=document_number(row.order_id) if row.order_id is not None else None,
        )
        for row in uow.session.execute(stmt)
    ]


def _index_readings(uow: UnitOfWork, agency: str | None) -> list[ReturnLine]:
    r, o = InterventionReport, WorkOrder
    key = cast(r.id, String)
    stmt = (
        select(
            r.id,
            r.order_id,
            r.visit_on,
            r.index_read,
            r.meter_serial_found,
            r.remarks,
            r.note,
            o.police,
            Contract.agency_code,
        )
        .join(o, o.id == r.order_id)
        .join(Contract, Contract.police == o.police)
        .where(
            o.kind == OrderKind.CONTROLE_INDEX.value,
            r.done.is_(True),
            r.countersigned_at.is_not(None),
            r.index_read.is_not(None),
            _not_sent(LineKind.INDEX_MT, key),
        )
    )
    stmt = _of_agency(stmt, agency)
    return [
        ReturnLine(
            kind=LineKind.INDEX_MT,
            source_key=str(row.id),
            agency_code=row.agency_code,
            police=row.police,
            on=row.visit_on,
            index=int(row.index_read),
            meter_serial=row.meter_serial_found,
            order_number=document_number(row.order_id),
            remark=_remark(row.remarks, row.note),
        )
        for row in uow.session.execute(stmt)
    ]


def _address_difficulties(uow: UnitOfWork, agency: str | None) -> list[ReturnLine]:
    lt = ReminderLetter
    impossible_key = cast(lt.id, String) + literal(IMPOSSIBLE_SUFFIX)
    presentation_key = (
        cast(lt.id, String) + literal(PRESENTATION_SUFFIX) + cast(lt.attempts, String)
    )
    stmt = (
        select(
            lt.id,
            lt.police,
            lt.delivered_on,
            lt.impossible_reason,
            lt.attempts,
            lt.attempt_on,
            lt.attempt_note,
            lt.created_on,
            func.coalesce(EditionDocument.address, Customer.address).label("address"),
            func.coalesce(EditionDocument.quartier, Customer.quartier).label("quartier"),
            Contract.agency_code,
            and_(
                lt.impossible_reason.is_not(None), _not_sent(LineKind.ADRESSE, impossible_key)
            ).label("impossible_pending"),
            and_(lt.attempts > 1, _not_sent(LineKind.ADRESSE, presentation_key)).label(
                "presentation_pending"
            ),
        )
        .join(Contract, Contract.police == lt.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .outerjoin(EditionDocument, EditionDocument.letter_id == lt.id)
        .where(lt.impossible_reason.is_not(None) | (lt.attempts > 1))
    )
    stmt = _of_agency(stmt, agency)
    lines = []
    for row in uow.session.execute(stmt):
        common = {
            "kind": LineKind.ADRESSE,
            "agency_code": row.agency_code,
            "police": row.police,
            "letter_number": document_number(row.id),
            "address": _text(row.address, row.quartier),
        }
        if row.presentation_pending:
            lines.append(
                ReturnLine(
                    source_key=f"{row.id}{PRESENTATION_SUFFIX}{row.attempts}",
                    on=row.attempt_on or row.created_on,
                    cause=AddressCause.NOUVELLE_PRESENTATION.value,
                    reason=_text(row.attempt_note),
                    remark=f"{row.attempts}e présentation",
                    **common,
                )
            )
        if row.impossible_pending:
            lines.append(
                ReturnLine(
                    source_key=f"{row.id}{IMPOSSIBLE_SUFFIX}",
                    on=row.delivered_on,
                    cause=AddressCause.REMISE_IMPOSSIBLE.value,
                    reason=_text(row.impossible_reason),
                    **common,
                )
            )
    return lines


def _order(line: ReturnLine) -> tuple[str, int, str, str, str]:
    return (
        line.agency_code,
        list(LineKind).index(line.kind),
        line.police,
        line.on.isoformat(),
        line.source_key,
    )


def pending_lines(uow: UnitOfWork, *, agency: str | None = None) -> list[ReturnLine]:
    """The lines not yet exported, by agency, kind (RESILIATION, INDEX_MT, ADRESSE),
    police and date. Inside the caller's ``with uow``."""
    lines = [
        *_terminations(uow, agency),
        *_index_readings(uow, agency),
        *_address_difficulties(uow, agency),
    ]
    return sorted(lines, key=_order)
