"""Letters edited and waiting for delivery, built directly in a test database (#13)."""

from __future__ import annotations

import datetime as dt

from sbee_desk.db.models import EditionBatch, EditionDocument, StaffMember, User
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import now
from tests.builders import World, add_user

D = dt.date
EDITED = D(2026, 11, 23)
VALIDATED = D(2026, 11, 20)
TODAY = D(2026, 11, 25)
CHEF = Actor("chef")
AGENT = Actor("agent")


def world(db) -> World:
    w = World(db)
    for login, role in (("agent", Role.AGENT_CONTROLE), ("rpnt", Role.CHEF_RPNT)):
        if w.s.query(User).filter_by(login=login).first() is None:
            add_user(w.s, login, role)
    for matricule, name in (("R001", "Releveur Un"), ("R002", "Releveur Deux")):
        w.s.add(StaffMember(matricule=matricule, name=name, role="RELEVEUR", zones=""))
    w.s.add(StaffMember(matricule="A001", name="Agent Un", role="AGENT_RECOUVREMENT", zones=""))
    w.s.flush()
    return w


def staff_id(w: World, matricule: str) -> int:
    return w.s.query(StaffMember).filter_by(matricule=matricule).one().id


def letter(
    w: World,
    police: str,
    *,
    edited_on: dt.date | None = EDITED,
    handed_to: str | None = "R001",
    agency: str | None = None,
    cancelled_on: dt.date | None = None,
    created_on: dt.date = VALIDATED,
) -> str:
    """An MT contract suspended on 01/10/2026 with its letter validated on ``created_on``,
    edited on ``edited_on`` (None: not yet) and handed to ``handed_to``; its number."""
    w.contract(police, voltage="MT", agency=agency)
    w.unpaid(police, voltage="MT")
    sus = w.suspension(police, D(2026, 10, 1), voltage="MT")
    letter_id = w.letter(police, sus, created_on, cancelled_on=cancelled_on)
    if edited_on is not None:
        batch = EditionBatch(
            edition_on=edited_on,
            status="TERMINE",
            started_at=now(),
            started_by="chef",
            letters=1,
        )
        w.s.add(batch)
        w.s.flush()
        w.s.add(
            EditionDocument(
                batch_id=batch.id,
                kind="LETTER",
                letter_id=letter_id,
                number=f"{letter_id:08d}",
                police=police,
                customer_name=f"Client {police}",
                recipient="RELEVEUR",
                print_rank=1,
                file_name=f"lettre-{police}-{letter_id:08d}.pdf",
                sha256="0" * 64,
                content=b"%PDF",
                pages=1,
                payload={},
                created_at=now(),
                status="REMIS" if handed_to else "IMPRIME",
                print_count=1,
                handed_to=staff_id(w, handed_to) if handed_to else None,
            )
        )
        w.s.flush()
    return f"{letter_id:08d}"
