"""The demo agency has its field staff, so that hand-over works at once (issue #10)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select

from sbee_desk.db.models import AuditEvent, StaffMember, Zone
from sbee_desk.services.demo import AGENCIES, load_demo
from sbee_desk.services.edition import Recipient, handover_candidates
from sbee_desk.services.users import StaffRole, create_demo_users, list_staff

TODAY = dt.date(2026, 11, 20)
N = 200


def test_the_demo_has_field_staff_covering_its_zones(db) -> None:
    chef = create_demo_users(db.uow())
    result = load_demo(db, chef, contracts=N, today=TODAY)

    # hand-over has somebody to hand to, for each recipient
    for recipient in Recipient:
        assert handover_candidates(db.uow(), recipient), recipient

    staff = list_staff(db.uow())
    assert result.staff == len(staff) > 0
    assert {member.role for member in staff} == set(StaffRole)
    assert all(member.active for member in staff)
    covered: dict[StaffRole, set[str]] = defaultdict(set)
    for member in staff:
        covered[member.role].update(member.zones)
    with db.uow() as uow:
        zones = set(uow.session.scalars(select(Zone.code)))
        saved_by = set(
            uow.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "staff.save"))
        )
    assert zones == {code for agency in AGENCIES for code in agency.zones}
    # every zone has a releveur (letters) and an agent de recouvrement (orders)
    assert zones <= covered[StaffRole.RELEVEUR]
    assert zones <= covered[StaffRole.AGENT_RECOUVREMENT]
    assert covered[StaffRole.RELEVEUR] <= zones  # no zone the agency does not have
    assert saved_by == {"admin"}  # through the staff register's service, as the admin

    # loading the demo again adds nobody (R13)
    again = load_demo(db, chef, contracts=N, today=TODAY)
    assert again.staff == 0
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StaffMember)) == len(staff)
        assert uow.session.scalar(
            select(func.count()).where(AuditEvent.action == "staff.save")
        ) == len(staff)
