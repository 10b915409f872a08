"""A contract's whole story in one place — its dossier (#15, #16): its customer and
contract, its status and termination, its invoices, and its events in date order —
invoices and payments, suspensions and restorations, every selection run that listed
it (decision, exclusion, validation), derogations, letters and their delivery, orders,
their documents, dispatch, store return, CRI, countersign, termination, and the
journal's events about all of them, each with who did it. ``contract show`` prints it,
the dossier window (gui/dialogs/contract_dossier.py) shows it, documents/dossier.py
prints it as a PDF.

The service returns facts (a kind and plain values per event, see
:mod:`sbee_desk.services.dossier`); :mod:`sbee_desk.wording.contract_card` words them
in French. Every query goes by police or by ids through an index
(bench/bench_dossier.py).
"""

from __future__ import annotations

import datetime as dt

from sbee_desk.db.models import Contract, Customer, Suspension
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.permissions import Action
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.clock import today
from sbee_desk.services.cri.model import CriError
from sbee_desk.services.dossier.model import RANK, CardEvent, CardInvoice, ContractCard
from sbee_desk.services.dossier.sources import SOURCES, Story, named

__all__ = ["CardEvent", "CardInvoice", "ContractCard", "contract_card", "find_contract"]

_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def _status(terminated_on: dt.date | None, suspensions: list[Suspension], on: dt.date) -> str:
    if terminated_on is not None and terminated_on <= on:
        return "RESILIE"
    current = [s for s in suspensions if s.suspended_on <= on]
    if current:
        latest = max(current, key=lambda s: s.suspended_on)
        if latest.restored_on is None or latest.restored_on > on:
            return "SUSPENDU"
    return "ACTIF"


def find_contract(uow: UnitOfWork, actor: Actor, police: str) -> str | None:
    """The police ``police`` names, if a contract has it (the Ctrl+K field's look-up)."""
    key = police.strip()
    if not key:
        return None
    with uow:
        require(uow, actor, Action.READ)
        return key if uow.session.get(Contract, key) is not None else None


def contract_card(uow: UnitOfWork, actor: Actor, police: str) -> ContractCard:
    """The dossier of contract ``police``; refused (French) when unknown."""
    key = police.strip()
    with uow:
        require(uow, actor, Action.READ)
        s = uow.session
        contract = s.get(Contract, key)
        if contract is None:
            raise CriError("CONTRACT_UNKNOWN", police=key)
        customer = s.get_one(Customer, contract.customer_code)
        story = Story(s, key, contract, customer)
        for source in SOURCES:
            source(story)
        events = named(story)
        events.sort(key=lambda e: (e.on, RANK[e.kind], e.at or _EPOCH))
        t = story.termination
        terminated_on = t.terminated_on if t is not None else contract.terminated_on
        return ContractCard(
            police=key,
            customer_code=customer.code,
            customer_name=customer.name,
            address=customer.address,
            voltage=contract.voltage,
            meter_serial=contract.meter_serial,
            status=_status(terminated_on, story.suspensions, today()),
            terminated_on=terminated_on,
            termination_cause=t.cause if t is not None else None,
            events=events,
            quartier=customer.quartier,
            phone=customer.phone,
            category=customer.category,
            agency_code=contract.agency_code,
            zone_code=contract.zone_code,
            delivery_point=contract.delivery_point,
            breaker=contract.breaker,
            subscribed_on=contract.subscribed_on,
            termination_reason=t.reason if t is not None else None,
            invoices=tuple(story.invoices),
        )
