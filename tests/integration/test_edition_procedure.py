"""What the edition prints comes from the procedure's own records (issue #10): the
run's plan snapshot, not today's plans (R3, R5), and the DG derogation that allowed
terminating an exempt customer (R4), on the order."""

from __future__ import annotations

import re

from sbee_desk.db.models import Customer, Invoice
from sbee_desk.services.actor import Actor
from sbee_desk.services.edition import DocumentKind, document_pdf, list_documents, run_edition
from sbee_desk.services.plans import update_plan
from tests.builders import add_users
from tests.integration.edition_world import CHEF, TODAY, D, debtor, pdf_text, validate_all, world


def flat_pdf(db, police: str) -> str:
    [doc] = [d for d in list_documents(db.uow(), 1) if d.police == police]
    return re.sub(r"\s+", " ", pdf_text(document_pdf(db.uow(), doc.id)[1]))


def test_R5_R3_the_letter_prints_the_plan_of_its_run_not_todays(db) -> None:
    add_users(db)
    w = world(db)
    debtor(w, "PM1", voltage="MT")  # ORDINAIRE, MT: a letter
    # an invoice the export gives no due date: due 15 days after issue (the run's plan)
    w.s.add(
        Invoice(
            number="FNODUE",
            police="PM1",
            bordereau_code="MT-2026-09",
            issued_on=D(2026, 10, 20),
            due_on=None,
            amount=7_000,
        )
    )
    w.commit()
    validate_all(db)  # the run's snapshot: 7 days, payment term 15 days
    update_plan(
        db.uow(), Actor("admin"), "ORDINAIRE", {"reminder_delay_days": 10, "payment_term_days": 60}
    )
    run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
    letter = flat_pdf(db, "PM1")
    assert "délai de 7 jours à compter de la réception de la présente" in letter
    assert "10 jours" not in letter
    assert "FNODUE" in letter  # overdue under the run's 15 days, not today's 60
    assert "Total dû 27 000 FCFA" in letter


def test_R4_an_order_allowed_by_a_DG_derogation_prints_its_reference_and_date(db) -> None:
    w = world(db)
    debtor(w, "PAGENT")
    w.s.get_one(Customer, "CPAGENT").category = "AGENT_SBEE"
    w.derogation("PAGENT", D(2026, 11, 10), ref="DG/DCC/2026/0007")
    debtor(w, "PPLAIN")
    w.derogation("PPLAIN", D(2026, 11, 10), ref="DG/DCC/2026/0099")  # not exempt: no mention
    w.commit()
    validate_all(db)
    run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
    kinds = {d.police: d.kind for d in list_documents(db.uow(), 1)}
    assert kinds == {"PAGENT": DocumentKind.ORDER, "PPLAIN": DocumentKind.ORDER}
    order = flat_pdf(db, "PAGENT")
    assert (
        "Résiliation autorisée par dérogation de la Direction Générale réf. DG/DCC/2026/0007 "
        "du 10/11/2026" in order
    )
    plain = flat_pdf(db, "PPLAIN")
    assert "dérogation" not in plain and "DG/DCC/2026/0099" not in plain
