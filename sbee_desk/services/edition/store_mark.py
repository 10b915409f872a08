"""R10 on a reprint (#15): once an order's meter (and breaker) are back at the store,
any reprint of the order — the preview, ``sbee-desk print --number``, the Impression
page — is drawn again from the values stored with its document, the store box filled
in with the mention « compteur (et disjoncteur) retourné(s) au magasin le … »
(worded in :mod:`sbee_desk.wording.store`) and the stock movement sheet number.

As the « 2e présentation » letters (:mod:`.presentation`): the stored document stays as
edited; the copy is deterministic (its creation date is the edition's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select

from sbee_desk.db.models import EditionDocument, StoreReturn
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.orders import OrderData, load_order_texts, render_order
from sbee_desk.documents.resources import TemplateError
from sbee_desk.services.edition.model import EditionError
from sbee_desk.wording.store import store_mention


@dataclass(frozen=True, slots=True)
class StoreMark:
    """The store return an order's document is reprinted with (R10)."""

    document_id: int
    returned_on: dt.date
    with_breaker: bool
    sheet_number: str

    @property
    def mention(self) -> str:
        return store_mention(self.returned_on, self.with_breaker) or ""


def returned_orders(uow: UnitOfWork, document_ids: Iterable[int]) -> dict[int, StoreMark]:
    """Of these documents (in the open unit of work): the orders whose equipment is back
    at the store."""
    ids = sorted(set(document_ids))
    out: dict[int, StoreMark] = {}
    for start in range(0, len(ids), 500):
        for doc_id, returned_on, breaker, sheet in uow.session.execute(
            select(
                EditionDocument.id,
                StoreReturn.returned_on,
                StoreReturn.breaker_serial,
                StoreReturn.sheet_number,
            )
            .join(StoreReturn, StoreReturn.order_id == EditionDocument.order_id)
            .where(EditionDocument.id.in_(ids[start : start + 500]))
        ):
            out[doc_id] = StoreMark(doc_id, returned_on, breaker is not None, sheet)
    return out


def render_store_mark(payload: dict[str, object], mark: StoreMark) -> bytes:
    """The order drawn again from the values stored with its document, the store box
    filled in."""
    try:
        data = OrderData.from_payload(dict(payload))
        texts = load_order_texts()
    except TemplateError as exc:
        raise EditionError("EDITION_TEMPLATE_UNUSABLE", reason=str(exc)) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise EditionError("STORE_REPRINT_UNAVAILABLE", document_id=mark.document_id) from exc
    marked = replace(data, store_mention=mark.mention, store_sheet=mark.sheet_number)
    return render_order(marked, texts).content
