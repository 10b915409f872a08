"""A small export whose selection outcome is known, written as CSV files (tests only).

At ``today`` (the run date):

* P001 ordinary BT, 2 overdue unpaid invoices, suspended 40 days → À résilier, 48 500 FCFA;
* P002 retiree (reminder first) BT → À relancer;
* P003 SBEE staff (exempt) BT → Exempté;
* P004 ordinary BT, both invoices paid → not listed;
* P005 administration MT → À relancer (MT always gets a letter first), bordereau MT;
* P006 ordinary BT suspended 10 days ago only → not listed (R2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

BT = "BT-TEST-01"
MT = "MT-TEST-01"
AMOUNT = 24_250

CUSTOMERS = {
    "P001": ("C001", "AHOUNOU Cocou", "ORDINAIRE", "BT"),
    "P002": ("C002", "DOSSOU Émilienne", "RETRAITE_SBEE", "BT"),
    "P003": ("C003", "HOUNKPÈ Marc", "AGENT_SBEE", "BT"),
    "P004": ("C004", "KOFFI Paul", "ORDINAIRE", "BT"),
    "P005": ("C005", "Mairie de Sèmè-Podji", "ADMINISTRATION", "MT"),
    "P006": ("C006", "ZINSOU Aline", "ORDINAIRE", "BT"),
}
EXPECTED_BT = {"P001": "À résilier", "P002": "À relancer", "P003": "Exempté (décision DG requise)"}
EXPECTED_MT = {"P005": "À relancer"}


def _d(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def write_known_export(folder: Path, today: dt.date) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    period = (today - dt.timedelta(days=100)).strftime("%Y-%m")
    clients = ["code_client;nom;adresse;quartier;telephone;categorie"]
    contracts = ["police;code_client;tension;agence;zone"]
    invoices = ["facture;police;bordereau;date_emission;date_echeance;montant"]
    payments = ["facture;date;montant;reference"]
    suspensions = ["police;date_interruption;bordereau;date_retablissement"]
    for police, (code, name, category, voltage) in CUSTOMERS.items():
        bordereau = BT if voltage == "BT" else MT
        clients.append(f"{code};{name};Lot {police[-1]};Akpakpa;;{category}")
        contracts.append(f"{police};{code};{voltage};AG1;Z1")
        for n, issued in ((1, today - dt.timedelta(days=100)), (2, today - dt.timedelta(days=70))):
            number = f"F-{police}-{n}"
            due = issued + dt.timedelta(days=15)
            invoices.append(f"{number};{police};{bordereau};{_d(issued)};{_d(due)};{AMOUNT}")
            if police == "P004":
                paid = _d(today - dt.timedelta(days=60))
                payments.append(f"{number};{paid};{AMOUNT};R-{number}")
        days = 10 if police == "P006" else 40
        suspensions.append(f"{police};{_d(today - dt.timedelta(days=days))};{bordereau};")
    files = {
        "clients": clients,
        "contrats": contracts,
        "bordereaux": [
            "bordereau;tension;agence;periode",
            f"{BT};BT;AG1;{period}",
            f"{MT};MT;AG1;{period}",
        ],
        "factures": invoices,
        "reglements": payments,
        "interruptions": suspensions,
    }
    for name, lines in files.items():
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def write_bad_export(folder: Path) -> Path:
    """Every line of it is wrong somewhere: the import must refuse it whole."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "clients.csv").write_text(
        "code_client;nom;adresse;quartier;telephone;categorie\n"
        "C001;AHOUNOU Cocou;Lot 1;Akpakpa;;ORDINAIRE\n"
        "C002;;Lot 2;Cadjèhoun;;ORDINAIRE\n"
        "C003;HOUNKPÈ Marc;Lot 3;Fidjrossè;;PARTICULIER\n",
        encoding="utf-8",
    )
    (folder / "factures.csv").write_text(
        "facture;police;bordereau;date_emission;date_echeance;montant\n"
        "F1;P999;BT-X;15/09/2026;30/09/2026;-500\n",
        encoding="utf-8",
    )
    return folder
