"""The page of a letter or an order: A4 portrait, the agency header, justified
paragraphs, fields to fill by hand, tick boxes, each document's own page numbers in a
combined file (:class:`FormalPDF`)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from fpdf.enums import TextMode
from fpdf.fonts import TTFFont

from sbee_desk.documents import pdf as P
from sbee_desk.documents.formal.fonts import FontSet
from sbee_desk.documents.formal.texts import HeaderTexts

_NBSP = "\u00a0"
_SPACING = (
    (" :", _NBSP + ":"), (" ;", _NBSP + ";"), (" !", _NBSP + "!"), (" ?", _NBSP + "?"),
    ("« ", "«" + _NBSP), (" »", _NBSP + "»"), ("n° ", "n°" + _NBSP), ("N° ", "N°" + _NBSP),
)  # fmt: skip  # pairs table, four a line


def french_spacing(text: str) -> str:
    """No line break before « : ; ! ? » » nor after « « n° » (French typography)."""
    for plain, tied in _SPACING:
        if plain in text:
            text = text.replace(plain, tied)
    return text


@dataclass
class _DocumentPages:
    footer: str
    first_page: int
    pages: int | None  # None: the whole file is this document


class FormalPDF(P.BasePDF):
    """A4 portrait page of a letter or an order (one document, or many one after the
    other in a combined file, each with its own page numbers)."""

    def __init__(
        self,
        fonts: FontSet,
        *,
        fast: bool,
        title: str,
        author: str,
        created_on: dt.date | None = None,
    ) -> None:
        # BasePDF loads the full DejaVu files; the fast subset stands in for them
        self._font_swap = (
            {str(fonts.regular): fonts.fast_regular, str(fonts.bold): fonts.fast_bold}
            if fast
            else {}
        )
        super().__init__(
            title=title, author=author, margin=16.0, footer_height=8.0, created_on=created_on
        )
        self.set_auto_page_break(True, 20)
        self._document: _DocumentPages | None = None
        self._ink: tuple[object, str] = (None, "")  # the text colour last written, serialised
        self.page_label_text = "Page {page} / {pages}"

    def add_font(
        self, family: str | None = None, style: str = "", fname: Any = None, **kwargs: Any
    ) -> None:
        swapped = self._font_swap.get(str(fname))
        if swapped is None:
            return super().add_font(family, style, fname, **kwargs)
        super().add_font(family, style, swapped, **kwargs)
        for font in self.fonts.values():
            if isinstance(font, TTFFont) and font.ttffile == swapped:
                # The subset's glyph and font boxes are DejaVu's own: fpdf2's subsetting of
                # it at output need not recompute them (a third of a letter's time).
                font.ttfont.recalcBBoxes = False
        return None

    def get_string_width(self, s: str, normalized: bool = False, markdown: bool = False) -> float:
        """fpdf2's width, computed directly from the font's advance widths for plain text.

        fpdf2 splits the text into styled fragments first (for markdown, bidi and
        shaping, none of which these documents use): about 20 times slower, and the
        documents measure every word they place."""
        font = self.current_font
        if (
            markdown
            or not isinstance(font, TTFFont)
            or font.is_symbol
            or self.text_shaping
            or self.char_spacing
            or self.font_stretching != 100
        ):
            return super().get_string_width(s, normalized, markdown)
        shared = self.shared_fonts.get(font.fontkey)
        if shared is None:
            cw = font.cw
            return sum(cw[ord(c)] for c in s) * self.font_size_pt * 0.001 / self.k
        # a font parsed once: the widths of the words already measured in this process
        units = shared.widths.get(s)
        if units is None:
            cw = font.cw
            units = sum(cw[ord(c)] for c in s)
            if len(shared.widths) < 50_000:  # a few megabytes at most
                shared.widths[s] = units
        return units * self.font_size_pt * 0.001 / self.k

    def text(self, x: float, y: float, text: str = "") -> None:
        """fpdf2's ``text()``, writing the same bytes directly for plain text in a TrueType
        font (no underline, strike-through, text mode or tagged text): the documents place
        every word of a justified paragraph with it, and fpdf2's checks and wrappers cost
        twice the writing itself."""
        font = self.current_font
        if (
            not self.page
            or not isinstance(font, TTFFont)
            or font.is_symbol
            or font.color_font is not None
            or self.text_mode != TextMode.FILL
            or self.underline
            or self.strikethrough
            or getattr(self, "_record_text_quad_points", True)
        ):
            return super().text(x, y, text)
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(font, self.font_size_pt))
        pick = font.subset.pick
        mapped = "".join([chr(c) for c in map(pick, map(ord, text)) if c is not None])
        at = f"BT {x * self.k:.2f} {(self.h - y) * self.k:.2f} Td"
        line = f"{at} ({font.escape_text(mapped)}) Tj ET"
        ink = self.text_color
        if self.fill_color != ink:
            assert ink is not None
            if ink is not self._ink[0]:
                self._ink = (ink, ink.serialize().lower())
            line = f"q {self._ink[1]} {line} Q"
        self._out(line)
        return None

    def begin_document(self, footer: str, page_label: str, pages: int | None) -> None:
        """Start a document on a new page; ``pages``: its page count when known (the
        combined file), else the file's page count."""
        # add_page() first draws the footer of the page it closes: the previous document's
        self.add_page()
        self.page_label_text = page_label
        self._document = _DocumentPages(footer, self.page_no(), pages)

    def footer(self) -> None:
        doc = self._document
        if doc is None:
            return
        top = self.h - 12
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_font(P.FONT, "", 7)
        self.set_text_color(*P.MUTED)
        self.text(self.l_margin, top + 4, P.fit_text(self, doc.footer, self.content_width * 0.75))
        page = self.page_no() - doc.first_page + 1
        pages: str | int = doc.pages if doc.pages is not None else self.str_alias_nb_pages
        label = self.page_label_text.format(page=page, pages=pages)
        width = self.content_width * 0.2
        self.set_xy(self.w - self.r_margin - width, top + 1.4)
        self.cell(width, 3.5, label, align="R")
        self.set_text_color(*P.INK)

    # ---- drawing helpers

    def header_block(self, header: HeaderTexts, agency: str, place_date: str) -> float:
        """The agency header at the top of a document's first page; returns the y below."""
        x = self.l_margin
        text_x = x
        if header.logo is not None:
            self.image(io.BytesIO(header.logo), x=x, y=12, h=16)
            text_x = x + 19
        self.set_text_color(*P.HEADER_FILL)
        self.set_font(P.FONT, "B", 11)
        self.text(text_x, 16, header.organisation)
        self.set_text_color(*P.INK)
        self.set_font(P.FONT, "", 8.5)
        self.text(text_x, 20.5, header.unit)
        self.set_font(P.FONT, "", 7.5)
        self.set_text_color(*P.MUTED)
        y = 24.5
        for line in (header.address, header.contact):
            if line.strip():
                self.text(text_x, y, line)
                y += 3.6
        self.set_text_color(*P.INK)
        right = self.w - self.r_margin
        self.set_font(P.FONT, "B", 9)
        self.text(right - self.get_string_width(agency), 20.5, agency)
        self.set_font(P.FONT, "", 8.5)
        self.text(right - self.get_string_width(place_date), 25, place_date)
        bottom = max(y, 28.0) + 1.5
        self.set_draw_color(*P.HEADER_FILL)
        self.set_line_width(0.6)
        self.line(x, bottom, right, bottom)
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)
        return bottom + 5

    def paragraph(
        self,
        y: float,
        text: str,
        *,
        size: float = 9.5,
        bold: bool = False,
        x: float | None = None,
        width: float | None = None,
        line_height: float = 4.6,
        align: str = "J",
        draw: bool = True,
    ) -> float:
        """A paragraph from ``y`` (top), justified unless ``align="L"``, breaking pages
        when needed; returns the y below it (``draw=False``: only measures, on one page).
        Three times faster than ``multi_cell``: word widths are measured once and
        justified lines placed word by word."""
        self.set_font(P.FONT, "B" if bold else "", size)
        left = self.l_margin if x is None else x
        width = self.content_width if width is None else width
        measure = self.get_string_width
        space = measure(" ")
        lines: list[list[tuple[str, float]]] = []
        current: list[tuple[str, float]] = []
        used = 0.0
        for word in french_spacing(text).split(" "):
            if not word:
                continue
            w = measure(word)
            if w > width:  # a word wider than the line: cut to fit
                word = P.fit_text(self, word, width)
                w = measure(word)
            if current and used + space + w > width:
                lines.append(current)
                current, used = [], 0.0
            used = w if not current else used + space + w
            current.append((word, w))
        if current:
            lines.append(current)
        if not draw:
            return y + len(lines) * line_height
        bottom = self.content_bottom - 4
        for n, line in enumerate(lines):
            if y + line_height > bottom:
                self.add_page()
                y = self.t_margin
            baseline = y + line_height - 1.25
            last = n == len(lines) - 1
            if align == "J" and not last and len(line) > 1:
                gap = (width - sum(w for _, w in line)) / (len(line) - 1)
                pos = left
                for word, w in line:
                    self.text(pos, baseline, word)
                    pos += w + gap
            else:
                self.text(left, baseline, " ".join(word for word, _ in line))
            y += line_height
        return y

    def blank_field(self, x: float, y: float, text: str, width: float) -> None:
        """A field to fill by hand: ``text``'s words, then its trailing dots drawn as a
        dotted rule up to ``x + width`` (a rule, not hundreds of dot characters: it
        prints the same and costs nothing to lay out)."""
        head = text.rstrip(".").rstrip()
        if head == text.rstrip():
            self.text(x, y, P.fit_text(self, text, width))
            return
        head = P.fit_text(self, head, width)
        self.text(x, y, head)
        self.dotted_rule(x + self.get_string_width(head) + 1.2, y + 0.2, x + width)

    def dotted_rule(self, x: float, y: float, end: float) -> None:
        """A dotted rule from ``x`` to ``end`` at height ``y`` (a blank to write on)."""
        if end - x < 2:
            return
        self.set_draw_color(*P.MUTED)
        self.set_line_width(0.25)
        self.set_dash_pattern(dash=0.25, gap=0.85)
        self.line(x, y, end, y)
        self.set_dash_pattern()
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)

    def section_title(self, y: float, text: str, *, height: float = 5.5) -> float:
        """A dark band with a title in white capitals; returns the y below."""
        self.set_fill_color(*P.HEADER_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_text_color(*P.HEADER_INK)
        self.set_font(P.FONT, "B", 8.5)
        self.text(self.l_margin + 2, y + height - 1.6, text)
        self.set_text_color(*P.INK)
        return y + height

    def tick_box(self, x: float, y: float, label: str, *, size: float = 3.2) -> float:
        """An empty square to tick by hand and its label; returns the x after it."""
        self.set_draw_color(*P.INK)
        self.set_line_width(0.25)
        self.rect(x, y - size + 0.4, size, size)
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)
        self.text(x + size + 1.3, y, label)
        return x + size + 1.3 + self.get_string_width(label) + 4.5

    def label_value(
        self,
        x: float,
        y: float,
        width: float,
        label: str,
        value: str,
        *,
        missing: bool = False,
        bold: bool = True,
    ) -> None:
        """A small grey label above its value (a missing value in grey italics would
        need an italic font: it is printed between dashes instead)."""
        self.set_font(P.FONT, "", 6.8)
        self.set_text_color(*P.MUTED)
        self.text(x, y, label)
        if missing:
            self.set_font(P.FONT, "", 8.5)
            self.set_text_color(*MISSING_INK)
        else:
            self.set_font(P.FONT, "B" if bold else "", 9)
            self.set_text_color(*P.INK)
        self.text(x, y + 4.2, P.fit_text(self, value, width - 1.5))
        self.set_text_color(*P.INK)


#: a value the export did not give, printed as such (dark red: visible, even in grey)
MISSING_INK = (150, 30, 30)
