"""Step 3 — Relances: the reminder letters' delivery (business-rules.md R5).

The faces (Relances page, ``sbee-desk letters``) and the demo call these."""

from sbee_desk.services.letters.difficulties import (
    ContractFact,
    CustomerFile,
    address_difficulties,
    customer_file,
    export_address_difficulties,
)
from sbee_desk.services.letters.model import (
    DEFAULT_REMINDER_DELAY_DAYS,
    DEFAULT_UNDELIVERED_ALERT_DAYS,
    CorrectionDenied,
    LetterCounts,
    LetterError,
    LetterFilter,
    LetterRow,
    LetterStatus,
    ReleveurChoice,
    letter_number,
    parse_number,
)
from sbee_desk.services.letters.query import (
    deadline,
    find_letters,
    is_overdue,
    letter_counts,
    letter_filters,
    list_letters,
    releveurs,
)
from sbee_desk.services.letters.record import (
    KEEP,
    correct_delivery,
    deliver,
    open_for_delivery,
    order_retry,
    record_impossible,
)

__all__ = [
    "DEFAULT_REMINDER_DELAY_DAYS",
    "DEFAULT_UNDELIVERED_ALERT_DAYS",
    "KEEP",
    "ContractFact",
    "CorrectionDenied",
    "CustomerFile",
    "LetterCounts",
    "LetterError",
    "LetterFilter",
    "LetterRow",
    "LetterStatus",
    "ReleveurChoice",
    "address_difficulties",
    "correct_delivery",
    "customer_file",
    "deadline",
    "deliver",
    "export_address_difficulties",
    "find_letters",
    "is_overdue",
    "letter_counts",
    "letter_filters",
    "letter_number",
    "list_letters",
    "open_for_delivery",
    "order_retry",
    "parse_number",
    "record_impossible",
    "releveurs",
]
