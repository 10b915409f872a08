"""The PDF of a stock sheet (fpdf2): A4 landscape, header and cartouche (number, date,
store keeper), one row per order received, totals, three signature boxes kept together."""

from __future__ import annotations

from sbee_desk.documents import pdf as P
from sbee_desk.documents.formats import format_date, plural
from sbee_desk.documents.sheet_pdf import PAD as _PAD
from sbee_desk.documents.sheet_pdf import SheetPDF
from sbee_desk.documents.stock_sheet.model import COLUMNS, WORDS, StockSheetDoc, cell_texts

_SIZE = 8.0
_LINE = 3.5
_WRAPPED = {"client": 2, "compteur": 2, "disjoncteur": 2, "ecart": 3, "police": 2}
_SIGN_H = 26.0
_MISMATCH_INK = (160, 30, 30)


class _SheetPDF(SheetPDF):
    def __init__(self, sheet: StockSheetDoc) -> None:
        super().__init__(
            COLUMNS,
            title=sheet.running(),
            author=f"{sheet.organisation} — {sheet.agency}",
            footer_left=sheet.running() + " · " + WORDS["produced"].format(by=sheet.produced_by),
            page_label=WORDS["page"],
            created_on=sheet.issued_on,
        )
        self.sheet = sheet

    def first_header(self) -> float:
        s = self.sheet
        self.letterhead(s.organisation, s.unit, s.agency)
        self.centred(WORDS["title"], 31, 15, "B")
        self.centred(WORDS["subtitle"], 35.5, 8, muted=True)
        number = s.number + (f" ({WORDS['typed']})" if s.typed else "")
        bottom = self.cartouche(
            39.0,
            (
                (WORDS["number"], number, 0.40),
                (WORDS["date"], format_date(s.issued_on), 0.20),
                (WORDS["keeper"], s.keeper or "—", 0.40),
            ),
            value_size=10,
            value_y=9,
        )
        return bottom + 5

    def next_header(self) -> float:
        return self.running_header(self.sheet.running())

    def table_header(self, y: float, size: float = 7.5) -> float:
        return super().table_header(y, size)

    def row_lines(self, texts: dict[str, str]) -> dict[str, list[str]]:
        self.set_font(P.FONT, "", _SIZE)
        out = {}
        for (key, _, _), width in zip(COLUMNS, self.widths, strict=True):
            inner = width - 2 * _PAD
            if key in _WRAPPED:
                out[key] = P.wrap_text(self, texts[key], inner, _WRAPPED[key]) or [""]
            else:
                out[key] = [P.fit_text(self, texts[key], inner)]
        return out

    def draw_row(self, y: float, lines: dict[str, list[str]], flagged: bool, fill: bool) -> float:
        height = max(len(v) for v in lines.values()) * _LINE + 2 * _PAD + 0.6
        if fill:
            self.set_fill_color(*P.ZEBRA_FILL)
            self.rect(self.l_margin, y, self.content_width, height, style="F")
        for (key, _, _), left in zip(COLUMNS, self.lefts, strict=True):
            bold = key == "ordre"
            self.set_font(P.FONT, "B" if bold else "", _SIZE)
            if flagged and (key == "ecart" or "≠" in "".join(lines[key])):
                self.set_text_color(*_MISMATCH_INK)
            base = y + _PAD + 2.8
            for line in lines[key]:
                self.text(left + _PAD, base, line)
                base += _LINE
            self.set_text_color(*P.INK)
        self.row_rules(y, height)
        return y + height

    def ending_height(self) -> float:
        return 7.0 + 6 + _SIGN_H

    def draw_ending(self, y: float) -> None:
        s = self.sheet
        self.set_fill_color(*P.TOTAL_FILL)
        self.rect(self.l_margin, y, self.content_width, 7, style="F")
        self.set_font(P.FONT, "B", 8.5)
        meters = sum(1 for x in s.lines if x.meter_serial)
        breakers = sum(1 for x in s.lines if x.breaker_serial)
        total = WORDS["total"].format(
            orders=plural(len(s.lines), "ordre", "ordres"),
            meters=plural(meters, "compteur", "compteurs"),
            breakers=plural(breakers, "disjoncteur", "disjoncteurs"),
        )
        if s.mismatches:
            total += " — " + WORDS["mismatches"].format(
                count=plural(s.mismatches, "écart de numéro", "écarts de numéro")
            )
        self.text(self.l_margin + _PAD, y + 4.8, P.fit_text(self, total, self.content_width))
        y += 7 + 6
        gap = 6.0
        width = (self.content_width - 2 * gap) / 3
        self.set_draw_color(*P.RULE)
        for n, label in enumerate((WORDS["sign_keeper"], WORDS["sign_agent"], WORDS["sign_chef"])):
            left = self.l_margin + n * (width + gap)
            self.rect(left, y, width, _SIGN_H)
            self.set_font(P.FONT, "B", 8)
            self.text(left + 2, y + 4.5, P.fit_text(self, label, width - 4))

    def render(self) -> bytes:
        self.add_page()
        y = self.table_header(self.first_header())
        bottom = self.content_bottom
        lines = self.sheet.lines
        if not lines:
            y = self.empty_table(y, WORDS["no_line"])
        for rank, line in enumerate(lines, 1):
            texts = self.row_lines(cell_texts(rank, line))
            height = max(len(v) for v in texts.values()) * _LINE + 2 * _PAD + 0.6
            needed = height + (self.ending_height() if rank == len(lines) else 0)
            if y + needed > bottom:
                self.add_page()
                y = self.table_header(self.next_header())
            flagged = line.meter_differs or line.breaker_differs
            y = self.draw_row(y, texts, flagged, rank % 2 == 0)
        if y + self.ending_height() > bottom:
            self.add_page()
            y = self.next_header()
        self.draw_ending(y + 2)
        return self.output_bytes()


def pdf_bytes(sheet: StockSheetDoc) -> bytes:
    """The stock sheet's PDF: same values and date, same bytes."""
    pdf = _SheetPDF(sheet)
    try:
        return pdf.render()
    finally:
        pdf.close_fonts()
