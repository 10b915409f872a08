"""Demo agency: its orders after their edition, in every state of steps 4 to 6, each
step by the demo user of its role (#14, #15)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select

from sbee_desk.db.models import AuditEvent, ContractTermination
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.services.cri import list_pending
from sbee_desk.services.demo import load_demo
from sbee_desk.services.demo.orders import VISIT_DAYS_AGO
from sbee_desk.services.dispatch import list_orders
from sbee_desk.services.store import list_returns, unreturned
from sbee_desk.services.users import create_demo_users

TODAY = dt.date(2026, 11, 20)
N = 400


def test_demo_orders_are_in_every_state_of_dispatch_store_and_cri(db) -> None:
    load_demo(db, create_demo_users(db.uow()), contracts=N, today=TODAY)
    visited = TODAY - dt.timedelta(days=VISIT_DAYS_AGO)
    orders = list_orders(db.uow())
    by_status = Counter(o.status for o in orders)
    # Répartition: waiting since their edition, dispatched for today and tomorrow, one
    # back to dispatch after a visit not done
    waiting = [o for o in orders if o.status is OrderStatus.A_REPARTIR]
    assert waiting and all(o.edited_on is not None for o in waiting)
    assert {o.visit_on for o in orders if o.status is OrderStatus.REPARTI} == {
        TODAY,
        TODAY + dt.timedelta(days=1),
    }
    assert all(o.agent_matricule for o in orders if o.status is OrderStatus.REPARTI)
    assert by_status[OrderStatus.NON_EXECUTE] >= 1
    assert by_status[OrderStatus.EXECUTE] >= 2
    assert by_status[OrderStatus.CONTRESIGNE] >= 1
    # CRI: executed orders await the chef's countersign, one visit outside 08:00-14:30
    pending = list_pending(db.uow())
    assert {c.order_id for c in pending} == {
        o.id for o in orders if o.status is OrderStatus.EXECUTE
    }
    assert {c.visit_on for c in pending} == {visited}
    assert sum(c.outside_window for c in pending) == 1
    assert {c.entered_by for c in pending} == {"agent"}
    # Retour magasin: meters back on a stock sheet this morning (awaiting countersign)
    # or the day after the visit (countersigned)
    today_returns = list_returns(db.uow(), on=TODAY)
    returns = today_returns + list_returns(db.uow(), on=visited + dt.timedelta(days=1))
    assert today_returns and all(r.sheet_number and r.keeper_name for r in returns)
    assert {r.order_id for r in today_returns} <= {c.order_id for c in pending}
    assert {r.order_id for r in returns} <= {
        o.id for o in orders if o.status in (OrderStatus.EXECUTE, OrderStatus.CONTRESIGNE)
    }
    assert unreturned(db.uow(), TODAY) is not None
    with db.uow() as uow:
        terminated = set(uow.session.scalars(select(ContractTermination.police)))
        actors = {
            action: set(
                uow.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == action))
            )
            for action in ("dispatch.assign", "cri.enter", "store.return", "cri.countersign")
        }
    assert terminated == {o.police for o in orders if o.status is OrderStatus.CONTRESIGNE}
    assert actors == {
        "dispatch.assign": {"chef"},
        "cri.enter": {"agent"},
        "store.return": {"magasin"},
        "cri.countersign": {"chef"},
    }
