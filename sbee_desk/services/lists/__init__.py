"""Step 1, the lists of a validated bordereau and their register (classeur).

:func:`produce_lists` builds the three lists (à relancer, à résilier, contrôle) in
Excel and PDF, records each file in the archive register (``ArchiveEntry``: kind,
format, run, bordereau, date, user, file name, SHA-256 and the file itself, so
every workstation sees it) with its audit event, in one transaction. Producing
them again records new entries marked as copies.

Copies written to a folder (``--out``, « Enregistrer sous ») and the register
agree: the files are first written under temporary names; inside the transaction,
once the entries are flushed, each target is set aside and the new file renamed
into place (a file open in Excel or a PDF reader cannot be renamed on Windows:
that is where it shows); any failure puts the old files back and records nothing;
a failed commit puts the old files back too. Only then are the set-aside files
deleted.

The modules: :mod:`.model` (the error and the result objects), :mod:`.lines` (what goes
on each list), :mod:`.staged` (copies on disk), :mod:`.produce` (producing and
archiving). The classeur itself (reading the register, « Enregistrer sous », checking a
copy) is :mod:`sbee_desk.services.classeur`.
"""

from __future__ import annotations

from sbee_desk.services.lists.lines import classify
from sbee_desk.services.lists.model import (
    NO_FILE,
    ArchivedList,
    EmptyList,
    ListError,
    ProducedLists,
    RunLists,
)
from sbee_desk.services.lists.produce import produce_all_lists, produce_lists
from sbee_desk.services.lists.staged import Staged

__all__ = [
    "NO_FILE",
    "ArchivedList",
    "EmptyList",
    "ListError",
    "ProducedLists",
    "RunLists",
    "Staged",
    "classify",
    "produce_all_lists",
    "produce_lists",
]
