"""The address difficulties of step 3 in an Excel workbook, for the gestion clientèle
to correct the customer file (issue #13): police, client, the address as printed on
the letter, what the releveur or the chef noted. Written to a temporary name, then
renamed."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from sbee_desk.documents.formats import clean_text

SHEET_TITLE = "Difficultés d'adresse"
HEADERS = (
    "Police",
    "Client",
    "Code client",
    "Adresse imprimée",
    "Quartier imprimé",
    "Zone",
    "Lettre n°",
    "Présentations",
    "Constat",
    "Note",
)
WIDTHS = (14, 30, 12, 40, 20, 8, 11, 13, 22, 60)


@dataclass(frozen=True, slots=True)
class DifficultyLine:
    police: str
    customer_name: str
    customer_code: str
    address: str | None
    quartier: str | None
    zone: str | None
    number: str
    attempts: int
    #: « Remise impossible le 24/11/2026 » or « Nouvelle présentation le … »
    finding: str
    note: str


def write_difficulties_xlsx(
    lines: Iterable[DifficultyLine], path: Path, *, heading: str, on: dt.date
) -> int:
    """Write ``lines`` to ``path`` (.xlsx) under ``heading``; how many were written."""
    path = Path(path)
    temp = path.with_name(f"{path.name}.part")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True)
    sheet.append([f"Au {on:%d/%m/%Y}"])
    sheet.append(list(HEADERS))
    fill = PatternFill("solid", fgColor="DCE6F1")
    for column, width in enumerate(WIDTHS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = width
        cell = sheet[f"{letter}3"]
        cell.font, cell.fill = Font(bold=True), fill
    count = 0
    for line in lines:
        sheet.append(
            [
                line.police,
                clean_text(line.customer_name),
                line.customer_code,
                clean_text(line.address or ""),
                clean_text(line.quartier or ""),
                line.zone or "",
                line.number,
                line.attempts,
                line.finding,
                clean_text(line.note),
            ]
        )
        count += 1
    sheet.freeze_panes = "A4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(HEADERS))}{3 + count}"
    try:
        workbook.save(temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise
    return count
