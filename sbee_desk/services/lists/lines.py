"""What goes on the lists of a validated bordereau: the bordereau's context (run,
agency, validation), each line's letter or order and why validation dropped it, and
which list each line goes to (:func:`classify`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from typing import Any

from sqlalchemy import and_, func, select

from sbee_desk.db.models import (
    Agency,
    Bordereau,
    BordereauValidation,
    Candidate,
    Contract,
    Customer,
    Derogation,
    EditionDocument,
    ReminderLetter,
    SelectionRun,
    User,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.lists import (
    Dropped,
    LineStatus,
    ListLine,
    ListTexts,
    load_list_texts,
)
from sbee_desk.documents.resources import TemplateError
from sbee_desk.domain.enums import CustomerCategory, Decision, DropReason, ListKind, Voltage
from sbee_desk.services.dropped import contract_facts
from sbee_desk.services.lists.model import ListError
from sbee_desk.services.rules_sql import load_letter_delays
from sbee_desk.services.selection import CandidateLine
from sbee_desk.wording.formats import clean_text
from sbee_desk.wording.motifs import line_motif

_DECISIONS = {d.value: d for d in Decision}
_CATEGORIES = {c.value: c for c in CustomerCategory}
_VOLTAGES = {v.value: v for v in Voltage}


@dataclass(frozen=True)
class ListContext:
    run_on: dt.date
    bordereau_code: str
    voltage: str
    period: str
    agency_code: str
    agency_name: str | None
    validated_by: str
    validated_at: dt.datetime
    #: the plan values the run used, by category (its snapshot)
    plan_snapshot: dict[str, Any]


def person(uow: UnitOfWork, login: str) -> str:
    """``Koffi Agbo (chef)``: the user's name and login, as printed on the lists."""
    name = uow.session.scalar(select(User.full_name).where(User.login == login))
    return f"{name} ({login})" if name and name != login else login


def list_context(uow: UnitOfWork, run_id: int, bordereau_code: str) -> ListContext:
    session = uow.session
    run = session.get(SelectionRun, run_id)
    if run is None:
        raise ListError("RUN_NOT_FOUND", run_id=run_id)
    bordereau = session.get(Bordereau, bordereau_code)
    has_lines = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code)
    )
    if bordereau is None or not has_lines:
        raise ListError("BORDEREAU_NOT_IN_RUN", bordereau=bordereau_code, run_id=run_id)
    validation = session.scalars(
        select(BordereauValidation).where(
            BordereauValidation.run_id == run_id,
            BordereauValidation.bordereau_code == bordereau_code,
        )
    ).one_or_none()
    if validation is None:
        raise ListError("BORDEREAU_NOT_VALIDATED", bordereau=bordereau_code, run_id=run_id)
    agency = session.get(Agency, bordereau.agency_code)
    return ListContext(
        run_on=run.run_on,
        bordereau_code=bordereau_code,
        voltage=bordereau.voltage,
        period=bordereau.period,
        agency_code=bordereau.agency_code,
        agency_name=agency.name if agency is not None else None,
        validated_by=person(uow, validation.validated_by),
        validated_at=validation.validated_at,
        plan_snapshot=dict(run.plan_snapshot or {}),
    )


@dataclass(frozen=True)
class LineWork:
    """What validation made of a line: its letter or order of this run, if any, and
    what the lists print beside the selection's values."""

    letter: bool
    order: bool
    cancelled_on: dt.date | None
    cancel_reason: str | None
    delivery_point: str | None = None
    meter_serial: str | None = None
    document_number: str | None = None
    derogation_decided_on: dt.date | None = None
    dropped: Dropped | None = None


def _dropped(
    uow: UnitOfWork, run_id: int, rows: Sequence[Any], snapshot: dict[str, Any]
) -> dict[str, Dropped]:
    """What the wording of each dropped line's reason needs (a few lines)."""
    if not rows:
        return {}
    session = uow.session
    suspension_ids = sorted({r.suspension_id for r in rows})
    terminated, latest, restored = contract_facts(
        session, sorted({r.police for r in rows}), suspension_ids, None
    )
    letter_ids = [r.candidate_letter_id for r in rows if r.candidate_letter_id is not None]
    letters_cancelled = dict(
        session.execute(
            select(ReminderLetter.id, ReminderLetter.cancelled_on).where(
                ReminderLetter.id.in_(letter_ids)
            )
        ).all()
    )
    # R13: the run that validated the suspension's order, else its (other) letter
    other_runs: dict[int, int] = {}
    for suspension_id, other in session.execute(
        select(ReminderLetter.suspension_id, ReminderLetter.run_id).where(
            ReminderLetter.suspension_id.in_(suspension_ids),
            ReminderLetter.run_id != run_id,
            ReminderLetter.id.not_in(letter_ids),
        )
    ):
        other_runs[suspension_id] = other
    for suspension_id, order_run in session.execute(
        select(WorkOrder.suspension_id, WorkOrder.run_id).where(
            WorkOrder.suspension_id.in_(suspension_ids), WorkOrder.run_id != run_id
        )
    ):
        if order_run is not None:  # the SQL leaves out R8 orders (no run) already
            other_runs[suspension_id] = order_run
    out = {}
    for r in rows:
        try:
            reason: DropReason | None = DropReason(r.dropped_code)
        except ValueError:
            reason = None
        on = (
            {
                DropReason.TERMINATED: terminated.get(r.police),
                DropReason.NEW_SUSPENSION: latest.get(r.police),
                DropReason.RESTORED: restored.get(r.suspension_id),
                DropReason.LETTER_CANCELLED: letters_cancelled.get(r.candidate_letter_id),
            }.get(reason)
            if reason is not None
            else None
        )
        threshold = snapshot.get(r.category, {}).get("unpaid_threshold")
        out[r.police] = Dropped(reason, on, threshold, other_runs.get(r.suspension_id))
    return out


class _Why(IntEnum):
    """Where the motif printed beside a line comes from (:func:`placement`)."""

    EXCLUSION = 0  # the chef's exclusion reason
    MOTIF = 1  # the selection's motif (:attr:`CandidateLine.reason`)
    CANCELLATION = 2  # the cancellation reason of its letter or order


@cache
def placement(
    excluded: bool,
    decision: Decision,
    created: bool,
    cancelled: bool,
    derogation: bool,
) -> tuple[tuple[ListKind, LineStatus, _Why], ...]:
    """:func:`classify` on what it decides from: whether the line was excluded, its
    decision, whether validation created its letter (RELANCE) or order (otherwise),
    whether that was cancelled since, whether a DG derogation allowed it. Each list
    the line goes to, its status there and where its motif comes from."""
    if excluded:
        return ((ListKind.CONTROLE, LineStatus.EXCLUDED, _Why.EXCLUSION),)
    if decision in (Decision.EXEMPTE, Decision.ATTENTE_RELANCE):
        return ((ListKind.CONTROLE, LineStatus.CONFIRMED, _Why.MOTIF),)
    if not created:
        return ((ListKind.CONTROLE, LineStatus.DROPPED, _Why.MOTIF),)
    if cancelled:
        return ((ListKind.CONTROLE, LineStatus.CANCELLED, _Why.CANCELLATION),)
    kind = ListKind.A_RELANCER if decision is Decision.RELANCE else ListKind.A_RESILIER
    if derogation:
        return (
            (kind, LineStatus.CONFIRMED, _Why.MOTIF),
            (ListKind.CONTROLE, LineStatus.DEROGATION, _Why.MOTIF),
        )
    return ((kind, LineStatus.CONFIRMED, _Why.MOTIF),)


def classify(
    line: CandidateLine, work: LineWork | None, derogation: bool = False
) -> list[tuple[ListKind, LineStatus, str]]:
    """Which lists a line of a validated bordereau goes to, with its status and motif.

    Confirmed RELANCE lines with their letter go to *à relancer*, confirmed RESILIATION
    lines with their order to *à résilier*; those allowed by a DG derogation (R4) go
    there and, for DIG / DAI, on the control list too. Everything else is on the
    control list: excluded lines (with the exclusion reason), exempt and waiting lines
    (with their motif), lines that validation dropped (no letter or order was created:
    why is in ``work.dropped``) and lines whose letter or order was cancelled since
    (with the cancellation reason). The rules are :func:`placement`'s.
    """
    created = work is not None and (
        work.letter if line.decision is Decision.RELANCE else work.order
    )
    cancelled = work is not None and work.cancelled_on is not None
    out = []
    for kind, status, why in placement(
        line.excluded_reason is not None, line.decision, created, cancelled, derogation
    ):
        if why is _Why.EXCLUSION:
            reason = line.excluded_reason or ""
        elif why is _Why.CANCELLATION:
            reason = (work.cancel_reason if work is not None else None) or ""
        else:
            reason = line.reason
        out.append((kind, status, reason))
    return out


def list_lines(
    uow: UnitOfWork, run_id: int, bordereau_code: str, snapshot: dict[str, Any]
) -> dict[ListKind, list[ListLine]]:
    """The lines of each list of a validated bordereau, by police (:func:`placement`).

    One query reads what the three lists print of each line — the selection's
    values (as :func:`~sbee_desk.services.selection.candidate_lines` reads them) and
    what validation made of it (its letter or order of this run, cancelled or not,
    printed number, the contract's PdL and meter) — as plain rows: a 50 000-line
    bordereau makes no ORM object, no intermediate line (#18)."""
    own_letter = ReminderLetter.__table__.alias("own_letter")  # the candidate's letter
    letter_doc = EditionDocument.__table__.alias("letter_doc")
    order_doc = EditionDocument.__table__.alias("order_doc")
    stmt = (
        select(
            Candidate.police,
            Candidate.customer_code,
            Customer.name,
            Customer.address,
            Customer.quartier,
            Contract.zone_code,
            Candidate.category,
            Candidate.voltage,
            Candidate.decision,
            Candidate.unpaid_count,
            Candidate.amount_due,
            Candidate.suspended_on,
            Candidate.excluded_reason,
            Derogation.reference,
            own_letter.c.delivered_on,
            own_letter.c.run_id.label("letter_run"),
            Candidate.suspension_id,
            Candidate.letter_id.label("candidate_letter_id"),
            Candidate.dropped_code,
            Contract.delivery_point,
            Contract.meter_serial,
            Derogation.decided_on.label("derogation_decided_on"),
            ReminderLetter.id.label("letter_id"),
            ReminderLetter.cancelled_on.label("letter_cancelled_on"),
            ReminderLetter.cancel_reason.label("letter_cancel_reason"),
            WorkOrder.id.label("order_id"),
            WorkOrder.cancelled_on.label("order_cancelled_on"),
            WorkOrder.cancel_reason.label("order_cancel_reason"),
            letter_doc.c.number.label("letter_number"),
            order_doc.c.number.label("order_number"),
        )
        .join(Contract, Contract.police == Candidate.police)
        .join(Customer, Customer.code == Candidate.customer_code)
        .outerjoin(Derogation, Derogation.id == Candidate.derogation_id)
        .outerjoin(own_letter, own_letter.c.id == Candidate.letter_id)
        .outerjoin(
            ReminderLetter,
            and_(
                ReminderLetter.suspension_id == Candidate.suspension_id,
                ReminderLetter.run_id == run_id,
            ),
        )
        .outerjoin(
            WorkOrder,
            and_(WorkOrder.suspension_id == Candidate.suspension_id, WorkOrder.run_id == run_id),
        )
        .outerjoin(letter_doc, letter_doc.c.letter_id == ReminderLetter.id)
        .outerjoin(order_doc, order_doc.c.order_id == WorkOrder.id)
        .where(Candidate.run_id == run_id, Candidate.bordereau_code == bordereau_code)
        .order_by(Candidate.police)
    )
    with uow:
        run = uow.session.get(SelectionRun, run_id)
        if run is None:
            raise ListError("RUN_NOT_FOUND", run_id=run_id)
        run_on = run.run_on
        delays = {code: v["reminder_delay_days"] for code, v in (run.plan_snapshot or {}).items()}
        rows = uow.session.connection().execute(stmt).all()
        # R5: a letter's delay is the one of its own run's snapshot (as candidate_lines)
        letter_delays = load_letter_delays(uow)
        dropped = _dropped(uow, run_id, [r for r in rows if r.dropped_code is not None], snapshot)
    out: dict[ListKind, list[ListLine]] = {kind: [] for kind in ListKind}
    append = {kind: out[kind].append for kind in ListKind}
    decisions, categories, voltages = _DECISIONS, _CATEGORIES, _VOLTAGES
    relance = Decision.RELANCE
    for (
        police,
        customer_code,
        name,
        address,
        quartier,
        zone_code,
        category_code,
        voltage_code,
        decision_code,
        unpaid_count,
        amount_due,
        suspended_on,
        excluded_reason,
        reference,
        delivered_on,
        letter_run,
        _suspension_id,
        _candidate_letter_id,
        _dropped_code,
        delivery_point,
        meter_serial,
        derogation_decided_on,
        letter_id,
        letter_cancelled_on,
        letter_cancel_reason,
        order_id,
        order_cancelled_on,
        order_cancel_reason,
        letter_number,
        order_number,
    ) in rows:
        decision = decisions[decision_code]
        category = categories[category_code]
        voltage = voltages[voltage_code]
        days = (run_on - suspended_on).days
        cancelled_on = letter_cancelled_on or order_cancelled_on
        created = (letter_id if decision is relance else order_id) is not None
        placed = placement(
            excluded_reason is not None,
            decision,
            created,
            cancelled_on is not None,
            reference is not None,
        )
        motif: str | None = None
        for kind, status, why in placed:
            if why is _Why.EXCLUSION:
                reason = excluded_reason
            elif why is _Why.CANCELLATION:
                reason = letter_cancel_reason or order_cancel_reason or ""
            else:
                if motif is None:  # as CandidateLine.reason words it
                    motif = line_motif(
                        decision,
                        category=category,
                        voltage=voltage,
                        unpaid_count=unpaid_count,
                        days=days,
                        reminder_delay_days=letter_delays.get(letter_run or 0, {}).get(
                            category_code, delays.get(category_code)
                        ),
                        derogation_reference=reference,
                        letter_delivered_on=(
                            delivered_on
                            if delivered_on is not None and delivered_on <= run_on
                            else None
                        ),
                    )
                reason = motif
            append[kind](
                ListLine(
                    police=clean_text(police),
                    customer_name=clean_text(name),
                    address=clean_text(address),
                    quartier=clean_text(quartier),
                    zone_code=clean_text(zone_code),
                    voltage=voltage.value,
                    unpaid_count=unpaid_count,
                    amount_due=int(amount_due),
                    suspended_on=suspended_on,
                    days_suspended=days,
                    decision=decision,
                    reason=clean_text(reason),
                    status=status,
                    cancelled_on=cancelled_on,
                    customer_code=clean_text(customer_code),
                    category=category,
                    delivery_point=clean_text(delivery_point),
                    meter_serial=clean_text(meter_serial),
                    document_number=letter_number or order_number,
                    derogation_reference=clean_text(reference),
                    derogation_decided_on=derogation_decided_on,
                    dropped=dropped.get(police),
                )
            )
    return out


def list_texts() -> ListTexts:
    try:
        return load_list_texts()
    except TemplateError as exc:
        raise ListError("LIST_TEMPLATE_UNUSABLE", reason=str(exc)) from exc
