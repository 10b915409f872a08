"""What the sheets share (feuille de route, fiche de mouvement de stock, the hand-off
lists, the contract's dossier): A4 landscape (or portrait), the agency's letterhead, a
centred title, a cartouche of labelled values, a table whose columns share the width
by weight, and the running header of the next pages. Each sheet draws its own rows,
totals and signatures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sbee_desk.documents import pdf as P

#: (key, title, weight) of a sheet's columns
Columns = Sequence[tuple[str, str, float]]
#: inner padding of a cell, in mm
PAD = 1.2
#: the ink of « COPIE » on a reprint
COPY_INK = (160, 30, 30)


class SheetPDF(P.BasePDF):
    def __init__(
        self,
        columns: Columns,
        *,
        title: str,
        author: str,
        footer_left: str,
        page_label: str,
        created_on: dt.date,
        landscape: bool = True,
    ) -> None:
        super().__init__(
            landscape=landscape,
            title=title,
            author=author,
            footer_left=footer_left,
            page_label=page_label,
            created_on=created_on,
        )
        self.columns = tuple(columns)
        total = sum(w for _, _, w in self.columns)
        self.widths = [w * self.content_width / total for _, _, w in self.columns]
        self.lefts = [self.l_margin + sum(self.widths[:i]) for i in range(len(self.columns))]
        self.set_auto_page_break(False, self.b_margin)

    def letterhead(self, organisation: str, unit: str, agency: str) -> None:
        """The organisation, its unit (muted) and the agency, top left."""
        x = self.l_margin
        self.set_font(P.FONT, "B", 10)
        self.text(x, 14, organisation)
        self.set_font(P.FONT, "", 8)
        self.set_text_color(*P.MUTED)
        self.text(x, 18, unit)
        self.set_text_color(*P.INK)
        self.set_font(P.FONT, "B", 9)
        self.text(x, 22.5, agency)

    def copy_mark(self, word: str) -> None:
        """« COPIE », large and red, top right: the sheet is a reprint."""
        self.set_font(P.FONT, "B", 16)
        self.set_text_color(*COPY_INK)
        self.text(self.w - self.r_margin - self.get_string_width(word), 18, word)
        self.set_text_color(*P.INK)

    def centred(
        self, text: str, y: float, size: float, style: str = "", muted: bool = False
    ) -> None:
        """``text`` centred on the page, cut with an ellipsis if wider than the content."""
        self.set_font(P.FONT, style, size)
        if muted:
            self.set_text_color(*P.MUTED)
        text = P.fit_text(self, text, self.content_width)
        self.text((self.w - self.get_string_width(text)) / 2, y, text)
        self.set_text_color(*P.INK)

    def cartouche(
        self,
        top: float,
        fields: Sequence[tuple[str, str, float]],
        *,
        height: float = 11.0,
        value_size: float = 9.0,
        value_y: float = 8.8,
    ) -> float:
        """A shaded band of (label, value, share of the width) cells; returns its bottom."""
        x = self.l_margin
        self.set_fill_color(*P.ZEBRA_FILL)
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        self.rect(x, top, self.content_width, height, style="DF")
        left = x
        for label, value, share in fields:
            width = self.content_width * share
            if left > x:
                self.line(left, top, left, top + height)
            self.set_font(P.FONT, "", 7)
            self.set_text_color(*P.MUTED)
            self.text(left + 2, top + 4, label)
            self.set_text_color(*P.INK)
            self.set_font(P.FONT, "B", value_size)
            self.text(left + 2, top + value_y, P.fit_text(self, value, width - 4))
            left += width
        return top + height

    def running_header(self, running: str) -> float:
        """The next pages' header: the sheet's running title; returns where the table
        starts."""
        self.set_font(P.FONT, "B", 9)
        self.text(self.l_margin, 14, P.fit_text(self, running, self.content_width))
        return 18.0

    def table_header(self, y: float, size: float = 7.0) -> float:
        """The columns' titles, centred on the header's colour; returns its bottom."""
        height = 6.5
        self.set_fill_color(*P.HEADER_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_text_color(*P.HEADER_INK)
        self.set_font(P.FONT, "B", size)
        for (_, title, _), left, width in zip(self.columns, self.lefts, self.widths, strict=True):
            text = P.fit_text(self, title, width - 2 * PAD)
            self.text(left + (width - self.get_string_width(text)) / 2, y + 4.3, text)
        self.set_text_color(*P.INK)
        return y + height

    def row_rules(self, y: float, height: float) -> None:
        """The rule under a row and between its cells."""
        self.set_draw_color(*P.RULE)
        self.line(self.l_margin, y + height, self.l_margin + self.content_width, y + height)
        for left in self.lefts[1:]:
            self.line(left, y, left, y + height)

    def empty_table(self, y: float, words: str) -> float:
        """The line saying the table has no row; returns where the ending goes."""
        self.set_font(P.FONT, "", 8)
        self.set_text_color(*P.MUTED)
        self.text(self.l_margin + PAD, y + 5, words)
        self.set_text_color(*P.INK)
        return y + 8
