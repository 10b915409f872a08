"""What goes on the hand-off lists: the terminations not yet handed off, their final
index (CRI), the store return of their meter, their invoices' balances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select

from sbee_desk.db.models import (
    Agency,
    Bordereau,
    Contract,
    ContractTermination,
    Customer,
    InterventionReport,
    Invoice,
    Payment,
    SettlementHandoff,
    StoreReturn,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.handoff import DueInvoice, LitigationLine, SettlementLine

_CHUNK = 500


@dataclass(frozen=True)
class PendingTermination:
    termination_id: int
    agency_code: str
    line: SettlementLine


def termination_query() -> Any:
    """A termination with its contract, customer, CRI and store return (one row each)."""
    return (
        select(
            ContractTermination.id,
            ContractTermination.police,
            ContractTermination.terminated_on,
            ContractTermination.cause,
            ContractTermination.reason,
            ContractTermination.order_id,
            Contract.agency_code,
            Contract.zone_code,
            Customer.code.label("customer_code"),
            Customer.name.label("customer_name"),
            Customer.address,
            Customer.quartier,
            InterventionReport.index_read,
            StoreReturn.returned_on,
            StoreReturn.meter_serial.label("returned_serial"),
            StoreReturn.sheet_number,
        )
        .join(Contract, Contract.police == ContractTermination.police)
        .join(Customer, Customer.code == Contract.customer_code)
        .outerjoin(InterventionReport, InterventionReport.id == ContractTermination.report_id)
        .outerjoin(StoreReturn, StoreReturn.order_id == ContractTermination.order_id)
    )


def not_handed_off() -> Any:
    return ~exists().where(SettlementHandoff.termination_id == ContractTermination.id)


def pending(uow: UnitOfWork) -> list[PendingTermination]:
    """The terminations not yet handed off, oldest first (R13: each once). Only the
    terminations sbee-desk recorded (countersign, R8): a contract the export already
    gives as terminated was terminated — and handed off — outside it."""
    rows = uow.session.execute(
        termination_query()
        .where(not_handed_off())
        .order_by(ContractTermination.terminated_on, ContractTermination.police)
    ).all()
    balances = balances_of(uow, [r.police for r in rows])
    return [
        PendingTermination(
            termination_id=r.id,
            agency_code=r.agency_code,
            line=SettlementLine(
                police=r.police,
                customer_code=r.customer_code,
                customer_name=r.customer_name,
                address=r.address,
                quartier=r.quartier,
                zone=r.zone_code,
                terminated_on=r.terminated_on,
                cause=r.cause,
                reason=r.reason,
                order_number=f"{r.order_id:08d}" if r.order_id is not None else None,
                final_index=r.index_read,
                meter_serial=r.returned_serial,
                returned_on=r.returned_on,
                stock_sheet=r.sheet_number,
                balance=balances.get(r.police, 0),
            ),
        )
        for r in rows
    ]


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def invoices_of(uow: UnitOfWork, polices: Sequence[str]) -> dict[str, list[DueInvoice]]:
    """The invoices not cancelled of each contract, with what was paid on each."""
    paid = (
        select(Payment.invoice_number, func.sum(Payment.amount).label("paid"))
        .group_by(Payment.invoice_number)
        .subquery()
    )
    out: dict[str, list[DueInvoice]] = defaultdict(list)
    for chunk in _chunks(sorted(set(polices))):
        rows = uow.session.execute(
            select(
                Invoice.police,
                Invoice.number,
                Bordereau.period,
                Invoice.issued_on,
                Invoice.amount,
                func.coalesce(paid.c.paid, 0).label("paid"),
            )
            .outerjoin(Bordereau, Bordereau.code == Invoice.bordereau_code)
            .outerjoin(paid, paid.c.invoice_number == Invoice.number)
            .where(Invoice.police.in_(chunk), Invoice.cancelled.is_(False))
            .order_by(Invoice.police, Invoice.issued_on, Invoice.number)
        )
        for r in rows:
            out[r.police].append(
                DueInvoice(r.number, r.period, r.issued_on, int(r.amount), int(r.paid))
            )
    return out


def balances_of(uow: UnitOfWork, polices: Sequence[str]) -> dict[str, int]:
    """Each contract's balance: amount − payments of its invoices not cancelled."""
    return {
        police: sum(i.balance for i in invoices)
        for police, invoices in invoices_of(uow, polices).items()
    }


def litigation_lines(uow: UnitOfWork, settlement: Sequence[SettlementLine]) -> list[LitigationLine]:
    """The contracts of ``settlement`` with debt remaining: their unpaid invoices
    (balance > 0). A contract whose only balance is a credit is not in litigation."""
    invoices = invoices_of(uow, [s.police for s in settlement])
    out = []
    for s in settlement:
        unpaid = tuple(i for i in invoices.get(s.police, []) if i.balance > 0)
        if unpaid:
            out.append(
                LitigationLine(
                    police=s.police,
                    customer_code=s.customer_code,
                    customer_name=s.customer_name,
                    address=s.address,
                    quartier=s.quartier,
                    terminated_on=s.terminated_on,
                    invoices=unpaid,
                )
            )
    return out


def agency_header(
    uow: UnitOfWork, codes: Iterable[str], header: dict[str, str], names: dict[str, str]
) -> str:
    """« Agence COT — Cotonou » (the lists' header), or the codes of several agencies."""
    codes = sorted(set(codes))
    if len(codes) != 1:
        return (
            "Agences " + ", ".join(codes)
            if codes
            else header["agency_without_name"].format(agency_code="—")
        )
    code = codes[0]
    name = names.get(code) or uow.session.scalar(select(Agency.name).where(Agency.code == code))
    if name:
        return header["agency"].format(agency_code=code, agency_name=name)
    return header["agency_without_name"].format(agency_code=code)
