"""The PDF lists read the same as when they were last checked by eye (#18): each page's
text, as pypdf extracts it (its line breaks and spaces follow where each piece is
placed), for a sample of the three lists — long texts wrapped or cut, every status of
the control list, several pages. The snapshot was taken before the PDF writer was
reworked for speed (#18); any change to what a list shows fails here.

To take the snapshot again after a *wanted* change of the lists, look at the pages
first (``pdftoppm -r 60 -png``), then:
``SBEE_DESK_UPDATE_SNAPSHOTS=1 pytest tests/unit/documents/test_lists_pdf_snapshot.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from sbee_desk.documents.lists import Dropped, LineStatus, ListDocument, ListLine, pdf_bytes
from sbee_desk.domain.enums import CustomerCategory, Decision, DropReason, ListKind
from sbee_desk.domain.journal_mark import JournalMark

SNAPSHOT = Path(__file__).parent / "data" / "lists_pdf_pages.json"

_FIRST = ["Kossi", "Afiavi", "Rémi", "Gbènato", "Euloge", "Sèna", "Mahougnon", "Yétondé"]
_LAST = [
    "Hounkpatin",
    "Zinsou épouse Agbodjan",
    "Dossou-Yovo",
    "Akpovi",
    "Quenum",
    "Adjovi-Boco de la Fontaine Houndékon",
    "Ahouansou",
]
_STREETS = [
    "Lot 12, carré 45",
    "Rue 1234, maison Agossou, en face de la pharmacie Sainte-Rita, 2e von à gauche",
    "Carré 118",
    "Parcelle B, îlot 7, derrière le marché Dantokpa",
]
_QUARTIERS = ["Akpakpa", "Cadjèhoun", "Fidjrossè-Kpota", "Gbégamey", "Houéyiho-Sainte-Cécile"]
_REASONS = [
    "2 factures impayées, suspendu depuis 50 jours",
    "Client signalé par la direction commerciale : dossier de réclamation en cours "
    "d'instruction auprès du service contentieux, ne pas résilier avant la réponse "
    "écrite de la direction régionale, courrier du 12 novembre 2026",
    "Exempté",
    "",
]


def _line(rng: random.Random, n: int, kind: ListKind) -> ListLine:
    suspended_on = dt.date(2026, 11, 20) - dt.timedelta(days=rng.randint(8, 400))
    decision = {
        ListKind.A_RELANCER: Decision.RELANCE,
        ListKind.A_RESILIER: Decision.RESILIATION,
        ListKind.CONTROLE: rng.choice(list(Decision)),
    }[kind]
    status = LineStatus.CONFIRMED
    more: dict[str, object] = {}
    if kind is ListKind.CONTROLE:
        status = rng.choice(list(LineStatus))
        if status is LineStatus.DROPPED:
            reason = rng.choice([*DropReason, None])
            more["dropped"] = Dropped(
                reason, dt.date(2026, 11, rng.randint(1, 28)), rng.randint(1, 4), rng.randint(1, 9)
            )
        if status is LineStatus.CANCELLED:
            more["cancelled_on"] = dt.date(2026, 11, rng.randint(1, 28))
    if rng.random() < 0.2:
        more["derogation_reference"] = f"DG-2026-{rng.randint(1, 999):03d}"
        more["derogation_decided_on"] = dt.date(2026, 10, rng.randint(1, 31))
    police = f"{rng.randint(0, 10**9):010d}" + ("-BIS-EXTENSION" if rng.random() < 0.05 else "")
    return ListLine(
        police=police,
        customer_name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        address=rng.choice([*_STREETS, None]),
        quartier=rng.choice([*_QUARTIERS, None]),
        zone_code=f"Z{rng.randint(1, 40)}",
        voltage=rng.choice(["BT", "MT"]),
        unpaid_count=rng.randint(1, 60),
        amount_due=rng.choice([rng.randint(0, 9_999), rng.randint(10_000, 999_999_999)]),
        suspended_on=suspended_on,
        days_suspended=(dt.date(2026, 11, 20) - suspended_on).days,
        decision=decision,
        reason=rng.choice(_REASONS),
        status=status,
        customer_code=f"C{n:07d}",
        category=rng.choice([*CustomerCategory, None]),
        delivery_point=rng.choice([f"PDL-{n:012d}", None]),
        meter_serial=rng.choice([f"CPT{rng.randint(0, 10**8)}", "SAGEMCOM-XS-2026-000123456789"]),
        document_number=rng.choice([f"L-2026-{n:06d}", None]),
        **more,  # type: ignore[arg-type]
    )


def _documents() -> dict[str, ListDocument]:
    rng = random.Random(18)
    out = {}
    for kind, count in (
        (ListKind.A_RELANCER, 90),
        (ListKind.A_RESILIER, 140),
        (ListKind.CONTROLE, 120),
    ):
        out[kind.value] = ListDocument(
            kind=kind,
            agency_code="AG-COT",
            agency_name="Agence Cotonou Centre",
            bordereau_code="BT-COT-2026-09",
            voltage="BT",
            period="2026-09",
            run_id=7,
            run_on=dt.date(2026, 11, 20),
            validated_by="Koffi Agbo (chef)",
            validated_at=dt.datetime(2026, 11, 22, 9, 15, tzinfo=dt.UTC),
            produced_by="Koffi Agbo (chef)",
            produced_at=dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC),
            lines=[_line(rng, n, kind) for n in range(count)],
            reminder_delays={"ORDINAIRE": 7, "VIP": 15},
            journal=JournalMark(1234, "9f" * 32),
        )
    return out


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_lists_read_as_in_the_snapshot(texts) -> None:
    got = {kind: _pages(pdf_bytes(doc, texts)) for kind, doc in _documents().items()}
    if os.environ.get("SBEE_DESK_UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.skip("snapshot written")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(expected)
    for kind, pages in expected.items():
        assert len(got[kind]) == len(pages), kind
        assert len(pages) >= 2, kind  # the sample spans pages (the header repeated)
        for number, (page, want) in enumerate(zip(got[kind], pages, strict=True), start=1):
            assert page == want, f"{kind}, page {number}"


def test_a_list_is_the_same_bytes_in_another_process() -> None:
    """The same bytes whatever the process's string hashing (``PYTHONHASHSEED``): the
    texts are laid out and encoded in the order of the rows, never in a set's order (the
    font subset numbers its glyphs in the order they are first encoded)."""
    code = (
        "import hashlib; "
        "from sbee_desk.documents.lists import load_list_texts, pdf_bytes; "
        "from tests.unit.documents.test_lists_pdf_snapshot import _documents; "
        "doc = _documents()['CONTROLE']; "
        "print(hashlib.sha256(pdf_bytes(doc, load_list_texts())).hexdigest())"
    )
    root = Path(__file__).resolve().parents[3]
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        digests.add(proc.stdout.strip())
    assert len(digests) == 1
