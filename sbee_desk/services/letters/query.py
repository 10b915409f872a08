"""Reading the letters of step 3: the Relances page, ``letters list``, the navigation
count. The status is one SQL expression (so filters and counts stay in SQL); the
delays come from the plan snapshot of each letter's selection run (R5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, or_, select

from sbee_desk.db.models import (
    Contract,
    Customer,
    EditionBatch,
    EditionDocument,
    RecoveryPlan,
    ReminderLetter,
    SelectionRun,
    StaffMember,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.services.clock import today
from sbee_desk.services.letters.model import (
    DEFAULT_REMINDER_DELAY_DAYS,
    DEFAULT_UNDELIVERED_ALERT_DAYS,
    LetterCounts,
    LetterFilter,
    LetterRow,
    LetterStatus,
    ReleveurChoice,
    letter_number,
)

lt = ReminderLetter.__table__
doc = EditionDocument.__table__.alias("letter_doc")
batch = EditionBatch.__table__
contract = Contract.__table__
customer = Customer.__table__
staff = StaffMember.__table__

status_sql: ColumnElement[Any] = case(
    (lt.c.cancelled_on.is_not(None), LetterStatus.ANNULEE.value),
    (lt.c.impossible_reason.is_not(None), LetterStatus.IMPOSSIBLE.value),
    (lt.c.delivered_on.is_not(None), LetterStatus.REMISE.value),
    (doc.c.id.is_(None), LetterStatus.A_EDITER.value),
    else_=LetterStatus.A_REMETTRE.value,
)
releveur_sql: ColumnElement[Any] = func.coalesce(lt.c.delivered_by, doc.c.handed_to)

_FROM = (
    lt.join(contract, contract.c.police == lt.c.police)
    .join(customer, customer.c.code == contract.c.customer_code)
    .outerjoin(doc, doc.c.letter_id == lt.c.id)
    .outerjoin(batch, batch.c.id == doc.c.batch_id)
    .outerjoin(staff, staff.c.id == releveur_sql)
)


def _where(flt: LetterFilter) -> list[ColumnElement[Any]]:
    where: list[ColumnElement[Any]] = []
    if flt.status is not None:
        where.append(status_sql == flt.status.value)
    if flt.bordereau:
        where.append(lt.c.bordereau_code == flt.bordereau)
    if flt.zone:
        where.append(contract.c.zone_code == flt.zone)
    if flt.releveur_id is not None:
        where.append(releveur_sql == flt.releveur_id)
    if flt.agency:
        where.append(contract.c.agency_code == flt.agency)
    text = (flt.search or "").strip().casefold()
    if text:
        like = f"%{text}%"
        terms: list[ColumnElement[Any]] = [
            func.lower(lt.c.police).like(like),
            func.lower(customer.c.name).like(like),
            func.lower(func.coalesce(customer.c.address, "")).like(like),
            func.lower(func.coalesce(customer.c.quartier, "")).like(like),
        ]
        if text.isdigit() and len(text) <= 8:
            terms.append(lt.c.id == int(text))
            terms.append(cast(lt.c.id, String).like(f"%{text.lstrip('0') or '0'}%"))
        where.append(or_(*terms))
    return where


def _delays(uow: UnitOfWork, run_ids: Iterable[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """Per run, per category: (reminder delay, undelivered alert) of its snapshot."""
    out: dict[int, dict[str, tuple[int, int]]] = {}
    wanted = sorted(set(run_ids))
    for start in range(0, len(wanted), 500):
        for run_id, snapshot in uow.session.execute(
            select(SelectionRun.id, SelectionRun.plan_snapshot).where(
                SelectionRun.id.in_(wanted[start : start + 500])
            )
        ):
            per: dict[str, tuple[int, int]] = {}
            for code, values in (snapshot or {}).items():
                if isinstance(values, dict):
                    per[code] = (
                        int(values.get("reminder_delay_days", DEFAULT_REMINDER_DELAY_DAYS)),
                        int(values.get("undelivered_alert_days", DEFAULT_UNDELIVERED_ALERT_DAYS)),
                    )
            out[run_id] = per
    return out


def _current_delays(uow: UnitOfWork) -> dict[str, tuple[int, int]]:
    return {
        code: (delay, alert)
        for code, delay, alert in uow.session.execute(
            select(
                RecoveryPlan.category,
                RecoveryPlan.reminder_delay_days,
                RecoveryPlan.undelivered_alert_days,
            )
        )
    }


def is_overdue(
    status: LetterStatus,
    edited_on: dt.date | None,
    attempt_on: dt.date | None,
    alert_days: int,
    on: dt.date,
) -> bool:
    """R5 — a letter still undelivered ``alert_days`` after its edition (or after the new
    attempt the chef ordered) is put before the chef."""
    if status is not LetterStatus.A_REMETTRE or edited_on is None:
        return False
    start = max(edited_on, attempt_on) if attempt_on is not None else edited_on
    return (on - start).days >= alert_days


def deadline(delivered_on: dt.date | None, delay_days: int) -> dt.date | None:
    """R5 — the day from which the contract may be terminated: delivery (or impossible
    delivery) + the plan's reminder delay."""
    return delivered_on + dt.timedelta(days=delay_days) if delivered_on is not None else None


_COLUMNS = (
    lt.c.id,
    lt.c.police,
    customer.c.name,
    customer.c.address,
    customer.c.quartier,
    customer.c.category,
    contract.c.zone_code,
    contract.c.agency_code,
    lt.c.bordereau_code,
    lt.c.run_id,
    status_sql.label("status"),
    lt.c.created_on,
    batch.c.edition_on,
    lt.c.delivered_on,
    lt.c.delivered_to,
    staff.c.id.label("releveur_id"),
    staff.c.matricule,
    staff.c.name.label("releveur_name"),
    lt.c.attempts,
    lt.c.attempt_on,
    lt.c.attempt_note,
    lt.c.reprint_asked,
    lt.c.impossible_reason,
    lt.c.cancelled_on,
    lt.c.cancel_reason,
)


def _rows(uow: UnitOfWork, stmt: Any, on: dt.date) -> list[LetterRow]:
    rows = uow.session.execute(stmt).all()
    snapshots = _delays(uow, (r.run_id for r in rows))
    current = _current_delays(uow) if rows else {}
    out = []
    for r in rows:
        delay, alert = snapshots.get(r.run_id, {}).get(r.category) or current.get(
            r.category, (DEFAULT_REMINDER_DELAY_DAYS, DEFAULT_UNDELIVERED_ALERT_DAYS)
        )
        status = LetterStatus(r.status)
        delivered = status in (LetterStatus.REMISE, LetterStatus.IMPOSSIBLE)
        out.append(
            LetterRow(
                id=r.id,
                number=letter_number(r.id),
                police=r.police,
                customer_name=r.name,
                address=r.address,
                quartier=r.quartier,
                zone_code=r.zone_code,
                bordereau_code=r.bordereau_code,
                agency_code=r.agency_code,
                status=status,
                created_on=r.created_on,
                edited_on=r.edition_on,
                delivered_on=r.delivered_on,
                delivered_to=r.delivered_to,
                releveur_id=r.releveur_id,
                releveur_matricule=r.matricule,
                releveur_name=r.releveur_name,
                attempts=r.attempts,
                attempt_on=r.attempt_on,
                attempt_note=r.attempt_note,
                reprint_asked=bool(r.reprint_asked),
                impossible_reason=r.impossible_reason,
                cancelled_on=r.cancelled_on,
                cancel_reason=r.cancel_reason,
                overdue=is_overdue(status, r.edition_on, r.attempt_on, alert, on),
                deadline=deadline(r.delivered_on, delay) if delivered else None,
                reminder_delay_days=delay,
                alert_days=alert,
            )
        )
    return out


def list_letters(
    uow: UnitOfWork, flt: LetterFilter | None = None, *, today_: dt.date | None = None
) -> list[LetterRow]:
    """The letters matching ``flt``, by number; ``overdue`` judged at ``today_``."""
    flt = flt or LetterFilter()
    on = today_ or today()
    stmt = select(*_COLUMNS).select_from(_FROM).where(*_where(flt)).order_by(lt.c.id)
    with uow:
        rows = _rows(uow, stmt, on)
    if flt.overdue_only:
        rows = [r for r in rows if r.overdue]
    return rows


def find_letters(
    uow: UnitOfWork, ids: Iterable[int], *, today_: dt.date | None = None
) -> dict[int, LetterRow]:
    """The letters of these ids (the unknown ones left out)."""
    wanted = sorted(set(ids))
    on = today_ or today()
    out: dict[int, LetterRow] = {}
    with uow:
        for start in range(0, len(wanted), 500):
            stmt = (
                select(*_COLUMNS).select_from(_FROM).where(lt.c.id.in_(wanted[start : start + 500]))
            )
            out.update((r.id, r) for r in _rows(uow, stmt, on))
    return out


def letter_counts(
    uow: UnitOfWork, *, agency: str | None = None, today_: dt.date | None = None
) -> LetterCounts:
    """Letters per status, and the overdue ones (the navigation's « Relances (N) »)."""
    on = today_ or today()
    where = [contract.c.agency_code == agency] if agency else []
    with uow:
        by_status = {
            LetterStatus(status): n
            for status, n in uow.session.execute(
                select(status_sql, func.count())
                .select_from(_FROM)
                .where(*where)
                .group_by(status_sql)
            )
        }
        pending = uow.session.execute(
            select(lt.c.run_id, customer.c.category, batch.c.edition_on, lt.c.attempt_on)
            .select_from(_FROM)
            .where(status_sql == LetterStatus.A_REMETTRE.value, *where)
        ).all()
        snapshots = _delays(uow, (r.run_id for r in pending))
        current = _current_delays(uow) if pending else {}
    overdue = 0
    for r in pending:
        _delay, alert = snapshots.get(r.run_id, {}).get(r.category) or current.get(
            r.category, (DEFAULT_REMINDER_DELAY_DAYS, DEFAULT_UNDELIVERED_ALERT_DAYS)
        )
        overdue += is_overdue(LetterStatus.A_REMETTRE, r.edition_on, r.attempt_on, alert, on)
    return LetterCounts(by_status, overdue)


def releveurs(uow: UnitOfWork) -> list[ReleveurChoice]:
    """Active releveurs of the staff register, by name."""
    with uow:
        return [
            ReleveurChoice(s.id, s.matricule, s.name)
            for s in uow.session.scalars(
                select(StaffMember)
                .where(StaffMember.active.is_(True), StaffMember.role == "RELEVEUR")
                .order_by(StaffMember.name)
            )
        ]


def letter_filters(uow: UnitOfWork) -> tuple[list[str], list[str]]:
    """(bordereaux, zones) that letters have, for the page's filters."""
    with uow:
        bordereaux = [
            b
            for b in uow.session.scalars(
                select(lt.c.bordereau_code).distinct().order_by(lt.c.bordereau_code)
            )
            if b
        ]
        zones = [
            z
            for z in uow.session.scalars(
                select(contract.c.zone_code)
                .select_from(lt.join(contract, contract.c.police == lt.c.police))
                .distinct()
                .order_by(contract.c.zone_code)
            )
            if z
        ]
    return bordereaux, zones
