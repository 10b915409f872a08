"""Ordre de dépose (BT) and ordre de contrôle d'index (MT) — R6, R9, R10, R11.

One A4 page the field agent carries and completes by hand: the order number as
a Code 128 barcode (scanned at the store return and at CRI entry) and in clear;
customer, address, quartier, zone, police, delivery point, meter serial and
breaker; a summary of the debt; the work to do and the visit window (R9,
08h00–14h30); the CRI to complete (visit date and time, index, meter and breaker
removed, remarks with tick boxes — panneau pourri, PdL déjà résilié, compteur
inaccessible, refus d'accès, autre —); the signatures of the agent and of the chef
section recouvrement; for a removal, the store keeper's mention « compteur (et
disjoncteur) retourné(s) au magasin le ../../.... » (R10). An MT order is an
index check only: no removal, no store box. A termination allowed by a DG
derogation (R4) names it under the title: reference and date. Every word comes from
``reports/orders.toml``; a value missing from the export prints as such.

- :mod:`.model` — the order's values, its gaps and file name;
- :mod:`.texts` — ``reports/orders.toml`` read and checked;
- :mod:`.page` — the drawing of the page, the PDF of one order.
"""

from __future__ import annotations

from sbee_desk.documents.orders.model import (
    CONTROLE_INDEX,
    DEPOSE,
    FIELD_WINDOW,
    GAP_ADDRESS,
    GAP_BREAKER,
    GAP_DELIVERY_POINT,
    GAP_METER,
    GAP_QUARTIER,
    GAP_ZONE,
    KINDS,
    OrderData,
    format_time,
    order_file_name,
)
from sbee_desk.documents.orders.page import draw_order, order_pdf, render_order
from sbee_desk.documents.orders.texts import TEXTS_FILE, OrderTexts, load_order_texts

__all__ = [
    "CONTROLE_INDEX",
    "DEPOSE",
    "FIELD_WINDOW",
    "GAP_ADDRESS",
    "GAP_BREAKER",
    "GAP_DELIVERY_POINT",
    "GAP_METER",
    "GAP_QUARTIER",
    "GAP_ZONE",
    "KINDS",
    "TEXTS_FILE",
    "OrderData",
    "OrderTexts",
    "draw_order",
    "format_time",
    "load_order_texts",
    "order_file_name",
    "order_pdf",
    "render_order",
]
