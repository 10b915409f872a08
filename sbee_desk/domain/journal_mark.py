"""The head of the audit chain as published outside the database (#12).

A :class:`JournalMark` is the number of the last audit event and its hash: printed
on every list and report, written to the anchors file and to each backup's
manifest. Whoever holds one can later check that the journal still holds that
event with that hash (``sbee-desk audit verify --anchor N:HASH``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class JournalMark:
    """The chain's head: event number (0: no event yet) and its SHA-256 hash."""

    event: int
    hash: str
