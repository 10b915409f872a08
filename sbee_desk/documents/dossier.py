"""The contract's dossier as a PDF (#16), for a litigation file or a customer's
complaint: A4 portrait, the agency's header, the customer and the contract, then its
story — one row per event with its date, what happened and who did it — and page
numbers. Deterministic: the same values give the same bytes (its date is the day it
was produced, never the clock).

:func:`dossier_pdf`: :class:`DossierDoc` (plain, already worded values) in, bytes out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sbee_desk.documents import pdf as P
from sbee_desk.documents.formats import format_date
from sbee_desk.documents.sheet_pdf import SheetPDF

WORDS = {
    "title": "Dossier du contrat {police}",
    "subtitle": "Histoire complète du contrat, de la base et du journal d'audit",
    "story": "Histoire du contrat ({count})",
    "no_event": "Aucun événement enregistré pour ce contrat.",
    "produced": "Établi le {on} par {by}",
    "page": "Page {page} / {pages}",
}

#: (title, width share)
COLUMNS: tuple[tuple[str, float], ...] = (
    ("Date", 17.0),
    ("Heure", 10.5),
    ("Événement", 95.0),
    ("Par", 38.0),
)

_SIZE = 7.5
_PAD = 1.1
_LINE = 3.3
_WHAT_LINES = 6
_WHO_LINES = 3


@dataclass(frozen=True)
class DossierRow:
    on: str
    time: str
    what: str
    who: str


@dataclass(frozen=True)
class DossierDoc:
    organisation: str
    unit: str
    agency: str
    police: str
    produced_on: dt.date
    produced_by: str
    #: the header: (label, value) of the customer and the contract
    facts: tuple[tuple[str, str], ...]
    rows: tuple[DossierRow, ...]

    def running(self) -> str:
        return WORDS["title"].format(police=self.police)


def dossier_file_name(police: str) -> str:
    """``dossier-<police>.pdf`` (characters a file name refuses replaced)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in police)
    return f"dossier-{safe}.pdf"


class _DossierPDF(SheetPDF):
    def __init__(self, doc: DossierDoc) -> None:
        produced = WORDS["produced"].format(on=format_date(doc.produced_on), by=doc.produced_by)
        super().__init__(
            [(title, title, width) for title, width in COLUMNS],
            landscape=False,
            title=doc.running(),
            author=f"{doc.organisation} — {doc.agency}",
            footer_left=f"{doc.running()} · {produced}",
            page_label=WORDS["page"],
            created_on=doc.produced_on,
        )
        self.doc = doc

    def first_header(self) -> float:
        d, x = self.doc, self.l_margin
        self.letterhead(d.organisation, d.unit, d.agency)
        self.centred(d.running(), 31, 14, "B")
        self.centred(WORDS["subtitle"], 35.5, 8, muted=True)
        # the facts: two columns of label / value in a shaded box; a value too long for
        # half the width takes a whole line below
        top = 39.0
        half = self.content_width / 2
        label_w = 24.0
        self.set_font(P.FONT, "B", 8)
        fits = half - label_w - 5
        short = [f for f in d.facts if self.get_string_width(f[1]) <= fits]
        long = [f for f in d.facts if self.get_string_width(f[1]) > fits]
        rows = (len(short) + 1) // 2
        height = (rows + len(long)) * 5.0 + 2.5
        self.set_fill_color(*P.ZEBRA_FILL)
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        self.rect(x, top, self.content_width, height, style="DF")
        placed = [(x + (n // rows) * half, n % rows, f, fits) for n, f in enumerate(short)]
        whole = self.content_width - label_w - 5
        placed += [(x, rows + n, f, whole) for n, f in enumerate(long)]
        for left, line, (label, value), width in placed:
            base = top + 5.0 + line * 5.0
            self.set_font(P.FONT, "", 7.5)
            self.set_text_color(*P.MUTED)
            self.text(left + 2, base, label)
            self.set_text_color(*P.INK)
            self.set_font(P.FONT, "B", 8)
            self.text(left + 2 + label_w, base, P.fit_text(self, value, width))
        y = top + height + 6
        self.set_font(P.FONT, "B", 9.5)
        self.text(x, y, WORDS["story"].format(count=len(d.rows)))
        return y + 2

    def next_header(self) -> float:
        return self.running_header(self.doc.running())

    def table_header(self, y: float, size: float = 7.5) -> float:
        """The columns' titles, left-aligned (a story reads from the left)."""
        height = 6.0
        self.set_fill_color(*P.HEADER_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_text_color(*P.HEADER_INK)
        self.set_font(P.FONT, "B", size)
        for (title, _), left, width in zip(COLUMNS, self.lefts, self.widths, strict=True):
            self.text(left + _PAD, y + 4.1, P.fit_text(self, title, width - 2 * _PAD))
        self.set_text_color(*P.INK)
        return y + height

    def row_lines(self, row: DossierRow) -> list[list[str]]:
        self.set_font(P.FONT, "", _SIZE)
        inner = [w - 2 * _PAD for w in self.widths]
        return [
            [P.fit_text(self, row.on, inner[0])],
            [P.fit_text(self, row.time, inner[1])],
            P.wrap_text(self, row.what, inner[2], _WHAT_LINES),
            P.wrap_text(self, row.who, inner[3], _WHO_LINES),
        ]

    def draw_row(self, y: float, lines: list[list[str]], fill: bool) -> float:
        height = max(len(v) for v in lines) * _LINE + 2 * _PAD + 0.4
        if fill:
            self.set_fill_color(*P.ZEBRA_FILL)
            self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_font(P.FONT, "", _SIZE)
        for cell, left in zip(lines, self.lefts, strict=True):
            base = y + _PAD + 2.6
            for line in cell:
                self.text(left + _PAD, base, line)
                base += _LINE
        self.set_draw_color(*P.RULE)
        self.line(self.l_margin, y + height, self.l_margin + self.content_width, y + height)
        return y + height

    def render(self) -> bytes:
        self.add_page()
        y = self.table_header(self.first_header())
        bottom = self.content_bottom
        if not self.doc.rows:
            self.set_font(P.FONT, "", 8)
            self.set_text_color(*P.MUTED)
            self.text(self.l_margin + _PAD, y + 5, WORDS["no_event"])
            self.set_text_color(*P.INK)
        for rank, row in enumerate(self.doc.rows, 1):
            lines = self.row_lines(row)
            height = max(len(v) for v in lines) * _LINE + 2 * _PAD + 0.4
            if y + height > bottom:
                self.add_page()
                y = self.table_header(self.next_header())
            y = self.draw_row(y, lines, rank % 2 == 0)
        return self.output_bytes()


def dossier_pdf(doc: DossierDoc) -> bytes:
    """The dossier's PDF: same values and date, same bytes."""
    pdf = _DossierPDF(doc)
    try:
        return pdf.render()
    finally:
        pdf.close_fonts()
