"""Closed vocabularies of the procedure (glossary.md)."""

from __future__ import annotations

from enum import StrEnum


class Voltage(StrEnum):
    """Tension du contrat."""

    BT = "BT"
    MT = "MT"


class CustomerCategory(StrEnum):
    """Catégorie de clientèle (import-format.md, codes of `categorie`)."""

    ORDINAIRE = "ORDINAIRE"
    AGENT_SBEE = "AGENT_SBEE"
    VIP = "VIP"
    RETRAITE_SBEE = "RETRAITE_SBEE"
    AGENT_CEB = "AGENT_CEB"
    MEMBRE_CA_SBEE = "MEMBRE_CA_SBEE"
    MEMBRE_HA_CEB = "MEMBRE_HA_CEB"
    ADMINISTRATION = "ADMINISTRATION"
    COLLECTIVITE_LOCALE = "COLLECTIVITE_LOCALE"


class Decision(StrEnum):
    """Decision of a selection line (import-format.md)."""

    RELANCE = "RELANCE"
    ATTENTE_RELANCE = "ATTENTE_RELANCE"
    RESILIATION = "RESILIATION"
    EXEMPTE = "EXEMPTE"


class OrderKind(StrEnum):
    """Kind of work order, by voltage (R6). Values are the JSON `ordre` codes."""

    DEPOSE = "DEPOSE"
    CONTROLE_INDEX = "CONTROLE_INDEX"


class ListKind(StrEnum):
    """Kind of list; the values are those of ``ArchiveEntry.kind``."""

    A_RELANCER = "A_RELANCER"
    A_RESILIER = "A_RESILIER"
    CONTROLE = "CONTROLE"


class DropReason(StrEnum):
    """Why validation dropped a confirmed line: it was no longer a candidate at the
    validation date (R1, R2, R3, R7, R13). Stored in ``Candidate.dropped_code``; the
    lists word it (``reports/lists.toml``, ``[dropped_reasons]``)."""

    TERMINATED = "TERMINATED"  # the contract is terminated (export's date_resiliation)
    NEW_SUSPENSION = "NEW_SUSPENSION"  # a later suspension starts a new procedure
    RESTORED = "RESTORED"  # the suspension was restored (rétablissement)
    LETTER_CANCELLED = "LETTER_CANCELLED"  # the reminder letter of the suspension was cancelled
    ALREADY_VALIDATED = "ALREADY_VALIDATED"  # its letter or order exists from another run (R13)
    DELAY = "DELAY"  # the plan's delay after suspension is no longer reached (plan changed)
    PAID = "PAID"  # fewer overdue unpaid invoices than the plan's threshold


# French words shown to users for each code (ui-guidelines.md: never a raw code).
