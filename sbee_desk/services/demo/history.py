"""The demo's history: what an agency would have recorded before ``today``.

:func:`record_history` goes through the real services, each step by the demo user
of its role (:class:`~sbee_desk.services.demo.guard.DemoActors`): ``chef`` runs a
selection ten days before ``today`` and validates, that day, the bordereaux holding
part of the run's RELANCE lines (:func:`sbee_desk.services.review.validate_bordereau`:
the validation creates their reminder letters; the other lines to act on in those
bordereaux are excluded with a reason of the list); ``agent`` records the delivery
of some letters (more than seven days ago, recently; the others not yet); ``dg``
records a DG derogation for one or two exempt contracts
(:func:`sbee_desk.services.review.add_derogation`); whoever loads the demo records
``demo.history`` for the whole. Delivery (step 3) has no service yet: it is the one
direct write, :func:`record_demo_deliveries`, limited to the demo agencies' letters.

:func:`hire_field_staff` fills the staff register with the agencies' field staff
(:func:`demo_field_staff`: releveurs and agents de recouvrement covering every zone,
an agent RPNT and a magasinier per agency), through the register's service as the
demo's ``admin``, so that letters and orders can be handed over at once.
:func:`name_agencies` gives the demo agencies their names.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import exists, select

from sbee_desk.db.database import Database
from sbee_desk.db.models import (
    Agency,
    AuditEvent,
    Candidate,
    Contract,
    Derogation,
    Invoice,
    Payment,
    ReminderLetter,
    SelectionRun,
    StaffMember,
    Suspension,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.demo.agencies import (
    AGENCIES,
    AGENT_ZONES,
    RELEVEUR_ZONES,
    STAFF_NAMES,
)
from sbee_desk.services.demo.guard import DemoActors
from sbee_desk.services.review import add_derogation, exclude_lines, validate_bordereau
from sbee_desk.services.selection import run_selection
from sbee_desk.services.users import StaffRole, save_staff

#: The demo's history: the earlier selection run is this many days before ``today``.
HISTORY_DAYS = 10

#: What happens to the RELANCE lines of the earlier run, in turn (police order):
#: a letter not delivered yet, no letter (the line excluded from the validation),
#: a letter delivered more than the reminder delay ago, a letter delivered recently.
_LETTER_FATES = ("undelivered", "none", "delivered_long_ago", "delivered_recently")
#: exclusion reasons (codes of the list) of the other lines of the validated bordereaux
_NO_LETTER_REASON = "ADRESSE"
_NO_ORDER_REASON = "PROMESSE"


@dataclass(frozen=True)
class History:
    """The history recorded by :func:`record_history`."""

    #: the earlier selection run standing for the agency's history
    run_id: int
    run_on: dt.date
    #: reminder letters recorded for that run's RELANCE lines, and how many delivered
    letters: int
    letters_delivered: int
    #: DG derogations recorded for exempt contracts
    derogations: int


def record_history(
    db: Database, actors: DemoActors, launcher: Actor, *, today: dt.date, seed: int
) -> History:
    """Run a selection :data:`HISTORY_DAYS` days before ``today``, validate the
    bordereaux holding the lines given a letter, record some deliveries and DG
    derogations (see the module docstring), each step through its service by the
    demo user of that role; ``launcher`` (who loads the demo) records the whole."""
    history_on = today - dt.timedelta(days=HISTORY_DAYS)
    run = run_selection(db.uow(), actors.chef, history_on, today_=today)
    rng = random.Random(seed)
    with db.uow() as uow:
        stable = _stable_lines(uow, run.run_id, history_on)
        actionable = _actionable_lines(uow, run.run_id)
        has_derogation = set(uow.session.scalars(select(Derogation.police)))
    # what happens to each stable RELANCE line, and when its letter is delivered
    delivery: dict[str, dt.date | None] = {}
    reminders = [line for line in stable if line[2] == Decision.RELANCE.value]
    for n, (police, _, _) in enumerate(reminders):
        fate = _LETTER_FATES[n % len(_LETTER_FATES)]
        if fate == "none":
            continue
        delivered_on = None
        if fate == "delivered_long_ago":
            delivered_on = history_on + dt.timedelta(days=1 + int(rng.random() * 2))
        elif fate == "delivered_recently":
            delivered_on = today - dt.timedelta(days=1 + int(rng.random() * 5))
        delivery[police] = delivered_on
    # step 1: the chef reviews the run and validates, that day, the bordereaux holding
    # those lines; he first excludes their other lines to act on (letter not sent yet:
    # address to check; order: a promise of payment), so the letters are those above
    validated = {code for police, code, _ in actionable if police in delivery}
    for reason, decisions in (
        (_NO_LETTER_REASON, {Decision.RELANCE.value}),
        (_NO_ORDER_REASON, {Decision.RESILIATION.value}),
    ):
        others = [
            police
            for police, code, decision in actionable
            if code in validated and police not in delivery and decision in decisions
        ]
        if others:
            exclude_lines(db.uow(), actors.chef, run.run_id, others, reason)
    for code in sorted(validated):
        validate_bordereau(db.uow(), actors.chef, run.run_id, code, today_=history_on)
    with db.uow() as uow:
        letters = {
            police: letter_id
            for police, letter_id in uow.session.execute(
                select(ReminderLetter.police, ReminderLetter.id).where(
                    ReminderLetter.run_id == run.run_id
                )
            )
        }
    delivered = {
        letters[police]: on
        for police, on in delivery.items()
        if on is not None and police in letters
    }
    record_demo_deliveries(db, actors.agent, delivered)
    # R4: the Direction Générale records a derogation for one or two exempt contracts;
    # keep most exempt lines exempt: one derogation, two from eight lines on
    exempt = [line for line in stable if line[2] == Decision.EXEMPTE.value]
    chosen = exempt[: 0 if len(exempt) < 2 else 1 if len(exempt) < 8 else 2]
    derogations = 0
    for n, (police, _, _) in enumerate(chosen, start=1):
        if police in has_derogation:
            continue
        add_derogation(
            db.uow(),
            actors.dg,
            police,
            f"DG/DCC/{today.year}/{n:04d}",
            today - dt.timedelta(days=3),
            today + dt.timedelta(days=90),
            f"Note de service n° {n:03d}/DG/SBEE du {today:%d/%m/%Y}",
            today_=today,
        )
        derogations += 1
    with db.uow().write() as uow:
        audit.record(
            uow,
            launcher,
            AuditAction.DEMO_HISTORY,
            entity="selection_run",
            entity_key=str(run.run_id),
            after={
                "letters": len(letters),
                "delivered": len(delivered),
                "derogations": derogations,
            },
        )
        uow.commit()
    return History(
        run_id=run.run_id,
        run_on=history_on,
        letters=len(letters),
        letters_delivered=len(delivered),
        derogations=derogations,
    )


def record_demo_deliveries(db: Database, agent: Actor, delivered: dict[int, dt.date]) -> None:
    """Record the delivery date of demo letters (letter id -> date), as ``agent``.

    Step 3 (the delivery of the letters) has no service yet: this is the one direct
    write of the demo's history, and it will call the letters service
    (``services/letters``) once that exists. It touches only letters of the demo
    agencies' contracts (anything else is a defect: RuntimeError, nothing written).
    """
    if not delivered:
        return
    demo_codes = {agency.code for agency in AGENCIES}
    with db.uow().write() as uow:
        require(uow, agent, Action.LETTER_DELIVERY)
        rows = [
            (letter, code)
            for letter, code in uow.session.execute(
                select(ReminderLetter, Contract.agency_code)
                .join(Contract, Contract.police == ReminderLetter.police)
                .where(ReminderLetter.id.in_(list(delivered)))
                .order_by(ReminderLetter.id)
            )
        ]
        if len(rows) != len(delivered) or any(code not in demo_codes for _, code in rows):
            raise RuntimeError("demo deliveries touch only letters of the demo agencies")
        for letter, _ in rows:
            on = delivered[letter.id]
            letter.delivered_on = on
            audit.record(
                uow,
                agent,
                AuditAction.DEMO_LETTER,
                entity="reminder_letter",
                entity_key=str(letter.id),
                before={"delivered_on": None},
                after={"police": letter.police, "delivered_on": on.isoformat()},
            )
        uow.commit()


def demo_field_staff() -> list[tuple[str, str, StaffRole, list[str]]]:
    """(matricule, name, function, zones) of the demo agencies' field staff: every zone
    has a releveur (the letters) and an agent de recouvrement (the orders); each agency
    an agent RPNT (who receives the orders) and a magasinier."""
    names = iter(STAFF_NAMES)
    staff: list[tuple[str, str, StaffRole, list[str]]] = []
    for agency in AGENCIES:
        zones = list(agency.zones)
        for prefix, role, size in (
            ("REL", StaffRole.RELEVEUR, RELEVEUR_ZONES),
            ("AR", StaffRole.AGENT_RECOUVREMENT, AGENT_ZONES),
            ("RP", StaffRole.AGENT_RPNT, len(zones)),
            ("MG", StaffRole.MAGASINIER, len(zones)),
        ):
            for n, start in enumerate(range(0, len(zones), size), start=1):
                matricule = f"{prefix}-{agency.short}-{n:02d}"
                staff.append((matricule, next(names), role, zones[start : start + size]))
    return staff


def hire_field_staff(db: Database, admin: Actor) -> int:
    """Add the demo's field staff to the staff register (through its service, as the
    demo's ``admin``), so that letters and orders can be handed over at once; the
    matricules already there are left as they are. How many were added."""
    with db.uow() as uow:
        known = set(uow.session.scalars(select(StaffMember.matricule)))
    added = 0
    for matricule, name, role, zones in demo_field_staff():
        if matricule not in known:
            save_staff(db.uow(), admin, matricule, name, role.value, zones)
            added += 1
    return added


def previous_history(db: Database) -> tuple[int, dt.date] | None:
    """(run id, run date) of the history recorded by an earlier demo load, if any."""
    with db.uow() as uow:
        key = uow.session.scalar(
            select(AuditEvent.entity_key)
            .where(AuditEvent.action == AuditAction.DEMO_HISTORY.value)
            .order_by(AuditEvent.id)
            .limit(1)
        )
        if key is None:
            return None
        run = uow.session.get(SelectionRun, int(key))
        return (run.id, run.run_on) if run is not None else None


def _stable_lines(uow: UnitOfWork, run_id: int, history_on: dt.date) -> list[tuple[str, int, str]]:
    """(police, suspension id, decision) of the run's lines whose situation stays the
    same until ``today``: suspension never restored, contract not terminated, no
    payment after the run date; so the letters and derogations given to them show at
    ``today``. Sorted by police."""
    paid_later = exists().where(
        Invoice.police == Candidate.police,
        Payment.invoice_number == Invoice.number,
        Payment.paid_on > history_on,
    )
    rows = uow.session.execute(
        select(Candidate.police, Candidate.suspension_id, Candidate.decision)
        .join(Suspension, Suspension.id == Candidate.suspension_id)
        .join(Contract, Contract.police == Candidate.police)
        .where(
            Candidate.run_id == run_id,
            Suspension.restored_on.is_(None),
            Contract.terminated_on.is_(None),
            ~paid_later,
        )
        .order_by(Candidate.police)
    ).all()
    return [(police, suspension_id, decision) for police, suspension_id, decision in rows]


def _actionable_lines(uow: UnitOfWork, run_id: int) -> list[tuple[str, str, str]]:
    """(police, bordereau code, decision) of the run's RELANCE and RESILIATION lines."""
    rows = uow.session.execute(
        select(Candidate.police, Candidate.bordereau_code, Candidate.decision)
        .where(
            Candidate.run_id == run_id,
            Candidate.decision.in_([Decision.RELANCE.value, Decision.RESILIATION.value]),
        )
        .order_by(Candidate.police)
    )
    return [(police, code, decision) for police, code, decision in rows]


def name_agencies(db: Database, actor: Actor) -> None:
    """The export names agencies by code only: give the demo agencies their names."""
    with db.uow() as uow:
        for agency in AGENCIES:
            row = uow.session.get(Agency, agency.code)
            if row is not None and row.name != agency.name:
                before = {"name": row.name}
                row.name = agency.name
                audit.record(
                    uow,
                    actor,
                    AuditAction.DEMO_AGENCY,
                    entity="agency",
                    entity_key=agency.code,
                    before=before,
                    after={"name": agency.name},
                )
        uow.commit()
