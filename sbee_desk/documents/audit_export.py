"""The journal d'audit in an Excel workbook (the Journal d'audit page's export).

Rows come in already worded in French (:class:`AuditRow`, built by
``services.audit_log``); they are streamed into an openpyxl write-only workbook,
so a journal of a million events never sits in memory. Dates are real Excel
dates (local time of the workstation), filterable and sortable in Excel. The file
is written to a temporary name next to the target, then renamed: a reader never
sees half a workbook, and a failed export leaves the previous file untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sbee_desk.documents.formats import EXCEL_COUNT_FORMAT, clean_text, local_datetime
from sbee_desk.domain.journal_mark import JournalMark
from sbee_desk.wording.audit import AUDIT_EXPORT_HEADERS, AUDIT_EXPORT_TITLE
from sbee_desk.wording.journal import journal_line

#: date and time of an event in Excel (the workstation's local time)
EXCEL_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
SHEET_TITLE = AUDIT_EXPORT_TITLE
HEADERS = AUDIT_EXPORT_HEADERS
WIDTHS = (9, 17, 30, 30, 34, 70, 70)
#: Excel refuses longer cell texts
MAX_CELL_TEXT = 32_000


class ExportCancelled(Exception):
    """The user cancelled the export; nothing was written."""


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One event, worded: what the export writes."""

    id: int
    occurred_at: dt.datetime
    user: str
    action: str
    object: str
    change: str
    details: str


def _text(value: str) -> str:
    text = clean_text(value)
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def _excel_moment(value: dt.datetime) -> dt.datetime:
    """Excel knows no time zones: the local wall-clock time, naive, to the second."""
    return local_datetime(value).replace(tzinfo=None, microsecond=0)


def export_audit_xlsx(
    events: Iterable[AuditRow],
    path: Path,
    *,
    heading: Sequence[str] = (),
    journal: JournalMark | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write ``events`` to ``path`` (.xlsx); return how many rows were written.

    ``heading``: lines written above the table (title, filters, chain status);
    ``journal``: the chain's head when the export began, written under them and in
    the printed footer (#12).
    ``progress(rows)`` is called every few hundred rows; ``cancelled()`` true stops
    the export (:class:`ExportCancelled`) and leaves no file behind.
    """
    path = Path(path)
    temp = path.with_name(f"{path.name}.part")
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(SHEET_TITLE)
    if journal is not None:
        heading = [*heading, journal_line(journal)]
        sheet.oddFooter.center.text = journal_line(journal).replace("&", "&&")
        sheet.oddFooter.center.size = 7
        workbook.properties.description = journal_line(journal)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{len(heading) + 2}"

    bold = Font(bold=True)
    for line in heading:
        cell = WriteOnlyCell(sheet, _text(line))
        cell.font = bold if line is heading[0] else Font()
        sheet.append([cell])
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    header_cells = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, title)
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    header_row = len(heading) + 1

    count = 0
    try:
        for event in events:
            if cancelled is not None and count % 200 == 0 and cancelled():
                raise ExportCancelled
            number = WriteOnlyCell(sheet, event.id)
            number.number_format = EXCEL_COUNT_FORMAT
            moment = WriteOnlyCell(sheet, _excel_moment(event.occurred_at))
            moment.number_format = EXCEL_DATETIME_FORMAT
            sheet.append(
                [
                    number,
                    moment,
                    _text(event.user),
                    _text(event.action),
                    _text(event.object),
                    _text(event.change),
                    _text(event.details),
                ]
            )
            count += 1
            if progress is not None and count % 500 == 0:
                progress(count)
        # the filter buttons of Excel on the header (written after the rows)
        last_column = get_column_letter(len(HEADERS))
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + count}"
        workbook.save(temp)
        os.replace(temp, path)
    except BaseException:
        _discard(sheet)
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(count)
    return count


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Close a worksheet abandoned half-way and remove openpyxl's own temporary file
    (a row stream left open fails noisily when it is collected)."""
    if sheet.closed:
        return
    writer = sheet._writer
    with contextlib.suppress(Exception):
        sheet.close()
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()
