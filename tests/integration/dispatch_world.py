"""Orders waiting for an agent and agents de recouvrement in a test database (#14)."""

from __future__ import annotations

import datetime as dt

import pytest

from sbee_desk.db.models import Contract, Customer, StaffMember, WorkOrder, Zone
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from tests.builders import World, add_user

D = dt.date
#: the services' "today" in these tests; the visits are planned for TOMORROW
TODAY = D(2026, 12, 5)
TOMORROW = D(2026, 12, 7)
CHEF = Actor("chef")
RPNT = Actor("rpnt")


@pytest.fixture
def clock(monkeypatch) -> dt.date:
    monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
    return TODAY


class DispatchWorld:
    def __init__(self, db, *, users: bool = True) -> None:
        self.w = World(db)
        s = self.w.s
        if users:  # besides ``chef`` (tests.builders.cli_runner adds its own)
            add_user(s, "rpnt", Role.CHEF_RPNT)
            add_user(s, "agent", Role.AGENT_CONTROLE)
            add_user(s, "admin", Role.ADMIN)
        for zone in ("Z2", "T07"):
            s.add(Zone(agency_code=self.w.agency, code=zone))
        s.flush()
        self.count = 0

    def agent(
        self, matricule: str, *zones: str, active: bool = True, role: str = "AGENT_RECOUVREMENT"
    ) -> int:
        member = StaffMember(
            matricule=matricule,
            name=f"Agent {matricule}",
            role=role,
            zones=",".join(zones),
            active=active,
        )
        self.w.s.add(member)
        self.w.s.flush()
        return member.id

    def order(
        self,
        zone: str | None = "Z1",
        quartier: str | None = "Akpakpa",
        address: str | None = None,
        *,
        status: str = "A_REPARTIR",
        amount: int = 10_000,
    ) -> int:
        """A suspended contract with two unpaid invoices and its edited order."""
        self.count += 1
        police = f"P{self.count:04d}"
        w = self.w
        w.contract(police)
        customer = w.s.get_one(Customer, f"C{police}")
        customer.quartier = quartier
        customer.address = address or f"Lot {self.count}"
        w.s.get_one(Contract, police).zone_code = zone
        w.unpaid(police, 2, amount)
        suspension = w.suspension(police, D(2026, 10, 1))
        order = WorkOrder(
            police=police,
            suspension_id=suspension,
            run_id=w._history_run(D(2026, 11, 20)),
            kind="DEPOSE",
            created_on=D(2026, 11, 22),
            status=status,
        )
        w.s.add(order)
        w.s.flush()
        return order.id

    def commit(self) -> None:
        self.w.commit()
