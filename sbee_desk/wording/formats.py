"""How values print in documents (business-rules.md, ui-guidelines.md).

Amounts ``125 000 FCFA`` — a narrow no-break space between thousands and a
no-break space before the currency, so neither an amount nor its unit is ever
split at a line end; dates ``dd/mm/yyyy``; times ``08h30``. The same rules as the
screens (``gui/formatting.py``), without Qt.
"""

from __future__ import annotations

import datetime as dt

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

#: Excel number formats: in a format the comma is the grouping placeholder (shown
#: with the workstation's separator); a space would be a literal character.
EXCEL_AMOUNT_FORMAT = '#,##0" FCFA"'
EXCEL_COUNT_FORMAT = "#,##0"
EXCEL_DATE_FORMAT = "dd/mm/yyyy"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def format_count(value: int) -> str:
    """``12 345``."""
    return f"{value:,}".replace(",", NARROW_NBSP)


def agree(count: int, singular: str, plural_form: str) -> str:
    """The form agreeing with ``count``: in French 0 and 1 take the singular (« 0 facture
    impayée », « 1 lettre », « 3 lettres »). The one rule of every wording's plurals."""
    return singular if count <= 1 else plural_form


def plural(count: int, singular: str, plural_form: str) -> str:
    """``1 lettre``, ``3 lettres``: the count and its agreeing word (:func:`agree`;
    never « lettre(s) », issue #10)."""
    return f"{format_count(count)} {agree(count, singular, plural_form)}"


def format_amount(value: int) -> str:
    """``47 500 FCFA`` (whole francs)."""
    return f"{format_count(value)}{NBSP}FCFA"


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def local_datetime(value: dt.datetime) -> dt.datetime:
    """Stored timestamps are UTC (SQLite hands them back without a zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone()


def format_datetime(value: dt.datetime | None) -> str:
    """``28/11/2026 à 08h30`` in the workstation's time zone."""
    if value is None:
        return ""
    local = local_datetime(value)
    return f"{local:%d/%m/%Y} à {local:%H}h{local:%M}"


def format_period(period: str) -> str:
    """``2026-09`` → ``septembre 2026`` (as is when not yyyy-mm)."""
    try:
        year, month = period.split("-")
        return f"{MONTHS[int(month) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return period


_CONTROL = str.maketrans({**{chr(c): None for c in range(32)}, "\t": " ", "\n": " ", "\r": " "})


def clean_text(value: str | None) -> str:
    """One printable line: tabs and line breaks become spaces, other control characters
    (which Excel refuses and fonts do not draw) are removed."""
    if not value:
        return ""
    if value.isprintable():
        return value
    return value.translate(_CONTROL)
