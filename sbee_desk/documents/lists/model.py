"""What a list is drawn from: the lines of a validated bordereau and the document
around them (plain values, no Session), and the names of the files they become."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sbee_desk.domain.enums import CustomerCategory, Decision, DropReason, ListKind
from sbee_desk.domain.journal_mark import JournalMark
from sbee_desk.wording.labels import EMPTY_LIST_LABELS as EMPTY_LIST_LABELS

#: file name part of each kind (import-format.md: ``<bordereau>-<run>-a-relancer.xlsx``…)
FILE_SUFFIXES: dict[ListKind, str] = {
    ListKind.A_RELANCER: "a-relancer",
    ListKind.A_RESILIER: "a-resilier",
    ListKind.CONTROLE: "controle",
}
FORMATS = ("xlsx", "pdf")
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
#: a bordereau code written as it is in a file name: capitals, digits, ``.``, ``_``, ``-``
_PLAIN_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,63}")
_READABLE_LENGTH = 64


def list_file_name(bordereau_code: str, run_id: int, kind: ListKind, file_format: str) -> str:
    """``BT-COT-2026-09-7-a-resilier.pdf``: one name per code, run, list and format.

    A code that is not plain (:data:`_PLAIN_CODE`) could share its name with another
    or hide its file (#12): characters no file system accepts (``BT/R/2026/04`` and
    ``BT_R_2026_04``), small letters (Windows and macOS do not tell ``bt`` from
    ``BT``), a leading dot (a hidden file), a very long code. It is written readable
    (those characters as ``_``, no leading dot, cut) followed by ``~`` and the start of
    its SHA-256: ``BT_R_2026_04~1c0f7a2b-7-a-resilier.pdf``. The name is the same each
    time the lists are produced again, and the register records it.
    """
    if _PLAIN_CODE.fullmatch(bordereau_code):
        code = bordereau_code
    else:
        readable = _UNSAFE_IN_NAME.sub("_", bordereau_code)[:_READABLE_LENGTH].lstrip(". ")
        digest = hashlib.sha256(bordereau_code.encode("utf-8", "surrogatepass")).hexdigest()
        code = f"{readable}~{digest[:8]}"
    return f"{code}-{run_id}-{FILE_SUFFIXES[kind]}.{file_format}"


class LineStatus(StrEnum):
    """Where a line of a validated bordereau stands."""

    CONFIRMED = "CONFIRMED"
    EXCLUDED = "EXCLUDED"  # excluded by the chef, with a reason
    DROPPED = "DROPPED"  # no longer a candidate at validation (why: ``ListLine.dropped``)
    CANCELLED = "CANCELLED"  # its letter or order was cancelled after validation (R7)
    #: a letter or order allowed by a DG derogation (R4): on its list, and on the control
    #: list with the derogation's reference and date, for DIG / DAI
    DEROGATION = "DEROGATION"


#: what the summary and the classeur say of a list with no line: no file is produced


@dataclass(frozen=True, slots=True)
class Dropped:
    """Why validation dropped a line, with what its wording needs."""

    reason: DropReason | None  # None: validated before the reason was recorded
    #: the date that ends the procedure (termination, restoration, new suspension,
    #: letter cancelled)
    on: dt.date | None = None
    #: the plan's unpaid threshold of the run (PAID)
    threshold: int | None = None
    #: the run whose letter or order the suspension already has (ALREADY_VALIDATED)
    run: int | None = None


@dataclass(frozen=True, slots=True)
class ListLine:
    police: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone_code: str | None
    voltage: str
    unpaid_count: int
    amount_due: int
    suspended_on: dt.date
    days_suspended: int
    decision: Decision
    #: the motif of the selection; for an excluded line the exclusion reason, for a
    #: cancelled one the cancellation reason
    reason: str
    status: LineStatus = LineStatus.CONFIRMED
    cancelled_on: dt.date | None = None
    customer_code: str = ""
    category: CustomerCategory | None = None
    delivery_point: str | None = None
    meter_serial: str | None = None
    #: the printed number of its letter or order, once edited
    document_number: str | None = None
    derogation_reference: str | None = None
    derogation_decided_on: dt.date | None = None
    dropped: Dropped | None = None


@dataclass(frozen=True)
class ListDocument:
    kind: ListKind
    agency_code: str
    agency_name: str | None
    bordereau_code: str
    voltage: str
    period: str
    run_id: int
    run_on: dt.date
    validated_by: str
    validated_at: dt.datetime
    produced_by: str
    produced_at: dt.datetime
    lines: Sequence[ListLine]
    #: the run's reminder delay (R5) per category code, from its plan snapshot
    reminder_delays: Mapping[str, int] = field(default_factory=dict)
    #: the audit chain's head when the list was produced, printed in its footer (#12)
    journal: JournalMark | None = None
