"""The two lists of a hand-off (R12): their values, the words they print and the
names of their files. Plain values, no Session; a document round-trips through JSON
(:meth:`HandoffDocument.to_json`), so a reprint draws the very lines first printed."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from sbee_desk.documents.formats import format_amount, format_date, format_period
from sbee_desk.wording.labels import TERMINATION_CAUSE_LABELS


class HandoffKind(StrEnum):
    """The downstream procedure a list goes to."""

    APUREMENT = "APUREMENT"  # apurement de contrat (every terminated contract)
    CONTENTIEUX = "CONTENTIEUX"  # recouvrement sur contentieux commercial (debt remaining)


FORMATS = ("xlsx", "pdf")
FILE_STEMS = {HandoffKind.APUREMENT: "apurement", HandoffKind.CONTENTIEUX: "contentieux"}

#: every word printed on the lists (PDF and Excel)
WORDS = {
    "title_APUREMENT": "Liste des contrats résiliés — apurement de contrat",
    "title_CONTENTIEUX": "Liste des contrats résiliés avec dette — recouvrement sur contentieux",
    "subtitle_APUREMENT": (
        "Contrats résiliés d'office ou pour une autre cause, transmis pour l'apurement (règle R12)"
    ),
    "subtitle_CONTENTIEUX": (
        "Contrats résiliés dont des factures restent impayées, transmis au contentieux "
        "commercial (règle R12)"
    ),
    "copy": "COPIE",
    "number": "Transmission",
    "number_value": "n° {number} du {date}",
    "produced_by": "Établie par",
    "contracts": "Contrats",
    "amount": "Solde total",
    "due": "Total dû",
    "no_deposit": (
        "Dépôt de garantie : non fourni par l'export de la gestion clientèle "
        "(à reprendre du dossier du client)."
    ),
    "contract_total": "Total police {police}",
    "total": "Total : {contracts}",
    "total_due_words": "Soit {words}.",
    "sign_chef": "Le chef section recouvrement",
    "sign_receiver_APUREMENT": "Reçu par le service apurement (date et signature)",
    "sign_receiver_CONTENTIEUX": "Reçu par le service contentieux (date et signature)",
    "produced": "Transmission n° {number} du {date} — établie par {by}",
    "page": "Page {page} / {pages}",
    "nothing": "Aucun contrat.",
}

#: (key, title, width in mm on A4 landscape) — the apurement list. No deposit column:
#: the gestion clientèle's export (import-format.md) carries no deposit (dépôt de
#: garantie) for a contract, and models.Contract has none; the list says so in a note.
SETTLEMENT_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("rang", "N°", 7.0),
    ("police", "Police", 20.0),
    ("client", "Client", 35.0),
    ("adresse", "Adresse", 40.0),
    ("zone", "Zone", 12.0),
    ("resilie_le", "Résilié le", 18.0),
    ("cause", "Cause", 30.0),
    ("ordre", "Ordre n°", 18.0),
    ("index", "Index final", 20.0),
    ("compteur", "Compteur retourné", 30.0),
    ("fiche", "Fiche de stock", 26.0),
    ("solde", "Solde", 21.0),
)
#: the contentieux list: one row per unpaid invoice, the contract on its first row
LITIGATION_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("police", "Police", 20.0),
    ("client", "Client", 40.0),
    ("adresse", "Adresse", 39.0),
    ("resilie_le", "Résilié le", 18.0),
    ("facture", "Facture n°", 26.0),
    ("periode", "Période", 27.0),
    ("emise_le", "Émise le", 18.0),
    ("montant", "Montant", 22.0),
    ("regle", "Réglé", 20.0),
    ("solde", "Solde dû", 22.0),
)
NUMERIC = {"rang", "index", "solde", "montant", "regle"}


@dataclass(frozen=True)
class SettlementLine:
    """A terminated contract on the apurement list."""

    police: str
    customer_code: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone: str | None
    terminated_on: dt.date
    cause: str
    reason: str | None
    order_number: str | None
    final_index: int | None
    meter_serial: str | None
    returned_on: dt.date | None
    stock_sheet: str | None
    #: amount − payments of its invoices not cancelled (negative: a credit)
    balance: int


@dataclass(frozen=True)
class DueInvoice:
    number: str
    period: str | None  # yyyy-mm (the bordereau's)
    issued_on: dt.date
    amount: int
    paid: int

    @property
    def balance(self) -> int:
        return self.amount - self.paid


@dataclass(frozen=True)
class LitigationLine:
    """A terminated contract with debt, on the contentieux list, with its unpaid invoices."""

    police: str
    customer_code: str
    customer_name: str
    address: str | None
    quartier: str | None
    terminated_on: dt.date
    invoices: tuple[DueInvoice, ...]

    @property
    def amount_due(self) -> int:
        return sum(i.balance for i in self.invoices)


@dataclass(frozen=True)
class HandoffDocument:
    number: int
    handed_on: dt.date
    organisation: str
    unit: str
    agency: str
    produced_by: str
    settlement: tuple[SettlementLine, ...]
    litigation: tuple[LitigationLine, ...]
    #: « Journal d'audit : événement n° N, empreinte … » when it was produced
    journal: str = ""
    #: a reprint: marked « COPIE »
    copy: bool = False

    @property
    def total_due(self) -> int:
        return sum(line.amount_due for line in self.litigation)

    def as_copy(self) -> HandoffDocument:
        return replace(self, copy=True)

    def running(self, kind: HandoffKind) -> str:
        mark = f" — {WORDS['copy']}" if self.copy else ""
        return (
            f"{WORDS['title_' + kind.value]} — "
            + WORDS["number_value"].format(number=self.number, date=format_date(self.handed_on))
            + mark
        )

    # ---- JSON (the batch's ``document``): a reprint draws the same lines

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("copy")
        return _dates_out(data)  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HandoffDocument:
        return cls(
            number=int(data["number"]),
            handed_on=dt.date.fromisoformat(data["handed_on"]),
            organisation=data["organisation"],
            unit=data["unit"],
            agency=data["agency"],
            produced_by=data["produced_by"],
            settlement=tuple(
                SettlementLine(
                    **{
                        **s,
                        "terminated_on": dt.date.fromisoformat(s["terminated_on"]),
                        "returned_on": _date(s["returned_on"]),
                    }
                )
                for s in data["settlement"]
            ),
            litigation=tuple(
                LitigationLine(
                    **{
                        **lit,
                        "terminated_on": dt.date.fromisoformat(lit["terminated_on"]),
                        "invoices": tuple(
                            DueInvoice(**{**i, "issued_on": dt.date.fromisoformat(i["issued_on"])})
                            for i in lit["invoices"]
                        ),
                    }
                )
                for lit in data["litigation"]
            ),
            journal=data.get("journal", ""),
        )


def _date(raw: str | None) -> dt.date | None:
    return dt.date.fromisoformat(raw) if raw else None


def _dates_out(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_out(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dates_out(v) for v in value]
    return value


def handoff_file_name(
    kind: HandoffKind, handed_on: dt.date, file_format: str, suffix: str = ""
) -> str:
    """``apurement-2026-12-08.xlsx`` (import-format.md); ``suffix`` tells apart a second
    hand-off of the same day (``-n4``) and a reprint (``-copie``)."""
    return f"{FILE_STEMS[kind]}-{handed_on.isoformat()}{suffix}.{file_format}"


def cause_text(cause: str, reason: str | None) -> str:
    label = TERMINATION_CAUSE_LABELS.get(cause, cause)
    return f"{label} : {reason}" if reason and cause != "IMPAYES" else label


def settlement_texts(rank: int, line: SettlementLine) -> dict[str, str]:
    where = ", ".join(x for x in (line.address, line.quartier) if x) or "—"
    returned = "—"
    if line.returned_on is not None:
        returned = f"{line.meter_serial or '—'} le {format_date(line.returned_on)}"
    elif line.order_number is not None:
        returned = "non retourné"
    return {
        "rang": str(rank),
        "police": line.police,
        "client": f"{line.customer_name} ({line.customer_code})",
        "adresse": where,
        "zone": line.zone or "—",
        "resilie_le": format_date(line.terminated_on),
        "cause": cause_text(line.cause, line.reason),
        "ordre": line.order_number or "—",
        "index": str(line.final_index) if line.final_index is not None else "—",
        "compteur": returned,
        "fiche": line.stock_sheet or "—",
        "solde": format_amount(line.balance),
    }


def litigation_rows(line: LitigationLine) -> list[dict[str, str]]:
    """The rows of a contract on the contentieux list: one per unpaid invoice, the
    contract's own cells on the first."""
    where = ", ".join(x for x in (line.address, line.quartier) if x) or "—"
    rows = []
    for n, invoice in enumerate(line.invoices):
        first = n == 0
        rows.append(
            {
                "police": line.police if first else "",
                "client": f"{line.customer_name} ({line.customer_code})" if first else "",
                "adresse": where if first else "",
                "resilie_le": format_date(line.terminated_on) if first else "",
                "facture": invoice.number,
                "periode": format_period(invoice.period) if invoice.period else "—",
                "emise_le": format_date(invoice.issued_on),
                "montant": format_amount(invoice.amount),
                "regle": format_amount(invoice.paid),
                "solde": format_amount(invoice.balance),
            }
        )
    return rows
