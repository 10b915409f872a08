"""Benchmark of the lists of a validated bordereau (issues #5, #18, Performance).

On a demo database whose selection run has one validated bordereau of ``--lines``
lines (50 000 by default; built once in ``bench/data/``, see
:func:`prepare_database`), each measure run ``--repeat`` times, the measures
interleaved (a b a b …, then c d e …), medians, with the machine's load average
printed beside each figure:

The whole command against the raw libraries writing the same files (each in a new
process, from its start to its end):

- (a) ``sbee-desk lists --run N --bordereau CODE --out DIR``: the real command —
  start-up, sign-in, database read, three lists in Excel and PDF, register entries
  with their SHA-256 and audit events, copies written to DIR;
- (b) the raw libraries writing the same six files to a folder, from the same cells
  already laid out (read from a pickle made beforehand, untimed): openpyxl
  write-only ``append`` of the values (no style), fpdf2's public API placing each
  cell's lines where the list places them (``text()``, a rectangle per zebra row, a
  rule per row, the table header and « Page x / y » on each page), each file hashed.

Each format alone, in this process, on the largest of the three lists:

- (c) the Excel list (``xlsx_bytes``: its header block, styles and print setup
  through openpyxl, its rows written as XML by the list itself) against (d) openpyxl
  write-only, public ``append``, writing the same values without any style (the raw
  library's cheapest way to the same cells);
- (e) the PDF list (``pdf_bytes``) against (f) fpdf2's public API placing the same
  cells (as in b).

Target (#18): (a) ≤ 10 s for 50 000 lines.

    .venv/bin/python bench/bench_lists.py                      # 600 000 contracts, 50 000 lines
    .venv/bin/python bench/bench_lists.py --busy               # with one core kept busy
    .venv/bin/python bench/bench_lists.py --contracts 100000 --lines 8000 --repeat 3
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import BENCH_TODAY, DATA, ROOT, Spinner, chef, export_folder, machine, say

PASSWORD_ENV = "SBEE_DESK_PASSWORD"
HEAD = (
    "| mesure | médiane (s) | meilleur (s) | processeur, médiane (s) | charge (min–max) |\n"
    "|---|---:|---:|---:|---:|"
)


# --------------------------------------------------------------------------- database


def prepare_database(contracts: int, lines: int) -> tuple[Path, int, str, int]:
    """(file, run id, bordereau code, its lines): a demo database whose selection run
    has one validated bordereau of ``lines`` lines (or all of the run's, if fewer):
    the demo export imported, selected at the benchmark date, the run's first
    ``lines`` lines gathered into its largest bordereau (as bench_gui does), that
    bordereau validated. Cached in bench/data."""
    from sqlalchemy import func, select, text, update

    from sbee_desk.db.database import open_database
    from sbee_desk.db.models import Candidate
    from sbee_desk.services.importing import import_export
    from sbee_desk.services.review import validate_bordereau
    from sbee_desk.services.selection import run_selection

    path = DATA / f"lists-{contracts}-{lines}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        return path, info["run"], info["bordereau"], info["lines"]
    work = path.with_suffix(".tmp.db")
    for stale in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        stale.unlink(missing_ok=True)
    folder = export_folder(contracts)
    db = open_database(f"sqlite:///{work}")
    try:
        actor = chef(db)
        say(f"Import de {folder.name}…")
        start = time.perf_counter()
        import_export(db.uow(), actor, folder)
        say(f"  fait en {time.perf_counter() - start:.0f} s ; sélection…")
        run = run_selection(db.uow(), actor, BENCH_TODAY, today_=BENCH_TODAY)
        with db.engine.begin() as conn:
            in_run = Candidate.run_id == run.run_id
            by_size = conn.execute(
                select(Candidate.bordereau_code)
                .where(in_run)
                .group_by(Candidate.bordereau_code)
                .order_by(func.count().desc())
                .limit(2)
            ).scalars()
            code, *rest = list(by_size)
            chosen = (
                select(Candidate.id)
                .where(in_run)
                .order_by((Candidate.bordereau_code != code), Candidate.id)
                .limit(lines)
                .scalar_subquery()
            )
            conn.execute(
                update(Candidate)
                .where(in_run, Candidate.id.in_(chosen))
                .values(bordereau_code=code)
            )
            if rest:  # what is left of it goes to the next bordereau
                conn.execute(
                    update(Candidate)
                    .where(in_run, Candidate.bordereau_code == code, Candidate.id.not_in(chosen))
                    .values(bordereau_code=rest[0])
                )
            count = conn.execute(
                select(func.count()).where(in_run, Candidate.bordereau_code == code)
            ).scalar_one()
        say(f"Validation du bordereau {code} ({count} lignes)…")
        validate_bordereau(db.uow(), actor, run.run_id, code, today_=BENCH_TODAY)
        with db.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        db.dispose()
    work.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    meta.write_text(json.dumps({"run": run.run_id, "bordereau": code, "lines": count}))
    return path, run.run_id, code, count


def documents(url: str, run_id: int, code: str) -> list[Any]:
    """The ListDocuments ``produce_lists`` renders (read as it reads them)."""
    from sbee_desk.db.database import open_database
    from sbee_desk.documents.lists import ListDocument
    from sbee_desk.domain.enums import ListKind
    from sbee_desk.services import audit
    from sbee_desk.services.lists.lines import list_context, list_lines, person

    db = open_database(url)
    try:
        uow = db.uow()
        with uow:
            context = list_context(uow, run_id, code)
            produced_by = person(uow, "chef")
            journal = audit.chain_head(uow)
        by_kind = list_lines(uow, run_id, code, context.plan_snapshot)
    finally:
        db.dispose()
    delays = {
        category: int(values["reminder_delay_days"])
        for category, values in context.plan_snapshot.items()
        if isinstance(values, dict) and "reminder_delay_days" in values
    }
    return [
        ListDocument(
            kind=kind,
            agency_code=context.agency_code,
            agency_name=context.agency_name,
            bordereau_code=code,
            voltage=context.voltage,
            period=context.period,
            run_id=run_id,
            run_on=context.run_on,
            validated_by=context.validated_by,
            validated_at=context.validated_at,
            produced_by=produced_by,
            produced_at=audit.now(),
            lines=by_kind[kind],
            reminder_delays=delays,
            journal=journal,
        )
        for kind in ListKind
        if by_kind[kind]
    ]


# --------------------------------------------------------------------------- the raw side


@dataclass
class RawPage:
    texts: list[tuple[float, float, str, bool, float]] = field(default_factory=list)
    fills: list[tuple[float, float, float, float, tuple[int, int, int]]] = field(
        default_factory=list
    )
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)


@dataclass
class RawList:
    """One list as the raw libraries write it: Excel values, PDF pieces placed."""

    name: str
    titles: list[str]
    rows: list[tuple[Any, ...]]
    pages: list[RawPage]


def raw_list(doc: Any, texts: Any) -> RawList:
    """The cells of ``doc`` laid out by the list's own code (column widths, lines of
    each cell, page breaks), untimed: what the raw side draws."""
    from sbee_desk.documents import pdf as P
    from sbee_desk.documents.lists import COLUMN_KEYS, Wording, cell_values, list_file_name
    from sbee_desk.documents.lists import pdf as L
    from sbee_desk.documents.lists.content import header
    from sbee_desk.documents.lists.texts import NUMERIC

    pdf = L._ListPDF(doc, texts, header(doc, texts))
    try:
        cells, heights, breaks = pdf.layout()
        count = pdf.page_count
        wrapped, sizes, header_h = pdf.titles
        width_of = pdf._data_width
        pages: list[RawPage] = []
        y = 0.0

        def new_page(top: float) -> float:
            page = RawPage()
            pages.append(page)
            page.fills.append((pdf.l_margin, top, pdf.content_width, header_h, P.HEADER_FILL))
            for lines, size, left in zip(wrapped, sizes, pdf.lefts, strict=True):
                for n, text in enumerate(lines):
                    page.texts.append((left + L._PAD, top + 2.3 + n * 3.0, text, True, size))
            label = texts.header["page"].format(page=len(pages), pages=count)
            page.texts.append(
                (pdf.w - pdf.r_margin - 30, pdf.h - pdf.b_margin + 7, label, False, 7)
            )
            return top + header_h

        y = new_page(pdf.first_page_bottom())
        for number, row in enumerate(cells):
            if number in breaks:
                y = new_page(pdf._NEXT_PAGE_BOTTOM)
            page = pages[-1]
            height = heights[number]
            if number % 2:
                page.fills.append((pdf.l_margin, y, pdf.content_width, height, P.ZEBRA_FILL))
            for lines, key, left, width in zip(row, pdf.keys, pdf.lefts, pdf.widths, strict=True):
                baseline = y + L._PAD + 2.5
                for text in lines:
                    if key in NUMERIC:
                        x = left + width - L._PAD - width_of(text)
                    elif key == "suspendu_le":
                        x = left + (width - width_of(text)) / 2
                    else:
                        x = left + L._PAD
                    page.texts.append((x, baseline, text, False, L._FONT_SIZE))
                    baseline += L._LINE_H
            y += height
            page.rules.append((pdf.l_margin, y, pdf.l_margin + pdf.content_width, y))
    finally:
        pdf.close_fonts()
    wording = Wording(texts)
    order = [COLUMN_KEYS.index(k) for k in pdf.keys]
    rows = [tuple(cell_values(line, wording)[i] for i in order) for line in pdf.lines]
    name = list_file_name(doc.bordereau_code, doc.run_id, doc.kind, "x")[:-2]
    return RawList(name, [c.title for c in pdf.columns], rows, pages)


def raw_xlsx(data: RawList) -> bytes:
    """openpyxl write-only, public ``append``, no style."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Liste")
    ws.append(data.titles)
    for row in data.rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def raw_pdf(data: RawList) -> bytes:
    """fpdf2's public API placing the same pieces (DejaVu embedded, as the list)."""
    from fpdf import FPDF

    from sbee_desk.documents.resources import fonts_dir

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    folder = fonts_dir()
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.set_draw_color(190, 196, 204)
    for page in data.pages:
        pdf.add_page()
        for x, y, w, h, colour in page.fills:
            pdf.set_fill_color(*colour)
            pdf.rect(x, y, w, h, style="F")
        for x, y, text, bold, size in page.texts:
            pdf.set_font("DejaVu", "B" if bold else "", size)
            pdf.text(x, y, text)
        for x1, y1, x2, y2 in page.rules:
            pdf.line(x1, y1, x2, y2)
    return bytes(pdf.output())


def raw_child(source: Path, out: Path) -> None:
    """(b): the six files of the raw libraries, written and hashed."""
    with source.open("rb") as handle:
        lists: list[RawList] = pickle.load(handle)
    for data in lists:
        for extension, write in (("xlsx", raw_xlsx), ("pdf", raw_pdf)):
            content = write(data)
            hashlib.sha256(content).hexdigest()
            (out / f"{data.name}.{extension}").write_bytes(content)


# --------------------------------------------------------------------------- timing


def load() -> float:
    return os.getloadavg()[0]


def cpu_seconds() -> float:
    """Processor time of this process and of its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Measure:
    """Wall time, processor time (this process and its children: what the work costs
    whatever the machine's load) and the load average when it started."""

    label: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)

    def run(self, fn: Callable[[], object]) -> None:
        self.loads.append(load())
        cpu = cpu_seconds()
        start = time.perf_counter()
        fn()
        self.times.append(time.perf_counter() - start)
        self.cpu.append(cpu_seconds() - cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self) -> str:
        loads = "–".join(f"{x:.1f}".replace(".", ",") for x in (min(self.loads), max(self.loads)))
        return (
            f"| {self.label} | {self.median:.2f} | {min(self.times):.2f} | "
            f"{statistics.median(self.cpu):.2f} | {loads} |"
        )


def ratio(label: str, a: Measure, b: Measure) -> str:
    """The ratio of the medians (wall time, then processor time), and the range of the
    ratios of each pair of interleaved runs."""
    pairs = [x / y for x, y in zip(a.times, b.times, strict=True)]
    cpu = statistics.median(a.cpu) / statistics.median(b.cpu)
    return (
        f"| **{label}** | **{a.median / b.median:.2f}** | "
        f"{min(pairs):.2f}–{max(pairs):.2f} (essai par essai) | **{cpu:.2f}** | |"
    )


def run_command(url: str, run_id: int, code: str, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), PASSWORD_ENV: _demo_password()}
    command = [sys.executable, "-m", "sbee_desk", "lists", "--db", url, "--user", "chef"]
    command += ["--run", str(run_id), "--bordereau", code, "--out", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True)


def run_raw(source: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(Path(__file__)), "--raw-child", str(source), str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True)


def _demo_password() -> str:
    from sbee_desk.services.users import DEMO_PASSWORD

    return DEMO_PASSWORD


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--contracts", type=int, default=600_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--raw-child", nargs=2, metavar=("PICKLE", "DOSSIER"), help="interne")
    parser.add_argument(
        "--busy", action="store_true", help="one core kept busy by a spinning process"
    )
    args = parser.parse_args()
    if args.raw_child:
        raw_child(Path(args.raw_child[0]), Path(args.raw_child[1]))
        return
    if args.repeat < 3:
        raise SystemExit("--repeat : au moins 3 essais (médianes).")

    from sbee_desk.documents.lists import load_list_texts, pdf_bytes, xlsx_bytes

    template, run_id, code, count = prepare_database(args.contracts, args.lines)
    scratch = DATA / f"lists-scratch-{uuid.uuid4().hex[:6]}"
    scratch.mkdir(parents=True)
    spinner = Spinner(args.busy).__enter__()  # --busy: left in the finally below
    try:
        # a copy: each command adds register entries (copies) to its database
        db_file = scratch / "bench.db"
        say(f"Copie de {template.name}…")
        shutil.copyfile(template, db_file)
        url = f"sqlite:///{db_file}"
        texts = load_list_texts()
        docs = documents(url, run_id, code)
        say("Mise en page des cellules pour le côté brut (hors chronomètre)…")
        raws = [raw_list(doc, texts) for doc in docs]
        source = scratch / "raw.pickle"
        with source.open("wb") as handle:
            pickle.dump(raws, handle, protocol=pickle.HIGHEST_PROTOCOL)

        a = Measure("(a) commande `sbee-desk lists` complète (processus neuf)")
        b = Measure("(b) openpyxl + fpdf2 bruts, mêmes six fichiers (processus neuf)")
        for n in range(args.repeat):
            out_a, out_b = scratch / f"a{n}", scratch / f"b{n}"
            out_a.mkdir()
            out_b.mkdir()
            a.run(lambda: run_command(url, run_id, code, out_a))  # noqa: B023 - run at once
            b.run(lambda: run_raw(source, out_b))  # noqa: B023 - same
            shutil.rmtree(out_a)
            shutil.rmtree(out_b)
            say(f"  essai {n + 1} : a {a.times[-1]:.1f} s, b {b.times[-1]:.1f} s")

        big = max(docs, key=lambda d: len(d.lines))
        c = Measure("(c) liste Excel (`xlsx_bytes`)")
        d = Measure("(d) openpyxl écriture seule, `append` public, mêmes valeurs, sans style")
        e = Measure("(e) liste PDF (`pdf_bytes`)")
        f = Measure("(f) fpdf2 public (`text()`…) plaçant les mêmes cellules")
        big_raw = raws[docs.index(big)]
        for _ in range(args.repeat):
            c.run(lambda: xlsx_bytes(big, texts))
            d.run(lambda: raw_xlsx(big_raw))
            e.run(lambda: pdf_bytes(big, texts))
            f.run(lambda: raw_pdf(big_raw))
    finally:
        spinner.__exit__()
        shutil.rmtree(scratch, ignore_errors=True)

    sizes = ", ".join(f"{d.kind.value} {len(d.lines)}" for d in docs)
    print(
        f"\nBordereau {code} de {count} lignes ({sizes}), {args.repeat} essais alternés — "
        f"{machine()}{' — un cœur occupé (--busy)' if args.busy else ''}\n"
    )
    print(HEAD)
    for m in (a, b):
        print(m.row())
    print(ratio("a / b : commande entière / bibliothèques brutes", a, b))
    verdict = "atteinte" if a.median <= 10 else "MANQUÉE"
    print(f"| cible (a) ≤ 10 s | {verdict} | | | |")
    print(
        f"\nListe la plus longue ({big.kind.value}, {len(big.lines)} lignes), dans ce processus :\n"
    )
    print(HEAD)
    for m in (c, d, e, f):
        print(m.row())
    print(ratio("c / d : Excel de la liste / openpyxl `append` sans style", c, d))
    print(ratio("e / f : PDF de la liste / fpdf2 public, mêmes cellules", e, f))


if __name__ == "__main__":
    main()
