"""Processor time of each part of the real `sbee-desk lists` command (#18), measured in
its own process: ``time.process_time()`` around the functions of each part (imports,
authentication, database read, Excel, PDF, the rest), then ``main()`` run as the
command runs it. One line per run, with the load average when it started.

Run it on a copy of a database of ``bench_lists.py`` (each run adds register entries):

    cp bench/data/lists-600000-50000.db /tmp/l.db
    SBEE_DESK_PASSWORD=… .venv/bin/python bench/lists_phases.py /tmp/l.db 1 BT-COTC-2026-08 /tmp/out

Interleave it with the same script run from another work tree (``PYTHONPATH`` at that
tree) to compare two versions part by part; the wrapped names exist in both.
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

spent: dict[str, float] = {}


def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start

    return run


def wrap(module_name: str, attribute: str, label: str) -> None:
    module = importlib.import_module(module_name)
    setattr(module, attribute, timed(label, getattr(module, attribute)))


def main() -> None:
    db, run, code, out = sys.argv[1:5]
    load = os.getloadavg()[0]
    start = time.process_time()
    import sbee_desk.cli as cli
    import sbee_desk.services.lists  # noqa: F401 - what the command imports lazily
    import sbee_desk.services.lists.produce as produce

    spent["start-up: imports"] = time.process_time() - start
    wrap("sbee_desk.cli.common", "acting_user", "start-up: authentication")
    wrap("sbee_desk.cli.common", "open_database", "start-up: open the database")
    wrap("sbee_desk.services.lists.produce", "list_context", "database read")
    wrap("sbee_desk.services.lists.produce", "names_of_others", "database read")
    wrap("sbee_desk.services.lists.produce", "list_lines", "database read")
    render = produce.__dict__["render"]  # by format: a label of its own for each

    def render_timed(doc: Any, texts: Any, file_format: str) -> Any:
        return timed(file_format, render)(doc, texts, file_format)

    setattr(produce, "render", render_timed)  # noqa: B010 - not exported by produce
    start = time.process_time()
    argv = ["lists", "--db", f"sqlite:///{db}", "--user", "chef", "--run", run]
    if cli.main([*argv, "--bordereau", code, "--out", out]) != 0:
        raise SystemExit("la commande a échoué")
    whole = time.process_time() - start
    spent["the rest"] = whole - sum(v for k, v in spent.items() if k != "start-up: imports")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent["process"] = usage.ru_utime + usage.ru_stime
    parts = " ; ".join(f"{k} {v:.2f}" for k, v in spent.items())
    print(f"charge {load:.1f} ; {parts}")


if __name__ == "__main__":
    main()
