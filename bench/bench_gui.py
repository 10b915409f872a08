"""Benchmark of the desktop application on a large demo agency.

Measures, in a fresh process (as a user starting the application):

* cold start: from launching the process to a usable main window (signed in,
  status bar filled, the Sélection page showing its runs);
* opening a bordereau of ``--lines`` lines (default 50 000): from the click on the
  bordereau to its first lines painted (the first page of
  ``selection.lines.FIRST_PAGE`` lines; target ≤ 0.3 s), and to all its lines
  loaded and swapped in (in the background, the window responsive meanwhile);
  with the share of the service (``candidate_lines``, first page and whole list)
  and of the table model + view; then filtering, searching and sorting the lines;
* memory of the running application: resident (VmRSS) after start and with the
  bordereau open, and the true peak (VmHWM of /proc/self/status, the kernel's
  high-water mark of resident memory, not a sample; target ≤ 400 MB);
* start times alone, each in a fresh process: a cold start after dropping the
  file cache (``sync; echo 3 > /proc/sys/vm/drop_caches``, root only: the Python
  interpreter, Qt's libraries and the database are read from disk again) when
  permitted, and ``--repeat`` warm starts (median), interleaved in that order.

Data: the demo export of ``--contracts`` contracts (default 1 000 000), cached in
bench/data/ by _common.export_folder, imported once into bench/data/gui-N.db (or
copied from bench_select's bench/data/select-N.db when it exists). The demo's
largest bordereau holds about 1.2 % of the contracts (≈ 12 000 lines at one
million), so the benchmark gathers the first ``--lines`` lines of a selection run
into one bordereau to open a bordereau of that size through the real service.

    .venv/bin/python bench/bench_gui.py --contracts 20000
    .venv/bin/python bench/bench_gui.py                      # 1 000 000 contracts
    xvfb-run -a .venv/bin/python bench/bench_gui.py --platform xcb
    sudo .venv/bin/python bench/bench_gui.py                 # with a true cold start

Prints a markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    BENCH_TODAY,
    DATA,
    DEFAULT_CONTRACTS,
    chef,
    export_folder,
    machine,
    say,
    seconds,
    summary,
    thousands,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LINES = 50_000
TARGET_OPEN_S = 0.3
TARGET_RSS_MB = 400


# --------------------------------------------------------------------------- database


def prepare_database(contracts: int, lines: int) -> tuple[str, int, str, int]:
    """(url, run id, bordereau code, its lines): a demo database with a run whose
    bordereau ``code`` holds ``lines`` lines (or all of the run's, if fewer)."""
    from sqlalchemy import func, select, text, update

    from sbee_desk.db.database import open_database
    from sbee_desk.db.models import Candidate
    from sbee_desk.services.importing import import_export
    from sbee_desk.services.selection import run_selection

    path = DATA / f"gui-{contracts}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        if info["wanted_lines"] == lines:
            return f"sqlite:///{path}", info["run"], info["bordereau"], info["lines"]
    for stale in (path, meta, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    imported = DATA / f"select-{contracts}.db"
    if imported.exists() and not Path(f"{imported}-wal").exists():
        say(f"Copie de {imported.name} (import déjà fait par bench_select)…")
        shutil.copyfile(imported, path)
        url = f"sqlite:///{path}"
        db = open_database(url)  # migrates to the current schema
        actor = chef(db)
    else:
        folder = export_folder(contracts)
        url = f"sqlite:///{path}"
        db = open_database(url)
        actor = chef(db)
        say(f"Import de {folder.name}…")
        start = time.perf_counter()
        import_export(db.uow(), actor, folder)
        say(f"  fait en {time.perf_counter() - start:.0f} s")
    try:
        run = run_selection(db.uow(), actor, BENCH_TODAY, today_=BENCH_TODAY)
        with db.engine.begin() as conn:
            by_size = conn.execute(
                select(Candidate.bordereau_code)
                .where(Candidate.run_id == run.run_id)
                .group_by(Candidate.bordereau_code)
                .order_by(func.count().desc())
                .limit(2)
            ).scalars()
            code, *rest = list(by_size)
            # the bordereau's own lines first, then others, up to `lines`
            chosen = (
                select(Candidate.id)
                .where(Candidate.run_id == run.run_id)
                .order_by((Candidate.bordereau_code != code), Candidate.id)
                .limit(lines)
                .scalar_subquery()
            )
            in_run = Candidate.run_id == run.run_id
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
        with db.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        db.dispose()
    meta.write_text(
        json.dumps({"run": run.run_id, "bordereau": code, "lines": count, "wanted_lines": lines})
    )
    return url, run.run_id, code, count


# --------------------------------------------------------------------------- the app


def _status_mb(field: str) -> float | None:
    """A memory line of /proc/self/status (Linux), in MB; None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rss_mb() -> float:
    """Resident memory of this process now (Linux), else its peak."""
    now = _status_mb("VmRSS")
    return now if now is not None else _maxrss_mb()


def peak_mb() -> float:
    """The true peak of this process's resident memory: VmHWM (Linux), else ru_maxrss."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else _maxrss_mb()


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def drop_file_cache() -> str | None:
    """Empty the kernel's file cache (root only); None if done, else why not."""
    try:
        os.sync()
        DROP_CACHES.write_text("3\n")
    except OSError as exc:
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return None


def wait_for(signal: Any, timeout_ms: int = 600_000) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def open_window(url: str) -> tuple[Any, Any, Any]:
    """(app, database, main window): the application started as a user starts it, up
    to a usable window (signed in, status bar filled, the Sélection page's runs shown)."""
    from PySide6.QtWidgets import QApplication

    from sbee_desk import app as app_module

    app = app_module.create_application(["bench"])
    db = app_module.open_or_explain(url)
    assert db is not None
    go_on, actor = app_module.sign_in(db, "chef")
    assert go_on and actor is not None
    window = app_module.build_main_window(db, actor)
    window.resize(1366, 768)
    wait_for(window.ready)
    if not window.selection_page.runs:
        wait_for(window.selection_page.overview_loaded)
    QApplication.processEvents()
    window.repaint()
    return app, db, window


def start_child(url: str, started: float) -> dict[str, Any]:
    """Runs in the measured process: start the app up to a usable window, report."""
    app, db, window = open_window(url)
    report = {"start_s": time.time() - started, "peak_mb": peak_mb()}
    window.close()
    db.dispose()
    del app
    return report


def child(url: str, run_id: int, code: str, started: float, repeat: int) -> dict[str, Any]:
    """Runs in the measured process: start the app, open the bordereau, report."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from sbee_desk.domain.enums import Decision
    from sbee_desk.gui.models import candidates as cols
    from sbee_desk.gui.pages.selection.lines import FIRST_PAGE
    from sbee_desk.services.selection import candidate_lines

    def painted(widget: Any) -> None:
        QApplication.processEvents()
        widget.repaint()

    report: dict[str, Any] = {}
    app, db, window = open_window(url)
    page = window.selection_page
    report["start_s"] = time.time() - started
    report["rss_start_mb"] = rss_mb()

    run = next(r for r in page.runs if r.run_id == run_id)
    page.display_run(run)
    wait_for(page.lines_loaded)
    other = next((b.code for b in page.bordereau_model.rows if b.code != code), None)

    first_lines: list[float] = []
    all_lines: list[float] = []
    for _ in range(repeat):
        if other is not None and page.current_bordereau == code:
            page.select_bordereau(other)
            wait_for(page.lines_loaded)
        while window.ctx.tasks.busy:  # the search keys of the previous list
            wait_for(window.ctx.tasks.busy_changed)
        QApplication.processEvents()
        start = time.perf_counter()
        page.select_bordereau(code)
        wait_for(page.first_lines_shown)
        painted(page.view.lines_table)
        first_lines.append(time.perf_counter() - start)
        if not page.lines_complete:
            wait_for(page.lines_loaded)
        painted(page.view.lines_table)
        all_lines.append(time.perf_counter() - start)
    report["first_s"] = first_lines
    report["all_s"] = all_lines
    report["first_page"] = FIRST_PAGE
    report["lines"] = page.line_model.total_count
    report["rss_open_mb"] = rss_mb()

    fetch_first: list[float] = []
    fetch: list[float] = []
    model: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        candidate_lines(db.uow(), run_id, code, limit=FIRST_PAGE)
        fetch_first.append(time.perf_counter() - start)
        start = time.perf_counter()
        lines = candidate_lines(db.uow(), run_id, code)
        fetch.append(time.perf_counter() - start)
        start = time.perf_counter()
        page.line_model.set_lines(lines)
        painted(page.view.lines_table)
        model.append(time.perf_counter() - start)
    report["fetch_first_s"] = fetch_first
    report["fetch_s"] = fetch
    report["model_s"] = model

    # back to the page's own loading (search keys prepared in the background)
    if other is not None:
        page.select_bordereau(other)
        wait_for(page.lines_loaded)
    page.select_bordereau(code)
    wait_for(page.lines_loaded)
    while window.ctx.tasks.busy:
        wait_for(window.ctx.tasks.busy_changed)

    def timed_ui(action: Any) -> float:
        start = time.perf_counter()
        action()
        painted(page.view.lines_table)
        return time.perf_counter() - start

    proxy = page.line_proxy
    report["filter_s"] = timed_ui(lambda: proxy.set_decision(Decision.RESILIATION))
    report["filter_rows"] = proxy.rowCount()
    report["unfilter_s"] = timed_ui(lambda: proxy.set_decision(None))
    report["search_s"] = timed_ui(lambda: proxy.set_search("agossou"))
    report["search_rows"] = proxy.rowCount()
    proxy.set_search("")
    report["sort_s"] = timed_ui(
        lambda: page.view.lines_table.sortByColumn(cols.COL_AMOUNT, Qt.SortOrder.DescendingOrder)
    )
    report["rss_end_mb"] = rss_mb()
    report["peak_mb"] = peak_mb()
    window.close()
    db.dispose()
    del app
    return report


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=DEFAULT_CONTRACTS)
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--platform", default="offscreen", help="Qt platform of the measured process"
    )
    parser.add_argument("--child", nargs=4, metavar=("URL", "RUN", "CODE", "STARTED"))
    parser.add_argument("--start-child", nargs=2, metavar=("URL", "STARTED"))
    args = parser.parse_args()

    if args.start_child:
        print(json.dumps(start_child(args.start_child[0], float(args.start_child[1]))))
        return 0
    if args.child:
        url, run, code, started = args.child
        report = child(url, int(run), code, float(started), args.repeat)
        print(json.dumps(report))
        return 0

    url, run_id, code, count = prepare_database(args.contracts, args.lines)
    say(f"Base : {url} — traitement n° {run_id}, bordereau {code} de {count} lignes")
    from sbee_desk.services.users import DEMO_PASSWORD

    env = dict(os.environ, QT_QPA_PLATFORM=args.platform, SBEE_DESK_PASSWORD=DEMO_PASSWORD)
    env["XDG_CONFIG_HOME"] = str(DATA / "gui-settings")  # never the user's settings

    def measured(*child_args: str) -> dict[str, Any] | None:
        started = time.time()
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *child_args, repr(started)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=False,
        )
        if proc.returncode != 0:
            say(proc.stderr[-4000:])
            return None
        report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        return report

    # start alone: one cold start (file cache dropped, if permitted), then warm ones
    why_not = drop_file_cache()
    load_cold = os.getloadavg()[0]
    cold = measured("--start-child", url)
    if cold is None:
        return 1
    if why_not:
        say(f"Cache des fichiers non vidé ({why_not}) : le « démarrage à froid » est tiède.")
    warm_starts: list[float] = []
    for _ in range(args.repeat):
        warm = measured("--start-child", url)
        if warm is None:
            return 1
        warm_starts.append(warm["start_s"])
    load_full = os.getloadavg()[0]
    r = measured("--repeat", str(args.repeat), "--child", url, str(run_id), code)
    if r is None:
        return 1
    best, median = summary(r["first_s"])
    all_best, all_median = summary(r["all_s"])
    fetch_first_best, _ = summary(r["fetch_first_s"])
    fetch_best, _ = summary(r["fetch_s"])
    model_best, _ = summary(r["model_s"])
    n = thousands(r["lines"])
    print(
        f"\nApplication de bureau — démo de {thousands(args.contracts)} contrats, "
        f"plate-forme Qt {args.platform}, {machine()} (charge au lancement de la séance "
        f"complète : {load_full:.1f})\n"
    )
    print("| mesure | résultat | cible |")
    print("|---|---|---|")
    cold_what = (
        "cache des fichiers vidé"
        if why_not is None
        else "cache des fichiers NON vidé (droits root requis) : démarrage tiède"
    )
    print(
        f"| démarrage à froid ({cold_what}, charge {load_cold:.1f}) → fenêtre utilisable "
        f"| {seconds(cold['start_s'])} | — |"
    )
    warm_best, warm_median = summary(warm_starts)
    print(
        f"| démarrage à chaud → fenêtre utilisable (meilleur / médiane de {len(warm_starts)}) "
        f"| {seconds(warm_best)} / {seconds(warm_median)} | — |"
    )
    ok = "✓" if best <= TARGET_OPEN_S else "✗"
    page = thousands(r["first_page"])
    print(
        f"| ouverture d'un bordereau de {n} lignes : premières lignes affichées ({page}) "
        f"(meilleur / médiane de {len(r['first_s'])}) "
        f"| {seconds(best)} / {seconds(median)} {ok} | ≤ {TARGET_OPEN_S} s |"
    )
    print(
        f"| … toutes les lignes chargées, en arrière-plan (meilleur / médiane) "
        f"| {seconds(all_best)} / {seconds(all_median)} | — |"
    )
    print(
        f"| … dont lecture `candidate_lines` : {page} premières / toutes "
        f"| {seconds(fetch_first_best)} / {seconds(fetch_best)} | — |"
    )
    print(f"| … dont modèle + vue ({n} lignes) | {seconds(model_best)} | — |")
    print(
        f"| filtre « À résilier » ({thousands(r['filter_rows'])} lignes) / retour à toutes "
        f"| {seconds(r['filter_s'])} / {seconds(r['unfilter_s'])} | — |"
    )
    print(
        f"| recherche « agossou » ({thousands(r['search_rows'])} lignes) "
        f"| {seconds(r['search_s'])} | — |"
    )
    print(f"| tri par montant dû | {seconds(r['sort_s'])} | — |")
    peak = max(r["peak_mb"], cold["peak_mb"])
    ok = "✓" if peak <= TARGET_RSS_MB else "✗"
    print(
        f"| mémoire résidente : au démarrage / bordereau ouvert / à la fin (VmRSS) "
        f"| {r['rss_start_mb']:.0f} / {r['rss_open_mb']:.0f} / {r['rss_end_mb']:.0f} Mo | — |"
    )
    print(
        f"| mémoire résidente maximale vraie (VmHWM, pic du noyau sur toute la séance) "
        f"| {peak:.0f} Mo {ok} | ≤ {TARGET_RSS_MB} Mo |"
    )
    print(
        f"\nCommande : `.venv/bin/python bench/bench_gui.py --contracts {args.contracts}"
        f" --lines {args.lines}`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
