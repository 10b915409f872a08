"""Validated letters and orders in a test database, ready for the edition (#6)."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import func, select, text

from sbee_desk.db.models import Contract, Customer, EditionDocument, Zone
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import run_selection
from tests.builders import World, add_user

D = dt.date
RUN = D(2026, 11, 20)
TODAY = D(2026, 11, 22)
CHEF = Actor("chef")


def world(db) -> World:
    w = World(db)
    add_user(w.s, "agent", Role.AGENT_CONTROLE)
    for zone in ("Z0", "Z2"):
        w.s.add(Zone(agency_code=w.agency, code=zone))
    w.s.flush()
    return w


def debtor(
    w: World,
    police: str,
    *,
    voltage: str = "BT",
    name: str | None = None,
    address: str | None = "Lot 12, Carré 3",
    quartier: str | None = "Akpakpa",
    zone: str | None = "Z1",
    meter: str | None = "auto",
    amount: int = 10_000,
    invoices: int = 2,
) -> list[str]:
    """A contract suspended on 01/10/2026 with ``invoices`` overdue unpaid invoices
    (BT ordinary: an order; MT: a letter first). Returns the invoice numbers."""
    w.contract(police, voltage=voltage, name=name)
    customer = w.s.get_one(Customer, f"C{police}")
    customer.address, customer.quartier = address, quartier
    contract = w.s.get_one(Contract, police)
    contract.zone_code = zone
    contract.delivery_point = f"PDL-{police}"
    contract.meter_serial = f"CPT-{police}" if meter == "auto" else meter
    contract.breaker = "DJ 15/45 A" if voltage == "BT" else None
    w.s.flush()
    numbers = [
        w.invoice(police, D(2026, 7, 1) + dt.timedelta(days=20 * k), amount, voltage=voltage)
        for k in range(invoices)
    ]
    w.suspension(police, D(2026, 10, 1), voltage=voltage)
    return numbers


def validate_all(db) -> int:
    """Select at RUN and validate both bordereaux (as ``chef``); the run number."""
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    for code in bordereaux(db, run):
        validate_bordereau(db.uow(), CHEF, run, code, today_=TODAY)
    return run


def bordereaux(db, run: int) -> list[str]:
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT DISTINCT bordereau_code FROM candidate WHERE run_id = :r"), {"r": run}
            ).scalars()
        )


def count(db, table: str, where: str = "") -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table} {where}")).scalar_one()


def document_counts(db) -> tuple[int, int, int]:
    """(documents, distinct letters, distinct orders)."""
    with db.uow() as uow:
        return tuple(
            uow.session.execute(
                select(
                    func.count(),
                    func.count(func.distinct(EditionDocument.letter_id)),
                    func.count(func.distinct(EditionDocument.order_id)),
                )
            ).one()
        )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    joined = "\n".join(page.extract_text() for page in reader.pages)
    return joined.replace("\u202f", " ").replace("\u00a0", " ")


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
