"""Code 128 barcodes drawn with fpdf2 rectangles (the order number of a work order).

Why Code 128 and not fpdf2's built-in ``code39``: the order is scanned at the
store return and at CRI entry with ordinary keyboard-wedge (USB « douchette »)
scanners, which read both symbologies out of the box. Code 128 carries a
mandatory modulo-103 check symbol, so a smudged bar on a paper carried in the
field is refused by the scanner instead of being read as another order number;
Code 39 has no mandatory check. Code 128 is also about half as wide for digits
(code set C packs two digits per symbol), so the bars stay wide enough for a
worn office laser printer. The scanner transmits the digits only (start, check
and stop symbols are not sent), followed by Enter.

Drawing: one filled rectangle per bar, widths in whole modules, with a quiet
zone of ten modules on each side (ISO/IEC 15417). Vector rectangles print
sharp at any resolution. :func:`decode_widths` reads a symbol back from its
bar/space widths — the tests decode the rendered page with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

#: Bar/space widths (in modules) of the 107 symbols: bar, space, bar, space, bar,
#: space (and a last bar for STOP). ISO/IEC 15417, table 1.
PATTERNS: tuple[str, ...] = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
    "132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
    "123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
    "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
    "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
    "313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
    "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
    "114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
    "211214", "211232", "2331112",
)  # fmt: skip  # Code 128 pattern table indexed by code value, eight a line

START_B = 104
START_C = 105
CODE_B = 100  # switch to code set B (in code set C)
STOP = 106
QUIET_MODULES = 10


class BarcodeError(ValueError):
    """A value Code 128 set B/C cannot carry (printable ASCII only)."""


def symbols(value: str) -> list[int]:
    """The symbol values of ``value``: start, data, check symbol, stop.

    An even run of digits is packed in code set C (two digits per symbol); other
    printable ASCII characters use code set B.
    """
    if not value:
        raise BarcodeError("empty barcode value")
    if any(not (32 <= ord(ch) <= 126) for ch in value):
        raise BarcodeError(f"Code 128 B/C carries printable ASCII only: {value!r}")
    data: list[int]
    if value.isdigit() and len(value) % 2 == 0:
        start = START_C
        data = [int(value[i : i + 2]) for i in range(0, len(value), 2)]
    elif value.isdigit() and len(value) >= 5:
        # odd number of digits: all pairs in set C, the last digit in set B
        start = START_C
        data = [int(value[i : i + 2]) for i in range(0, len(value) - 1, 2)]
        data += [CODE_B, ord(value[-1]) - 32]
    else:
        start = START_B
        data = [ord(ch) - 32 for ch in value]
    check = (start + sum(position * v for position, v in enumerate(data, 1))) % 103
    return [start, *data, check, STOP]


def widths(value: str) -> list[int]:
    """Bar and space widths in modules, starting with a bar (quiet zones excluded)."""
    return [int(w) for symbol in symbols(value) for w in PATTERNS[symbol]]


def total_modules(value: str) -> int:
    return sum(widths(value)) + 2 * QUIET_MODULES


def draw_code128(
    pdf: FPDF, value: str, x: float, y: float, *, module: float, height: float
) -> float:
    """Draw ``value`` with its left quiet zone starting at ``x``; return the total width.

    ``module`` is the narrowest bar in the PDF unit (0.25 mm or more prints well
    on an office laser printer and reads with any scanner). Bars are drawn in black
    (the fill colour is left black).
    """
    pdf.set_fill_color(0, 0, 0)
    left = x + QUIET_MODULES * module
    is_bar = True
    for w in widths(value):
        if is_bar:
            pdf.rect(left, y, w * module, height, style="F")
        left += w * module
        is_bar = not is_bar
    return left + QUIET_MODULES * module - x


def decode_widths(runs: Sequence[float]) -> str:
    """The value carried by a sequence of bar/space widths (first one a bar), in any
    unit: the module is taken from the start symbol. Raises :class:`BarcodeError`
    when the widths do not form a valid symbol (wrong pattern or check symbol)."""
    if len(runs) < 6 + 6 + 7:
        raise BarcodeError("too few bars for a Code 128 symbol")
    module = sum(runs[:6]) / 11
    scaled = [round(w / module) for w in runs]
    lookup = {pattern: number for number, pattern in enumerate(PATTERNS)}
    values = []
    position = 0
    while position < len(scaled):
        size = 7 if len(scaled) - position == 7 else 6
        pattern = "".join(str(w) for w in scaled[position : position + size])
        if pattern not in lookup:
            raise BarcodeError(f"no Code 128 symbol has the widths {pattern}")
        values.append(lookup[pattern])
        position += size
    if values[-1] != STOP or values[0] not in (START_B, START_C):
        raise BarcodeError("missing start or stop symbol")
    start, *data, check, _stop = values
    if (start + sum(i * v for i, v in enumerate(data, 1))) % 103 != check:
        raise BarcodeError("wrong check symbol")
    text = []
    code_set = start
    for v in data:
        if code_set == START_C and v == CODE_B:
            code_set = START_B
        elif code_set == START_C:
            text.append(f"{v:02d}")
        else:
            text.append(chr(v + 32))
    return "".join(text)
