"""R7 wins over printing, whatever the interleaving of an import and the night edition
(#12): an order or letter cancelled by an import is never in a document or combined
file produced after the cancellation committed; what was produced before is flagged.

The interleavings are driven step by step, no sleeps: the import runs from the
edition's own progress hook (between two chunks) or right after a combined file was
drawn and before it is stored; the lock test pauses the edition inside its chunk
transaction on a :class:`threading.Event`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from sbee_desk.db.models import AuditEvent, EditionDocument, WorkOrder
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.worker import render_combined
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit_log as al
from sbee_desk.services.actor import Actor
from sbee_desk.services.edition import (
    Recipient,
    combined_pdf,
    list_batches,
    list_documents,
    printable_documents,
    run_edition,
)
from sbee_desk.services.edition import batch as batch_module
from sbee_desk.services.edition import combined as combined_module
from sbee_desk.services.importing import import_export
from sbee_desk.services.r7 import serialise_with_r7
from sbee_desk.wording.audit import AUDIT_FIELD_LABELS
from tests.integration.edition_world import CHEF, TODAY, debtor, pdf_text, validate_all, world
from tests.integration.test_import import HEADERS, write_csv

#: twelve BT contracts with an order each, printed in this order (same zone, quartier,
#: address): chunks of four documents
POLICES = [f"PR{k:02d}" for k in range(1, 13)]
#: the contracts the day's export shows restored: two already produced when it lands
#: (PR03, PR04, in the first chunk), the others not yet
RESTORED = POLICES[2:10]


def _orders(db, polices: list[str] = POLICES) -> None:
    w = world(db)
    for police in polices:
        debtor(w, police)
    w.commit()
    validate_all(db)


def _export(folder: Path, polices: list[str] = RESTORED) -> Path:
    write_csv(
        folder,
        "interruptions",
        HEADERS["interruptions"],
        [[p, "01/10/2026", "BT-2026-09", "21/11/2026"] for p in polices],
    )
    return folder


def _import(db, folder: Path, polices: list[str] = RESTORED) -> int:
    result = import_export(db.uow(), CHEF, _export(folder, polices), today_=TODAY)
    return len(result.r7_cancelled)


def _documents(db) -> dict[str, tuple[bool, bool]]:
    """police → (document flagged cancelled, its order cancelled)."""
    with db.uow() as uow:
        rows = uow.session.execute(
            select(EditionDocument.police, EditionDocument.cancelled, WorkOrder.cancelled_on).join(
                WorkOrder, WorkOrder.id == EditionDocument.order_id
            )
        ).all()
    return {r.police: (r.cancelled, r.cancelled_on is not None) for r in rows}


def _combined_polices(db, batch_id: int, polices: list[str] = POLICES) -> set[str]:
    content = combined_pdf(db.uow(), batch_id, Recipient.CHEF_RPNT)[1]
    shown = pdf_text(content)
    return {p for p in polices if p in shown}


def _assert_cancellation_won(
    db,
    batch_id: int,
    out: Path | None = None,
    polices: list[str] = POLICES,
    restored: list[str] = RESTORED,
) -> None:
    docs = _documents(db)
    # every document of a cancelled order is flagged, none of a live one
    assert {p for p, (flag, _) in docs.items() if flag} == {
        p for p, (_, work) in docs.items() if work
    }
    live = set(polices) - set(restored)
    assert _combined_polices(db, batch_id, polices) == live
    name, _content, stale = combined_pdf(db.uow(), batch_id, Recipient.CHEF_RPNT)
    assert not stale
    assert {d.police for d in list_documents(db.uow(), batch_id) if not d.cancelled} == live
    printable = printable_documents(db.uow(), batch_id, Recipient.CHEF_RPNT)
    assert len(printable) == len(live)
    if out is not None:
        shown = pdf_text((out / name).read_bytes())
        assert {p for p in polices if p in shown} == live
        # a copy on disk only for the documents stored
        copies = {p for p in polices for f in out.glob("*.pdf") if p in f.name}
        assert copies == set(docs)


def test_R7_an_import_between_two_chunks_of_the_edition_wins_over_printing(db, tmp_path) -> None:
    """The issue's interleaving: the edition has read its pending orders and produced
    the first chunk when the import restoring eight of them commits."""
    _orders(db)
    cancelled: list[int] = []

    def between_chunks(done: int, total: int) -> None:
        if done == 4 and not cancelled:  # the first chunk (PR01..PR04) is stored
            cancelled.append(_import(db, tmp_path / "j2"))

    result = run_edition(
        db.uow(),
        CHEF,
        out_dir=tmp_path / "out",
        workers=0,
        progress=between_chunks,
        today_=TODAY,
    )
    assert cancelled == [len(RESTORED)]
    assert result.batch_id is not None and not result.interrupted
    _assert_cancellation_won(db, result.batch_id, tmp_path / "out")
    # produced after the cancellation: none; before it (PR03, PR04): kept, flagged
    assert set(_documents(db)) == {*POLICES[:4], *POLICES[10:]}
    assert result.orders == 6
    # what the batch says of itself counts them
    [batch] = list_batches(db.uow())
    assert batch.cancelled_documents == 2


def test_R7_an_import_between_drawing_and_storing_the_combined_file_wins(
    db, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every document is produced, the orders' combined file is drawn; the import
    cancelling eight of them commits before it is stored: it is drawn again."""
    _orders(db)
    imported: list[int] = []

    def draw_then_import(*args: Any, **kwargs: Any) -> Any:
        drawn = render_combined(*args, **kwargs)
        if not imported:
            imported.append(_import(db, tmp_path / "j2"))
        return drawn

    monkeypatch.setattr(combined_module, "render_combined", draw_then_import)
    result = run_edition(db.uow(), CHEF, out_dir=tmp_path / "out", workers=0, today_=TODAY)
    assert imported == [len(RESTORED)]
    assert result.batch_id is not None
    _assert_cancellation_won(db, result.batch_id, tmp_path / "out")
    [combined] = result.combined
    assert combined.documents == 4 and not combined.stale


def test_R7_an_import_while_worker_processes_render_wins_over_printing(sqlite_db, tmp_path) -> None:
    """The same with the pool: chunks already rendered by the workers from the values
    read before the import, and the combined file drawn beside them, are checked
    again when stored."""
    db = sqlite_db
    polices = [f"PW{k:03d}" for k in range(48)]
    restored = polices[1:48:3]  # spread over every chunk
    _orders(db, polices)
    cancelled: list[int] = []

    def first_chunk_stored(done: int, total: int) -> None:
        if done and not cancelled:
            cancelled.append(_import(db, tmp_path / "j2", restored))

    result = run_edition(
        db.uow(),
        CHEF,
        out_dir=tmp_path / "out",
        workers=2,
        progress=first_chunk_stored,
        today_=TODAY,
    )
    assert cancelled == [len(restored)] and result.workers == 2
    assert result.batch_id is not None and not result.interrupted
    _assert_cancellation_won(db, result.batch_id, tmp_path / "out", polices, restored)
    assert result.orders < len(polices)  # what was cancelled before it was stored: left out


def test_R7_a_combined_file_already_used_stays_as_printed_and_is_marked_stale(db, tmp_path) -> None:
    """Cancelled after the orders were printed: the documents are flagged, the combined
    file is left as it was printed (stale, not offered), its copy not written again."""
    from sbee_desk.services.edition import combined_files, mark_printed

    _orders(db)
    out = tmp_path / "out"
    first = run_edition(db.uow(), CHEF, out_dir=out, workers=0, today_=TODAY)
    assert first.batch_id is not None
    [printed] = first.combined
    mark_printed(db.uow(), CHEF, [d.id for d in list_documents(db.uow(), first.batch_id)])
    assert _import(db, tmp_path / "j2") == len(RESTORED)
    (out / printed.file_name).unlink()
    again = run_edition(db.uow(), CHEF, out_dir=out, workers=0, today_=TODAY)
    assert again.batch_id is None
    [combined] = combined_files(db.uow(), first.batch_id)
    assert combined.sha256 == printed.sha256 and combined.stale
    assert combined_pdf(db.uow(), first.batch_id, Recipient.CHEF_RPNT)[2]  # stale
    assert not (out / printed.file_name).exists()
    assert len(printable_documents(db.uow(), first.batch_id)) == len(POLICES) - len(RESTORED)


def _cancel_behind_the_back(db, polices: list[str]) -> None:
    """What the defect left: orders cancelled, their documents not flagged."""
    with db.engine.begin() as conn:
        for police in polices:
            conn.execute(
                text(
                    "UPDATE work_order SET cancelled_on = :on, "
                    "cancel_reason = 'Rétablissement du 21/11/2026 (R7)' WHERE police = :p"
                ),
                {"on": TODAY, "p": police},
            )


def test_R7_a_rerun_repairs_what_an_earlier_interleaving_left(db, tmp_path) -> None:
    """Documents left unflagged and a combined file holding cancelled orders (as the
    defect left them, before anything was printed): the next run flags the documents
    and draws the combined file again without them."""
    _orders(db)
    out = tmp_path / "out"
    first = run_edition(db.uow(), CHEF, out_dir=out, workers=0, today_=TODAY)
    assert first.batch_id is not None
    _cancel_behind_the_back(db, RESTORED)
    rerun = run_edition(db.uow(), CHEF, out_dir=out, workers=0, today_=TODAY)
    assert rerun.batch_id is None  # nothing new to produce
    _assert_cancellation_won(db, first.batch_id, out)
    with db.uow() as uow:
        repairs = [
            (e.entity, e.details, e.before, e.after)
            for e in uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "edition.r7_cancel")
            )
        ]
    flagged = sorted(d["police"] for entity, d, _, _ in repairs if entity == "edition_document")
    assert flagged == RESTORED
    [redrawn] = [(b, a) for entity, _, b, a in repairs if entity == "edition_batch"]
    assert (redrawn[0]["documents"], redrawn[1]["documents"]) == (12, 4)
    # the journal words them in French
    reader = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}), "Utilisateur chef")
    for entry in al.iter_audit_events(db.uow(), reader, al.AuditFilter()):
        if entry.action != "edition.r7_cancel":
            continue
        for values in (entry.before, entry.after, entry.details):
            assert set(values or {}) <= set(AUDIT_FIELD_LABELS), values
        row = al.audit_row(entry)
        for shown in (row.object, row.change, row.details):
            assert "edition_" not in shown and "ORDER" not in shown, shown
    # and once repaired, the next run has nothing left to do
    again = run_edition(db.uow(), CHEF, out_dir=out, workers=0, today_=TODAY)
    assert (again.batch_id, again.files_written) == (None, 0)


# ------------------------------------------------------------------ the lock (threads)


@pytest.fixture
def paused_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Pause the edition inside its first chunk transaction, once it holds the R7
    lock: ``(inside, release)``."""
    inside, release = threading.Event(), threading.Event()

    def hold(uow: UnitOfWork) -> None:
        serialise_with_r7(uow)
        if not inside.is_set():
            inside.set()
            assert release.wait(60)

    monkeypatch.setattr(batch_module, "serialise_with_r7", hold)
    yield inside, release
    release.set()


def test_R7_an_import_committing_while_a_chunk_is_being_stored_waits_for_it(
    db, tmp_path, paused_chunk
) -> None:
    """The chunk transaction holds the R7 lock: the import's cancellation waits until
    the chunk is committed, then flags its documents (no window between the check and
    the insert)."""
    inside, release = paused_chunk
    _orders(db)
    results: dict[str, object] = {}

    def edition() -> None:
        try:
            results["edition"] = run_edition(db.uow(), CHEF, workers=0, today_=TODAY)
        except Exception as exc:  # reported below
            results["edition"] = exc

    def importing() -> None:
        try:
            results["import"] = _import(db, tmp_path / "j2")
        except Exception as exc:  # reported below
            results["import"] = exc

    first = threading.Thread(target=edition)
    first.start()
    assert inside.wait(60)
    second = threading.Thread(target=importing)
    second.start()
    # the import cannot finish while the chunk transaction is open
    second.join(1)
    assert second.is_alive()
    release.set()
    first.join(120)
    second.join(120)
    assert results["import"] == len(RESTORED), results
    edition_result = results["edition"]
    assert not isinstance(edition_result, Exception), edition_result
    _assert_cancellation_won(db, edition_result.batch_id)  # type: ignore[attr-defined]


def test_R7_an_import_while_documents_are_being_marked_printed_flags_them(
    db, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Printing records its documents, the import cancelling some of them lands before
    it commits: neither deadlocks; the import waits, then flags the printed documents
    (and says nothing is in the field yet); the print queue no longer offers them."""
    from sbee_desk.services import print_queue

    _orders(db)
    batch_id = run_edition(db.uow(), CHEF, workers=0, today_=TODAY).batch_id
    assert batch_id is not None
    ids = [d.id for d in list_documents(db.uow(), batch_id)]
    flushed, release = threading.Event(), threading.Event()
    real_flush = print_queue._flush

    def flush_then_wait(uow: UnitOfWork) -> None:
        real_flush(uow)  # the documents' rows are now locked by this transaction
        flushed.set()
        assert release.wait(60)

    monkeypatch.setattr(print_queue, "_flush", flush_then_wait)
    results: dict[str, object] = {}

    def printing() -> None:
        try:
            results["print"] = print_queue.mark_printed(db.uow(), CHEF, ids)
        except Exception as exc:  # reported below
            results["print"] = exc

    def importing() -> None:
        try:
            results["import"] = _import(db, tmp_path / "j2")
        except Exception as exc:  # reported below
            results["import"] = exc

    first = threading.Thread(target=printing)
    first.start()
    assert flushed.wait(60)
    second = threading.Thread(target=importing)
    second.start()
    second.join(1)
    assert second.is_alive()  # waits for the printing to commit
    release.set()
    first.join(120)
    second.join(120)
    assert results == {"print": len(POLICES), "import": len(RESTORED)}, results
    docs = _documents(db)
    assert {p for p, (flag, _) in docs.items() if flag} == set(RESTORED)
    live = {d.police for d in list_documents(db.uow(), batch_id) if not d.cancelled}
    assert live == set(POLICES) - set(RESTORED)
