"""The return file's words in code (#16): its line kinds, its columns (the format of
docs/return-file-format.md), its error and the plain results the faces read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sbee_desk.services.errors import ServiceError


class GcReturnError(ServiceError):
    """A refused return file: nothing written, nothing recorded."""


class LineKind(StrEnum):
    """What a line tells the gestion clientèle (column ``type``), in file order."""

    RESILIATION = "RESILIATION"  # a contract terminated, its date and final index
    INDEX_MT = "INDEX_MT"  # the index read on an ordre de contrôle d'index (MT)
    ADRESSE = "ADRESSE"  # an address difficulty recorded at step 3


class AddressCause(StrEnum):
    """The ``cause`` of an ADRESSE line: which step-3 record it comes from."""

    REMISE_IMPOSSIBLE = "REMISE_IMPOSSIBLE"  # the letter's delivery recorded impossible
    NOUVELLE_PRESENTATION = "NOUVELLE_PRESENTATION"  # the chef ordered a new attempt


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


#: the columns, in order (docs/return-file-format.md); every line has all of them
COLUMNS = (
    "type",
    "police",
    "date",
    "index",
    "compteur",
    "cause",
    "motif",
    "ordre",
    "lettre",
    "adresse",
    "remarque",
)
#: the CSV's separator and encoding: French Excel opens it by a double-click, accents
#: and columns right (the BOM tells it UTF-8; « ; » is the list separator of French
#: Windows); sbee-desk's own import reads the same (import-format.md)
CSV_SEPARATOR = ";"
CSV_ENCODING = "utf-8-sig"
SHEET_TITLE = "Retour GC"


def file_name(agency: str, on: dt.date, seq: int, file_format: FileFormat | str) -> str:
    """« retour-gc-<agence>-<aaaa-mm-jj>-<n>.<csv|xlsx> » (``n``: the file's number in
    the agency's year, from 1)."""
    return f"retour-gc-{agency}-{on:%Y-%m-%d}-{seq}.{FileFormat(file_format).value}"


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """One line of the return file, not yet exported (or as exported)."""

    kind: LineKind
    #: what makes it unique among the lines of its kind (gc_return_line.source_key)
    source_key: str
    agency_code: str
    police: str
    on: dt.date
    index: int | None = None
    meter_serial: str | None = None
    cause: str | None = None
    reason: str | None = None
    order_number: str | None = None
    letter_number: str | None = None
    address: str | None = None
    remark: str | None = None

    def values(self) -> tuple[str | int | dt.date | None, ...]:
        """The line's cells in :data:`COLUMNS` order."""
        return (
            self.kind.value,
            self.police,
            self.on,
            self.index,
            self.meter_serial,
            self.cause,
            self.reason,
            self.order_number,
            self.letter_number,
            self.address,
            self.remark,
        )


@dataclass(frozen=True, slots=True)
class ReturnFile:
    """One file written and recorded in the register."""

    file_id: int
    agency_code: str
    year: int
    seq: int
    file_name: str
    path: Path | None
    sha256: str
    line_count: int
    #: lines per kind (every kind present, 0 when none)
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export did: the files written (none when nothing was new)."""

    produced_on: dt.date
    files: tuple[ReturnFile, ...]

    @property
    def line_count(self) -> int:
        return sum(f.line_count for f in self.files)


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """A return file of the register."""

    file_id: int
    agency_code: str
    year: int
    seq: int
    produced_on: dt.date
    file_format: str
    file_name: str
    sha256: str
    line_count: int
    created_by: str
    created_at: dt.datetime
