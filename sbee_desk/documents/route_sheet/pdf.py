"""The PDF of a route sheet (fpdf2): A4 landscape, the header and its cartouche
(agent, date, the R9 window), the recalls first, then one row per visit in route
order with the order number bar-coded, totals and the two signatures kept together."""

from __future__ import annotations

from sbee_desk.documents import pdf as P
from sbee_desk.documents.barcode import draw_code128, total_modules
from sbee_desk.documents.formats import format_amount, format_date, plural
from sbee_desk.documents.route_sheet.model import COLUMNS, WORDS, RouteSheet, cell_texts
from sbee_desk.documents.sheet_pdf import PAD as _PAD
from sbee_desk.documents.sheet_pdf import SheetPDF

_SIZE = 7.5
_ROW_H = 13.0
_LINE = 3.3
_WRAPPED = {"client": 3, "adresse": 3, "quartier": 2, "police": 2, "compteur": 2, "nature": 2}
_RECALL_FILL = (253, 236, 234)
_RECALL_INK = (160, 30, 30)
_SIGN_H = 24.0


class _SheetPDF(SheetPDF):
    def __init__(self, sheet: RouteSheet) -> None:
        super().__init__(
            COLUMNS,
            title=sheet.running(),
            author=f"{sheet.organisation} — {sheet.agency}",
            footer_left=sheet.running()
            + (f" — {WORDS['copy']}" if sheet.copy else "")
            + " · "
            + WORDS["produced"].format(by=sheet.produced_by),
            page_label=WORDS["page"],
            created_on=sheet.visit_on,
        )
        self.sheet = sheet

    # ---- page furniture

    def first_header(self) -> float:
        s = self.sheet
        self.letterhead(s.organisation, s.unit, s.agency)
        if s.copy:
            self.copy_mark(WORDS["copy"])
        self.centred(WORDS["title"], 31, 15, "B")
        top = 35.0
        bottom = self.cartouche(
            top,
            (
                (WORDS["agent"], f"{s.agent_name} ({s.matricule})", 0.38),
                (WORDS["date"], format_date(s.visit_on), 0.17),
                (WORDS["window"], WORDS["window_value"], 0.25),
                (WORDS["visits"], plural(len(s.visits), "visite", "visites"), 0.20),
            ),
        )
        self.set_font(P.FONT, "", 7.5)
        self.set_text_color(*P.MUTED)
        self.text(
            self.l_margin,
            bottom + 4.5,
            P.fit_text(self, WORDS["window_note"], self.content_width),
        )
        self.set_text_color(*P.INK)
        return bottom + 8

    def next_header(self) -> float:
        running = self.sheet.running() + (f" — {WORDS['copy']}" if self.sheet.copy else "")
        return self.running_header(running)

    def new_page(self, first: bool = False) -> float:
        self.add_page()
        return self.first_header() if first else self.next_header()

    # ---- recalls

    def recalls_height(self) -> float:
        n = len(self.sheet.recalls)
        return 0.0 if not n else 11.0 + n * 4.2 + 3

    def draw_recalls(self, y: float) -> float:
        recalls = self.sheet.recalls
        if not recalls:
            return y
        height = self.recalls_height() - 3
        self.set_fill_color(*_RECALL_FILL)
        self.set_draw_color(*_RECALL_INK)
        self.set_line_width(0.5)
        self.rect(self.l_margin, y, self.content_width, height, style="DF")
        self.set_line_width(0.2)
        self.set_text_color(*_RECALL_INK)
        self.set_font(P.FONT, "B", 10)
        self.text(self.l_margin + 2, y + 5, WORDS["recalls"])
        note_x = self.l_margin + 6 + self.get_string_width(WORDS["recalls"])
        self.set_font(P.FONT, "", 7.5)
        self.text(note_x, y + 5, P.fit_text(self, WORDS["recalls_note"], self.w - 12 - note_x))
        self.set_text_color(*P.INK)
        line_y = y + 10
        for r in recalls:
            self.set_font(P.FONT, "B", 8)
            head = f"Ordre n° {r.number} — police {r.police} — {r.customer_name}"
            self.text(self.l_margin + 3, line_y, P.fit_text(self, head, 120))
            self.set_font(P.FONT, "", 7.5)
            where = ", ".join(x for x in (r.address, r.quartier) if x) or "—"
            rest = f"{where} — {WORDS['recall_reason']} : {r.reason or '—'}"
            self.text(self.l_margin + 125, line_y, P.fit_text(self, rest, self.content_width - 127))
            line_y += 4.2
        self.set_draw_color(*P.RULE)
        return y + height + 3

    # ---- visits

    def draw_visit(self, y: float, rank: int, texts: dict[str, str], fill: bool) -> float:
        if fill:
            self.set_fill_color(*P.ZEBRA_FILL)
            self.rect(self.l_margin, y, self.content_width, _ROW_H, style="F")
        self.set_font(P.FONT, "", _SIZE)
        for (key, _, _), left, width in zip(COLUMNS, self.lefts, self.widths, strict=True):
            text = texts[key]
            inner = width - 2 * _PAD
            if key == "ordre":
                modules = total_modules(text)
                module = min(0.3, inner / modules)
                draw_code128(self, text, left + _PAD, y + 1.2, module=module, height=6.5)
                self.set_fill_color(*P.ZEBRA_FILL)
                self.set_font(P.FONT, "B", _SIZE)
                self.text(left + (width - self.get_string_width(text)) / 2, y + 11, text)
                self.set_font(P.FONT, "", _SIZE)
                continue
            lines = P.wrap_text(self, text, inner, _WRAPPED.get(key, 1))
            if key not in _WRAPPED:
                lines = [P.fit_text(self, text, inner)]
            base = y + _PAD + 2.6
            for line in lines:
                x = left + _PAD
                if key == "montant":
                    x = left + width - _PAD - self.get_string_width(line)
                elif key == "rang":
                    x = left + (width - self.get_string_width(line)) / 2
                self.text(x, base, line)
                base += _LINE
        self.row_rules(y, _ROW_H)
        return y + _ROW_H

    def ending_height(self) -> float:
        return 7.0 + 6 + _SIGN_H

    def draw_ending(self, y: float) -> None:
        s = self.sheet
        self.set_fill_color(*P.TOTAL_FILL)
        self.rect(self.l_margin, y, self.content_width, 7, style="F")
        self.set_font(P.FONT, "B", 8)
        total = WORDS["total"].format(
            visits=plural(len(s.visits), "visite", "visites"), amount=format_amount(s.amount)
        )
        self.text(self.l_margin + _PAD, y + 4.7, total)
        y += 7 + 6
        width = 100.0
        self.set_draw_color(*P.RULE)
        for n, label in enumerate((WORDS["sign_agent"], WORDS["sign_chef"])):
            left = self.l_margin if n == 0 else self.w - self.r_margin - width
            self.rect(left, y, width, _SIGN_H)
            self.set_font(P.FONT, "B", 8)
            self.text(left + 2, y + 4.5, label)

    def render(self) -> bytes:
        y = self.new_page(first=True)
        if self.sheet.recalls:
            y = self.draw_recalls(y)
        y = self.table_header(y)
        bottom = self.content_bottom
        visits = self.sheet.visits
        if not visits:
            y = self.empty_table(y, WORDS["no_visit"])
        for rank, visit in enumerate(visits, 1):
            needed = _ROW_H + (self.ending_height() if rank == len(visits) else 0)
            if y + needed > bottom:
                y = self.table_header(self.new_page())
            y = self.draw_visit(y, rank, cell_texts(rank, visit), rank % 2 == 0)
        if y + self.ending_height() > bottom:
            y = self.new_page()
        self.draw_ending(y + 1)
        return self.output_bytes()


def pdf_bytes(sheet: RouteSheet) -> bytes:
    """The route sheet's PDF: same values and date, same bytes."""
    pdf = _SheetPDF(sheet)
    try:
        return pdf.render()
    finally:
        pdf.close_fonts()
