"""What goes on the lists of a validated bordereau: the bordereau's context (run,
agency, validation), each line's letter or order and why validation dropped it, and
which list each line goes to (:func:`classify`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select

from sbee_desk.db.models import (
    Agency,
    Bordereau,
    BordereauValidation,
    Candidate,
    Contract,
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
from sbee_desk.domain.enums import Decision, DropReason, ListKind
from sbee_desk.services.dropped import contract_facts
from sbee_desk.services.lists.model import ListError
from sbee_desk.services.selection import CandidateLine, candidate_lines
from sbee_desk.wording.formats import clean_text


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


def _work(
    uow: UnitOfWork, run_id: int, bordereau_code: str, snapshot: dict[str, Any]
) -> dict[str, LineWork]:
    letter_doc = EditionDocument.__table__.alias("letter_doc")
    order_doc = EditionDocument.__table__.alias("order_doc")
    rows = uow.session.execute(
        select(
            Candidate.police,
            Candidate.category,
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
        .outerjoin(Derogation, Derogation.id == Candidate.derogation_id)
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
    ).all()
    dropped = _dropped(uow, run_id, [r for r in rows if r.dropped_code is not None], snapshot)
    return {
        r.police: LineWork(
            letter=r.letter_id is not None,
            order=r.order_id is not None,
            cancelled_on=r.letter_cancelled_on or r.order_cancelled_on,
            cancel_reason=r.letter_cancel_reason or r.order_cancel_reason,
            delivery_point=r.delivery_point,
            meter_serial=r.meter_serial,
            document_number=r.letter_number or r.order_number,
            derogation_decided_on=r.derogation_decided_on,
            dropped=dropped.get(r.police),
        )
        for r in rows
    }


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
    (with the cancellation reason).
    """
    if line.excluded_reason is not None:
        return [(ListKind.CONTROLE, LineStatus.EXCLUDED, line.excluded_reason)]
    if line.decision in (Decision.EXEMPTE, Decision.ATTENTE_RELANCE):
        return [(ListKind.CONTROLE, LineStatus.CONFIRMED, line.reason)]
    created = work is not None and (
        work.letter if line.decision is Decision.RELANCE else work.order
    )
    if not created or work is None:
        return [(ListKind.CONTROLE, LineStatus.DROPPED, line.reason)]
    if work.cancelled_on is not None:
        return [(ListKind.CONTROLE, LineStatus.CANCELLED, work.cancel_reason or "")]
    kind = ListKind.A_RELANCER if line.decision is Decision.RELANCE else ListKind.A_RESILIER
    out = [(kind, LineStatus.CONFIRMED, line.reason)]
    if derogation:
        out.append((ListKind.CONTROLE, LineStatus.DEROGATION, line.reason))
    return out


def list_lines(
    uow: UnitOfWork, run_id: int, bordereau_code: str, snapshot: dict[str, Any]
) -> dict[ListKind, list[ListLine]]:
    lines = candidate_lines(uow, run_id, bordereau_code)
    with uow:
        work = _work(uow, run_id, bordereau_code, snapshot)
    out: dict[ListKind, list[ListLine]] = {kind: [] for kind in ListKind}
    for line in lines:
        w = work.get(line.police)
        derogation = line.derogation_reference is not None
        for kind, status, reason in classify(line, w, derogation):
            out[kind].append(
                ListLine(
                    police=clean_text(line.police),
                    customer_name=clean_text(line.customer_name),
                    address=clean_text(line.address),
                    quartier=clean_text(line.quartier),
                    zone_code=clean_text(line.zone_code),
                    voltage=line.voltage.value,
                    unpaid_count=line.unpaid_count,
                    amount_due=line.amount_due,
                    suspended_on=line.suspended_on,
                    days_suspended=line.days_suspended,
                    decision=line.decision,
                    reason=clean_text(reason),
                    status=status,
                    cancelled_on=w.cancelled_on if w is not None else None,
                    customer_code=clean_text(line.customer_code),
                    category=line.category,
                    delivery_point=clean_text(w.delivery_point) if w is not None else None,
                    meter_serial=clean_text(w.meter_serial) if w is not None else None,
                    document_number=w.document_number if w is not None else None,
                    derogation_reference=clean_text(line.derogation_reference),
                    derogation_decided_on=w.derogation_decided_on if w is not None else None,
                    dropped=w.dropped if w is not None else None,
                )
            )
    return out


def list_texts() -> ListTexts:
    try:
        return load_list_texts()
    except TemplateError as exc:
        raise ListError("LIST_TEMPLATE_UNUSABLE", reason=str(exc)) from exc
