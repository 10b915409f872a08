"""A night edition killed mid-batch is completed by the next run: no duplicate, no
half-written file, no orphaned worker process (#6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sbee_desk.db.database import open_database
from sbee_desk.db.models import EditionCombinedFile, EditionDocument
from sbee_desk.services.edition import BatchStatus, list_batches
from tests.builders import PASSWORD
from tests.integration.edition_world import count, debtor, document_counts, validate_all, world

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, sends SIGKILL")

CONTRACTS = 160  # one in four MT: 40 letters and 120 orders


def children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (the edition's workers and resource tracker)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def edition_command(out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sbee_desk",
        "edition",
        "--date",
        "2026-11-22",
        "--out",
        str(out),
        "--workers",
        "2",
    ]


def test_killed_edition_is_completed_by_the_next_run(db_url, tmp_path) -> None:
    db = open_database(db_url)
    try:
        w = world(db)
        for k in range(CONTRACTS):
            debtor(
                w,
                f"P{k:04d}",
                voltage="MT" if k % 4 == 0 else "BT",
                name=f"Client n°{k} Hounkpatin épouse Gbèdégbé",
            )
        w.commit()
        validate_all(db)
        out = tmp_path / "out"
        env = {
            **os.environ,
            "SBEE_DESK_DB": db_url,
            "SBEE_DESK_USER": "chef",
            "SBEE_DESK_PASSWORD": PASSWORD,
        }

        proc = subprocess.Popen(
            edition_command(out), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 180
        workers: set[int] = set()
        while count(db, "edition_document") == 0:  # wait for the first committed chunk
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no document after three minutes"
            workers |= children(proc.pid)
            time.sleep(0.02)
        workers |= children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL

        produced = count(db, "edition_document")
        assert 0 < produced < CONTRACTS, "killed mid-batch"
        assert count(db, "edition_combined_file") == 0
        [batch] = list_batches(db.uow())
        assert batch.status is BatchStatus.EN_COURS
        # the worker processes notice and exit (nothing is left running)
        assert len(workers) >= 2
        while any(alive(pid) for pid in workers):
            assert time.monotonic() < deadline, f"orphaned workers: {workers}"
            time.sleep(0.05)
        # every file with its final name is whole: temporary name, then rename
        with db.uow() as uow:
            stored = dict(
                uow.session.execute(
                    select(EditionDocument.file_name, EditionDocument.content)
                ).all()
            )
        for path in out.glob("*.pdf"):
            assert path.read_bytes() == stored[path.name], f"{path.name} is not whole"
            PdfReader(path)

        rerun = subprocess.run(edition_command(out), env=env, capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        done = "déjà produit" + ("s" if produced > 1 else "")
        assert f"{produced} {done} par une exécution interrompue" in rerun.stdout

        assert document_counts(db) == (CONTRACTS, 40, 120)  # each letter and order once
        [batch] = list_batches(db.uow())
        assert (batch.id, batch.status, batch.attempts) == (1, BatchStatus.TERMINE, 2)
        assert (batch.letters, batch.orders) == (40, 120)
        with db.uow() as uow:
            files = dict(
                uow.session.execute(
                    select(EditionDocument.file_name, EditionDocument.content)
                ).all()
            )
            combined = {c.file_name: c for c in uow.session.scalars(select(EditionCombinedFile))}
            assert sorted(c.documents for c in combined.values()) == [40, 120]
            files |= {name: c.content for name, c in combined.items()}
        on_disk = {p.name: p.read_bytes() for p in out.iterdir()}
        assert on_disk == files  # all there, whole, and no temporary file left
        assert len(PdfReader(out / next(n for n in combined if "ordres" in n)).pages) == 120
    finally:
        db.dispose()
