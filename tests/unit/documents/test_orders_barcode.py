"""The order number's Code 128 barcode: the symbol table, encoding, and the printed bars."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from sbee_desk.documents.barcode import (
    PATTERNS,
    START_B,
    START_C,
    STOP,
    BarcodeError,
    decode_widths,
    symbols,
    widths,
)
from sbee_desk.documents.orders import load_order_texts, render_order
from tests.unit.documents.edition_data import order


def test_symbol_table_follows_the_standard() -> None:
    assert len(PATTERNS) == 107 and len(set(PATTERNS)) == 107
    for value, pattern in enumerate(PATTERNS[:STOP]):
        w = [int(c) for c in pattern]
        assert len(w) == 6 and sum(w) == 11, value
        assert sum(w[0::2]) % 2 == 0, value  # bars: an even number of modules
        assert all(1 <= x <= 4 for x in w)
    assert PATTERNS[STOP] == "2331112" and sum(map(int, PATTERNS[STOP])) == 13
    # values published in ISO/IEC 15417 (start A, B, C and a few data symbols)
    assert PATTERNS[0] == "212222" and PATTERNS[103:106] == ("211412", "211214", "211232")
    assert PATTERNS[16] == "123122" and PATTERNS[99] == "113141"


def test_check_symbol_and_code_sets() -> None:
    # the textbook example: "Wikipedia" in code set B, check symbol 88
    assert symbols("Wikipedia") == [START_B, 55, 73, 75, 73, 80, 69, 68, 73, 65, 88, STOP]
    # an order number: eight digits, four symbols in code set C
    assert symbols("00000042") == [START_C, 0, 0, 0, 42, (105 + 4 * 42) % 103, STOP]
    with pytest.raises(BarcodeError):
        symbols("")
    with pytest.raises(BarcodeError):
        symbols("é")


@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=20)
)
def test_any_printable_value_decodes_back(value: str) -> None:
    assert decode_widths(widths(value)) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_any_number_decodes_back(n: int) -> None:
    assert decode_widths(widths(str(n))) == str(n)


def test_a_damaged_symbol_is_refused() -> None:
    runs = widths("00000042")
    runs[9] += 1  # one bar one module wider
    runs[10] -= 1
    with pytest.raises(BarcodeError):
        decode_widths(runs)


def _runs(row: list[int]) -> list[int]:
    """Bar/space widths (pixels) between the first and the last dark pixel of a row."""
    dark = [v < 128 for v in row]
    first, last = dark.index(True), len(dark) - 1 - dark[::-1].index(True)
    runs, current, length = [], dark[first], 0
    for pixel in dark[first : last + 1]:
        if pixel == current:
            length += 1
        else:
            runs.append(length)
            current, length = pixel, 1
    runs.append(length)
    return runs


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("kind", ["DEPOSE", "CONTROLE_INDEX"])
def test_the_printed_bars_read_as_the_order_number(tmp_path: Path, kind: str) -> None:
    """Rasterise the order like a 300 dpi print and read the bars back, as a scanner."""
    pdf = tmp_path / "order.pdf"
    pdf.write_bytes(render_order(order(kind), load_order_texts()).content)
    # inside the number box (132–194 mm from the left), from 35 to 65 mm from the top
    dpmm = 300 / 25.4
    x, y, w, h = (round(v * dpmm) for v in (133, 35, 60, 30))
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            "300",
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            str(x),
            "-y",
            str(y),
            "-W",
            str(w),
            "-H",
            str(h),
            "-png",
            str(pdf),
            str(tmp_path / "box"),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("box*.png"))).convert("L")
    decoded = set()
    grey = image.tobytes()  # one byte a pixel, row after row
    for row in range(0, image.height, 4):
        pixels = list(grey[row * image.width : (row + 1) * image.width])
        if min(pixels) >= 128:
            continue
        try:
            decoded.add(decode_widths(_runs(pixels)))
        except BarcodeError:
            continue
    assert decoded == {"00000043"}
