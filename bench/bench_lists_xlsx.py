"""The Excel list writer alone, before / after a change (#18), in this process.

``--lines`` lines (50 000 by default) built in memory, shaped as the demo's (texts
with accents, ``&``, addresses, a document number, amounts, dates), written as the
à-résilier list by (a) ``xlsx.py`` as it is in git at ``--before`` (loaded from
``git show``, run against the current rest of the package) and (b) the current
``xlsx_bytes``; then (c) openpyxl write-only ``append`` of the same values without
style, the raw library's cheapest way to the same cells. Interleaved (a b c a b c
…), ``--repeat`` runs (3 at least), medians, processor time beside the wall time,
the load average at the start of each run.

    .venv/bin/python bench/bench_lists_xlsx.py --before 59981c2
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import subprocess
import sys
import types
from typing import Any

from _common import ROOT, machine
from bench_lists import HEAD, Measure, ratio

WRITER = "sbee_desk/documents/lists/xlsx.py"


def old_writer(revision: str) -> Any:
    """``xlsx.py`` as it is at ``revision``, as a module."""
    source = subprocess.run(
        ["git", "show", f"{revision}:{WRITER}"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    module = types.ModuleType(f"xlsx_at_{revision}")
    module.__file__ = f"{revision}:{WRITER}"
    sys.modules[module.__name__] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # our own file, from git
    return module


def lines(count: int) -> list[Any]:
    from sbee_desk.documents.lists import ListLine
    from sbee_desk.domain.enums import CustomerCategory, Decision

    names = ("Afiavi Zinsou épouse Agbodjan", "Rémi Dossou-Yovo", "Société Tchibozo & Fils")
    quarters = ("Akpakpa", "Cadjèhoun", "Fidjrossè", "Zogbo")
    return [
        ListLine(
            police=f"P{n:08d}",
            customer_name=f"{names[n % 3]} {n}",
            address=f"Lot {n % 900}, carré {n % 77}, {quarters[n % 4]}",
            quartier=quarters[n % 4],
            zone_code=f"Z{n % 9}",
            voltage="BT",
            unpaid_count=2 + n % 5,
            amount_due=5_000 + 137 * n,
            suspended_on=dt.date(2026, 1, 1) + dt.timedelta(days=n % 300),
            days_suspended=30 + n % 300,
            decision=Decision.RESILIATION,
            reason=f"{2 + n % 5} factures impayées, suspendu depuis {30 + n % 300} jours",
            customer_code=f"C{n:08d}",
            category=CustomerCategory.ORDINAIRE,
            delivery_point=f"PDL-{n:08d}",
            meter_serial=f"CPT-{n:08d}",
            document_number=f"{n:08d}",
        )
        for n in range(count)
    ]


def raw(doc: Any, texts: Any) -> bytes:
    """(c) openpyxl write-only, public ``append``, the same values, no style."""
    from openpyxl import Workbook

    from sbee_desk.documents.lists import COLUMN_KEYS, Wording, cell_values, sorted_lines

    columns = texts.columns[doc.kind]
    order = [COLUMN_KEYS.index(c.key) for c in columns]
    wording = Wording(texts)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Liste")
    ws.append([c.title for c in columns])
    for line in sorted_lines(doc.kind, doc.lines):
        values = cell_values(line, wording)
        ws.append([values[i] for i in order])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", required=True, help="révision git de référence")
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.repeat < 3:
        raise SystemExit("--repeat : au moins 3 essais (médianes).")

    from sbee_desk.documents.lists import ListDocument, load_list_texts, xlsx_bytes
    from sbee_desk.domain.enums import ListKind

    texts = load_list_texts()
    now = dt.datetime(2026, 11, 29, 8, 30)
    doc = ListDocument(
        kind=ListKind.A_RESILIER,
        agency_code="AG-COT",
        agency_name="Agence Cotonou Centre",
        bordereau_code="BT-COT-2026-09",
        voltage="BT",
        period="2026-09",
        run_id=7,
        run_on=now.date(),
        validated_by="Koffi Agbo (chef)",
        validated_at=now,
        produced_by="Koffi Agbo (chef)",
        produced_at=now,
        lines=lines(args.lines),
    )
    before = old_writer(args.before)
    a = Measure(f"(a) `xlsx_bytes` à {args.before}")
    b = Measure("(b) `xlsx_bytes` actuel")
    c = Measure("(c) openpyxl écriture seule, `append` public, mêmes valeurs, sans style")
    sizes: dict[str, int] = {}
    for _ in range(args.repeat):
        a.run(lambda: sizes.__setitem__("a", len(before.xlsx_bytes(doc, texts))))
        b.run(lambda: sizes.__setitem__("b", len(xlsx_bytes(doc, texts))))
        c.run(lambda: sizes.__setitem__("c", len(raw(doc, texts))))
    print(
        f"\nListe à résilier de {args.lines} lignes, {args.repeat} essais alternés — "
        f"{machine()} ; tailles {sizes['a']} / {sizes['b']} / {sizes['c']} octets\n"
    )
    print(HEAD)
    for m in (a, b, c):
        print(m.row())
    print(ratio("a / b : avant / après", a, b))
    print(ratio("b / c : liste Excel / openpyxl `append` sans style", b, c))


if __name__ == "__main__":
    main()
