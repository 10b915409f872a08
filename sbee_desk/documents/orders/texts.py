"""The wording of the orders: ``reports/orders.toml``, read and checked against what
the order prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbee_desk.documents.formal import HEADER_SPEC, HeaderTexts, load_texts

TEXTS_FILE = "orders.toml"

_N = frozenset
_TEXT: tuple[str, frozenset[str]] = ("str", _N())
_LABELS = (
    "customer",
    "customer_code",
    "address",
    "quartier",
    "zone",
    "police",
    "delivery_point",
    "voltage",
    "meter",
    "breaker",
    "phone",
    "suspended_on",
    "bordereau",
)
_SPEC: dict[str, dict[str, tuple[str, frozenset[str]]]] = {
    "header": HEADER_SPEC,
    "order": {
        "title_DEPOSE": _TEXT,
        "title_CONTROLE_INDEX": _TEXT,
        "subtitle_DEPOSE": _TEXT,
        "subtitle_CONTROLE_INDEX": _TEXT,
        "number": ("str", _N({"number"})),
        "issued": ("str", _N({"date", "bordereau"})),
        "derogation": ("str", _N({"reference", "date"})),
        "cause": ("str", _N({"cause", "reason"})),
        "cause_FRAUDE": _TEXT,
        "cause_CONDITIONS": _TEXT,
        "cause_AUTRE": _TEXT,
        "barcode_caption": ("opt", _N()),
    },
    "fields": {key: _TEXT for key in (*_LABELS, "title")},
    "debt": {
        "title": ("str", _N({"date"})),
        "summary": ("str", _N({"unpaid_count", "suspended_on"})),
        "more": ("str", _N({"count"})),
        "total": ("str", _N({"total"})),
        "words": ("str", _N({"total_words"})),
    },
    "work": {
        "title": _TEXT,
        "DEPOSE": ("list", _N()),
        "CONTROLE_INDEX": ("list", _N()),
        "window": ("str", _N({"start", "end"})),
        "payment": ("opt", _N()),
        "payment_other_cause": ("opt", _N()),
    },
    "cri": {
        "title": _TEXT,
        "visit_date": _TEXT,
        "visit_time": _TEXT,
        "done": _TEXT,
        "yes": _TEXT,
        "no": _TEXT,
        "agent": _TEXT,
        "index": _TEXT,
        "meter_seen": _TEXT,
        "removed_DEPOSE": ("list", _N()),
        "removed_CONTROLE_INDEX": ("list", _N()),
        "remarks": _TEXT,
        "remark_boxes": ("list", _N()),
        "observations": _TEXT,
    },
    "signatures": {"agent": _TEXT, "chef": _TEXT, "caption": ("opt", _N())},
    "store": {"title": _TEXT, "returned": _TEXT, "sheet": _TEXT, "keeper": _TEXT},
    "gaps": {
        key: _TEXT
        for key in ("address", "quartier", "zone", "meter", "breaker", "delivery_point", "phone")
    },
    "footer": {
        "text": ("str", _N({"title", "number", "police"})),
        "page": ("str", _N({"page", "pages"})),
    },
}


@dataclass(frozen=True)
class OrderTexts:
    """The wording of the orders (``reports/orders.toml``), checked when read."""

    source: Path
    header: HeaderTexts
    sections: dict[str, dict[str, Any]]

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.sections[section]


def load_order_texts() -> OrderTexts:
    """Read and check ``reports/orders.toml``; TemplateError (French) names the problem."""
    path, sections = load_texts(TEXTS_FILE, _SPEC)
    return OrderTexts(path, HeaderTexts.from_section(path, sections["header"]), sections)
