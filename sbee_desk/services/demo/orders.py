"""The demo's orders after their edition (steps 4 to 6), through the real services.

The orders validated with the letters (:mod:`.history`) are edited that night with them
(:mod:`.letters`); :func:`record_order_history` follows them, each step by the demo user
of its role:

- ``chef`` prints the orders and hands them to the agent RPNT of their agency
  (:mod:`sbee_desk.services.print_queue`);
- ``chef`` gives some to the agent de recouvrement of their zone
  (:func:`sbee_desk.services.dispatch.assign`): for a visit a few days ago, today or
  tomorrow; the others wait (« à répartir », edited days ago);
- ``agent`` enters the CRI of the past visits (:func:`sbee_desk.services.cri.enter_cri`):
  done (one outside 08:00–14:30, flagged for the chef), or not done (back to dispatch);
- ``magasin`` records the return of some removed meters to the store, on a fiche de
  mouvement de stock (:func:`sbee_desk.services.store.record_return`);
- ``chef`` countersigns some CRIs (:func:`sbee_desk.services.cri.countersign`): their
  contracts are terminated.

So the Répartition, Retour magasin and CRI pages show orders in every state.

Each past step passes its day to the service (``today_``, as the letters' service
takes it): the services' checks (no visit in the past, no CRI or return in the
future) hold against that day, inside the demo's one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select

from sbee_desk.db.database import Database
from sbee_desk.db.models import EditionDocument, StaffMember
from sbee_desk.domain.cri import RemarkCode, removal_expected
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.services import print_queue
from sbee_desk.services.cri import CriEntry, countersign, enter_cri, find_order
from sbee_desk.services.demo.agencies import AGENCIES
from sbee_desk.services.demo.guard import DemoActors
from sbee_desk.services.dispatch import assign, list_orders
from sbee_desk.services.edition import Recipient
from sbee_desk.services.store import record_return

#: what happens to an edited order
(
    WAITING,
    VISIT_TODAY,
    VISIT_TOMORROW,
    EXECUTED,
    EXECUTED_LATE,
    RETURNED,
    COUNTERSIGNED,
    NOT_DONE,
) = (
    "waiting",
    "visit_today",
    "visit_tomorrow",
    "executed",
    "executed_late",
    "returned",
    "countersigned",
    "not_done",
)
#: the fates of the orders, in turn (police order): the first ones are the states a
#: small demo must show first
ORDER_FATES = (
    WAITING,
    VISIT_TODAY,
    EXECUTED,
    RETURNED,
    COUNTERSIGNED,
    NOT_DONE,
    VISIT_TOMORROW,
    EXECUTED_LATE,
    WAITING,
    VISIT_TODAY,
    COUNTERSIGNED,
    VISIT_TOMORROW,
)
#: the past visits were this many days before ``today``; the CRIs entered the next day,
#: the meters back to the store the day after the visit (countersigned ones) or today
VISIT_DAYS_AGO = 5
_DAY = dt.timedelta(days=1)
_PAST = frozenset({EXECUTED, EXECUTED_LATE, RETURNED, COUNTERSIGNED, NOT_DONE})
_TIMES = ("09:10", "10:25", "11:40", "13:05")
_LATE_TIME = "15:40"
_WINDOW_OVERRIDE = "client absent le matin : visite l'après-midi, accord du chef de section"


def record_order_history(
    db: Database,
    actors: DemoActors,
    fates: Mapping[str, str],
    *,
    today: dt.date,
) -> dict[str, int]:
    """Print, hand over, dispatch, visit, return and countersign the edited orders of
    the contracts ``fates`` names (police -> fate, see the module docstring) up to
    ``today``; how many orders had each fate."""
    orders = {
        row.police: (row.id, row.zone)
        for row in list_orders(db.uow(), [OrderStatus.A_REPARTIR])
        if row.police in fates
    }
    with db.uow() as uow:
        agents = [
            (staff.id, staff.matricule, set(filter(None, staff.zones.split(","))))
            for staff in uow.session.scalars(
                select(StaffMember)
                .where(StaffMember.role == "AGENT_RECOUVREMENT", StaffMember.active.is_(True))
                .order_by(StaffMember.matricule)
            )
        ]
        keepers = [
            (staff.matricule, set(filter(None, staff.zones.split(","))))
            for staff in uow.session.scalars(
                select(StaffMember)
                .where(StaffMember.role == "MAGASINIER", StaffMember.active.is_(True))
                .order_by(StaffMember.matricule)
            )
        ]
    if not orders or not agents:
        return {}
    _print_and_hand_over(db, actors, [order_id for order_id, _ in orders.values()])
    visit_on = today - dt.timedelta(days=VISIT_DAYS_AGO)
    days = {VISIT_TODAY: today, VISIT_TOMORROW: today + dt.timedelta(days=1)}
    done: dict[str, int] = {}
    holder: dict[int, tuple[int, str]] = {}
    # the chef dispatches: the day before the past visits, and this morning
    for fate in sorted(set(fates.values()) - {WAITING}):
        on = days.get(fate, visit_on)
        clock = on - dt.timedelta(days=1) if fate in _PAST else today
        for police in sorted(p for p, f in fates.items() if f == fate and p in orders):
            order_id, zone = orders[police]
            staff_id, matricule, zones = next((a for a in agents if zone in a[2]), agents[0])
            outside = [zone] if zone is not None and zones and zone not in zones else []
            assign(
                db.uow(), actors.chef, on, [order_id], staff_id, outside_zones=outside,
                today_=clock,
            )  # fmt: skip
            holder[order_id] = (staff_id, matricule)
    # the agent de contrôle enters the CRIs of the past visits, the next day
    past = sorted((p, f) for p, f in fates.items() if f in _PAST and p in orders)
    removed: list[tuple[str, dt.date]] = []
    entered_on = visit_on + dt.timedelta(days=1)
    for n, (police, fate) in enumerate(past):
        order_id, _ = orders[police]
        number = f"{order_id:08d}"
        order = find_order(db.uow(), number)
        serial = order.meter_serial or f"DEMO-{order_id:06d}"
        enter_cri(
            db.uow(),
            actors.agent,
            CriEntry(
                number=number,
                visit_on=visit_on,
                visit_time=_LATE_TIME if fate == EXECUTED_LATE else _TIMES[n % len(_TIMES)],
                done=fate != NOT_DONE,
                agent=holder[order_id][1],
                index="" if fate == NOT_DONE else str(1200 + 37 * order_id),
                meter_serial="" if fate == NOT_DONE else serial,
                remarks=(RemarkCode.COMPTEUR_INACCESSIBLE.value,) if fate == NOT_DONE else (),
                mismatch_note="" if order.meter_serial else "numéro lu sur le compteur",
            ),
            today_=entered_on,
        )
        done[fate] = done.get(fate, 0) + 1
        if fate in (RETURNED, COUNTERSIGNED) and removal_expected(order.kind):
            # back to the store the day after the visit, or this morning
            removed.append((number, today if fate == RETURNED else visit_on + _DAY))
    # the store keeper receives the removed meters, on one fiche de mouvement de stock
    # per agency and day
    sheets: dict[tuple[str, dt.date], str] = {}
    for number, returned_on in sorted(removed, key=lambda r: (r[1], r[0])):
        police = find_order(db.uow(), number).police
        agency = next((a.code for a in AGENCIES if police.startswith(a.police_prefix)), "")
        zone = orders[police][1]
        row = record_return(
            db.uow(),
            actors.magasin,
            number,
            returned_on,
            sheet=sheets.get((agency, returned_on)),
            keeper=next((m for m, zones in keepers if zone in zones), None),
            today_=returned_on,
        )
        sheets[agency, returned_on] = row.sheet_number
    # the chef countersigns some CRIs: their contracts are terminated
    signed = [f"{orders[p][0]:08d}" for p, f in past if f == COUNTERSIGNED]
    if signed:
        countersign(db.uow(), actors.chef, signed)
    done[WAITING] = sum(1 for p, f in fates.items() if f == WAITING and p in orders)
    for fate in days:
        done[fate] = sum(1 for p, f in fates.items() if f == fate and p in orders)
    return done


def _print_and_hand_over(db: Database, actors: DemoActors, order_ids: list[int]) -> None:
    """The chef prints the orders and hands them to the agent RPNT of their agency."""
    with db.uow() as uow:
        rpnt = [
            (staff.id, set(filter(None, staff.zones.split(","))))
            for staff in uow.session.scalars(
                select(StaffMember)
                .where(StaffMember.role == "AGENT_RPNT", StaffMember.active.is_(True))
                .order_by(StaffMember.matricule)
            )
        ]
        batches = set(
            uow.session.scalars(
                select(EditionDocument.batch_id).where(EditionDocument.order_id.in_(order_ids))
            )
        )
    for batch_id in sorted(batches):
        documents = [
            d
            for d in print_queue.list_documents(db.uow(), batch_id, Recipient.CHEF_RPNT)
            if not d.cancelled
        ]
        if not documents:
            continue
        print_queue.mark_printed(db.uow(), actors.chef, [d.id for d in documents])
        by_staff: dict[int, list[int]] = {}
        for d in documents:
            staff_id = next((i for i, zones in rpnt if d.zone_code in zones), None)
            if staff_id is not None:
                by_staff.setdefault(staff_id, []).append(d.id)
        for staff_id, ids in sorted(by_staff.items()):
            print_queue.mark_handed_over(db.uow(), actors.chef, ids, staff_id)
