"""Peak memory of the import, whatever the file (issue #12: ≤ 500 MB).

Generates in a temporary folder the worst files we know — bombs that must be refused
and the biggest files that must be accepted — and imports each in a fresh process
into an empty SQLite database (or a scratch PostgreSQL database with ``--db``),
reporting the outcome, the time and the process's peak resident memory (ru_maxrss).

```sh
.venv/bin/python bench/bench_import_memory.py                # every case, 1 000 000 rows
.venv/bin/python bench/bench_import_memory.py --rows 100000  # quicker
.venv/bin/python bench/bench_import_memory.py --case strings-bomb
```
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from _common import ROOT, say, scratch_database

LIMIT_MB = 500
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CLIENTS = ["code_client", "nom", "adresse", "quartier", "telephone", "categorie"]


def _zip(path: Path, parts: dict[str, bytes | Callable[[zipfile.ZipFile, str], None]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, data in parts.items():
            if callable(data):
                data(book, name)
            else:
                book.writestr(name, data)
    return path


def _skeleton(strings: bool = True) -> dict[str, bytes | Callable[[zipfile.ZipFile, str], None]]:
    shared = f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    return {
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="r1" Type="{RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook {MAIN} xmlns:r="{RELS}"><sheets>'
            '<sheet name="clients" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RELS}/worksheet" '
            f'Target="worksheets/sheet1.xml"/>{shared if strings else ""}</Relationships>'
        ).encode(),
    }


def _streamed(pieces: Callable[[], object]) -> Callable[[zipfile.ZipFile, str], None]:
    """A part written piece by piece (never whole in memory)."""

    def write(book: zipfile.ZipFile, name: str) -> None:
        with book.open(name, "w", force_zip64=True) as part:
            for piece in pieces():  # type: ignore[attr-defined]
                part.write(piece)

    return write


def _header_sheet(extra_rows: Callable[[], object] | None = None) -> Callable[..., None]:
    def pieces() -> object:
        yield f'<worksheet {MAIN}><sheetData><row r="1">'.encode()
        for n, name in enumerate(CLIENTS):
            yield f'<c r="{chr(65 + n)}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode()
        yield b"</row>"
        if extra_rows is not None:
            yield from extra_rows()  # type: ignore[misc]
        yield b"</sheetData></worksheet>"

    return _streamed(pieces)


def strings_bomb(folder: Path, rows: int) -> Path:
    """The issue's file: ~11 MB zipped, a shared-strings part of ~1.3 GB."""

    def pieces() -> object:
        yield f"<sst {MAIN}>".encode()
        block = b"<si><t>x</t></si>" * 65536
        for _ in range((1300 << 20) // len(block)):
            yield block
        yield b"</sst>"

    parts = _skeleton()
    parts["xl/worksheets/sheet1.xml"] = _header_sheet()
    parts["xl/sharedStrings.xml"] = _streamed(pieces)
    return _zip(folder / "strings-bomb.xlsx", parts)


def strings_count(folder: Path, rows: int) -> Path:
    """A shared-strings part under the size limit holding the most strings it can."""

    def pieces() -> object:
        yield f"<sst {MAIN}>".encode()
        for start in range(0, 3_000_000, 100_000):
            yield b"".join(b"<si><t>%d</t></si>" % n for n in range(start, start + 100_000))
        yield b"</sst>"

    parts = _skeleton()
    parts["xl/worksheets/sheet1.xml"] = _header_sheet()
    parts["xl/sharedStrings.xml"] = _streamed(pieces)
    return _zip(folder / "strings-count.xlsx", parts)


def zip_bomb(folder: Path, rows: int) -> Path:
    """One sheet of 4 GB of blank rows, a few MB zipped."""

    def extra() -> object:
        block = b"<row/>" * 100_000
        for _ in range((4 << 30) // len(block)):
            yield block

    parts = _skeleton(strings=False)
    parts["xl/worksheets/sheet1.xml"] = _header_sheet(extra)
    return _zip(folder / "zip-bomb.xlsx", parts)


def rows_bomb(folder: Path, rows: int) -> Path:
    """900 MB of blank rows, under the size limits: refused past Excel's row limit."""

    def extra() -> object:
        block = b"<row/>" * 100_000
        for _ in range((900 << 20) // len(block)):
            yield block

    parts = _skeleton(strings=False)
    parts["xl/worksheets/sheet1.xml"] = _header_sheet(extra)
    return _zip(folder / "rows-bomb.xlsx", parts)


def giant_cell(folder: Path, rows: int) -> Path:
    """One cell of 900 MB of text."""

    def extra() -> object:
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = b"A" * (1 << 20)
        for _ in range(900):
            yield block
        yield b"</t></is></c></row>"

    parts = _skeleton(strings=False)
    parts["xl/worksheets/sheet1.xml"] = _header_sheet(extra)
    return _zip(folder / "giant-cell.xlsx", parts)


def wide_rows(folder: Path, rows: int) -> Path:
    """Rows of 20 001 cells (one more than a row may hold)."""

    def extra() -> object:
        cell = b'<c t="inlineStr"><is><t>x</t></is></c>'
        for n in range(2, 200):
            yield b'<row r="%d">' % n + cell * 20_001 + b"</row>"

    parts = _skeleton(strings=False)
    parts["xl/worksheets/sheet1.xml"] = _header_sheet(extra)
    return _zip(folder / "wide-rows.xlsx", parts)


def csv_rows(folder: Path, rows: int) -> Path:
    """``rows`` clients in one CSV file (accepted)."""
    path = folder / "clients.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(";".join(CLIENTS) + "\r\n")
        for start in range(0, rows, 100_000):
            f.write(
                "".join(
                    f"C{n:09d};Client numéro {n};Lot {n % 997};Cadjèhoun;97{n:06d};ORDINAIRE\r\n"
                    for n in range(start, min(start + 100_000, rows))
                )
            )
    return path


def csv_one_line(folder: Path, rows: int) -> Path:
    """A 1 GB CSV file without a single line break."""
    path = folder / "clients.csv"
    with path.open("wb") as f:
        f.write(";".join(CLIENTS).encode() + b";")
        block = b"A" * (1 << 20)
        for _ in range(1024):
            f.write(block)
    return path


def xlsx_rows(folder: Path, rows: int) -> Path:
    """``rows`` clients in a workbook as Excel writes it: every text a shared string."""

    def strings() -> object:
        yield f"<sst {MAIN}>".encode()
        yield b"".join(b"<si><t>%s</t></si>" % name.encode() for name in CLIENTS)
        yield b"<si><t>ORDINAIRE</t></si>"
        for start in range(0, rows, 100_000):
            stop = min(start + 100_000, rows)
            yield b"".join(b"<si><t>C%09d</t></si>" % n for n in range(start, stop))
            name = "Client numéro %d".encode()
            yield b"".join(b"<si><t>" + name % n + b"</t></si>" for n in range(start, stop))
        yield b"</sst>"

    def sheet() -> object:
        yield f'<worksheet {MAIN}><sheetData><row r="1">'.encode()
        yield b"".join(b'<c r="%c1" t="s"><v>%d</v></c>' % (65 + n, n) for n in range(6))
        yield b"</row>"
        for start in range(0, rows, 10_000):
            out = []
            for n in range(start, min(start + 10_000, rows)):
                r = n + 2
                code = 7 + (n // 100_000) * 200_000 + n % 100_000
                name = code + min(100_000, rows - (n // 100_000) * 100_000)
                out.append(
                    b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c>'
                    b'<c r="F%d" t="s"><v>6</v></c></row>' % (r, r, code, r, name, r)
                )
            yield b"".join(out)
        yield b"</sheetData></worksheet>"

    parts = _skeleton()
    parts["xl/sharedStrings.xml"] = _streamed(strings)
    parts["xl/worksheets/sheet1.xml"] = _streamed(sheet)
    return _zip(folder / "clients.xlsx", parts)


CASES: dict[str, tuple[Callable[[Path, int], Path], str]] = {
    "strings-bomb": (strings_bomb, "refused"),
    "strings-count": (strings_count, "refused"),
    "zip-bomb": (zip_bomb, "refused"),
    "rows-bomb": (rows_bomb, "refused"),
    "giant-cell": (giant_cell, "refused"),
    "wide-rows": (wide_rows, "refused"),
    "csv-one-line": (csv_one_line, "refused"),
    "csv-rows": (csv_rows, "accepted"),
    "xlsx-rows": (xlsx_rows, "accepted"),
}

CHILD = """
import json, resource, sys, time
sys.path[:0] = [sys.argv[3], sys.argv[3] + "/bench"]
from sbee_desk.db.database import open_database
from sbee_desk.services.importing import ImportFailed, import_export
from _common import chef
db = open_database(sys.argv[1])
actor = chef(db)
start = time.perf_counter()
try:
    result = import_export(db.uow(), actor, sys.argv[2])
    outcome = {"outcome": "accepted", "rows": sum(c.total for c in result.counts.values())}
except ImportFailed as failed:
    outcome = {"outcome": "refused", "first": str(failed.problems[0])[:160]}
outcome["seconds"] = time.perf_counter() - start
outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(outcome))
"""


def run_case(name: str, rows: int, server: str | None) -> dict[str, object]:
    make, expected = CASES[name]
    with tempfile.TemporaryDirectory(prefix="sbee-bench-mem-") as tmp:
        folder = Path(tmp)
        say(f"{name} : génération…")
        path = make(folder, rows)
        size = path.stat().st_size
        with scratch_database(server, "memory") as url:
            say(f"{name} : import de {path.name} ({size / 2**20:.1f} Mo)…")
            started = time.perf_counter()
            child = subprocess.run(
                [sys.executable, "-c", CHILD, url, str(path), str(ROOT)],
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - started
        if child.returncode != 0:
            return {"case": name, "outcome": "CRASH", "stderr": child.stderr[-2000:]}
        report: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
        report.update(case=name, expected=expected, file_mb=round(size / 2**20, 1))
        report["process_seconds"] = round(elapsed, 1)
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    parser.add_argument("--db", help="URL of a PostgreSQL server (scratch databases there)")
    args = parser.parse_args(argv)
    failed = False
    print("| cas | fichier (Mo) | attendu | obtenu | durée (s) | mémoire max (Mo) |")
    print("|---|---:|---|---|---:|---:|")
    for name in args.case or list(CASES):
        report = run_case(name, args.rows, args.db)
        ok = (
            report.get("outcome") == report.get("expected")
            and float(
                report.get("peak_mb", 1e9)  # type: ignore[arg-type]
            )
            <= LIMIT_MB
        )
        failed |= not ok
        print(
            f"| {name} | {report.get('file_mb')} | {report.get('expected')} | "
            f"{report.get('outcome')} | {float(report.get('seconds', 0)):.1f} | "  # type: ignore[arg-type]
            f"{float(report.get('peak_mb', 0)):.0f} |",  # type: ignore[arg-type]
            flush=True,
        )
        if "first" in report:
            say(f"  {report['first']}")
        if "stderr" in report:
            say(str(report["stderr"]))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
