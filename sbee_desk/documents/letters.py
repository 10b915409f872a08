"""Lettre de relance (business-rules.md R5, Documents): one A4 page per contract.

Agency header, reference and date, the customer's name and address, police and
delivery point, the unpaid invoices (number, period, due date, amount due), the
total in figures and in words, the deadline — « 7 jours à compter de la
réception de la présente », never a date: the delay runs from delivery (R5) —,
what the customer must do, the signature block, and a receipt slip the releveur
brings back with the delivery date (step 3). Every word comes from
``reports/letters.toml``; a value the export did not give is printed as missing
(« adresse non renseignée »), never left blank.

:func:`render_letter`: :class:`LetterData` (plain values) in, PDF bytes out.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbee_desk.documents import pdf as P
from sbee_desk.documents.amount_words import amount_in_words
from sbee_desk.documents.formal import (
    HEADER_SPEC,
    FontSet,
    FormalPDF,
    HeaderTexts,
    Party,
    Rendered,
    blank,
    font_set,
    load_texts,
)
from sbee_desk.documents.formats import format_amount, format_date, format_period

TEXTS_FILE = "letters.toml"
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]')

GAP_ADDRESS = "ADRESSE"
GAP_QUARTIER = "QUARTIER"
GAP_DELIVERY_POINT = "PDL"


def letter_file_name(police: str, number: str) -> str:
    """``lettre-<police>-<number>.pdf`` (import-format.md)."""
    return f"lettre-{_UNSAFE_IN_NAME.sub('_', police)}-{number}.pdf"


@dataclass(frozen=True, slots=True)
class LetterData:
    letter_id: int
    number: str
    edition_on: dt.date
    #: R5 — days after delivery before termination (the plan's reminder delay)
    delay_days: int
    party: Party
    #: 1 for the letter as edited; 2, 3… when reprinted for a new attempt at delivering
    #: it (R5, « 2e présentation »): the same letter (number, date, invoices), marked
    presentation: int = 1
    #: the day the new attempt was ordered (``presentation`` > 1)
    presented_on: dt.date | None = None

    def gaps(self) -> list[str]:
        """What the export did not give (printed as such, reported in the batch summary)."""
        p = self.party
        out = []
        if blank(p.address):
            out.append(GAP_ADDRESS)
        if blank(p.quartier):
            out.append(GAP_QUARTIER)
        if blank(p.delivery_point):
            out.append(GAP_DELIVERY_POINT)
        return out

    def strings(self) -> list[str | None]:
        p = self.party
        return [
            p.customer_name,
            p.address,
            p.quartier,
            p.police,
            p.delivery_point,
            p.agency_name,
            p.customer_code,
            self.number,
            *(i.number for i in p.invoices),
        ]

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "letter_id": self.letter_id,
            "number": self.number,
            "edition_on": self.edition_on.isoformat(),
            "delay_days": self.delay_days,
            "party": self.party.to_payload(),
        }
        if self.presentation > 1:
            out["presentation"] = self.presentation
            out["presented_on"] = self.presented_on.isoformat() if self.presented_on else None
        return out

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> LetterData:
        return cls(
            letter_id=int(data["letter_id"]),
            number=str(data["number"]),
            edition_on=dt.date.fromisoformat(data["edition_on"]),
            delay_days=int(data["delay_days"]),
            party=Party.from_payload(data["party"]),
            presentation=int(data.get("presentation") or 1),
            presented_on=(
                dt.date.fromisoformat(data["presented_on"]) if data.get("presented_on") else None
            ),
        )


# --------------------------------------------------------------------------- texts

_N = frozenset
_SPEC: dict[str, dict[str, tuple[str, frozenset[str]]]] = {
    "header": HEADER_SPEC,
    "letter": {
        "title": ("str", _N()),
        "reference": ("str", _N({"number"})),
        "police": ("str", _N({"police"})),
        "delivery_point": ("str", _N({"delivery_point"})),
        "customer_code": ("str", _N({"customer_code"})),
        "recipient_label": ("str", _N()),
        "object_label": ("str", _N()),
        "object": ("str", _N({"police"})),
        "salutation": ("str", _N()),
        "intro": ("str", _N({"police", "suspended_on", "unpaid_count"})),
        "col_number": ("str", _N()),
        "col_period": ("str", _N()),
        "col_due": ("str", _N()),
        "col_amount": ("str", _N()),
        "total_label": ("str", _N()),
        "total_words": ("str", _N({"total", "total_words"})),
        # R5: the deadline runs from delivery: no date may be printed in it
        "deadline": ("str", _N({"delay"})),
        "consequence_BT": ("str", _N()),
        "consequence_MT": ("str", _N()),
        "todo_title": ("str", _N()),
        "todo": ("list", _N({"agency", "police"})),
        "closing": ("str", _N()),
        "signature_title": ("str", _N()),
        "signature_caption": ("opt", _N()),
        # a letter reprinted for a new attempt at delivering it (R5)
        "presentation": ("str", _N({"n", "date", "edited_on"})),
    },
    "receipt": {
        "cut": ("str", _N()),
        "title": ("str", _N()),
        "reference": ("str", _N({"number", "police", "customer_name"})),
        "received_on": ("str", _N()),
        "received_by": ("str", _N()),
        "signature_recipient": ("str", _N()),
        "signature_releveur": ("str", _N()),
        "impossible": ("str", _N()),
    },
    "gaps": {
        "address": ("str", _N()),
        "quartier": ("str", _N()),
        "delivery_point": ("str", _N()),
    },
    "footer": {
        "text": ("str", _N({"number", "police", "customer_name"})),
        "page": ("str", _N({"page", "pages"})),
    },
}


@dataclass(frozen=True)
class LetterTexts:
    """The wording of the letter (``reports/letters.toml``), checked when read."""

    source: Path
    header: HeaderTexts
    letter: dict[str, Any]
    receipt: dict[str, str]
    gaps: dict[str, str]
    footer: dict[str, str]


def load_letter_texts() -> LetterTexts:
    """Read and check ``reports/letters.toml``; TemplateError (French) names the problem."""
    path, sections = load_texts(TEXTS_FILE, _SPEC)
    return LetterTexts(
        source=path,
        header=HeaderTexts.from_section(path, sections["header"]),
        letter=sections["letter"],
        receipt=sections["receipt"],
        gaps=sections["gaps"],
        footer=sections["footer"],
    )


# --------------------------------------------------------------------------- drawing


def draw_letter(pdf: FormalPDF, data: LetterData, texts: LetterTexts, pages: int | None) -> None:
    """Draw ``data`` from a new page of ``pdf`` (its own page numbers)."""
    p, t, g = data.party, texts.letter, texts.gaps
    header = texts.header
    footer = texts.footer["text"].format(
        number=data.number, police=p.police, customer_name=p.customer_name
    )
    mention = presentation_mention(data, texts)
    if mention:
        footer = f"{footer} — {mention}"
    pdf.begin_document(footer, texts.footer["page"], pages)
    agency = header.agency_label(p.agency_code, p.agency_name)
    place_date = header.place_date.format(
        place=header.place or "", date=format_date(data.edition_on)
    ).lstrip(", ")
    y = pdf.header_block(header, agency, place_date)
    left, right = pdf.l_margin, pdf.w - pdf.r_margin

    # Reference (left) and recipient (right).
    pdf.set_font(P.FONT, "B", 9)
    pdf.text(left, y + 3, t["reference"].format(number=data.number))
    pdf.set_font(P.FONT, "", 8.5)
    pdf.text(left, y + 8, t["police"].format(police=p.police))
    dp_missing = blank(p.delivery_point)
    if dp_missing:
        pdf.set_text_color(150, 30, 30)
    pdf.text(
        left,
        y + 12.5,
        t["delivery_point"].format(
            delivery_point=g["delivery_point"] if dp_missing else p.delivery_point
        ),
    )
    pdf.set_text_color(*P.INK)
    pdf.text(left, y + 17, t["customer_code"].format(customer_code=p.customer_code))

    box_x, box_w = 108.0, right - 108.0
    pdf.set_font(P.FONT, "", 7.5)
    pdf.set_text_color(*P.MUTED)
    pdf.text(box_x, y + 3, t["recipient_label"])
    pdf.set_text_color(*P.INK)
    pdf.set_font(P.FONT, "B", 10.5)
    line_y = y + 8
    for line in P.wrap_text(pdf, p.customer_name, box_w, 2):
        pdf.text(box_x, line_y, line)
        line_y += 4.6
    pdf.set_font(P.FONT, "", 9.5)
    for value, missing_text in ((p.address, g["address"]), (p.quartier, g["quartier"])):
        if blank(value):
            pdf.set_text_color(150, 30, 30)
            pdf.text(box_x, line_y, f"[{missing_text}]")
            pdf.set_text_color(*P.INK)
            line_y += 4.4
            continue
        for line in P.wrap_text(pdf, value or "", box_w, 2):
            pdf.text(box_x, line_y, line)
            line_y += 4.4
    if p.zone_code:
        pdf.set_font(P.FONT, "", 8)
        pdf.set_text_color(*P.MUTED)
        pdf.text(box_x, line_y, f"Zone {p.zone_code}")
        pdf.set_text_color(*P.INK)
        line_y += 4.0
    y = max(y + 21, line_y) + 4
    if mention:  # a new presentation: said at once, in a frame, above the title
        pdf.set_font(P.FONT, "B", 10)
        width = pdf.get_string_width(mention) + 8
        pdf.set_draw_color(150, 30, 30)
        pdf.set_text_color(150, 30, 30)
        pdf.set_line_width(0.5)
        pdf.rect((pdf.w - width) / 2, y - 2, width, 7)
        pdf.text((pdf.w - width) / 2 + 4, y + 2.9, mention)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(*P.RULE)
        pdf.set_text_color(*P.INK)
        y += 7

    # The body: as airy as one page allows (a customer who stopped paying long ago
    # has many invoices), else the densest layout, flowing onto a second page.
    room = pdf.content_bottom - 4
    density = DENSITIES[-1]
    for candidate in DENSITIES:
        if _body(pdf, y, data, texts, candidate, draw=False) + candidate.receipt <= room:
            density = candidate
            break
    y = _body(pdf, y, data, texts, density, draw=True)
    _receipt(pdf, y, data, texts, density.receipt)


@dataclass(frozen=True)
class _Density:
    body: float  # font size of the text
    line: float  # line height
    row: float  # invoice table row height
    gap: float  # space between paragraphs
    signature: float  # height of the signature block
    receipt: float  # height of the receipt slip (with its cut line)
    two_columns: bool  # invoices side by side


DENSITIES = (
    _Density(9.5, 4.6, 6.0, 2.0, 28.0, 44.0, False),
    _Density(9.0, 4.2, 5.0, 1.2, 22.0, 44.0, False),
    _Density(9.0, 4.2, 5.0, 1.2, 22.0, 44.0, True),
)


def _body(
    pdf: FormalPDF, y: float, data: LetterData, texts: LetterTexts, d: _Density, *, draw: bool
) -> float:
    """From the title to the signature; returns the y below. ``draw=False`` measures."""
    p, t = data.party, texts.letter
    left = pdf.l_margin
    if draw:
        pdf.set_font(P.FONT, "B", 14)
        title = t["title"]
        pdf.set_text_color(*P.HEADER_FILL)
        pdf.text((pdf.w - pdf.get_string_width(title)) / 2, y + 5, title)
        pdf.set_text_color(*P.INK)
    y += 10 if d.gap < 2 else 11
    pdf.set_font(P.FONT, "B", d.body)
    label = t["object_label"] + " "
    label_w = pdf.get_string_width(label)
    if draw:
        pdf.text(left, y + d.line - 1.25, label)

    def para(top: float, text: str, **kw: Any) -> float:
        return pdf.paragraph(top, text, size=d.body, line_height=d.line, draw=draw, **kw)

    y = para(
        y,
        t["object"].format(police=p.police),
        bold=True,
        x=left + label_w,
        width=pdf.content_width - label_w,
        align="L",
    )
    y = para(y + 2 * d.gap, t["salutation"]) + d.gap / 2
    intro = t["intro"].format(
        police=p.police, suspended_on=format_date(p.suspended_on), unpaid_count=len(p.invoices)
    )
    y = para(y, intro)
    y = _invoice_table(pdf, y + d.gap + 0.5, data, texts, d, draw=draw) + d.gap + 0.5
    total = format_amount(p.total_due)
    y = para(y, t["total_words"].format(total=total, total_words=amount_in_words(p.total_due)))
    y = para(y + d.gap, t["deadline"].format(delay=data.delay_days), bold=True)
    y = para(y + d.gap / 2, t["consequence_MT" if p.voltage == "MT" else "consequence_BT"])
    y = para(y + d.gap, t["todo_title"], bold=True, align="L")
    agency_label = p.agency_name or texts.header.agency_label(p.agency_code, None)
    for item in t["todo"]:
        if draw:
            pdf.set_font(P.FONT, "", d.body)
            pdf.text(left + 2, y + d.line - 1.25, "–")
        y = para(
            y,
            item.format(agency=agency_label, police=p.police),
            x=left + 6,
            width=pdf.content_width - 6,
        )
    y = para(y + d.gap, t["closing"])
    if draw and y + d.signature > pdf.content_bottom - 4:
        pdf.add_page()
        y = pdf.t_margin
    if draw:
        sig_x = 118.0
        pdf.set_font(P.FONT, "B", d.body)
        pdf.text(sig_x, y + 6, t["signature_title"])
        if t["signature_caption"].strip():
            pdf.set_font(P.FONT, "", 7.5)
            pdf.set_text_color(*P.MUTED)
            pdf.text(sig_x, y + 10, t["signature_caption"])
            pdf.set_text_color(*P.INK)
    return y + d.signature


def _invoice_table(
    pdf: FormalPDF, y: float, data: LetterData, texts: LetterTexts, d: _Density, *, draw: bool
) -> float:
    """The unpaid invoices and their total; two invoices a row in the densest layout."""
    t = texts.letter
    invoices = data.party.invoices
    width = pdf.content_width
    sides = 2 if d.two_columns else 1
    rows = math.ceil(len(invoices) / sides)
    if not draw:
        return y + (rows + 1) * d.row + d.row + 0.5
    half = width / sides
    shares = (0.28, 0.28, 0.2, 0.24) if sides == 1 else (0.24, 0.3, 0.21, 0.25)
    widths = [half * s for s in shares]
    titles = (t["col_number"], t["col_period"], t["col_due"], t["col_amount"])
    font = 8.5 if sides == 1 else 7.2
    baseline = d.row * 0.68

    def lefts(side: int) -> list[float]:
        start = pdf.l_margin + side * half
        return [start + sum(widths[:i]) for i in range(4)]

    def head(top: float) -> float:
        pdf.set_fill_color(*P.HEADER_FILL)
        pdf.rect(pdf.l_margin, top, width, d.row, style="F")
        pdf.set_text_color(*P.HEADER_INK)
        pdf.set_font(P.FONT, "B", font)
        for side in range(sides):
            for i, (title, x, w) in enumerate(zip(titles, lefts(side), widths, strict=True)):
                tx = x + w - 2 - pdf.get_string_width(title) if i == 3 else x + 2
                pdf.text(tx, top + baseline, title)
        pdf.set_text_color(*P.INK)
        if sides == 2:
            pdf.set_draw_color(*P.HEADER_INK)
            pdf.line(pdf.l_margin + half, top, pdf.l_margin + half, top + d.row)
            pdf.set_draw_color(*P.RULE)
        return top + d.row

    y = head(y)
    pdf.set_font(P.FONT, "", font + (0.5 if sides == 1 else 0.2))
    for row in range(rows):
        if y + d.row > pdf.content_bottom - 4:
            pdf.add_page()
            y = head(pdf.t_margin)
            pdf.set_font(P.FONT, "", font + (0.5 if sides == 1 else 0.2))
        if row % 2:
            pdf.set_fill_color(*P.ZEBRA_FILL)
            pdf.rect(pdf.l_margin, y, width, d.row, style="F")
        for side in range(sides):
            index = row * sides + side
            if index >= len(invoices):
                break
            invoice = invoices[index]
            cells = (
                invoice.number,
                format_period(invoice.period),
                format_date(invoice.due_on),
                format_amount(invoice.amount_due),
            )
            for i, (text, x, w) in enumerate(zip(cells, lefts(side), widths, strict=True)):
                text = P.fit_text(pdf, text, w - 3)
                tx = x + w - 2 - pdf.get_string_width(text) if i == 3 else x + 2
                pdf.text(tx, y + baseline, text)
        if sides == 2:
            pdf.line(pdf.l_margin + half, y, pdf.l_margin + half, y + d.row)
        y += d.row
        pdf.set_draw_color(*P.RULE)
        pdf.line(pdf.l_margin, y, pdf.l_margin + width, y)
    # total
    pdf.set_fill_color(*P.TOTAL_FILL)
    pdf.rect(pdf.l_margin, y, width, d.row + 0.5, style="F")
    pdf.set_draw_color(*P.INK)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, y, pdf.l_margin + width, y)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*P.RULE)
    pdf.set_font(P.FONT, "B", 9.5)
    pdf.text(pdf.l_margin + 2, y + baseline + 0.3, t["total_label"])
    total = format_amount(data.party.total_due)
    pdf.text(pdf.l_margin + width - 2 - pdf.get_string_width(total), y + baseline + 0.3, total)
    return y + d.row + 0.5


def _receipt(pdf: FormalPDF, y: float, data: LetterData, texts: LetterTexts, space: float) -> None:
    """The slip the releveur brings back (R5: the delay starts at delivery)."""
    r = texts.receipt
    left, right = pdf.l_margin, pdf.w - pdf.r_margin
    height = space - 4
    if y + space > pdf.content_bottom - 4:  # no room left on this page
        pdf.add_page()
        y = pdf.t_margin
    top = max(y, pdf.content_bottom - 4 - height)
    # cut line
    pdf.set_draw_color(*P.MUTED)
    pdf.set_dash_pattern(dash=1.2, gap=1.2)
    pdf.line(left, top, right, top)
    pdf.set_dash_pattern()
    pdf.set_font(P.FONT, "", 6.8)
    pdf.set_text_color(*P.MUTED)
    cut = r["cut"]
    pdf.set_fill_color(255, 255, 255)
    cut_w = pdf.get_string_width(cut) + 4
    pdf.rect(left + 6, top - 2, cut_w, 4, style="F")
    pdf.text(left + 8, top + 0.9, cut)
    pdf.set_text_color(*P.INK)
    box_top = top + 4
    pdf.set_draw_color(*P.RULE)
    pdf.rect(left, box_top, right - left, height - 6)
    pdf.set_font(P.FONT, "B", 8.5)
    pdf.text(left + 3, box_top + 5, r["title"])
    pdf.set_font(P.FONT, "", 8)
    ref = r["reference"].format(
        number=data.number, police=data.party.police, customer_name=data.party.customer_name
    )
    mention = presentation_mention(data, texts)
    if mention:
        ref = f"{ref} — {mention}"
    pdf.text(left + 3, box_top + 9.5, P.fit_text(pdf, ref, right - left - 6))
    # two signature spaces on the right, the fields on their left
    sig_w = 42.0
    fields_w = right - left - 2 * (sig_w + 3) - 6
    pdf.set_font(P.FONT, "", 8.5)
    pdf.text(left + 3, box_top + 16, P.fit_text(pdf, r["received_on"], fields_w))
    pdf.blank_field(left + 3, box_top + 21.5, r["received_by"], fields_w)
    label = r["impossible"].rstrip(".").rstrip()
    after = pdf.tick_box(left + 3, box_top + 27.5, label) - 3.3
    pdf.dotted_rule(after, box_top + 27.7, left + 3 + fields_w)
    for n, caption in enumerate((r["signature_recipient"], r["signature_releveur"])):
        x = right - 3 - (2 - n) * (sig_w + 3) + 3
        pdf.set_draw_color(*P.RULE)
        pdf.rect(x, box_top + 12.5, sig_w, 20)
        pdf.set_font(P.FONT, "", 6.8)
        pdf.set_text_color(*P.MUTED)
        pdf.text(x + 1.5, box_top + 15.5, P.fit_text(pdf, caption, sig_w - 3))
        pdf.set_text_color(*P.INK)


def presentation_mention(data: LetterData, texts: LetterTexts) -> str:
    """« 2e présentation du 17/11/2026 — lettre du 01/11/2026 » for a letter reprinted
    for a new attempt at delivering it; "" for the letter as edited."""
    if data.presentation <= 1:
        return ""
    return str(texts.letter["presentation"]).format(
        n=data.presentation,
        date=format_date(data.presented_on or data.edition_on),
        edited_on=format_date(data.edition_on),
    )


def letter_pdf(fonts: FontSet, data: LetterData, texts: LetterTexts) -> FormalPDF:
    fast = fonts.covers(data.strings())
    p = data.party
    pdf = FormalPDF(
        fonts,
        fast=fast,
        title=(
            f"{texts.letter['title'].capitalize()} {data.number} — police {p.police}"
            + (f" — {presentation_mention(data, texts)}" if data.presentation > 1 else "")
        ),
        author=texts.header.organisation,
        created_on=data.edition_on,
    )
    return pdf


def render_letter(data: LetterData, texts: LetterTexts, fonts: FontSet | None = None) -> Rendered:
    """The PDF of one letter."""
    fonts = fonts or font_set()
    pdf = letter_pdf(fonts, data, texts)
    draw_letter(pdf, data, texts, None)
    return Rendered.of(pdf.output_bytes(), pdf.page_no())
