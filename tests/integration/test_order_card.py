"""The whole order in one place (#15 item 5): from its number, the order's card —
document, dispatch, store return, CRI, countersign, termination, journal — on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest

from sbee_desk.db.models import EditionBatch, EditionDocument, StaffMember, WorkOrder
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services.audit import now, record
from sbee_desk.services.cri import countersign, enter_cri
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.order_card import order_card
from sbee_desk.wording.audit_text import action_label
from tests.integration.cri_world import AGENT, CHEF, VISIT, CriWorld, cri_clock, done, not_done

__all__ = ["cri_clock"]


def handed_document(world: CriWorld, k: int) -> None:
    """The order's printed document, handed to agent A001 (as the print queue leaves it)."""
    with world.db.uow() as uow:
        s = uow.session
        order = s.get_one(WorkOrder, world.ids[k])
        agent = s.query(StaffMember).filter_by(matricule="A001").one()
        batch = EditionBatch(
            edition_on=order.created_on, status="TERMINE", started_at=now(), started_by="chef",
            letters=0,
        )  # fmt: skip
        s.add(batch)
        s.flush()
        document = EditionDocument(
            batch_id=batch.id, kind="ORDER", order_id=order.id, order_kind=order.kind,
            number=world.number(k), police=order.police, customer_name="Client",
            recipient="CHEF_RPNT", print_rank=1, file_name=f"ordre-{world.number(k)}.pdf",
            sha256="0" * 64, content=b"%PDF", pages=1, payload={}, created_at=now(),
            status="REMIS", print_count=1, printed_at=now(), printed_by="chef",
            handed_to=agent.id, handed_at=now(), handed_by="chef",
        )  # fmt: skip
        s.add(document)
        s.flush()
        record(
            uow, CHEF, AuditAction.EDITION_HANDOVER, entity="edition_document",
            entity_key=str(document.id), after={"handed_to": agent.id},
        )  # fmt: skip
        uow.commit()


@pytest.fixture
def world(db, cri_clock) -> CriWorld:
    return CriWorld(db, 2)


def test_order_card_tells_the_whole_order_from_its_number(db, world) -> None:
    handed_document(world, 0)
    enter_cri(db.uow(), AGENT, done(world, 0))
    world.store_return(0)
    countersign(db.uow(), CHEF, [world.number(0)])

    card = order_card(db.uow(), CHEF, f" {world.number(0)} ")

    assert (card.number, card.police, card.kind) == (world.number(0), world.police(0), "DEPOSE")
    assert card.status == "CONTRESIGNE" and card.customer_name
    [document] = card.documents
    assert (document.status, document.handed_to) == ("REMIS", document.handed_to)
    assert document.handed_to is not None and document.handed_to.startswith("A001")
    [assignment] = card.assignments
    assert (assignment.agent, assignment.visit_on) == ("A001", VISIT)
    assert assignment.ended_at is not None
    [back] = card.store_returns
    assert back.meter_serial == f"M{world.police(0)}"
    [report] = card.reports
    assert report.done and report.index == 12345 and report.entered_by == "agent"
    assert report.countersigned_by == "chef" and report.countersigned_at is not None
    assert card.termination is not None and card.termination.cause == "IMPAYES"
    # the journal, worded as on the audit page: the document handed over, the CRI,
    # the countersign, the termination — oldest first, nothing of the other order
    actions = [e.action for e in card.events]
    for code in ("edition.handover", "cri.enter", "cri.countersign", "contract.terminate"):
        assert action_label(code) in actions, code
    assert [e.id for e in card.events] == sorted(e.id for e in card.events)
    assert world.number(1) not in " ".join(e.object for e in card.events)


def test_order_card_of_an_order_sent_back_shows_each_attempt(db, world) -> None:
    enter_cri(db.uow(), AGENT, not_done(world, 1, "REFUS_ACCES"))
    card = order_card(db.uow(), CHEF, world.number(1))
    assert [r.remarks for r in card.reports] == [("REFUS_ACCES",)]
    assert card.termination is None and card.store_returns == () and card.documents == ()
    assert card.assignments[0].end_reason is not None


@pytest.mark.parametrize(
    ("typed", "words"),
    [("99999999", "Ordre n° 99999999 : aucun ordre"), ("12AB", "n'est pas un numéro d'ordre")],
)
def test_unknown_order_number_is_refused_in_french(db, world, typed, words) -> None:
    with pytest.raises(ServiceError) as caught:
        order_card(db.uow(), CHEF, typed)
    assert words in str(caught.value)
