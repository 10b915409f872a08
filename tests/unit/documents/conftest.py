"""Documents built from plain values, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from sbee_desk.documents.lists import (
    LineStatus,
    ListDocument,
    ListLine,
    ListTexts,
    load_list_texts,
)
from sbee_desk.domain.enums import CustomerCategory, Decision, ListKind

VALIDATED_AT = dt.datetime(2026, 11, 22, 9, 15, tzinfo=dt.UTC)
PRODUCED_AT = dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC)


def line(
    police: str,
    name: str = "Kossi Hounkpatin",
    *,
    amount: int = 47_500,
    unpaid: int = 2,
    decision: Decision = Decision.RESILIATION,
    status: LineStatus = LineStatus.CONFIRMED,
    reason: str = "2 factures impayées, suspendu depuis 50 jours",
    suspended_on: dt.date = dt.date(2026, 10, 1),
    address: str | None = "Lot 12, carré 45, Akpakpa",
    quartier: str | None = "Akpakpa",
    cancelled_on: dt.date | None = None,
    **more,
) -> ListLine:
    return ListLine(
        police=police,
        customer_name=name,
        address=address,
        quartier=quartier,
        zone_code="Z1",
        voltage="BT",
        unpaid_count=unpaid,
        amount_due=amount,
        suspended_on=suspended_on,
        days_suspended=(dt.date(2026, 11, 20) - suspended_on).days,
        decision=decision,
        reason=reason,
        status=status,
        cancelled_on=cancelled_on,
        **{
            "customer_code": f"C{police}",
            "category": CustomerCategory.ORDINAIRE,
            "delivery_point": f"PDL-{police}",
            "meter_serial": f"CPT-{police}",
            **more,
        },
    )


def document(kind: ListKind, lines: list[ListLine], **more) -> ListDocument:
    return ListDocument(
        kind=kind,
        agency_code="AG-COT",
        agency_name="Agence Cotonou Centre",
        bordereau_code="BT-COT-2026-09",
        voltage="BT",
        period="2026-09",
        run_id=7,
        run_on=dt.date(2026, 11, 20),
        validated_by="Koffi Agbo (chef)",
        validated_at=VALIDATED_AT,
        produced_by="Koffi Agbo (chef)",
        produced_at=PRODUCED_AT,
        lines=lines,
        **more,
    )


@pytest.fixture(scope="session")
def texts() -> ListTexts:
    return load_list_texts()


@pytest.fixture
def make_line() -> Callable[..., ListLine]:
    return line


@pytest.fixture
def make_document() -> Callable[..., ListDocument]:
    return document
