"""Load the demo: :func:`load_demo` writes the demo export
(:mod:`sbee_desk.services.demo.export`) to a temporary folder and imports it
through :func:`sbee_desk.services.importing.import_export` (the demo proves the
importer), then names the agencies, fills the staff register with their field
staff and records the history an agency would have
(:mod:`sbee_desk.services.demo.history`), so that a selection at ``today`` shows
every decision (RELANCE, ATTENTE_RELANCE, RESILIATION, EXEMPTE). Loading the
demo again re-imports the same export (nothing changes) and records no history
or staff twice.

The demo never touches real data (issue #12): it loads only into an empty
database or one holding only the demo agencies, and acts as its own users
(:mod:`sbee_desk.services.demo.guard`, checked before anything is written); all
of it — the demo users when the database has none, the import, the history — is
one transaction (:mod:`sbee_desk.services.demo.transaction`): a refusal, a failure
or a cancellation at any step leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sbee_desk.db.database import Database
from sbee_desk.services import audit_anchor, clock
from sbee_desk.services.actor import Actor
from sbee_desk.services.demo import guard
from sbee_desk.services.demo.export import DEFAULT_SEED, Progress, write_demo_export
from sbee_desk.services.demo.guard import DemoRefused
from sbee_desk.services.demo.history import (
    History,
    hire_field_staff,
    name_agencies,
    previous_history,
    record_history,
)
from sbee_desk.services.demo.transaction import one_transaction
from sbee_desk.services.importing import ImportCancelled, import_export
from sbee_desk.services.users import create_demo_users

DEFAULT_CONTRACTS = 2000


@dataclass(frozen=True)
class DemoResult:
    today: dt.date
    #: rows written per table of the export (all imported)
    rows: dict[str, int]
    #: the earlier selection run standing for the agency's history
    history_run_id: int
    history_on: dt.date
    #: reminder letters recorded (that run's, and one of yesterday's run), and how many
    #: delivered (impossible deliveries included)
    letters: int
    letters_delivered: int
    #: DG derogations recorded for exempt contracts
    derogations: int
    #: field staff added to the staff register (none when loaded again)
    staff: int = 0
    #: the demo users were created (the database had no user)
    users_created: bool = False


def load_demo(
    db: Database,
    actor: Actor | None,
    *,
    contracts: int = DEFAULT_CONTRACTS,
    today: dt.date | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoResult:
    """Import a demo agency of ``contracts`` contracts and give it some history.

    ``actor`` is who loads the demo (any user of the database); ``None`` on a database
    without users: the demo users are created first (``DemoResult.users_created``).
    The demo's own users act (see :mod:`sbee_desk.services.demo.guard`). Refused with
    :class:`~sbee_desk.services.demo.guard.DemoRefused` — nothing written — on a
    database holding other data than the demo's (``DEMO_ON_REAL_DATA``), whose demo
    users are missing (``DEMO_USERS_MISSING``), or with users but no ``actor``
    (``DEMO_SIGN_IN_REQUIRED``). ``progress(done, 1000)`` is called along the way
    (writing the export, then importing it); ``cancelled()`` is checked as often and
    stops the demo with :class:`sbee_desk.services.importing.ImportCancelled`, nothing
    written. Raises :class:`sbee_desk.services.importing.ImportFailed` if the importer
    refuses the export (a defect of one of the two). Loading the demo again into the
    same database re-imports the export (nothing changes) and records no run, letter
    or derogation twice (R13). All or nothing: one transaction.
    """
    today = today or clock.today()

    def report(start: int, span: int) -> Progress:
        def callback(done: int, total: int) -> None:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(start + span * done // max(total, 1), 1000)

        return callback

    with db.uow() as uow:  # refuse at once, before writing the export
        guard.check_only_demo_data(uow)
        if guard.has_users(uow):
            if actor is None:
                raise DemoRefused("DEMO_SIGN_IN_REQUIRED")
            guard.demo_actors(uow)
    with tempfile.TemporaryDirectory(prefix="sbee-demo-") as tmp:
        folder = Path(tmp)
        rows = write_demo_export(
            folder, contracts=contracts, today=today, seed=seed, progress=report(0, 250)
        )
        with one_transaction(db) as tx:
            history, previous, staff, users_created = _load(
                tx, actor, folder, today, seed, report(250, 700), cancelled
            )
    # the import's and the edition's anchors, once the demo is committed (#12)
    audit_anchor.publish_quietly(db.uow(), audit_anchor.AnchorReason.IMPORT)
    if progress is not None:
        progress(1000, 1000)
    if history is None:
        assert previous is not None
        run_id, run_on = previous
        return DemoResult(today, rows, run_id, run_on, 0, 0, 0, staff, users_created)
    return DemoResult(
        today=today,
        rows=rows,
        history_run_id=history.run_id,
        history_on=history.run_on,
        letters=history.letters,
        letters_delivered=history.letters_delivered,
        derogations=history.derogations,
        staff=staff,
        users_created=users_created,
    )


def _load(
    tx: Database,
    actor: Actor | None,
    folder: Path,
    today: dt.date,
    seed: int,
    progress: Progress,
    cancelled: Callable[[], bool] | None,
) -> tuple[History | None, tuple[int, dt.date] | None, int, bool]:
    """The demo in its transaction ``tx``: the checks again (now under the lock), then
    the demo users if need be, the import, the staff and the history."""
    with tx.uow() as uow:
        guard.lock(uow)
        guard.check_only_demo_data(uow)
        users_created = not guard.has_users(uow)
        uow.commit()  # releases the savepoint: the lock is the transaction's
    if users_created:
        actor = create_demo_users(tx.uow())
    elif actor is None:
        raise DemoRefused("DEMO_SIGN_IN_REQUIRED")
    with tx.uow() as uow:
        actors = guard.demo_actors(uow)
    import_export(tx.uow(), actors.chef, folder, progress=progress, cancelled=cancelled)
    name_agencies(tx, actors.admin)
    staff = hire_field_staff(tx, actors.admin)
    previous = previous_history(tx)
    if previous is not None:  # loaded before: the history is there already (R13)
        return None, previous, staff, users_created
    history = record_history(tx, actors, actor, today=today, seed=seed)
    return history, None, staff, users_created
