"""The demo's history: what an agency would have recorded before ``today``.

:func:`record_history` runs a selection ten days before ``today`` and records
reminder letters for part of that run's RELANCE lines (some delivered more than
seven days ago, some recently, some not yet) and a DG derogation for one or two
exempt contracts (recorded by a Direction Générale user when the database has
one), each with its audit event (``demo.letter``, ``demo.derogation``, and
``demo.history`` for the whole). :func:`hire_field_staff` fills the staff
register with the agencies' field staff (:func:`demo_field_staff`: releveurs and
agents de recouvrement covering every zone, an agent RPNT and a magasinier per
agency), through the register's service as the database's administrator, so
that letters and orders can be handed over at once. :func:`name_agencies` gives
the demo agencies their names.

These letters stand in for steps 1 (validation of the bordereau, which creates
the letters) and 3 (delivery recorded by the releveur) until the validation
and delivery screens exist; the demo then goes through those services instead
of inserting the rows itself.
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
    User,
    UserRole,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import Decision
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.demo.agencies import (
    AGENCIES,
    AGENT_ZONES,
    RELEVEUR_ZONES,
    STAFF_NAMES,
)
from sbee_desk.services.selection import run_selection
from sbee_desk.services.users import StaffRole, save_staff

#: The demo's history: the earlier selection run is this many days before ``today``.
HISTORY_DAYS = 10

#: What happens to the RELANCE lines of the earlier run, in turn (police order):
#: a letter not delivered yet, no letter (the line is still to validate), a letter
#: delivered more than the reminder delay ago, a letter delivered recently.
_LETTER_FATES = ("undelivered", "none", "delivered_long_ago", "delivered_recently")


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


def record_history(db: Database, actor: Actor, *, today: dt.date, seed: int) -> History:
    """Run a selection :data:`HISTORY_DAYS` days before ``today`` and record letters
    and derogations for its lines (see the module docstring); ``actor`` runs the
    selection."""
    history_on = today - dt.timedelta(days=HISTORY_DAYS)
    run = run_selection(db.uow(), actor, history_on, today_=today)
    rng = random.Random(seed)
    letters = delivered = derogations = 0
    with db.uow() as uow:
        session = uow.session
        lines = _stable_lines(uow, run.run_id, history_on)
        has_letter = set(session.scalars(select(ReminderLetter.suspension_id)))
        has_derogation = set(session.scalars(select(Derogation.police)))
        reminders = [line for line in lines if line[2] == Decision.RELANCE.value]
        for n, (police, suspension_id, _) in enumerate(reminders):
            fate = _LETTER_FATES[n % len(_LETTER_FATES)]
            if fate == "none" or suspension_id in has_letter:
                continue
            delivered_on = None
            if fate == "delivered_long_ago":
                delivered_on = history_on + dt.timedelta(days=1 + int(rng.random() * 2))
            elif fate == "delivered_recently":
                delivered_on = today - dt.timedelta(days=1 + int(rng.random() * 5))
            letter = ReminderLetter(
                police=police,
                suspension_id=suspension_id,
                run_id=run.run_id,
                created_on=history_on,
                delivered_on=delivered_on,
            )
            session.add(letter)
            session.flush()
            audit.record(
                uow,
                actor,
                AuditAction.DEMO_LETTER,
                entity="reminder_letter",
                entity_key=str(letter.id),
                after={
                    "police": police,
                    "run": run.run_id,
                    "created_on": history_on.isoformat(),
                    "delivered_on": delivered_on.isoformat() if delivered_on else None,
                },
            )
            letters += 1
            delivered += delivered_on is not None
        exempt = [line for line in lines if line[2] == Decision.EXEMPTE.value]
        # keep most exempt lines exempt: one derogation, two from eight lines on
        chosen = exempt[: 0 if len(exempt) < 2 else 1 if len(exempt) < 8 else 2]
        until = today + dt.timedelta(days=90)
        direction = _direction_actor(uow, actor)
        for n, (police, _, _) in enumerate(chosen, start=1):
            if police in has_derogation:
                continue
            derogation = Derogation(
                police=police,
                reference=f"DG/DCC/{today.year}/{n:04d}",
                decided_on=today - dt.timedelta(days=3),
                valid_until=until,
                document_reference=f"Note de service n° {n:03d}/DG/SBEE du {today:%d/%m/%Y}",
                recorded_by=direction.login,
                recorded_at=audit.now(),
            )
            session.add(derogation)
            session.flush()
            audit.record(
                uow,
                direction,
                AuditAction.DEMO_DEROGATION,
                entity="derogation",
                entity_key=str(derogation.id),
                after={
                    "police": police,
                    "reference": derogation.reference,
                    "decided_on": derogation.decided_on.isoformat(),
                    "valid_until": until.isoformat(),
                },
            )
            derogations += 1
        audit.record(
            uow,
            actor,
            AuditAction.DEMO_HISTORY,
            entity="selection_run",
            entity_key=str(run.run_id),
            after={"letters": letters, "delivered": delivered, "derogations": derogations},
        )
        uow.commit()
    return History(
        run_id=run.run_id,
        run_on=history_on,
        letters=letters,
        letters_delivered=delivered,
        derogations=derogations,
    )


def _direction_actor(uow: UnitOfWork, fallback: Actor) -> Actor:
    """A Direction Générale user, who records derogations (R4); else ``fallback``."""
    login = uow.session.scalar(
        select(User.login)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == Role.DIRECTION.value)
        .order_by(User.login)
        .limit(1)
    )
    return Actor(login, frozenset({Role.DIRECTION})) if login else fallback


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


def hire_field_staff(db: Database) -> int:
    """Add the demo's field staff to the staff register (through its service, as an
    administrator of the database), so that letters and orders can be handed over at
    once; the matricules already there are left as they are. How many were added (none
    without an active administrator)."""
    with db.uow() as uow:
        admin = _user_with_role(uow, Role.ADMIN)
        known = set(uow.session.scalars(select(StaffMember.matricule)))
    if admin is None:
        return 0
    added = 0
    for matricule, name, role, zones in demo_field_staff():
        if matricule not in known:
            save_staff(db.uow(), admin, matricule, name, role.value, zones)
            added += 1
    return added


def _user_with_role(uow: UnitOfWork, role: Role) -> Actor | None:
    login = uow.session.scalar(
        select(User.login)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == role.value)
        .order_by(User.login)
        .limit(1)
    )
    return Actor(login, frozenset({role})) if login else None


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
