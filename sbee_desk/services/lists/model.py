"""The lists' error and result objects: the files archived, the lists without a line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from sbee_desk.documents.lists import EMPTY_LIST_LABELS
from sbee_desk.domain.enums import ListKind
from sbee_desk.services.errors import ServiceError


class ListError(ServiceError, ValueError):
    """Lists cannot be produced or read; nothing changed."""


@dataclass(frozen=True)
class ArchivedList:
    """One file produced and recorded in the register."""

    entry_id: int
    kind: ListKind
    file_format: str
    run_id: int
    bordereau_code: str
    file_name: str
    sha256: str
    size: int
    line_count: int
    is_copy: bool
    created_at: dt.datetime
    #: where the copy was written (``out_dir``), if any
    path: Path | None = None


@dataclass(frozen=True)
class EmptyList:
    """A list with no line: recorded in the register, with no file (#10)."""

    entry_id: int
    kind: ListKind
    is_copy: bool

    @property
    def description(self) -> str:
        """« aucun client à relancer »…"""
        return EMPTY_LIST_LABELS[self.kind]


@dataclass(frozen=True)
class ProducedLists(Sequence[ArchivedList]):
    """What :func:`produce_lists` did: the files archived (the sequence itself, in list
    and format order) and the lists that had no line, so no file (``empty``)."""

    files: tuple[ArchivedList, ...]
    empty: tuple[EmptyList, ...] = ()

    @overload
    def __getitem__(self, index: int) -> ArchivedList: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ArchivedList]: ...
    def __getitem__(self, index: int | slice) -> ArchivedList | Sequence[ArchivedList]:
        return self.files[index]

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[ArchivedList]:
        return iter(self.files)

    def empty_labels(self) -> list[str]:
        """« aucun client à relancer »… for each list without a line, in list order."""
        return [e.description for e in self.empty]


#: ``ArchiveEntry.file_format`` of a list recorded without a file (it had no line)
NO_FILE = ""


@dataclass(frozen=True)
class RunLists:
    """What :func:`produce_all_lists` did: the lists produced per validated bordereau
    (``produced``: code and files, in code order) and the bordereaux not validated, so
    without lists (``waiting``). When one bordereau's lists could not be produced:
    which (``refused``) and why (``error``) — those before it stay archived (one
    transaction per bordereau), those after it were not tried. Nothing ``ready``:
    no bordereau of the run is validated, nothing was done."""

    ready: list[str]
    waiting: list[str]
    produced: list[tuple[str, ProducedLists]] = field(default_factory=list)
    refused: str | None = None
    error: ServiceError | None = None
