"""The edition's words in code: its error, who receives what, the statuses, and the
result objects the faces read (plain dataclasses; the faces word them in French)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sbee_desk.documents.formal import blank
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.r7 import Cancellation
from sbee_desk.services.r7 import DocumentKind as DocumentKind  # re-exported for the faces

#: Progress callback: (done, total) documents.
Progress = Callable[[int, int], None]


class EditionError(ServiceError):
    """Bad input or a refused action; nothing changed."""


class Recipient(StrEnum):
    """Who the chef hands the documents to in the morning."""

    RELEVEUR = "RELEVEUR"  # the letters
    CHEF_RPNT = "CHEF_RPNT"  # the orders


class DocumentStatus(StrEnum):
    GENERE = "GENERE"
    IMPRIME = "IMPRIME"
    REMIS = "REMIS"


class BatchStatus(StrEnum):
    EN_COURS = "EN_COURS"  # running, or interrupted: the next run completes it
    TERMINE = "TERMINE"


RECIPIENT_OF = {DocumentKind.LETTER: Recipient.RELEVEUR, DocumentKind.ORDER: Recipient.CHEF_RPNT}
#: role, in the staff register, of who may receive each recipient's documents
STAFF_ROLE_OF = {Recipient.RELEVEUR: "RELEVEUR", Recipient.CHEF_RPNT: "AGENT_RPNT"}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class GapReport:
    """A document printed with a gap (never skipped): reported in the batch summary."""

    kind: DocumentKind
    number: str
    police: str
    customer_name: str
    gaps: tuple[str, ...]


@dataclass(frozen=True)
class CombinedInfo:
    recipient: Recipient
    file_name: str
    pages: int
    documents: int
    sha256: str
    #: documents of it were cancelled since (R7): print them from the queue instead
    stale: bool = False


@dataclass(frozen=True)
class EditionResult:
    #: the batch produced or completed by this run (None: there was nothing to edit)
    batch_id: int | None
    edition_on: dt.date
    #: True when this run completed a batch an earlier run left unfinished
    resumed: bool
    #: documents produced by this run
    letters: int
    orders: int
    #: documents of the batch that earlier runs had already produced
    already_produced: int
    cancelled: list[Cancellation]
    gaps: list[GapReport]
    combined: list[CombinedInfo]
    out_dir: Path | None
    #: copies written to ``out_dir`` (missing ones only)
    files_written: int
    workers: int
    #: stopped by ``cancelled()``: the batch stays open, the next run completes it
    interrupted: bool = False
    #: after completing an older batch: letters and orders validated since, left for a
    #: new batch (run the edition again)
    still_pending: int = 0

    @property
    def produced(self) -> int:
        return self.letters + self.orders


@dataclass(frozen=True)
class BatchInfo:
    id: int
    edition_on: dt.date
    status: BatchStatus
    started_at: dt.datetime
    started_by: str
    finished_at: dt.datetime | None
    letters: int
    orders: int
    cancelled_r7: int
    gaps: int
    attempts: int
    by_status: dict[DocumentStatus, int]
    cancelled_documents: int
    combined: list[CombinedInfo]


@dataclass(frozen=True)
class DocumentRow:
    id: int
    batch_id: int
    kind: DocumentKind
    order_kind: str | None
    number: str
    police: str
    customer_name: str
    zone_code: str | None
    quartier: str | None
    address: str | None
    recipient: Recipient
    print_rank: int
    file_name: str
    pages: int
    status: DocumentStatus
    printed_at: dt.datetime | None
    printed_by: str | None
    print_count: int
    handed_to: int | None
    handed_to_name: str | None
    handed_at: dt.datetime | None
    cancelled: bool
    cancelled_on: dt.date | None
    cancel_reason: str | None
    gaps: tuple[str, ...]
    #: a letter to reprint « Ne présentation » (R5): N; 0 otherwise. Printing the
    #: document then prints that copy and needs no reprint reason
    presentation: int = 0


@dataclass(frozen=True)
class StaffChoice:
    id: int
    matricule: str
    name: str


# --------------------------------------------------------------------------- helpers


def document_number(work_id: int) -> str:
    """The printed number of a letter or an order: its id on eight digits (even, so the
    order's Code 128 packs it in code set C)."""
    return f"{work_id:08d}"


def print_key(
    zone: str | None, quartier: str | None, address: str | None, police: str
) -> tuple[Any, ...]:
    """Print order: zone, quartier, address, police; missing values last."""
    parts: list[Any] = []
    for value in (zone, quartier, address):
        parts += [blank(value), (value or "").strip().casefold()]
    return (*parts, police)


def combined_file_name(batch_id: int, on: dt.date, recipient: Recipient) -> str:
    what = "lettres-releveur" if recipient is Recipient.RELEVEUR else "ordres-chef-rpnt"
    return f"edition-{batch_id}-{on.isoformat()}-{what}.pdf"
