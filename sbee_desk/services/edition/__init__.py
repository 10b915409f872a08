"""Step 2 — the night edition of reminder letters and work orders.

:func:`run_edition` (``sbee-desk edition``, and the Édition page in the background):

1. checks the acting user (EDITION), the date, then the texts of ``reports/`` and
   the fonts — a missing or broken one stops everything before anything changes;
2. R7 first: every pending letter or order whose contract was restored, or whose
   overdue unpaid invoices fell below the plan's threshold, is cancelled (kept,
   with its reason, audited) and its document, if already produced, is marked
   cancelled too (:func:`check_r7`, also called by the print queue before printing);
3. opens a batch — or resumes the one an interrupted run left unfinished — and
   produces every pending document **exactly once**: the data is read a chunk at a
   time with a few set-based queries, rendered by a ``spawn`` process pool (plain
   values in, bytes out; never ``fork``: the process may already run Qt or database
   threads), and each chunk is committed in its own transaction. A document row is
   unique per letter and per order, so a rerun produces only what is missing and a
   run killed at any point loses at most the chunk in flight;
4. builds the combined file of each recipient — the releveur's letters, the chef
   RPNT's orders — in print order (zone, quartier, address), drawn again with
   fpdf2 from the values stored with each document (identical pages, one font);
5. with ``out_dir``, writes copies: each under a temporary name, then renamed, so
   a file with its final name is always whole; a rerun rewrites missing copies.

R7 wins over printing whatever the interleaving with an import (#12): each chunk and
each combined file is stored under the lock every cancellation takes
(:func:`sbee_desk.services.r7.serialise_with_r7`) after checking again that its
letters and orders are not cancelled — what was cancelled since it was read is left
out; documents stored before a cancellation are flagged by it. A combined file that
later cancellations made stale is drawn again by the next run while none of its
documents was printed (:mod:`.combined`); once used it stays as printed, marked stale.

The modules, in the order of the steps:

- :mod:`.model`: the error, the enums, the result objects;
- :mod:`.data`: the pending letters and orders and the values printed on them;
- :mod:`.copies`: copies on disk and the combined files stored with a batch;
- :mod:`.batch`: :class:`~.batch.BatchRun`, one batch produced (chunks, pool);
- :mod:`.combined`: the combined files of a batch (drawn, checked, stored, redrawn);
- :mod:`.run`: :func:`run_edition` (and :func:`run_edition_until_done`) and :func:`check_r7`.

The print queue (:func:`list_batches`, :func:`list_documents`, :func:`document_pdf`,
:func:`mark_printed`, :func:`mark_handed_over`…) is :mod:`sbee_desk.services.print_queue`;
its names are re-exported here too. Services return codes and data; the faces word them
in French (except the :class:`EditionError` messages and the cancellation reasons stored
with the letters and orders, which the lists print).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sbee_desk.services.edition.copies import combined_files, write_copy
from sbee_desk.services.edition.model import (
    RECIPIENT_OF,
    STAFF_ROLE_OF,
    BatchInfo,
    BatchStatus,
    CombinedInfo,
    DocumentKind,
    DocumentRow,
    DocumentStatus,
    EditionError,
    EditionResult,
    GapReport,
    Progress,
    Recipient,
    StaffChoice,
    combined_file_name,
    document_number,
    print_key,
)
from sbee_desk.services.edition.run import check_r7, run_edition, run_edition_until_done

if TYPE_CHECKING:
    from sbee_desk.services.print_queue import (
        AmbiguousNumber,
        batch_exists,
        combined_pdf,
        document_pdf,
        documents_by_number,
        handover_candidates,
        list_batches,
        list_documents,
        mark_handed_over,
        mark_printed,
        normalize_number,
        printable_documents,
    )

#: the print queue's names, re-exported for the callers of ``services.edition``. Read
#: when first asked for (PEP 562): ``print_queue`` imports this package's modules, so
#: importing it here would be a cycle whenever ``print_queue`` is imported first.
_PRINT_QUEUE = frozenset(
    {
        "AmbiguousNumber",
        "batch_exists",
        "combined_pdf",
        "document_pdf",
        "documents_by_number",
        "handover_candidates",
        "list_batches",
        "list_documents",
        "mark_handed_over",
        "mark_printed",
        "normalize_number",
        "printable_documents",
    }
)


def __getattr__(name: str) -> object:
    if name in _PRINT_QUEUE:
        from sbee_desk.services import print_queue

        return getattr(print_queue, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RECIPIENT_OF",
    "STAFF_ROLE_OF",
    "AmbiguousNumber",
    "BatchInfo",
    "BatchStatus",
    "CombinedInfo",
    "DocumentKind",
    "DocumentRow",
    "DocumentStatus",
    "EditionError",
    "EditionResult",
    "GapReport",
    "Progress",
    "Recipient",
    "StaffChoice",
    "batch_exists",
    "check_r7",
    "combined_file_name",
    "combined_files",
    "combined_pdf",
    "document_number",
    "document_pdf",
    "documents_by_number",
    "handover_candidates",
    "list_batches",
    "list_documents",
    "mark_handed_over",
    "mark_printed",
    "normalize_number",
    "print_key",
    "printable_documents",
    "run_edition",
    "run_edition_until_done",
    "write_copy",
]
