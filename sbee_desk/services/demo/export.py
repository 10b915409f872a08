"""The demo export: :func:`write_demo_export` writes the six CSV files of
import-format.md (``;``, UTF-8, ISO dates) for the demo agencies
(:mod:`sbee_desk.services.demo.agencies`): Beninese names,
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
shows every decision and every case. The first block's retiree pays his debt back
and is restored three days before ``today`` (R7 cancels the letter the history gives him).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sbee_desk.domain.enums import CustomerCategory
from sbee_desk.services.demo.agencies import (
    ADMINISTRATION_PATTERNS,
    AGENCIES,
    COLLECTIVITE_PATTERNS,
    COMPANY_PATTERNS,
    FEMALE_FIRST_NAMES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    MT_COMPANY_PATTERNS,
    PHONE_PREFIXES,
    SECOND_AGENCY_SHARE,
    VIP_MT_PATTERNS,
    DemoAgency,
)

#: Progress callback: (done, total) contracts written.
Progress = Callable[[int, int], None]

DEFAULT_SEED = 20261129
#: Contracts per block: each block holds the same mix of categories and voltages.
BLOCK = 200
#: Months of invoices (and bordereaux), ending the month before ``today``.
MONTHS = 12

#: Bump when the files written for a given (contracts, today, seed) change: the
#: benchmarks cache exports under this version.
EXPORT_VERSION = 2

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
        # the first block's retiree who stopped paying pays it all back a few days before
        # ``today`` and is restored: the demo's history gives him a reminder letter, which
        # R7 then cancels (no random draw: the other contracts stay as they were)
        pays_back = forced and category == _C.RETRAITE_SBEE.value and index < BLOCK
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
                suspensions.append((suspended, stop, last_day - 2 if pays_back else restored))
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
                if pays_back:
                    paid.append((max(issued, last_day - 3), amount))
                elif restored_pay is not None and issued <= restored_pay:
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
