"""Reading one cell of the export: dates, amounts, codes (import-format.md).

Every parser takes the cell text already stripped and not empty, and returns the
value as it is staged (dates as ISO ``yyyy-mm-dd`` strings, amounts as ``int``),
or raises :class:`BadValue` with a French message naming the value. They run
once per cell of millions of rows: plain ``str`` methods, no regex on the common
path, no object but the result.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from sbee_desk.domain.enums import CustomerCategory, Voltage
from sbee_desk.importers.formats import Kind
from sbee_desk.services.errors import ServiceError
from sbee_desk.wording.errors import message

#: characters no text of the export may hold: C0 controls but tab and line breaks (the
#: XML rule, so a workbook and a CSV agree), DEL and the C1 controls. PostgreSQL refuses
#: NUL outright; the others are a damaged file, never a name or an address.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: a value quoted in a message is cut beyond this many characters
MAX_SHOWN = 80


def shown(text: str) -> str:
    """A value as a message quotes it: control characters made visible (``\\x00``),
    cut to :data:`MAX_SHOWN` characters."""
    cut = text[: MAX_SHOWN + 1]
    if CONTROL.search(cut):
        cut = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", cut)
    if len(text) > MAX_SHOWN:
        return f"{cut[:MAX_SHOWN]}… ({len(text)} caractères)"
    return cut


class BadValue(ServiceError, ValueError):
    """A cell that cannot be read (data: ``text``, the cell as shown); ``str()`` is French."""

    def __str__(self) -> str:
        text = self.data.get("text")
        if isinstance(text, str):
            return message(self.code, {**self.data, "text": shown(text)})
        return super().__str__()


_fromisoformat = dt.date.fromisoformat
_SHORT_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\Z")
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z")
#: thousands separators accepted in amounts: space, no-break space, narrow and thin spaces
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f\u2009")
#: a zero decimal part, as spreadsheets write whole amounts
_ZERO_DECIMALS = (",00", ".00", ",0", ".0")
#: 15 digits: far above any FCFA amount, far below the 64-bit limit of the database
MAX_AMOUNT_DIGITS = 15

CATEGORIES = frozenset(c.value for c in CustomerCategory)
VOLTAGES = frozenset(v.value for v in Voltage)


def _bad_date(text: str) -> BadValue:
    return BadValue("BAD_DATE", text=text)


def parse_date(text: str) -> str:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd`` → ISO ``yyyy-mm-dd`` (a real calendar date)."""
    if len(text) == 10:
        if text[4] == "-" and text[7] == "-":
            iso = text
        elif text[2] == "/" and text[5] == "/":
            iso = f"{text[6:]}-{text[3:5]}-{text[:2]}"
        else:
            raise _bad_date(text)
        if iso.isascii():
            try:
                _fromisoformat(iso)
            except ValueError:
                pass
            else:
                return iso
        raise _bad_date(text)
    match = _SHORT_DATE.match(text)  # d/m/yyyy, as some spreadsheets write it
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    raise _bad_date(text)


def parse_amount(text: str) -> int:
    """Whole FCFA, spaces as thousands separators: ``125 000`` → 125000. May be negative.

    A zero decimal part, as a spreadsheet writes it, is accepted: ``74802,00``,
    ``74802.0``; any other decimal part is refused.
    """
    digits = text if text.isdigit() else text.translate(_THOUSANDS)
    for zero in _ZERO_DECIMALS:
        if digits.endswith(zero):
            digits = digits[: -len(zero)]
            break
    body = digits[1:] if digits[:1] == "-" else digits
    if not (body.isascii() and body.isdigit()):
        if any(sep in body for sep in ".,") and body.replace(".", "").replace(",", "").isdigit():
            raise BadValue("AMOUNT_NOT_WHOLE", text=text)
        raise BadValue("BAD_AMOUNT", text=text)
    if len(body) > MAX_AMOUNT_DIGITS:
        raise BadValue("AMOUNT_TOO_LARGE", text=text)
    return int(digits)


def parse_invoice_amount(text: str) -> int:
    amount = parse_amount(text)
    if amount < 0:
        raise BadValue("NEGATIVE_AMOUNT", text=text)
    return amount


def parse_payment_amount(text: str) -> int:
    amount = parse_amount(text)
    if amount <= 0:
        raise BadValue("PAYMENT_NOT_POSITIVE", text=text)
    return amount


_FLAGS = {"oui": True, "non": False, "1": True, "0": False, "vrai": True, "faux": False}


def parse_flag(text: str) -> bool:
    """``oui``/``non``, ``1``/``0``, ``vrai``/``faux``, in any case (an empty cell,
    ``non``, never reaches here)."""
    try:
        return _FLAGS[text.lower()]
    except KeyError:
        raise BadValue("BAD_FLAG", text=text) from None


def parse_voltage(text: str) -> str:
    code = text.upper()
    if code in VOLTAGES:
        return code
    raise BadValue("UNKNOWN_VOLTAGE", text=text)


def parse_category(text: str) -> str:
    code = text.upper()
    if code in CATEGORIES:
        return code
    raise BadValue("UNKNOWN_CELL_CATEGORY", text=text, known=[c.value for c in CustomerCategory])


def parse_period(text: str) -> str:
    if _PERIOD.match(text):
        return text
    raise BadValue("BAD_PERIOD", text=text)


def text_parser(max_len: int | None) -> Callable[[str], str]:
    """Text cells are taken as they are (stripped), within the model's length and
    without control characters."""
    limit = max_len
    search = CONTROL.search

    def parse_text(text: str) -> str:
        if limit is not None and len(text) > limit:
            raise BadValue("TEXT_TOO_LONG", text=text, limit=limit)
        found = search(text)
        if found:
            raise BadValue("CONTROL_CHARACTER", text=text, char=f"U+{ord(found.group()):04X}")
        return text

    return parse_text


PARSERS: dict[Kind, Callable[[str], object]] = {
    Kind.DATE: parse_date,
    Kind.AMOUNT: parse_invoice_amount,
    Kind.POSITIVE_AMOUNT: parse_payment_amount,
    Kind.VOLTAGE: parse_voltage,
    Kind.CATEGORY: parse_category,
    Kind.PERIOD: parse_period,
    Kind.FLAG: parse_flag,
}


def parser_for(kind: Kind, max_len: int | None) -> Callable[[str], object]:
    return text_parser(max_len) if kind is Kind.TEXT else PARSERS[kind]


def normalize_name(name: object) -> str:
    """Column, file and sheet names: case, accents, spaces and hyphens don't matter.

    ``" Date Émission"`` → ``"date_emission"``.
    """
    text = unicodedata.normalize("NFKD", str(name or "")).replace("\ufeff", "").strip().lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "_".join(text.replace("-", " ").split())


def detect_separator(header_line: str) -> str:
    """``;``, ``,`` or tab: whichever the header line uses most (``;`` when tied or none)."""
    return max(";,\t", key=header_line.count)
