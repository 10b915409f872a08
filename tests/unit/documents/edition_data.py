"""Sample letters and orders built from plain values (no database), and PDF helpers."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from sbee_desk.documents.formal import Party, UnpaidInvoice
from sbee_desk.documents.letters import LetterData
from sbee_desk.documents.orders import OrderData

EDITION_ON = dt.date(2026, 11, 29)
NAME = "Adjoa Hounkpatin épouse Gbèdégbé"
INVOICES = (
    UnpaidInvoice("FAC0012345", "2026-07", dt.date(2026, 7, 5), dt.date(2026, 7, 20), 18_750),
    UnpaidInvoice("FAC0013346", "2026-08", dt.date(2026, 8, 5), dt.date(2026, 8, 20), 21_250),
    UnpaidInvoice("FAC0014347", "2026-09", dt.date(2026, 9, 5), dt.date(2026, 9, 20), 7_500),
)


def party(**changes: object) -> Party:
    values: dict[str, object] = {
        "police": "COT00001234",
        "customer_code": "CL00000042",
        "customer_name": NAME,
        "address": "Lot 1234, Carré 56, Akpakpa Dodomè",
        "quartier": "Akpakpa",
        "zone_code": "Z03",
        "phone": "+229 01 97 12 34 56",
        "agency_code": "COT-CENTRE",
        "agency_name": "Agence Cotonou Centre",
        "voltage": "BT",
        "delivery_point": "PDL-0045-7781",
        "meter_serial": "CPT-BT-778812",
        "breaker": "DJ 10/30 A",
        "bordereau_code": "BT-COT-2026-09",
        "suspended_on": dt.date(2026, 9, 28),
        "invoices": INVOICES,
    }
    values.update(changes)
    return Party(**values)  # type: ignore[arg-type]


def letter(**changes: object) -> LetterData:
    return LetterData(42, "00000042", EDITION_ON, 7, party(voltage="MT", **changes))


def order(kind: str = "DEPOSE", **changes: object) -> OrderData:
    voltage = "BT" if kind == "DEPOSE" else "MT"
    return OrderData(43, "00000043", kind, EDITION_ON, party(voltage=voltage, **changes))


def pdf_text(content: bytes, page: int | None = None) -> str:
    """The text of a PDF (all pages, or one), with no-break spaces as plain spaces."""
    reader = PdfReader(io.BytesIO(content))
    pages = reader.pages if page is None else [reader.pages[page]]
    text = "\n".join(p.extract_text() for p in pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def page_fonts(content: bytes) -> dict[str, bool]:
    """The fonts of a PDF's first page: base name → embedded as TrueType (/FontFile2)."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    embedded = {}
    for ref in _dictionary(_dictionary(page["/Resources"])["/Font"]).values():
        font = _dictionary(ref.get_object())
        descendants = font["/DescendantFonts"]
        assert isinstance(descendants, ArrayObject)
        descriptor = _dictionary(_dictionary(descendants[0].get_object())["/FontDescriptor"])
        embedded[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    return embedded


def _dictionary(pdf_object: object) -> DictionaryObject:
    assert isinstance(pdf_object, DictionaryObject), pdf_object
    return pdf_object


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
