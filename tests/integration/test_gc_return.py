"""The return file for the gestion clientèle (#16), on SQLite and PostgreSQL: the
terminations with their date and final index, the MT index readings and the address
difficulties of step 3 — each line exported once (R13), the file re-read as
docs/return-file-format.md describes it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sbee_desk.db.models import (
    AuditEvent,
    ContractTermination,
    GcReturnFile,
    GcReturnLine,
)
from sbee_desk.services.audit import now
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.cri import countersign, enter_cri
from sbee_desk.services.gc_return import (
    COLUMNS,
    GcReturnError,
    export_return_file,
    preview,
    return_register,
)
from sbee_desk.services.letters import order_retry, record_impossible
from tests.builders import PASSWORD, World
from tests.integration.cri_world import AGENT, CHEF, CriWorld, cri_clock, done
from tests.integration.letters_world import letter

__all__ = ["cri_clock"]

D = dt.date
#: the return file's day
DAY = D(2026, 12, 9)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "return-file-format.md"


class GcWorld:
    """Three orders taken through the real CRI and countersign (two BT removals, one
    MT index check), an R8 termination without a visit, and two letters of step 3: one
    delivery recorded impossible, one sent on a new presentation."""

    def __init__(self, db) -> None:
        self.db = db
        self.cri = CriWorld(db, 2, mt=1)
        # letters: a World on the same agency (CriWorld's already created it)
        w = World.__new__(World)
        w.db, w.agency, w._counter = db, "AG1", itertools.count(1000)
        w._uow = db.uow().__enter__()
        w.s = w._uow.session
        self.impossible = letter(w, "L0001")
        self.retry = letter(w, "L0002")
        letter(w, "L0003")  # delivered normally: no difficulty
        w.commit()
        record_impossible(
            db.uow(), CHEF, self.impossible, D(2026, 11, 24),
            "adresse introuvable même au dossier client", today_=D(2026, 11, 25),
        )  # fmt: skip
        order_retry(db.uow(), CHEF, self.retry, note="voir le gardien", today_=D(2026, 11, 26))

    def terminate(self, k: int, index: str = "12345") -> None:
        """Order ``k`` done, its store return (BT), countersigned by the chef."""
        mt = k == 2
        enter_cri(self.db.uow(), AGENT, done(self.cri, k, index=index, breaker_removed=not mt))
        if not mt:
            self.cri.store_return(k)
        countersign(self.db.uow(), CHEF, [self.cri.number(k)])

    def r8(self, police: str) -> None:
        """A termination for fraud (R8), without a field visit (the R8 service is
        another engineer's: the row its countersign-free path records)."""
        with self.db.uow() as uow:
            uow.session.add(
                ContractTermination(
                    police=police, terminated_on=D(2026, 12, 8), cause="FRAUDE",
                    reason="branchement direct constaté", order_id=None, report_id=None,
                    recorded_by="chef", recorded_at=now(),
                )
            )  # fmt: skip
            uow.commit()


@pytest.fixture
def world(db, cri_clock) -> GcWorld:
    return GcWorld(db)


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM (docs)"
    assert b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header, *rows = list(reader)
    assert tuple(header) == COLUMNS
    return [dict(zip(header, row, strict=True)) for row in rows]


def count(db, model) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def by_type(rows: list[dict[str, str]], kind: str) -> list[dict[str, str]]:
    return [r for r in rows if r["type"] == kind]


def test_each_kind_of_line_is_exported_with_what_the_gestion_clientele_needs(
    db, world, tmp_path
) -> None:
    c = world.cri
    world.terminate(0, index="40017")
    world.terminate(2, index="880412")  # MT: index check
    world.r8(c.police(1))
    result = export_return_file(db.uow(), CHEF, tmp_path, "csv", today_=DAY)
    [produced] = result.files
    assert produced.file_name == "retour-gc-AG1-2026-12-09-1.csv"
    assert produced.path == tmp_path / produced.file_name
    assert produced.path is not None
    rows = read_csv(produced.path)
    assert produced.line_count == len(rows) == 6
    assert produced.counts == {"RESILIATION": 3, "INDEX_MT": 1, "ADRESSE": 2}
    assert [r["type"] for r in rows] == [
        "RESILIATION", "RESILIATION", "RESILIATION", "INDEX_MT", "ADRESSE", "ADRESSE"
    ]  # fmt: skip
    resil = {r["police"]: r for r in by_type(rows, "RESILIATION")}
    bt = resil[c.police(0)]
    assert (bt["date"], bt["index"], bt["compteur"], bt["cause"], bt["ordre"]) == (
        "2026-12-07", "40017", f"M{c.police(0)}", "IMPAYES", c.number(0)
    )  # fmt: skip
    fraud = resil[c.police(1)]
    assert (fraud["date"], fraud["index"], fraud["cause"], fraud["motif"], fraud["ordre"]) == (
        "2026-12-08", "", "FRAUDE", "branchement direct constaté", ""
    )  # fmt: skip
    assert resil[c.police(2)]["index"] == "880412"
    [mt] = by_type(rows, "INDEX_MT")
    assert (mt["police"], mt["date"], mt["index"], mt["ordre"]) == (
        c.police(2), "2026-12-07", "880412", c.number(2)
    )  # fmt: skip
    address = {r["lettre"]: r for r in by_type(rows, "ADRESSE")}
    gone = address[world.impossible]
    assert (gone["police"], gone["date"], gone["cause"], gone["motif"]) == (
        "L0001", "2026-11-24", "REMISE_IMPOSSIBLE", "adresse introuvable même au dossier client"
    )  # fmt: skip
    again = address[world.retry]
    assert (again["date"], again["cause"], again["motif"]) == (
        "2026-11-26", "NOUVELLE_PRESENTATION", "voir le gardien"
    )  # fmt: skip
    # the register keeps the file and its lines; the audit trail says who
    with db.uow() as uow:
        kept = uow.session.scalars(select(GcReturnFile)).one()
        assert produced.path is not None and kept.content == produced.path.read_bytes()
        assert (kept.seq, kept.year, kept.line_count, kept.created_by) == (1, 2026, 6, "chef")
        events = uow.session.scalars(
            select(AuditEvent.after).where(AuditEvent.action == "gc_return.export")
        ).all()
    assert len(events) == 1 and events[0]["sha256"] == produced.sha256
    assert return_register(db.uow(), CHEF)[0].file_name == produced.file_name


def test_R13_each_line_is_exported_once_a_second_run_only_the_new(db, world, tmp_path) -> None:
    world.terminate(0)
    first = export_return_file(db.uow(), CHEF, tmp_path, today_=DAY)
    assert first.line_count == 3  # one termination, two address difficulties
    assert preview(db.uow(), CHEF) == []
    world.terminate(2, index="77")
    second = export_return_file(db.uow(), CHEF, tmp_path, today_=DAY)
    [produced] = second.files
    assert produced.file_name == "retour-gc-AG1-2026-12-09-2.csv"
    assert produced.path is not None
    rows = read_csv(produced.path)
    assert sorted((r["type"], r["police"]) for r in rows) == [
        ("INDEX_MT", world.cri.police(2)), ("RESILIATION", world.cri.police(2))
    ]  # fmt: skip
    assert (tmp_path / "retour-gc-AG1-2026-12-09-1.csv").exists()  # the first stays
    assert count(db, GcReturnLine) == 5
    # a new presentation of the same letter is a new difficulty; the old one is not resent
    order_retry(db.uow(), CHEF, world.retry, note="passer le soir", today_=D(2026, 12, 1))
    [third] = export_return_file(db.uow(), CHEF, tmp_path, "xlsx", today_=DAY).files
    assert third.counts == {"RESILIATION": 0, "INDEX_MT": 0, "ADRESSE": 1}
    assert third.file_name == "retour-gc-AG1-2026-12-09-3.xlsx"


def test_nothing_new_writes_no_file(db, world, tmp_path) -> None:
    export_return_file(db.uow(), CHEF, tmp_path / "a", today_=DAY)
    files = count(db, GcReturnFile)
    result = export_return_file(db.uow(), CHEF, tmp_path / "b", today_=DAY)
    assert result.files == () and result.line_count == 0
    assert not (tmp_path / "b").exists() or list((tmp_path / "b").iterdir()) == []
    assert count(db, GcReturnFile) == files


def test_an_unwritable_folder_records_nothing(db, world, tmp_path) -> None:
    world.terminate(0)
    blocker = tmp_path / "fichier"  # a file where the folder should be: not writable
    blocker.write_text("x")
    with pytest.raises(GcReturnError) as caught:
        export_return_file(db.uow(), CHEF, blocker, today_=DAY)
    assert caught.value.code == "GC_RETURN_FOLDER_NOT_WRITABLE"
    assert "rien n'a été écrit ni enregistré" in str(caught.value)
    assert (
        blocker.read_text() == "x"
        and sorted(p.name for p in tmp_path.iterdir() if "retour" in p.name) == []
    )
    assert count(db, GcReturnFile) == count(db, GcReturnLine) == 0
    assert len(preview(db.uow(), CHEF)) == 3  # still pending
    with db.uow() as uow:
        assert (
            uow.session.scalar(select(func.count()).where(AuditEvent.action == "gc_return.export"))
            == 0
        )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="POSIX permissions")
def test_a_read_only_folder_records_nothing(db, world, tmp_path) -> None:
    world.terminate(0)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(GcReturnError) as caught:
            export_return_file(db.uow(), CHEF, locked, today_=DAY)
    finally:
        locked.chmod(0o700)
    assert caught.value.code == "GC_RETURN_FOLDER_NOT_WRITABLE"
    assert list(locked.iterdir()) == []
    assert count(db, GcReturnFile) == count(db, GcReturnLine) == 0


def test_only_the_chef_produces_the_return_file(db, world, tmp_path) -> None:
    out = tmp_path / "out"
    with pytest.raises(PermissionDenied):
        export_return_file(db.uow(), AGENT, out, today_=DAY)
    assert count(db, GcReturnFile) == 0 and not out.exists()


def test_xlsx_keeps_texts_as_text_and_dates_as_dates(db, world, tmp_path) -> None:
    world.terminate(0, index="40017")
    [produced] = export_return_file(db.uow(), CHEF, tmp_path, "xlsx", today_=DAY).files
    assert produced.path is not None
    sheet = load_workbook(produced.path).active
    assert sheet.title == "Retour GC"
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(header) == COLUMNS
    resil = next(dict(zip(header, r, strict=True)) for r in rows if r[0] == "RESILIATION")
    assert resil["police"] == world.cri.police(0) and resil["index"] == 40017
    assert resil["date"] == dt.datetime(2026, 12, 7)  # a date cell
    assert resil["ordre"] == world.cri.number(0)  # text: leading zeros kept


def test_the_documented_format_is_the_file_written(db, world, tmp_path) -> None:
    """docs/return-file-format.md lists the columns in order and names each kind."""
    doc = DOCS.read_text(encoding="utf-8")
    header_line = next(line for line in doc.splitlines() if line.startswith("type;"))
    assert tuple(header_line.strip().split(";")) == COLUMNS
    for word in ("RESILIATION", "INDEX_MT", "ADRESSE", "REMISE_IMPOSSIBLE", "UTF-8", "BOM"):
        assert word in doc
    world.terminate(0)
    [produced] = export_return_file(db.uow(), CHEF, tmp_path, today_=DAY).files
    assert produced.path is not None
    first = produced.path.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert first == header_line.strip()


# ------------------------------------------------------------------ the command line


@pytest.fixture
def cli(db_url, db, world, monkeypatch, capsys):
    from sbee_desk.cli import main

    monkeypatch.setenv("SBEE_DESK_DB", db_url)
    monkeypatch.setenv("SBEE_DESK_USER", "chef")
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    monkeypatch.setattr("sbee_desk.services.clock.today", lambda: DAY)
    monkeypatch.setattr("sbee_desk.services.gc_return.export.today", lambda: DAY)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_exports_then_says_nothing_new(cli, tmp_path) -> None:
    tmp_path = tmp_path / "out"
    code, out, err = cli("gc-return", "--out", str(tmp_path))
    assert code == 0, err
    assert "2 lignes exportées" in out and "retour-gc-AG1-2026-12-09-1.csv" in out
    rows = read_csv(tmp_path / "retour-gc-AG1-2026-12-09-1.csv")
    assert [r["type"] for r in rows] == ["ADRESSE", "ADRESSE"]
    code, out, err = cli("gc-return", "--out", str(tmp_path), "--json")
    assert code == 0 and '"files": []' in out
    code, out, _ = cli("gc-return", "--out", str(tmp_path))
    assert code == 0 and "Rien de nouveau" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["retour-gc-AG1-2026-12-09-1.csv"]


def test_cli_unwritable_folder_exit_2_french_nothing_recorded(cli, db, tmp_path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    code, out, err = cli("gc-return", "--out", str(blocker / "sous-dossier"))
    assert code == 2 and out == ""
    assert "impossible d'écrire dans le dossier" in err and "rien n'a été écrit" in err
    assert count(db, GcReturnFile) == count(db, GcReturnLine) == 0


def test_cli_bad_format_exit_2(cli, db, tmp_path) -> None:
    out = tmp_path / "out"
    code, _, err = cli("gc-return", "--out", str(out), "--format", "ods")
    assert code == 2 and "Format « ods » inconnu" in err
    assert count(db, GcReturnFile) == 0 and not out.exists()


def test_R13_the_database_refuses_a_line_exported_twice(db, world, tmp_path) -> None:
    """The register's unique (type, source) is the last word, whatever the code does."""
    export_return_file(db.uow(), CHEF, tmp_path, today_=DAY)
    with db.uow() as uow:
        line = uow.session.scalars(select(GcReturnLine)).first()
        assert line is not None
        uow.session.add(
            GcReturnLine(
                file_id=line.file_id,
                line_kind=line.line_kind,
                source_key=line.source_key,
                police=line.police,
            )
        )
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_cli_preview_lists_without_recording(cli, db, tmp_path) -> None:
    code, out, err = cli("gc-return", "--preview", "--json")
    assert code == 0, err
    lines = json.loads(out)["lines"]
    assert sorted(x["cause"] for x in lines) == ["NOUVELLE_PRESENTATION", "REMISE_IMPOSSIBLE"]
    assert all(x["type"] == "ADRESSE" and x["agence"] == "AG1" for x in lines)
    assert count(db, GcReturnFile) == 0


def test_cli_without_out_or_with_a_future_date_exit_2(cli, db, tmp_path) -> None:
    code, _, err = cli("gc-return")
    assert code == 2 and "--out" in err
    code, _, err = cli("gc-return", "--out", str(tmp_path / "o"), "--date", "2026-12-10")
    assert code == 2 and "à venir" in err
    assert count(db, GcReturnFile) == 0 and not (tmp_path / "o").exists()


def test_the_dossier_tells_what_was_sent_to_the_gestion_clientele(db, world, tmp_path) -> None:
    from sbee_desk.services.contract_card import contract_card
    from sbee_desk.wording.contract_card import event_words

    world.terminate(0, index="40017")
    result = export_return_file(db.uow(), CHEF, tmp_path, "csv", today_=DAY)
    [produced] = result.files
    card = contract_card(db.uow(), CHEF, world.cri.police(0))
    sent = [event_words(e.kind, e.facts) for e in card.events if e.kind == "gc_return"]
    assert sent == [
        f"Envoyé à la gestion clientèle (résiliation et index final, fichier {produced.file_name})"
    ]
