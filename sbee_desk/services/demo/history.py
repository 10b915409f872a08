"""The demo's history: what an agency would have recorded before ``today``.

:func:`record_history` goes through the real services, each step by the demo user
of its role (:class:`~sbee_desk.services.demo.guard.DemoActors`): ``chef`` runs a
selection twenty days before ``today`` and validates, that day, the bordereaux
holding part of the run's RELANCE lines (:func:`sbee_desk.services.review.validate_bordereau`:
the validation creates their reminder letters; the other lines to act on in those
bordereaux are excluded with a reason of the list); those letters are edited by
``nuit``, printed and handed over by ``chef``, delivered (or not, or impossibly) by
``agent``, and R7 cancels the one of a customer who paid back
(:mod:`.letters`); the chef validates with those letters the orders of a few lines
to terminate, edited the same night and followed through dispatch, CRI, store return
and countersign (:mod:`.orders`); yesterday ``chef`` runs the selection again and validates one
more letter (« à éditer »); ``dg`` records a DG derogation for one or two exempt
contracts (:func:`sbee_desk.services.review.add_derogation`); whoever loads the demo
records ``demo.history`` for the whole. No step writes to the database but through
its service.

:func:`hire_field_staff` fills the staff register with the agencies' field staff
(:func:`demo_field_staff`: releveurs and agents de recouvrement covering every zone,
an agent RPNT and a magasinier per agency), through the register's service as the
demo's ``admin``, so that letters and orders can be handed over at once.
:func:`name_agencies` gives the demo agencies their names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, select

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
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.demo import letters as demo_letters
from sbee_desk.services.demo import orders as demo_orders
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

#: The demo's history: the earlier selection run is this many days before ``today``
#: (more than the plans' 15-day alert after the edition the next day: some letters are
#: overdue).
HISTORY_DAYS = 20

#: What happens to the stable RELANCE lines of the earlier run, in turn (police order):
#: an edited letter and what follows (:mod:`.letters`), or no letter (the line excluded
#: from the validation: still « à relancer », and yesterday's run gives the first such
#: line a letter, « à éditer »: tonight's edition). The first fates are the states a
#: small demo must show first. The lines whose customer pays back after the run get a
#: letter that R7 cancels.
_NONE = "none"
_LETTER_FATES = (
    demo_letters.UNDELIVERED,
    demo_letters.DELIVERED_LONG_AGO,
    demo_letters.IMPOSSIBLE,
    demo_letters.RETRY,
    _NONE,
    demo_letters.DELIVERED_RECENTLY,
    _NONE,
)
#: exclusion reasons (codes of the list) of the other lines of the validated bordereaux
_NO_LETTER_REASON = "ADRESSE"
_NO_ORDER_REASON = "PROMESSE"


@dataclass(frozen=True)
class History:
    """The history recorded by :func:`record_history`."""

    #: the earlier selection run standing for the agency's history
    run_id: int
    run_on: dt.date
    #: reminder letters recorded (both runs), and how many delivered (or impossible)
    letters: int
    letters_delivered: int
    #: DG derogations recorded for exempt contracts
    derogations: int


def record_history(
    db: Database, actors: DemoActors, launcher: Actor, *, today: dt.date, seed: int
) -> History:
    """Run a selection :data:`HISTORY_DAYS` days before ``today`` and validate the
    bordereaux holding the lines given a letter; edit, print, hand over and deliver
    those letters (:mod:`.letters`); validate yesterday one more letter from
    yesterday's run; record DG derogations (see the module docstring) — each step
    through its service by the demo user of that role; ``launcher`` (who loads the
    demo) records the whole."""
    history_on = today - dt.timedelta(days=HISTORY_DAYS)
    run = run_selection(db.uow(), actors.chef, history_on, today_=today)
    with db.uow() as uow:
        stable = _stable_lines(uow, run.run_id, history_on)
        actionable = _actionable_lines(uow, run.run_id)
        has_derogation = set(uow.session.scalars(select(Derogation.police)))
        live = set(
            uow.session.scalars(select(Contract.police).where(Contract.terminated_on.is_(None)))
        )
    reminders = [police for police, _, decision in stable if decision == Decision.RELANCE.value]
    fates = {police: _LETTER_FATES[n % len(_LETTER_FATES)] for n, police in enumerate(reminders)}
    steady = set(reminders)
    for police, _, decision in actionable:  # paid back since the run: R7 will cancel
        if decision == Decision.RELANCE.value and police not in steady and police in live:
            fates[police] = demo_letters.CANCELLED
    # step 1: the chef validates, that day, the bordereaux holding the lines to get a
    # letter; he first excludes their other lines to act on (letter not sent yet:
    # address to check; order: a promise of payment), so the letters are those above
    # ... and some of the stable lines to terminate get their order (:mod:`.orders`)
    removals = [police for police, _, decision in stable if decision == Decision.RESILIATION.value]
    order_fates = {
        police: demo_orders.ORDER_FATES[n]
        for n, police in enumerate(removals[: len(demo_orders.ORDER_FATES)])
    }
    edited = {police: fate for police, fate in fates.items() if fate != _NONE}
    _validate_only(db, actors, run.run_id, actionable, set(edited) | set(order_fates), history_on)
    delivered = demo_letters.record_letter_history(
        db, actors, edited, validated_on=history_on, today=today, seed=seed
    )
    orders = demo_orders.record_order_history(db, actors, order_fates, today=today)
    # yesterday: a new run, one more letter validated (the first line to remind), for
    # tonight's edition
    yesterday = today - dt.timedelta(days=1)
    again = run_selection(db.uow(), actors.chef, yesterday, today_=today)
    with db.uow() as uow:
        lines = _actionable_lines(uow, again.run_id)
    later = [police for police, _, decision in lines if decision == Decision.RELANCE.value][:1]
    if later:
        _validate_only(db, actors, again.run_id, lines, set(later), yesterday)
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
    with db.uow() as uow:
        letter_count = uow.session.scalar(select(func.count()).select_from(ReminderLetter)) or 0
    with db.uow().write() as uow:
        audit.record(
            uow,
            launcher,
            AuditAction.DEMO_HISTORY,
            entity="selection_run",
            entity_key=str(run.run_id),
            after={
                "letters": letter_count,
                "delivered": delivered,
                "derogations": derogations,
                "orders": orders,
            },
        )
        uow.commit()
    return History(
        run_id=run.run_id,
        run_on=history_on,
        letters=letter_count,
        letters_delivered=delivered,
        derogations=derogations,
    )


def _validate_only(
    db: Database,
    actors: DemoActors,
    run_id: int,
    actionable: list[tuple[str, str, str]],
    wanted: set[str],
    on: dt.date,
) -> None:
    """The chef validates, on ``on``, the bordereaux of run ``run_id`` holding the
    ``wanted`` lines, after excluding their other lines to act on (so validation
    creates the letters of ``wanted`` and no order)."""
    validated = {code for police, code, _ in actionable if police in wanted}
    for reason, decisions in (
        (_NO_LETTER_REASON, {Decision.RELANCE.value}),
        (_NO_ORDER_REASON, {Decision.RESILIATION.value}),
    ):
        others = [
            police
            for police, code, decision in actionable
            if code in validated and police not in wanted and decision in decisions
        ]
        if others:
            exclude_lines(db.uow(), actors.chef, run_id, others, reason)
    for code in sorted(validated):
        validate_bordereau(db.uow(), actors.chef, run_id, code, today_=on)


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
