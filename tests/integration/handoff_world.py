"""Terminated contracts, taken through the real CRI and countersign services, in a
test database (#16)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from sbee_desk.db.models import Invoice, Payment
from sbee_desk.services.cri import countersign, enter_cri
from tests.integration.cri_world import AGENT, CHEF, CriWorld, done

#: the hand-off's "today"
HANDOFF_DAY = dt.date(2026, 12, 10)


class HandoffWorld(CriWorld):
    """``n`` orders dispatched; :meth:`terminate` takes one to its termination."""

    def terminate(self, *ks: int) -> None:
        for k in ks:
            enter_cri(self.db.uow(), AGENT, done(self, k, index=str(1000 + k)))
            self.store_return(k)
        countersign(self.db.uow(), CHEF, [self.number(k) for k in ks])

    def invoices(self, k: int) -> list[str]:
        with self.db.uow() as uow:
            return list(
                uow.session.scalars(
                    select(Invoice.number)
                    .where(Invoice.police == self.police(k))
                    .order_by(Invoice.number)
                )
            )

    def pay(self, invoice: str, amount: int, on: dt.date = dt.date(2026, 12, 9)) -> None:
        with self.db.uow() as uow:
            reference = f"R-{invoice}-{amount}-{on.isoformat()}"
            uow.session.add(
                Payment(invoice_number=invoice, reference=reference, paid_on=on, amount=amount)
            )
            uow.commit()

    def pay_all(self, k: int) -> None:
        for number in self.invoices(k):
            self.pay(number, 10_000)


def xlsx_rows(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
