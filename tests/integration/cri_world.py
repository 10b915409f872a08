"""Orders dispatched to an agent, ready for their CRI, in a test database (#15)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from sbee_desk.db.models import Contract, StockSheet, StoreReturn, WorkOrder
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import now
from sbee_desk.services.cri import CriEntry
from sbee_desk.services.dispatch import assign, field_agent
from tests.builders import add_user
from tests.integration.dispatch_world import TODAY, DispatchWorld

D = dt.date
#: the visits planned by the dispatch (TODAY in dispatch_world is 05/12/2026)
VISIT = D(2026, 12, 7)
#: the CRI's "today": the day after the visits
CRI_DAY = D(2026, 12, 8)
CHEF = Actor("chef")
CHEF2 = Actor("chef2")
AGENT = Actor("agent")


@pytest.fixture
def cri_clock(monkeypatch) -> dt.date:
    monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
    monkeypatch.setattr("sbee_desk.services.cri.entry.today", lambda: CRI_DAY)
    monkeypatch.setattr("sbee_desk.services.contract_card.today", lambda: CRI_DAY)
    return CRI_DAY


class CriWorld:
    """``n`` orders (BT, or MT with ``mt``) dispatched to agent A001 for :data:`VISIT`."""

    def __init__(self, db, n: int = 3, *, mt: int = 0) -> None:
        self.db = db
        world = DispatchWorld(db)
        add_user(world.w.s, "chef2", Role.CHEF_RECOUVREMENT)
        add_user(world.w.s, "agent2", Role.AGENT_CONTROLE)
        world.agent("A001", "Z1")
        world.agent("A002", "Z1")
        world.agent("R001", role="RELEVEUR")
        ids = [world.order("Z1") for _ in range(n + mt)]
        for order_id in ids[n:]:
            order = world.w.s.get_one(WorkOrder, order_id)
            order.kind = "CONTROLE_INDEX"
            world.w.s.get_one(Contract, order.police).voltage = "MT"
        world.commit()
        self.ids = ids
        assign(db.uow(), CHEF, VISIT, ids, field_agent(db.uow(), "A001"))

    def number(self, k: int) -> str:
        return f"{self.ids[k]:08d}"

    def police(self, k: int) -> str:
        return f"P{self.ids[k]:04d}"

    def store_return(self, k: int, on: dt.date = VISIT) -> None:
        """A store return recorded directly (step 5 is another engineer's)."""
        with self.db.uow() as uow:
            s = uow.session
            sheet = f"FMS-{self.ids[k]}"
            s.add(
                StockSheet(
                    number=sheet, agency_code="AG1", year=2026, seq=None, typed=True,
                    issued_on=on, created_by="magasinier", created_at=now(),
                )
            )  # fmt: skip
            s.flush()
            s.add(
                StoreReturn(
                    order_id=self.ids[k], sheet_number=sheet, returned_on=on,
                    meter_serial=f"M{self.police(k)}", recorded_by="magasinier",
                    recorded_at=now(),
                )
            )  # fmt: skip
            uow.commit()


def done(world: CriWorld, k: int, **changes: Any) -> CriEntry:
    """The CRI « exécuté » of order ``k`` as the paper says it, within the window."""
    entry = CriEntry(
        number=world.number(k),
        visit_on=VISIT,
        visit_time="09:30",
        done=True,
        agent="A001",
        index="12345",
        meter_serial=f"M{world.police(k)}",
        breaker_removed=True,
    )
    return replace(entry, **changes)


def not_done(
    world: CriWorld, k: int, remark: str = "COMPTEUR_INACCESSIBLE", **changes: Any
) -> CriEntry:
    entry = CriEntry(
        number=world.number(k),
        visit_on=VISIT,
        visit_time="10:00",
        done=False,
        agent="A001",
        remarks=(remark,),
    )
    return replace(entry, **changes)
