"""Problems, exceptions and counts of the import's reading and merging (the use case,
with its result, is :mod:`sbee_desk.services.importing`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sbee_desk.services.errors import ServiceError
from sbee_desk.wording.errors import message


@dataclass(frozen=True)
class ImportProblem:
    """One invalid thing, located as ``table:line: column: message``.

    ``table`` is the table name of import-format.md (``factures``…) or, for a
    problem with a whole file, the file name or ``"import"``; ``line`` is the
    physical line of the CSV file (header = 1) or the sheet's row number, 0 when
    the problem is not on a line; ``message`` is French and names the bad value.
    """

    table: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}:{self.line}: {self.column}: {self.message}"


def problem_of(table: str, line: int, column: str, code: str, /, **data: Any) -> ImportProblem:
    """The problem ``code`` (its words in :mod:`sbee_desk.wording.errors`) at ``table:line``."""
    return ImportProblem(table, line, column, message(code, data))


def warning_of(code: str, /, **data: Any) -> str:
    """The warning ``code`` of the import report (its words in :mod:`sbee_desk.wording.errors`)."""
    return message(code, data)


class ImportFailed(ServiceError):
    """Something is invalid: nothing was written. ``problems`` lists every problem
    (data: ``count``, how many)."""

    def __init__(self, problems: list[ImportProblem], total: int | None = None) -> None:
        """``total``: how many problems were found, when ``problems`` lists only some
        (its last line then says how many more)."""
        count = len(problems) if total is None else total
        super().__init__("IMPORT_FAILED", count=count)
        self.problems = problems
        self.total = count


class WorkbookError(ServiceError):
    """A workbook that cannot be read or is refused (:mod:`sbee_desk.importers.xlsx`):
    the reader adds the file's ``name`` and, for a sheet, its ``sheet`` label to the
    data before wording it."""


class ImportCancelled(ServiceError):
    """The import was cancelled through its ``cancelled`` callback: nothing was written."""

    def __init__(self) -> None:
        super().__init__("IMPORT_CANCELLED")


@dataclass(frozen=True)
class TableCounts:
    inserted: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged
