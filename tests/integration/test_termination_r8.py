"""Terminations for other causes (R8, #16): entered by the chef, R1 and R4 still apply,
the order goes the procedure's way (edition, dispatch, CRI, countersign) and the
termination carries its cause — on SQLite and PostgreSQL; bad input or a refusal: a
French message, nothing written."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select, update

from sbee_desk.db.models import (
    AuditEvent,
    ContractTermination,
    Customer,
    Suspension,
    WorkOrder,
)
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import now
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.cri import CriEntry, countersign, enter_cri
from sbee_desk.services.dispatch import assign, field_agent
from sbee_desk.services.edition import check_r7, run_edition
from sbee_desk.services.order_card import order_card
from sbee_desk.services.print_queue import document_pdf, list_documents
from sbee_desk.services.termination_r8 import (
    TerminationError,
    add_termination,
    contract_facts,
)
from tests.builders import World, add_user, cli_runner
from tests.integration.edition_world import pdf_text

D = dt.date
TODAY = D(2026, 12, 5)
VISIT = D(2026, 12, 7)
CRI_DAY = D(2026, 12, 8)
CHEF = Actor("chef")
AGENT = Actor("agent")


def world(db) -> World:
    w = World(db)
    add_user(w.s, "agent", Role.AGENT_CONTROLE)
    return w


def suspended(w: World, police: str, *, category: str = "ORDINAIRE", voltage: str = "BT") -> int:
    """A contract suspended on 01/11/2026 (no unpaid invoice needed: R3 is not R8's)."""
    w.contract(police, category=category, voltage=voltage)
    return w.suspension(police, D(2026, 11, 1), voltage=voltage)


def counts(db) -> tuple[int, int]:
    """(orders, audit events): « nothing written »."""
    with db.uow() as uow:
        s = uow.session
        return (
            s.scalar(select(func.count()).select_from(WorkOrder)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )


def refused(db, code: str, *args, actor: Actor = CHEF, **kw) -> TerminationError:
    before = counts(db)
    with pytest.raises(TerminationError) as caught:
        add_termination(db.uow(), actor, *args, today_=TODAY, **kw)
    assert caught.value.code == code, str(caught.value)
    assert counts(db) == before  # nothing written
    assert "Rien n'a été enregistré" in str(caught.value)
    return caught.value


def test_r8_creates_an_order_like_step_1(db) -> None:
    w = world(db)
    suspension = suspended(w, "P1")
    suspended(w, "P2", voltage="MT")
    w.commit()
    order = add_termination(db.uow(), CHEF, "P1", "fraude", "  compteur  trafiqué ", today_=TODAY)
    assert (order.kind, order.cause, order.reason, order.police) == (
        "DEPOSE", "FRAUDE", "compteur trafiqué", "P1"
    )  # fmt: skip
    mt = add_termination(db.uow(), CHEF, "P2", "CONDITIONS", "sous-location", today_=TODAY)
    assert mt.kind == "CONTROLE_INDEX"  # R6
    with db.uow() as uow:
        row = uow.session.get_one(WorkOrder, order.order_id)
        assert (row.status, row.run_id, row.suspension_id, row.created_on) == (
            "A_EDITER", None, suspension, TODAY
        )  # fmt: skip
        assert (row.cause, row.cause_reason, row.bordereau_code) == (
            "FRAUDE", "compteur trafiqué", "BT-2026-09"
        )  # fmt: skip
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "termination.r8")
        ).first()
        assert event is not None and event.entity_key == str(order.order_id)
    assert order.number == f"{order.order_id:08d}"
    # the order's card tells its cause
    card = order_card(db.uow(), CHEF, order.number)
    assert (card.cause, card.cause_reason, card.status) == (
        "FRAUDE", "compteur trafiqué", "A_EDITER"
    )  # fmt: skip


def test_r8_refused_without_current_suspension(db) -> None:
    w = world(db)
    w.contract("NEVER")
    w.contract("BACK")
    w.suspension("BACK", D(2026, 10, 1), restored_on=D(2026, 11, 15))
    w.contract("LATER")
    w.suspension("LATER", TODAY + dt.timedelta(days=1))  # not yet, as of today
    w.commit()
    err = refused(db, "TERMINATION_NOT_SUSPENDED", "NEVER", "FRAUDE", "vol")
    assert "n'est pas interrompu au 05/12/2026 (aucune interruption en cours)" in str(err)
    assert "(R1, R8)" in str(err)
    err = refused(db, "TERMINATION_NOT_SUSPENDED", "BACK", "FRAUDE", "vol")
    assert "rétabli le 15/11/2026" in str(err)
    refused(db, "TERMINATION_NOT_SUSPENDED", "LATER", "FRAUDE", "vol")
    facts = contract_facts(db.uow(), "BACK", today_=TODAY)
    assert facts is not None and facts.status == "ACTIF" and "rétabli" in (facts.refusal or "")


def test_r8_refused_for_exempt_without_derogation(db) -> None:
    w = world(db)
    suspended(w, "VIP1", category="VIP")
    suspended(w, "SBEE1", category="AGENT_SBEE")
    w.derogation("SBEE1", D(2026, 6, 1), valid_until=D(2026, 11, 30))  # expired
    suspended(w, "VIP2", category="VIP")
    w.derogation("VIP2", TODAY + dt.timedelta(days=2))  # decided after today
    w.commit()
    err = refused(db, "TERMINATION_EXEMPT_WITHOUT_DEROGATION", "VIP1", "FRAUDE", "vol")
    assert "« Sensible (VIP) »" in str(err) and "au 05/12/2026 (R4, R8)" in str(err)
    refused(db, "TERMINATION_EXEMPT_WITHOUT_DEROGATION", "SBEE1", "FRAUDE", "vol")
    refused(db, "TERMINATION_EXEMPT_WITHOUT_DEROGATION", "VIP2", "FRAUDE", "vol")


def test_r8_allowed_for_exempt_with_valid_derogation(db) -> None:
    w = world(db)
    suspended(w, "VIP1", category="VIP")
    w.derogation("VIP1", D(2026, 11, 20), valid_until=D(2026, 12, 31), ref="DG-2026-031")
    w.commit()
    order = add_termination(db.uow(), CHEF, "VIP1", "AUTRE", "raccordement illicite", today_=TODAY)
    assert order.derogation_reference == "DG-2026-031"
    with db.uow() as uow:
        assert uow.session.get_one(WorkOrder, order.order_id).derogation_id is not None
    # the edition prints both: the cause (R8) and the DG derogation (R4)
    result = run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
    assert result.batch_id is not None
    docs = list_documents(db.uow(), result.batch_id)
    text = re.sub(r"\s+", " ", pdf_text(document_pdf(db.uow(), docs[0].id)[1]))
    assert "Résiliation pour autre cause — motif : raccordement illicite" in text
    assert "dérogation de la Direction Générale réf. DG-2026-031 du 20/11/2026" in text


def test_r8_requires_cause_text(db) -> None:
    w = world(db)
    suspended(w, "P1")
    w.commit()
    for blank in ("", "   ", None):
        err = refused(db, "TERMINATION_REASON_REQUIRED", "P1", "FRAUDE", blank)
        assert err.field == "reason" and "précisez la cause" in str(err)
    refused(db, "TERMINATION_REASON_TOO_LONG", "P1", "FRAUDE", "x" * 301)
    for cause in ("VOL", "IMPAYES", ""):  # IMPAYES is the procedure's, not R8's
        err = refused(db, "TERMINATION_BAD_CAUSE", "P1", cause, "vol")
        assert err.field == "cause" and "FRAUDE" in str(err)
    refused(db, "TERMINATION_POLICE_REQUIRED", " ", "FRAUDE", "vol")
    err = refused(db, "TERMINATION_UNKNOWN_POLICE", "NOPE", "FRAUDE", "vol")
    assert "Police « NOPE » : aucun contrat" in str(err)


def test_r8_refused_when_already_terminated(db) -> None:
    w = world(db)
    w.contract("EXPORT", terminated_on=D(2026, 11, 30))  # the export's date_resiliation
    w.suspension("EXPORT", D(2026, 11, 1))
    suspended(w, "SBEE")
    w.s.add(
        ContractTermination(
            police="SBEE", terminated_on=D(2026, 12, 1), cause="IMPAYES",
            recorded_by="chef", recorded_at=now(),
        )
    )  # fmt: skip
    w.commit()
    err = refused(db, "TERMINATION_ALREADY_TERMINATED", "EXPORT", "FRAUDE", "vol")
    assert "déjà résilié (le 30/11/2026)" in str(err) and "(R13)" in str(err)
    refused(db, "TERMINATION_ALREADY_TERMINATED", "SBEE", "FRAUDE", "vol")
    facts = contract_facts(db.uow(), "EXPORT", today_=TODAY)
    assert facts is not None and facts.status == "RESILIE"


def test_r8_never_twice_for_one_suspension(db) -> None:
    """R13: one order per suspension — the procedure's, or an earlier R8 entry."""
    w = world(db)
    suspension = suspended(w, "PROC")
    w.order("PROC", suspension, D(2026, 11, 22))  # the procedure's order
    suspended(w, "P1")
    w.commit()
    err = refused(db, "TERMINATION_ORDER_EXISTS", "PROC", "FRAUDE", "vol")
    assert "l'interruption du 01/11/2026 a déjà l'ordre n° 0000000" in str(err)
    assert "à éditer : il suit son cours" in str(err)
    first = add_termination(db.uow(), CHEF, "P1", "FRAUDE", "vol", today_=TODAY)
    err = refused(db, "TERMINATION_ORDER_EXISTS", "P1", "AUTRE", "encore")
    assert f"l'ordre n° {first.number}" in str(err)


def test_r8_role_refusal_is_audited(db) -> None:
    w = world(db)
    suspended(w, "P1")
    w.commit()
    with pytest.raises(PermissionDenied):
        add_termination(db.uow(), AGENT, "P1", "FRAUDE", "vol", today_=TODAY)
    with db.uow() as uow:
        refusal = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "refused")
        ).one()
        assert (refusal.actor, refusal.entity_key) == ("agent", "CRI_COUNTERSIGN")
        assert uow.session.scalar(select(func.count()).select_from(WorkOrder)) == 0


def test_r8_order_ends_with_restoration_not_with_payment(db) -> None:
    """R7 on an R8 order: its cause is not the debt — a payment does not cancel it (the
    contract owes nothing at all here), a restoration does (R1)."""
    w = world(db)
    suspended(w, "P1")
    w.commit()
    order = add_termination(db.uow(), CHEF, "P1", "FRAUDE", "vol", today_=TODAY)
    assert check_r7(db.uow(), CHEF, today_=TODAY) == []
    with db.uow() as uow:
        uow.session.execute(
            update(Suspension).values(restored_on=TODAY)  # restored today
        )
        uow.commit()
    cancelled = check_r7(db.uow(), CHEF, today_=TODAY)
    assert [(c.work_id, c.code.value) for c in cancelled] == [(order.order_id, "RESTORED")]


def test_r8_order_goes_through_edition_dispatch_cri_countersign(
    db_url, monkeypatch, capsys
) -> None:
    cli = cli_runner(db_url, monkeypatch, capsys)  # the users, « chef » included
    from sbee_desk.db.database import open_database
    from sbee_desk.db.models import StaffMember

    db = open_database(db_url)
    try:
        w = World(db)
        w.contract("PF1", name="Koudjo Fraude")
        w.unpaid("PF1", 1)  # some debt, below the threshold: no procedure
        w.suspension("PF1", D(2026, 11, 1))
        w.s.add(StaffMember(matricule="A001", name="Agent A001", role="AGENT_RECOUVREMENT",
                            zones="Z1", active=True))  # fmt: skip
        w.commit()
        order = add_termination(
            db.uow(), CHEF, "PF1", "FRAUDE", "branchement en amont du compteur", today_=TODAY
        )
        # step 2: the next edition prints it, with its cause
        result = run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
        assert result.produced == 1
        assert result.batch_id is not None
        docs = list_documents(db.uow(), result.batch_id)
        text = re.sub(r"\s+", " ", pdf_text(document_pdf(db.uow(), docs[0].id)[1]))
        assert "ORDRE DE DÉPOSE" in text and f"N° {order.number}" in text
        assert "Résiliation pour fraude — motif : branchement en amont du compteur" in text
        # R13: the edition again produces nothing
        assert run_edition(db.uow(), CHEF, workers=0, today_=TODAY).produced == 0
        # step 4: dispatched
        monkeypatch.setattr("sbee_desk.services.dispatch.assignment.today", lambda: TODAY)
        assign(db.uow(), CHEF, VISIT, [order.order_id], field_agent(db.uow(), "A001"))
        # step 6: the CRI, then the countersign terminates the contract with R8's cause
        monkeypatch.setattr("sbee_desk.services.cri.entry.today", lambda: CRI_DAY)
        enter_cri(
            db.uow(),
            Actor("agent_controle"),
            CriEntry(
                number=order.number, visit_on=VISIT, visit_time="09:30", done=True,
                agent="A001", index="4521", meter_serial="MPF1", breaker_removed=True,
            ),
        )  # fmt: skip
        countersign(db.uow(), CHEF, [order.number], override_store="retour au magasin demain")
        with db.uow() as uow:
            termination = uow.session.scalars(select(ContractTermination)).one()
            assert (termination.police, termination.cause, termination.reason) == (
                "PF1", "FRAUDE", "branchement en amont du compteur"
            )  # fmt: skip
            assert termination.order_id == order.order_id and termination.terminated_on == VISIT
            assert uow.session.get_one(WorkOrder, order.order_id).status == "CONTRESIGNE"
            terminate = uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "contract.terminate")
            ).one()
            assert json.loads(json.dumps(terminate.after))["cause"] == "FRAUDE"
        # the contract's story says so
        monkeypatch.setattr("sbee_desk.services.contract_card.today", lambda: CRI_DAY)
        code, out, err = cli("contract", "show", "PF1", "--json")
        assert code == 0, err
        shown = json.loads(out)
        assert (shown["status"], shown["termination_cause"]) == ("RESILIE", "FRAUDE")
        assert shown["terminated_on"] == VISIT.isoformat()
        ordered = [e["what"] for e in shown["events"] if e["kind"] == "order"]
        assert len(ordered) == 1
        assert ordered[0].endswith(
            "— résiliation pour une autre cause (R8) : fraude, motif : branchement en amont "
            "du compteur"
        )
        # R13: a terminated contract is not entered again
        refused(db, "TERMINATION_ALREADY_TERMINATED", "PF1", "AUTRE", "encore")
    finally:
        db.dispose()


def test_exempt_category_is_read_from_the_customer(db) -> None:
    """The exemption follows the customer's category now (R4), not a copy."""
    w = world(db)
    suspended(w, "P1")
    w.commit()
    with db.uow() as uow:
        uow.session.get_one(Customer, "CP1").category = "AGENT_SBEE"
        uow.commit()
    refused(db, "TERMINATION_EXEMPT_WITHOUT_DEROGATION", "P1", "FRAUDE", "vol")


# --------------------------------------------------------------------------- the CLI


@pytest.fixture
def cli(db_url, monkeypatch, capsys):
    """`sbee-desk` as « chef » on a base with P1 suspended, VIP1 suspended (exempt),
    FREE never suspended; today is TODAY."""
    run = cli_runner(db_url, monkeypatch, capsys)
    monkeypatch.setattr("sbee_desk.services.termination_r8.today", lambda: TODAY)
    from sbee_desk.db.database import open_database

    db = open_database(db_url)
    w = World(db)
    suspended(w, "P1")
    suspended(w, "VIP1", category="VIP")
    w.contract("FREE")
    w.commit()

    def run_as(*argv: str, user: str = "chef") -> tuple[int, str, str]:
        try:
            return run(*argv, "--user", user)
        except SystemExit as stop:  # argparse refuses an option: exit 2
            out, err = capsys.readouterr()
            return int(stop.code or 0), out, err

    run_as.db = db  # type: ignore[attr-defined]
    yield run_as
    db.dispose()


def test_cli_termination_add(cli) -> None:
    code, out, err = cli(
        "termination", "add", "--police", "P1", "--cause", "FRAUDE", "--reason", "compteur trafiqué"
    )
    assert code == 0, err
    assert "Résiliation pour fraude saisie : ordre de dépose n° 00000001, police P1" in out
    assert "motif : compteur trafiqué" in out and "prochaine édition" in out
    with cli.db.uow() as uow:
        row = uow.session.get_one(WorkOrder, 1)
        assert (row.cause, row.cause_reason, row.status) == (
            "FRAUDE",
            "compteur trafiqué",
            "A_EDITER",
        )


@pytest.mark.parametrize(
    ("argv", "user", "words"),
    [
        (["--police", "P1", "--cause", "FRAUDE", "--reason", "  "], "chef",
         "--reason : Motif de la résiliation : précisez la cause"),
        (["--police", "P1", "--cause", "FRAUDE"], "chef",
         "les arguments suivants sont requis : --reason"),
        (["--police", "P1", "--cause", "VOL", "--reason", "x"], "chef",
         "--cause : Cause « VOL » inconnue : indiquez FRAUDE"),
        (["--police", "FREE", "--cause", "FRAUDE", "--reason", "x"], "chef",
         "--police : Police FREE : le contrat n'est pas interrompu au 05/12/2026"),
        (["--police", "VIP1", "--cause", "AUTRE", "--reason", "x"], "chef",
         "exempté de résiliation sans dérogation de la Direction Générale"),
        (["--police", "NOPE", "--cause", "AUTRE", "--reason", "x"], "chef",
         "--police : Police « NOPE » : aucun contrat sous ce numéro"),
        (["--police", "P1", "--cause", "AUTRE", "--reason", "x"], "agent_controle",
         "saisir une résiliation manuelle"),
    ],
)  # fmt: skip
def test_cli_termination_bad_input_exit_2_nothing_written(cli, argv, user, words) -> None:
    def orders_and_terminations() -> tuple[int, int]:
        with cli.db.uow() as uow:
            s = uow.session
            return (
                s.scalar(select(func.count()).select_from(WorkOrder)),
                s.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.action == "termination.r8")
                ),
            )

    before = orders_and_terminations()
    code, out, err = cli("termination", "add", *argv, user=user)
    assert code == 2 and out == ""
    assert words in re.sub(r"\s+", " ", err), err
    assert orders_and_terminations() == before == (0, 0)


def test_r8_entered_after_a_run_stops_that_line_at_validation(db) -> None:
    """A run lists P1; the chef enters R8 for P1 before validating: the validation is
    refused in French (the line already has its order, R13) instead of a second order."""
    from sbee_desk.services.review import ReviewError, validate_bordereau
    from sbee_desk.services.selection import run_selection
    from tests.integration.edition_world import bordereaux, debtor

    w = world(db)
    debtor(w, "P1")
    w.commit()
    run = run_selection(db.uow(), CHEF, D(2026, 12, 1), today_=TODAY).run_id
    add_termination(db.uow(), CHEF, "P1", "FRAUDE", "vol", today_=TODAY)
    [code] = bordereaux(db, run)
    with pytest.raises(ReviewError) as caught:
        validate_bordereau(db.uow(), CHEF, run, code, today_=TODAY)
    assert caught.value.code == "LINES_ALREADY_VALIDATED"
    assert "saisis pour une autre cause (R8) (polices P1)" in str(caught.value)
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(WorkOrder)) == 1
