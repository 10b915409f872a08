"""Load the demo: :func:`load_demo` writes the demo export
(:mod:`sbee_desk.services.demo.export`) to a temporary folder and imports it
through :func:`sbee_desk.services.importing.import_export` (the demo proves the
importer), then names the agencies, fills the staff register with their field
staff and records the history an agency would have
(:mod:`sbee_desk.services.demo.history`), so that a selection at ``today`` shows
every decision (RELANCE, ATTENTE_RELANCE, RESILIATION, EXEMPTE). Loading the
demo again re-imports the same export (nothing changes) and records no history
or staff twice.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sbee_desk.db.database import Database
from sbee_desk.services import clock
from sbee_desk.services.actor import Actor
from sbee_desk.services.demo.export import DEFAULT_SEED, Progress, write_demo_export
from sbee_desk.services.demo.history import (
    hire_field_staff,
    name_agencies,
    previous_history,
    record_history,
)
from sbee_desk.services.importing import ImportCancelled, import_export

DEFAULT_CONTRACTS = 2000


@dataclass(frozen=True)
class DemoResult:
    today: dt.date
    #: rows written per table of the export (all imported)
    rows: dict[str, int]
    #: the earlier selection run standing for the agency's history
    history_run_id: int
    history_on: dt.date
    #: reminder letters recorded for that run's RELANCE lines, and how many delivered
    letters: int
    letters_delivered: int
    #: DG derogations recorded for exempt contracts
    derogations: int
    #: field staff added to the staff register (none when loaded again)
    staff: int = 0


def load_demo(
    db: Database,
    actor: Actor,
    *,
    contracts: int = DEFAULT_CONTRACTS,
    today: dt.date | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoResult:
    """Import a demo agency of ``contracts`` contracts and give it some history.

    ``actor`` imports and runs the selection: a chef section recouvrement (the
    services check it). See :mod:`sbee_desk.services.demo`. ``progress(done, 1000)``
    is called along the way (writing the export, then importing it); ``cancelled()`` is checked
    as often and stops the demo with :class:`sbee_desk.services.importing.ImportCancelled`
    before anything is written. Raises :class:`sbee_desk.services.importing.ImportFailed` if
    the importer refuses the export (a defect of one of the two). Loading the demo
    again into the same database re-imports the export (nothing changes) and records
    no run, letter or derogation twice (R13).
    """
    today = today or clock.today()

    def report(start: int, span: int) -> Progress:
        def callback(done: int, total: int) -> None:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(start + span * done // max(total, 1), 1000)

        return callback

    with tempfile.TemporaryDirectory(prefix="sbee-demo-") as tmp:
        folder = Path(tmp)
        rows = write_demo_export(
            folder, contracts=contracts, today=today, seed=seed, progress=report(0, 250)
        )
        import_export(db.uow(), actor, folder, progress=report(250, 700), cancelled=cancelled)
    name_agencies(db, actor)
    staff = hire_field_staff(db)
    previous = previous_history(db)
    if previous is not None:  # loaded before: the history is there already (R13)
        return DemoResult(today, rows, previous[0], previous[1], 0, 0, 0, staff)
    history = record_history(db, actor, today=today, seed=seed)
    if progress is not None:
        progress(1000, 1000)
    return DemoResult(
        today=today,
        rows=rows,
        history_run_id=history.run_id,
        history_on=history.run_on,
        letters=history.letters,
        letters_delivered=history.letters_delivered,
        derogations=history.derogations,
        staff=staff,
    )
