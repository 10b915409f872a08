"""The contract's dossier (#16): its whole story in one place — customer, contract,
invoices and payments, suspensions, selection runs with their decisions, exclusions
and derogations, letters and their delivery, orders, dispatch, store return, CRI,
countersign, termination — each with its date and who, from the rows and the audit
trail. The entry point is :func:`sbee_desk.services.contract_card.contract_card`."""

from sbee_desk.services.dossier.model import KINDS, RANK, CardEvent, CardInvoice, ContractCard

__all__ = ["KINDS", "RANK", "CardEvent", "CardInvoice", "ContractCard"]
