"""The two lists of a hand-off (R12, #16) in Excel and PDF: *apurement de contrat*
(every terminated contract handed off) and *recouvrement sur contentieux* (those with
debt remaining, each unpaid invoice, the total due in figures and in words).

A :class:`HandoffDocument` (plain values) goes in; bytes come out (:func:`render`).
"""

from __future__ import annotations

from sbee_desk.documents.handoff.model import (
    FORMATS,
    WORDS,
    DueInvoice,
    HandoffDocument,
    HandoffKind,
    LitigationLine,
    SettlementLine,
    handoff_file_name,
)
from sbee_desk.documents.handoff.pdf import pdf_bytes
from sbee_desk.documents.handoff.xlsx import xlsx_bytes

__all__ = [
    "FORMATS",
    "WORDS",
    "DueInvoice",
    "HandoffDocument",
    "HandoffKind",
    "LitigationLine",
    "SettlementLine",
    "handoff_file_name",
    "pdf_bytes",
    "render",
    "xlsx_bytes",
]


def render(doc: HandoffDocument, kind: HandoffKind, file_format: str) -> bytes:
    """``xlsx`` or ``pdf`` bytes of the list ``kind`` of ``doc``."""
    if file_format == "xlsx":
        return xlsx_bytes(doc, kind)
    if file_format == "pdf":
        return pdf_bytes(doc, kind)
    raise ValueError(f"unknown hand-off list format {file_format!r}")
