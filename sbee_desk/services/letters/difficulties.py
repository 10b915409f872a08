"""Difficulties of delivery (issue #13; procedure: « en cas de difficulté de repérage,
faire recours aux archives (dossier client) »): what the database knows of the
customer of a letter, and the list of address difficulties for the gestion
clientèle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select

from sbee_desk.db.models import (
    Contract,
    Customer,
    EditionDocument,
    Invoice,
    Payment,
    ReminderLetter,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.difficulties import DifficultyLine, write_difficulties_xlsx
from sbee_desk.services.clock import today
from sbee_desk.services.letters.model import LetterError, LetterRow, letter_number, parse_number
from sbee_desk.services.letters.query import find_letters


@dataclass(frozen=True, slots=True)
class ContractFact:
    police: str
    voltage: str
    zone_code: str | None
    delivery_point: str | None
    terminated_on: dt.date | None


@dataclass(frozen=True, slots=True)
class CustomerFile:
    """The customer file of a letter: where else to look for the customer."""

    letter: LetterRow
    customer_code: str
    name: str
    category: str
    address: str | None
    quartier: str | None
    phone: str | None
    #: the address and quartier printed on the letter (the export of that day)
    printed_address: str | None
    printed_quartier: str | None
    contracts: list[ContractFact]
    last_payment_on: dt.date | None
    last_payment_amount: int | None


def customer_file(uow: UnitOfWork, number: str, *, today_: dt.date | None = None) -> CustomerFile:
    letter_id = parse_number(number)
    found = find_letters(uow, [letter_id], today_=today_ or today())
    if letter_id not in found:
        raise LetterError("LETTER_UNKNOWN", numbers=[letter_number(letter_id)])
    letter = found[letter_id]
    with uow:
        session = uow.session
        contract = session.get_one(Contract, letter.police)
        customer = session.get_one(Customer, contract.customer_code)
        printed = session.execute(
            select(EditionDocument.address, EditionDocument.quartier).where(
                EditionDocument.letter_id == letter_id
            )
        ).one_or_none()
        contracts = [
            ContractFact(c.police, c.voltage, c.zone_code, c.delivery_point, c.terminated_on)
            for c in session.scalars(
                select(Contract)
                .where(Contract.customer_code == customer.code)
                .order_by(Contract.police)
            )
        ]
        last = session.execute(
            select(Payment.paid_on, Payment.amount)
            .join(Invoice, Invoice.number == Payment.invoice_number)
            .where(Invoice.police.in_([c.police for c in contracts]))
            .order_by(Payment.paid_on.desc())
            .limit(1)
        ).one_or_none()
        return CustomerFile(
            letter=letter,
            customer_code=customer.code,
            name=customer.name,
            category=customer.category,
            address=customer.address,
            quartier=customer.quartier,
            phone=customer.phone,
            printed_address=printed.address if printed else None,
            printed_quartier=printed.quartier if printed else None,
            contracts=contracts,
            last_payment_on=last.paid_on if last else None,
            last_payment_amount=int(last.amount) if last else None,
        )


def address_difficulties(uow: UnitOfWork) -> list[DifficultyLine]:
    """Letters whose delivery was impossible or needed a new attempt, not cancelled:
    the address as printed and what was noted, by police."""
    lt = ReminderLetter
    with uow:
        rows = uow.session.execute(
            select(
                lt.id,
                lt.police,
                Customer.name,
                Customer.code,
                func.coalesce(EditionDocument.address, Customer.address).label("address"),
                func.coalesce(EditionDocument.quartier, Customer.quartier).label("quartier"),
                Contract.zone_code,
                lt.attempts,
                lt.impossible_reason,
                lt.attempt_note,
                lt.attempt_on,
                lt.delivered_on,
            )
            .join(Contract, Contract.police == lt.police)
            .join(Customer, Customer.code == Contract.customer_code)
            .outerjoin(EditionDocument, EditionDocument.letter_id == lt.id)
            .where(
                lt.cancelled_on.is_(None),
                or_(lt.impossible_reason.is_not(None), lt.attempts > 1),
            )
            .order_by(lt.police, lt.id)
        ).all()
    lines = []
    for r in rows:
        if r.impossible_reason:
            finding = f"Remise impossible le {r.delivered_on:%d/%m/%Y}"
        else:
            finding = f"Nouvelle présentation le {r.attempt_on:%d/%m/%Y}" if r.attempt_on else ""
        note = "; ".join(n for n in (r.impossible_reason, r.attempt_note) if n)
        lines.append(
            DifficultyLine(
                police=r.police,
                customer_name=r.name,
                customer_code=r.code,
                address=r.address,
                quartier=r.quartier,
                zone=r.zone_code,
                number=letter_number(r.id),
                attempts=r.attempts,
                finding=finding,
                note=note,
            )
        )
    return lines


def export_address_difficulties(
    uow: UnitOfWork, path: Path, *, today_: dt.date | None = None
) -> int:
    """Write the address difficulties to ``path`` (.xlsx); how many lines."""
    on = today_ or today()
    return write_difficulties_xlsx(
        address_difficulties(uow),
        path,
        heading="Lettres de relance : difficultés d'adresse (à corriger au dossier client)",
        on=on,
    )
