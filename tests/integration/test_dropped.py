"""Why validation dropped a line (#10): each reason, from the database at the validation
date, on SQLite and PostgreSQL. (Terminated, restored, paid and new suspension are
checked through validation and the lists in test_lists.py.)"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from sbee_desk.db.models import Candidate, Payment, SelectionRun, WorkOrder
from sbee_desk.domain.enums import DropReason
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import now
from sbee_desk.services.dropped import drop_reasons
from sbee_desk.services.rules_sql import load_plans
from sbee_desk.services.selection import run_selection
from tests.builders import World

D = dt.date
RUN = D(2026, 11, 20)
TODAY = D(2026, 11, 22)
CHEF = Actor("chef")


def debtor(w: World, police: str, voltage: str = "BT", category: str = "ORDINAIRE") -> int:
    w.contract(police, voltage=voltage, category=category)
    w.unpaid(police, voltage=voltage)
    return w.suspension(police, D(2026, 10, 1), voltage=voltage)


def test_each_reason_validation_can_find(db) -> None:
    world = World(db)
    debtor(world, "PO")  # its order validated meanwhile by another run (R13)
    debtor(world, "PD", category="AGENT_CEB")  # its plan's delay raised since the run (R2)
    letter = debtor(world, "PL", voltage="MT")  # its letter cancelled since the run (R7)
    world.letter("PL", letter, D(2026, 10, 5), delivered_on=D(2026, 10, 8))
    debtor(world, "PP")  # paid below the threshold (R3, R7)
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    with db.uow() as uow:  # what happens between the run and the validation
        session = uow.session
        sus = session.scalar(text("SELECT id FROM suspension WHERE police = 'PO'"))
        other = SelectionRun(
            run_on=RUN, created_by="chef2", created_at=now(), plan_snapshot={}, candidate_count=1
        )
        session.add(other)
        session.flush()
        session.add(
            WorkOrder(
                police="PO",
                suspension_id=sus,
                run_id=other.id,
                kind="DEPOSE",
                created_on=D(2026, 11, 21),
            )
        )
        session.execute(
            text("UPDATE reminder_letter SET cancelled_on = :d WHERE police = 'PL'"), {"d": TODAY}
        )
        session.execute(
            text("UPDATE recovery_plan SET delay_bt_days = 60 WHERE category = 'AGENT_CEB'")
        )
        for (number,) in session.execute(text("SELECT number FROM invoice WHERE police = 'PP'")):
            session.add(Payment(invoice_number=number, reference="R", paid_on=TODAY, amount=10_000))
        uow.commit()
    with db.uow() as uow:
        lines = list(uow.session.scalars(select(Candidate).where(Candidate.run_id == run)))
        reasons = drop_reasons(uow, lines, TODAY, load_plans(uow))
        by_police = {line.police: reasons[line.id] for line in lines}
    assert by_police == {
        "PO": DropReason.ALREADY_VALIDATED,
        "PD": DropReason.DELAY,
        "PL": DropReason.LETTER_CANCELLED,
        "PP": DropReason.PAID,
    }
