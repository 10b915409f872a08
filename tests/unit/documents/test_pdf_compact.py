"""Pages compressed as soon as they are finished (BasePDF.add_page): the file is the
one fpdf2 would have written, and a page holding the page-count alias is left whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from fpdf import FPDF

from sbee_desk.documents import pdf as P
from sbee_desk.documents.formal import font_set
from sbee_desk.documents.letters import LetterData, draw_letter, load_letter_texts
from sbee_desk.documents.orders import draw_order, load_order_texts
from sbee_desk.documents.worker import Item, Texts
from tests.unit.documents.edition_data import letter, order, page_count, pdf_text

WHEN = dt.datetime(2026, 11, 29, 1, 30, tzinfo=dt.UTC)


@pytest.fixture
def plain_fpdf2(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Switch BasePDF back to fpdf2's own add_page and output (fonts parsed by fpdf2 for
    each document, on both sides: tests/unit/documents/test_shared_fonts.py compares the
    fonts)."""
    monkeypatch.setattr(P, "SHARE_FONTS", False)

    def switch() -> None:
        monkeypatch.setattr(P.BasePDF, "add_page", FPDF.add_page)
        monkeypatch.setattr(P.BasePDF, "output_bytes", lambda self: bytes(FPDF.output(self)))

    yield switch


def _deflated(pdf: P.BasePDF) -> int:
    """Pages held compressed (before the file is written)."""
    return sum(isinstance(page.contents, P._Deflated) for page in pdf.pages.values())


def _combined(items: list[Item]) -> tuple[bytes, int]:
    from sbee_desk.documents.formal import FormalPDF

    texts = Texts(load_letter_texts(), load_order_texts())
    pdf = FormalPDF(font_set(), fast=True, title="Lot", author="SBEE")
    pdf.set_creation_date(WHEN)
    for item in items:
        if isinstance(item, LetterData):
            draw_letter(pdf, item, texts.letters, 1)
        else:
            draw_order(pdf, item, texts.orders, 1)
    deflated = _deflated(pdf)
    return pdf.output_bytes(), deflated


def _items() -> list[Item]:
    return [
        letter(),
        order("DEPOSE"),
        order("CONTROLE_INDEX"),
        letter(),
    ]


def test_compact_pages_write_the_same_file_as_fpdf2(
    plain_fpdf2: Callable[[], None],
) -> None:
    compact, deflated = _combined(_items())
    assert deflated == 3  # all but the last page, still open when the file is written
    plain_fpdf2()
    plain, deflated = _combined(_items())
    assert deflated == 0
    assert compact == plain
    assert page_count(compact) == 4
    assert "ORDRE DE DÉPOSE" in pdf_text(compact, 1)


def test_a_page_with_the_page_count_alias_is_left_for_fpdf2(
    plain_fpdf2: Callable[[], None],
) -> None:
    def draw() -> tuple[bytes, int]:
        pdf = P.BasePDF(title="Liste", footer_left="Liste des clients à résilier")
        pdf.set_creation_date(WHEN)
        for n in range(3):
            pdf.add_page()
            pdf.set_font(P.FONT, "", 10)
            pdf.cell(100, 5, f"Ligne {n} — Hôtel du Lac (Djidjè)")
        deflated = _deflated(pdf)
        return pdf.output_bytes(), deflated

    compact, deflated = draw()
    assert deflated == 0
    assert "Page 2 / 3" in pdf_text(compact, 1)
    plain_fpdf2()
    assert draw()[0] == compact
