"""What the Sélection page reads in the background, through the services.

Run by the task runner off the GUI thread: the overview (agencies, runs, last
import) and, for the run shown, its bordereaux with their review status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sbee_desk.gui.tasks import TaskContext
from sbee_desk.services.classeur import archive_register
from sbee_desk.services.review import RunAge, ValidationInfo, run_age, validations
from sbee_desk.services.selection import (
    BordereauSummary,
    ImportInfo,
    RunSummary,
    bordereau_summaries,
    last_import,
    list_agencies,
    list_runs,
)
from sbee_desk.services.users import list_users


@dataclass(frozen=True)
class SelectionOverview:
    agencies: list[tuple[str, str | None]]
    runs: list[RunSummary]
    last_import: ImportInfo | None


def load_overview(ctx: TaskContext) -> SelectionOverview:
    return SelectionOverview(
        agencies=list_agencies(ctx.uow()),
        runs=list_runs(ctx.uow()),
        last_import=last_import(ctx.uow()),
    )


@dataclass(frozen=True)
class RunContent:
    """A run's bordereaux, which are validated (and by whom), which have lists."""

    bordereaux: list[BordereauSummary]
    validations: dict[str, ValidationInfo] = field(default_factory=dict)
    #: full name of each user (login → name)
    names: dict[str, str] = field(default_factory=dict)
    #: when the lists of a bordereau were last produced
    lists_produced: dict[str, dt.datetime] = field(default_factory=dict)
    #: how old the run is today: too old, it can no longer be validated
    age: RunAge | None = None


def load_run(ctx: TaskContext, run_id: int) -> RunContent:
    produced: dict[str, dt.datetime] = {}
    for entry in archive_register(ctx.uow(), run_id=run_id):
        produced[entry.bordereau_code] = entry.created_at  # oldest first: the last wins
    return RunContent(
        bordereau_summaries(ctx.uow(), run_id),
        validations(ctx.uow(), run_id),
        {user.login: user.full_name for user in list_users(ctx.uow()) if user.full_name},
        produced,
        run_age(ctx.uow(), run_id),
    )
