"""Benchmark of the night edition (#18): the batch against fpdf2 alone on one core.

Builds once (cached in bench/data/) a SQLite database from the demo export, selected
and validated at the benchmark date, holding exactly ``--documents`` pending letters
and orders (2 000 by default; the extra ones are cancelled), then times, each in its
own fresh process and on its own copy of that database, ``--repeat`` times with the
sides interleaved (medians reported, the machine's load printed with each run):

(a) ``sbee_desk.services.edition.run_edition`` — the real batch: R7 check, backup,
    batch record, data read chunk by chunk, rendering in a ``spawn`` pool of
    ``--workers`` processes, one transaction per chunk with the PDFs stored in the
    database, the two combined files, a copy of every file written to a folder;
(b) the baseline: fpdf2 alone on one core drawing the same layout with the same
    fonts — the same drawing code and font files, each document parsing and
    subsetting its fonts as fpdf2 does — every document written to a folder, then
    the two combined files drawn (as the batch draws them) and written. Its data is
    read from the database before the clock starts;
(c) for reference, (b) with the edition's fonts parsed once per process: what the
    drawing alone costs the batch (``--no-reference`` skips it).

CPU seconds are ``getrusage`` of the child process and its own children (the
batch's worker processes). Targets: CPU of a ≤ 0.8 × CPU of b (the batch needs no
free second core to win); wall time of a ≤ b / 2 with two idle cores. ``--busy``
keeps one core busy with a spinning process (a busy agency PC).

    .venv/bin/python bench/bench_edition.py --documents 300 --repeat 1   # a minute
    .venv/bin/python bench/bench_edition.py --busy                        # 2 000 documents
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from _common import (
    BENCH_TODAY,
    DATA,
    Spinner,
    chef,
    export_folder,
    machine,
    say,
    seconds,
    thousands,
)
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


def child_loop(url: str, out: Path, shared: str) -> dict[str, object]:
    """One core: every document drawn and written, then the two combined files drawn,
    as a plain fpdf2 program does (``shared == "plain"``: each document parses and
    subsets its fonts) or with the edition's fonts parsed once (``"shared"``)."""
    from sbee_desk.documents import pdf as P
    from sbee_desk.documents.formal import font_set
    from sbee_desk.documents.letters import LetterData, letter_file_name, load_letter_texts
    from sbee_desk.documents.orders import load_order_texts, order_file_name
    from sbee_desk.documents.worker import Texts, render, render_combined

    P.SHARE_FONTS = shared == "shared"
    items = _items(url)
    texts = Texts(load_letter_texts(), load_order_texts())
    out.mkdir(parents=True, exist_ok=True)
    fonts = font_set()  # the fast subset cut before the clock, as a worker's initializer
    before = sum(cpu_seconds().values())
    start = time.perf_counter()
    pages: dict[bool, list[int]] = {True: [], False: []}
    for item in items:
        pdf = render(item, texts, fonts)
        is_letter = isinstance(item, LetterData)
        name = (letter_file_name if is_letter else order_file_name)(item.party.police, item.number)
        (out / name).write_bytes(pdf.content)
        pages[is_letter].append(pdf.pages)
    combined_pages = 0
    for is_letter in (True, False):
        chosen = [i for i in items if isinstance(i, LetterData) is is_letter]
        if chosen:
            done, _ = render_combined(chosen, pages[is_letter], texts, "Fichier regroupé")
            (out / f"combined-{is_letter}.pdf").write_bytes(done.content)
            combined_pages += done.pages
    elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "documents": len(items),
        "combined_pages": combined_pages,
        "cpu": sum(cpu_seconds().values()) - before,
        "main_mb": _hwm() or 0.0,
    }


def run_child(*args: str) -> dict[str, object]:
    load = os.getloadavg()[0]
    result = subprocess.run(
        [sys.executable, str(HERE), "--child", *args], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    measures: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    measures["load"] = load
    measures["load_after"] = os.getloadavg()[0]
    return measures


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--busy", action="store_true", help="one core kept busy by a spinning process"
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip (c), the edition's drawing on one core"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "batch":
            report = child_batch(rest[0], Path(rest[1]), int(rest[2]))
        else:
            report = child_loop(rest[0], Path(rest[1]), rest[2])
        print(json.dumps(report))
        return

    source = template(args.documents)
    sides = {"a": "batch", "b": "plain", "c": "shared"}
    if args.no_reference:
        del sides["c"]
    runs: dict[str, list[dict[str, object]]] = {side: [] for side in sides}
    letters = orders = 0
    say(f"{machine()} ; {'un cœur occupé (--busy)' if args.busy else 'sans charge ajoutée'}")
    with Spinner(args.busy):
        for repeat in range(args.repeat):
            order = list(sides)
            order = order[repeat % len(order) :] + order[: repeat % len(order)]  # interleaved
            for side in order:
                scratch = DATA / f"scratch-edition-{uuid.uuid4().hex[:6]}"
                scratch.mkdir(parents=True)
                try:
                    shutil.copyfile(source, scratch / "bench.db")
                    url = f"sqlite:///{scratch / 'bench.db'}"
                    letters, orders = pending(url)
                    out = str(scratch / "out")
                    if side == "a":
                        measure = run_child("batch", url, out, str(args.workers))
                        measure["size_mb"] = (
                            sum(p.stat().st_size for p in (scratch / "out").iterdir()) / 1e6
                        )
                    else:
                        measure = run_child("loop", url, out, sides[side])
                finally:
                    shutil.rmtree(scratch, ignore_errors=True)
                runs[side].append(measure)
                say(
                    f"essai {repeat + 1}, ({side}) : {seconds(float(measure['seconds']))}, "  # type: ignore[arg-type]
                    f"processeur {seconds(float(measure['cpu']))}, charge {measure['load']:.1f}"  # type: ignore[arg-type]
                )
    _report(args, runs, letters, orders)


def _median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]


def _report(
    args: argparse.Namespace, runs: dict[str, list[dict[str, object]]], letters: int, orders: int
) -> None:
    n = letters + orders
    command = " ".join(["bench/bench_edition.py", *sys.argv[1:]])
    print(
        f"\nÉdition de {thousands(n)} documents ({letters} lettres, {orders} ordres), "
        f"{args.repeat} essais entrelacés, médianes — {machine()}"
        f"{' — un cœur occupé' if args.busy else ''}\n`{command}`\n"
    )
    labels = {
        "a": f"(a) édition complète : {args.workers} processus de rendu, base, fichiers "
        "regroupés, copies",
        "b": "(b) fpdf2 seul sur 1 cœur : chaque document (polices lues et découpées par "
        "fpdf2), puis les 2 fichiers regroupés dessinés",
        "c": "(c) le dessin de l'édition (polices lues une fois) sur 1 cœur, fichiers "
        "regroupés compris, sans base",
    }
    print(
        "| mesure | durée (médiane) | temps processeur (médiane) | charge par essai | mémoire max |"
    )
    print("|---|---:|---:|---|---:|")
    for side, measures in runs.items():
        loads = " / ".join(f"{float(m['load']):.1f}" for m in measures)  # type: ignore[arg-type]
        if side == "a":
            memory = (
                f"principal {_median(measures, 'main_mb'):.0f} Mo, "
                f"rendu {_median(measures, 'worker_mb'):.0f} Mo"
            )
        else:
            memory = f"{_median(measures, 'main_mb'):.0f} Mo"
        print(
            f"| {labels[side]} | {seconds(_median(measures, 'seconds'))} | "
            f"{seconds(_median(measures, 'cpu'))} | {loads} | {memory} |"
        )
    a_cpu, b_cpu = _median(runs["a"], "cpu"), _median(runs["b"], "cpu")
    a_wall, b_wall = _median(runs["a"], "seconds"), _median(runs["b"], "seconds")
    print(
        f"\nProcesseur a/b = {a_cpu / b_cpu:.2f} (cible ≤ 0,8 : "
        f"{'oui' if a_cpu / b_cpu <= 0.8 else 'non'}) ; durée b/a = {b_wall / a_wall:.2f} "
        f"(cible ≥ 2 avec deux cœurs libres{'' if not args.busy else ' ; ici un cœur occupé'})."
    )
    if "c" in runs:
        c_cpu = _median(runs["c"], "cpu")
        print(f"Processeur a/c = {a_cpu / c_cpu:.2f} (ce que le lot coûte au-delà du dessin).")


if __name__ == "__main__":
    main()
