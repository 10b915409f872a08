"""Benchmark of step 3: recording scanned deliveries one by one, as the Relances page
does for each slip of a stack (issue #13).

Builds once (cached in bench/data/) a SQLite database from the demo export of
``--contracts`` contracts (1 000 000 by default), selected and validated at the
benchmark date, its letters marked edited and handed to a releveur (one edition
batch written directly: the PDFs do not matter here). Then, on a copy, for
``--scans`` letters (300 by default) in a row, times what one scan costs:

- open: ``open_for_delivery`` (the letter opens, or the refusal);
- save: ``deliver`` of that one number (role check, checks, update, audit, commit).

Prints the median, 95th percentile and worst of open + save. Target: each save well
under 100 ms, so that a scanner never waits. Also times the page's list
(``list_letters``) and its count (``letter_counts``) once.

    .venv/bin/python bench/bench_letters.py --contracts 20000     # a minute
    .venv/bin/python bench/bench_letters.py                       # 1 million contracts
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import time
import uuid
from pathlib import Path

from _common import BENCH_TODAY, DATA, chef, export_folder, machine, say, seconds
from sqlalchemy import insert, select, text

from sbee_desk.db.database import open_database
from sbee_desk.db.models import (
    Candidate,
    EditionBatch,
    EditionDocument,
    ReminderLetter,
    StaffMember,
)
from sbee_desk.services.audit import now
from sbee_desk.services.importing import import_export
from sbee_desk.services.letters import deliver, letter_counts, list_letters, open_for_delivery
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import run_selection


def template(contracts: int) -> Path:
    """The cached database: ``contracts`` imported, selected, validated, letters edited."""
    path = DATA / f"letters-{contracts}.db"
    if path.is_file():
        return path
    folder = export_folder(contracts)
    work = DATA / f"letters-{contracts}-{uuid.uuid4().hex[:6]}.tmp.db"
    say(f"Base des relances : {contracts} contrats importés, sélection, validation…")
    db = open_database(f"sqlite:///{work}")
    try:
        actor = chef(db)
        start = time.perf_counter()
        import_export(db.uow(), actor, folder)
        say(f"  import : {seconds(time.perf_counter() - start)}")
        run = run_selection(db.uow(), actor, BENCH_TODAY, today_=BENCH_TODAY).run_id
        with db.uow() as uow:
            codes = list(
                uow.session.scalars(
                    select(Candidate.bordereau_code).where(Candidate.run_id == run).distinct()
                )
            )
        for code in codes:
            validate_bordereau(db.uow(), actor, run, code, today_=BENCH_TODAY)
        with db.uow() as uow:
            session = uow.session
            releveur = StaffMember(matricule="REL-B", name="Releveur du banc", role="RELEVEUR")
            session.add(releveur)
            batch = EditionBatch(
                edition_on=BENCH_TODAY,
                status="TERMINE",
                started_at=now(),
                started_by=actor.login,
                finished_at=now(),
            )
            session.add(batch)
            session.flush()
            rows = session.execute(
                select(ReminderLetter.id, ReminderLetter.police).where(
                    ReminderLetter.cancelled_on.is_(None)
                )
            ).all()
            stamp = now()
            for first in range(0, len(rows), 5000):
                session.execute(
                    insert(EditionDocument),
                    [
                        {
                            "batch_id": batch.id,
                            "kind": "LETTER",
                            "letter_id": letter_id,
                            "number": f"{letter_id:08d}",
                            "police": police,
                            "customer_name": "—",
                            "recipient": "RELEVEUR",
                            "print_rank": rank,
                            "file_name": f"lettre-{police}-{letter_id:08d}.pdf",
                            "sha256": "0" * 64,
                            "content": b"%PDF",
                            "pages": 1,
                            "payload": {},
                            "created_at": stamp,
                            "status": "REMIS",
                            "print_count": 1,
                            "handed_to": releveur.id,
                            "handed_at": stamp,
                            "handed_by": actor.login,
                        }
                        for rank, (letter_id, police) in enumerate(
                            rows[first : first + 5000], start=first
                        )
                    ],
                )
            batch.letters = len(rows)
            uow.commit()
        say(f"  {len(rows)} lettres éditées et remises au releveur")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    work.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=300)
    args = parser.parse_args()
    source = template(args.contracts)
    copy = DATA / f"letters-run-{uuid.uuid4().hex[:6]}.db"
    shutil.copyfile(source, copy)
    db = open_database(f"sqlite:///{copy}")
    try:
        actor = chef(db)
        with db.engine.connect() as conn:
            ids = list(
                conn.execute(
                    text("SELECT letter_id FROM edition_document ORDER BY print_rank LIMIT :n"),
                    {"n": args.scans},
                ).scalars()
            )
        if len(ids) < args.scans:
            raise SystemExit(f"{len(ids)} lettres seulement : augmentez --contracts.")
        day = BENCH_TODAY
        opens, saves = [], []
        for letter_id in ids:
            number = f"{letter_id:08d}"
            start = time.perf_counter()
            open_for_delivery(db.uow(), number, today_=day)
            middle = time.perf_counter()
            deliver(db.uow(), actor, [number], day, to="client", today_=day)
            end = time.perf_counter()
            opens.append(middle - start)
            saves.append(end - middle)
        start = time.perf_counter()
        shown = list_letters(db.uow(), today_=day)
        list_time = time.perf_counter() - start
        start = time.perf_counter()
        counts = letter_counts(db.uow(), today_=day)
        count_time = time.perf_counter() - start
    finally:
        db.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    scans = [o + s for o, s in zip(opens, saves, strict=True)]

    def ms(value: float) -> str:
        return f"{value * 1000:.1f} ms"

    print(f"{machine()} — {args.contracts} contrats, {len(shown)} lettres, SQLite")
    for label, values in (("ouverture", opens), ("enregistrement", saves), ("scan", scans)):
        print(
            f"{label:>15} : médiane {ms(statistics.median(values))}, "
            f"95 % {ms(percentile(values, 0.95))}, pire {ms(max(values))}"
        )
    worst = max(range(len(scans)), key=scans.__getitem__)
    print(f"{len(ids)} scans enregistrés en {seconds(sum(scans))} (le pire : scan n° {worst + 1})")
    print(
        f"liste de la page : {seconds(list_time)} ; compte de la navigation : "
        f"{seconds(count_time)} ({counts.waiting} à remettre)"
    )


if __name__ == "__main__":
    main()
