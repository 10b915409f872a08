"""Step 3 — the reminder letters' delivery: statuses, errors and result objects
(plain values; the faces word them in French)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.errors import ServiceError


class LetterError(ServiceError):
    """A refused delivery record or bad input (data names the letter); nothing changed."""


class CorrectionDenied(PermissionDenied):
    """Only the chef section recouvrement corrects a recorded delivery. Audited."""


class LetterStatus(StrEnum):
    """import-format.md « Steps 3–6 »: where a letter stands."""

    A_EDITER = "A_EDITER"  # validated, not yet edited
    A_REMETTRE = "A_REMETTRE"  # edited, not delivered
    REMISE = "REMISE"  # delivered
    IMPOSSIBLE = "IMPOSSIBLE"  # delivery recorded as impossible (R5: counts as delivered)
    ANNULEE = "ANNULEE"  # cancelled (R7)


#: defaults when a run's snapshot lacks a category (business-rules.md R5)
DEFAULT_REMINDER_DELAY_DAYS = 7
DEFAULT_UNDELIVERED_ALERT_DAYS = 15


def letter_number(letter_id: int) -> str:
    """The printed number of a letter: its id on eight digits (services.edition)."""
    return f"{letter_id:08d}"


def parse_number(raw: str) -> int:
    """``12`` or ``00000012`` → the letter id; LetterError otherwise."""
    text = raw.strip()
    if not text.isdigit() or len(text) > 8 or int(text) == 0:
        raise LetterError("LETTER_BAD_NUMBER", raw=raw)
    return int(text)


@dataclass(frozen=True, slots=True)
class LetterFilter:
    """What the Relances page and ``letters list`` ask for; None = any."""

    status: LetterStatus | None = None
    bordereau: str | None = None
    zone: str | None = None
    #: the releveur's staff id (who delivers it, or who it was handed to)
    releveur_id: int | None = None
    #: digits of the number, police, client, address or quartier
    search: str | None = None
    overdue_only: bool = False
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class LetterRow:
    id: int
    number: str
    police: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone_code: str | None
    bordereau_code: str | None
    agency_code: str
    status: LetterStatus
    created_on: dt.date
    edited_on: dt.date | None
    delivered_on: dt.date | None
    delivered_to: str | None
    #: who delivers it: the releveur recorded, else the one it was handed to
    releveur_id: int | None
    releveur_matricule: str | None
    releveur_name: str | None
    attempts: int
    attempt_on: dt.date | None
    attempt_note: str | None
    reprint_asked: bool
    impossible_reason: str | None
    cancelled_on: dt.date | None
    cancel_reason: str | None
    #: undelivered past the plan's alert delay (R5, 15 days) after edition or the new
    #: attempt
    overdue: bool
    #: the day from which the contract may be terminated (delivery + reminder delay)
    deadline: dt.date | None
    reminder_delay_days: int
    alert_days: int

    def to_json(self) -> dict[str, object]:
        """One letter of ``letters list --json`` (import-format.md, stable)."""
        return {
            "number": self.number,
            "police": self.police,
            "status": self.status.value,
            "edited_on": _iso(self.edited_on),
            "delivered_on": _iso(self.delivered_on),
            "attempts": self.attempts,
            "overdue": self.overdue,
            "deadline": _iso(self.deadline),
            "delivered_to": self.delivered_to,
            "releveur": self.releveur_matricule,
            "impossible_reason": self.impossible_reason,
            "bordereau": self.bordereau_code,
            "zone": self.zone_code,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


@dataclass(frozen=True, slots=True)
class LetterCounts:
    """Letters per status, and how many undelivered ones are overdue."""

    by_status: dict[LetterStatus, int]
    overdue: int

    @property
    def waiting(self) -> int:
        """What the navigation shows: letters whose delivery is still to record."""
        return self.by_status.get(LetterStatus.A_REMETTRE, 0)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A delivery (or impossible delivery, or new attempt) recorded: the letters after."""

    letters: list[LetterRow]


@dataclass(frozen=True, slots=True)
class ReleveurChoice:
    id: int
    matricule: str
    name: str
