"""Shared helpers of the benchmarks: cached demo export, scratch databases, timing.

Everything generated goes to ``bench/data/`` (gitignored). The export depends on
(contracts, seed, today) and the generator's EXPORT_VERSION only, so it is written
once per size and reused.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/bench_x.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sbee_desk.db.database import Database  # noqa: E402 - needs the sys.path entry above
from sbee_desk.services.actor import Actor  # noqa: E402 - same
from sbee_desk.services.demo import (  # noqa: E402 - same
    DEFAULT_SEED,
    EXPORT_VERSION,
    TABLES,
    write_demo_export,
)
from sbee_desk.services.users import create_demo_users, user_count  # noqa: E402 - same

T = TypeVar("T")
DATA = ROOT / "bench" / "data"
#: fixed "today" of the benchmark data, so the cache stays valid whatever the day
BENCH_TODAY = dt.date(2026, 11, 29)
DEFAULT_CONTRACTS = 1_000_000


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def export_folder(contracts: int, seed: int = DEFAULT_SEED) -> Path:
    """The cached export of ``contracts`` contracts (written if missing)."""
    folder = DATA / f"export-v{EXPORT_VERSION}-{contracts}-{seed}-{BENCH_TODAY.isoformat()}"
    if all((folder / f"{t}.csv").is_file() for t in TABLES):
        return folder
    say(f"Génération de l'export de démonstration ({contracts} contrats) dans {folder}…")
    start = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 5 or done == total:
            last[0] = now
            say(f"  {done}/{total} contrats ({now - start:.0f} s)")

    counts = write_demo_export(
        folder, contracts=contracts, today=BENCH_TODAY, seed=seed, progress=progress
    )
    say(f"  fait en {time.perf_counter() - start:.1f} s : {counts}")
    return folder


def chef(db: Database) -> Actor:
    """The chef section recouvrement who imports and selects (demo users if none yet)."""
    if user_count(db.uow()) == 0:
        return create_demo_users(db.uow())
    return Actor("chef")


def row_counts(folder: Path) -> dict[str, int]:
    """Data rows per table of an export (lines minus the header)."""
    counts = {}
    for table in TABLES:
        lines = 0
        with (folder / f"{table}.csv").open("rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
        counts[table] = lines - 1
    return counts


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def pg_database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def pg_create(server_url: str, name: str, *, drop: bool) -> str:
    """Create database ``name`` on the server of ``server_url`` (dropped first if asked)."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if found and drop:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                found = None
            if not found:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return pg_database_url(server_url, name)


def pg_drop(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def scratch_database(server_url: str | None, label: str) -> Iterator[str]:
    """URL of an empty database (SQLite file under bench/data, or a new PostgreSQL
    database on the server of ``server_url``), removed afterwards."""
    if server_url and is_postgres(server_url):
        name = f"sbee_bench_{label}_{uuid.uuid4().hex[:6]}"
        url = pg_create(server_url, name, drop=True)
        try:
            yield url
        finally:
            pg_drop(server_url, name)
        return
    folder = DATA / f"scratch-{label}-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    try:
        yield f"sqlite:///{folder / 'bench.db'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def summary(times: list[float]) -> tuple[float, float]:
    """(best, median) in seconds."""
    return min(times), statistics.median(times)


def machine() -> str:
    """Interpreter, cores and load average: timings on a busy machine say so."""
    cpus = os.cpu_count() or 0
    load = f", charge moyenne {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return f"{platform.python_implementation()} {platform.python_version()}, {cpus} cœurs{load}"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def thousands(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


class Spinner:
    """``--busy``: one core kept busy by a spinning process (an agency PC with its
    browser and antivirus) for as long as the measures run."""

    def __init__(self, busy: bool) -> None:
        self.busy = busy
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Spinner:
        if self.busy:
            self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
