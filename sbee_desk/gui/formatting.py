"""How values read in French (ui-guidelines.md, "Words and formats").

Amounts ``48 500 FCFA`` (narrow no-break space between thousands, no-break space
before the currency), dates ``dd/mm/yyyy``, times ``08h30``. Codes are never shown
raw: decisions, categories and table names go through their French labels.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from sqlalchemy.engine import make_url

from sbee_desk.db.database import Database
from sbee_desk.domain.enums import (
    CustomerCategory,
    Decision,
    OrderKind,
)
from sbee_desk.wording.formats import MONTHS

# One definition of the French formats for screens and documents (Qt-free).
# Re-exported for the views (the ``X as X`` form says so to mypy --strict).
from sbee_desk.wording.formats import NARROW_NBSP as NARROW_NBSP
from sbee_desk.wording.formats import NBSP as NBSP
from sbee_desk.wording.formats import format_amount as format_amount
from sbee_desk.wording.formats import format_count as format_count
from sbee_desk.wording.formats import format_date as format_date
from sbee_desk.wording.formats import local_datetime as local_datetime
from sbee_desk.wording.formats import plural as plural
from sbee_desk.wording.labels import (
    CATEGORY_LABELS,
    DECISION_LABELS,
    IMPORT_TABLE_LABELS,
    ORDER_KIND_LABELS,
)
from sbee_desk.wording.labels import DECISION_COUNT_WORDS as DECISION_COUNT_WORDS

#: order in which decisions are listed everywhere (most serious first)
DECISION_ORDER: tuple[Decision, ...] = (
    Decision.RESILIATION,
    Decision.RELANCE,
    Decision.ATTENTE_RELANCE,
    Decision.EXEMPTE,
)


def tr(text: str, context: str = "Formatting") -> str:
    return QCoreApplication.translate(context, text)


def database_label(db: Database) -> tuple[str, str]:
    """(short text: the SQLite file name or the server, full description for a tooltip)."""
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite":
        name = Path(url.database).name if url.database else tr("en mémoire")
        return name, db.description
    return db.description, db.description


def format_datetime(value: dt.datetime | None) -> str:
    """``28/11/2026 à 08h30`` in the workstation's time zone."""
    if value is None:
        return ""
    local = local_datetime(value)
    return tr("{date} à {time}").format(
        date=local.strftime("%d/%m/%Y"), time=local.strftime("%Hh%M")
    )


def format_period(period: str) -> str:
    """``2026-09`` → ``septembre 2026`` (left as is if not yyyy-mm)."""
    try:
        year, month = period.split("-")
        return f"{tr(MONTHS[int(month) - 1])} {int(year)}"
    except (ValueError, IndexError):
        return period


def decision_label(decision: Decision) -> str:
    return tr(DECISION_LABELS[decision], "Decision")


def decision_count(decision: Decision, count: int) -> str:
    """``17 exemptés``, ``1 à résilier``."""
    singular, plural_form = DECISION_COUNT_WORDS[decision]
    return plural(count, tr(singular, "Decision"), tr(plural_form, "Decision"))


def order_kind_label(kind: OrderKind) -> str:
    return tr(ORDER_KIND_LABELS[kind], "OrderKind")


def category_label(category: CustomerCategory | str) -> str:
    try:
        return tr(CATEGORY_LABELS[CustomerCategory(category)], "Category")
    except ValueError:
        return str(category)


def import_table_label(name: str) -> str:
    return tr(IMPORT_TABLE_LABELS.get(name.lower(), name), "ImportTable")


#: the combining diacritical marks (U+0300–U+036F) NFKD splits off Latin letters
_COMBINING_MARKS = dict.fromkeys(range(0x0300, 0x0370))


def search_key(*parts: str | None) -> str:
    """Lower case, accents removed: what the search field compares against."""
    text = " ".join(p for p in parts if p).casefold()
    if text.isascii():  # most police numbers and names: nothing to strip
        return text
    return unicodedata.normalize("NFKD", text).translate(_COMBINING_MARKS)
