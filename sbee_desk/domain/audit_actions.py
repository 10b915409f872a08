"""The action codes of the journal d'audit: the one definition, and their French names.

Why here, in the domain, and not in ``services.audit``: the codes are a closed
vocabulary shared by every writer (services, importer, demo) and by the reader
(``services.audit_log``, the journal page, its Excel export), like the other
vocabularies of :mod:`sbee_desk.domain.enums`; the domain imports nothing, so any
layer may name an action without pulling the database in. ``services.audit.record``
and ``record_many`` take an :class:`AuditAction`, so mypy refuses a bare string and
the journal never holds a code without a French name (tests/unit/domain checks both).

The values are the strings stored in ``audit_event.action`` since the first
release: they are part of each event's hash (``services.audit.event_hash``), so a
value must never change; add a member (and its label) for a new action instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """What an audit event records; grouped by prefix (``demo.*`` is a filter)."""

    # users and rights
    LOGIN = "login"
    REFUSED = "refused"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    STAFF_SAVE = "staff.save"
    PLAN_UPDATE = "plan.update"
    # import of the gestion-clientèle export
    IMPORT = "import"
    IMPORT_UPDATE = "import.update"
    IMPORT_R7_CANCEL = "import.r7_cancel"
    # step 1: selection, review, validation, lists
    SELECTION_RUN = "selection.run"
    REVIEW_EXCLUDE = "review.exclude"
    REVIEW_RESTORE = "review.restore"
    REVIEW_VALIDATE = "review.validate"
    REVIEW_R7_CANCEL = "review.r7_cancel"
    DEROGATION_ADD = "derogation.add"
    LISTS_ARCHIVE = "lists.archive"
    LISTS_COPY = "lists.copy"
    # step 2: the night edition, the print queue, the hand-over
    EDITION_START = "edition.start"
    EDITION_RESUME = "edition.resume"
    EDITION_DOCUMENTS = "edition.documents"
    EDITION_FINISH = "edition.finish"
    EDITION_R7_CANCEL = "edition.r7_cancel"
    EDITION_PRINT = "edition.print"
    EDITION_REPRINT = "edition.reprint"
    EDITION_HANDOVER = "edition.handover"
    # the demonstration agency (scripts/demo)
    DEMO_AGENCY = "demo.agency"
    DEMO_LETTER = "demo.letter"
    DEMO_DEROGATION = "demo.derogation"
    DEMO_HISTORY = "demo.history"

    @property
    def label(self) -> str:
        """Its French name (:data:`AUDIT_ACTION_LABELS`)."""
        return AUDIT_ACTION_LABELS[self]


#: French name of every action, as the journal and its export show it
AUDIT_ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.LOGIN: "Connexion",
    AuditAction.REFUSED: "Action refusée",
    AuditAction.USER_CREATE: "Utilisateur créé",
    AuditAction.USER_UPDATE: "Utilisateur modifié",
    AuditAction.STAFF_SAVE: "Personnel enregistré",
    AuditAction.PLAN_UPDATE: "Plan de recouvrement modifié",
    AuditAction.IMPORT: "Import de l'export",
    AuditAction.IMPORT_UPDATE: "Import : fiche modifiée",
    AuditAction.IMPORT_R7_CANCEL: "Annulation R7 à l'import",
    AuditAction.SELECTION_RUN: "Traitement des relances",
    AuditAction.REVIEW_EXCLUDE: "Ligne exclue",
    AuditAction.REVIEW_RESTORE: "Ligne rétablie",
    AuditAction.REVIEW_VALIDATE: "Bordereau validé",
    AuditAction.DEROGATION_ADD: "Dérogation DG enregistrée",
    AuditAction.LISTS_ARCHIVE: "Listes produites et archivées",
    AuditAction.LISTS_COPY: "Copie d'une liste archivée",
    AuditAction.EDITION_START: "Édition de nuit lancée",
    AuditAction.EDITION_RESUME: "Édition de nuit reprise",
    AuditAction.EDITION_DOCUMENTS: "Lettres et ordres édités",
    AuditAction.EDITION_FINISH: "Édition de nuit terminée",
    AuditAction.REVIEW_R7_CANCEL: "Annulation R7 à la validation",
    AuditAction.EDITION_R7_CANCEL: "Annulation R7 avant édition ou impression",
    AuditAction.EDITION_PRINT: "Document imprimé",
    AuditAction.EDITION_REPRINT: "Document réimprimé",
    AuditAction.EDITION_HANDOVER: "Document remis",
    AuditAction.DEMO_AGENCY: "Démonstration : agence",
    AuditAction.DEMO_LETTER: "Démonstration : lettre de relance",
    AuditAction.DEMO_DEROGATION: "Démonstration : dérogation DG",
    AuditAction.DEMO_HISTORY: "Démonstration : historique",
}
