"""The PDF copy of a list (fpdf2): A4 landscape, columns fitted to what is printed,
pages broken by hand between rows, the table header repeated, totals and signature
boxes kept together."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from operator import itemgetter

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
        pick = itemgetter(*(COLUMN_KEYS.index(k) for k in self.keys))
        wording = Wording(texts)
        self.lines = sorted_lines(doc.kind, doc.lines)
        self.rows: list[list[str]] = []
        for line in self.lines:
            values = pick(cell_texts(line, wording))
            self.rows.append(list(values) if len(self.keys) > 1 else [values])
        self.widths = self._widths()
        self.lefts = [self.l_margin + sum(self.widths[:i]) for i in range(len(self.widths))]
        self.set_auto_page_break(False, self.b_margin)  # pages break by hand, between rows

    def footer(self) -> None:
        """The page's footer, and below it the audit chain's head (#12)."""
        super().footer()
        if self.head.journal:
            self.set_font(P.FONT, "", 6.5)
            self.set_text_color(*P.MUTED)
            baseline = self.h - self.b_margin + 3 + 7.5
            self.text(self.l_margin, baseline, P.fit_text(self, self.head.journal, self.epw))
            self.set_text_color(*P.INK)

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
            values = (row[index] for row in self.rows)
            if key in _ONE_LINE:
                floor = want = max(titles[index], self._natural(values))
            elif key in _IDENTIFIERS:
                floor, want = titles[index], max(titles[index], self._natural(values))
            else:
                words = (word for text in values for word in text.split())
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
        bottom = top + height
        if head.breakdown:
            self.set_font(P.FONT, "", 8)
            self.text(x, bottom + 4.5, P.fit_text(self, head.breakdown, self.content_width))
            bottom += 5.5
        return bottom + 4

    def next_page_header(self) -> float:
        self.set_font(P.FONT, "B", 9)
        self.text(self.l_margin, 14, P.fit_text(self, self.head.running, self.content_width * 0.7))
        self.set_font(P.FONT, "", 7.5)
        self.set_text_color(*P.MUTED)
        agency = self.head.agency
        self.text(self.w - self.r_margin - self.get_string_width(agency), 14, agency)
        self.set_text_color(*P.INK)
        return 18.0

    def table_header(self, y: float) -> float:
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
        self.set_fill_color(*P.HEADER_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_text_color(*P.HEADER_INK)
        for lines, size, left, width in zip(wrapped, sizes, self.lefts, self.widths, strict=True):
            self.set_font(P.FONT, "B", size)
            first = y + (height - len(lines) * 3.0) / 2 + 2.3
            for n, text in enumerate(lines):
                self.text(left + (width - self.get_string_width(text)) / 2, first + n * 3.0, text)
        self.set_text_color(*P.INK)
        self.set_draw_color(*P.RULE)
        for left in self.lefts[1:]:
            self.line(left, y, left, y + height)
        return y + height

    def new_page(self, first: bool = False) -> float:
        self.add_page()
        y = self.first_page_header() if first else self.next_page_header()
        return self.table_header(y)

    # ---- rows

    def cell_lines(self, texts: list[str], keys: list[str]) -> list[list[str]]:
        out = []
        for text, key, width in zip(texts, keys, self.widths, strict=True):
            inner = width - 2 * _PAD
            if key in _WRAPPED:
                out.append(P.wrap_text(self, text, inner, _WRAPPED[key]))
            else:
                out.append([P.fit_text(self, text, inner)])
        return out

    def draw_row(
        self, y: float, cells: list[list[str]], keys: list[str], fill: tuple[int, int, int] | None
    ) -> float:
        height = max(len(lines) for lines in cells) * _LINE_H + 2 * _PAD
        if fill is not None:
            self.set_fill_color(*fill)
            self.rect(self.l_margin, y, self.content_width, height, style="F")
        width_of = self.get_string_width
        for lines, key, left, width in zip(cells, keys, self.lefts, self.widths, strict=True):
            baseline = y + _PAD + 2.5
            for text in lines:
                if key in NUMERIC:
                    x = left + width - _PAD - width_of(text)
                elif key == "suspendu_le":
                    x = left + (width - width_of(text)) / 2
                else:
                    x = left + _PAD
                self.text(x, baseline, text)
                baseline += _LINE_H
        self.line(self.l_margin, y + height, self.l_margin + self.content_width, y + height)
        return y + height

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

    def render(self) -> bytes:
        texts, keys, lines = self.texts, self.keys, self.lines
        y = self.new_page(first=True)
        self.set_font(P.FONT, "", _FONT_SIZE)
        bottom = self.content_bottom
        # The last rows, the totals and the signature boxes stay together: never a
        # last page with the signatures (or the totals) alone.
        tail = max(0, len(lines) - _KEPT_WITH_TOTALS)
        ending = self.totals_height() + self.signatures_height()
        for number, row in enumerate(self.rows):
            cells = self.cell_lines(row, keys)
            needed = self.row_height(cells)
            if number == tail:
                needed = ending + sum(
                    self.row_height(self.cell_lines(other, keys)) for other in self.rows[tail:]
                )
            if y + needed > bottom:
                y = self.new_page()
                self.set_font(P.FONT, "", _FONT_SIZE)
            y = self.draw_row(y, cells, keys, P.ZEBRA_FILL if number % 2 else None)
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
        return self.output_bytes()

    @staticmethod
    def _sums(lines: Sequence[ListLine]) -> dict[str, str]:
        return {
            "impayes": format_count(sum(line.unpaid_count for line in lines)),
            "montant": format_amount(sum(line.amount_due for line in lines)),
        }

    @staticmethod
    def row_height(cells: list[list[str]]) -> float:
        return max(len(c) for c in cells) * _LINE_H + 2 * _PAD

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
