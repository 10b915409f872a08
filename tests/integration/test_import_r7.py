"""R7 after every import (business-rules.md): the restorations and payments an import
brings end the procedure of their contracts in the import's own transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, text

from sbee_desk.db.models import (
    AuditEvent,
    Candidate,
    EditionDocument,
    Invoice,
    ReminderLetter,
    WorkOrder,
)
from sbee_desk.services.edition import check_r7, run_edition
from sbee_desk.services.importing import ImportFailed, import_export
from sbee_desk.services.r7 import CancelCode, DocumentKind, summary
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import run_selection
from tests.integration.edition_world import CHEF, RUN, TODAY, D, debtor, validate_all, world
from tests.integration.test_import import HEADERS, write_csv


def _validated(db) -> dict[str, list[str]]:
    """PKEEP and PREST (BT: an order each), PPAID (MT: a letter), validated."""
    w = world(db)
    invoices = {police: debtor(w, police) for police in ("PKEEP", "PREST")}
    invoices["PPAID"] = debtor(w, "PPAID", voltage="MT")
    w.commit()
    validate_all(db)
    return invoices


def _day_after(folder: Path, paid_invoice: str, *, bad_payment: bool = False) -> Path:
    """The next export: PREST restored on 21/11, PPAID's first invoice paid."""
    write_csv(
        folder,
        "interruptions",
        HEADERS["interruptions"],
        [["PREST", "01/10/2026", "BT-2026-09", "21/11/2026"]],
    )
    write_csv(
        folder,
        "reglements",
        HEADERS["reglements"],
        [[paid_invoice, "21/11/2026", "-5" if bad_payment else "10 000", "RCU-77"]],
    )
    return folder


def _work(db) -> dict[str, tuple[object, str | None]]:
    with db.uow() as uow:
        rows = [
            *uow.session.scalars(select(ReminderLetter)),
            *uow.session.scalars(select(WorkOrder)),
        ]
        return {r.police: (r.cancelled_on, r.cancel_reason) for r in rows}


def test_R7_after_import_cancels_the_work_of_restored_or_paid_contracts(db, tmp_path) -> None:
    invoices = _validated(db)
    result = import_export(
        db.uow(), CHEF, _day_after(tmp_path / "j2", invoices["PPAID"][0]), today_=TODAY
    )
    assert {(c.police, c.kind, c.code) for c in result.r7_cancelled} == {
        ("PREST", DocumentKind.ORDER, CancelCode.RESTORED),
        ("PPAID", DocumentKind.LETTER, CancelCode.PAID),
    }
    assert summary(result.r7_cancelled) == (
        "R7 : 1 lettre de relance et 1 ordre annulés (paiement ou rétablissement), "
        "motif au journal d'audit."
    )
    work = _work(db)
    assert work["PKEEP"] == (None, None)
    assert work["PREST"] == (TODAY, "Rétablissement du 21/11/2026 (R7)")
    assert work["PPAID"] == (
        TODAY,
        "Factures réglées : 1 impayé échu au 22/11/2026, seuil 2 (R7)",
    )
    with db.uow() as uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.r7_cancel")
        ).all()
        assert sorted(e.details["police"] for e in events) == ["PPAID", "PREST"]
        assert all(e.actor == "chef" and e.before == {"cancelled_on": None} for e in events)
    # the night edition then produces the one order still due, nothing for the others
    edition = run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
    assert (edition.letters, edition.orders, edition.cancelled) == (0, 1, [])
    with db.uow() as uow:
        assert uow.session.scalars(select(EditionDocument.police)).all() == ["PKEEP"]


def test_R7_after_import_marks_documents_already_produced(db, tmp_path) -> None:
    invoices = _validated(db)
    run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
    result = import_export(
        db.uow(), CHEF, _day_after(tmp_path / "j2", invoices["PPAID"][0]), today_=TODAY
    )
    assert all(c.document_id is not None for c in result.r7_cancelled)
    with db.uow() as uow:
        crossed = dict(
            uow.session.execute(select(EditionDocument.police, EditionDocument.cancelled)).all()
        )
    assert crossed == {"PKEEP": False, "PREST": True, "PPAID": True}


def test_R7_after_import_nothing_cancelled_when_the_import_is_refused(db, tmp_path) -> None:
    invoices = _validated(db)
    folder = _day_after(tmp_path / "j2", invoices["PPAID"][0], bad_payment=True)
    try:
        import_export(db.uow(), CHEF, folder, today_=TODAY)
    except ImportFailed as failed:
        assert [p.table for p in failed.problems] == ["reglements"]
    else:
        raise AssertionError("a negative payment must refuse the import")
    assert {cancelled for cancelled, _ in _work(db).values()} == {None}
    with db.uow() as uow:
        assert not uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.r7_cancel")
        ).all()


def test_R7_after_import_an_import_that_ends_nothing_cancels_nothing(db, tmp_path) -> None:
    _validated(db)
    write_csv(
        tmp_path / "j2",
        "interruptions",
        HEADERS["interruptions"],
        [["PKEEP", "01/10/2026", "BT-2026-09", ""]],
    )
    result = import_export(db.uow(), CHEF, tmp_path / "j2", today_=TODAY)
    assert result.r7_cancelled == [] and summary(result.r7_cancelled) == ""
    assert {cancelled for cancelled, _ in _work(db).values()} == {None}


def test_R7_cancellation_dates_the_day_of_the_import(db, tmp_path) -> None:
    invoices = _validated(db)
    later = D(2026, 11, 25)
    import_export(db.uow(), CHEF, _day_after(tmp_path / "j2", invoices["PPAID"][0]), today_=later)
    assert _work(db)["PREST"][0] == later


# ---------------------------------------------------------------- R7: terminated in the export


def _terminated(folder: Path, police: str, on: str = "21/11/2026") -> Path:
    """The next export: ``police`` terminated in gestion clientèle (date_resiliation)."""
    write_csv(
        folder,
        "contrats",
        HEADERS["contrats"],
        [
            [
                police,
                f"C{police}",
                "BT",
                f"PDL-{police}",
                f"CPT-{police}",
                "DJ 15/45 A",
                "AG1",
                "Z1",
                "",
                on,
            ]
        ],
    )
    return folder


def _cancellations(db) -> dict[str, tuple[object, str | None]]:
    return {police: state for police, state in _work(db).items() if state[0] is not None}


def _terminate_in_database(db, police: str) -> None:
    """As if an export had set ``date_resiliation`` (a check other than the import's)."""
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE contract SET terminated_on = :on WHERE police = :p"),
            {"on": D(2026, 11, 21), "p": police},
        )


TERMINATED_REASON = "Contrat résilié le 21/11/2026 dans la gestion clientèle (R7)"


def test_R7_after_import_cancels_the_work_of_a_contract_terminated_in_the_export(
    db, tmp_path
) -> None:
    _validated(db)
    result = import_export(db.uow(), CHEF, _terminated(tmp_path / "j2", "PKEEP"), today_=TODAY)
    assert [(c.police, c.kind, c.code) for c in result.r7_cancelled] == [
        ("PKEEP", DocumentKind.ORDER, CancelCode.TERMINATED_IN_EXPORT)
    ]
    assert CancelCode.TERMINATED_IN_EXPORT not in (CancelCode.RESTORED, CancelCode.PAID)
    assert _cancellations(db) == {"PKEEP": (TODAY, TERMINATED_REASON)}
    assert "résiliation dans la gestion clientèle" in summary(result.r7_cancelled)
    with db.uow() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.r7_cancel")
        ).one()
        assert event.details["code"] == "TERMINATED_IN_EXPORT"


def test_R7_at_validation_cancels_the_work_of_a_contract_terminated_in_the_export(db) -> None:
    w = world(db)
    debtor(w, "PMT", voltage="MT")  # a letter, its bordereau validated first
    debtor(w, "PNEW")  # an order, its bordereau validated later
    w.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    validate_bordereau(db.uow(), CHEF, run, "MT-2026-09", today_=TODAY)
    _terminate_in_database(db, "PMT")
    validate_bordereau(db.uow(), CHEF, run, "BT-2026-09", today_=TODAY)
    assert _cancellations(db) == {"PMT": (TODAY, TERMINATED_REASON)}
    with db.uow() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "review.r7_cancel")
        ).one()
        assert event.details == {
            "police": "PMT",
            "code": "TERMINATED_IN_EXPORT",
            "document_id": None,
        }


def test_R7_before_edition_and_printing_cancels_the_work_of_a_terminated_contract(db) -> None:
    w = world(db)
    debtor(w, "PKEEP")
    debtor(w, "PEND")
    debtor(w, "PLATE")
    w.commit()
    validate_all(db)
    _terminate_in_database(db, "PEND")
    edition = run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
    assert [(c.police, c.code) for c in edition.cancelled] == [
        ("PEND", CancelCode.TERMINATED_IN_EXPORT)
    ]
    assert edition.orders == 2
    # after the edition, before printing: the document produced is struck out
    _terminate_in_database(db, "PLATE")
    [cancel] = check_r7(db.uow(), CHEF, today_=TODAY)
    assert (cancel.police, cancel.code, cancel.reason) == (
        "PLATE",
        CancelCode.TERMINATED_IN_EXPORT,
        TERMINATED_REASON,
    )
    assert cancel.document_id is not None
    assert set(_cancellations(db)) == {"PEND", "PLATE"}


def test_R7_a_delivered_letter_is_cancelled_when_payment_ends_the_procedure(db, tmp_path) -> None:
    invoices = _validated(db)  # PPAID: an MT letter
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE reminder_letter SET delivered_on = :on"), {"on": D(2026, 11, 21)})
    result = import_export(
        db.uow(), CHEF, _day_after(tmp_path / "j2", invoices["PPAID"][0]), today_=TODAY
    )
    assert {(c.police, c.kind, c.code) for c in result.r7_cancelled} == {
        ("PREST", DocumentKind.ORDER, CancelCode.RESTORED),
        ("PPAID", DocumentKind.LETTER, CancelCode.PAID),
    }
    assert _work(db)["PPAID"] == (
        TODAY,
        "Factures réglées : 1 impayé échu au 22/11/2026, seuil 2 (R7)",
    )
    # the procedure ended for that suspension: unpaid again later, it is no candidate
    # (only a new suspension starts a new procedure), let alone an order at once
    with db.uow() as uow:
        for number, issued in (("FNEW1", D(2026, 10, 1)), ("FNEW2", D(2026, 10, 20))):
            uow.session.add(
                Invoice(
                    number=number,
                    police="PPAID",
                    bordereau_code="MT-2026-09",
                    issued_on=issued,
                    due_on=issued + dt.timedelta(days=15),
                    amount=10_000,
                )
            )
        uow.commit()
    later = D(2026, 12, 20)
    run = run_selection(db.uow(), CHEF, later, today_=later).run_id
    with db.uow() as uow:
        polices = uow.session.scalars(select(Candidate.police).where(Candidate.run_id == run))
        assert "PPAID" not in set(polices)


def test_R7_a_letter_delivered_stays_when_nothing_ends_the_procedure(db) -> None:
    _validated(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE reminder_letter SET delivered_on = :on"), {"on": D(2026, 11, 21)})
    assert check_r7(db.uow(), CHEF, today_=TODAY) == []
    assert _cancellations(db) == {}
