"""What an operation changed, so that each page decides whether to reload (#11).

Anki's ``OpChanges`` idea: an operation says what it changed; a page reloads only when
it shows that kind of data (``Page.depends_on``), instead of every page being marked
stale by any change. Every change also writes an audit event, so the journal depends
on everything.
"""

from __future__ import annotations

from enum import Flag, auto


class Change(Flag):
    #: the gestion-clientèle export: contracts, invoices, payments, suspensions (import,
    #: demo) — R7 after an import may also cancel letters and orders (EDITION)
    EXPORT = auto()
    #: selection runs and their lines
    RUNS = auto()
    #: step 1 review: exclusions, DG derogations, validations (letters and orders made)
    REVIEW = auto()
    #: the classeur: lists produced and copies
    LISTS = auto()
    #: step 2: edition batches, documents printed, handed over or cancelled
    EDITION = auto()
    #: step 3: letters delivered, impossible, new attempts, corrections
    LETTERS = auto()
    #: users and the staff register
    PEOPLE = auto()
    #: recovery plans
    PLANS = auto()
    #: step 4: orders given to agents, moved, taken back, recalls, route sheets
    DISPATCH = auto()
    #: step 5: store returns and stock sheets
    STORE = auto()
    #: step 6: CRIs entered (orders executed or back to dispatch), countersigned
    #: (contracts terminated)
    CRI = auto()

    NOTHING = 0
    ALL = (
        EXPORT | RUNS | REVIEW | LISTS | EDITION | LETTERS | PEOPLE | PLANS | DISPATCH | STORE | CRI
    )
