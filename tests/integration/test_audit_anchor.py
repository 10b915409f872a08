"""The audit chain anchored outside the database (#12 item 5), on SQLite and PostgreSQL.

Someone holding the database file drops the triggers, then cuts the last events and
rewinds ``audit_head``, wipes the whole trail, or edits an event and recomputes every
later hash with the app's own :func:`audit.event_hash`: the chain alone verifies
again. An anchor written before (anchors file, printed list, ``--anchor``) finds each.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text

from sbee_desk.db.models import AuditEvent
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.services import audit, audit_anchor
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit_anchor import AnchorReason
from tests.builders import add_users, cli_runner
from tests.integration.test_lists_cli import DATE, export

ACTOR = Actor("chef")


@pytest.fixture
def anchors(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "ancres" / "ancres.txt"
    monkeypatch.setenv(audit_anchor.ENV_ANCHORS, str(path))
    return path


def write_events(db, n: int) -> None:
    with db.uow() as uow:
        for k in range(n):
            audit.record(
                uow, ACTOR, AuditAction.IMPORT_UPDATE, entity="contract", entity_key=f"P{k}"
            )
        uow.commit()


def drop_triggers(conn, dialect: str) -> None:
    if dialect == "sqlite":
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_event_no_update_delete ON audit_event"))


def cut_last(db, count: int) -> None:
    """Delete the last ``count`` events and rewind the head onto the one before."""
    with db.engine.begin() as conn:
        drop_triggers(conn, db.engine.dialect.name)
        last = conn.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
        keep = last - count
        conn.execute(text("DELETE FROM audit_event WHERE id > :k"), {"k": keep})
        digest = conn.execute(
            text("SELECT hash FROM audit_event WHERE id = :k"), {"k": keep}
        ).scalar_one_or_none()
        conn.execute(
            text("UPDATE audit_head SET last_id = :k, last_hash = :h"),
            {"k": keep, "h": digest or audit.GENESIS_HASH},
        )


def wipe(db) -> None:
    with db.engine.begin() as conn:
        drop_triggers(conn, db.engine.dialect.name)
        conn.execute(text("DELETE FROM audit_event"))
        conn.execute(
            text("UPDATE audit_head SET last_id = 0, last_hash = :h"), {"h": audit.GENESIS_HASH}
        )


def rewrite(db, event: int) -> None:
    """Change event ``event``'s actor and recompute its hash and every later one."""
    with db.engine.begin() as conn:
        drop_triggers(conn, db.engine.dialect.name)
        conn.execute(text("UPDATE audit_event SET actor = 'quelquun' WHERE id = :i"), {"i": event})
        table = AuditEvent.__table__
        rows = conn.execute(table.select().order_by(table.c.id)).mappings().all()
        prev = audit.GENESIS_HASH
        for row in rows:
            digest = audit.event_hash(prev, dict(row))
            conn.execute(
                text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": prev, "h": digest, "i": row["id"]},
            )
            prev = digest
        conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})


def codes(status) -> list[str]:
    return [p.code for p in status.problems]


# ------------------------------------------------------------------ services


def test_an_untouched_journal_holds_its_anchors(db, anchors) -> None:
    write_events(db, 5)
    first = audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    write_events(db, 3)
    second = audit_anchor.publish(db.uow(), AnchorReason.LISTS)
    assert (first.event, second.event) == (5, 8)
    lines = anchors.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and len([x for x in lines if not x.startswith("#")]) == 2
    status = audit_anchor.verify_with_anchors(db.uow())
    assert status.ok and len(status.checked) == 2 and not status.notes
    assert anchors.stat().st_mode & 0o077 == 0


def test_without_any_anchor_verify_says_what_it_could_not_check(db, anchors) -> None:
    write_events(db, 3)
    status = audit_anchor.verify_with_anchors(db.uow())
    assert status.ok
    assert [n.code for n in status.notes] == ["NO_FILE"]


def test_events_after_the_last_anchor_are_named_unchecked(db, anchors) -> None:
    write_events(db, 3)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    write_events(db, 2)
    status = audit_anchor.verify_with_anchors(db.uow())
    assert status.ok
    assert [(n.code, n.data) for n in status.notes] == [("AFTER_LAST", {"event": 3})]


def test_cutting_the_last_ten_events_is_found(db, anchors) -> None:
    write_events(db, 15)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    cut_last(db, 10)
    assert audit.verify_chain(db.uow()).ok  # the chain alone is fooled
    status = audit_anchor.verify_with_anchors(db.uow())
    assert not status.ok and codes(status) == ["TRUNCATED"]
    assert status.problems[0].data["event"] == 15


def test_wiping_the_trail_is_found(db, anchors) -> None:
    write_events(db, 6)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    wipe(db)
    assert audit.verify_chain(db.uow()).ok
    status = audit_anchor.verify_with_anchors(db.uow())
    assert not status.ok and codes(status) == ["TRUNCATED"]


def test_a_rewritten_chain_with_recomputed_hashes_is_found(db, anchors) -> None:
    write_events(db, 8)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    rewrite(db, 3)
    assert audit.verify_chain(db.uow()).ok
    status = audit_anchor.verify_with_anchors(db.uow())
    assert not status.ok and codes(status) == ["REWRITTEN"]


def test_the_journal_page_sees_a_wiped_trail(db, anchors) -> None:
    """The Journal d'audit page's check (verify_journal) uses the anchors too."""
    from sbee_desk.services import audit_log

    add_users(db)
    write_events(db, 6)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    assert audit_log.verify_journal(db.uow(), ACTOR).ok
    wipe(db)
    status = audit_log.verify_journal(db.uow(), ACTOR)
    assert (status.ok, status.problem, status.first_broken) == (False, "HEAD", 6)


def test_a_cut_journal_grown_again_past_its_anchor_is_found(db, anchors) -> None:
    write_events(db, 10)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    cut_last(db, 4)
    write_events(db, 6)  # the app goes on: events 7..12 are new ones
    assert audit.verify_chain(db.uow()).ok
    assert codes(audit_anchor.verify_with_anchors(db.uow())) == ["REWRITTEN"]


def test_a_changed_database_identity_does_not_hide_the_anchors(db, anchors) -> None:
    write_events(db, 4)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    wipe(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE app_meta SET value = 'autre' WHERE key = 'database_id'"))
    assert codes(audit_anchor.verify_with_anchors(db.uow())) == ["FOREIGN"]
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM app_meta WHERE key = 'database_id'"))
    assert codes(audit_anchor.verify_with_anchors(db.uow())) == ["FOREIGN"]


def test_an_anchor_given_by_hand_finds_a_rewrite_when_the_file_is_gone(db, anchors) -> None:
    write_events(db, 5)
    printed = audit_anchor.publish(db.uow(), AnchorReason.LISTS)
    rewrite(db, 2)
    anchors.unlink()  # the anchors file removed too
    given = audit_anchor.parse_anchor(f"{printed.event}:{printed.hash[:16]}…")
    status = audit_anchor.verify_with_anchors(db.uow(), [given])
    assert codes(status) == ["REWRITTEN"]


def test_anchors_of_other_databases_are_skipped(db, anchors) -> None:
    anchors.parent.mkdir(parents=True)
    anchors.write_text(
        f"2026-01-01T00:00:00Z\tautrebase\t/ailleurs/sbee.db\t99\t{'a' * 64}\tlistes\n"
        "ligne abîmée\n",
        encoding="utf-8",
    )
    write_events(db, 2)
    status = audit_anchor.verify_with_anchors(db.uow())
    assert status.ok
    assert sorted(n.code for n in status.notes) == ["BAD_LINE", "NO_ANCHOR", "OTHER_DATABASES"]


def test_an_anchors_file_that_cannot_be_written_is_a_clear_error(db, tmp_path, monkeypatch):
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    monkeypatch.setenv(audit_anchor.ENV_ANCHORS, str(blocker / "ancres.txt"))
    write_events(db, 1)
    with pytest.raises(audit_anchor.AnchorError, match="Ancre du journal d'audit non écrite"):
        audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    assert audit_anchor.publish_quietly(db.uow(), AnchorReason.LISTS) is None


def test_the_backup_gets_the_head_for_its_manifest(db, anchors) -> None:
    write_events(db, 3)
    manifest = audit_anchor.anchor_for_backup(db.uow())
    with db.uow() as uow:
        head = audit.chain_head(uow)
    assert (manifest["event"], manifest["hash"]) == (head.event, head.hash)
    assert anchors.read_text(encoding="utf-8").rstrip().endswith("\tsauvegarde")


# ------------------------------------------------------------------ CLI


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch, capsys, validation_clock, anchors):
    """`sbee-desk` as chef on a database holding one import (which anchored the chain)."""
    from sbee_desk.db.database import open_database

    run = cli_runner(db_url, monkeypatch, capsys)
    db = open_database(db_url)
    try:
        write_events(db, 12)  # enough history to cut ten events of it
    finally:
        db.dispose()
    assert run("import", str(export(tmp_path / "export")))[0] == 0
    return run


@pytest.mark.parametrize("attack", ["cut", "wipe", "rewrite"])
def test_audit_verify_fails_in_french_after_each_attack(cli, db_url, attack) -> None:
    from sbee_desk.db.database import open_database

    code, out, _ = cli("audit", "verify")
    assert code == 0 and "Journal d'audit intègre" in out
    db = open_database(db_url)
    try:
        {
            "cut": lambda: cut_last(db, 10),
            "wipe": lambda: wipe(db),
            "rewrite": lambda: rewrite(db, 2),
        }[attack]()
    finally:
        db.dispose()
    code, out, err = cli("audit", "verify")
    assert code == 2, out
    assert "Journal d'audit ALTÉRÉ" in err
    assert {
        "cut": "la fin du journal a été supprimée",
        "wipe": "la fin du journal a été supprimée",
        "rewrite": "le journal a été réécrit",
    }[attack] in err


def test_audit_anchor_and_verify_with_a_printed_anchor(cli, anchors) -> None:
    code, out, _ = cli("audit", "anchor")
    assert code == 0
    assert f"Ancre ajoutée à {anchors}." in out
    command = out.strip().splitlines()[-1]
    given = command.split("--anchor ")[1]
    code, out, _ = cli("audit", "verify", "--anchor", given)
    assert code == 0 and "ancres concordantes" in out
    code, _, err = cli("audit", "verify", "--anchor", "12:xyz")
    assert code == 2 and "--anchor : ancre « 12:xyz » illisible" in err
    code, _, err = cli("audit", "verify", "--anchor", f"99999:{'0' * 16}")
    assert code == 2 and "n'est plus dans le journal" in err


def test_no_anchors_file_is_named_by_verify(cli, anchors) -> None:
    anchors.unlink()
    code, out, _ = cli("audit", "verify")
    assert code == 0
    assert "Non vérifié : aucun fichier d'ancres" in out


def test_lists_print_the_head_and_anchor_it(cli, anchors, tmp_path) -> None:
    code, out, _ = cli("select", "--date", DATE)
    run = out.strip()
    assert cli("validate", "--run", run, "--bordereau", "BT-09")[0] == 0
    out_dir = tmp_path / "listes"
    code, _, err = cli("lists", "--run", run, "--bordereau", "BT-09", "--out", str(out_dir))
    assert code == 0, err
    pdf = PdfReader(io.BytesIO((out_dir / f"BT-09-{run}-a-resilier.pdf").read_bytes()))
    page = " ".join(pdf.pages[0].extract_text().split())
    assert "Journal d'audit : événement n° " in page
    printed = page.split("Journal d'audit : événement n° ")[1].split()
    event, digest = int(printed[0].rstrip(",")), printed[2]
    assert len(digest) == 64
    wb = load_workbook(out_dir / f"BT-09-{run}-a-resilier.xlsx")
    ws = wb.active
    assert f"événement n° {event}, empreinte {digest}" in ws.oddFooter.center.text
    assert any(
        f"empreinte {digest}" in str(c.value) for row in ws.iter_rows(max_row=6) for c in row
    )
    # the import anchored the chain, then the production of the lists (their events)
    lines = [x.split("\t") for x in anchors.read_text(encoding="utf-8").splitlines()[2:]]
    assert [x[5] for x in lines] == ["import", "listes"]
    assert int(lines[0][3]) < event < int(lines[1][3])
    # a printed list is an anchor: checked by hand
    code, out, _ = cli("audit", "verify", "--anchor", f"{event}:{digest}")
    assert code == 0, out


def test_many_anchors_in_defect_are_summed_up(cli, db_url, anchors) -> None:
    from sbee_desk.db.database import open_database

    for _ in range(8):
        assert cli("audit", "anchor")[0] == 0
    db = open_database(db_url)
    try:
        cut_last(db, 10)
    finally:
        db.dispose()
    code, _, err = cli("audit", "verify")
    assert code == 2
    assert err.count("Journal d'audit ALTÉRÉ") == 5
    assert "… et 4 autres ancres en défaut." in err  # the import's anchor, then 8


def test_an_edition_run_anchors_the_chain(cli, anchors, tmp_path) -> None:
    code, out, _ = cli("select", "--date", DATE)
    assert cli("validate", "--run", out.strip(), "--all")[0] == 0
    code, _, err = cli("edition", "--out", str(tmp_path / "edition"))
    assert code == 0, err
    last = anchors.read_text(encoding="utf-8").splitlines()[-1].split("\t")
    assert last[5] == "edition"
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "ancres concordantes" in out


def test_a_line_cut_short_is_not_glued_to_the_next_anchor(db, anchors) -> None:
    write_events(db, 2)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    with anchors.open("ab") as handle:
        handle.write(b"2026-12-05T06:00:00Z\tcoupee")  # a write interrupted mid-line
    write_events(db, 1)
    audit_anchor.publish(db.uow(), AnchorReason.COMMAND)
    status = audit_anchor.verify_with_anchors(db.uow())
    assert status.ok and len(status.checked) == 2
    assert [n.code for n in status.notes] == ["BAD_LINE"]
