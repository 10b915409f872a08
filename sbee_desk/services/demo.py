"""Agence de démonstration: a realistic export, imported, with some history.

:func:`write_demo_export` writes the six CSV files of import-format.md (``;``,
UTF-8, ISO dates) for a Cotonou agency (``COT-CENTRE``, "Agence Cotonou
Centre") and a few percent of a second one (``ABC-CALAVI``): Beninese names,
quartiers grouped into tournées, ~97 % BT and ~3 % MT, every customer category,
twelve monthly bordereaux per voltage and agency ending the month before
``today``, one invoice per contract and month, payments (most customers pay,
some late, some partially, some stop paying), suspensions for ~13 % of the
contracts (current, restored, restored then suspended again, followed by a
termination) and a few terminations. Rows are streamed to the files, contract
by contract, so a million contracts (about twelve million invoices) take a few
minutes and little memory. The output depends only on (contracts, today, seed).

Every block of :data:`BLOCK` contracts holds the same mix of categories and
voltages (shuffled); three contracts of each block (one exempt customer, one BT
customer that gets a reminder first, one MT customer) stopped paying months ago
and are still suspended, and one moved out (terminated): so even a small demo
shows every decision and every case.

:func:`load_demo` writes that export to a temporary folder and imports it
through :func:`sbee_desk.services.importing.import_export` (the demo proves the
importer), then records the history an agency would have, so that a selection
at ``today`` shows every decision (RELANCE, ATTENTE_RELANCE, RESILIATION,
EXEMPTE): a selection run ten days earlier, reminder letters for part of that
run's RELANCE lines (some delivered more than seven days ago, some recently,
some not yet) and a DG derogation for one or two exempt contracts (recorded by a
Direction Générale user when the database has one), each with
its audit event (``demo.letter``, ``demo.derogation``, and ``demo.history`` for
the whole). It also fills the staff register with the agencies' field staff
(:func:`demo_field_staff`: releveurs and agents de recouvrement covering every
zone, an agent RPNT and a magasinier per agency), through the register's service
as the database's administrator, so that letters and orders can be handed over
at once. Loading the demo again re-imports the same export (nothing changes)
and records no history or staff twice.

These letters stand in for steps 1 (validation of the bordereau, which creates
the letters) and 3 (delivery recorded by the releveur) until the validation
and delivery screens exist; the demo then goes through those services instead
of inserting the rows itself.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import exists, select

from sbee_desk.db.database import Database
from sbee_desk.db.models import (
    Agency,
    AuditEvent,
    Candidate,
    Contract,
    Derogation,
    Invoice,
    Payment,
    ReminderLetter,
    SelectionRun,
    StaffMember,
    Suspension,
    User,
    UserRole,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.enums import CustomerCategory, Decision
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit, clock
from sbee_desk.services.actor import Actor
from sbee_desk.services.importing import ImportCancelled, import_export
from sbee_desk.services.selection import run_selection
from sbee_desk.services.users import StaffRole, save_staff

#: Progress callback: (done, total) contracts written.
Progress = Callable[[int, int], None]

DEFAULT_SEED = 20261129
DEFAULT_CONTRACTS = 2000
#: Contracts per block: each block holds the same mix of categories and voltages.
BLOCK = 200
#: Months of invoices (and bordereaux), ending the month before ``today``.
MONTHS = 12
#: The demo's history: the earlier selection run is this many days before ``today``.
HISTORY_DAYS = 10

#: Bump when the files written for a given (contracts, today, seed) change: the
#: benchmarks cache exports under this version.
EXPORT_VERSION = 1

TABLES = ("clients", "contrats", "bordereaux", "factures", "reglements", "interruptions")
HEADERS = {
    "clients": "code_client;nom;adresse;quartier;telephone;categorie",
    "contrats": (
        "police;code_client;tension;pdl;compteur;disjoncteur;agence;zone;"
        "date_abonnement;date_resiliation"
    ),
    "bordereaux": "bordereau;tension;agence;periode",
    "factures": "facture;police;bordereau;date_emission;date_echeance;montant;annulee",
    "reglements": "facture;date;montant;reference",
    "interruptions": "police;date_interruption;bordereau;date_retablissement",
}


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    #: short code inside bordereau codes (``BT-COTC-2026-06``)
    short: str
    #: first digits of its police numbers
    police_prefix: str
    #: zone (tournée) code -> quartiers
    zones: dict[str, tuple[str, ...]]
    #: name of the commune, for local authorities
    commune: str


AGENCIES = (
    DemoAgency(
        code="COT-CENTRE",
        name="Agence Cotonou Centre",
        short="COTC",
        police_prefix="31",
        commune="Cotonou",
        zones={
            "T01": ("Cadjèhoun", "Fidjrossè", "Haie Vive"),
            "T02": ("Gbégamey", "Vêdoko", "Houéyiho"),
            "T03": ("Zogbo", "Mènontin", "Kouhounou"),
            "T04": ("Agla", "Djidjè", "Sainte-Rita"),
            "T05": ("Akpakpa", "Sègbèya", "Avotrou"),
            "T06": ("Jéricho", "Sikècodji", "Agontinkon"),
            "T07": ("Dantokpa", "Missèbo", "Tokpa Hoho"),
            "T08": ("Ganhi", "Xwlacodji", "Placodji"),
            "T09": ("Gbèdjromèdé", "Aïdjèdo", "Vossa", "Ahouansori"),
        },
    ),
    DemoAgency(
        code="ABC-CALAVI",
        name="Agence Abomey-Calavi",
        short="CALV",
        police_prefix="42",
        commune="Abomey-Calavi",
        zones={
            "C01": ("Godomey", "Togoudo", "Cococodji"),
            "C02": ("Zogbadjè", "Tankpè", "Kpota"),
            "C03": ("Akassato", "Arconville"),
        },
    ),
)
#: Share of contracts in the second agency.
SECOND_AGENCY_SHARE = 0.04

#: Zones per releveur and per agent de recouvrement in the demo's field staff.
RELEVEUR_ZONES = 3
AGENT_ZONES = 5
#: Names of the demo's field staff, given in turn (matricules carry the function).
STAFF_NAMES = (
    "Sèna Dossou", "Mariam Gbédji", "Codjo Ahouansou", "Euloge Hounkpatin",
    "Koffi Agossou", "Rachidi Bello", "Judicaël Kpadonou", "Aurore Kiki",
    "Innocent Houngbo", "Blaise Hounsou", "Prosper Ahyi", "Reine Amoussou",
    "Fidèle Tchibozo", "Gisèle Lokossou", "Théophile Zannou", "Nafissatou Salami",
)  # fmt: skip  # packed name list: one name a line would run 190 lines

MALE_FIRST_NAMES = (
    "Kossi", "Koffi", "Komlan", "Kodjo", "Codjo", "Sèna", "Dossou", "Sossou", "Hounnou",
    "Gbènou", "Mahougnon", "Sèdjro", "Sètondji", "Comlan", "Dègbé", "Romaric", "Rodrigue",
    "Gérard", "Armand", "Ulrich", "Bienvenu", "Fiacre", "Landry", "Judicaël", "Thierry",
    "Brice", "Sylvain", "Justin", "Désiré", "Honoré", "Clément", "Gildas", "Innocent",
    "Parfait", "Prosper", "Wilfried", "Aurélien", "Babatundé", "Adéwalé", "Akanni",
    "Rachidi", "Moussa", "Issa", "Chabi", "Orou", "Noël", "Aristide", "Crépin", "Euloge",
    "Hervé", "Jérôme", "Médard", "Séverin", "Théophile", "Zacharie",
)  # fmt: skip  # packed name list
FEMALE_FIRST_NAMES = (
    "Afiavi", "Sènami", "Fifamè", "Ablawa", "Akouavi", "Adjoa", "Ayaba", "Nafissatou",
    "Rékiath", "Hortense", "Odile", "Bernadette", "Edwige", "Félicité", "Josiane", "Gisèle",
    "Mireille", "Clarisse", "Christelle", "Pélagie", "Ginette", "Géraldine", "Reine",
    "Espérance", "Houéfa", "Mahoussi", "Gbèmisola", "Yétondé", "Sèmèvo", "Dorcas",
    "Léontine", "Angèle", "Ghislaine", "Irène", "Eugénie", "Victorine", "Béatrice",
    "Chantal", "Élise", "Fidèle", "Perpétue", "Rosine", "Solange",
)  # fmt: skip  # packed name list
LAST_NAMES = (
    "Dossou", "Hounkpatin", "Agbodjan", "Zinsou", "Tossou", "Adjovi", "Gbaguidi", "Akpovi",
    "Houngbédji", "Ahouansou", "Kpadonou", "Akakpo", "Houénou", "Sossa", "Hounsou",
    "Dansou", "Kiki", "Agossou", "Assogba", "Dossou-Yovo", "Houessou", "Hounnouvi",
    "Azonhiho", "Glèlè", "Hounton", "Gnonlonfoun", "Avocèvou", "Tchibozo", "Ahyi",
    "Amoussou", "Padonou", "Gandonou", "Adandé", "Quenum", "d'Almeida", "de Souza",
    "Akindélé", "Adéyèmi", "Olatoundji", "Bankolé", "Alapini", "Fagbohoun", "Ogoubiyi",
    "Lawani", "Salami", "Chabi", "Sacca", "Yessoufou", "Adjaho", "Tométin", "Hessou",
    "Kakpo", "Vodounon", "Sèhouéto", "Aïkpé", "Dèguénon", "Gbèdji", "Houngnibo",
    "Lokossou", "Mensah", "Lawson", "Amégan", "Ekué", "Attivon", "Agbessi", "Ahossi",
    "Hodonou", "Houndékon", "Kougblénou", "Sodjinou", "Tchégnon", "Vigan", "Zannou",
)  # fmt: skip  # packed name list
COMPANY_PATTERNS = (
    "Établissements {n}",
    "Boulangerie {n}",
    "Pharmacie de {q}",
    "Quincaillerie {n} et Fils",
    "Hôtel {n}",
    "Clinique {n}",
    "Imprimerie de {q}",
    "Station-service de {q}",
    "Supermarché {n}",
    "Atelier de soudure {n}",
    "Maquis chez {f}",
    "Société {n} et Frères",
    "Menuiserie {n}",
    "Cyber café de {q}",
)
MT_COMPANY_PATTERNS = (
    "Société Industrielle de {q}",
    "Hôtel du Lac ({q})",
    "Brasserie {n}",
    "Clinique {n}",
    "Cimenterie {n} SA",
    "Entrepôts frigorifiques de {q}",
    "Usine de jus {n}",
    "Centre commercial de {q}",
)
ADMINISTRATION_PATTERNS = (
    "École primaire publique de {q}",
    "CEG de {q}",
    "Centre de santé de {q}",
    "Commissariat de {q}",
    "Recette des impôts de {q}",
    "Bureau de poste de {q}",
    "Direction départementale de l'Énergie",
    "Ministère de l'Eau et des Mines",
    "Trésor public, perception de {q}",
    "Lycée technique de {q}",
)
COLLECTIVITE_PATTERNS = (
    "Mairie de {c}, arrondissement de {q}",
    "Éclairage public de {q} (mairie de {c})",
    "Marché de {q} (mairie de {c})",
    "Gare routière de {q} (mairie de {c})",
)
VIP_MT_PATTERNS = (
    "Centre hospitalier de {q}",
    "Résidence officielle de {q}",
    "Camp militaire de {q}",
)
PHONE_PREFIXES = ("90", "91", "94", "95", "96", "97", "61", "62", "66", "67", "51", "52", "53")

# (count per block, category, voltage, kind, fate): fate "unpaid" stopped paying
# months ago and is still suspended, "moved_out" terminated its contract during the
# period (see the module docstring); "" lives a random life.
_C = CustomerCategory
_MIX: tuple[tuple[int, CustomerCategory, str, str, str], ...] = (
    (169, _C.ORDINAIRE, "BT", "person", ""),
    (1, _C.ORDINAIRE, "BT", "person", "moved_out"),
    (4, _C.ORDINAIRE, "BT", "company", ""),
    (1, _C.AGENT_SBEE, "BT", "person", "unpaid"),
    (3, _C.AGENT_SBEE, "BT", "person", ""),
    (1, _C.VIP, "BT", "person", ""),
    (1, _C.RETRAITE_SBEE, "BT", "person", "unpaid"),
    (3, _C.RETRAITE_SBEE, "BT", "person", ""),
    (2, _C.AGENT_CEB, "BT", "person", ""),
    (1, _C.MEMBRE_CA_SBEE, "BT", "person", ""),
    (1, _C.MEMBRE_HA_CEB, "BT", "person", ""),
    (4, _C.ADMINISTRATION, "BT", "administration", ""),
    (3, _C.COLLECTIVITE_LOCALE, "BT", "collectivite", ""),
    (1, _C.ORDINAIRE, "MT", "mt_company", "unpaid"),
    (2, _C.ORDINAIRE, "MT", "mt_company", ""),
    (1, _C.ADMINISTRATION, "MT", "administration", ""),
    (1, _C.COLLECTIVITE_LOCALE, "MT", "collectivite", ""),
    (1, _C.VIP, "MT", "vip_mt", ""),
)
_SLOTS: tuple[tuple[str, str, str, str], ...] = tuple(
    (category.value, voltage, kind, fate)
    for count, category, voltage, kind, fate in _MIX
    for _ in range(count)
)
assert len(_SLOTS) == BLOCK


def _months(today: dt.date) -> list[tuple[str, int]]:
    """(``yyyy-mm``, ordinal of the 1st) of the MONTHS months before ``today``'s month."""
    out = []
    for back in range(MONTHS, 0, -1):
        index = today.year * 12 + today.month - 1 - back
        year, month = divmod(index, 12)
        first = dt.date(year, month + 1, 1)
        out.append((f"{year:04d}-{month + 1:02d}", first.toordinal()))
    return out


class _Writer:
    """Streams the rows of one export; all the state of the generator."""

    def __init__(self, folder: Path, contracts: int, today: dt.date, seed: int) -> None:
        self.contracts = contracts
        self.rng = random.Random(seed)
        self.today = today
        #: the export is taken at the start of ``today``: nothing happened on it yet
        self.last_day = today.toordinal() - 1
        self.months = _months(today)
        self.counts = dict.fromkeys(TABLES, 0)
        self.buffers: dict[str, list[str]] = {name: [] for name in TABLES}
        self.files: dict[str, TextIO] = {}
        self.folder = folder
        self._iso: dict[int, str] = {}
        self.invoice_no = 0
        self.receipt_no = 0
        self.client_no = 0
        #: last multi-contract customer per (agency, category): administrations and
        #: local authorities often hold several contracts
        self.shared_clients: dict[tuple[str, str], str] = {}
        self.bordereau_codes = {
            (agency.code, voltage): [
                f"{voltage}-{agency.short}-{period}" for period, _ in self.months
            ]
            for agency in AGENCIES
            for voltage in ("BT", "MT")
        }
        self.zone_lists = {
            agency.code: [(code, quartiers) for code, quartiers in agency.zones.items()]
            for agency in AGENCIES
        }

    # ------------------------------------------------------------------ helpers

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = dt.date.fromordinal(ordinal).isoformat()
            self._iso[ordinal] = text
        return text

    def pick(self, items: tuple[str, ...] | list[str]) -> str:
        return items[int(self.rng.random() * len(items))]

    def flush(self) -> None:
        for name, lines in self.buffers.items():
            if lines:
                self.files[name].write("".join(lines))
                lines.clear()

    # ------------------------------------------------------------------ files

    def open(self) -> None:
        for name in TABLES:
            handle = (self.folder / f"{name}.csv.part").open("w", encoding="utf-8", newline="")
            handle.write(HEADERS[name] + "\n")
            self.files[name] = handle

    def close(self, ok: bool) -> None:
        for name, handle in self.files.items():
            handle.close()
            part = self.folder / f"{name}.csv.part"
            if ok:
                part.replace(self.folder / f"{name}.csv")
            else:
                part.unlink(missing_ok=True)

    def write_bordereaux(self) -> None:
        lines = self.buffers["bordereaux"]
        for agency in AGENCIES:
            for voltage in ("BT", "MT"):
                for (period, _), code in zip(
                    self.months, self.bordereau_codes[(agency.code, voltage)], strict=True
                ):
                    lines.append(f"{code};{voltage};{agency.code};{period}\n")
        self.counts["bordereaux"] += len(lines)

    # ------------------------------------------------------------------ customers

    def person_name(self) -> str:
        rnd = self.rng.random
        first = self.pick(FEMALE_FIRST_NAMES if rnd() < 0.45 else MALE_FIRST_NAMES)
        if rnd() < 0.12:  # a second given name, as often in Benin
            first = f"{first} {self.pick(MALE_FIRST_NAMES + FEMALE_FIRST_NAMES)}"
        return f"{first} {self.pick(LAST_NAMES)}"

    def body_name(self, kind: str, quartier: str, agency: DemoAgency) -> str:
        pattern = self.pick(
            {
                "company": COMPANY_PATTERNS,
                "mt_company": MT_COMPANY_PATTERNS,
                "administration": ADMINISTRATION_PATTERNS,
                "collectivite": COLLECTIVITE_PATTERNS,
                "vip_mt": VIP_MT_PATTERNS,
            }[kind]
        )
        return pattern.format(
            n=self.pick(LAST_NAMES), f=self.pick(FEMALE_FIRST_NAMES), q=quartier, c=agency.commune
        )

    def address(self, quartier: str) -> str:
        rnd = self.rng.random
        if rnd() < 0.08:
            return ""
        lot = 1 + int(rnd() * 4999)
        if rnd() < 0.15:
            return f"Lot {lot}, {quartier}"
        return f"Lot {lot}, Carré {1 + int(rnd() * 399)}, {quartier}"

    def phone(self) -> str:
        rnd = self.rng.random
        if rnd() < 0.1:
            return ""
        n = int(rnd() * 1_000_000)
        prefix = self.pick(PHONE_PREFIXES)
        return f"+229 01 {prefix} {n // 10000:02d} {n // 100 % 100:02d} {n % 100:02d}"

    def customer(self, agency: DemoAgency, category: str, kind: str, quartier: str) -> str:
        """The customer code of a new contract; writes the client row if new."""
        rnd = self.rng.random
        key = (agency.code, category)
        if kind in ("administration", "collectivite"):
            shared = self.shared_clients.get(key)
            if shared is not None and rnd() < 0.3:
                return shared
        self.client_no += 1
        code = f"CL{self.client_no:08d}"
        name = self.person_name() if kind == "person" else self.body_name(kind, quartier, agency)
        address = self.address(quartier)
        shown_quartier = "" if rnd() < 0.02 else quartier
        phone = self.phone()
        self.buffers["clients"].append(
            f"{code};{name};{address};{shown_quartier};{phone};{category}\n"
        )
        self.counts["clients"] += 1
        if kind in ("administration", "collectivite"):
            self.shared_clients[key] = code
        return code

    # ------------------------------------------------------------------ contracts

    def contract(self, index: int, slot: tuple[str, str, str, str]) -> None:
        rng = self.rng
        rnd = rng.random
        category, voltage, kind, fate = slot
        forced = fate == "unpaid"
        agency = AGENCIES[1] if rnd() < SECOND_AGENCY_SHARE else AGENCIES[0]
        zones = self.zone_lists[agency.code]
        zone_index = int(rnd() * len(zones))
        zone, quartiers = zones[zone_index]
        quartier = self.pick(quartiers)
        customer = self.customer(agency, category, kind, quartier)
        police = f"{agency.police_prefix}{index + 1:08d}"
        months = self.months
        last_day = self.last_day
        first_month_ord = months[0][1]

        # ---- payment profile
        if forced:
            profile = "stopped"
        elif fate == "moved_out":
            profile = "good"
        else:
            r = rnd()
            profile = (
                "good" if r < 0.68 else "late" if r < 0.80 else "partial" if r < 0.88 else "stopped"
            )

        # ---- life of the contract
        first_invoice, last_invoice = 0, MONTHS - 1
        terminated: int | None = None
        subscribed: int | None = None
        if not fate and rnd() < 0.02:  # new subscription inside the period
            start = 1 + int(rnd() * (MONTHS - 2))
            subscribed = months[start][1] + int(rnd() * 25)
            first_invoice = start + 1
        elif rnd() < 0.97:
            subscribed = first_month_ord - 60 - int(rnd() * 30 * 365)
        if fate == "moved_out" or (profile != "stopped" and first_invoice == 0 and rnd() < 0.002):
            # moved out: terminated in gestion clientèle, final invoice that month
            month = 1 + int(rnd() * (MONTHS - 1))
            terminated = min(months[month][1] + int(rnd() * 28), last_day)
            last_invoice = month

        # tournée: invoices of a zone are issued on the same days of the month
        issue_day = 2 + 2 * zone_index
        base = math.exp(rng.gauss(13.2, 0.8)) if voltage == "MT" else math.exp(rng.gauss(9.3, 0.7))
        base = max(250_000.0, base) if voltage == "MT" else min(max(1_500.0, base), 400_000.0)
        fixed_charge = max(1_200, int(base * 0.08))

        # ---- suspensions of a customer who stops paying at month ``stop``
        stop = MONTHS
        suspensions: list[tuple[int, int, int | None]] = []  # (date, month, restored)
        restored_pay: int | None = None  # the unpaid invoices are paid on this day
        prior_month = -1
        prior_restored = 0
        # while cut, an invoice carries the fixed charges only (prime fixe)
        cut_from = cut_until = last_day + 1
        if profile == "stopped":
            stop = (7 + int(rnd() * 3)) if forced else (first_invoice + 2 + int(rnd() * 10))
            stop = min(stop, last_invoice)
            suspended = months[stop][1] + issue_day + 22 + int(rnd() * (15 if forced else 35))
            if suspended <= last_day:
                r = 0.0 if forced else rnd()
                restored: int | None = None
                if 0.62 <= r < 0.82:
                    restored = suspended + 1 + int(rnd() * 25)
                    if restored > last_day:
                        restored = None
                    restored_pay = restored
                elif 0.82 <= r < 0.94 and stop - first_invoice >= 2:
                    # an earlier suspension, restored after payment, then this one
                    prior_month = max(first_invoice, stop - 2 - int(rnd() * 4))
                    prior = months[prior_month][1] + issue_day + 22 + int(rnd() * 5)
                    prior_restored = prior + 1 + int(rnd() * 6)
                    suspensions.append((prior, prior_month, prior_restored))
                elif r >= 0.94:
                    end = suspended + 45 + int(rnd() * 75)
                    if end <= last_day:
                        terminated = end
                        while last_invoice > stop and months[last_invoice][1] > end:
                            last_invoice -= 1
                suspensions.append((suspended, stop, restored))
                cut_from = suspended
                cut_until = restored if restored is not None else last_day + 1

        # ---- invoices and payments
        invoices = self.buffers["factures"]
        payments = self.buffers["reglements"]
        codes = self.bordereau_codes[(agency.code, voltage)]
        # a late payer may have been cut once, and restored when he paid
        late_suspended = profile != "late" or rnd() >= 0.15
        for month in range(first_invoice, last_invoice + 1):
            issued = months[month][1] + issue_day + int(rnd() * 3)
            amount = int(base * (0.75 + 0.5 * rnd()))
            if cut_from < issued <= cut_until:
                amount = fixed_charge
            bordereau = codes[month]
            cancelled = not forced and rnd() < 0.004
            self.invoice_no += 1
            number = f"F{self.invoice_no:010d}"
            due = "" if rnd() < 0.04 else self.iso(issued + 15)
            invoices.append(
                f"{number};{police};{bordereau};{self.iso(issued)};{due};{amount};"
                f"{'oui' if cancelled else 'non'}\n"
            )
            if cancelled:
                # corrected by a new invoice a few days later
                issued += 3 + int(rnd() * 5)
                amount = int(amount * (0.8 + 0.2 * rnd()))
                self.invoice_no += 1
                number = f"F{self.invoice_no:010d}"
                invoices.append(
                    f"{number};{police};{bordereau};{self.iso(issued)};"
                    f"{self.iso(issued + 15)};{amount};non\n"
                )
            # when (and how much) is it paid?
            paid: list[tuple[int, int]] = []
            if profile == "stopped" and month >= stop:
                if restored_pay is not None and issued <= restored_pay:
                    paid.append((max(issued, restored_pay - int(rnd() * 2)), amount))
                elif restored_pay is not None:
                    paid.append((issued + 2 + int(rnd() * 17), amount))
                elif month == stop and not forced and rnd() < 0.1:
                    part = amount * 3 // 10 // 500 * 500 or amount // 2
                    paid.append((issued + 10 + int(rnd() * 10), part))
            elif month == prior_month:
                paid.append((prior_restored - int(rnd() * 2), amount))
            elif profile == "late":
                day = issued + 16 + int(rnd() * 60)
                paid.append((day, amount))
                if not late_suspended and day - issued > 45:
                    # cut a few days after the due date, restored when paid
                    late_suspended = True
                    cut = issued + 20 + int(rnd() * (day - issued - 22))
                    if day <= last_day:
                        suspensions.append((cut, month, day))
            elif profile == "partial" and rnd() < 0.3:
                part = int(amount * (0.3 + 0.6 * rnd())) // 500 * 500
                if not 0 < part < amount:
                    part = amount // 2
                first_payment = issued + 5 + int(rnd() * 20)
                paid.append((first_payment, part))
                if rnd() < 0.5:
                    paid.append((first_payment + 10 + int(rnd() * 50), amount - part))
            else:
                paid.append((issued + 2 + int(rnd() * 17), amount))
            for day, value in paid:
                if day <= last_day:
                    self.receipt_no += 1
                    payments.append(f"{number};{self.iso(day)};{value};Q{self.receipt_no:010d}\n")
            self.counts["factures"] += 2 if cancelled else 1

        # ---- suspensions
        rows = self.buffers["interruptions"]
        for suspended, month, restored_on in sorted(suspensions):
            rows.append(
                f"{police};{self.iso(suspended)};{codes[month]};"
                f"{self.iso(restored_on) if restored_on is not None else ''}\n"
            )
        self.counts["interruptions"] += len(suspensions)

        # ---- the contract itself
        serial = f"{self.pick(('SAG', 'ACT', 'HXG', 'ITR'))}{index + 1:08d}"
        breaker = f"DJ{index + 1:08d}" if voltage == "BT" else ""
        self.buffers["contrats"].append(
            f"{police};{customer};{voltage};PDL{police};{serial};{breaker};{agency.code};{zone};"
            f"{self.iso(subscribed) if subscribed is not None else ''};"
            f"{self.iso(terminated) if terminated is not None else ''}\n"
        )
        self.counts["contrats"] += 1

    def run(self, progress: Progress | None) -> None:
        self.write_bordereaux()
        step = max(BLOCK, self.contracts // 100 // BLOCK * BLOCK)
        index = 0
        while index < self.contracts:
            slots = list(_SLOTS)
            self.rng.shuffle(slots)
            for slot in slots[: self.contracts - index]:
                self.contract(index, slot)
                index += 1
            self.flush()
            if progress is not None and (index % step == 0 or index == self.contracts):
                progress(index, self.contracts)
        self.counts["reglements"] = self.receipt_no


def write_demo_export(
    folder: Path,
    *,
    contracts: int,
    today: dt.date,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the six CSV files of a demo agency into ``folder``; rows per table.

    Files are written under a temporary name and renamed at the end, so a folder
    never holds a partial export under the real names.
    """
    if contracts < 1:
        raise ValueError("contracts must be at least 1")
    folder.mkdir(parents=True, exist_ok=True)
    writer = _Writer(folder, contracts, today, seed)
    writer.open()
    ok = False
    try:
        writer.run(progress)
        writer.flush()
        ok = True
    finally:
        writer.close(ok)
    return dict(writer.counts)


# --------------------------------------------------------------------------- load_demo


@dataclass(frozen=True)
class DemoResult:
    today: dt.date
    #: rows written per table of the export (all imported)
    rows: dict[str, int]
    #: the earlier selection run standing for the agency's history
    history_run_id: int
    history_on: dt.date
    #: reminder letters recorded for that run's RELANCE lines, and how many delivered
    letters: int
    letters_delivered: int
    #: DG derogations recorded for exempt contracts
    derogations: int
    #: field staff added to the staff register (none when loaded again)
    staff: int = 0


#: What happens to the RELANCE lines of the earlier run, in turn (police order):
#: a letter not delivered yet, no letter (the line is still to validate), a letter
#: delivered more than the reminder delay ago, a letter delivered recently.
_LETTER_FATES = ("undelivered", "none", "delivered_long_ago", "delivered_recently")


def load_demo(
    db: Database,
    actor: Actor,
    *,
    contracts: int = DEFAULT_CONTRACTS,
    today: dt.date | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoResult:
    """Import a demo agency of ``contracts`` contracts and give it some history.

    ``actor`` imports and runs the selection: a chef section recouvrement (the
    services check it). See the module docstring. ``progress(done, 1000)`` is called
    along the way (writing the export, then importing it); ``cancelled()`` is checked
    as often and stops the demo with :class:`sbee_desk.services.importing.ImportCancelled`
    before anything is written. Raises :class:`sbee_desk.services.importing.ImportFailed` if
    the importer refuses the export (a defect of one of the two). Loading the demo
    again into the same database re-imports the export (nothing changes) and records
    no run, letter or derogation twice (R13).
    """
    today = today or clock.today()

    def report(start: int, span: int) -> Progress:
        def callback(done: int, total: int) -> None:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(start + span * done // max(total, 1), 1000)

        return callback

    with tempfile.TemporaryDirectory(prefix="sbee-demo-") as tmp:
        folder = Path(tmp)
        rows = write_demo_export(
            folder, contracts=contracts, today=today, seed=seed, progress=report(0, 250)
        )
        import_export(db.uow(), actor, folder, progress=report(250, 700), cancelled=cancelled)
    _name_agencies(db, actor)
    staff = _hire_field_staff(db)
    previous = _previous_history(db)
    if previous is not None:  # loaded before: the history is there already (R13)
        return DemoResult(today, rows, previous[0], previous[1], 0, 0, 0, staff)
    history_on = today - dt.timedelta(days=HISTORY_DAYS)
    run = run_selection(db.uow(), actor, history_on, today_=today)
    rng = random.Random(seed)
    letters = delivered = derogations = 0
    with db.uow() as uow:
        session = uow.session
        lines = _stable_lines(uow, run.run_id, history_on)
        has_letter = set(session.scalars(select(ReminderLetter.suspension_id)))
        has_derogation = set(session.scalars(select(Derogation.police)))
        reminders = [line for line in lines if line[2] == Decision.RELANCE.value]
        for n, (police, suspension_id, _) in enumerate(reminders):
            fate = _LETTER_FATES[n % len(_LETTER_FATES)]
            if fate == "none" or suspension_id in has_letter:
                continue
            delivered_on = None
            if fate == "delivered_long_ago":
                delivered_on = history_on + dt.timedelta(days=1 + int(rng.random() * 2))
            elif fate == "delivered_recently":
                delivered_on = today - dt.timedelta(days=1 + int(rng.random() * 5))
            letter = ReminderLetter(
                police=police,
                suspension_id=suspension_id,
                run_id=run.run_id,
                created_on=history_on,
                delivered_on=delivered_on,
            )
            session.add(letter)
            session.flush()
            audit.record(
                uow,
                actor,
                AuditAction.DEMO_LETTER,
                entity="reminder_letter",
                entity_key=str(letter.id),
                after={
                    "police": police,
                    "run": run.run_id,
                    "created_on": history_on.isoformat(),
                    "delivered_on": delivered_on.isoformat() if delivered_on else None,
                },
            )
            letters += 1
            delivered += delivered_on is not None
        exempt = [line for line in lines if line[2] == Decision.EXEMPTE.value]
        # keep most exempt lines exempt: one derogation, two from eight lines on
        chosen = exempt[: 0 if len(exempt) < 2 else 1 if len(exempt) < 8 else 2]
        until = today + dt.timedelta(days=90)
        direction = _direction_actor(uow, actor)
        for n, (police, _, _) in enumerate(chosen, start=1):
            if police in has_derogation:
                continue
            derogation = Derogation(
                police=police,
                reference=f"DG/DCC/{today.year}/{n:04d}",
                decided_on=today - dt.timedelta(days=3),
                valid_until=until,
                document_reference=f"Note de service n° {n:03d}/DG/SBEE du {today:%d/%m/%Y}",
                recorded_by=direction.login,
                recorded_at=audit.now(),
            )
            session.add(derogation)
            session.flush()
            audit.record(
                uow,
                direction,
                AuditAction.DEMO_DEROGATION,
                entity="derogation",
                entity_key=str(derogation.id),
                after={
                    "police": police,
                    "reference": derogation.reference,
                    "decided_on": derogation.decided_on.isoformat(),
                    "valid_until": until.isoformat(),
                },
            )
            derogations += 1
        audit.record(
            uow,
            actor,
            AuditAction.DEMO_HISTORY,
            entity="selection_run",
            entity_key=str(run.run_id),
            after={"letters": letters, "delivered": delivered, "derogations": derogations},
        )
        uow.commit()
    if progress is not None:
        progress(1000, 1000)
    return DemoResult(
        today=today,
        rows=rows,
        history_run_id=run.run_id,
        history_on=history_on,
        letters=letters,
        letters_delivered=delivered,
        derogations=derogations,
        staff=staff,
    )


def _direction_actor(uow: UnitOfWork, fallback: Actor) -> Actor:
    """A Direction Générale user, who records derogations (R4); else ``fallback``."""
    login = uow.session.scalar(
        select(User.login)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == Role.DIRECTION.value)
        .order_by(User.login)
        .limit(1)
    )
    return Actor(login, frozenset({Role.DIRECTION})) if login else fallback


def demo_field_staff() -> list[tuple[str, str, StaffRole, list[str]]]:
    """(matricule, name, function, zones) of the demo agencies' field staff: every zone
    has a releveur (the letters) and an agent de recouvrement (the orders); each agency
    an agent RPNT (who receives the orders) and a magasinier."""
    names = iter(STAFF_NAMES)
    staff: list[tuple[str, str, StaffRole, list[str]]] = []
    for agency in AGENCIES:
        zones = list(agency.zones)
        for prefix, role, size in (
            ("REL", StaffRole.RELEVEUR, RELEVEUR_ZONES),
            ("AR", StaffRole.AGENT_RECOUVREMENT, AGENT_ZONES),
            ("RP", StaffRole.AGENT_RPNT, len(zones)),
            ("MG", StaffRole.MAGASINIER, len(zones)),
        ):
            for n, start in enumerate(range(0, len(zones), size), start=1):
                matricule = f"{prefix}-{agency.short}-{n:02d}"
                staff.append((matricule, next(names), role, zones[start : start + size]))
    return staff


def _hire_field_staff(db: Database) -> int:
    """Add the demo's field staff to the staff register (through its service, as an
    administrator of the database), so that letters and orders can be handed over at
    once; the matricules already there are left as they are. How many were added (none
    without an active administrator)."""
    with db.uow() as uow:
        admin = _user_with_role(uow, Role.ADMIN)
        known = set(uow.session.scalars(select(StaffMember.matricule)))
    if admin is None:
        return 0
    added = 0
    for matricule, name, role, zones in demo_field_staff():
        if matricule not in known:
            save_staff(db.uow(), admin, matricule, name, role.value, zones)
            added += 1
    return added


def _user_with_role(uow: UnitOfWork, role: Role) -> Actor | None:
    login = uow.session.scalar(
        select(User.login)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == role.value)
        .order_by(User.login)
        .limit(1)
    )
    return Actor(login, frozenset({role})) if login else None


def _previous_history(db: Database) -> tuple[int, dt.date] | None:
    """(run id, run date) of the history recorded by an earlier demo load, if any."""
    with db.uow() as uow:
        key = uow.session.scalar(
            select(AuditEvent.entity_key)
            .where(AuditEvent.action == AuditAction.DEMO_HISTORY.value)
            .order_by(AuditEvent.id)
            .limit(1)
        )
        if key is None:
            return None
        run = uow.session.get(SelectionRun, int(key))
        return (run.id, run.run_on) if run is not None else None


def _stable_lines(uow: UnitOfWork, run_id: int, history_on: dt.date) -> list[tuple[str, int, str]]:
    """(police, suspension id, decision) of the run's lines whose situation stays the
    same until ``today``: suspension never restored, contract not terminated, no
    payment after the run date; so the letters and derogations given to them show at
    ``today``. Sorted by police."""
    paid_later = exists().where(
        Invoice.police == Candidate.police,
        Payment.invoice_number == Invoice.number,
        Payment.paid_on > history_on,
    )
    rows = uow.session.execute(
        select(Candidate.police, Candidate.suspension_id, Candidate.decision)
        .join(Suspension, Suspension.id == Candidate.suspension_id)
        .join(Contract, Contract.police == Candidate.police)
        .where(
            Candidate.run_id == run_id,
            Suspension.restored_on.is_(None),
            Contract.terminated_on.is_(None),
            ~paid_later,
        )
        .order_by(Candidate.police)
    ).all()
    return [(police, suspension_id, decision) for police, suspension_id, decision in rows]


def _name_agencies(db: Database, actor: Actor) -> None:
    """The export names agencies by code only: give the demo agencies their names."""
    with db.uow() as uow:
        for agency in AGENCIES:
            row = uow.session.get(Agency, agency.code)
            if row is not None and row.name != agency.name:
                before = {"name": row.name}
                row.name = agency.name
                audit.record(
                    uow,
                    actor,
                    AuditAction.DEMO_AGENCY,
                    entity="agency",
                    entity_key=agency.code,
                    before=before,
                    after={"name": agency.name},
                )
        uow.commit()
