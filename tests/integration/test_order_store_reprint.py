"""R10 on a reprint (#15): an order whose equipment is back at the store reprints with
the mention « compteur (et disjoncteur) retourné(s) au magasin le … » in its store box."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from sbee_desk.db.models import EditionDocument, StaffMember, WorkOrder
from sbee_desk.domain.permissions import Role
from sbee_desk.services.edition import (
    DocumentKind,
    Recipient,
    combined_pdf,
    document_pdf,
    list_documents,
    printable_documents,
    run_edition,
)
from sbee_desk.services.store import record_return
from sbee_desk.wording.store import store_mention
from tests.builders import add_user
from tests.integration.edition_world import CHEF, TODAY, debtor, validate_all, world
from tests.integration.store_world import STORE

VISIT = TODAY + dt.timedelta(days=3)
RETURNED = VISIT + dt.timedelta(days=1)


def _text(content: bytes) -> str:
    raw = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(content)).pages)
    return " ".join(raw.split()).lower()


@pytest.fixture
def orders(db, monkeypatch):
    """A finished batch with two BT orders, both given to an agent for VISIT."""
    monkeypatch.setattr("sbee_desk.services.store.record.today", lambda: RETURNED)
    monkeypatch.setattr("sbee_desk.services.store.data.today", lambda: RETURNED)
    w = world(db)
    for police in ("PB1", "PB2"):
        debtor(w, police, voltage="BT")
    add_user(w.s, "magasin", Role.MAGASINIER)
    agent = StaffMember(matricule="A01", name="Agent A01", role="AGENT_RECOUVREMENT", active=True)
    w.s.add(agent)
    w.s.add(StaffMember(matricule="MAG-01", name="Magasinier", role="MAGASINIER", active=True))
    w.commit()
    validate_all(db)
    batch = run_edition(db.uow(), CHEF, today_=TODAY).batch_id
    assert batch is not None
    docs = [d for d in list_documents(db.uow(), batch) if d.kind is DocumentKind.ORDER]
    with db.uow() as uow:
        for d in docs:
            order = uow.session.get_one(
                WorkOrder, uow.session.get_one(EditionDocument, d.id).order_id
            )
            order.status, order.agent_id, order.visit_on = "REPARTI", agent.id, VISIT
        uow.commit()
    return batch, docs


def test_R10_a_reprint_after_the_store_return_carries_the_mention(db, orders) -> None:
    batch, docs = orders
    first, second = docs
    with db.uow() as uow:
        stored = uow.session.get_one(EditionDocument, first.id).content
    assert document_pdf(db.uow(), first.id)[1] == stored  # nothing back yet: as edited

    row = record_return(db.uow(), STORE, first.number, RETURNED, keeper="MAG-01")
    mention = store_mention(RETURNED, with_breaker=True)
    assert mention is not None

    name, content = document_pdf(db.uow(), first.id)
    assert name == first.file_name
    text = _text(content)
    assert mention.lower() in text and row.sheet_number.lower() in text
    assert first.number in text
    assert document_pdf(db.uow(), first.id)[1] == content  # deterministic bytes
    with db.uow() as uow:  # the document as edited stays as it was
        assert uow.session.get_one(EditionDocument, first.id).content == stored
    assert "retourné" not in _text(document_pdf(db.uow(), second.id)[1]).replace("retourné(s)", "")
    printable = {i: c for i, _, c in printable_documents(db.uow(), batch, Recipient.CHEF_RPNT)}
    assert printable[first.id] == content
    assert mention.lower() not in _text(printable[second.id])
    assert combined_pdf(db.uow(), batch, Recipient.CHEF_RPNT)[2]  # not printed from it

    shots = Path("screenshots/tmp")
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "ordre-retour-magasin.pdf").write_bytes(content)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(shots / "ordre-retour-magasin.pdf"),
                str(shots / "ordre-retour-magasin"),
            ],
            check=True,
        )
