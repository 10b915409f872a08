"""The demo's letters after their validation (steps 2 and 3), through the real services.

:func:`record_letter_history`, each step by the demo user of its role:

- ``nuit`` runs the night edition the day after the validation
  (:func:`sbee_desk.services.edition.run_edition`, rendered in this process: the demo is
  one transaction, see :mod:`.transaction`);
- ``chef`` prints the batch and hands each letter to the releveur of its zone
  (:mod:`sbee_desk.services.print_queue`);
- ``agent`` records deliveries (:func:`sbee_desk.services.letters.deliver`, the
  releveur the letter was handed to) — long enough ago for the contract to be
  terminated, or recently — and an impossible delivery
  (:func:`~sbee_desk.services.letters.record_impossible`);
- ``chef`` answers the 15-day alert of one letter with a new attempt, reprint asked
  (:func:`~sbee_desk.services.letters.order_retry`), and leaves another one overdue;
- ``chef`` checks R7 before printing (:func:`sbee_desk.services.edition.check_r7`): the
  letter of the customer who paid back and was restored is cancelled.

So the Relances page shows letters in every state: à éditer (validated after the
edition, see :mod:`.history`), à remettre (overdue, and a second presentation), remises,
remise impossible, annulée.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from sqlalchemy import select

from sbee_desk.db.database import Database
from sbee_desk.db.models import ReminderLetter, StaffMember
from sbee_desk.services import letters, print_queue
from sbee_desk.services.demo.guard import DemoActors
from sbee_desk.services.edition import Recipient, check_r7, run_edition

#: what happens to an edited letter
UNDELIVERED, DELIVERED_LONG_AGO, IMPOSSIBLE, RETRY, DELIVERED_RECENTLY, CANCELLED = (
    "undelivered",
    "delivered_long_ago",
    "impossible",
    "retry",
    "delivered_recently",
    "cancelled",
)
_RECEIVED_BY = ("client", "gardien", "épouse du client", "voisin (proche)")
_IMPOSSIBLE_REASON = "adresse introuvable, même avec le dossier client"
_RETRY_NOTE = "voir le dossier client : maison derrière la pharmacie, portail bleu"


def record_letter_history(
    db: Database,
    actors: DemoActors,
    fates: Mapping[str, str],
    *,
    validated_on: dt.date,
    today: dt.date,
    seed: int,
) -> int:
    """Edit, print, hand over and follow the letters validated on ``validated_on``
    (police -> fate, see the module docstring) up to ``today``; how many were
    delivered (impossible deliveries included)."""
    rng = random.Random(seed)
    edition_on = validated_on + dt.timedelta(days=1)
    result = run_edition(db.uow(), actors.nuit, edition_on, workers=0, today_=today)
    if result.batch_id is None:
        return 0
    _print_and_hand_over(db, actors, result.batch_id)
    with db.uow() as uow:
        numbers = {
            police: letters.letter_number(letter_id)
            for police, letter_id in uow.session.execute(
                select(ReminderLetter.police, ReminderLetter.id).where(
                    ReminderLetter.police.in_(list(fates))
                )
            )
        }
    delivered = 0
    for n, (police, fate) in enumerate(sorted(fates.items())):
        number = numbers.get(police)
        if number is None:
            continue
        if fate == DELIVERED_LONG_AGO:
            on = edition_on + dt.timedelta(days=1 + int(rng.random() * 2))
        elif fate == DELIVERED_RECENTLY:
            on = today - dt.timedelta(days=1 + int(rng.random() * 4))
        elif fate == IMPOSSIBLE:
            on = edition_on + dt.timedelta(days=3)
            letters.record_impossible(
                db.uow(), actors.agent, number, on, _IMPOSSIBLE_REASON, today_=today
            )
            delivered += 1
            continue
        elif fate == RETRY:
            # the 15-day alert: the chef orders a new attempt, reprinted
            alert_days = letters.find_letters(db.uow(), [int(number)], today_=today)[
                int(number)
            ].alert_days
            retry_on = min(today, edition_on + dt.timedelta(days=alert_days + 1))
            letters.order_retry(
                db.uow(), actors.chef, number, note=_RETRY_NOTE, reprint=True, today_=retry_on
            )
            continue
        else:
            continue
        letters.deliver(
            db.uow(),
            actors.agent,
            [number],
            on,
            to=_RECEIVED_BY[n % len(_RECEIVED_BY)],
            today_=today,
        )
        delivered += 1
    # R7 before printing, at yesterday's date: the customer restored since is let go
    check_r7(db.uow(), actors.chef, today - dt.timedelta(days=1), today_=today)
    return delivered


def _print_and_hand_over(db: Database, actors: DemoActors, batch_id: int) -> None:
    """The chef prints the batch's letters and hands each to the releveur of its zone."""
    documents = print_queue.list_documents(db.uow(), batch_id, Recipient.RELEVEUR)
    if not documents:
        return
    print_queue.mark_printed(db.uow(), actors.chef, [d.id for d in documents])
    with db.uow() as uow:
        releveurs = [
            (staff.id, set(filter(None, staff.zones.split(","))))
            for staff in uow.session.scalars(
                select(StaffMember)
                .where(StaffMember.role == "RELEVEUR", StaffMember.active.is_(True))
                .order_by(StaffMember.matricule)
            )
        ]
    by_staff: dict[int, list[int]] = {}
    for d in documents:
        staff_id = next((i for i, zones in releveurs if d.zone_code in zones), None)
        if staff_id is not None:
            by_staff.setdefault(staff_id, []).append(d.id)
    for staff_id, ids in sorted(by_staff.items()):
        print_queue.mark_handed_over(db.uow(), actors.chef, ids, staff_id)
