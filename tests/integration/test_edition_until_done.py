"""The edition run again after completing an older batch, until nothing validated is
left pending (``sbee-desk edition``), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sbee_desk.services.edition import BatchStatus, list_batches, run_edition_until_done
from sbee_desk.services.edition.run import run_edition
from sbee_desk.services.review import validate_bordereau
from sbee_desk.services.selection import run_selection
from tests.integration.edition_world import CHEF, RUN, TODAY, debtor, document_counts, world

LATER = TODAY + dt.timedelta(days=1)
BT, MT = "BT-2026-09", "MT-2026-09"


def test_edition_until_done_completes_the_older_batch_then_edits_what_was_validated_since(
    db,
) -> None:
    w = world(db)
    for police in ("PB1", "PB2"):
        debtor(w, police)
    debtor(w, "PM1", voltage="MT")
    w.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY)
    stopped = run_edition(db.uow(), CHEF, workers=0, cancelled=lambda: True, today_=TODAY)
    assert stopped.interrupted and stopped.produced == 0
    validate_bordereau(db.uow(), CHEF, run, MT, today_=LATER)  # after the interrupted run

    result = run_edition_until_done(db.uow(), CHEF, workers=0, today_=LATER)

    assert result.batch_id != stopped.batch_id and not result.resumed
    assert (result.edition_on, result.letters, result.orders) == (LATER, 1, 0)
    assert (result.still_pending, result.interrupted) == (0, False)
    batches = sorted(list_batches(db.uow()), key=lambda b: b.id)
    assert [(b.id, b.edition_on, b.status) for b in batches] == [
        (stopped.batch_id, TODAY, BatchStatus.TERMINE),
        (result.batch_id, LATER, BatchStatus.TERMINE),
    ]
    assert document_counts(db) == (3, 1, 2)
