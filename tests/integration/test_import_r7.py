"""R7 after every import (business-rules.md): the restorations and payments an import
brings end the procedure of their contracts in the import's own transaction."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sbee_desk.db.models import AuditEvent, EditionDocument, ReminderLetter, WorkOrder
from sbee_desk.importers import ImportFailed, import_export
from sbee_desk.services.edition import run_edition
from sbee_desk.services.r7 import CancelCode, DocumentKind, summary
from tests.integration.edition_world import CHEF, TODAY, D, debtor, validate_all, world
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
        "Factures réglées : 1 impayé(s) échu(s) au 22/11/2026, seuil 2 (R7)",
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
