"""Step 2, the night edition: exactly once, R7 first, print order, gaps, copies (#6)."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from sbee_desk.db.models import (
    AuditEvent,
    EditionBatch,
    EditionDocument,
    Payment,
    ReminderLetter,
    Suspension,
    WorkOrder,
)
from sbee_desk.documents.resources import ENV_REPORTS, reports_dir
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.edition import (
    BatchStatus,
    DocumentKind,
    EditionError,
    Recipient,
    batch_exists,
    check_r7,
    combined_pdf,
    document_pdf,
    list_batches,
    list_documents,
    mark_printed,
    printable_documents,
    run_edition,
)
from sbee_desk.services.r7 import CancelCode
from tests.integration.edition_world import (
    CHEF,
    TODAY,
    D,
    count,
    debtor,
    document_counts,
    pdf_pages,
    pdf_text,
    validate_all,
    world,
)


def restore(uow, police: str, on) -> None:
    uow.session.scalars(
        select(Suspension).where(Suspension.police == police)
    ).one().restored_on = on


def edition(db, out: Path | None = None, **kw):
    return run_edition(db.uow(), CHEF, out_dir=out, today_=TODAY, **kw)


def actions(db, prefix: str) -> list[str]:
    with db.uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like(f"{prefix}%"))
                .order_by(AuditEvent.id)
            )
        )


def test_each_pending_letter_and_order_is_produced_exactly_once(db, tmp_path) -> None:
    w = world(db)
    debtor(w, "PB1", name="Kossi Hounkpatin")
    debtor(w, "PB2", name="Afiavi Zinsou")
    debtor(w, "PM1", voltage="MT", name="Mairie de Sèmè-Kpodji")
    debtor(w, "PM2", voltage="MT", name="Hôpital de Zone d'Abomey-Calavi")
    w.commit()
    validate_all(db)
    out = tmp_path / "out"

    result = edition(db, out)
    assert (result.letters, result.orders, result.resumed, result.interrupted) == (
        2,
        2,
        False,
        False,
    )
    assert document_counts(db) == (4, 2, 2)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"lettre-PM{k}-{n:08d}.pdf" for k, n in ((1, 1), (2, 2))]
        + [f"ordre-PB{k}-{n:08d}.pdf" for k, n in ((1, 1), (2, 2))]
        + [
            f"edition-{result.batch_id}-2026-11-22-lettres-releveur.pdf",
            f"edition-{result.batch_id}-2026-11-22-ordres-chef-rpnt.pdf",
        ]
    )
    assert result.files_written == 6
    assert batch_exists(db.uow(), result.batch_id)
    assert not batch_exists(db.uow(), result.batch_id + 1)
    with db.uow() as uow:
        for doc in uow.session.scalars(select(EditionDocument)):
            on_disk = (out / doc.file_name).read_bytes()
            assert on_disk == doc.content
            assert hashlib.sha256(on_disk).hexdigest() == doc.sha256
            assert doc.pages == pdf_pages(doc.content) == 1
            assert (doc.status, doc.print_count, doc.cancelled) == ("GENERE", 0, False)
    [batch] = list_batches(db.uow())
    assert (batch.status, batch.letters, batch.orders, batch.attempts) == (
        BatchStatus.TERMINE,
        2,
        2,
        1,
    )
    assert {c.recipient: (c.documents, c.pages) for c in batch.combined} == {
        Recipient.RELEVEUR: (2, 2),
        Recipient.CHEF_RPNT: (2, 2),
    }

    # R13: running again produces nothing, writes nothing, changes nothing
    again = edition(db, out)
    assert (again.batch_id, again.produced, again.files_written) == (None, 0, 0)
    assert document_counts(db) == (4, 2, 2)
    assert count(db, "edition_batch") == 1 and count(db, "edition_combined_file") == 2
    assert actions(db, "edition.") == [
        "edition.start",
        "edition.documents",
        "edition.finish",
    ]


def test_documents_print_the_data_of_the_database(db) -> None:
    w = world(db)
    invoices = debtor(w, "PB1", name="Gbèdégbé Adjoa épouse Hounsou", amount=25_000)
    w.payment(invoices[0], D(2026, 11, 2), 5_500)  # partly paid: 19 500 left on it
    debtor(w, "PM1", voltage="MT", name="Société Hôtelière du Bénin", amount=1_250_000)
    w.commit()
    validate_all(db)
    edition(db)
    docs = {d.kind: d for d in list_documents(db.uow(), 1)}
    order = pdf_text(document_pdf(db.uow(), docs[DocumentKind.ORDER].id)[1])
    flat = re.sub(r"\s+", " ", order)
    assert "ORDRE DE DÉPOSE" in order and "N° 00000001" in order
    assert "Gbèdégbé Adjoa épouse Hounsou" in order
    assert f"{invoices[0]} — septembre 2026 19 500 FCFA" in flat  # the bordereau period
    assert "Total dû : 44 500 FCFA soit quarante-quatre mille cinq cents francs CFA" in flat
    assert "Cotonou, le 22/11/2026" in order and "interrompue depuis le 01/10/2026" in flat
    assert "CPT-PB1" in order and "PDL-PB1" in order
    letter = pdf_text(document_pdf(db.uow(), docs[DocumentKind.LETTER].id)[1])
    flat = re.sub(r"\s+", " ", letter)
    assert "Société Hôtelière du Bénin" in letter and "LR-00000001" in letter
    assert "Total dû 2 500 000 FCFA" in letter
    assert "deux millions cinq cent mille francs CFA (2 500 000 FCFA)" in flat
    assert "7 jours à compter de la réception de la présente" in flat


def test_R7_before_edition_cancels_the_work_of_restored_or_paid_contracts(db, tmp_path) -> None:
    w = world(db)
    debtor(w, "PKEEP")
    debtor(w, "PREST")
    paid = debtor(w, "PPAID", voltage="MT")
    w.commit()
    validate_all(db)
    with db.uow() as uow:  # after validation: a restoration and a payment come in
        restore(uow, "PREST", D(2026, 11, 21))
        uow.session.add(
            Payment(
                invoice_number=paid[0], reference="RCU-1", paid_on=D(2026, 11, 21), amount=10_000
            )
        )
        uow.commit()

    result = edition(db, tmp_path / "out")
    assert {(c.police, c.code) for c in result.cancelled} == {
        ("PREST", CancelCode.RESTORED),
        ("PPAID", CancelCode.PAID),
    }
    assert (result.letters, result.orders) == (0, 1)
    assert document_counts(db) == (1, 0, 1)
    with db.uow() as uow:
        order = uow.session.scalars(select(WorkOrder).where(WorkOrder.police == "PREST")).one()
        letter = uow.session.scalars(select(ReminderLetter)).one()
        assert (order.cancelled_on, order.cancel_reason) == (
            TODAY,
            "Rétablissement du 21/11/2026 (R7)",
        )
        assert letter.cancelled_on == TODAY
        assert (
            letter.cancel_reason == "Factures réglées : 1 impayé échu au 22/11/2026, seuil 2 (R7)"
        )
        batch = uow.session.scalars(select(EditionBatch)).one()
        assert batch.cancelled == 2
    assert actions(db, "edition.r7") == ["edition.r7_cancel", "edition.r7_cancel"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[-1] == "ordre-PKEEP-00000001.pdf"


def test_R7_after_edition_crosses_the_document_out_of_the_queue(db) -> None:
    w = world(db)
    debtor(w, "PB1")
    debtor(w, "PB2")
    w.commit()
    validate_all(db)
    batch = edition(db).batch_id
    with db.uow() as uow:
        restore(uow, "PB2", TODAY)
        uow.commit()
    [cancel] = check_r7(db.uow(), CHEF, today_=TODAY)
    assert cancel.police == "PB2" and cancel.document_id is not None
    docs = {d.police: d for d in list_documents(db.uow(), batch)}
    assert docs["PB2"].cancelled and (docs["PB2"].cancel_reason or "").startswith("Rétablissement")
    assert not docs["PB1"].cancelled
    with pytest.raises(EditionError, match=r"annulé.*00000002"):
        mark_printed(db.uow(), CHEF, [docs["PB2"].id])
    assert [d[0] for d in printable_documents(db.uow(), batch, Recipient.CHEF_RPNT)] == [
        docs["PB1"].id
    ]
    *_, stale = combined_pdf(db.uow(), batch, Recipient.CHEF_RPNT)
    assert stale
    assert check_r7(db.uow(), CHEF, today_=TODAY) == []  # once


def test_combined_files_follow_zone_quartier_address(db) -> None:
    w = world(db)
    debtor(w, "P1", zone="Z2", quartier="Agla", address="Lot 1")
    debtor(w, "P2", zone="Z0", quartier="Zogbo", address="Lot 9")
    debtor(w, "P3", zone="Z0", quartier="Cadjèhoun", address="Lot 5")
    debtor(w, "P4", zone="Z0", quartier="Cadjèhoun", address=None)  # no address: last there
    debtor(w, "P5", zone="Z0", quartier="Cadjèhoun", address="Lot 2")
    debtor(w, "P6", zone=None, quartier="Agla", address="Lot 1")  # no zone: last
    w.commit()
    validate_all(db)
    batch = edition(db).batch_id
    expected = ["P5", "P3", "P4", "P2", "P1", "P6"]
    assert [d.police for d in list_documents(db.uow(), batch)] == expected
    assert [d.print_rank for d in list_documents(db.uow(), batch)] == [1, 2, 3, 4, 5, 6]
    _, content, stale = combined_pdf(db.uow(), batch, Recipient.CHEF_RPNT)
    assert not stale and pdf_pages(content) == 6
    text = pdf_text(content)
    positions = [text.index(f"Police\n{police}") for police in expected]
    assert positions == sorted(positions)


def test_gaps_are_printed_and_reported_never_skipped(db) -> None:
    w = world(db)
    debtor(w, "PNOADDR", address=None)
    debtor(w, "PNOMETER", meter=None)
    debtor(w, "PMT", voltage="MT", address="   ")
    w.commit()
    validate_all(db)
    result = edition(db)
    assert result.produced == 3
    gaps = {g.police: g.gaps for g in result.gaps}
    assert gaps == {"PNOADDR": ("ADRESSE",), "PNOMETER": ("COMPTEUR",), "PMT": ("ADRESSE",)}
    [batch] = list_batches(db.uow())
    assert batch.gaps == 3
    docs = {d.police: d for d in list_documents(db.uow(), result.batch_id)}
    assert docs["PNOMETER"].gaps == ("COMPTEUR",)
    assert "N° du compteur\n[non renseigné]" in pdf_text(
        document_pdf(db.uow(), docs["PNOMETER"].id)[1]
    )
    assert "[adresse non renseignée]" in pdf_text(document_pdf(db.uow(), docs["PMT"].id)[1])


def test_a_broken_template_stops_everything_before_anything_changes(
    sqlite_db, tmp_path, monkeypatch
) -> None:
    db = sqlite_db
    w = world(db)
    debtor(w, "PB1")
    debtor(w, "PB2")
    w.commit()
    validate_all(db)
    with db.uow() as uow:  # R7 would cancel this one: it must not, yet
        restore(uow, "PB2", TODAY)
        uow.commit()
    shipped = reports_dir("orders.toml") / "orders.toml"
    (tmp_path / "orders.toml").write_text(
        shipped.read_text(encoding="utf-8").replace('title = "TRAVAIL DEMANDÉ"', 'title = "{x}"'),
        encoding="utf-8",
    )
    monkeypatch.setenv(ENV_REPORTS, str(tmp_path))
    out = tmp_path / "out"
    with pytest.raises(EditionError, match=r"orders\.toml.*\[work\] title.*Aucun document"):
        edition(db, out)
    assert count(db, "edition_batch") == 0 and count(db, "edition_document") == 0
    assert count(db, "work_order", "WHERE cancelled_on IS NOT NULL") == 0
    assert not out.exists()


def test_future_date_and_missing_role_are_refused(sqlite_db) -> None:
    db = sqlite_db
    w = world(db)
    debtor(w, "PB1")
    w.commit()
    validate_all(db)
    with pytest.raises(EditionError, match="postérieure à aujourd'hui"):
        run_edition(db.uow(), CHEF, D(2026, 11, 23), today_=TODAY)
    with pytest.raises(PermissionDenied):
        run_edition(db.uow(), Actor("agent"), today_=TODAY)
    assert count(db, "edition_batch") == 0
    assert actions(db, "refused") == ["refused"]


def test_an_interrupted_batch_is_completed_by_the_next_run(sqlite_db, tmp_path) -> None:
    db = sqlite_db
    w = world(db)
    for k in range(12):
        debtor(w, f"P{k:02d}", voltage="MT" if k % 3 == 0 else "BT")
    w.commit()
    validate_all(db)
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)

    first = edition(
        db,
        tmp_path / "out",
        workers=0,
        progress=progress,
        cancelled=lambda: bool(seen and seen[-1] > 0),
    )
    assert first.interrupted and 0 < first.produced < 12
    assert list_batches(db.uow())[0].status is BatchStatus.EN_COURS
    assert count(db, "edition_combined_file") == 0

    second = edition(db, tmp_path / "out", workers=0)
    assert second.batch_id == first.batch_id and second.resumed
    assert second.already_produced == first.produced
    assert first.produced + second.produced == 12
    assert document_counts(db) == (12, 4, 8)
    [batch] = list_batches(db.uow())
    assert (batch.status, batch.attempts, batch.letters + batch.orders) == (
        BatchStatus.TERMINE,
        2,
        12,
    )
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 14
    trail = actions(db, "edition.")
    assert trail[0] == "edition.start" and trail[-1] == "edition.finish"
    assert trail.count("edition.resume") == 1 and "edition.finish" not in trail[:-1]


def test_a_rerun_rewrites_missing_or_truncated_copies(sqlite_db, tmp_path) -> None:
    db = sqlite_db
    w = world(db)
    debtor(w, "PB1")
    debtor(w, "PM1", voltage="MT")
    w.commit()
    validate_all(db)
    out = tmp_path / "out"
    first = edition(db, out)
    (out / "ordre-PB1-00000001.pdf").unlink()
    (out / "lettre-PM1-00000001.pdf").write_bytes(b"%PDF-1.3 tronqu")  # a power cut
    combined = next(out.glob("edition-*-lettres-releveur.pdf"))
    combined.unlink()
    (out / ".ordre-PB1-00000001.pdf.1234abcd.tmp").write_bytes(b"half")  # left by a kill
    again = edition(db, out)
    assert again.batch_id is None and again.files_written == 3
    with db.uow() as uow:
        for doc in uow.session.scalars(select(EditionDocument)):
            assert (out / doc.file_name).read_bytes() == doc.content
    assert combined.exists() and not list(out.glob(".*.tmp"))
    assert first.files_written == 4


def test_large_batches_render_in_worker_processes(sqlite_db, tmp_path, monkeypatch) -> None:
    import tempfile

    scratch = tmp_path / "tmp"  # the run's spool folder for the combined files goes here
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    spools: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def recorded(*args, **kwargs):
        spools.append(mkdtemp(*args, **kwargs))
        return spools[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", recorded)
    db = sqlite_db
    w = world(db)
    for k in range(48):
        debtor(w, f"P{k:03d}", voltage="MT" if k % 4 == 0 else "BT", name=f"Client Ébène n°{k}")
    w.commit()
    validate_all(db)
    result = edition(db, tmp_path / "out", workers=2)
    assert result.workers == 2 and result.produced == 48
    assert document_counts(db) == (48, 12, 36)
    for row in list_documents(db.uow(), result.batch_id):
        content = (tmp_path / "out" / row.file_name).read_bytes()
        assert f"Client Ébène n°{int(row.police[1:])}" in pdf_text(content)
    # both combined files were drawn by the workers, then the spool folder removed
    assert [c.documents for c in result.combined] == [12, 36]
    spool = [Path(d) for d in spools if Path(d).name.startswith("sbee-edition-")]
    assert len(spool) == 1 and spool[0].parent == scratch and not spool[0].exists()


def test_a_combined_file_drawn_beside_the_documents_is_kept_only_if_it_matches(
    sqlite_db, tmp_path
) -> None:
    """Drawn early from the values read at the start, the combined file is checked against
    the documents actually stored (same documents, order, pages), else drawn again."""
    import hashlib
    from concurrent.futures import Future

    from sbee_desk.documents.worker import SpooledFile
    from sbee_desk.services.edition.batch import BatchRun
    from sbee_desk.services.edition.run import _texts

    db = sqlite_db
    w = world(db)
    debtor(w, "PB1")
    debtor(w, "PB2")
    w.commit()
    validate_all(db)
    batch = edition(db, workers=0).batch_id
    order_ids = [d.id for d in list_documents(db.uow(), batch)]

    def rerun(early_ids: list[int]) -> bytes:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM edition_combined_file")
        with db.uow() as uow:
            work_ids = [uow.session.get_one(EditionDocument, i).order_id for i in order_ids]
        # what a worker hands back: the file it wrote into the spool folder
        spooled = tmp_path / "spool.pdf"
        spooled.write_bytes(b"%PDF-drawn-early")
        digest = hashlib.sha256(b"%PDF-drawn-early").hexdigest()
        future: Future = Future()
        future.set_result((SpooledFile(str(spooled), 2, digest), [1, 1]))
        run = BatchRun(db.uow(), CHEF, _texts(), batch, TODAY, None, 0, None, None, fresh=True)
        run.early[Recipient.CHEF_RPNT] = (early_ids or work_ids, future)
        run.rank_and_combine()
        assert not spooled.exists()  # taken into the database, or discarded
        return combined_pdf(db.uow(), batch, Recipient.CHEF_RPNT)[1]

    assert rerun([]) == b"%PDF-drawn-early"  # matches: kept
    redrawn = rerun([424242, 434343])  # other documents: drawn again from the stored values
    assert redrawn != b"%PDF-drawn-early" and pdf_pages(redrawn) == 2


def test_cancelling_a_pooled_batch_stops_it_and_the_next_run_completes_it(
    sqlite_db, tmp_path
) -> None:
    db = sqlite_db
    w = world(db)
    for k in range(48):
        debtor(w, f"P{k:03d}", voltage="MT" if k % 4 == 0 else "BT")
    w.commit()
    validate_all(db)
    seen: list[int] = []
    first = edition(
        db,
        tmp_path / "out",
        workers=2,
        progress=lambda d, t: seen.append(d),
        cancelled=lambda: bool(seen and seen[-1] > 0),
    )
    assert first.interrupted and 0 < first.produced < 48
    second = edition(db, tmp_path / "out", workers=2)
    assert second.resumed and first.produced + second.produced == 48
    assert document_counts(db) == (48, 12, 36)
    assert sorted(c.documents for c in second.combined) == [12, 36]
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 50


def test_two_workstations_starting_the_edition_at_once_produce_each_document_once(db) -> None:
    w = world(db)
    for k in range(30):
        debtor(w, f"P{k:03d}", voltage="MT" if k % 3 == 0 else "BT")
    w.commit()
    validate_all(db)
    start = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        start.wait()
        try:
            results.append(edition(db, workers=0))
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert document_counts(db) == (30, 10, 20)
    assert count(db, "edition_batch") == 1 and count(db, "edition_combined_file") == 2
    [batch] = list_batches(db.uow())
    assert batch.status is BatchStatus.TERMINE and batch.letters + batch.orders == 30


def test_a_missing_template_or_an_unreadable_font_is_reported_before_anything(
    sqlite_db, tmp_path, monkeypatch
) -> None:
    import shutil

    from sbee_desk.documents import resources
    from sbee_desk.documents.formal import fonts as formal_fonts

    db = sqlite_db
    w = world(db)
    debtor(w, "PB1")
    w.commit()
    validate_all(db)
    root = tmp_path / "install"
    shutil.copytree(resources.fonts_dir(), root / "resources" / "fonts")
    (root / "reports").mkdir()
    shipped = reports_dir("orders.toml")
    shutil.copy(shipped / "orders.toml", root / "reports")
    monkeypatch.setattr(resources, "_installed_roots", lambda: [root])
    with pytest.raises(EditionError, match=r"reports/letters\.toml.*introuvable.*Aucun document"):
        edition(db)
    shutil.copy(shipped / "letters.toml", root / "reports")
    (root / "resources" / "fonts" / "DejaVuSans.ttf").write_bytes(b"\x00\x01\x00\x00broken")
    monkeypatch.setattr(formal_fonts, "_FONTS", {})
    with pytest.raises(EditionError, match=r"Police de caractères.*DejaVuSans\.ttf.*illisible"):
        edition(db)
    assert count(db, "edition_batch") == 0 and count(db, "edition_document") == 0
