"""The PDF of a hand-off list (fpdf2), drawn like the other lists: A4 landscape, the
agency's header and its cartouche, the table header repeated on each page, totals
(the contentieux's total due in figures and in words), the two signatures kept
together with the last rows, the audit chain's head under the footer, « COPIE » on a
reprint."""

from __future__ import annotations

from sbee_desk.documents import pdf as P
from sbee_desk.documents.amount_words import amount_in_words
from sbee_desk.documents.formats import format_amount, format_date, plural
from sbee_desk.documents.handoff.model import (
    LITIGATION_COLUMNS,
    NUMERIC,
    SETTLEMENT_COLUMNS,
    WORDS,
    HandoffDocument,
    HandoffKind,
    litigation_rows,
    settlement_texts,
)
from sbee_desk.documents.sheet_pdf import PAD as _PAD
from sbee_desk.documents.sheet_pdf import SheetPDF

_SIZE = 7.5
_LINE = 3.3
_WRAPPED = {"client": 3, "adresse": 3, "cause": 3, "compteur": 2, "fiche": 2, "police": 2}
_SIGN_H = 24.0
#: where the table starts on a page after the first
_NEXT_TOP = 18.0


class _HandoffPDF(SheetPDF):
    def __init__(self, doc: HandoffDocument, kind: HandoffKind) -> None:
        super().__init__(
            SETTLEMENT_COLUMNS if kind is HandoffKind.APUREMENT else LITIGATION_COLUMNS,
            title=doc.running(kind),
            author=f"{doc.organisation} — {doc.agency}",
            footer_left=WORDS["produced"].format(
                number=doc.number, date=format_date(doc.handed_on), by=doc.produced_by
            )
            + (f" — {WORDS['copy']}" if doc.copy else ""),
            page_label=WORDS["page"],
            created_on=doc.handed_on,  # never the wall clock: a reprint is the same
        )
        self.doc, self.kind = doc, kind

    def footer(self) -> None:
        super().footer()
        if self.doc.journal:
            self.set_font(P.FONT, "", 6.5)
            self.set_text_color(*P.MUTED)
            baseline = self.h - self.b_margin + 3 + 7.5
            self.text(self.l_margin, baseline, P.fit_text(self, self.doc.journal, self.epw))
            self.set_text_color(*P.INK)

    # ---- page furniture

    def _figures(self) -> tuple[tuple[str, str, float], ...]:
        d = self.doc
        if self.kind is HandoffKind.APUREMENT:
            count = len(d.settlement)
            amount = (WORDS["amount"], format_amount(sum(s.balance for s in d.settlement)))
        else:
            count = len(d.litigation)
            amount = (WORDS["due"], format_amount(d.total_due))
        return (
            (
                WORDS["number"],
                WORDS["number_value"].format(number=d.number, date=format_date(d.handed_on)),
                0.30,
            ),
            (WORDS["produced_by"], d.produced_by, 0.25),
            (WORDS["contracts"], plural(count, "contrat", "contrats"), 0.20),
            (*amount, 0.25),
        )

    def first_header(self) -> float:
        d, x = self.doc, self.l_margin
        self.letterhead(d.organisation, d.unit, d.agency)
        if d.copy:
            self.copy_mark(WORDS["copy"])
        self.centred(WORDS["title_" + self.kind.value], 31, 14, "B")
        self.centred(WORDS["subtitle_" + self.kind.value], 36, 8.5, muted=True)
        bottom = self.cartouche(40.0, self._figures()) + 4
        if self.kind is HandoffKind.APUREMENT:
            self.set_font(P.FONT, "", 7.5)
            self.set_text_color(*P.MUTED)
            self.text(x, bottom + 0.5, P.fit_text(self, WORDS["no_deposit"], self.content_width))
            self.set_text_color(*P.INK)
            bottom += 4
        return bottom

    def next_header(self) -> float:
        return self.running_header(self.doc.running(self.kind))

    def new_page(self, first: bool = False) -> float:
        self.add_page()
        return self.table_header(self.first_header() if first else self.next_header())

    # ---- rows

    def cells(self, texts: dict[str, str]) -> list[list[str]]:
        self.set_font(P.FONT, "", _SIZE)
        out = []
        for (key, _, _), width in zip(self.columns, self.widths, strict=True):
            inner = width - 2 * _PAD
            if key in _WRAPPED:
                out.append(P.wrap_text(self, texts[key], inner, _WRAPPED[key]))
            else:
                out.append([P.fit_text(self, texts[key], inner)])
        return out

    @staticmethod
    def height_of(cells: list[list[str]]) -> float:
        return max(len(c) for c in cells) * _LINE + 2 * _PAD

    def draw_row(
        self, y: float, cells: list[list[str]], fill: tuple[int, int, int] | None, bold: bool
    ) -> float:
        height = self.height_of(cells)
        if fill is not None:
            self.set_fill_color(*fill)
            self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_font(P.FONT, "B" if bold else "", _SIZE)
        for lines, (key, _, _), left, width in zip(
            cells, self.columns, self.lefts, self.widths, strict=True
        ):
            baseline = y + _PAD + 2.5
            for text in lines:
                x = left + _PAD
                if key in NUMERIC:
                    x = left + width - _PAD - self.get_string_width(text)
                self.text(x, baseline, text)
                baseline += _LINE
        self.set_draw_color(*P.RULE)
        self.line(self.l_margin, y + height, self.l_margin + self.content_width, y + height)
        return y + height

    def rows(self) -> list[tuple[dict[str, str], tuple[int, int, int] | None, bool]]:
        """(cell texts, fill, bold) of each row in order."""
        out: list[tuple[dict[str, str], tuple[int, int, int] | None, bool]] = []
        keys = [k for k, _, _ in self.columns]
        if self.kind is HandoffKind.APUREMENT:
            for rank, settled in enumerate(self.doc.settlement, 1):
                fill = P.ZEBRA_FILL if rank % 2 == 0 else None
                out.append((settlement_texts(rank, settled), fill, False))
            return out
        for number, line in enumerate(self.doc.litigation):
            fill = P.ZEBRA_FILL if number % 2 else None
            for row in litigation_rows(line):
                out.append((row, fill, False))
            subtotal = dict.fromkeys(keys, "")
            subtotal["facture"] = WORDS["contract_total"].format(police=line.police)
            subtotal["solde"] = format_amount(line.amount_due)
            out.append((subtotal, fill, True))
        return out

    def group_starts(self) -> dict[int, int]:
        """Row index of each contract's first row → the index after its last (the
        contentieux: its invoices and its total; the apurement: one row each)."""
        if self.kind is HandoffKind.APUREMENT:
            return {}
        out, at = {}, 0
        for line in self.doc.litigation:
            end = at + len(line.invoices) + 1
            out[at] = end
            at = end
        return out

    def ending_height(self) -> float:
        words = 5.0 if self.kind is HandoffKind.CONTENTIEUX else 0.0
        return 7.0 + words + 6 + _SIGN_H

    def draw_ending(self, y: float) -> None:
        d = self.doc
        self.set_fill_color(*P.TOTAL_FILL)
        self.rect(self.l_margin, y, self.content_width, 7, style="F")
        self.set_font(P.FONT, "B", 8)
        if self.kind is HandoffKind.APUREMENT:
            count, amount = len(d.settlement), sum(s.balance for s in d.settlement)
        else:
            count, amount = len(d.litigation), d.total_due
        total = WORDS["total"].format(contracts=plural(count, "contrat", "contrats"))
        self.text(self.l_margin + _PAD, y + 4.7, total)
        figure = format_amount(amount)
        right = self.l_margin + self.content_width - _PAD
        self.text(right - self.get_string_width(figure), y + 4.7, figure)
        y += 7
        if self.kind is HandoffKind.CONTENTIEUX:
            self.set_font(P.FONT, "", 8)
            words = WORDS["total_due_words"].format(words=amount_in_words(amount))
            self.text(self.l_margin + _PAD, y + 4, P.fit_text(self, words, self.content_width))
            y += 5
        y += 6
        width = 100.0
        self.set_draw_color(*P.RULE)
        receiver = WORDS["sign_receiver_" + self.kind.value]
        for n, label in enumerate((WORDS["sign_chef"], receiver)):
            left = self.l_margin if n == 0 else self.w - self.r_margin - width
            self.rect(left, y, width, _SIGN_H)
            self.set_font(P.FONT, "B", 8)
            self.text(left + 2, y + 4.5, label)

    def render(self) -> bytes:
        y = self.new_page(first=True)
        bottom = self.content_bottom
        rows = self.rows()
        if not rows:
            y = self.empty_table(y, WORDS["nothing"])
        drawn = [self.cells(texts) for texts, _, _ in rows]
        heights = [self.height_of(cells) for cells in drawn]
        starts = self.group_starts()
        room = bottom - _NEXT_TOP - 6.5  # a page after the first, below its table header
        for index, ((_, fill, bold), cells) in enumerate(zip(rows, drawn, strict=True)):
            needed = heights[index]
            if index in starts:  # a contract's rows stay together when they fit on a page
                group = sum(heights[index : starts[index]])
                if group <= room:
                    needed = group
            if index == len(rows) - 1:
                needed += self.ending_height()
            if y + needed > bottom:
                y = self.new_page()
            y = self.draw_row(y, cells, fill, bold)
        if y + self.ending_height() > bottom:
            y = self.new_page()
        self.draw_ending(y + 1)
        return self.output_bytes()


def pdf_bytes(doc: HandoffDocument, kind: HandoffKind) -> bytes:
    """The list ``kind`` of ``doc`` as a PDF: same document, same bytes."""
    pdf = _HandoffPDF(doc, kind)
    try:
        return pdf.render()
    finally:
        pdf.close_fonts()
