"""Orders removed in the field, store keepers and a magasinier user in a test database
(step 5, #15)."""

from __future__ import annotations

import datetime as dt

import pytest

from sbee_desk.db.models import Contract, InterventionReport, WorkOrder
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from tests.builders import add_user
from tests.integration.dispatch_world import DispatchWorld

D = dt.date
#: the services' "today" in these tests
TODAY = D(2026, 12, 9)
VISIT = D(2026, 12, 7)
STORE = Actor("magasin")


@pytest.fixture
def store_clock(monkeypatch) -> dt.date:
    monkeypatch.setattr("sbee_desk.services.store.record.today", lambda: TODAY)
    monkeypatch.setattr("sbee_desk.services.store.data.today", lambda: TODAY)
    return TODAY


class StoreWorld(DispatchWorld):
    def __init__(self, db, *, users: bool = True) -> None:
        super().__init__(db, users=users)
        if users:
            add_user(self.w.s, "magasin", Role.MAGASINIER)
        self.keeper_id = self.agent("MAG-01", role="MAGASINIER")
        self.agent_id = self.agent("A012", "Z1")

    def removal(
        self,
        status: str = "REPARTI",
        *,
        visit_on: dt.date | None = VISIT,
        kind: str = "DEPOSE",
        breaker: str | None = "DJ-1",
    ) -> int:
        """An order of ``kind`` in ``status``, given to A012 for ``visit_on``."""
        order_id = self.order(status=status)
        s = self.w.s
        order = s.get_one(WorkOrder, order_id)
        order.kind = kind
        if status not in ("A_EDITER", "A_REPARTIR"):
            order.agent_id, order.visit_on = self.agent_id, visit_on
        if status == "ANNULE":
            order.cancelled_on, order.cancel_reason = D(2026, 12, 6), "paiement"
        contract = s.get_one(Contract, order.police)
        contract.breaker = breaker
        if kind == "CONTROLE_INDEX":
            contract.voltage = "MT"
        s.flush()
        return order_id

    def cri(self, order_id: int, visit_on: dt.date, *, removed: bool = True) -> None:
        self.w.s.add(
            InterventionReport(
                order_id=order_id,
                attempt=1,
                visit_on=visit_on,
                visit_time="09:30",
                agent_id=self.agent_id,
                done=removed,
                meter_removed=removed,
                breaker_removed=removed,
                entered_by="agent",
                entered_at=audit.now(),
            )
        )
        self.w.s.flush()
