"""The PDF copy of a list (fpdf2): A4 landscape, columns fitted to what is printed,
pages broken by hand between rows, the table header repeated, totals and signature
boxes kept together.

A list may hold tens of thousands of lines, each of a dozen cells: fpdf2's ``text()``
and ``get_string_width()`` build styled fragments (a copy of the graphics state each)
for every piece of text, which made the PDF lists 80 % of the ``lists`` command
(#18). The rows are therefore measured from the font's advance widths (cached per
character) and written to the page as one run of PDF text operators each
(:meth:`_ListPDF._rows`), the text encoded through the font's own subset so that
fpdf2 embeds exactly the glyphs used. Many texts repeat (dates, amounts, quartiers,
decisions): a column at a time, each distinct text is measured, wrapped and turned
into operators once, placed relative to the top of its row, and each row is moved
to its place with ``cm`` (:meth:`_ListPDF._cell_pieces`). The pages are laid out
before anything is drawn (:meth:`_ListPDF.paginate`), so each footer prints the page
count itself:
fpdf2's page-count alias reserves the width of three digits and warned on every page
of a list of 1 000 pages or more.

fpdf2 has no public call to add operators to a page: the rows go through ``_out``
and ``_set_font_for_page``, the two methods its own ``text()`` uses (fpdf2 2.8); the
tests read every cell back with two PDF readers (pypdf, poppler's pdftotext).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence

from fpdf.fonts import TTFFont

from sbee_desk.documents import pdf as P
from sbee_desk.documents.formats import format_amount, format_count
from sbee_desk.documents.lists.content import Header, Wording, cell_texts, header, sorted_lines
from sbee_desk.documents.lists.model import ListDocument, ListLine
from sbee_desk.documents.lists.texts import COLUMN_KEYS, NUMERIC, ListTexts

_FONT_SIZE = 7.5
_LINE_H = 3.3
_PAD = 1.0
#: lines a cell may wrap to; the motif is what the control list is for: it is never cut
#: short of a pathological text; numbers (police, PdL, meter…) wrap rather than be cut
_WRAPPED = {
    "police": 2,
    "code_client": 2,
    "client": 4,
    "categorie": 3,
    "adresse": 4,
    "quartier": 2,
    "zone": 2,
    "pdl": 3,
    "compteur": 3,
    "decision": 4,
    "derogation": 4,
    "motif": 10,
}
#: rows kept on the page of the totals and the signature boxes
_KEPT_WITH_TOTALS = 1
#: size of the column titles (smaller only for a word too long for its column)
_HEADER_SIZE = 6.8
#: a word of a text column longer than this (mm) may be cut: the others keep their room
_LONGEST_WORD = 40.0
#: values measured per column to size it (the longest in characters)
_MEASURED = 50
#: columns printed on one line, never wrapped nor cut: as wide as their longest value
_ONE_LINE = {"numero", "tension", "impayes", "montant", "suspendu_le", "jours"}
#: identifiers: on one line too when the text columns can spare the room
_IDENTIFIERS = {"police", "code_client", "pdl", "compteur", "zone"}


class _Advances(dict[str, int]):
    """Advance widths of a font's characters (in thousandths of the font size), looked
    up once per character."""

    def __init__(self, font: TTFFont) -> None:
        super().__init__()
        self._cw = font.cw

    def __missing__(self, char: str) -> int:
        width = self[char] = int(self._cw[ord(char)])
        return width

    def of(self, text: str) -> int:
        return sum(map(self.__getitem__, text))


class _Encoder(dict[int, str]):
    """Text → the operand of a PDF ``Tj`` in a font: each character mapped once
    through fpdf2's own encoding (its subset picks the glyph, so the file embeds it;
    escaped as fpdf2 escapes it), then by ``str.translate``."""

    def __init__(self, font: TTFFont) -> None:
        super().__init__()
        self._font = font

    def __missing__(self, code: int) -> str:
        encoded = self[code] = self._font.encode_text(chr(code))[1:-4]  # "(…) Tj"
        return encoded

    def of(self, text: str) -> str:
        return text.translate(self)


def _rgb(colour: tuple[int, int, int]) -> str:
    return " ".join(f"{c / 255:.3f}" for c in colour) + " rg"


class _ListPDF(P.BasePDF):
    def __init__(self, doc: ListDocument, texts: ListTexts, head: Header) -> None:
        super().__init__(
            landscape=True,
            title=f"{head.title} — {doc.bordereau_code}",
            author=f"{head.organisation} — {head.agency}",
            footer_left=f"{head.running} · {head.produced}",
            page_label=texts.header["page"],
            created_on=doc.produced_at.date(),  # never the wall clock (#11)
        )
        self.doc, self.texts, self.head = doc, texts, head
        self.columns = texts.columns[doc.kind]
        self.keys = [c.key for c in self.columns]
        wording = Wording(texts)
        self.lines = sorted_lines(doc.kind, doc.lines)
        #: the texts of each column, row after row (a column at a time is what the
        #: measuring, the wrapping and the drawing work on: many texts repeat)
        every = list(zip(*(cell_texts(line, wording) for line in self.lines), strict=True))
        self.cells_text: list[Sequence[str]] = [
            every[COLUMN_KEYS.index(k)] if every else () for k in self.keys
        ]
        self._advances: dict[int, _Advances] = {}
        self._encoders: dict[int, _Encoder] = {}
        self._headers: dict[float, str] = {}
        #: what :meth:`_put` wrote, by font, size, colour and pieces (a few per list)
        self._texts: dict[tuple[object, ...], str] = {}
        #: the width of each column's texts (:meth:`layout`)
        self.measured: list[dict[str, float]] = []
        self._fitted: dict[tuple[str, str, float, str, float], str] = {}
        self._word_advances: dict[str, int] = {}
        self.widths = self._widths()
        self.lefts = [self.l_margin + sum(self.widths[:i]) for i in range(len(self.widths))]
        self.set_auto_page_break(False, self.b_margin)  # pages break by hand, between rows
        # the footers print the page count, known before the first page is drawn
        self.alias_nb_pages(None)  # type: ignore[arg-type]  # fpdf2: None turns it off
        self.page_count = 0
        self.titles = self._title_lines()

    def get_string_width(self, s: str, normalized: bool = False, markdown: bool = False) -> float:
        """fpdf2's width, computed from the font's advance widths for plain text (as
        the letters do, documents/formal/page.py): fpdf2 splits the text into styled
        fragments first, each with a copy of the graphics state."""
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
        return self._advances_of(font).of(s) * self.font_size_pt * 0.001 / self.k

    def _advances_of(self, font: TTFFont) -> _Advances:
        table = self._advances.get(font.i)
        if table is None:
            table = self._advances[font.i] = _Advances(font)
        return table

    def footer(self) -> None:
        """The page's footer: its rule, the running text, « page x / y » on the right
        and, below, the audit chain's head (#12). BasePDF's footer prints the page count
        through fpdf2's alias; a list knows its count beforehand (:meth:`paginate`)."""
        top = self.h - self.b_margin + 3
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_font(P.FONT, "", 7)
        baseline = top + 4
        label = self.page_label.format(page=self.page_no(), pages=self.page_count)
        label = P.fit_text(self, label, self.content_width * 0.2 - 2 * self.c_margin)
        # where BasePDF's right-aligned cell puts it
        right = self.w - self.r_margin - self.c_margin
        pieces = []  # in reading order: the running text, then the page number
        if self.footer_left:
            fitted = self._fit(self.footer_left, self.content_width * 0.75)
            pieces.append((self.l_margin, baseline, fitted))
        x = right - self.get_string_width(label)
        pieces.append((x, baseline - 0.85 + 0.3 * self.font_size, label))
        self._put(pieces, P.MUTED)
        if self.head.journal:
            self.set_font(P.FONT, "", 6.5)
            baseline = self.h - self.b_margin + 3 + 7.5
            self._put([(self.l_margin, baseline, self._fit(self.head.journal, self.epw))], P.MUTED)

    def _put(self, pieces: list[tuple[float, float, str]], colour: tuple[int, int, int]) -> None:
        """Texts ``(x, baseline, text)`` in the current font and ``colour``: one text
        object, what fpdf2's ``text()`` writes for each, without its work per call."""
        font = self.current_font
        assert isinstance(font, TTFFont)
        if not self.current_font_is_set_on_page:  # as text() does: the page's resources
            self._out(self._set_font_for_page(font, self.font_size_pt))
        # the running header and the journal line are the same on every page
        key = (font.i, self.font_size_pt, colour, *pieces)
        content = self._texts.get(key)
        if content is None:
            encode = self._encoder_of(font).of
            k, h = self.k, self.h
            body = " ".join(
                f"1 0 0 1 {x * k:.2f} {(h - y) * k:.2f} Tm ({encode(text)}) Tj"
                for x, y, text in pieces
            )
            content = f"q {_rgb(colour)} BT /F{font.i} {self.font_size_pt:.2f} Tf {body} ET Q"
            if len(self._texts) < 64:
                self._texts[key] = content
        self._out(content)

    def _natural(self, texts: Iterable[str]) -> float:
        """Width of the widest of ``texts`` (measured: the few longest), with the padding."""
        longest = heapq.nlargest(_MEASURED, set(texts), key=len)
        widest = max((self.get_string_width(t) for t in longest), default=0.0)
        return widest + 2 * _PAD + 0.2

    def _widths(self) -> list[float]:
        """The toml's widths, relative (the columns always fill the page's width), then
        fitted to what is printed. Every column is at least as wide as the longest word
        of its title and, for a text column, of its values (a word is never cut, short
        of a pathological one); a column printed on one line (numbers, amounts, dates)
        as its longest value. An identifier (police, customer code, PdL, meter) gets its
        whole value on one line when the text columns can spare the room, else wraps.
        The room comes from what the other columns have above their minimum."""
        total = sum(c.width_mm for c in self.columns)
        widths = [c.width_mm * self.content_width / total for c in self.columns]
        self.set_font(P.FONT, "B", _HEADER_SIZE)
        titles = [self._natural(c.title.split()) for c in self.columns]
        self.set_font(P.FONT, "B", _FONT_SIZE)  # the sums of the totals row, in bold
        sums = self._sums(self.lines)
        titles = [
            max(title, self._natural([sums[key]])) if key in sums else title
            for title, key in zip(titles, self.keys, strict=True)
        ]
        self.set_font(P.FONT, "", _FONT_SIZE)
        floors, wants = [], []
        for index, key in enumerate(self.keys):
            values = self.cells_text[index]
            if key in _ONE_LINE:
                floor = want = max(titles[index], self._natural(values))
            elif key in _IDENTIFIERS:
                floor, want = titles[index], max(titles[index], self._natural(values))
            else:
                words = {word for text in set(values) for word in text.split()}
                floor = want = max(titles[index], min(self._natural(words), _LONGEST_WORD))
            floors.append(floor)
            wants.append(want)
        if sum(floors) >= self.content_width:  # too many columns to fit: the toml's widths
            return widths
        for goal in (floors, wants):
            raise_by = [max(0.0, g - w) for g, w in zip(goal, widths, strict=True)]
            slack = [max(0.0, w - f) for w, f in zip(widths, floors, strict=True)]
            if goal is wants:  # only the text columns give room to the identifiers
                slack = [
                    room if k not in _ONE_LINE and k not in _IDENTIFIERS else 0.0
                    for room, k in zip(slack, self.keys, strict=True)
                ]
            needed, spare = sum(raise_by), sum(slack)
            if not needed or not spare:
                continue
            share = min(1.0, spare / needed)  # the floors always fit (checked above)
            for index, deficit in enumerate(raise_by):
                widths[index] += deficit * share
            taken = needed * share
            for index, room in enumerate(slack):
                widths[index] -= taken * room / spare
        return widths

    # ---- page furniture

    def first_page_bottom(self) -> float:
        """Where the first page's header block ends (:meth:`first_page_header`)."""
        return 44.0 + 11.0 + (5.5 if self.head.breakdown else 0.0) + 4

    def first_page_header(self) -> float:
        head = self.head
        x, right = self.l_margin, self.w - self.r_margin
        self.set_font(P.FONT, "B", 10)
        self.text(x, 14, head.organisation)
        self.set_font(P.FONT, "", 8)
        self.set_text_color(*P.MUTED)
        self.text(x, 18, head.unit)
        self.text(x, 21.5, head.address)
        self.set_text_color(*P.INK)
        self.set_font(P.FONT, "B", 9)
        self.text(x, 26, head.agency)
        self.set_font(P.FONT, "", 7.5)
        self.set_text_color(*P.MUTED)
        self.text(right - self.get_string_width(head.produced), 14, head.produced)
        self.set_text_color(*P.INK)

        self.set_font(P.FONT, "B", 15)
        self.text((self.w - self.get_string_width(head.title)) / 2, 35, head.title)
        self.set_font(P.FONT, "", 8.5)
        self.set_text_color(*P.MUTED)
        subtitle = P.fit_text(self, head.subtitle, self.content_width)
        self.text((self.w - self.get_string_width(subtitle)) / 2, 40, subtitle)
        self.set_text_color(*P.INK)

        # Cartouche: bordereau, run, validation, lines.
        top, height = 44.0, 11.0
        shares = (0.27, 0.18, 0.30, 0.25)
        self.set_fill_color(*P.ZEBRA_FILL)
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        self.rect(x, top, self.content_width, height, style="DF")
        left = x
        for (label, value), share in zip(head.fields, shares, strict=True):
            width = self.content_width * share
            if left > x:
                self.line(left, top, left, top + height)
            self.set_font(P.FONT, "", 7)
            self.set_text_color(*P.MUTED)
            self.text(left + 2, top + 4, label)
            self.set_text_color(*P.INK)
            self.set_font(P.FONT, "B", 8.5)
            self.text(left + 2, top + 8.6, P.fit_text(self, value, width - 4))
            left += width
        if head.breakdown:
            self.set_font(P.FONT, "", 8)
            self.text(x, top + height + 4.5, P.fit_text(self, head.breakdown, self.content_width))
        return self.first_page_bottom()

    _NEXT_PAGE_BOTTOM = 18.0

    def next_page_header(self) -> float:
        self.set_font(P.FONT, "B", 9)
        self._put(
            [(self.l_margin, 14, self._fit(self.head.running, self.content_width * 0.7))], P.INK
        )
        self.set_font(P.FONT, "", 7.5)
        agency = self.head.agency
        self._put([(self.w - self.r_margin - self.get_string_width(agency), 14, agency)], P.MUTED)
        return self._NEXT_PAGE_BOTTOM

    def _title_lines(self) -> tuple[list[list[str]], list[float], float]:
        """The column titles as the table header prints them: their lines, font sizes
        and the header's height (the same on every page)."""
        wrapped, sizes = [], []
        for column, width in zip(self.columns, self.widths, strict=True):
            size = _HEADER_SIZE  # smaller for a title whose longest word does not fit
            self.set_font(P.FONT, "B", size)
            longest = max(column.title.split() or [""], key=self.get_string_width)
            while size > 5.0 and self.get_string_width(longest) > width - 2 * _PAD:
                size -= 0.2
                self.set_font(P.FONT, "B", size)
            sizes.append(size)
            wrapped.append(P.wrap_text(self, column.title, width - 2 * _PAD, 3))
        height = max(len(lines) for lines in wrapped) * 3.0 + 2 * 1.2
        return wrapped, sizes, height

    def table_header(self, y: float) -> float:
        """The column titles at ``y``, white on blue; drawn once per position, then
        the same content written again on each page."""
        _, sizes, height = self.titles
        self.set_font(P.FONT, "B", sizes[0])  # the page's resources name the bold font
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        content = self._headers.get(y)
        if content is None:
            content = self._headers[y] = self._table_header_content(y)
        self._out(content)
        return y + height

    def _table_header_content(self, y: float) -> str:
        wrapped, sizes, height = self.titles
        k, page_h = self.k, self.h
        font = self.current_font
        assert isinstance(font, TTFFont)
        encode = self._encoder_of(font).of
        advances = self._advances_of(font).of
        top = (page_h - y) * k
        parts = [
            f"q {_rgb(P.HEADER_FILL)} {self.l_margin * k:.2f} {top:.2f} "
            f"{self.content_width * k:.2f} {-height * k:.2f} re f Q",
            f"q {_rgb(P.HEADER_INK)} BT",
        ]
        for lines, size, left, width in zip(wrapped, sizes, self.lefts, self.widths, strict=True):
            parts.append(f"/F{font.i} {size:.2f} Tf")
            first = y + (height - len(lines) * 3.0) / 2 + 2.3
            for n, text in enumerate(lines):
                x = left + (width - advances(text) * size * 0.001 / k) / 2
                baseline = (page_h - first - n * 3.0) * k
                parts.append(f"1 0 0 1 {x * k:.2f} {baseline:.2f} Tm ({encode(text)}) Tj")
        parts.append("ET Q")
        for left in self.lefts[1:]:
            parts.append(f"{left * k:.2f} {top:.2f} m {left * k:.2f} {top - height * k:.2f} l S")
        return " ".join(parts)

    def _encoder_of(self, font: TTFFont) -> _Encoder:
        encoder = self._encoders.get(font.i)
        if encoder is None:
            encoder = self._encoders[font.i] = _Encoder(font)
        return encoder

    def _fit(self, text: str, width: float) -> str:
        """:func:`P.fit_text` in the current font, remembered: the running texts of
        every page."""
        key = (self.font_family, self.font_style, self.font_size_pt, text, width)
        fitted = self._fitted.get(key)
        if fitted is None:
            fitted = self._fitted[key] = P.fit_text(self, text, width)
        return fitted

    def new_page(self, first: bool = False) -> float:
        self.add_page()
        y = self.first_page_header() if first else self.next_page_header()
        return self.table_header(y)

    # ---- rows

    def _column_lines(self, index: int) -> dict[str, list[str]]:
        """The lines each text of column ``index`` prints (regular data font): the whole
        text when it fits, else wrapped or cut to its column. Each distinct text is
        laid out once (dates, amounts, quartiers, decisions… repeat)."""
        key, inner = self.keys[index], self.widths[index] - 2 * _PAD
        measured = self.measured[index]
        # most cells: the whole text fits
        out = {text: [text] for text, text_w in measured.items() if text_w <= inner}
        if len(out) == len(measured):
            return out
        wrapped = _WRAPPED.get(key)
        for text, text_w in measured.items():
            if text_w <= inner:
                continue
            if wrapped is not None:
                out[text] = self._wrap(text, inner, wrapped)
            else:
                out[text] = [P.fit_text(self, text, inner)]
        return out

    def _data_width(self, text: str) -> float:
        """:meth:`get_string_width` in the data font (the same arithmetic)."""
        return self._data_advances.of(text) * self._data_size * 0.001 / self.k

    def _wrap(self, text: str, width: float, max_lines: int) -> list[str]:
        """:func:`P.wrap_text` in the data font, ``text`` known to be wider than
        ``width``: the same lines, each word measured once (a line's width is the sum
        of its words' and spaces' advances) instead of every candidate line. The rare
        texts with a word wider than the cell, or too long for ``max_lines``, go to
        :func:`P.wrap_text` itself."""
        words = text.split(" ")
        advances, known = self._data_advances, self._word_advances
        scale_size, k = self._data_size, self.k
        space = advances[" "]
        lines: list[str] = []
        current, current_w = "", 0
        for word in words:
            word_w = known.get(word)
            if word_w is None:
                word_w = known[word] = advances.of(word)
            candidate_w = current_w + space + word_w if current else word_w
            if candidate_w * scale_size * 0.001 / k <= width:
                current = f"{current} {word}" if current else word
                current_w = candidate_w
                continue
            if word_w * scale_size * 0.001 / k > width or len(lines) + 1 >= max_lines:
                return P.wrap_text(self, text, width, max_lines)
            if current:
                lines.append(current)
            current, current_w = word, word_w
        lines.append(current)
        return lines

    def _cell_pieces(self) -> list[dict[str, str]]:
        """For each column, the operators that print each of its texts (its lines,
        placed as the column aligns them), in coordinates relative to the top left of
        the row: written once per distinct text, whatever the rows it is on
        (:meth:`render` moves the origin to each row's top with ``cm``)."""
        self.set_font(P.FONT, "", _FONT_SIZE)
        font = self.current_font
        assert isinstance(font, TTFFont)
        k = self.k
        table, translate = self._encoder_of(font), str.translate  # _Encoder.of, inlined
        width_of = self._data_width
        # " <baseline> Tm (" of each line of a row, below its top
        count = max((len(lines) for c in self.column_lines for lines in c.values()), default=1)
        lines_y = [f"{-(_PAD + 2.5 + n * _LINE_H) * k:.2f} Tm (" for n in range(count)]
        out: list[dict[str, str]] = []
        for key, left, width, measured, lines_of in zip(
            self.keys, self.lefts, self.widths, self.measured, self.column_lines, strict=True
        ):
            # the text's alignment: 0 left, 1 right (amounts, counts), 2 centred (dates)
            align = 1 if key in NUMERIC else 2 if key == "suspendu_le" else 0
            start = f" 1 0 0 1 {(left + _PAD) * k:.2f} "
            pieces: dict[str, str] = {}
            for text, lines in lines_of.items():
                parts = []
                for n, line in enumerate(lines):
                    if not line:
                        continue
                    if align == 0:
                        parts.append(f"{start}{lines_y[n]}{translate(line, table)}) Tj")
                        continue
                    line_w = measured.get(line)
                    if line_w is None:  # a line of a wrapped or cut text
                        line_w = width_of(line)
                    x = left + width - _PAD - line_w if align == 1 else left + (width - line_w) / 2
                    parts.append(f" 1 0 0 1 {x * k:.2f} {lines_y[n]}{translate(line, table)}) Tj")
                pieces[text] = "".join(parts)
            out.append(pieces)
        return out

    def _rows(self, heights: list[float]) -> Iterator[tuple[float, str]]:
        """Each row's height and drawing, relative to its top: one piece of the page's
        content stream — the zebra band, the text of its cells in one text object (font
        and colour set once), the rule below. fpdf2's drawing state is left as it was
        (``q`` … ``Q``)."""
        pieces = self._cell_pieces()
        font = self.current_font
        assert isinstance(font, TTFFont)
        k = self.k
        x0, x1 = self.l_margin * k, (self.l_margin + self.content_width) * k
        band_w = self.content_width * k
        zebra = _rgb(P.ZEBRA_FILL)
        text = f"q {_rgb(P.INK)} BT /F{font.i} {self.font_size_pt:.2f} Tf"
        # by height: what ends a row (the rule below it), and its zebra band
        ends: dict[float, str] = {}
        bands: dict[float, str] = {}
        for height in set(heights):
            bottom = -height * k
            ends[height] = f" ET Q {x0:.2f} {bottom:.2f} m {x1:.2f} {bottom:.2f} l S Q"
            bands[height] = f"q {zebra} {x0:.2f} 0.00 {band_w:.2f} {bottom:.2f} re f Q {text}"
        columns = [
            list(map(of.__getitem__, texts))
            for of, texts in zip(pieces, self.cells_text, strict=True)
        ]
        rows = zip(heights, zip(*columns, strict=True), strict=True)
        for number, (height, cells) in enumerate(rows):
            start = bands[height] if number % 2 else text
            yield height, f"{start}{''.join(cells)}{ends[height]}"

    _SIGNATURE_H = 26.0

    def signatures_height(self) -> float:
        return 6 + self._SIGNATURE_H if self.texts.signatures[self.doc.kind] else 0.0

    def signatures(self, y: float) -> None:
        names = self.texts.signatures[self.doc.kind]
        if not names:
            return
        height = self._SIGNATURE_H
        y += 6
        width = 80.0
        self.set_draw_color(*P.RULE)
        for n, name in enumerate(names):
            left = self.w - self.r_margin - (len(names) - n) * (width + 6) + 6
            self.rect(left, y, width, height)
            self.set_font(P.FONT, "B", 8)
            self.text(left + 2, y + 4.5, name)
            self.set_font(P.FONT, "", 7)
            self.set_text_color(*P.MUTED)
            self.text(left + 2, y + height - 2.5, self.texts.signature_caption)
            self.set_text_color(*P.INK)

    def paginate(self, heights: list[float]) -> tuple[set[int], int]:
        """The rows that start a new page, and the number of pages: the page breaks
        :meth:`render` makes, found before anything is drawn. The last rows, the totals
        and the signature boxes stay together: never a last page with the signatures
        (or the totals) alone."""
        header = self.titles[2]
        bottom = self.content_bottom
        y = self.first_page_bottom() + header
        breaks: set[int] = set()
        tail = max(0, len(heights) - _KEPT_WITH_TOTALS)
        ending = self.totals_height() + self.signatures_height()
        for number, height in enumerate(heights):
            needed = height if number != tail else ending + sum(heights[tail:])
            if y + needed > bottom:
                breaks.add(number)
                y = self._NEXT_PAGE_BOTTOM + header
            y += height
        pages = 1 + len(breaks)
        if not heights and y + 7 + ending > bottom:
            pages += 1
        return breaks, pages

    def layout(self) -> tuple[list[tuple[list[str], ...]], list[float], set[int]]:
        """Each row's cells (their lines), its height, and the rows that start a page;
        :attr:`page_count` set."""
        heights, breaks = self._layout()
        columns = [
            list(map(of.__getitem__, texts))
            for of, texts in zip(self.column_lines, self.cells_text, strict=True)
        ]
        return list(zip(*columns, strict=True)), heights, breaks

    def _layout(self) -> tuple[list[float], set[int]]:
        """:meth:`layout` without the cells (:meth:`render` draws each distinct text's
        lines, :attr:`column_lines`)."""
        self.set_font(P.FONT, "", _FONT_SIZE)
        font = self.current_font
        assert isinstance(font, TTFFont)
        self._data_advances = self._advances_of(font)
        self._data_size = self.font_size_pt
        # each column's texts measured and laid out once (many repeat: dates, amounts…),
        # with :meth:`_data_width`'s arithmetic
        advances, size, k = self._data_advances.of, self._data_size, self.k
        self.measured = [
            {text: advances(text) * size * 0.001 / k for text in dict.fromkeys(c)}
            for c in self.cells_text
        ]
        self.column_lines = [self._column_lines(index) for index in range(len(self.keys))]
        # each row's count of lines: that of its tallest cell (only the columns where a
        # text takes more than one line can make a row taller than one line)
        tall: list[tuple[dict[str, int], Sequence[str]]] = []
        for of, texts in zip(self.column_lines, self.cells_text, strict=True):
            counts = {text: len(lines) for text, lines in of.items() if len(lines) != 1}
            if counts:
                tall.append(({text: 1 for text in of} | counts, texts))
        if tall:
            by_column = (map(counts.__getitem__, texts) for counts, texts in tall)
            rows = zip(*by_column, strict=True)
            heights = [max(row) * _LINE_H + 2 * _PAD for row in rows]
        else:
            heights = [1 * _LINE_H + 2 * _PAD] * len(self.lines)
        breaks, self.page_count = self.paginate(heights)
        return heights, breaks

    def render(self) -> bytes:
        """Lays the rows out on pages (:meth:`layout`), then draws them: each row moved
        to its place (``cm``), a page's rows written at once."""
        texts, keys, lines = self.texts, self.keys, self.lines
        heights, breaks = self._layout()
        ending = self.totals_height() + self.signatures_height()
        bottom = self.content_bottom
        y = self.new_page(first=True)
        k, page_h = self.k, self.h
        out = self._out
        page: list[str] = []
        for number, (height, row) in enumerate(self._rows(heights)):
            if number in breaks:
                out("\n".join(page))
                page.clear()
                y = self.new_page()
                self.set_font(P.FONT, "", _FONT_SIZE)
            page.append(f"q 1 0 0 1 0 {(page_h - y) * k:.2f} cm {row}")
            y += height
        if page:
            out("\n".join(page))
        if not lines:
            self.set_font(P.FONT, "", 8)
            self.set_text_color(*P.MUTED)
            self.text(self.l_margin + _PAD, y + 5, texts.totals["empty"])
            self.set_text_color(*P.INK)
            y += 7
            if y + ending > bottom:
                y = self.new_page()
        y = self.totals(y, lines, keys)
        self.signatures(y)
        if self.page != self.page_count:  # paginate() and the drawing disagree: a bug
            raise RuntimeError(f"{self.page} pages drawn, {self.page_count} announced")
        return self.output_bytes()

    @staticmethod
    def _sums(lines: Sequence[ListLine]) -> dict[str, str]:
        return {
            "impayes": format_count(sum(line.unpaid_count for line in lines)),
            "montant": format_amount(sum(line.amount_due for line in lines)),
        }

    @staticmethod
    def totals_height() -> float:
        return _LINE_H + 2 * _PAD + 0.6

    def totals(self, y: float, lines: list[ListLine], keys: list[str]) -> float:
        self.set_font(P.FONT, "B", _FONT_SIZE)
        height = self.totals_height()
        self.set_fill_color(*P.TOTAL_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        sums = self._sums(lines)
        label = self.texts.total_label(len(lines))
        baseline = y + _PAD + 2.8
        # the label may run over the first columns, up to the first sum
        first_sum = min((i for i, k in enumerate(keys) if k in sums), default=len(keys))
        label_width = sum(self.widths[:first_sum]) - 2 * _PAD
        if label_width > 0:
            self.text(self.l_margin + _PAD, baseline, P.fit_text(self, label, label_width))
        for key, left, width in zip(keys, self.lefts, self.widths, strict=True):
            if key in sums:
                size = _FONT_SIZE  # a large sum gets a smaller font before being cut
                while size > 5.5 and self.get_string_width(sums[key]) > width - 2 * _PAD:
                    size -= 0.25
                    self.set_font(P.FONT, "B", size)
                text = P.fit_text(self, sums[key], width - 2 * _PAD)
                self.text(left + width - _PAD - self.get_string_width(text), baseline, text)
                self.set_font(P.FONT, "B", _FONT_SIZE)
        self.set_draw_color(*P.INK)
        self.set_line_width(0.3)
        self.line(self.l_margin, y, self.l_margin + self.content_width, y)
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)
        return y + height


def pdf_bytes(doc: ListDocument, texts: ListTexts) -> bytes:
    """The PDF of ``doc``: A4 landscape, repeated table header, totals, page numbers."""
    pdf = _ListPDF(doc, texts, header(doc, texts))
    try:
        return pdf.render()
    finally:
        pdf.close_fonts()
