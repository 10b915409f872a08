"""#16 — the classeur is one register of every file the agency archived: the lists of
step 1, the hand-off lists to the apurement and the contentieux (R12, reprints as
copies) and the return files for the gestion clientèle; each can be copied (same
bytes, audited) and a copy checked against its SHA-256 — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from sbee_desk.db.models import AuditEvent, GcReturnFile, HandoffFile
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit_log as al
from sbee_desk.services.actor import Actor
from sbee_desk.services.classeur import (
    ArchiveSource,
    RegisterEntry,
    archive_register,
    archived_content,
    check_copy,
    save_copy,
)
from sbee_desk.services.gc_return import export_return_file
from sbee_desk.services.handoff import reprint_handoff, run_handoff
from sbee_desk.services.lists import ListError
from sbee_desk.wording.audit import AUDIT_FIELD_LABELS
from tests.builders import PASSWORD, add_user
from tests.integration.cri_world import CHEF, cri_clock
from tests.integration.handoff_world import HANDOFF_DAY, HandoffWorld

__all__ = ["cri_clock"]

READER = Actor("direction")


@pytest.fixture
def archived(db, cri_clock, tmp_path: Path) -> HandoffWorld:
    """Two terminations handed off (apurement, contentieux: both owe), the hand-off
    reprinted (copies), then the return file for the gestion clientèle."""
    world = HandoffWorld(db, 2)
    with db.uow() as uow:
        add_user(uow.session, "direction", Role.DIRECTION)
        uow.commit()
    world.terminate(0, 1)
    run_handoff(db.uow(), CHEF, None, today_=HANDOFF_DAY)
    reprint_handoff(db.uow(), CHEF, 1, None)
    export_return_file(db.uow(), CHEF, tmp_path / "retour", today_=HANDOFF_DAY)
    return world


def stored(db, model, entry_id: int) -> bytes:
    with db.uow() as uow:
        return bytes(uow.session.scalar(select(model.content).where(model.id == entry_id)))


def by_source(entries: list[RegisterEntry]) -> dict[ArchiveSource, list[RegisterEntry]]:
    found: dict[ArchiveSource, list[RegisterEntry]] = {}
    for entry in entries:
        found.setdefault(entry.source, []).append(entry)
    return found


def test_the_classeur_holds_the_hand_offs_and_the_return_files(db, archived) -> None:
    register = archive_register(db.uow(), actor=READER)  # READ is enough
    found = by_source(register)
    assert set(found) == {
        ArchiveSource.APUREMENT,
        ArchiveSource.CONTENTIEUX,
        ArchiveSource.GC_RETURN,
    }
    stems = {ArchiveSource.APUREMENT: "apurement", ArchiveSource.CONTENTIEUX: "contentieux"}
    for source, stem in stems.items():
        entries = found[source]
        # Excel and PDF, handed off then reprinted (copies), transmission n° 1 of the 10th
        assert sorted((e.file_name, e.is_copy) for e in entries) == [
            (f"{stem}-2026-12-10-copie.pdf", True),
            (f"{stem}-2026-12-10-copie.xlsx", True),
            (f"{stem}-2026-12-10.pdf", False),
            (f"{stem}-2026-12-10.xlsx", False),
        ]
        for e in entries:
            assert (e.reference, e.reference_on) == (1, HANDOFF_DAY)
            assert (e.kind, e.run_id, e.bordereau_code) == (None, None, "")
            content = stored(db, HandoffFile, e.entry_id)
            assert e.size == len(content) > 0
            assert e.sha256 == hashlib.sha256(content).hexdigest()
            assert e.has_file and e.created_by == CHEF.login
    (gc,) = found[ArchiveSource.GC_RETURN]
    assert gc.file_name.startswith("retour-gc-AG1-") and gc.file_name.endswith(".csv")
    assert (gc.reference, gc.reference_on, gc.agency_code) == (1, HANDOFF_DAY, "AG1")
    assert gc.line_count == 2 and not gc.is_copy and gc.file_format == "csv"
    content = stored(db, GcReturnFile, gc.entry_id)
    assert (gc.size, gc.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    # one register, oldest first: the hand-off, its reprint, then the return file
    assert register[-1] == gc
    assert [e.is_copy for e in register[:8]] == [False] * 4 + [True] * 4
    assert len({e.key for e in register}) == len(register) == 9


def test_the_classeur_is_filtered_by_register(db, archived) -> None:
    assert {e.source for e in archive_register(db.uow(), source="RETOUR_GC")} == {
        ArchiveSource.GC_RETURN
    }
    contentieux = archive_register(db.uow(), source=ArchiveSource.CONTENTIEUX)
    assert len(contentieux) == 4 and all(e.file_name.startswith("contentieux") for e in contentieux)
    # a run, a bordereau or a list kind are step 1's: none of the other registers
    assert archive_register(db.uow(), run_id=1) == []
    assert archive_register(db.uow(), kind="A_RESILIER") == []
    assert archive_register(db.uow(), source=ArchiveSource.LISTS) == []
    with pytest.raises(ListError, match="Registre du classeur « LETTRES » inconnu"):
        archive_register(db.uow(), source="LETTRES")


@pytest.mark.parametrize(
    "source", [ArchiveSource.APUREMENT, ArchiveSource.CONTENTIEUX, ArchiveSource.GC_RETURN]
)
def test_a_copy_of_any_register_is_the_same_bytes_and_is_checked(
    db, archived, tmp_path: Path, source: ArchiveSource
) -> None:
    entry = next(e for e in archive_register(db.uow(), source=source) if e.file_format != "pdf")
    target = tmp_path / "copie" / entry.file_name
    assert save_copy(db.uow(), READER, entry.entry_id, target, entry.source) == target
    name, archived_bytes = archived_content(db.uow(), entry.entry_id, entry.source)
    assert name == entry.file_name and target.read_bytes() == archived_bytes
    assert check_copy(db.uow(), entry.entry_id, target, entry.source)
    # a copy changed since is flagged
    target.write_bytes(archived_bytes + b"\n")
    assert not check_copy(db.uow(), entry.entry_id, target, entry.source)
    # the journal names the copy: the hand-off by its transmission n°
    with db.uow() as uow:
        event = uow.session.execute(
            select(
                AuditEvent.actor, AuditEvent.entity, AuditEvent.entity_key, AuditEvent.details
            ).where(AuditEvent.action == "lists.copy")
        ).one()
    assert event.actor == READER.login
    assert event.details["sha256"] == entry.sha256 and event.details["path"] == str(target)
    assert event.details["file_name"] == entry.file_name
    if source is ArchiveSource.GC_RETURN:
        assert (event.entity, event.entity_key) == ("gc_return_file", str(entry.entry_id))
    else:
        assert (event.entity, event.entity_key) == ("handoff_batch", "1")
    # and reads in French in the journal
    (journal,) = [
        e
        for e in al.iter_audit_events(db.uow(), READER, al.AuditFilter(), newest_first=False)
        if e.action == "lists.copy"
    ]
    assert set(journal.details or {}) <= set(AUDIT_FIELD_LABELS)
    row = al.audit_row(journal)
    assert row.action == "Copie d'une liste archivée"
    expected = "Fichier retour" if source is ArchiveSource.GC_RETURN else "Transmission n° 1"
    assert row.object.startswith(expected), row.object
    assert entry.file_name in row.details


def test_an_id_of_another_register_is_not_found(db, archived) -> None:
    apurement = archive_register(db.uow(), source=ArchiveSource.APUREMENT)[0]
    with pytest.raises(ListError, match=r"liste pour le contentieux .* introuvable") as caught:
        archived_content(db.uow(), apurement.entry_id, ArchiveSource.CONTENTIEUX)
    assert caught.value.code == "ARCHIVED_FILE_NOT_FOUND"
    with pytest.raises(ListError, match="introuvable"):
        check_copy(db.uow(), 999, Path("x"), ArchiveSource.GC_RETURN)


@pytest.mark.parametrize("table", ["handoff_file", "gc_return_file"])
def test_a_tampered_archive_of_the_new_registers_is_refused(
    db, archived, tmp_path: Path, table: str
) -> None:
    source = ArchiveSource.GC_RETURN if table == "gc_return_file" else ArchiveSource.APUREMENT
    entry = archive_register(db.uow(), source=source)[0]
    with db.uow() as uow:
        uow.session.execute(
            text(f"UPDATE {table} SET sha256 = :h WHERE id = :id"),
            {"h": "0" * 64, "id": entry.entry_id},
        )
        uow.commit()
    with pytest.raises(ListError, match="ne correspond plus à son empreinte SHA-256") as caught:
        save_copy(db.uow(), READER, entry.entry_id, tmp_path / "copie.bin", source)
    assert caught.value.code == "ARCHIVED_FILE_TAMPERED"
    assert not (tmp_path / "copie.bin").exists()


@pytest.fixture
def cli(db_url, db, archived, monkeypatch, capsys):
    from sbee_desk.cli import main

    monkeypatch.setenv("SBEE_DESK_DB", db_url)
    monkeypatch.setenv("SBEE_DESK_USER", "chef")
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_archive_list_copy_and_check_on_the_command_line(db, cli, tmp_path: Path) -> None:
    code, out, err = cli("archive", "list", "--json")
    assert (code, err) == (0, "")
    entries = json.loads(out)["entries"]
    assert sorted(e["type"] for e in entries) == ["APUREMENT"] * 4 + ["CONTENTIEUX"] * 4 + [
        "RETOUR_GC"
    ]
    gc = entries[-1]
    assert gc["type"] == "RETOUR_GC" and gc["reference"] == 1 and gc["agence"] == "AG1"
    assert gc["run"] is None and gc["bordereau"] is None and gc["kind"] is None
    content = stored(db, GcReturnFile, gc["id"])
    assert (gc["size"], gc["sha256"]) == (len(content), hashlib.sha256(content).hexdigest())
    copies = [e for e in entries if e["copy"]]
    assert len(copies) == 4 and {e["reference"] for e in copies} == {1}

    code, out, _ = cli("archive", "list", "--type", "contentieux")
    assert code == 0 and out.startswith("Classeur : 4 entrées.")
    assert "transmission n° 1" in out

    target = tmp_path / "copie.csv"
    the_file = ("--type", "RETOUR_GC", "--id", str(gc["id"]))
    code, out, _ = cli("archive", "copy", *the_file, "--to", str(target))
    assert code == 0 and target.read_bytes() == content
    code, out, _ = cli("archive", "check", *the_file, str(target))
    assert code == 0 and "Copie conforme" in out
    target.write_bytes(content + b"x")
    code, _out, err = cli("archive", "check", *the_file, str(target))
    assert code == 1 and "copie modifiée" in err

    # bad input: a French message, exit 2, nothing written
    code, _out, err = cli("archive", "list", "--type", "LETTRES")
    assert code == 2 and "Registre du classeur « LETTRES » inconnu" in err
    code, _out, err = cli(
        "archive", "copy", "--type", "APUREMENT", "--id", "999", "--to", str(tmp_path / "x")
    )
    assert code == 2 and "introuvable" in err and not (tmp_path / "x").exists()
