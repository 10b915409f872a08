"""The hand-off's error and result objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sbee_desk.documents.handoff import HandoffKind
from sbee_desk.services.errors import ServiceError


class HandoffError(ServiceError, ValueError):
    """A hand-off refused (or with nothing to do); nothing was recorded."""


#: the code of « Aucune résiliation à transmettre » (not a failure: the CLI exits 0)
NOTHING_NEW = "HANDOFF_NOTHING_NEW"


@dataclass(frozen=True)
class HandoffFileResult:
    """One file produced and kept in the hand-off classeur."""

    file_id: int
    kind: HandoffKind
    file_format: str
    file_name: str
    sha256: str
    size: int
    is_copy: bool
    #: where the copy was written (``out_dir``), if any
    path: Path | None = None


@dataclass(frozen=True)
class HandoffResult:
    """What :func:`run_handoff` (or a reprint) did."""

    number: int
    handed_on: dt.date
    settlement_count: int
    litigation_count: int
    total_due: int
    files: tuple[HandoffFileResult, ...]
    is_copy: bool = False


@dataclass(frozen=True)
class BatchRow:
    """A past hand-off (the page's « Réimprimer »)."""

    number: int
    handed_on: dt.date
    created_by: str
    created_at: dt.datetime
    settlement_count: int
    litigation_count: int
    total_due: int


@dataclass(frozen=True)
class TerminationRow:
    """A termination on the « Résiliations » page."""

    termination_id: int
    police: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone: str | None
    terminated_on: dt.date
    cause: str
    reason: str | None
    final_index: int | None
    balance: int
    #: the hand-off that carried it, if any
    handoff_number: int | None
    handed_on: dt.date | None
    in_litigation: bool
