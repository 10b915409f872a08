"""The route sheet's values and the words it prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sbee_desk.documents.formats import format_amount, format_date
from sbee_desk.domain.enums import OrderKind

#: every word printed on the sheet (PDF and Excel)
WORDS = {
    "title": "Feuille de route",
    "copy": "COPIE",
    "agent": "Agent de recouvrement",
    "date": "Date de visite",
    "window": "Fenêtre d'intervention (R9)",
    "window_value": "de 08h00 à 14h30",
    "visits": "Visites",
    "window_note": (
        "Les visites se font entre 08h00 et 14h30 (R9) : un CRI hors de cette plage est "
        "refusé sauf dérogation motivée du chef. Relevez l'index avant toute dépose."
    ),
    "recalls": "À RAPPELER — NE PAS INTERVENIR",
    "recalls_note": (
        "Ces ordres ont été annulés (paiement, rétablissement ou résiliation, R7) : "
        "n'intervenez pas, rendez-les au chef de section."
    ),
    "recall_reason": "Motif",
    "no_visit": "Aucune visite pour ce jour.",
    "total": "Total : {visits} — {amount} dû",
    "sign_agent": "L'agent, au départ (heure et signature)",
    "sign_chef": "Le chef de section, au retour (heure et signature)",
    "produced": "Établie par {by}",
    "page": "Page {page} / {pages}",
}
#: the causes of an order entered for another cause (R8), as the « nature » says them
R8_WORDS = {"FRAUDE": "fraude", "CONDITIONS": "conditions d'abonnement", "AUTRE": "autre cause"}
KIND_WORDS = {OrderKind.DEPOSE.value: "Dépose", OrderKind.CONTROLE_INDEX.value: "Contrôle d'index"}

#: (key, title, width in mm on A4 landscape)
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("rang", "N°", 7.0),
    ("ordre", "Ordre n°", 30.0),
    ("police", "Police", 21.0),
    ("client", "Client", 36.0),
    ("adresse", "Adresse", 38.0),
    ("quartier", "Quartier", 22.0),
    ("zone", "Zone", 12.0),
    ("compteur", "Compteur", 22.0),
    ("montant", "Montant dû", 23.0),
    ("nature", "Nature", 18.0),
    ("index", "Index relevé", 22.0),
    ("resultat", "Résultat", 26.0),
)


@dataclass(frozen=True)
class Visit:
    number: str
    police: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone: str | None
    meter_serial: str | None
    amount_due: int
    kind: str
    #: visits already failed (« non exécuté »)
    attempts: int = 0
    #: IMPAYES, or the cause of an order the chef entered for another cause (R8)
    cause: str = "IMPAYES"


@dataclass(frozen=True)
class RecallLine:
    number: str
    police: str
    customer_name: str
    address: str | None
    quartier: str | None
    reason: str | None


@dataclass(frozen=True)
class RouteSheet:
    organisation: str
    unit: str
    agency: str
    matricule: str
    agent_name: str
    visit_on: dt.date
    visits: tuple[Visit, ...]
    recalls: tuple[RecallLine, ...]
    produced_by: str
    #: a reprint: marked « COPIE »
    copy: bool = False

    @property
    def amount(self) -> int:
        return sum(v.amount_due for v in self.visits)

    def running(self) -> str:
        return (
            f"{WORDS['title']} — {self.agent_name} ({self.matricule}) — "
            f"{format_date(self.visit_on)}"
        )


def cell_texts(rank: int, visit: Visit) -> dict[str, str]:
    """What each column prints for a visit (the index and result are left blank)."""
    return {
        "rang": str(rank),
        "ordre": visit.number,
        "police": visit.police,
        "client": visit.customer_name,
        "adresse": visit.address or "—",
        "quartier": visit.quartier or "—",
        "zone": visit.zone or "—",
        "compteur": visit.meter_serial or "—",
        "montant": format_amount(visit.amount_due),
        "nature": KIND_WORDS.get(visit.kind, visit.kind)
        + (f" ({visit.attempts + 1}e visite)" if visit.attempts else "")
        + (f" — R8 : {R8_WORDS.get(visit.cause, visit.cause)}" if visit.cause != "IMPAYES" else ""),
        "index": "",
        "resultat": "",
    }
