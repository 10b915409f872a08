"""#16 — the hand-off of the terminated contracts to the apurement de contrat and the
contentieux (R12), each once (R13): registers, files re-read, reprint « COPIE »,
a folder that cannot be written; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import (
    AuditEvent,
    HandoffBatch,
    HandoffFile,
    LitigationHandoff,
    SettlementHandoff,
)
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.handoff import (
    NOTHING_NEW,
    HandoffError,
    batches,
    pending_count,
    reprint_handoff,
    run_handoff,
    terminations,
)
from tests.builders import PASSWORD
from tests.integration.cri_world import CHEF, cri_clock
from tests.integration.handoff_world import HANDOFF_DAY, HandoffWorld, pdf_text, xlsx_rows

__all__ = ["cri_clock"]


@pytest.fixture
def world(db, cri_clock) -> HandoffWorld:
    return HandoffWorld(db, 3)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The hand-off folder (the database lives in tmp_path)."""
    return tmp_path / "out"


def count(db, model) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def files_of(db, number: int, *, copy: bool = False) -> dict[str, bytes]:
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(HandoffFile).where(HandoffFile.batch_id == number, HandoffFile.is_copy == copy)
        )
        return {row.file_name: bytes(row.content) for row in rows}


def data_rows(rows: list[tuple[object, ...]], police_column: int = 1) -> list[tuple[object, ...]]:
    """The rows of the table (a police number in its column)."""
    return [
        r
        for r in rows
        if isinstance(cell := r[police_column], str) and cell[:1] == "P" and cell != "Police"
    ]


def test_r12_every_termination_reaches_apurement_once(db, world, out: Path) -> None:
    world.terminate(0, 1, 2)
    assert pending_count(db.uow()) == 3
    result = run_handoff(db.uow(), CHEF, out, today_=HANDOFF_DAY)
    assert (result.number, result.settlement_count) == (1, 3)
    written = sorted(p.name for f in result.files if (p := f.path) is not None)
    assert written == [
        "apurement-2026-12-10.pdf",
        "apurement-2026-12-10.xlsx",
        "contentieux-2026-12-10.pdf",
        "contentieux-2026-12-10.xlsx",
    ]
    assert sorted(p.name for p in out.iterdir()) == written  # no temporary left
    rows = data_rows(xlsx_rows((out / "apurement-2026-12-10.xlsx").read_bytes()))
    assert [r[1] for r in rows] == [world.police(0), world.police(1), world.police(2)]
    first = rows[0]
    # final index from the CRI, meter returned, stock sheet, balance (2 × 10 000 unpaid)
    assert first[8] == 1000 and first[11] == 20_000
    assert f"FMS-{world.ids[0]}" == first[10] and "07/12/2026" in str(first[9])
    assert "Dépôt de garantie" in str(xlsx_rows(result_bytes(out, "apurement", "xlsx")))
    assert count(db, SettlementHandoff) == 3 and pending_count(db.uow()) == 0
    with pytest.raises(HandoffError) as nothing:
        run_handoff(db.uow(), CHEF, out, today_=HANDOFF_DAY)
    assert nothing.value.code == NOTHING_NEW
    assert "Aucune résiliation à transmettre" in str(nothing.value)
    assert count(db, SettlementHandoff) == 3 and count(db, HandoffBatch) == 1
    with db.uow() as uow:
        actions = uow.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("handoff.run") == 1 and actions.count("handoff.contract") == 3
    # the register keeps the files, the same bytes as written
    kept = files_of(db, 1)
    assert kept["apurement-2026-12-10.pdf"] == (out / "apurement-2026-12-10.pdf").read_bytes()


def result_bytes(folder: Path, stem: str, fmt: str) -> bytes:
    return (folder / f"{stem}-2026-12-10.{fmt}").read_bytes()


def test_r12_contentieux_only_with_debt(db, world, out: Path) -> None:
    world.pay_all(1)  # police 1 owes nothing
    first = world.invoices(0)[0]
    world.pay(first, 4_000)  # police 0 owes 6 000 + 10 000
    world.terminate(0, 1)
    result = run_handoff(db.uow(), CHEF, out, today_=HANDOFF_DAY)
    assert (result.settlement_count, result.litigation_count, result.total_due) == (2, 1, 16_000)
    with db.uow() as uow:
        owed = uow.session.scalars(select(LitigationHandoff)).one()
        assert (owed.police, owed.amount_due, owed.invoice_count) == (world.police(0), 16_000, 2)
    rows = xlsx_rows(result_bytes(out, "contentieux", "xlsx"))
    invoices = [r for r in rows if isinstance(r[4], str) and r[4].startswith("F0")]
    assert [(r[4], r[7], r[8], r[9]) for r in invoices] == [
        (first, 10_000, 4_000, 6_000),
        (world.invoices(0)[1], 10_000, 0, 10_000),
    ]
    assert all(world.police(1) not in str(r) for r in rows)
    assert any("seize mille francs CFA" in str(r[0]) for r in rows)
    text = pdf_text(result_bytes(out, "contentieux", "pdf"))
    assert world.police(0) in text and world.police(1) not in text
    assert "seize mille francs CFA" in text and "16" in text
    apurement = data_rows(xlsx_rows(result_bytes(out, "apurement", "xlsx")))
    assert [(r[1], r[11]) for r in apurement] == [(world.police(0), 16_000), (world.police(1), 0)]


def test_r12_no_debt_at_all_gives_no_contentieux_file(db, world, out: Path) -> None:
    world.pay_all(0)
    world.terminate(0)
    result = run_handoff(db.uow(), CHEF, out, today_=HANDOFF_DAY)
    assert result.litigation_count == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "apurement-2026-12-10.pdf",
        "apurement-2026-12-10.xlsx",
    ]


def test_r13_second_handoff_lists_only_new(db, world, out: Path) -> None:
    world.terminate(0)
    run_handoff(db.uow(), CHEF, out, today_=HANDOFF_DAY)
    world.terminate(1)
    second = run_handoff(db.uow(), CHEF, out, today_=HANDOFF_DAY)
    assert (second.number, second.settlement_count) == (2, 1)
    names = {p.name for p in out.iterdir()}
    assert {"apurement-2026-12-10.xlsx", "apurement-2026-12-10-n2.xlsx"} <= names
    rows = data_rows(xlsx_rows((out / "apurement-2026-12-10-n2.xlsx").read_bytes()))
    assert [r[1] for r in rows] == [world.police(1)]
    again = data_rows(xlsx_rows((out / "apurement-2026-12-10.xlsx").read_bytes()))
    assert [r[1] for r in again] == [world.police(0)]  # the first one's file is untouched
    listed = terminations(db.uow(), CHEF, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert [(t.police, t.handoff_number) for t in listed] == [
        (world.police(0), 1),
        (world.police(1), 2),
    ]
    waiting = terminations(
        db.uow(), CHEF, dt.date(2026, 12, 1), dt.date(2026, 12, 31), handed_off=False
    )
    assert waiting == []
    assert [b.number for b in batches(db.uow(), CHEF)] == [2, 1]


def test_reprint_is_marked_copie_with_identical_content(db, world, tmp_path: Path) -> None:
    world.terminate(0, 1)
    first = tmp_path / "first"
    run_handoff(db.uow(), CHEF, first, today_=HANDOFF_DAY)
    world.pay_all(0)  # paid since: the reprint still shows what was handed off
    copy = tmp_path / "copy"
    result = reprint_handoff(db.uow(), CHEF, 1, copy)
    assert result.is_copy and all(f.is_copy for f in result.files)
    for stem in ("apurement", "contentieux"):
        original = xlsx_rows((first / f"{stem}-2026-12-10.xlsx").read_bytes())
        again = xlsx_rows((copy / f"{stem}-2026-12-10-copie.xlsx").read_bytes())
        assert len(original) == len(again)
        changed = [(a, b) for a, b in zip(original, again, strict=True) if a != b]
        assert len(changed) == 1 and "COPIE" in str(changed[0][1][0])  # the title only
        text = pdf_text((copy / f"{stem}-2026-12-10-copie.pdf").read_bytes())
        before = pdf_text((first / f"{stem}-2026-12-10.pdf").read_bytes())
        assert "COPIE" in text and "COPIE" not in before
        assert world.police(0) in text
        assert [line for line in before.splitlines() if world.police(0) in line] == [
            line for line in text.splitlines() if world.police(0) in line
        ]
    assert count(db, SettlementHandoff) == 2 and count(db, HandoffBatch) == 1
    assert len(files_of(db, 1, copy=True)) == 4
    with pytest.raises(HandoffError) as unknown:
        reprint_handoff(db.uow(), CHEF, 9, copy)
    assert "Aucune transmission n° 9" in str(unknown.value)


def test_only_the_chef_hands_off(db, world, out: Path) -> None:
    world.terminate(0)
    with pytest.raises(PermissionDenied):
        run_handoff(db.uow(), Actor("agent"), out, today_=HANDOFF_DAY)
    assert count(db, HandoffBatch) == 0 and not out.exists()


def _cli(monkeypatch, capsys, db_url: str):
    from sbee_desk.cli import main

    monkeypatch.setenv("SBEE_DESK_DB", db_url)
    monkeypatch.setenv("SBEE_DESK_USER", "chef")
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    monkeypatch.setattr("sbee_desk.services.handoff.run.today", lambda: HANDOFF_DAY)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_unwritable_folder_records_nothing_exit_2(
    db, db_url, world, tmp_path: Path, monkeypatch, capsys
) -> None:
    world.terminate(0)
    run = _cli(monkeypatch, capsys, db_url)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    code, out, err = run("handoff", "--out", str(blocker / "sub"))
    assert code == 2, (out, err)
    assert "Impossible d'écrire dans le dossier" in err and "rien n'a été enregistré" in err
    assert count(db, HandoffBatch) == 0 and count(db, SettlementHandoff) == 0
    assert count(db, HandoffFile) == 0
    with db.uow() as uow:
        assert not uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("handoff.%"))
        ).all()
    # then a good folder: done, files listed; again: nothing new, exit 0
    out_dir = tmp_path / "out"
    code, out, err = run("handoff", "--out", str(out_dir))
    assert code == 0, err
    assert "Transmission n° 1 du 10/12/2026" in out and "apurement-2026-12-10.pdf" in out
    code, out, err = run("handoff", "--out", str(out_dir))
    assert code == 0 and "Aucune résiliation à transmettre" in out
    code, out, err = run("handoff", "--out", str(out_dir), "--reprint", "1", "--json")
    assert code == 0 and '"copy": true' in out and "apurement-2026-12-10-copie.pdf" in out


def test_the_dossier_tells_the_handoff(db, world, out: Path) -> None:
    """The contract's dossier (#16) ends with its hand-off: apurement for each, and
    contentieux with the amount due for the one that owes."""
    from sbee_desk.services.contract_card import contract_card
    from sbee_desk.wording.contract_card import event_words

    world.pay_all(1)
    world.terminate(0, 1)
    run_handoff(db.uow(), CHEF, out, today_=HANDOFF_DAY)
    owes = contract_card(db.uow(), CHEF, world.police(0))
    paid = contract_card(db.uow(), CHEF, world.police(1))

    def texts(card) -> list[str]:
        return [
            event_words(e.kind, e.facts).replace("\u202f", " ").replace("\xa0", " ")
            for e in card.events
            if e.kind == "handoff"
        ]

    assert texts(owes) == [
        "Transmis à l'apurement de contrat (transmission n° 1, solde 20 000 FCFA)",
        "Transmis au recouvrement sur contentieux (transmission n° 1, 20 000 FCFA dus)",
    ]
    assert texts(paid) == ["Transmis à l'apurement de contrat (transmission n° 1, solde 0 FCFA)"]
