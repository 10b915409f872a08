"""Drawing an order on its one A4 page: title and barcode, customer grid, debt, the
work to do (R9 window), the CRI to complete, signatures and the store mention (R10)."""

from __future__ import annotations

import re

from sbee_desk.documents import pdf as P
from sbee_desk.documents.amount_words import amount_in_words
from sbee_desk.documents.barcode import draw_code128, total_modules
from sbee_desk.documents.formal import FontSet, FormalPDF, Rendered, blank, font_set
from sbee_desk.documents.formats import format_amount, format_date, format_period
from sbee_desk.documents.orders.model import (
    DEPOSE,
    FIELD_WINDOW,
    KINDS,
    OrderData,
    format_time,
)
from sbee_desk.documents.orders.texts import OrderTexts

_GRID_ROW = 9.6
_BARCODE_MODULE = 0.33  # mm: the narrowest bar
#: the dotted blank of a text to complete by hand
_DOTS = re.compile(r"\.{3,}")


def draw_order(pdf: FormalPDF, data: OrderData, texts: OrderTexts, pages: int | None) -> None:
    """Draw ``data`` on a new page of ``pdf`` (one page; long debts are summarised)."""
    p, o = data.party, texts["order"]
    kind = data.kind if data.kind in KINDS else DEPOSE
    title = o[f"title_{kind}"]
    footer = texts["footer"]["text"].format(title=title, number=data.number, police=p.police)
    pdf.begin_document(footer, texts["footer"]["page"], pages)
    pdf.set_auto_page_break(False, 20)  # an order is one page: the layout below fits it
    header = texts.header
    agency = header.agency_label(p.agency_code, p.agency_name)
    place_date = header.place_date.format(
        place=header.place or "", date=format_date(data.edition_on)
    ).lstrip(", ")
    y = pdf.header_block(header, agency, place_date)
    left, right = pdf.l_margin, pdf.w - pdf.r_margin

    # Title (left) and number + barcode (right).
    box_w = 62.0
    box_x = right - box_w
    pdf.set_text_color(*P.HEADER_FILL)
    pdf.set_font(P.FONT, "B", 15)
    pdf.text(left, y + 6, title)
    pdf.set_text_color(*P.INK)
    pdf.set_font(P.FONT, "", 8.5)
    sub_y = y + 11.5
    for line in P.wrap_text(pdf, o[f"subtitle_{kind}"], box_x - left - 4, 2):
        pdf.text(left, sub_y, line)
        sub_y += 4
    pdf.set_font(P.FONT, "", 8)
    pdf.set_text_color(*P.MUTED)
    bordereau = p.bordereau_code or "—"
    pdf.text(
        left,
        sub_y + 1.5,
        o["issued"].format(date=format_date(data.edition_on), bordereau=bordereau),
    )
    pdf.set_text_color(*P.INK)
    box_h = 27.0
    pdf.set_draw_color(*P.INK)
    pdf.set_line_width(0.35)
    pdf.rect(box_x, y, box_w, box_h)
    pdf.set_line_width(0.2)
    pdf.set_font(P.FONT, "B", 12)
    number_text = o["number"].format(number=data.number)
    pdf.text(box_x + (box_w - pdf.get_string_width(number_text)) / 2, y + 5.8, number_text)
    module = _BARCODE_MODULE
    bar_w = total_modules(data.number) * module
    draw_code128(pdf, data.number, box_x + (box_w - bar_w) / 2, y + 7.5, module=module, height=11)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_font(P.FONT, "", 7.5)
    spaced = " ".join(data.number)
    pdf.text(box_x + (box_w - pdf.get_string_width(spaced)) / 2, y + 21.6, spaced)
    if o["barcode_caption"].strip():
        pdf.set_font(P.FONT, "", 5.8)
        pdf.set_text_color(*P.MUTED)
        caption = P.fit_text(pdf, o["barcode_caption"], box_w - 2)
        pdf.text(box_x + (box_w - pdf.get_string_width(caption)) / 2, y + 25.3, caption)
        pdf.set_text_color(*P.INK)
    y += box_h + 3
    mentions = []
    if data.other_cause:  # R8: the cause the chef entered, and why
        mentions.append(_cause_mention(data, texts))
    if data.derogation_reference:  # R4: the DG decision that allows this termination
        mentions.append(_derogation_mention(data, texts))
    debt_rows = 3
    if mentions:
        y, lines = _band(pdf, y, mentions)
        y += 2.5
        debt_rows -= lines - 1  # the page keeps its one-page layout: fewer debt rows

    y = _customer_grid(pdf, y, data, texts)
    y = _debt(pdf, y + 2.5, data, texts, debt_rows)
    y = _work(pdf, y + 2.5, kind, texts, data.other_cause)
    y = _cri(pdf, y + 2.5, kind, texts)
    _signatures(pdf, y + 2.5, kind, texts, data)
    pdf.set_auto_page_break(True, 20)
    del right


def _cause_mention(data: OrderData, texts: OrderTexts) -> str:
    """« Résiliation pour fraude — motif : … » (R8)."""
    o = texts["order"]
    cause = o.get(f"cause_{data.cause}") or str(data.cause)
    return str(o["cause"]).format(cause=cause, reason=data.cause_reason or "—")


def _derogation_mention(data: OrderData, texts: OrderTexts) -> str:
    """The DG derogation (R4): an exempt customer, terminated on its decision — the
    agent and the chef see it before going."""
    return str(texts["order"]["derogation"]).format(
        reference=data.derogation_reference,
        date=format_date(data.derogation_on) if data.derogation_on else "—",
    )


def _band(pdf: FormalPDF, y: float, mentions: list[str]) -> tuple[float, int]:
    """The framed band under the title: the cause (R8) and / or the derogation (R4),
    two lines at most — one mention too long for a line is smaller, then wraps on a
    second line, then ends with an ellipsis (the whole reason is in the contract's
    dossier). Returns the y below it and its number of lines."""
    left, width = pdf.l_margin, pdf.content_width
    room = width - 4
    size = 9.0
    pdf.set_font(P.FONT, "B", size)
    while size > 7.5 and max(pdf.get_string_width(m) for m in mentions) > room:
        size -= 0.5
        pdf.set_font(P.FONT, "B", size)
    if len(mentions) == 1:
        lines = P.wrap_text(pdf, mentions[0], room, 2)
    else:
        lines = [P.fit_text(pdf, m, room) for m in mentions[:2]]
    line_h = size * 0.42
    height = 7 + (len(lines) - 1) * line_h
    pdf.set_fill_color(*P.TOTAL_FILL)
    pdf.set_draw_color(*P.HEADER_FILL)
    pdf.set_line_width(0.35)
    pdf.rect(left, y, width, height, style="DF")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*P.RULE)
    pdf.set_text_color(*P.HEADER_FILL)
    for n, line in enumerate(lines):
        pdf.text(left + 2, y + 4.8 + n * line_h, P.fit_text(pdf, line, room))
    pdf.set_text_color(*P.INK)
    return y + height, len(lines)


def _cell(
    pdf: FormalPDF, x: float, y: float, w: float, label: str, value: str | None, missing: str
) -> None:
    pdf.set_draw_color(*P.RULE)
    pdf.rect(x, y, w, _GRID_ROW)
    if blank(value):
        pdf.label_value(x + 1.5, y + 3, w - 2, label, f"[{missing}]", missing=True)
    else:
        pdf.label_value(x + 1.5, y + 3, w - 2, label, value or "")


def _customer_grid(pdf: FormalPDF, y: float, data: OrderData, texts: OrderTexts) -> float:
    p, f, g = data.party, texts["fields"], texts["gaps"]
    y = pdf.section_title(y, f["title"])
    left, width = pdf.l_margin, pdf.content_width
    third = width / 3
    rows: list[list[tuple[float, str, str | None, str]]] = [
        [(2, f["customer"], p.customer_name, ""), (1, f["customer_code"], p.customer_code, "")],
        [(2, f["address"], p.address, g["address"]), (1, f["quartier"], p.quartier, g["quartier"])],
        [(1, f["zone"], p.zone_code, g["zone"]), (1, f["police"], p.police, ""),
         (1, f["delivery_point"], p.delivery_point, g["delivery_point"])],
        [(1, f["meter"], p.meter_serial, g["meter"]),
         (1, f["breaker"], p.breaker, g["breaker"]) if data.kind == DEPOSE
         else (1, f["voltage"], p.voltage, ""),
         (1, f["phone"], p.phone, g["phone"])],
    ]  # fmt: skip  # layout table: one line per printed row of the grid
    suspended = (1, f["suspended_on"], format_date(p.suspended_on), "")
    bordereau = (1, f["bordereau"], p.bordereau_code, "—")
    if data.kind == DEPOSE:
        rows.append([(1, f["voltage"], p.voltage, ""), suspended, bordereau])
    else:
        rows.append([suspended, bordereau, (1, "", " ", "")])
    for row in rows:
        x = left
        for span, label, value, missing in row:
            w = third * span
            if label:
                _cell(pdf, x, y, w, label, value, missing)
            else:
                pdf.set_draw_color(*P.RULE)
                pdf.rect(x, y, w, _GRID_ROW)
            x += w
        y += _GRID_ROW
    return y


def _debt(pdf: FormalPDF, y: float, data: OrderData, texts: OrderTexts, rows: int = 3) -> float:
    """The debt: the summary, up to ``rows`` rows of two invoices (the last place says
    how many more), the total in figures and words."""
    p, d = data.party, texts["debt"]
    y = pdf.section_title(y, d["title"].format(date=format_date(data.edition_on)))
    left = pdf.l_margin
    pdf.set_font(P.FONT, "", 8.5)
    pdf.text(
        left + 1.5,
        y + 4.5,
        d["summary"].format(unpaid_count=len(p.invoices), suspended_on=format_date(p.suspended_on)),
    )
    y += 6.5
    invoices = list(p.invoices)
    room = 2 * max(1, rows)
    shown = invoices[:room] if len(invoices) <= room else invoices[: room - 1]
    col_w = pdf.content_width / 2
    pdf.set_font(P.FONT, "", 8)
    for n, invoice in enumerate(shown):
        x = left + 1.5 + (n % 2) * col_w
        row_y = y + (n // 2) * 4.2 + 3
        pdf.text(x, row_y, f"{invoice.number} — {format_period(invoice.period)}")
        amount = format_amount(invoice.amount_due)
        pdf.text(x + col_w - 8 - pdf.get_string_width(amount), row_y, amount)
    if len(shown) < len(invoices):
        n = len(shown)
        x = left + 1.5 + (n % 2) * col_w
        pdf.set_text_color(*P.MUTED)
        pdf.text(x, y + (n // 2) * 4.2 + 3, d["more"].format(count=len(invoices) - n))
        pdf.set_text_color(*P.INK)
        n += 1
    else:
        n = len(shown)
    y += max(1, (n + 1) // 2) * 4.2 + 1.5
    pdf.set_fill_color(*P.TOTAL_FILL)
    pdf.rect(left, y, pdf.content_width, 6.5, style="F")
    pdf.set_font(P.FONT, "B", 9.5)
    total = d["total"].format(total=format_amount(p.total_due))
    pdf.text(left + 1.5, y + 4.5, total)
    start = left + 1.5 + pdf.get_string_width(total) + 4
    pdf.set_font(P.FONT, "", 8)
    words = d["words"].format(total_words=amount_in_words(p.total_due))
    pdf.text(start, y + 4.5, P.fit_text(pdf, words, pdf.w - pdf.r_margin - start - 1.5))
    return y + 6.5


def _work(pdf: FormalPDF, y: float, kind: str, texts: OrderTexts, other_cause: bool) -> float:
    """The work to do, the window (R9) and what stops it: a payment or a restoration
    (R7) — a restoration only for an order of another cause (R8)."""
    w = texts["work"]
    payment = w["payment_other_cause"] if other_cause else w["payment"]
    y = pdf.section_title(y, w["title"])
    left = pdf.l_margin
    y += 1
    for item in w[kind]:
        pdf.set_font(P.FONT, "", 8.8)
        pdf.text(left + 2, y + 3.2, "–")
        y = pdf.paragraph(
            y, item, size=8.8, x=left + 6, width=pdf.content_width - 7, line_height=4.2, align="L"
        )
    start, end = FIELD_WINDOW
    y = pdf.paragraph(
        y + 0.5,
        w["window"].format(start=format_time(start), end=format_time(end)),
        size=8.8,
        bold=True,
        x=left + 1.5,
        line_height=4.2,
        align="L",
    )
    if payment.strip():
        y = pdf.paragraph(
            y,
            payment,
            size=8,
            x=left + 1.5,
            width=pdf.content_width - 3,
            line_height=3.8,
            align="L",
        )
    return y


def _cri(pdf: FormalPDF, y: float, kind: str, texts: OrderTexts) -> float:
    c = texts["cri"]
    top = y
    y = pdf.section_title(y, c["title"])
    left, right = pdf.l_margin, pdf.w - pdf.r_margin
    half = left + pdf.content_width / 2
    pdf.set_font(P.FONT, "", 8.8)
    row = 7.2
    base = y + 5.2
    # visit date and time, done or not
    pdf.text(left + 2, base, c["visit_date"])
    pdf.text(left + 2 + 64, base, c["visit_time"])
    x = half + 22
    pdf.text(x, base, c["done"])
    x += pdf.get_string_width(c["done"]) + 3
    x = pdf.tick_box(x, base, c["yes"])
    pdf.tick_box(x, base, c["no"])
    base += row
    pdf.blank_field(left + 2, base, c["agent"], right - left - 4)
    base += row
    pdf.blank_field(left + 2, base, c["index"], half - left - 8)
    pdf.blank_field(half, base, c["meter_seen"], right - half - 2)
    base += row
    x = left + 2
    for label in c[f"removed_{kind}"]:
        pdf.text(x, base, label)
        x += pdf.get_string_width(label) + 3
        x = pdf.tick_box(x, base, c["yes"])
        x = pdf.tick_box(x, base, c["no"]) + 8
    base += row
    pdf.set_font(P.FONT, "B", 8.8)
    pdf.text(left + 2, base, c["remarks"])
    x = left + 2 + pdf.get_string_width(c["remarks"]) + 3
    pdf.set_font(P.FONT, "", 8.5)
    for label in c["remark_boxes"]:
        needed = 3.2 + 1.3 + pdf.get_string_width(label) + 4.5
        if x + needed > right - 1:
            base += 5.5
            x = left + 2 + 18
        x = pdf.tick_box(x, base, label)
    pdf.dotted_rule(x - 3, base + 0.2, min(right - 2, x + 45))
    base += row
    pdf.text(left + 2, base, c["observations"])
    dots_x = left + 2 + pdf.get_string_width(c["observations"]) + 2
    pdf.set_text_color(*P.MUTED)
    pdf.dotted_rule(dots_x, base + 0.2, right - 2)
    base += 5.5
    pdf.dotted_rule(left + 2, base + 0.2, right - 2)
    pdf.set_text_color(*P.INK)
    bottom = base + 3
    pdf.set_draw_color(*P.HEADER_FILL)
    pdf.set_line_width(0.3)
    pdf.rect(left, top, right - left, bottom - top)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*P.RULE)
    return bottom


def _signatures(pdf: FormalPDF, y: float, kind: str, texts: OrderTexts, data: OrderData) -> None:
    s, st = texts["signatures"], texts["store"]
    left, right = pdf.l_margin, pdf.w - pdf.r_margin
    height = max(24.0, pdf.content_bottom + 4 - y)
    gap = 3.0
    if kind == DEPOSE:
        widths = [52.0, 56.0]
        store_w = right - left - sum(widths) - 2 * gap
    else:
        widths = [(right - left - gap) / 2] * 2
        store_w = 0.0
    x = left
    for title, w in zip((s["agent"], s["chef"]), widths, strict=True):
        pdf.set_draw_color(*P.INK)
        pdf.rect(x, y, w, height)
        pdf.set_font(P.FONT, "B", 8)
        pdf.text(x + 1.5, y + 4, P.fit_text(pdf, title, w - 3))
        if s["caption"].strip():
            pdf.set_font(P.FONT, "", 6.5)
            pdf.set_text_color(*P.MUTED)
            pdf.text(x + 1.5, y + height - 1.8, P.fit_text(pdf, s["caption"], w - 3))
            pdf.set_text_color(*P.INK)
        x += w + gap
    if not store_w:
        return
    # R10: the store keeper's mention
    pdf.set_draw_color(*P.INK)
    pdf.set_line_width(0.35)
    pdf.rect(x, y, store_w, height)
    pdf.set_line_width(0.2)
    pdf.set_font(P.FONT, "B", 8)
    pdf.text(x + 1.5, y + 4, st["title"])
    pdf.set_font(P.FONT, "", 8)
    line_y = y + 9
    returned, sheet = st["returned"], st["sheet"]
    if data.store_mention:  # a reprint after the store return: the mention filled in
        pdf.set_font(P.FONT, "B", 8)
        returned = data.store_mention[:1].upper() + data.store_mention[1:]
        if data.store_sheet:
            sheet = _DOTS.sub(lambda _: data.store_sheet or "", sheet, count=1)
    for line in P.wrap_text(pdf, returned, store_w - 3, 2):
        pdf.text(x + 1.5, line_y, line)
        line_y += 4
    pdf.set_font(P.FONT, "", 8)
    for line in P.wrap_text(pdf, sheet, store_w - 3, 2):
        pdf.text(x + 1.5, line_y + 1, line)
        line_y += 4
    pdf.set_font(P.FONT, "", 6.5)
    pdf.set_text_color(*P.MUTED)
    pdf.text(x + 1.5, y + height - 1.8, st["keeper"])
    pdf.set_text_color(*P.INK)
    pdf.set_draw_color(*P.RULE)


def order_pdf(fonts: FontSet, data: OrderData, texts: OrderTexts) -> FormalPDF:
    kind = data.kind if data.kind in KINDS else DEPOSE
    title = texts["order"][f"title_{kind}"]
    return FormalPDF(
        fonts,
        fast=fonts.covers(data.strings()),
        title=f"{title.capitalize()} {data.number} — police {data.party.police}",
        author=texts.header.organisation,
        created_on=data.edition_on,
    )


def render_order(data: OrderData, texts: OrderTexts, fonts: FontSet | None = None) -> Rendered:
    """The PDF of one order."""
    fonts = fonts or font_set()
    pdf = order_pdf(fonts, data, texts)
    draw_order(pdf, data, texts, None)
    return Rendered.of(pdf.output_bytes(), pdf.page_no())
