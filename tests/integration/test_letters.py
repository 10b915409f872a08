"""Step 3 — recording the letters' delivery (R5), on SQLite and PostgreSQL (#13)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import AuditEvent, RecoveryPlan, ReminderLetter, SelectionRun
from sbee_desk.domain.enums import Decision
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.letters import (
    LetterError,
    LetterFilter,
    LetterStatus,
    correct_delivery,
    deliver,
    letter_counts,
    list_letters,
    order_retry,
    record_impossible,
)
from sbee_desk.services.selection import candidate_lines, run_selection
from tests.integration.letters_world import AGENT, CHEF, EDITED, TODAY, D, letter, world


def _events(db, action: str) -> list[AuditEvent]:
    with db.uow() as uow:
        rows = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        uow.session.expunge_all()
        return rows


def _delivered(db) -> int:
    with db.uow() as uow:
        return uow.session.scalar(
            select(func.count()).where(ReminderLetter.delivered_on.is_not(None))
        )


def _one(db, number: str):
    (row,) = [r for r in list_letters(db.uow(), today_=TODAY) if r.number == number]
    return row


def test_r5_statuses_of_the_letters(db) -> None:
    w = world(db)
    a = letter(w, "P1")
    b = letter(w, "P2", edited_on=None)
    c = letter(w, "P3", cancelled_on=D(2026, 11, 24))
    d = letter(w, "P4")
    w.commit()
    deliver(db.uow(), CHEF, [d], D(2026, 11, 24), today_=TODAY)
    status = {r.number: r.status for r in list_letters(db.uow(), today_=TODAY)}
    assert status == {
        a: LetterStatus.A_REMETTRE,
        b: LetterStatus.A_EDITER,
        c: LetterStatus.ANNULEE,
        d: LetterStatus.REMISE,
    }
    counts = letter_counts(db.uow(), today_=TODAY)
    assert counts.waiting == 1 and counts.by_status[LetterStatus.REMISE] == 1


def test_r5_delivery_records_date_recipient_releveur_and_audits(db) -> None:
    w = world(db)
    n = letter(w, "P1", handed_to="R001")
    w.commit()
    (row,) = deliver(db.uow(), AGENT, [n], D(2026, 11, 24), to="gardien", today_=TODAY)
    assert row.status is LetterStatus.REMISE
    assert row.delivered_on == D(2026, 11, 24) and row.delivered_to == "gardien"
    assert row.releveur_matricule == "R001"  # default: the one the letter was handed to
    assert row.deadline == D(2026, 12, 1)  # R5: 7 days after delivery
    (event,) = _events(db, "letter.deliver")
    assert event.actor == "agent" and event.entity_key == n
    assert event.after is not None and event.after["delivered_on"] == "2026-11-24"


def test_r5_delivery_by_another_releveur(db) -> None:
    w = world(db)
    n = letter(w, "P1", handed_to="R001")
    w.commit()
    (row,) = deliver(db.uow(), CHEF, [n], TODAY, by="R002", today_=TODAY)
    assert row.releveur_matricule == "R002"


def test_r5_deadline_comes_from_the_plan_snapshot_of_the_letters_run(db) -> None:
    w = world(db)
    n = letter(w, "P1")
    run_id = w.s.get_one(ReminderLetter, int(n)).run_id
    w.s.get_one(SelectionRun, run_id).plan_snapshot = {
        "ORDINAIRE": {"reminder_delay_days": 10, "undelivered_alert_days": 15}
    }
    w.commit()
    (row,) = deliver(db.uow(), CHEF, [n], D(2026, 11, 24), today_=TODAY)
    assert row.deadline == D(2026, 12, 4)


def test_r5_the_page_and_the_selection_count_the_delay_of_the_letters_own_run(db) -> None:
    """R5: the plan changed since the letter's run (7 days then, 3 now): the letter said
    7 days, the page's deadline and the next selection both count 7 (the run's
    snapshot), never today's plan."""
    w = world(db)
    n = letter(w, "P1")
    run_id = w.s.get_one(ReminderLetter, int(n)).run_id
    w.s.get_one(SelectionRun, run_id).plan_snapshot = {
        "ORDINAIRE": {"reminder_delay_days": 7, "undelivered_alert_days": 15}
    }
    w.s.get_one(RecoveryPlan, "ORDINAIRE").reminder_delay_days = 3
    w.commit()
    (row,) = deliver(db.uow(), CHEF, [n], D(2026, 11, 24), today_=TODAY)
    assert row.deadline == D(2026, 12, 1)

    def decision(on):
        run = run_selection(db.uow(), CHEF, on, today_=on)
        (line,) = candidate_lines(db.uow(), run.run_id)
        return line.decision, line.reason

    waiting, motif = decision(D(2026, 11, 30))  # 6 days: the 3 of today's plan are past
    assert waiting is Decision.ATTENTE_RELANCE
    assert "délai de 7 jours non écoulé" in motif
    assert decision(row.deadline)[0] is Decision.RESILIATION


def test_r5_impossible_delivery_starts_the_delay_like_a_delivery(db) -> None:
    w = world(db)
    n = letter(w, "P1")
    w.commit()
    row = record_impossible(
        db.uow(),
        CHEF,
        n,
        D(2026, 11, 24),
        "adresse introuvable même au dossier client",
        today_=TODAY,
    )
    assert row.status is LetterStatus.IMPOSSIBLE
    assert row.delivered_on == D(2026, 11, 24) and row.deadline == D(2026, 12, 1)
    assert len(_events(db, "letter.impossible")) == 1


def test_r5_impossible_delivery_needs_a_reason(db) -> None:
    w = world(db)
    n = letter(w, "P1")
    w.commit()
    with pytest.raises(LetterError) as caught:
        record_impossible(db.uow(), CHEF, n, TODAY, "  ", today_=TODAY)
    assert caught.value.code == "LETTER_REASON_REQUIRED" and n in str(caught.value)
    assert _delivered(db) == 0


def test_r5_overdue_after_the_alert_delay_from_edition(db) -> None:
    w = world(db)
    n = letter(w, "P1", edited_on=D(2026, 11, 1))
    w.commit()
    before = list_letters(db.uow(), today_=D(2026, 11, 15))[0]
    after = list_letters(db.uow(), today_=D(2026, 11, 16))[0]
    assert not before.overdue and after.overdue  # 15 days after edition
    assert letter_counts(db.uow(), today_=D(2026, 11, 16)).overdue == 1
    only = list_letters(db.uow(), LetterFilter(overdue_only=True), today_=D(2026, 11, 15))
    assert only == []
    assert n == after.number


def test_r5_a_new_attempt_restarts_the_alert(db) -> None:
    w = world(db)
    n = letter(w, "P1", edited_on=D(2026, 11, 1))
    w.commit()
    row = order_retry(
        db.uow(), CHEF, n, note="voir le gardien", reprint=True, today_=D(2026, 11, 20)
    )
    assert row.attempts == 2 and row.attempt_note == "voir le gardien" and row.reprint_asked
    assert not row.overdue
    assert list_letters(db.uow(), today_=D(2026, 12, 5))[0].overdue
    assert len(_events(db, "letter.retry")) == 1


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown", "LETTER_UNKNOWN"),
        ("twice", "LETTER_ALREADY_DELIVERED"),
        ("same number twice", "LETTER_NUMBER_TWICE"),
        ("other agency", "LETTER_OTHER_AGENCY"),
        ("future", "LETTER_DATE_FUTURE"),
        ("before edition", "LETTER_DATE_BEFORE_EDITION"),
        ("cancelled", "LETTER_CANCELLED"),
        ("not edited", "LETTER_NOT_EDITED"),
        ("bad number", "LETTER_BAD_NUMBER"),
        ("unknown releveur", "LETTER_UNKNOWN_RELEVEUR"),
    ],
)
def test_r5_refused_deliveries_record_nothing(db, case: str, code: str) -> None:
    w = world(db)
    good = letter(w, "P1")
    done = letter(w, "P2")
    other = letter(w, "P3", agency="AG2")
    cancelled = letter(w, "P4", cancelled_on=D(2026, 11, 24))
    unedited = letter(w, "P5", edited_on=None)
    w.commit()
    deliver(db.uow(), CHEF, [done], EDITED, today_=TODAY)
    events = len(_events(db, "letter.deliver"))
    numbers, on, kw = [good], TODAY, {}
    if case == "unknown":
        numbers = [good, "99999998"]
    elif case == "twice":
        numbers = [good, done]
    elif case == "same number twice":
        numbers = [good, good.lstrip("0")]
    elif case == "other agency":
        numbers, kw = [good, other], {"agency": "AG1"}
    elif case == "future":
        on = D(2026, 11, 26)
    elif case == "before edition":
        on = D(2026, 11, 22)
    elif case == "cancelled":
        numbers = [good, cancelled]
    elif case == "not edited":
        numbers = [good, unedited]
    elif case == "bad number":
        numbers = [good, "12A"]
    elif case == "unknown releveur":
        kw = {"by": "R999"}
    with pytest.raises(LetterError) as caught:
        deliver(db.uow(), AGENT, numbers, on, today_=TODAY, **kw)
    assert caught.value.code == code
    assert str(caught.value)  # French words exist
    assert _delivered(db) == 1  # only the one delivered before
    assert len(_events(db, "letter.deliver")) == events


def test_r5_recording_needs_chef_or_agent_de_controle(db) -> None:
    w = world(db)
    n = letter(w, "P1")
    w.commit()
    with pytest.raises(PermissionDenied):
        deliver(db.uow(), Actor("rpnt"), [n], TODAY, today_=TODAY)
    assert _delivered(db) == 0
    assert list_letters(db.uow(), today_=TODAY)  # everyone reads


def test_r5_only_the_chef_corrects_a_recorded_delivery_with_a_reason(db) -> None:
    w = world(db)
    n = letter(w, "P1")
    w.commit()
    deliver(db.uow(), AGENT, [n], TODAY, today_=TODAY)
    with pytest.raises(PermissionDenied) as denied:
        correct_delivery(db.uow(), AGENT, n, "erreur de date", on=EDITED, today_=TODAY)
    assert denied.value.code == "LETTER_CORRECTION_CHEF_ONLY"
    with pytest.raises(LetterError) as caught:
        correct_delivery(db.uow(), CHEF, n, "", on=EDITED, today_=TODAY)
    assert caught.value.code == "LETTER_CORRECTION_REASON_REQUIRED"
    row = correct_delivery(db.uow(), CHEF, n, "erreur de date", on=EDITED, today_=TODAY)
    assert row.delivered_on == EDITED and row.deadline == D(2026, 11, 30)
    (event,) = _events(db, "letter.correct")
    assert event.before is not None and event.before["delivered_on"] == TODAY.isoformat()
    assert event.details is not None and event.details["reason"] == "erreur de date"
    row = correct_delivery(db.uow(), CHEF, n, "coupon scanné par erreur", undo=True, today_=TODAY)
    assert row.status is LetterStatus.A_REMETTRE and row.deadline is None


def test_r5_filters_and_search(db) -> None:
    w = world(db)
    a = letter(w, "P100", handed_to="R001")
    b = letter(w, "P200", handed_to="R002")
    w.commit()
    deliver(db.uow(), CHEF, [b], TODAY, today_=TODAY)

    def numbers(**kw) -> list[str]:
        return [r.number for r in list_letters(db.uow(), LetterFilter(**kw), today_=TODAY)]

    assert numbers(status=LetterStatus.A_REMETTRE) == [a]
    assert numbers(search="p200") == [b]
    assert numbers(search=a.lstrip("0")) == [a]
    assert numbers(search="client p1") == [a]
    r2 = next(r for r in list_letters(db.uow(), today_=TODAY) if r.number == b).releveur_id
    assert numbers(releveur_id=r2) == [b]
    assert numbers(zone="Z1") == [a, b]


def test_r5_difficulties_customer_file_and_address_export(db, tmp_path) -> None:
    import openpyxl

    from sbee_desk.db.models import Contract, Customer, Invoice, Payment
    from sbee_desk.services.letters import customer_file, export_address_difficulties

    w = world(db)
    a = letter(w, "P1")
    b = letter(w, "P2")
    letter(w, "P3")
    customer = w.s.get_one(Customer, "CP1")
    customer.address, customer.phone = "Lot 12, Carré 3", "97 00 00 01"
    w.contract("P1B", voltage="BT")
    w.s.get_one(Contract, "P1B").customer_code = "CP1"
    number = w.s.scalars(select(Invoice.number).where(Invoice.police == "P1")).first()
    w.s.add(Payment(invoice_number=number, reference="R-1", paid_on=D(2026, 11, 2), amount=500))
    w.commit()
    file = customer_file(db.uow(), a, today_=TODAY)
    assert file.phone == "97 00 00 01" and file.address == "Lot 12, Carré 3"
    assert [c.police for c in file.contracts] == ["P1", "P1B"]
    assert file.last_payment_on == D(2026, 11, 2) and file.last_payment_amount == 500

    record_impossible(db.uow(), CHEF, a, TODAY, "adresse introuvable", today_=TODAY)
    order_retry(db.uow(), CHEF, b, note="derrière l'école", today_=TODAY)
    out = tmp_path / "difficultes.xlsx"
    assert export_address_difficulties(db.uow(), out, today_=TODAY) == 2
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [(r[0], r[8], r[9]) for r in rows] == [
        ("P1", "Remise impossible le 25/11/2026", "adresse introuvable"),
        ("P2", "Nouvelle présentation le 25/11/2026", "derrière l'école"),
    ]


def test_r5_a_slip_recorded_at_the_same_time_on_another_workstation(db, monkeypatch) -> None:
    """Two workstations scan the same slip: the second is refused, nothing doubled
    (optimistic lock; on SQLite the write lock already serialises them)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: the IMMEDIATE transaction serialises the two scans")
    from sqlalchemy import text

    from sbee_desk.services.letters import record

    w = world(db)
    n = letter(w, "P1")
    w.commit()
    real = record._check_date

    def elsewhere(letter_, on, now) -> None:
        with db.engine.begin() as conn:  # the other workstation, committed meanwhile
            conn.execute(
                text(
                    "UPDATE reminder_letter SET delivered_on = :on, version = version + 1 "
                    "WHERE id = :id"
                ),
                {"on": EDITED, "id": int(n)},
            )
        real(letter_, on, now)

    monkeypatch.setattr(record, "_check_date", elsewhere)
    with pytest.raises(LetterError) as caught:
        deliver(db.uow(), CHEF, [n], TODAY, today_=TODAY)
    assert caught.value.code == "LETTER_CHANGED_ELSEWHERE"
    assert _one(db, n).delivered_on == EDITED
    assert _events(db, "letter.deliver") == []
