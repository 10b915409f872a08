"""Fonts parsed once per process and embedded from prepared pieces (#18): a document
shows exactly what fpdf2's own path shows — same page drawing, same text, same
widths, and for every character code the same glyph outline."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from sbee_desk.documents import pdf as P
from sbee_desk.documents import shared_fonts
from sbee_desk.documents.formal import FormalPDF, font_set
from sbee_desk.documents.letters import load_letter_texts, render_letter
from sbee_desk.documents.orders import load_order_texts, render_order
from sbee_desk.documents.resources import fonts_dir
from tests.unit.documents.edition_data import letter, order, pdf_text


def _both(produce: Callable[[], bytes], monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """(fpdf2's own path, the shared fonts) for the same document."""
    monkeypatch.setattr(P, "SHARE_FONTS", False)
    plain = produce()
    monkeypatch.setattr(P, "SHARE_FONTS", True)
    return plain, produce()


def _d(value: object) -> DictionaryObject:
    found = value.get_object()  # type: ignore[attr-defined]
    assert isinstance(found, DictionaryObject)
    return found


def _fonts(content: bytes) -> dict[str, dict[str, object]]:
    """Per font resource name: widths, text map, and each code's glyph outline."""
    found: dict[str, dict[str, object]] = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for name, ref in _d(_d(page["/Resources"])["/Font"]).items():
            font = _d(ref)
            cid = _d(font["/DescendantFonts"][0])  # type: ignore[index]
            descriptor = _d(cid["/FontDescriptor"])
            embedded = TTFont(io.BytesIO(_d(descriptor["/FontFile2"]).get_data()))  # type: ignore[attr-defined]
            cid_map = _d(cid["/CIDToGIDMap"]).get_data()  # type: ignore[attr-defined]
            order = embedded.getGlyphOrder()
            glyphs = embedded.getGlyphSet()
            outlines = {}
            for code in range(len(cid_map) // 2):
                gid = cid_map[2 * code] << 8 | cid_map[2 * code + 1]
                if gid:
                    pen = DecomposingRecordingPen(glyphs)
                    glyphs[order[gid]].draw(pen)
                    outlines[code] = (pen.value, embedded["hmtx"][order[gid]][0])
            found[str(name)] = {
                "widths": list(cid["/W"]),  # type: ignore[call-overload]
                "to_unicode": _d(font["/ToUnicode"]).get_data(),  # type: ignore[attr-defined]
                "outlines": outlines,
            }
    return found


def _same_showing(plain: bytes, shared: bytes) -> None:
    a, b = PdfReader(io.BytesIO(plain)), PdfReader(io.BytesIO(shared))
    assert len(a.pages) == len(b.pages)
    for pa, pb in zip(a.pages, b.pages, strict=True):
        assert pa.get_contents().get_data() == pb.get_contents().get_data()  # type: ignore[union-attr]
    assert pdf_text(plain) == pdf_text(shared)
    assert _fonts(plain) == _fonts(shared)


def test_a_letter_shows_the_same_with_the_fonts_parsed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = load_letter_texts()
    item = letter(customer_name="Ŋɔ̀nù Ẹ̀ṣọ́ HOUNKPÈ ǎǐ", address="Carré 1204, Akpakpa — Cotonou")
    plain, shared = _both(lambda: render_letter(item, texts).content, monkeypatch)
    assert plain != shared  # not the same embedded font file…
    _same_showing(plain, shared)  # …yet the same page


def test_an_order_shows_the_same_with_the_fonts_parsed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = load_order_texts()
    plain, shared = _both(lambda: render_order(order(), texts).content, monkeypatch)
    _same_showing(plain, shared)


def test_a_document_with_characters_outside_the_fast_subset_shows_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Greek and Cyrillic: drawn with the full DejaVu files (not the fast subset)
    texts = load_letter_texts()
    item = letter(customer_name="Ωμέγα Жуков", address="Ǻ ǻ ffi")
    assert not font_set().covers([item.party.customer_name])
    plain, shared = _both(lambda: render_letter(item, texts).content, monkeypatch)
    _same_showing(plain, shared)


def test_a_base_pdf_with_the_full_fonts_shows_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    def produce() -> bytes:
        pdf = P.BasePDF(title="t", footer_left="pied de page")
        pdf.add_page()
        pdf.set_font(P.FONT, "", 10)
        pdf.cell(100, 5, "Relevé n° 12 : 47 500 FCFA — « Société Générale » Œuvre ŋ ɖ ɛ")
        pdf.set_font(P.FONT, "B", 10)
        pdf.cell(100, 5, "TOTAL 1 234 567 € — Ǻ")
        return pdf.output_bytes()

    plain, shared = _both(produce, monkeypatch)
    _same_showing(plain, shared)


@pytest.mark.parametrize("shared", [True, False], ids=["fonts parsed once", "fpdf2's own"])
def test_the_documents_write_text_and_measure_it_as_fpdf2_does(
    shared: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FormalPDF's own text() and get_string_width() (#18: faster) give the same bytes as
    fpdf2's: a letter (coloured text, justified paragraphs) and an order."""
    monkeypatch.setattr(P, "SHARE_FONTS", shared)
    letters, orders = load_letter_texts(), load_order_texts()
    item = letter(customer_name="Ŋɔ̀nù HOUNKPÈ (Djidjè)", address="Lot 12 \\ « Akpakpa »")

    def produce() -> tuple[bytes, bytes]:
        return render_letter(item, letters).content, render_order(order(), orders).content

    fast = produce()
    fast_again = produce()  # the widths measured before, from the cache
    monkeypatch.setattr(FormalPDF, "text", FPDF.text)
    monkeypatch.setattr(FormalPDF, "get_string_width", FPDF.get_string_width)
    assert fast == fast_again == produce()


def test_two_documents_in_one_process_parse_each_font_once() -> None:
    shared_fonts.clear_cache()
    texts = load_letter_texts()
    before = shared_fonts.stats.parses
    first = render_letter(letter(), texts)
    after_one = shared_fonts.stats.parses
    second = render_letter(letter(customer_name="Afiavi GBÈDJI"), texts)
    render_order(order(), load_order_texts())
    assert after_one - before == 2  # regular and bold
    assert shared_fonts.stats.parses == after_one  # the second letter and the order: none
    assert "Afiavi GBÈDJI" in pdf_text(second.content)
    assert pdf_text(first.content) != pdf_text(second.content)


def test_fpdf2_writing_a_document_itself_does_not_touch_the_shared_font() -> None:
    """fpdf2's own output subsets a document's font in place: the document then gets a
    font parsed for it, and the next documents still print every glyph."""
    shared_fonts.clear_cache()
    regular = str(fonts_dir() / "DejaVuSans.ttf")

    def draw(text: str) -> P.BasePDF:
        pdf = P.BasePDF()
        pdf.add_font("Other", "", regular)
        pdf.add_page()
        pdf.set_font("Other", "", 10)
        pdf.cell(100, 5, text)
        return pdf

    alone = draw("Hors du chemin partagé : xyz")
    bytes(FPDF.output(alone))  # fpdf2's own producer
    after = draw("Abcdefghijklmnopqrstuvwxyz éèàç").output_bytes()
    assert "Abcdefghijklmnopqrstuvwxyz éèàç" in pdf_text(after)
    outlines = _fonts(after)
    assert max(len(f["outlines"]) for f in outlines.values()) >= 30  # type: ignore[arg-type]


def test_a_document_drawn_in_fpdf2s_unbreakable_block_shows_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """fpdf2's recorder (``unbreakable``) deep-copies a document's state, fonts included."""

    def produce() -> bytes:
        pdf = P.BasePDF(title="t")
        pdf.add_page()
        pdf.set_font(P.FONT, "", 10)
        with pdf.unbreakable() as doc:
            doc.cell(100, 5, "Bloc insécable : Hôtel du Lac")
        return pdf.output_bytes()

    plain, shared = _both(produce, monkeypatch)
    _same_showing(plain, shared)
