"""Step 5, retour magasin (#15), on SQLite and PostgreSQL: R10 (the mention and the
date of each order), R13 (one return per order), serial mismatches, refusals, the
stock sheets' numbering (per agency and year, or typed), « matériel non retourné »."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from sbee_desk.db.models import AgencySetting, AuditEvent, StockSheet, StoreReturn
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.store import (
    SheetNumbering,
    StoreError,
    list_returns,
    open_order,
    record_return,
    return_dates,
    set_store_settings,
    sheet_pdf,
    store_settings,
    unreturned,
)
from sbee_desk.wording.audit_text import action_label
from sbee_desk.wording.store import store_mention
from tests.integration.store_world import STORE, TODAY, VISIT, StoreWorld, store_clock

__all__ = ["store_clock"]

D = dt.date


@pytest.fixture
def world(db, store_clock) -> StoreWorld:
    return StoreWorld(db)


def refused(db, code: str, *args, **kwargs) -> StoreError:
    with pytest.raises(StoreError) as caught:
        record_return(db.uow(), STORE, *args, **kwargs)
    assert caught.value.code == code, str(caught.value)
    return caught.value


def count_returns(db) -> int:
    with db.uow() as uow:
        return len(uow.session.scalars(select(StoreReturn.id)).all())


def test_R10_return_recorded_with_the_mention_and_the_date(db, world):
    order = world.removal("EXECUTE")
    world.commit()
    row = record_return(db.uow(), STORE, f"{order:08d}", VISIT, keeper="MAG-01")
    assert row.sheet_number == "FMS-AG1-2026-00001" and row.new_sheet
    assert row.meter_serial == "MP0001" and row.breaker_serial == "DJ-1"
    assert row.keeper_matricule == "MAG-01" and row.mismatch_note is None
    with db.uow() as uow:
        assert return_dates(uow, [order, 999]) == {order: VISIT}
    assert store_mention(VISIT) == "compteur et disjoncteur retournés au magasin le 07/12/2026"
    assert store_mention(VISIT, with_breaker=False) == "compteur retourné au magasin le 07/12/2026"
    assert store_mention(None) is None
    with db.uow() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.STORE_RETURN.value)
        ).one()
        assert event.entity == "work_order" and event.after["stock_sheet"] == row.sheet_number
        assert action_label(event.action) == "Matériel retourné au magasin"


def test_R13_one_return_per_order(db, world):
    order = world.removal()
    world.commit()
    record_return(db.uow(), STORE, str(order), VISIT)
    error = refused(db, "STORE_ALREADY_RETURNED", str(order), TODAY)
    assert "déjà enregistré le 07/12/2026 sur la fiche FMS-AG1-2026-00001" in str(error)
    assert count_returns(db) == 1


def test_R13_the_database_refuses_a_second_return(db, world):
    order = world.removal()
    world.commit()
    record_return(db.uow(), STORE, str(order), VISIT)
    from sqlalchemy.exc import IntegrityError

    with db.uow() as uow, pytest.raises(IntegrityError):
        uow.session.add(
            StoreReturn(
                order_id=order,
                sheet_number="FMS-AG1-2026-00001",
                returned_on=VISIT,
                recorded_by="x",
                recorded_at=audit.now(),
            )
        )
        uow.session.flush()


def test_serial_mismatch_needs_an_explanation(db, world):
    order = world.removal()
    world.commit()
    error = refused(db, "STORE_MISMATCH_NOTE_REQUIRED", str(order), VISIT, meter="X-999")
    assert "n° de compteur reçu « X-999 » différent de celui du contrat « MP0001 »" in str(error)
    assert count_returns(db) == 0
    row = record_return(
        db.uow(), STORE, str(order), VISIT, meter="X-999", note="plaque du compteur changée"
    )
    assert row.meter_differs and row.mismatch_note == "plaque du compteur changée"
    assert not row.breaker_differs


def test_same_serial_typed_otherwise_is_no_mismatch(db, world):
    order = world.removal()
    world.commit()
    row = record_return(db.uow(), STORE, str(order), VISIT, meter=" mp0001 ", breaker="dj-1")
    assert not row.meter_differs and row.mismatch_note is None


def test_breaker_mismatch_needs_an_explanation(db, world):
    order = world.removal()
    world.commit()
    error = refused(db, "STORE_MISMATCH_NOTE_REQUIRED", str(order), VISIT, breaker="DJ-7")
    assert "n° de disjoncteur reçu « DJ-7 »" in str(error)


def test_MT_index_check_order_refused(db, world):
    order = world.removal(kind="CONTROLE_INDEX")
    world.commit()
    error = refused(db, "STORE_INDEX_CHECK_ORDER", str(order), VISIT)
    assert "contrôle d'index (MT)" in str(error)
    with pytest.raises(StoreError):
        open_order(db.uow(), str(order))


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("A_EDITER", "STORE_ORDER_NOT_DISPATCHED"),
        ("A_REPARTIR", "STORE_ORDER_NOT_DISPATCHED"),
        ("NON_EXECUTE", "STORE_ORDER_NOT_EXECUTED"),
        ("ANNULE", "STORE_ORDER_CANCELLED"),
    ],
)
def test_orders_with_nothing_removed_refused(db, world, status, code):
    order = world.removal(status)
    world.commit()
    error = refused(db, code, str(order), VISIT)
    assert f"{order:08d}" in str(error)
    assert count_returns(db) == 0


@pytest.mark.parametrize("status", ["REPARTI", "EXECUTE", "CONTRESIGNE"])
def test_orders_in_the_field_or_done_accepted(db, world, status):
    order = world.removal(status)
    world.commit()
    opened = open_order(db.uow(), f"{order:08d}")
    assert opened.meter_serial == "MP0001" and opened.breaker == "DJ-1"
    assert opened.agent_matricule == "A012"
    record_return(db.uow(), STORE, str(order), VISIT)


def test_bad_input_refused_nothing_written(db, world):
    order = world.removal()
    world.commit()
    refused(db, "STORE_UNKNOWN_ORDER", "00009999", VISIT)
    refused(db, "STORE_BAD_NUMBER", "12A", VISIT)
    refused(db, "STORE_DATE_FUTURE", str(order), TODAY + dt.timedelta(days=1))
    refused(db, "STORE_DATE_BEFORE_VISIT", str(order), VISIT - dt.timedelta(days=1))
    error = refused(db, "STORE_UNKNOWN_KEEPER", str(order), VISIT, keeper="A012")
    assert "magasinier « A012 » inconnu" in str(error)
    refused(db, "STORE_UNKNOWN_SHEET", str(order), VISIT, sheet="FMS-AG1-2026-00042")
    assert count_returns(db) == 0
    with db.uow() as uow:
        assert uow.session.scalars(select(StockSheet.number)).all() == []


def test_only_the_store_roles_record(db, world):
    order = world.removal()
    world.commit()
    with pytest.raises(PermissionDenied):
        record_return(db.uow(), Actor("agent"), str(order), VISIT)
    record_return(db.uow(), Actor("rpnt"), str(order), VISIT)


def test_sheet_numbering_auto_per_agency_and_year(db, world):
    a, b, c = world.removal(), world.removal(), world.removal()
    other = world.removal()
    world.w.contract("Q1", agency="AG2")
    from sbee_desk.db.models import Contract, WorkOrder

    # an order of another agency
    s = world.w.s
    s.get_one(Contract, "Q1").meter_serial = "MQ1"
    o = s.get_one(WorkOrder, other)
    o.police = "Q1"
    s.flush()
    world.commit()
    first = record_return(db.uow(), STORE, str(a), VISIT)
    same = record_return(db.uow(), STORE, str(b), VISIT, sheet=first.sheet_number)
    new = record_return(db.uow(), STORE, str(c), VISIT, sheet="AUTO")
    elsewhere = record_return(db.uow(), STORE, str(other), VISIT)
    assert (first.sheet_number, same.sheet_number, new.sheet_number) == (
        "FMS-AG1-2026-00001",
        "FMS-AG1-2026-00001",
        "FMS-AG1-2026-00002",
    )
    assert not same.new_sheet and new.new_sheet
    assert elsewhere.sheet_number == "FMS-AG2-2026-00001"
    assert [r.number for r in list_returns(db.uow(), sheet=first.sheet_number)] == [
        f"{a:08d}",
        f"{b:08d}",
    ]


def test_sheet_numbering_restarts_each_year(db, monkeypatch, world):
    a, b = world.removal(visit_on=D(2026, 12, 30)), world.removal(visit_on=D(2026, 12, 30))
    world.commit()
    monkeypatch.setattr("sbee_desk.services.store.record.today", lambda: D(2027, 1, 4))
    assert record_return(db.uow(), STORE, str(a), D(2026, 12, 31)).sheet_number.endswith(
        "2026-00001"
    )
    assert record_return(db.uow(), STORE, str(b), D(2027, 1, 4)).sheet_number == (
        "FMS-AG1-2027-00001"
    )


def test_typed_sheet_from_the_store_book(db, world):
    a, b = world.removal(), world.removal()
    world.commit()
    set_store_settings(db.uow(), Actor("admin"), numbering=SheetNumbering.TYPED)
    assert store_settings(db.uow()).numbering is SheetNumbering.TYPED
    refused(db, "STORE_SHEET_REQUIRED", str(a), VISIT)
    first = record_return(db.uow(), STORE, str(a), VISIT, sheet="MAG 2026/117", keeper="MAG-01")
    second = record_return(db.uow(), STORE, str(b), VISIT, sheet="MAG 2026/117")
    assert first.new_sheet and not second.new_sheet
    assert second.keeper_matricule == "MAG-01"  # the sheet's keeper
    with db.uow() as uow:
        sheet = uow.session.get_one(StockSheet, "MAG 2026/117")
        assert sheet.typed and sheet.seq is None


def test_not_returned_listed_after_the_delay(db, monkeypatch, world):
    executed = world.removal("EXECUTE", visit_on=D(2026, 12, 6))
    recent = world.removal("EXECUTE", visit_on=D(2026, 12, 7))
    by_cri = world.removal("REPARTI", visit_on=D(2026, 12, 5))
    world.cri(by_cri, D(2026, 12, 5))
    failed = world.removal("REPARTI", visit_on=D(2026, 12, 1))
    world.cri(failed, D(2026, 12, 1), removed=False)
    mt = world.removal("EXECUTE", visit_on=D(2026, 12, 1), kind="CONTROLE_INDEX")
    back = world.removal("CONTRESIGNE", visit_on=D(2026, 12, 1))
    world.commit()
    record_return(db.uow(), STORE, str(back), D(2026, 12, 2))
    # today 09/12, delay 2 days: removed on the 6th (3 days) is late, the 7th is not yet
    late = unreturned(db.uow())
    assert [u.order_id for u in late] == [by_cri, executed]
    assert late[0].removed_on == D(2026, 12, 5) and late[0].days == 4
    assert late[1].agent_matricule == "A012"
    assert recent not in {u.order_id for u in unreturned(db.uow())}
    assert recent in {u.order_id for u in unreturned(db.uow(), D(2026, 12, 10))}
    set_store_settings(db.uow(), Actor("admin"), return_delay_days=5)
    assert unreturned(db.uow()) == []
    assert failed and mt  # neither a failed visit nor an MT order is ever listed


def test_settings_default_and_refusals(db, world):
    world.commit()
    assert store_settings(db.uow()).numbering is SheetNumbering.AUTO
    assert store_settings(db.uow()).return_delay_days == 2
    with pytest.raises(StoreError) as caught:
        set_store_settings(db.uow(), Actor("admin"), return_delay_days=-1)
    assert caught.value.code == "STORE_DELAY_NEGATIVE"
    with pytest.raises(PermissionDenied):
        set_store_settings(db.uow(), STORE, return_delay_days=3)
    with db.uow() as uow:
        assert uow.session.scalars(select(AgencySetting.key)).all() == []


def test_stock_sheet_pdf(db, world):
    a, b = world.removal(), world.removal()
    world.commit()
    first = record_return(db.uow(), STORE, str(a), VISIT, keeper="MAG-01")
    record_return(
        db.uow(), STORE, str(b), VISIT, sheet=first.sheet_number, meter="Z9", note="plaque changée"
    )
    sheet = sheet_pdf(db.uow(), STORE, first.sheet_number)
    assert sheet.file_name == "fiche-mouvement-stock-FMS-AG1-2026-00001.pdf"
    assert sheet.pdf.startswith(b"%PDF") and sheet.returns == 2
    assert sheet_pdf(db.uow(), STORE, first.sheet_number).pdf == sheet.pdf  # deterministic
    with pytest.raises(StoreError) as caught:
        sheet_pdf(db.uow(), STORE, "NOPE")
    assert caught.value.code == "STORE_SHEET_NOT_FOUND"


def test_the_journal_words_the_store_events_in_french(db, world):
    from sbee_desk.services import audit_log as al
    from sbee_desk.wording.audit_text import describe_change, describe_details, describe_object

    a = world.removal()
    world.commit()
    row = record_return(db.uow(), STORE, str(a), VISIT, meter="Z9", note="plaque changée")
    sheet_pdf(db.uow(), STORE, row.sheet_number)
    set_store_settings(db.uow(), Actor("admin"), return_delay_days=3)
    events = al.audit_events(db.uow(), Actor("admin"), newest_first=False).entries
    texts = {
        e.action: (describe_object(e), describe_change(e), describe_details(e)) for e in events
    }
    obj, change, details = texts[AuditAction.STORE_RETURN.value]
    assert obj == f"Ordre n° {a:08d}, police P0001"
    assert "retourné au magasin le : — → 07/12/2026" in change
    assert "fiche de mouvement de stock : FMS-AG1-2026-00001" in change
    assert "explication de l'écart : plaque changée" in change
    assert "compteur attendu : MP0001" in details and "nouvelle fiche : oui" in details
    obj, change, _ = texts[AuditAction.STORE_SHEET_PRINT.value]
    assert obj == "Fiche de mouvement de stock n° FMS-AG1-2026-00001"
    obj, change, _ = texts[AuditAction.SETTING_UPDATE.value]
    assert obj == "Paramètres du retour magasin"
    assert "délai avant « matériel non retourné » (jours) : 2 → 3" in change
    for words in texts.values():
        assert "_" not in " ".join(words), words  # no raw field name
