"""Recording step 3: a letter delivered, its delivery impossible, a new attempt, a
correction by the chef (R5). Every change is audited; any refusal (a LetterError
naming the letter) leaves the database as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from sbee_desk.db.models import (
    Contract,
    EditionBatch,
    EditionDocument,
    ReminderLetter,
    StaffMember,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action, Role
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import current_roles, record_refusal, require
from sbee_desk.services.clock import today
from sbee_desk.services.letters.model import (
    CorrectionDenied,
    LetterError,
    LetterRow,
    letter_number,
    parse_number,
)
from sbee_desk.services.letters.query import find_letters

#: longest free texts kept (the columns' sizes)
_TO_MAX, _REASON_MAX = 200, 300


def _ids(numbers: Iterable[str]) -> list[int]:
    ids = [parse_number(n) for n in numbers]
    if not ids:
        raise LetterError("LETTER_NO_NUMBER")
    twice = sorted({letter_number(i) for i in ids if ids.count(i) > 1})
    if twice:
        raise LetterError("LETTER_NUMBER_TWICE", numbers=twice)
    return ids


def _text(value: str | None, limit: int, field: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise LetterError("LETTER_TEXT_TOO_LONG", field=field, limit=limit)
    return text or None


class _Letter:
    """A letter being recorded, with what the checks read."""

    def __init__(
        self, row: ReminderLetter, edited_on: dt.date | None, handed_to: int | None, agency: str
    ) -> None:
        self.row = row
        self.edited_on = edited_on
        self.handed_to = handed_to
        self.agency = agency

    @property
    def number(self) -> str:
        return letter_number(self.row.id)


def _load(uow: UnitOfWork, ids: Sequence[int]) -> list[_Letter]:
    session = uow.session
    rows = {
        r.id: r for r in session.scalars(select(ReminderLetter).where(ReminderLetter.id.in_(ids)))
    }
    missing = [letter_number(i) for i in ids if i not in rows]
    if missing:
        raise LetterError("LETTER_UNKNOWN", numbers=missing)
    edition = {
        letter_id: (edition_on, handed_to)
        for letter_id, edition_on, handed_to in session.execute(
            select(EditionDocument.letter_id, EditionBatch.edition_on, EditionDocument.handed_to)
            .join(EditionBatch, EditionBatch.id == EditionDocument.batch_id)
            .where(EditionDocument.letter_id.in_(ids))
        )
    }
    agencies = dict(
        session.execute(
            select(Contract.police, Contract.agency_code).where(
                Contract.police.in_({r.police for r in rows.values()})
            )
        ).all()
    )
    out = []
    for i in ids:
        edited_on, handed_to = edition.get(i, (None, None))
        out.append(_Letter(rows[i], edited_on, handed_to, agencies[rows[i].police]))
    return out


def _check_open(letter: _Letter, agency: str | None) -> None:
    """Refuse a letter of another agency, cancelled, already recorded or not edited."""
    row, number = letter.row, letter.number
    if agency is not None and letter.agency != agency:
        raise LetterError(
            "LETTER_OTHER_AGENCY", number=number, agency=letter.agency, expected=agency
        )
    if row.cancelled_on is not None:
        raise LetterError(
            "LETTER_CANCELLED", number=number, on=row.cancelled_on, reason=row.cancel_reason
        )
    if row.delivered_on is not None:
        if row.impossible_reason:
            raise LetterError("LETTER_ALREADY_IMPOSSIBLE", number=number, on=row.delivered_on)
        raise LetterError("LETTER_ALREADY_DELIVERED", number=number, on=row.delivered_on)
    if letter.edited_on is None:
        raise LetterError("LETTER_NOT_EDITED", number=number)


def _check_date(letter: _Letter, on: dt.date, now: dt.date) -> None:
    if on > now:
        raise LetterError("LETTER_DATE_FUTURE", number=letter.number, on=on, today=now)
    if letter.edited_on is not None and on < letter.edited_on:
        raise LetterError(
            "LETTER_DATE_BEFORE_EDITION", number=letter.number, on=on, edited_on=letter.edited_on
        )


def _releveur(uow: UnitOfWork, matricule: str | None) -> StaffMember | None:
    if matricule is None or not matricule.strip():
        return None
    staff = uow.session.scalars(
        select(StaffMember).where(StaffMember.matricule == matricule.strip())
    ).one_or_none()
    if staff is None or not staff.active or staff.role != "RELEVEUR":
        raise LetterError("LETTER_UNKNOWN_RELEVEUR", matricule=matricule.strip())
    return staff


def _matricules(uow: UnitOfWork, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(
        uow.session.execute(
            select(StaffMember.id, StaffMember.matricule).where(StaffMember.id.in_(wanted))
        ).all()
    )


def _state(row: ReminderLetter) -> dict[str, Any]:
    return {
        "delivered_on": row.delivered_on.isoformat() if row.delivered_on else None,
        "delivered_to": row.delivered_to,
        "delivered_by": row.delivered_by,
        "impossible_reason": row.impossible_reason,
        "attempts": row.attempts,
    }


def _finish(uow: UnitOfWork, actor: Actor, events: list[audit.EventDraft]) -> None:
    try:
        uow.session.flush()
    except StaleDataError as exc:
        uow.session.rollback()
        raise LetterError("LETTER_CHANGED_ELSEWHERE") from exc
    audit.record_many(uow, actor, events)
    uow.commit()


def open_for_delivery(
    uow: UnitOfWork, number: str, *, agency: str | None = None, today_: dt.date | None = None
) -> LetterRow:
    """The letter of a typed or scanned number, if its delivery may be recorded now;
    otherwise the LetterError :func:`deliver` would raise (unknown, another agency's,
    cancelled, already recorded, not edited). Reads only."""
    ids = _ids([number])
    now = today_ or today()
    with uow:
        (letter,) = _load(uow, ids)
        _check_open(letter, agency)
    return find_letters(uow, ids, today_=now)[ids[0]]


def deliver(
    uow: UnitOfWork,
    actor: Actor,
    numbers: Iterable[str],
    on: dt.date,
    *,
    by: str | None = None,
    to: str | None = None,
    agency: str | None = None,
    today_: dt.date | None = None,
) -> list[LetterRow]:
    """Record the delivery of letters on ``on`` (R5: the 7 days start then), to ``to``
    (« client », « gardien »…), by the releveur ``by`` (matricule; default: the one the
    letter was handed to). All or nothing: one refused letter records none."""
    ids = _ids(numbers)
    now = today_ or today()
    delivered_to = _text(to, _TO_MAX, "to")
    with uow.write():
        require(uow, actor, Action.LETTER_DELIVERY)
        staff = _releveur(uow, by)
        letters = _load(uow, ids)
        for letter in letters:
            _check_open(letter, agency)
            _check_date(letter, on, now)
        at = audit.now()
        events: list[audit.EventDraft] = []
        matricules = _matricules(uow, [lt.handed_to for lt in letters])
        for letter in letters:
            row = letter.row
            before = _state(row)
            row.delivered_on, row.delivered_to = on, delivered_to
            row.delivered_by = staff.id if staff is not None else letter.handed_to
            row.recorded_by, row.recorded_at = actor.login, at
            releveur = (
                staff.matricule if staff is not None else matricules.get(row.delivered_by or 0)
            )
            events.append(
                {
                    "action": AuditAction.LETTER_DELIVER,
                    "entity": "reminder_letter",
                    "entity_key": letter.number,
                    "before": before,
                    "after": _state(row),
                    "details": {"police": row.police, "releveur": releveur},
                }
            )
        _finish(uow, actor, events)
    return list(find_letters(uow, ids, today_=now).values())


def record_impossible(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    on: dt.date,
    reason: str,
    *,
    by: str | None = None,
    agency: str | None = None,
    today_: dt.date | None = None,
) -> LetterRow:
    """Record that the letter could not be delivered (address not found even in the
    customer file, refusal…), with the reason: R5 counts the 7 days from ``on`` as
    for a delivery."""
    ids = _ids([number])
    now = today_ or today()
    why = _text(reason, _REASON_MAX, "reason")
    if why is None:
        raise LetterError("LETTER_REASON_REQUIRED", number=letter_number(ids[0]))
    with uow.write():
        require(uow, actor, Action.LETTER_DELIVERY)
        staff = _releveur(uow, by)
        (letter,) = _load(uow, ids)
        _check_open(letter, agency)
        _check_date(letter, on, now)
        row = letter.row
        before = _state(row)
        row.delivered_on, row.impossible_reason, row.delivered_to = on, why, None
        row.delivered_by = staff.id if staff is not None else letter.handed_to
        row.recorded_by, row.recorded_at = actor.login, audit.now()
        _finish(
            uow,
            actor,
            [
                {
                    "action": AuditAction.LETTER_IMPOSSIBLE,
                    "entity": "reminder_letter",
                    "entity_key": letter.number,
                    "before": before,
                    "after": _state(row),
                    "details": {"police": row.police, "reason": why},
                }
            ],
        )
    return find_letters(uow, ids, today_=now)[ids[0]]


def order_retry(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    *,
    note: str | None = None,
    reprint: bool = False,
    agency: str | None = None,
    today_: dt.date | None = None,
) -> LetterRow:
    """A new attempt at delivering an undelivered letter (the chef's answer to the
    15-day alert, R5): one more presentation from today, with a note for the releveur;
    ``reprint``: the letter is to be printed again « 2e présentation »."""
    ids = _ids([number])
    now = today_ or today()
    text = _text(note, _REASON_MAX, "note")
    with uow.write():
        require(uow, actor, Action.LETTER_DELIVERY)
        (letter,) = _load(uow, ids)
        _check_open(letter, agency)
        row = letter.row
        before = _state(row)
        row.attempts += 1
        row.attempt_on, row.attempt_note, row.reprint_asked = now, text, reprint
        _finish(
            uow,
            actor,
            [
                {
                    "action": AuditAction.LETTER_RETRY,
                    "entity": "reminder_letter",
                    "entity_key": letter.number,
                    "before": before,
                    "after": _state(row),
                    "details": {"police": row.police, "note": text, "reprint": reprint},
                }
            ],
        )
    return find_letters(uow, ids, today_=now)[ids[0]]


#: « leave as recorded » for :func:`correct_delivery`
KEEP: Any = object()


def correct_delivery(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    reason: str,
    *,
    on: dt.date | None = KEEP,
    to: str | None = KEEP,
    by: str | None = KEEP,
    undo: bool = False,
    today_: dt.date | None = None,
) -> LetterRow:
    """The chef corrects a recorded delivery (date, who received it, releveur), or
    ``undo``es it (a slip scanned by mistake), with a reason; audited with before and
    after. Only the chef section recouvrement may."""
    ids = _ids([number])
    now = today_ or today()
    why = _text(reason, _REASON_MAX, "reason")
    if why is None:
        raise LetterError("LETTER_CORRECTION_REASON_REQUIRED", number=letter_number(ids[0]))
    with uow.write():
        require(uow, actor, Action.LETTER_DELIVERY)
        roles = current_roles(uow, actor.login) or frozenset()
        if Role.CHEF_RECOUVREMENT not in roles:
            uow.session.rollback()
            record_refusal(uow, actor.login, Action.LETTER_DELIVERY.value, "chef_only")
            raise CorrectionDenied(
                "LETTER_CORRECTION_CHEF_ONLY", login=actor.login, action=Action.LETTER_DELIVERY
            )
        (letter,) = _load(uow, ids)
        row = letter.row
        if row.delivered_on is None:
            raise LetterError("LETTER_NOT_DELIVERED", number=letter.number)
        if row.cancelled_on is not None:
            raise LetterError(
                "LETTER_CANCELLED",
                number=letter.number,
                on=row.cancelled_on,
                reason=row.cancel_reason,
            )
        before = _state(row)
        if undo:
            row.delivered_on = None
            row.delivered_to = row.impossible_reason = None
            row.delivered_by = None
        else:
            if on is not KEEP and on is not None:
                _check_date(letter, on, now)
                row.delivered_on = on
            if to is not KEEP:
                row.delivered_to = _text(to, _TO_MAX, "to")
            if by is not KEEP:
                staff = _releveur(uow, by)
                row.delivered_by = staff.id if staff is not None else None
        row.recorded_by, row.recorded_at = actor.login, audit.now()
        _finish(
            uow,
            actor,
            [
                {
                    "action": AuditAction.LETTER_CORRECT,
                    "entity": "reminder_letter",
                    "entity_key": letter.number,
                    "before": before,
                    "after": _state(row),
                    "details": {"police": row.police, "reason": why, "undo": undo},
                }
            ],
        )
    return find_letters(uow, ids, today_=now)[ids[0]]
