"""Benchmark of the night edition (step 2): the batch against fpdf2 alone on one core.

Builds once (cached in bench/data/) a SQLite database from the demo export, selected
and validated at the benchmark date, holding exactly ``--documents`` pending letters
and orders (10 000 by default; the extra ones are cancelled), then times, each in its
own fresh process and on its own copy of that database:

(a) ``sbee_desk.services.edition.run_edition`` — the real batch: R7 check, batch
    record, data read chunk by chunk, rendering in a ``spawn`` pool of ``--workers``
    processes (2: both cores of an agency workstation), one transaction per chunk
    with the PDFs stored in the database, the two combined files, and a copy of
    every file written to a folder (temporary name, then rename);
(b) fpdf2 alone producing the same layout — the same drawing code
    (``sbee_desk.documents.worker.render``) — for the same documents, in a loop on one
    core, each PDF written to a folder. Its data is read from the database before
    the clock starts: only the PDFs are timed.

Target: a at least 1.5 × faster than b; peak memory ≤ 300 MB. Peak memory is each
process's maximum resident set (the batch's main process, and its largest worker).
With ``--naive N``, also times N documents drawn the naive fpdf2 way (the full
DejaVu files loaded and subset for every document), for reference.

    .venv/bin/python bench/bench_edition.py --documents 1000     # a minute or two
    .venv/bin/python bench/bench_edition.py                      # 10 000 documents
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from _common import BENCH_TODAY, DATA, chef, export_folder, machine, say, seconds, thousands
from sqlalchemy import select, text, update

from sbee_desk.db.database import open_database
from sbee_desk.db.models import Candidate, ReminderLetter, WorkOrder
from sbee_desk.services.actor import Actor
from sbee_desk.services.importing import import_export
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import run_selection

if TYPE_CHECKING:
    from sbee_desk.documents.worker import Item

#: contracts of the demo export per pending document (about 7 % of the demo's
#: contracts get a letter or an order at the benchmark date)
CONTRACTS_PER_DOCUMENT = 15
HERE = Path(__file__).resolve()


def template(documents: int) -> Path:
    """The cached database holding exactly ``documents`` pending letters and orders."""
    path = DATA / f"edition-{documents}.db"
    if path.is_file():
        return path
    contracts = max(2000, math.ceil(documents * CONTRACTS_PER_DOCUMENT / 1000) * 1000)
    folder = export_folder(contracts)
    work = DATA / f"edition-{documents}-{uuid.uuid4().hex[:6]}.tmp.db"
    say(f"Base de l'édition : {contracts} contrats importés, sélection, validation…")
    db = open_database(f"sqlite:///{work}")
    try:
        actor = chef(db)
        import_export(db.uow(), actor, folder)
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
            letters = list(session.scalars(select(ReminderLetter.id).order_by(ReminderLetter.id)))
            orders = list(session.scalars(select(WorkOrder.id).order_by(WorkOrder.id)))
            found = len(letters) + len(orders)
            if found < documents:
                raise SystemExit(
                    f"{found} documents seulement pour {contracts} contrats : augmentez "
                    "CONTRACTS_PER_DOCUMENT."
                )
            # keep the demo's proportion of letters and orders; cancel the rest
            keep_letters = round(documents * len(letters) / found)
            for model, ids, keep in (
                (ReminderLetter, letters, keep_letters),
                (WorkOrder, orders, documents - keep_letters),
            ):
                extra = ids[keep:]
                for start in range(0, len(extra), 5000):
                    session.execute(
                        update(model)
                        .where(model.id.in_(extra[start : start + 5000]))
                        .values(cancelled_on=BENCH_TODAY, cancel_reason="hors banc d'essai")
                    )
            uow.commit()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    work.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    return path


def pending(url: str) -> tuple[int, int]:
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            letters = conn.execute(
                text("SELECT count(*) FROM reminder_letter WHERE cancelled_on IS NULL")
            ).scalar_one()
            orders = conn.execute(
                text("SELECT count(*) FROM work_order WHERE cancelled_on IS NULL")
            ).scalar_one()
        return letters, orders
    finally:
        db.dispose()


def _hwm(pid: int | str = "self") -> float | None:
    """Peak resident memory (VmHWM, MB) of a live process; None off Linux or once gone.
    (``ru_maxrss`` would not do: a process started by fork + exec inherits the figure of
    the process it was forked from.)"""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemoryWatch:
    """Samples the peak memory of this process and of its child processes (the workers)."""

    def __init__(self) -> None:
        self.workers: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) != me:
                    continue
                peak = _hwm(entry.name)
                if peak is not None:
                    self.workers[int(entry.name)] = max(peak, self.workers.get(int(entry.name), 0))

    def report(self) -> dict[str, float]:
        own = _hwm() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"main_mb": own, "worker_mb": max(self.workers.values(), default=0.0)}


def cpu_seconds() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "main_cpu": me.ru_utime + me.ru_stime,
        "workers_cpu": children.ru_utime + children.ru_stime,
    }


# --------------------------------------------------------------------------- child processes


def child_batch(url: str, out: Path, workers: int) -> dict[str, object]:
    from sbee_desk.services.edition import run_edition

    db = open_database(url)
    try:
        before = cpu_seconds()
        with MemoryWatch() as watch:
            start = time.perf_counter()
            result = run_edition(
                db.uow(), Actor("chef"), out_dir=out, workers=workers, today_=BENCH_TODAY
            )
            elapsed = time.perf_counter() - start
        after = cpu_seconds()
    finally:
        db.dispose()
    return {
        "seconds": elapsed,
        "documents": result.produced,
        "files": result.files_written,
        "combined_pages": sum(c.pages for c in result.combined),
        "workers": result.workers,
        "cpu": sum(after.values()) - sum(before.values()),
        **watch.report(),
    }


def _items(url: str) -> list[Item]:
    from sbee_desk.services.edition.data import load_items, pending_work
    from sbee_desk.services.rules_sql import PlansSql, load_plans

    db = open_database(url)
    try:
        with db.uow() as uow:
            todo = pending_work(uow, BENCH_TODAY)
            plans = PlansSql(load_plans(uow), BENCH_TODAY)
            items: list[Item] = []
            for start in range(0, len(todo), 500):
                items += load_items(uow, todo[start : start + 500], BENCH_TODAY, plans)
        return items
    finally:
        db.dispose()


def child_raw(url: str, out: Path) -> dict[str, object]:
    from sbee_desk.documents.letters import LetterData, letter_file_name, load_letter_texts
    from sbee_desk.documents.orders import load_order_texts, order_file_name
    from sbee_desk.documents.worker import Texts, render

    items = _items(url)
    texts = Texts(load_letter_texts(), load_order_texts())
    out.mkdir(parents=True, exist_ok=True)
    render(items[0], texts)  # fonts prepared before the clock, as a worker's initializer
    before = cpu_seconds()["main_cpu"]
    start = time.perf_counter()
    for item in items:
        pdf = render(item, texts)
        name = (letter_file_name if isinstance(item, LetterData) else order_file_name)(
            item.party.police, item.number
        )
        (out / name).write_bytes(pdf.content)
    elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "documents": len(items),
        "cpu": cpu_seconds()["main_cpu"] - before,
        "main_mb": _hwm() or 0.0,
    }


def child_naive(url: str, count: int) -> dict[str, object]:
    """The same drawing, but fpdf2 loading and subsetting the full DejaVu files for every
    document (what a plain fpdf2 program does)."""
    from sbee_desk.documents import formal
    from sbee_desk.documents.letters import LetterData, load_letter_texts
    from sbee_desk.documents.orders import load_order_texts
    from sbee_desk.documents.pdf import BasePDF
    from sbee_desk.documents.worker import Texts, render

    items = _items(url)[:count]
    texts = Texts(load_letter_texts(), load_order_texts())
    fonts = formal.font_set()
    naive = formal.FontSet(fonts.regular, fonts.bold, fonts.regular, fonts.bold, frozenset())
    original = formal.FormalPDF.get_string_width
    formal.FormalPDF.get_string_width = BasePDF.get_string_width  # type: ignore[method-assign]
    try:
        render(items[0], texts, naive)
        start = time.perf_counter()
        for item in items:
            render(item, texts, naive)
        elapsed = time.perf_counter() - start
    finally:
        formal.FormalPDF.get_string_width = original  # type: ignore[method-assign]
    del LetterData
    return {"seconds": elapsed, "documents": len(items), "main_mb": _hwm() or 0.0}


def run_child(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, str(HERE), "--child", *args], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    measures: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return measures


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--naive",
        type=int,
        default=0,
        metavar="N",
        help="also time N documents drawn the naive fpdf2 way",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "batch":
            report = child_batch(rest[0], Path(rest[1]), int(rest[2]))
        elif kind == "raw":
            report = child_raw(rest[0], Path(rest[1]))
        else:
            report = child_naive(rest[0], int(rest[1]))
        print(json.dumps(report))
        return

    source = template(args.documents)
    scratch = DATA / f"scratch-edition-{uuid.uuid4().hex[:6]}"
    scratch.mkdir(parents=True)
    try:
        for name in ("a.db", "b.db"):
            shutil.copyfile(source, scratch / name)
        letters, orders = pending(f"sqlite:///{scratch / 'a.db'}")
        say(f"{letters} lettres et {orders} ordres en attente ; {machine()}")
        say("(b) fpdf2 seul, même mise en page, boucle sur un cœur…")
        raw = run_child("raw", f"sqlite:///{scratch / 'b.db'}", str(scratch / "out-b"))
        say(f"    {seconds(raw['seconds'])}")  # type: ignore[arg-type]
        say(f"(a) édition complète, {args.workers} processus de rendu…")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        batch = run_child(
            "batch", f"sqlite:///{scratch / 'a.db'}", str(scratch / "out-a"), str(args.workers)
        )
        say(f"    {seconds(batch['seconds'])}")  # type: ignore[arg-type]
        naive = None
        if args.naive:
            say(f"fpdf2 naïf (polices complètes à chaque document), {args.naive} documents…")
            naive = run_child("naive", f"sqlite:///{scratch / 'b.db'}", str(args.naive))
        out_a = scratch / "out-a"
        size_mb = sum(p.stat().st_size for p in out_a.iterdir()) / 1e6
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    a, b = float(batch["seconds"]), float(raw["seconds"])  # type: ignore[arg-type]
    n = int(batch["documents"])  # type: ignore[call-overload]
    print(
        f"\nÉdition de {thousands(n)} documents ({letters} lettres, {orders} ordres) — "
        f"{machine()} (charge au lancement de a : {load:.1f})\n"
    )
    print("| mesure | durée | documents/s | temps processeur | mémoire max |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| (a) édition complète : {batch['workers']} processus de rendu, base, fichiers "
        f"regroupés ({batch['combined_pages']} pages), {batch['files']} copies "
        f"({size_mb:.0f} Mo) | {seconds(a)} | {n / a:.1f} | {seconds(float(batch['cpu']))} | "  # type: ignore[arg-type]
        f"processus principal {batch['main_mb']:.0f} Mo, plus gros processus de rendu "
        f"{batch['worker_mb']:.0f} Mo |"
    )
    print(
        f"| (b) fpdf2 seul, même mise en page, boucle sur 1 cœur | {seconds(b)} | "
        f"{int(raw['documents']) / b:.1f} | {seconds(float(raw['cpu']))} | "  # type: ignore[call-overload, arg-type]
        f"{raw['main_mb']:.0f} Mo |"
    )
    if naive is not None:
        rate = int(naive["documents"]) / float(naive["seconds"])  # type: ignore[call-overload, arg-type]
        print(
            f"| fpdf2 naïf (DejaVu complète chargée et découpée à chaque document), "
            f"{naive['documents']} documents | {seconds(float(naive['seconds']))} | "  # type: ignore[arg-type]
            f"{rate:.1f} | — | {naive['main_mb']:.0f} Mo |"
        )
    peak = max(float(batch["main_mb"]), float(batch["worker_mb"]))  # type: ignore[arg-type]
    verdict = "oui" if b / a >= 1.5 and peak <= 300 else "non"
    print(
        f"\nb/a = {b / a:.2f} (cible ≥ 1,5) ; mémoire max par processus {peak:.0f} Mo "
        f"(cible ≤ 300 Mo) : {verdict}."
    )


if __name__ == "__main__":
    main()
