"""Result objects and exceptions of the import (the API the CLI and the GUI use)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sbee_desk.services.r7 import Cancellation


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


class ImportFailed(Exception):
    """Something is invalid: nothing was written. ``problems`` lists every problem."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"Import refusé : {count} problème{'s' if count > 1 else ''}, rien n'a été écrit."
        )


class ImportCancelled(Exception):
    """The import was cancelled through its ``cancelled`` callback: nothing was written."""

    def __init__(self) -> None:
        super().__init__("Import annulé : rien n'a été écrit.")


@dataclass(frozen=True)
class TableCounts:
    inserted: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass(frozen=True)
class ImportResult:
    #: per table name of import-format.md, only the tables present in the import
    counts: dict[str, TableCounts]
    #: French warnings (unknown column or file ignored…)
    warnings: list[str] = field(default_factory=list)
    #: (file name, SHA-256 hex) of every file read
    files: list[tuple[str, str]] = field(default_factory=list)
    #: letters and orders R7 cancelled once the import was merged (restorations and
    #: payments it brought), in the same transaction
    r7_cancelled: list[Cancellation] = field(default_factory=list)
