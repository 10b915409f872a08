"""The contract's dossier (#16): an MT contract taken through the whole procedure by
the services — its data as the import leaves it, a first run (a letter, a line of
another contract excluded), the edition, the letter printed, handed to the releveur
and delivered, a second run after the delay (an order of contrôle d'index), its
edition, dispatch, CRI and countersign: the contract terminated — and its dossier
tells all of it in order, each event with who did it; ``contract show --json`` gives
the fields import-format.md lists and more; the PDF prints it; every query of the
dossier goes through an index."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import event, select

from sbee_desk.db.models import EditionDocument, StaffMember, WorkOrder
from sbee_desk.services.actor import Actor
from sbee_desk.services.contract_card import contract_card
from sbee_desk.services.cri import CriEntry, countersign, enter_cri
from sbee_desk.services.dispatch import assign, field_agent
from sbee_desk.services.dossier.document import dossier_pdf_bytes
from sbee_desk.services.dossier.model import KINDS
from sbee_desk.services.edition import run_edition
from sbee_desk.services.letters import deliver
from sbee_desk.services.print_queue import mark_handed_over, mark_printed
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.review_actions import exclude_lines
from sbee_desk.services.selection import run_selection
from sbee_desk.wording.contract_card import event_words, kinds_without_words, story_lines
from tests.builders import PASSWORD, cli_runner
from tests.integration.edition_world import CHEF, bordereaux, debtor, world

D = dt.date
RUN1, EDIT1, DELIVERED = D(2026, 11, 20), D(2026, 11, 21), D(2026, 11, 23)
RUN2, EDIT2, DISPATCHED, VISIT, CRI_DAY = (
    D(2026, 12, 2), D(2026, 12, 2), D(2026, 12, 3), D(2026, 12, 4), D(2026, 12, 5)
)  # fmt: skip
AGENT = Actor("agent")


def _run_and_validate(db, on: dt.date, *, exclude: str | None = None) -> int:
    run = run_selection(db.uow(), CHEF, on, today_=on).run_id
    if exclude is not None:
        exclude_lines(db.uow(), CHEF, run, [exclude], "LITIGE", "réclamation en cours")
    for code in bordereaux(db, run):
        validate_bordereau(db.uow(), CHEF, run, code, today_=on)
    return run


def _documents(db) -> list[tuple[int, str, str]]:
    """(id, police, number) of the edition's documents."""
    with db.uow() as uow:
        d = EditionDocument
        return [tuple(r) for r in uow.session.execute(select(d.id, d.police, d.number))]


def _staff(db, matricule: str) -> int:
    with db.uow() as uow:
        return uow.session.scalars(
            select(StaffMember.id).where(StaffMember.matricule == matricule)
        ).one()


@pytest.fixture
def story(db, monkeypatch):
    """PM1 (MT) from its first run to its termination; PX excluded from the first run."""
    monkeypatch.setattr("sbee_desk.services.cri.entry.today", lambda: CRI_DAY)
    monkeypatch.setattr("sbee_desk.services.contract_card.today", lambda: CRI_DAY)
    w = world(db)
    w.s.add(StaffMember(matricule="R001", name="Releveur Un", role="RELEVEUR", zones=""))
    w.s.add(StaffMember(matricule="A001", name="Agent Un", role="AGENT_RECOUVREMENT", zones="Z1"))
    numbers = debtor(w, "PM1", voltage="MT", invoices=3)
    w.payment(numbers[0], D(2026, 9, 1), 4_000, reference="REC-1")
    w.derogation("PM1", D(2026, 9, 15), ref="DG/DCC/2026/0042")
    debtor(w, "PX", voltage="MT")
    w.commit()
    # first run: a letter for PM1, PX excluded by the chef
    _run_and_validate(db, RUN1, exclude="PX")
    run_edition(db.uow(), CHEF, workers=0, today_=EDIT1)
    [(doc_id, number)] = [(i, n) for i, p, n in _documents(db) if p == "PM1"]
    mark_printed(db.uow(), CHEF, [doc_id])
    mark_handed_over(db.uow(), CHEF, [doc_id], _staff(db, "R001"))
    deliver(db.uow(), CHEF, [number], DELIVERED, by="R001", to="client",
            today_=DELIVERED)  # fmt: skip
    # second run, after the letter's delay: the order of contrôle d'index
    _run_and_validate(db, RUN2)
    run_edition(db.uow(), CHEF, workers=0, today_=EDIT2)
    with db.uow() as uow:
        order_id = uow.session.scalars(select(WorkOrder.id).where(WorkOrder.police == "PM1")).one()
    assign(db.uow(), CHEF, VISIT, [order_id], field_agent(db.uow(), "A001"), today_=DISPATCHED)
    entry = CriEntry(
        number=f"{order_id:08d}", visit_on=VISIT, visit_time="09:30", done=True, agent="A001",
        index="4521", meter_serial="CPT-PM1",
    )  # fmt: skip
    enter_cri(db.uow(), AGENT, entry)
    countersign(db.uow(), CHEF, [f"{order_id:08d}"])
    return order_id


def test_the_dossier_tells_the_whole_procedure_in_order_with_who(db, story) -> None:
    card = contract_card(db.uow(), CHEF, "PM1")
    assert (card.status, card.terminated_on, card.termination_cause) == (
        "RESILIE", VISIT, "IMPAYES"
    )  # fmt: skip
    kinds = [e.kind for e in card.events]
    # the procedure's own dates, in order (the rows stamped by the clock — validation,
    # print, dispatch, countersign — carry today's date in a test)
    procedure = [
        "invoice", "payment", "derogation", "suspension", "selection", "letter",
        "letter_delivered", "selection", "order", "cri", "termination",
    ]  # fmt: skip
    position = -1
    for kind in procedure:  # each step found after the one before
        position = kinds.index(kind, position + 1)
    for kind in ("validation", "document_printed", "document_handed", "dispatch", "countersign"):
        assert kind in kinds, kind
    assert kinds.count("selection") == 2 and "audit" in kinds
    assert [e.on for e in card.events] == sorted(e.on for e in card.events)
    words = {e.kind: (event_words(e.kind, e.facts), e.who) for e in card.events}
    assert words["letter_delivered"][0].endswith("remise à : client, par Releveur Un (R001)")
    assert words["document_handed"][0].endswith("confiée à Releveur Un (R001) pour distribution")
    assert words["derogation"] == ("Dérogation DG n° DG/DCC/2026/0042", "dg")
    assert words["dispatch"][1] == "Utilisateur chef (chef)"
    assert words["cri"][1] == "Utilisateur agent (agent)"
    assert words["countersign"][1] == words["termination"][1] == "Utilisateur chef (chef)"
    selections = [event_words(e.kind, e.facts) for e in card.events if e.kind == "selection"]
    assert "« À relancer »" in selections[0] and "« À résilier »" in selections[1]
    validations = [event_words(e.kind, e.facts) for e in card.events if e.kind == "validation"]
    assert validations[0].endswith("lettre de relance à éditer")
    assert validations[1].endswith("ordre de contrôle d'index à éditer")
    # invoices and payments: the balance
    assert [i.balance for i in card.invoices] == [6_000, 10_000, 10_000]
    assert card.balance == 26_000 and card.unpaid_count == 3
    assert "reste dû 6\u202f000\xa0FCFA" in words["invoice"][0] or any(
        "reste dû" in event_words(e.kind, e.facts) for e in card.events if e.kind == "invoice"
    )
    # the journal: the run, the delivery, the dispatch, the CRI, the countersign
    actions = {e.facts["action"] for e in card.events if e.kind == "audit"}
    assert {"letter.deliver", "dispatch.assign", "cri.enter", "cri.countersign"} <= actions
    # every kind has its words; a new kind without them would fail here
    assert kinds_without_words(KINDS) == []
    assert all(line.what for line in story_lines(card.events))


def test_an_excluded_line_shows_its_reason_and_who_excluded_it(db, story) -> None:
    card = contract_card(db.uow(), CHEF, "PX")
    [exclusion] = [e for e in card.events if e.kind == "exclusion"]
    assert event_words(exclusion.kind, exclusion.facts) == (
        "Traitement n° 1 : ligne exclue (Litige en cours — réclamation en cours)"
    )
    assert exclusion.who == "Utilisateur chef (chef)"
    validation = next(e for e in card.events if e.kind == "validation")
    assert validation.facts["run"] == 1
    assert event_words(validation.kind, validation.facts).endswith(
        "ligne exclue, ni lettre ni ordre"
    )
    assert card.status == "SUSPENDU"


def test_the_dossier_pdf_prints_the_story(db, story) -> None:
    card = contract_card(db.uow(), CHEF, "PM1")
    pdf = dossier_pdf_bytes(db.uow(), CHEF, card, on=CRI_DAY)
    assert pdf == dossier_pdf_bytes(db.uow(), CHEF, card, on=CRI_DAY)  # deterministic
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Dossier du contrat PM1" in text and "Agence AG1" in text
    assert "Établi le 05/12/2026 par Utilisateur chef (chef)" in text
    assert "Releveur Un (R001)" in text and "contresigné" in text
    assert "Page 1 /" in text


def test_contract_show_json_gives_the_fields_of_import_format(
    db_url, db, story, monkeypatch, capsys, tmp_path
) -> None:
    from sbee_desk.cli import main

    monkeypatch.setenv("SBEE_DESK_DB", db_url)
    monkeypatch.setenv("SBEE_DESK_USER", "chef")
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    target = tmp_path / "out" / "dossier.pdf"
    code = main(["contract", "show", "PM1", "--json", "--pdf", str(target)])
    out, err = capsys.readouterr()
    assert code == 0, err
    card = json.loads(out)
    assert set(card) >= {"police", "status", "terminated_on", "termination_cause", "events"}
    assert (card["police"], card["status"]) == ("PM1", "RESILIE")
    assert (card["terminated_on"], card["termination_cause"]) == (VISIT.isoformat(), "IMPAYES")
    assert all(set(e) >= {"on", "what", "kind", "who"} for e in card["events"])
    assert card["balance"] == 26_000 and len(card["invoices"]) == 3
    delivered = next(e for e in card["events"] if e["kind"] == "letter_delivered")
    assert delivered["on"] == DELIVERED.isoformat() and "Releveur Un" in delivered["what"]
    assert target.read_bytes().startswith(b"%PDF")
    assert "Dossier du contrat PM1 écrit dans" in err


def test_contract_show_pdf_into_a_folder_that_cannot_be_written_exit_2(
    db_url, monkeypatch, capsys, tmp_path
) -> None:
    run = cli_runner(db_url, monkeypatch, capsys)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, out, err = run("contract", "show", "P1", "--pdf", str(blocker / "d.pdf"))
    assert code == 2 and out == ""
    assert "--pdf : impossible d'écrire dans le dossier" in err and "Rien n'a été écrit" in err


def test_every_query_of_the_dossier_goes_through_an_index(db, story) -> None:
    """SQLite's plans (bench/bench_dossier.py times them at 1 M contracts): no SCAN
    but of the selection runs."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, *_):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        contract_card(db.uow(), CHEF, "PM1")
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    selects = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 15
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in selects:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = [str(row[-1]) for row in cursor.fetchall()]
            # the runs themselves may be walked (one row per selection run kept): a
            # police's lines are looked up run by run in the (run, police) index
            scans = [
                line
                for line in plan
                if line.startswith("SCAN") and not line.startswith("SCAN selection_run")
            ]
            assert not scans, (statement, plan)
    finally:
        raw.close()
