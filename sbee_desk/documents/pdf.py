"""The common base of every PDF of sbee-desk: lists now, letters and orders later.

A4 pages with DejaVu Sans embedded (subset) so accents and the narrow no-break
space of amounts print on any workstation; a footer with a text on the left and
``Page n / N`` on the right; document metadata in French. Subclasses draw their
own content; :func:`wrap_text` and :func:`fit_text` help placing text in cells
(fpdf2's ``table()`` does the same work about 2.5 times slower).
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.output import OutputProducer, PDFInfo, PDFPage
from fpdf.syntax import Name

from sbee_desk.documents import shared_fonts
from sbee_desk.documents.resources import fonts_dir

FONT = "DejaVu"
ELLIPSIS = "…"

#: RGB colours shared by the documents (sober: prints well in grey on a laser printer)
INK = (33, 37, 41)
MUTED = (96, 102, 110)
RULE = (190, 196, 204)
HEADER_FILL = (31, 78, 121)
HEADER_INK = (255, 255, 255)
ZEBRA_FILL = (242, 245, 248)
TOTAL_FILL = (222, 229, 237)

#: whether the documents share the fonts parsed once per process (:mod:`.shared_fonts`);
#: off, every document parses and subsets its fonts as fpdf2 does (the benchmarks'
#: baseline, and the tests comparing both)
SHARE_FONTS = True

#: what fpdf2 hashes into the file identifier of a document given no date of its own
#: (the clock would make two runs on the same data differ)
_UNDATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class _Deflated(bytearray):
    """The finished content stream of a page, already compressed (see :class:`BasePDF`)."""


class _CompactOutput(OutputProducer):
    """fpdf2's producer, taking the pages compressed while the document was drawn as
    they are instead of compressing their (now empty) contents again."""

    def bufferize(self) -> bytearray:
        """fpdf2's, the producer then letting go of the document and of its objects: the
        producer and its trailer refer to each other, so only the cyclic garbage
        collector would free them — and, through them, the document and all it was drawn
        from (a list's 50 000 lines, #18)."""
        buffer = super().bufferize()
        self.pdf_objs = []
        del self.fpdf
        return buffer

    def _add_pages(self, _slice: slice = slice(0, None)) -> list[PDFPage]:
        done: dict[int, _Deflated] = {}
        for page in self.fpdf.pages.values():
            if isinstance(page.contents, _Deflated):
                done[page.index()] = page.contents
                page.contents = bytearray()
        objects = super()._add_pages(_slice)
        for page in objects:
            deflated = done.pop(page.index(), None)  # let go as soon as it is copied
            if deflated is None:
                continue
            stream: Any = page.contents
            stream._contents = bytes(deflated)
            stream.length = len(deflated)
            stream.filter = Name("FlateDecode")
        return objects

    def _add_fonts(self, *args: Any, **kwargs: Any) -> dict[int, Any]:
        """fpdf2's fonts, those parsed once per process (:mod:`.shared_fonts`) embedded
        from their prepared pieces; any other by fpdf2."""
        pdf = self.fpdf
        shared: dict[str, shared_fonts.SharedFont] = getattr(pdf, "shared_fonts", {})
        if not shared:
            return super()._add_fonts(*args, **kwargs)
        fonts = pdf.fonts
        if pdf._compliance:  # PDF/A: fpdf2's own path, each font parsed for it
            return super()._add_fonts(*args, **kwargs)
        shared = {k: s for k, s in shared.items() if shared_fonts.is_shared(fonts[k])}
        catalog = pdf._resource_catalog
        catalog.font_registry = {k: f for k, f in fonts.items() if k not in shared}
        try:
            objects: dict[int, Any] = super()._add_fonts(*args, **kwargs)
        finally:
            catalog.font_registry = fonts
        mine = sorted(
            (f for k in shared if isinstance(f := fonts[k], TTFFont)), key=lambda font: font.i
        )
        objects.update(shared_fonts.add_shared_fonts(self, [(f, shared[f.fontkey]) for f in mine]))
        return objects

    def _add_info(self) -> PDFInfo:
        info = super()._add_info()
        if not getattr(self.fpdf, "dated", True):
            info.creation_date = None  # type: ignore[assignment]  # no date rather than a false one
        return info


class BasePDF(FPDF):
    """A4, millimetres, DejaVu Sans (regular and bold) embedded, footer with page numbers.

    Deterministic: the same drawing gives the same bytes, whenever it is made. The
    creation date is ``created_on`` — the document's own date (its edition date),
    midnight UTC — never the clock; a document given none carries no creation date."""

    def __init__(
        self,
        *,
        landscape: bool = False,
        title: str = "",
        author: str = "",
        footer_left: str = "",
        page_label: str = "Page {page} / {pages}",
        margin: float = 10.0,
        footer_height: float = 9.0,
        created_on: dt.date | None = None,
    ) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        #: fonts parsed once per process, by font key (see :meth:`add_font`)
        self.shared_fonts: dict[str, shared_fonts.SharedFont] = {}
        self.dated = False
        self.creation_date = _UNDATED
        if created_on is not None:
            self.set_creation_date(dt.datetime.combine(created_on, dt.time(), dt.UTC))
        folder = fonts_dir()
        self.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
        self.set_margins(margin, margin, margin)
        self.footer_height = footer_height
        self.set_auto_page_break(True, margin + footer_height)
        self.footer_left = footer_left
        self.page_label = page_label
        self.set_title(title)
        self.set_author(author)
        self.set_creator("sbee-desk")
        self.set_lang("fr")
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)

    def add_font(
        self, family: str | None = None, style: str = "", fname: Any = None, **kwargs: Any
    ) -> None:
        """fpdf2's add_font; a TrueType file is parsed once per process and shared by
        every document (:mod:`.shared_fonts`), unless :data:`SHARE_FONTS` is off."""
        if not SHARE_FONTS or kwargs or family is None or fname is None:
            return super().add_font(family, style, fname, **kwargs)
        style = "".join(sorted(style.upper()))
        fontkey = f"{family.lower()}{style}"
        path = Path(fname)
        if fontkey in self.fonts or set(style) - {"B", "I"} or not path.is_file():
            return super().add_font(family, style, fname, **kwargs)
        shared = shared_fonts.shared_font(path, fontkey, style)
        if shared is None:
            return super().add_font(family, style, fname, **kwargs)
        self.fonts[fontkey] = shared_fonts.document_font(shared, self)
        self.shared_fonts[fontkey] = shared
        return None

    def set_creation_date(self, date: dt.datetime | None = None) -> None:
        super().set_creation_date(date)
        self.dated = True

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    @property
    def content_bottom(self) -> float:
        """The lowest y the page's content may reach (the footer lies below)."""
        return self.h - self.b_margin

    def footer(self) -> None:
        top = self.h - self.b_margin + 3
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        baseline = top + 4
        if self.footer_left:
            width = self.content_width * 0.75
            self.text(self.l_margin, baseline, fit_text(self, self.footer_left, width))
        # fpdf2 replaces the alias by the page count when the document is closed (in
        # text placed by cell(), not by text())
        label = self.page_label.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        width = self.content_width * 0.2
        self.set_xy(self.w - self.r_margin - width, baseline - 2.6)
        self.cell(width, 3.5, label, align="R")
        self.set_text_color(*INK)

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        """fpdf2's add_page; the page it closes is compressed at once.

        fpdf2 keeps every page's drawing uncompressed until the file is written: about
        20 kB a page of an order, 160 MB for the 8 000 orders of a night's combined
        file. Compressed as soon as it is finished (its footer drawn), a page takes a
        fifth of that, and writing the file does no more work than before. A page
        holding the page-count alias stays as it is: fpdf2 rewrites it at the end."""
        super().add_page(*args, **kwargs)
        closed = self.pages.get(self.page - 1)
        if (
            self.compress
            and closed is not None
            and isinstance(closed.contents, bytearray)
            and not isinstance(closed.contents, _Deflated)
            and not closed.get_text_substitutions()
        ):
            closed.contents = _Deflated(zlib.compress(closed.contents))

    def output_bytes(self) -> bytes:
        """The finished PDF; the font files are closed afterwards."""
        return bytes(self.output_buffer())

    def output_buffer(self) -> bytearray:
        """The finished PDF as fpdf2's own buffer (no copy: a combined file of a night's
        orders is tens of megabytes); the font files are closed afterwards."""
        try:
            return self.output(output_producer_class=_CompactOutput)
        finally:
            self.close_fonts()

    def close_fonts(self) -> None:
        """Close the font files fpdf2 keeps open (fontTools reads them lazily); call it
        when a document is abandoned before :meth:`output_bytes`. Idempotent."""
        for font in self.fonts.values():
            close = getattr(font, "close", None)
            if close is not None:
                close()


def fit_text(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if pdf.get_string_width(text[:mid].rstrip() + ELLIPSIS) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS


def wrap_text(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    """Lines of ``text`` no wider than ``width``, broken at spaces (a word too long for
    one line is cut); the last kept line ends with an ellipsis when text is left over."""
    if not text:
        return [""]
    width_of = pdf.get_string_width
    if width_of(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    words = text.split(" ")
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if width_of(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while width_of(current) > width:  # a single word wider than the cell
            cut = len(current) - 1
            while cut > 1 and width_of(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
        if len(lines) >= max_lines:
            rest = " ".join([current, *words[index + 1 :]])
            return _close(pdf, lines[:max_lines], rest, width)
    lines.append(current)
    if len(lines) > max_lines:
        return _close(pdf, lines[:max_lines], " ".join(lines[max_lines:]), width)
    return lines


def _close(pdf: FPDF, lines: list[str], rest: str, width: float) -> list[str]:
    """The last line with an ellipsis: some text did not fit."""
    if rest.strip():
        lines[-1] = fit_text(pdf, lines[-1] + " " + rest, width)
    return lines
