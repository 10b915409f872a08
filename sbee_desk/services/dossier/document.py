"""The contract's dossier as a PDF (#16): the card of :func:`contract_card`, worded,
under the agency's header (``reports/lists.toml``). A read: nothing is recorded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from sbee_desk.db.models import Agency, User
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.dossier import DossierDoc, DossierRow, dossier_file_name, dossier_pdf
from sbee_desk.documents.lists import load_list_texts
from sbee_desk.services.actor import Actor
from sbee_desk.services.dossier.model import ContractCard
from sbee_desk.wording.contract_card import contract_facts, story_lines


def dossier_document(
    uow: UnitOfWork, actor: Actor, card: ContractCard, *, on: dt.date
) -> DossierDoc:
    """The printable dossier of ``card``, produced on ``on`` by ``actor``."""
    texts = load_list_texts()
    header = texts.header
    with uow:
        s = uow.session
        code = card.agency_code or ""
        agency_name = s.scalar(select(Agency.name).where(Agency.code == code))
        full_name = s.scalar(select(User.full_name).where(User.login == actor.login))
    name = texts.agencies.get(code) or agency_name
    agency = (
        header["agency"].format(agency_code=code, agency_name=name)
        if name
        else header["agency_without_name"].format(agency_code=code)
    )
    return DossierDoc(
        organisation=header["organisation"],
        unit=header["unit"],
        agency=agency,
        police=card.police,
        produced_on=on,
        produced_by=f"{full_name} ({actor.login})" if full_name else actor.login,
        facts=tuple(contract_facts(card)),
        rows=tuple(
            DossierRow(line.on, line.time, line.what, line.who) for line in story_lines(card.events)
        ),
    )


def dossier_pdf_bytes(uow: UnitOfWork, actor: Actor, card: ContractCard, *, on: dt.date) -> bytes:
    """The dossier's PDF (same card and day, same bytes)."""
    return dossier_pdf(dossier_document(uow, actor, card, on=on))


__all__ = ["dossier_document", "dossier_file_name", "dossier_pdf_bytes"]
