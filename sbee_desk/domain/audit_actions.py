"""The action codes of the journal d'audit: the one definition, and their French names.

Why here, in the domain, and not in ``services.audit``: the codes are a closed
vocabulary shared by every writer (services, importer, demo) and by the readers
(``services.audit_log``, ``wording.audit_text``, the journal page, its Excel export),
like the other vocabularies of :mod:`sbee_desk.domain.enums`; the domain imports
nothing, so any layer may name an action without pulling the database in. ``services.audit.record``
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
    USER_LOCK = "user.lock"
    USER_UNLOCK = "user.unlock"
    STAFF_SAVE = "staff.save"
    PLAN_UPDATE = "plan.update"
    # backups (#17)
    BACKUP_SETTINGS = "backup.settings"
    BACKUP_RESTORE = "backup.restore"
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
    # step 3: the letters' delivery (relances)
    LETTER_DELIVER = "letter.deliver"
    LETTER_IMPOSSIBLE = "letter.impossible"
    LETTER_RETRY = "letter.retry"
    LETTER_CORRECT = "letter.correct"
    # step 4: dispatch of the orders to the agents de recouvrement
    DISPATCH_ASSIGN = "dispatch.assign"
    DISPATCH_REASSIGN = "dispatch.reassign"
    DISPATCH_UNASSIGN = "dispatch.unassign"
    DISPATCH_RECALL = "dispatch.recall"
    DISPATCH_CLOSE = "dispatch.close"
    DISPATCH_SHEETS = "dispatch.sheets"
    SETTING_UPDATE = "setting.update"
    # step 5: retour magasin (#15)
    STORE_RETURN = "store.return"
    STORE_SHEET_PRINT = "store.sheet_print"
    # step 6: the CRI, the chef's countersign, the contract terminated (#15)
    CRI_ENTER = "cri.enter"
    CRI_COUNTERSIGN = "cri.countersign"
    CONTRACT_TERMINATE = "contract.terminate"
    # the return file for the gestion clientèle (#16)
    GC_RETURN_EXPORT = "gc_return.export"
    # after termination: the hand-off to apurement and contentieux (#16, R12)
    HANDOFF_RUN = "handoff.run"
    HANDOFF_CONTRACT = "handoff.contract"
    HANDOFF_REPRINT = "handoff.reprint"
    # a termination for another cause entered by the chef (R8, #16)
    TERMINATION_R8 = "termination.r8"
    # the demonstration agency (scripts/demo)
    DEMO_AGENCY = "demo.agency"
    DEMO_LETTER = "demo.letter"
    DEMO_DEROGATION = "demo.derogation"
    DEMO_HISTORY = "demo.history"
