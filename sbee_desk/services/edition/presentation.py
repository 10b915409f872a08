"""« 2e présentation » (R5, #13): a letter the chef sent out again with a reprint asked
(:func:`sbee_desk.services.letters.order_retry`) prints as the same letter — number,
date, invoices, receipt slip, from the values stored with its document — marked
« 2e présentation du … — lettre du … » (3e, 4e… for later attempts).

The print queue gives that copy instead of the stored document while the reprint is
pending (:func:`pending_presentations`): the preview, ``sbee-desk print --number`` and
the Impression page print it; recording it printed clears the request (audited as a
reprint whose reason is the new presentation). The stored document stays as edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select

from sbee_desk.db.models import EditionDocument, ReminderLetter
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.letters import LetterData, load_letter_texts, render_letter
from sbee_desk.documents.resources import TemplateError
from sbee_desk.services.edition.model import EditionError


@dataclass(frozen=True, slots=True)
class Presentation:
    """A pending reprint of a letter's document for a new presentation."""

    document_id: int
    letter_id: int
    #: 2 for the second presentation, …
    number: int
    asked_on: dt.date | None


def presentation_file_name(file_name: str, number: int) -> str:
    """``lettre-P-N.pdf`` → ``lettre-P-N-presentation-2.pdf``."""
    stem = file_name[:-4] if file_name.lower().endswith(".pdf") else file_name
    return f"{stem}-presentation-{number}.pdf"


def pending_presentations(uow: UnitOfWork, document_ids: Iterable[int]) -> dict[int, Presentation]:
    """Of these documents (in the open unit of work): the letters whose reprint « Ne
    présentation » was asked and not printed yet, neither delivered nor cancelled."""
    ids = sorted(set(document_ids))
    out: dict[int, Presentation] = {}
    for start in range(0, len(ids), 500):
        for doc_id, letter_id, attempts, attempt_on in uow.session.execute(
            select(
                EditionDocument.id,
                ReminderLetter.id,
                ReminderLetter.attempts,
                ReminderLetter.attempt_on,
            )
            .join(ReminderLetter, ReminderLetter.id == EditionDocument.letter_id)
            .where(
                EditionDocument.id.in_(ids[start : start + 500]),
                ReminderLetter.reprint_asked.is_(True),
                ReminderLetter.delivered_on.is_(None),
                ReminderLetter.cancelled_on.is_(None),
            )
        ):
            out[doc_id] = Presentation(doc_id, letter_id, max(2, attempts), attempt_on)
    return out


def render_presentation(payload: dict[str, object], presentation: Presentation) -> bytes:
    """The letter drawn again from the values stored with its document, marked."""
    try:
        data = LetterData.from_payload(dict(payload))
        texts = load_letter_texts()
    except TemplateError as exc:
        raise EditionError("EDITION_TEMPLATE_UNUSABLE", reason=str(exc)) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise EditionError(
            "PRESENTATION_UNAVAILABLE", document_id=presentation.document_id
        ) from exc
    marked = replace(data, presentation=presentation.number, presented_on=presentation.asked_on)
    return render_letter(marked, texts).content
