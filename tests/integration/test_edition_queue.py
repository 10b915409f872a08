"""The print queue services of the Édition page: print, reprint with a reason, hand over."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sbee_desk.db.models import AuditEvent, EditionDocument, StaffMember
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.edition import (
    DocumentKind,
    DocumentStatus,
    EditionError,
    Recipient,
    combined_pdf,
    document_pdf,
    handover_candidates,
    list_batches,
    list_documents,
    mark_handed_over,
    mark_printed,
    printable_documents,
    run_edition,
)
from sbee_desk.services.letters import order_retry
from tests.integration.edition_world import CHEF, TODAY, debtor, pdf_pages, validate_all, world

#: the day the chef orders a new presentation (the 15-day alert after the edition)
ASKED = TODAY + dt.timedelta(days=16)


@pytest.fixture
def queue(db):
    """A finished batch of two letters and two orders, and the staff register."""
    w = world(db)
    for police, voltage in (("PB1", "BT"), ("PB2", "BT"), ("PM1", "MT"), ("PM2", "MT")):
        debtor(w, police, voltage=voltage)
    for matricule, name, role, active in (
        ("R01", "Codjo Releveur", "RELEVEUR", True),
        ("R02", "Ancien Releveur", "RELEVEUR", False),
        ("N01", "Sèna Agbodjan", "AGENT_RPNT", True),
        ("A01", "Agent Recouvrement", "AGENT_RECOUVREMENT", True),
    ):
        w.s.add(StaffMember(matricule=matricule, name=name, role=role, active=active))
    w.commit()
    validate_all(db)
    batch = run_edition(db.uow(), CHEF, today_=TODAY).batch_id
    assert batch is not None
    staff = _staff(db)
    docs = list_documents(db.uow(), batch)
    return batch, staff, docs


def _staff(db) -> dict[str, int]:
    with db.uow() as uow:
        return {s.matricule: s.id for s in uow.session.scalars(select(StaffMember))}


def ids(docs, kind: DocumentKind) -> list[int]:
    return [d.id for d in docs if d.kind is kind]


def audit(db, action: str) -> list[tuple[str | None, dict]]:
    """(entity_key, details) of the events of ``action`` (details {} when there are none)."""
    with db.uow() as uow:
        return [
            (e.entity_key, e.details or {})
            for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        ]


def test_queue_lists_documents_and_serves_their_pdf(db, queue) -> None:
    batch, _, docs = queue
    assert [d.recipient for d in docs] == [Recipient.RELEVEUR] * 2 + [Recipient.CHEF_RPNT] * 2
    assert {d.status for d in docs} == {DocumentStatus.GENERE}
    name, content = document_pdf(db.uow(), docs[0].id)
    assert name == docs[0].file_name and content.startswith(b"%PDF") and pdf_pages(content) == 1
    name, content, stale = combined_pdf(db.uow(), batch, Recipient.RELEVEUR)
    assert name.endswith("lettres-releveur.pdf") and pdf_pages(content) == 2 and not stale
    with pytest.raises(EditionError, match="introuvable"):
        document_pdf(db.uow(), 999_999)


def test_printing_then_reprinting_needs_a_reason_and_is_audited(db, queue) -> None:
    batch, _, docs = queue
    letters = ids(docs, DocumentKind.LETTER)
    assert mark_printed(db.uow(), CHEF, letters) == 2
    rows = {d.id: d for d in list_documents(db.uow(), batch)}
    assert all(
        rows[i].status is DocumentStatus.IMPRIME and rows[i].print_count == 1 for i in letters
    )
    assert rows[letters[0]].printed_by == "chef"
    with pytest.raises(EditionError, match="motif de la réimpression"):
        mark_printed(db.uow(), CHEF, letters[:1])
    with pytest.raises(EditionError, match="motif"):
        mark_printed(db.uow(), CHEF, letters[:1], reprint_reason="   ")
    mark_printed(db.uow(), CHEF, letters[:1], reprint_reason="Bourrage papier")
    assert list_documents(db.uow(), batch)[0].print_count == 2
    [(key, details)] = audit(db, "edition.reprint")
    assert details["reason"] == "Bourrage papier" and key == str(letters[0])
    assert len(audit(db, "edition.print")) == 2
    [info] = list_batches(db.uow())
    assert info.by_status == {DocumentStatus.IMPRIME: 2, DocumentStatus.GENERE: 2}


def test_hand_over_to_the_right_person_from_the_staff_register(db, queue) -> None:
    batch, staff, docs = queue
    letters, orders = ids(docs, DocumentKind.LETTER), ids(docs, DocumentKind.ORDER)
    assert [s.name for s in handover_candidates(db.uow(), Recipient.RELEVEUR)] == ["Codjo Releveur"]
    assert [s.name for s in handover_candidates(db.uow(), Recipient.CHEF_RPNT)] == ["Sèna Agbodjan"]
    with pytest.raises(EditionError, match="pas encore imprimé"):
        mark_handed_over(db.uow(), CHEF, letters, staff["R01"])
    mark_printed(db.uow(), CHEF, letters + orders)
    with pytest.raises(EditionError, match="ne reçoit pas les documents du chef section RPNT"):
        mark_handed_over(db.uow(), CHEF, orders, staff["R01"])
    with pytest.raises(EditionError, match="inactif"):
        mark_handed_over(db.uow(), CHEF, letters, staff["R02"])
    assert mark_handed_over(db.uow(), CHEF, letters, staff["R01"]) == 2
    assert mark_handed_over(db.uow(), CHEF, orders, staff["N01"]) == 2
    rows = list_documents(db.uow(), batch)
    assert {(d.status, d.handed_to_name) for d in rows} == {
        (DocumentStatus.REMIS, "Codjo Releveur"),
        (DocumentStatus.REMIS, "Sèna Agbodjan"),
    }
    assert len(audit(db, "edition.handover")) == 4
    # a reprint (with a reason) of a handed-over document keeps it « remis »
    mark_printed(db.uow(), CHEF, letters[:1], reprint_reason="Lettre perdue par le client")
    assert list_documents(db.uow(), batch)[0].status is DocumentStatus.REMIS


def test_only_the_edition_role_prints_and_hands_over(db, queue) -> None:
    _, staff, docs = queue
    with pytest.raises(PermissionDenied):
        mark_printed(db.uow(), Actor("agent"), [docs[0].id])
    with pytest.raises(PermissionDenied):
        mark_handed_over(db.uow(), Actor("agent"), [docs[0].id], staff["R01"])
    assert audit(db, "edition.print") == []
    with pytest.raises(EditionError, match="introuvable"):
        mark_printed(db.uow(), CHEF, [docs[0].id, 424242])


def test_R7_an_order_already_handed_over_is_flagged_to_call_the_agent_back(db, queue) -> None:
    from sbee_desk.db.models import Suspension
    from sbee_desk.services.edition import check_r7
    from sbee_desk.services.r7 import HANDED_OVER, summary

    assert DocumentStatus.REMIS.value == HANDED_OVER
    batch, staff, docs = queue
    orders = {d.police: d.id for d in docs if d.kind is DocumentKind.ORDER}
    mark_printed(db.uow(), CHEF, list(orders.values()))
    mark_handed_over(db.uow(), CHEF, [orders["PB1"]], staff["N01"])
    with db.uow() as uow:  # both contracts restored: PB1's order is in the field already
        for s in uow.session.scalars(select(Suspension).where(Suspension.police.in_(orders))):
            s.restored_on = TODAY
        uow.commit()
    cancelled = {c.police: c for c in check_r7(db.uow(), CHEF, today_=TODAY)}
    assert cancelled["PB1"].recall_from == "Sèna Agbodjan"
    assert cancelled["PB2"].recall_from is None  # printed, still at the agency
    assert summary(list(cancelled.values())).endswith(
        "1 ordre déjà remis sur le terrain : rappelez Sèna Agbodjan."
    )
    details = {key: d for key, d in audit(db, "edition.r7_cancel")}
    assert details[str(cancelled["PB1"].work_id)]["recall_from"] == "Sèna Agbodjan"
    assert "recall_from" not in details[str(cancelled["PB2"].work_id)]
    rows = {d.police: d for d in list_documents(db.uow(), batch)}
    assert rows["PB1"].cancelled and rows["PB1"].status is DocumentStatus.REMIS


def _text(content: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)


def test_R5_a_new_presentation_reprints_the_letter_marked_2e_presentation(db, queue) -> None:
    """R5 (#13): the chef orders a new attempt with a reprint: the print queue gives the
    same letter marked « 2e présentation » (preview, one by one, not the combined file),
    printing it needs no other reason, is audited, and ends the request."""
    batch, staff, docs = queue
    letters = ids(docs, DocumentKind.LETTER)
    mark_printed(db.uow(), CHEF, letters)
    mark_handed_over(db.uow(), CHEF, letters, staff["R01"])
    first = next(d for d in docs if d.id == letters[0])
    order_retry(db.uow(), CHEF, first.number, note="portail bleu", reprint=True, today_=ASKED)

    rows = {d.id: d for d in list_documents(db.uow(), batch)}
    assert rows[letters[0]].presentation == 2 and rows[letters[1]].presentation == 0
    name, content = document_pdf(db.uow(), letters[0])
    assert name == first.file_name.replace(".pdf", "-presentation-2.pdf")
    text = _text(content)
    mention = f"2e PRÉSENTATION du {ASKED:%d/%m/%Y} — lettre du {TODAY:%d/%m/%Y}"
    assert mention in text and f"LR-{first.number}" in text
    assert text.count("2e PRÉSENTATION") >= 2  # above the title and on the receipt slip
    with db.uow() as uow:
        stored = uow.session.get_one(EditionDocument, letters[0]).content
    assert "PRÉSENTATION" not in _text(stored)  # the document as edited stays as it was
    assert combined_pdf(db.uow(), batch, Recipient.RELEVEUR)[2]  # not printed from it
    printable = {i: (n, c) for i, n, c in printable_documents(db.uow(), batch, Recipient.RELEVEUR)}
    assert mention in _text(printable[letters[0]][1])
    assert "PRÉSENTATION" not in _text(printable[letters[1]][1])
    shots = Path("screenshots/tmp")
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "lettre-2e-presentation.pdf").write_bytes(content)

    mark_printed(db.uow(), CHEF, letters[:1])  # no reason asked: the new attempt is it
    [(key, details)] = audit(db, "edition.reprint")
    assert key == str(letters[0])
    assert details["presentation"] == 2 and details["reason"] == "2e présentation"
    assert list_documents(db.uow(), batch)[0].presentation == 0
    assert document_pdf(db.uow(), letters[0])[1] == stored
    with pytest.raises(EditionError, match="motif de la réimpression"):
        mark_printed(db.uow(), CHEF, letters[:1])  # printed again: a reason again
