"""Benchmark of the Excel list export (issue #5, Performance).

Compares, in the same run, on the same 100 000 lines:

- (a) ``documents.lists.xlsx_bytes`` — the real export: header block, styled cells
  (borders, fonts, number formats, wrap), totals row, print setup, saved to memory;
- (b) raw openpyxl write-only (with lxml) ``append``-ing the same cell values, no
  style at all, saved to memory;
- (c) for information, (a) through openpyxl's public ``append`` (the fallback of
  ``_RowSink``): what the styled cells would cost without the direct writer.

Each is run ``--repeat`` times, alternately; the median and the best are printed
as a markdown table. Target: a ≤ 1.2 × b. ``--check`` re-reads both workbooks and
compares every data cell. ``--pdf-lines`` also times the PDF of a smaller list
(information only: the binder copy of one bordereau).

    .venv/bin/python bench/bench_lists.py
    .venv/bin/python bench/bench_lists.py --lines 20000 --repeat 5 --check
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/bench_lists.py` from anywhere
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402 - after the sys.path entry, like the package imports
from openpyxl import Workbook, load_workbook  # noqa: E402

from sbee_desk.documents.lists import (  # noqa: E402 - needs the sys.path entry above
    COLUMN_KEYS,
    ListDocument,
    ListLine,
    ListTexts,
    Wording,
    cell_values,
    load_list_texts,
    pdf_bytes,
    sorted_lines,
    xlsx_bytes,
)
from sbee_desk.documents.lists import xlsx as L  # noqa: E402 - same
from sbee_desk.domain.enums import CustomerCategory, Decision, ListKind  # noqa: E402

FIRST_NAMES = ["Kossi", "Afiavi", "Rémi", "Ahouéfa", "Sènan", "Mahugnon", "Célestin", "Bénédicte"]
LAST_NAMES = ["Hounkpatin", "Zinsou", "Dossou-Yovo", "Kpadonou", "Agbodjan", "Gbèto", "Adjovi"]
QUARTIERS = ["Akpakpa", "Gbégamey", "Cadjèhoun", "Fidjrossè", "Houéyiho", "Zogbo", "Agla"]


def make_lines(count: int, seed: int = 5) -> list[ListLine]:
    rnd = random.Random(seed)
    lines = []
    for n in range(count):
        unpaid = rnd.randint(2, 9)
        days = rnd.randint(30, 120)
        lines.append(
            ListLine(
                police=f"{1_000_000_000 + n * 37:010d}",
                customer_name=f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}",
                address=f"Lot {rnd.randint(1, 2000)}, carré {rnd.randint(1, 300)}",
                quartier=rnd.choice(QUARTIERS),
                zone_code=f"Z{rnd.randint(1, 12)}",
                voltage="BT",
                unpaid_count=unpaid,
                amount_due=rnd.randint(5_000, 3_000_000),
                suspended_on=dt.date(2026, 11, 20) - dt.timedelta(days=days),
                days_suspended=days,
                decision=Decision.RESILIATION,
                reason=f"{unpaid} factures impayées, suspendu depuis {days} jours",
                customer_code=f"C{n:08d}",
                category=CustomerCategory.ORDINAIRE,
                delivery_point=f"PDL-{n:08d}",
                meter_serial=f"CPT-{n:08d}",
                document_number=f"{n:08d}",
            )
        )
    return lines


def document(lines: list[ListLine]) -> ListDocument:
    moment = dt.datetime(2026, 11, 22, 9, 15, tzinfo=dt.UTC)
    return ListDocument(
        kind=ListKind.A_RESILIER,
        agency_code="AG-COT",
        agency_name="Agence Cotonou Centre",
        bordereau_code="BT-COT-2026-09",
        voltage="BT",
        period="2026-09",
        run_id=7,
        run_on=dt.date(2026, 11, 20),
        validated_by="Koffi Agbo (chef)",
        validated_at=moment,
        produced_by="Koffi Agbo (chef)",
        produced_at=moment,
        lines=lines,
    )


def raw_rows(doc: ListDocument, texts: ListTexts) -> list[tuple[object, ...]]:
    """The same cell values as the export writes, in its column order (built untimed)."""
    wording = Wording(texts)
    order = [COLUMN_KEYS.index(c.key) for c in texts.columns[doc.kind]]
    rows = []
    for line in sorted_lines(doc.kind, doc.lines):
        values = cell_values(line, wording)
        rows.append(tuple(values[i] for i in order))
    return rows


def raw_openpyxl(rows: list[tuple[object, ...]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Liste")
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def public_append(doc: ListDocument, texts: ListTexts) -> bytes:
    L._RowSink.use_writer = False
    try:
        return xlsx_bytes(doc, texts)
    finally:
        L._RowSink.use_writer = True


def timed(fn: Callable[[], bytes]) -> tuple[float, bytes]:
    start = time.perf_counter()
    content = fn()
    return time.perf_counter() - start, content


def check(export: bytes, raw: bytes, lines: int) -> None:
    """Every data cell of the export equals the raw workbook's."""
    a = load_workbook(io.BytesIO(export), read_only=True).active
    b = load_workbook(io.BytesIO(raw), read_only=True).active
    rows_a = a.iter_rows(min_row=7, max_row=6 + lines, values_only=True)
    rows_b = b.iter_rows(values_only=True)
    compared = 0
    for row_a, row_b in zip(rows_a, rows_b, strict=True):
        if tuple(row_a) != tuple(row_b):
            raise SystemExit(f"différence à la ligne {compared + 1} : {row_a} != {row_b}")
        compared += 1
    print(f"Vérification : {compared} lignes identiques dans les deux classeurs.", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="compare every data cell")
    parser.add_argument("--pdf-lines", type=int, default=5_000, help="0: no PDF timing")
    args = parser.parse_args()
    if not openpyxl.LXML:
        raise SystemExit("lxml absent : openpyxl n'a pas son chemin rapide ; installez lxml.")
    texts = load_list_texts()
    doc = document(make_lines(args.lines))
    rows = raw_rows(doc, texts)
    times: dict[str, list[float]] = {"a": [], "b": [], "c": []}
    outputs: dict[str, bytes] = {}
    for _ in range(args.repeat):
        for key, fn in (
            ("a", lambda: xlsx_bytes(doc, texts)),
            ("b", lambda: raw_openpyxl(rows)),
            ("c", lambda: public_append(doc, texts)),
        ):
            seconds, outputs[key] = timed(fn)
            times[key].append(seconds)
    if args.check:
        check(outputs["a"], outputs["b"], args.lines)

    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["a"] / med["b"]
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = f"{args.lines:,}".replace(",", "\u202f")
    print(
        f"\n{lines} lignes, {args.repeat} essais alternés — Python "
        f"{platform.python_version()}, openpyxl {openpyxl.__version__} (lxml), "
        f"charge {load}\n"
    )
    print("| mesure | médiane (s) | meilleur (s) | taille |")
    print("|---|---:|---:|---:|")
    labels = {
        "a": "(a) export Excel (xlsx_bytes)",
        "b": "(b) openpyxl write-only brut",
        "c": "(c) = a par `append` public (information)",
    }
    for key, label in labels.items():
        print(
            f"| {label} | {med[key]:.2f} | {min(times[key]):.2f} | "
            f"{len(outputs[key]) / 1e6:.1f} Mo |"
        )
    print(f"| c / b (information) | {med['c'] / med['b']:.2f} | | |")
    verdict = "atteinte" if ratio <= 1.2 else "MANQUÉE"
    print(
        f"| **a / b** | **{ratio:.2f}** | {min(times['a']) / min(times['b']):.2f} | "
        f"cible ≤ 1,2 : {verdict} |"
    )
    if args.pdf_lines:
        small = document(make_lines(args.pdf_lines))
        seconds, content = timed(lambda: pdf_bytes(small, texts))
        pdf_lines = f"{args.pdf_lines:,}".replace(",", "\u202f")
        print(
            f"\nPDF de {pdf_lines} lignes : {seconds:.2f} s, "
            f"{len(content) / 1e6:.1f} Mo (information)"
        )


if __name__ == "__main__":
    main()
