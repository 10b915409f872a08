"""Recording a retour magasin (R10): an order's removed meter (and breaker) received at
the store on a fiche de mouvement de stock, by a store keeper of the staff register.

Which orders: a BT removal (``DEPOSE``) in an agent's hands or done — REPARTI (the
agent brings the equipment back the day of the visit, often before the CRI is
entered from the paper), EXECUTE (CRI entered) or CONTRESIGNE. Refused: an MT index
check (nothing is removed), an order not yet edited or waiting for an agent
(A_EDITER, A_REPARTIR: nobody went), a visit reported « non exécuté » (NON_EXECUTE:
nothing was removed), a cancelled order (ANNULE, R7), and an order whose return is
already recorded (R13: one per order, enforced by the database too).

The sheet: ``sheet=None`` (or ``"AUTO"``) opens a new sheet numbered by sbee-desk per
agency and year (« FMS-<agence>-<année>-<00001> »; the agency setting
``store.sheet_numbering`` AUTO) — the page passes the number back for the next returns
of its session, so the returns recorded together go on one sheet; an existing number
adds to that sheet; another number creates a typed sheet (from the store's own book).

Every refusal (:class:`StoreError`, French words in ``wording.errors``) changes
nothing; each return is one audited write transaction, serialised with the other
writers through the audit head (``dispatch.data.serialise_writers``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import AgencySetting, StaffMember, StockSheet, StoreReturn
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.domain.enums import OrderKind
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.dispatch.data import serialise_writers
from sbee_desk.services.store import data
from sbee_desk.services.store.model import (
    KEEPER_ROLE,
    NEW_SHEET,
    NOTE_MAX,
    NUMBERING_KEY,
    RETURN_DELAY_KEY,
    SERIAL_MAX,
    SHEET_MAX,
    ExpectedEquipment,
    ReturnRow,
    SheetNumbering,
    StoreError,
    StoreSettings,
    auto_sheet_number,
    same_serial,
)

#: statuses whose equipment may come back (see the module's docstring)
RETURNABLE = frozenset({OrderStatus.REPARTI, OrderStatus.EXECUTE, OrderStatus.CONTRESIGNE})


def parse_order_number(raw: str) -> int:
    """``12`` or ``00000012`` (typed or scanned) → the order id; StoreError otherwise."""
    text = raw.strip()
    if not text.isdigit() or len(text) > 8 or int(text) == 0:
        raise StoreError("STORE_BAD_NUMBER", raw=raw)
    return int(text)


def _text(value: str | None, limit: int, field: str, number: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise StoreError("STORE_TEXT_TOO_LONG", number=number, field=field, limit=limit)
    return text or None


def _check_order(uow: UnitOfWork, order_id: int) -> ExpectedEquipment:
    """The order if its equipment may be received now; StoreError naming it otherwise."""
    number = f"{order_id:08d}"
    found = data.order_facts(uow, order_id)
    if found is None:
        raise StoreError("STORE_UNKNOWN_ORDER", number=number)
    order, facts = found
    if order.kind == OrderKind.CONTROLE_INDEX.value:
        raise StoreError("STORE_INDEX_CHECK_ORDER", number=number, police=order.police)
    if facts.status is OrderStatus.ANNULE:
        raise StoreError(
            "STORE_ORDER_CANCELLED",
            number=number,
            on=order.cancelled_on,
            reason=order.cancel_reason,
        )
    done = data.return_of(uow, order_id)
    if done is not None:
        raise StoreError(
            "STORE_ALREADY_RETURNED", number=number, on=done.returned_on, sheet=done.sheet_number
        )
    if facts.status is OrderStatus.NON_EXECUTE:
        raise StoreError("STORE_ORDER_NOT_EXECUTED", number=number)
    if facts.status not in RETURNABLE:
        raise StoreError("STORE_ORDER_NOT_DISPATCHED", number=number, status=facts.status.value)
    return facts


def open_order(uow: UnitOfWork, raw_number: str) -> ExpectedEquipment:
    """The order of a scanned or typed number, with the serials expected back, if its
    return may be recorded; else the StoreError :func:`record_return` would raise."""
    order_id = parse_order_number(raw_number)
    with uow:
        return _check_order(uow, order_id)


def keeper_id(uow: UnitOfWork, matricule: str | None, number: str) -> int | None:
    """The staff id of an active store keeper (None when no matricule is given)."""
    key = (matricule or "").strip()
    if not key:
        return None
    staff = uow.session.scalars(
        select(StaffMember).where(StaffMember.matricule == key)
    ).one_or_none()
    if staff is None or not staff.active or staff.role != KEEPER_ROLE:
        raise StoreError("STORE_UNKNOWN_KEEPER", number=number, matricule=key)
    return staff.id


def _sheet(
    uow: UnitOfWork,
    actor: Actor,
    raw: str | None,
    facts: ExpectedEquipment,
    on: dt.date,
    keeper: int | None,
    numbering: SheetNumbering,
) -> tuple[StockSheet, bool]:
    """The sheet the return goes on, and whether it was opened now."""
    number = facts.number
    text = (raw or "").strip()
    session = uow.session
    if not text or text.upper() == NEW_SHEET:
        if numbering is SheetNumbering.TYPED:
            raise StoreError("STORE_SHEET_REQUIRED", number=number)
        seq = 1 + int(
            session.scalar(
                select(func.coalesce(func.max(StockSheet.seq), 0)).where(
                    StockSheet.agency_code == facts.agency_code, StockSheet.year == on.year
                )
            )
            or 0
        )
        sheet = StockSheet(
            number=auto_sheet_number(facts.agency_code, on.year, seq),
            agency_code=facts.agency_code,
            year=on.year,
            seq=seq,
            typed=False,
            issued_on=on,
            keeper_id=keeper,
            created_by=actor.login,
            created_at=audit.now(),
        )
        session.add(sheet)
        return sheet, True
    if len(text) > SHEET_MAX:
        raise StoreError("STORE_TEXT_TOO_LONG", number=number, field="sheet", limit=SHEET_MAX)
    existing = session.get(StockSheet, text)
    if existing is not None:
        if existing.agency_code != facts.agency_code:
            raise StoreError(
                "STORE_SHEET_OTHER_AGENCY",
                number=number,
                sheet=text,
                agency=existing.agency_code,
                expected=facts.agency_code,
            )
        if keeper is not None and existing.keeper_id is None:
            existing.keeper_id = keeper
        return existing, False
    if text.upper().startswith("FMS-"):
        # the software's own series: a number it did not give is a typing error
        raise StoreError("STORE_UNKNOWN_SHEET", number=number, sheet=text)
    sheet = StockSheet(
        number=text,
        agency_code=facts.agency_code,
        year=on.year,
        seq=None,
        typed=True,
        issued_on=on,
        keeper_id=keeper,
        created_by=actor.login,
        created_at=audit.now(),
    )
    session.add(sheet)
    return sheet, True


def record_return(
    uow: UnitOfWork,
    actor: Actor,
    raw_number: str,
    on: dt.date,
    *,
    sheet: str | None = None,
    meter: str | None = None,
    breaker: str | None = None,
    keeper: str | None = None,
    note: str | None = None,
    today_: dt.date | None = None,
) -> ReturnRow:
    """Record that the equipment of an order came back to the store on ``on`` (R10).

    ``meter`` / ``breaker``: the serials received (empty: the contract's, as expected);
    one differing from the contract's needs ``note`` (the explanation shown on the
    control report). ``keeper``: the store keeper's matricule (default: the sheet's)."""
    order_id = parse_order_number(raw_number)
    number = f"{order_id:08d}"
    meter_text = _text(meter, SERIAL_MAX, "meter", number)
    breaker_text = _text(breaker, SERIAL_MAX, "breaker", number)
    note_text = _text(note, NOTE_MAX, "note", number)
    now = today_ or today()  # today_: the demo records a past return
    if on > now:
        raise StoreError("STORE_DATE_FUTURE", number=number, on=on, today=now)
    with uow.write():
        require(uow, actor, Action.STORE_RETURN)
        serialise_writers(uow)
        facts = _check_order(uow, order_id)
        if facts.visit_on is not None and on < facts.visit_on:
            raise StoreError("STORE_DATE_BEFORE_VISIT", number=number, on=on, visit=facts.visit_on)
        received_meter = meter_text or facts.meter_serial
        if received_meter is None:
            raise StoreError("STORE_METER_REQUIRED", number=number)
        received_breaker = breaker_text or facts.breaker
        differs = [
            field
            for field, got, expected in (
                ("meter", received_meter, facts.meter_serial),
                ("breaker", breaker_text, facts.breaker),
            )
            if got is not None and not same_serial(got, expected)
        ]
        if differs and note_text is None:
            raise StoreError(
                "STORE_MISMATCH_NOTE_REQUIRED",
                number=number,
                fields=differs,
                meter=received_meter,
                expected_meter=facts.meter_serial,
                breaker=breaker_text,
                expected_breaker=facts.breaker,
            )
        keeper_staff = keeper_id(uow, keeper, number)
        numbering = data.settings(uow).numbering
        stock_sheet, new_sheet = _sheet(uow, actor, sheet, facts, on, keeper_staff, numbering)
        uow.session.add(
            StoreReturn(
                order_id=order_id,
                sheet_number=stock_sheet.number,
                returned_on=on,
                meter_serial=received_meter,
                breaker_serial=received_breaker,
                mismatch_note=note_text if differs else None,
                keeper_id=keeper_staff if keeper_staff is not None else stock_sheet.keeper_id,
                recorded_by=actor.login,
                recorded_at=audit.now(),
            )
        )
        try:
            uow.session.flush()
        except IntegrityError as exc:  # another workstation recorded it meanwhile (R13)
            uow.session.rollback()
            raise StoreError("STORE_RECORDED_ELSEWHERE", number=number) from exc
        row = data.return_of(uow, order_id, new_sheet)
        assert row is not None
        audit.record(
            uow,
            actor,
            AuditAction.STORE_RETURN,
            entity="work_order",
            entity_key=str(order_id),
            before={"store_return_on": None},
            after={
                "store_return_on": on.isoformat(),
                "stock_sheet": row.sheet_number,
                "meter_serial": row.meter_serial,
                "breaker_serial": row.breaker_serial,
                "mismatch_note": row.mismatch_note,
                "keeper": row.keeper_matricule,
            },
            details={
                "police": row.police,
                "number": number,
                "new_sheet": new_sheet,
                **({"expected_meter": facts.meter_serial} if "meter" in differs else {}),
                **({"expected_breaker": facts.breaker} if "breaker" in differs else {}),
            },
        )
        uow.commit()
    return row


def set_store_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    numbering: SheetNumbering | None = None,
    return_delay_days: int | None = None,
) -> StoreSettings:
    """Change the store settings given (ADMINISTER, audited); a negative delay is refused."""
    if return_delay_days is not None and return_delay_days < 0:
        raise StoreError("STORE_DELAY_NEGATIVE", value=return_delay_days)
    wanted = {
        NUMBERING_KEY: numbering.value if numbering is not None else None,
        RETURN_DELAY_KEY: str(return_delay_days) if return_delay_days is not None else None,
    }
    with uow.write():
        require(uow, actor, Action.ADMINISTER)
        before = data.settings(uow)
        at = audit.now()
        for key, value in wanted.items():
            if value is None:
                continue
            row = uow.session.get(AgencySetting, key)
            if row is None:
                row = AgencySetting(key=key, value="", updated_by="", updated_at=at)
                uow.session.add(row)
            row.value, row.updated_by, row.updated_at = value, actor.login, at
        uow.session.flush()
        after = data.settings(uow)
        audit.record(
            uow,
            actor,
            AuditAction.SETTING_UPDATE,
            entity="agency_setting",
            entity_key="store",
            before={
                "sheet_numbering": before.numbering.value,
                "return_delay_days": before.return_delay_days,
            },
            after={
                "sheet_numbering": after.numbering.value,
                "return_delay_days": after.return_delay_days,
            },
        )
        uow.commit()
    return after
