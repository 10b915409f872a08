"""Import problems (import-format.md): each reported as ``table:line: column: message``,
every one of them, and nothing written — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from sbee_desk.db.database import Database
from sbee_desk.importers import ImportFailed
from tests.builders import add_users
from tests.integration.test_import import (
    HEADERS,
    base_export,
    counts,
    run,
    write_csv,
    write_export,
)

Export = dict[str, list[list[str]]]


@pytest.fixture(autouse=True)
def _users(db: Database) -> None:
    add_users(db)


def problems_of(db: Database, path: Path) -> list[str]:
    """The problems of importing ``path``, checking that nothing was written."""
    before = counts(db)
    with pytest.raises(ImportFailed) as caught:
        run(db, path)
    assert counts(db) == before, "an import with problems wrote something"
    return [f"{p.table}:{p.line}: {p.column}: {p.message}" for p in caught.value.problems]


def edit(table: str, row: int, column: str, value: str) -> Callable[[Export], None]:
    """Set one cell of the base export (``row`` 0 is the first data row, line 2)."""

    def change(export: Export) -> None:
        export[table][row][HEADERS[table].index(column)] = value

    return change


def append(table: str, values: list[str]) -> Callable[[Export], None]:
    def change(export: Export) -> None:
        export[table].append(values)

    return change


CASES: dict[str, tuple[Callable[[Export], None], str]] = {
    "missing value": (
        edit("clients", 1, "nom", "  "),
        "clients:3: nom: valeur obligatoire manquante",
    ),
    "unreadable date": (
        edit("factures", 0, "date_emission", "31/02/2026"),
        "factures:2: date_emission: date « 31/02/2026 » illisible "
        "(attendu jj/mm/aaaa ou aaaa-mm-jj)",
    ),
    "unreadable optional date": (
        edit("contrats", 1, "date_resiliation", "bientôt"),
        "contrats:3: date_resiliation: date « bientôt » illisible "
        "(attendu jj/mm/aaaa ou aaaa-mm-jj)",
    ),
    "decimal amount": (
        edit("factures", 2, "montant", "9 999,50"),
        "factures:4: montant: montant « 9 999,50 » non entier (francs CFA entiers attendus)",
    ),
    "garbage amount": (
        edit("reglements", 1, "montant", "cent mille"),
        "reglements:3: montant: montant « cent mille » illisible (francs CFA entiers attendus)",
    ),
    "negative invoice amount": (
        edit("factures", 1, "montant", "-500"),
        "factures:3: montant: montant « -500 » négatif",
    ),
    "zero payment": (
        edit("reglements", 0, "montant", "0"),
        "reglements:2: montant: montant « 0 » nul ou négatif (un règlement est supérieur à 0)",
    ),
    "unknown category": (
        edit("clients", 0, "categorie", "PATRON"),
        "clients:2: categorie: catégorie « PATRON » inconnue (attendu : ORDINAIRE, AGENT_SBEE, "
        "VIP, RETRAITE_SBEE, AGENT_CEB, MEMBRE_CA_SBEE, MEMBRE_HA_CEB, ADMINISTRATION, "
        "COLLECTIVITE_LOCALE)",
    ),
    "unknown contract voltage": (
        edit("contrats", 0, "tension", "HT"),
        "contrats:2: tension: tension « HT » inconnue (attendu BT ou MT)",
    ),
    "unknown bordereau voltage": (
        edit("bordereaux", 0, "tension", "BTA"),
        "bordereaux:2: tension: tension « BTA » inconnue (attendu BT ou MT)",
    ),
    "unreadable period": (
        edit("bordereaux", 0, "periode", "01/2026"),
        "bordereaux:2: periode: période « 01/2026 » illisible (attendu aaaa-mm)",
    ),
    "unreadable annulee": (
        edit("factures", 0, "annulee", "peut-être"),
        "factures:2: annulee: valeur « peut-être » illisible (attendu oui ou non)",
    ),
    "value too long for the database": (
        edit("contrats", 0, "compteur", "C" * 65),
        f"contrats:2: compteur: valeur « {'C' * 65} » trop longue (64 caractères au plus)",
    ),
    "duplicate client": (
        append("clients", ["C1", "Awa bis", "", "", "", "VIP"]),
        "clients:4: code_client: client « C1 » en double (déjà ligne 2)",
    ),
    "duplicate invoice": (
        append("factures", ["F2", "P1", "BT-AG1-2026-01", "2026-02-15", "", "1", ""]),
        "factures:5: facture: facture « F2 » en double (déjà ligne 3)",
    ),
    "duplicate payment receipt": (
        append("reglements", ["F1", "2026-02-03", "5 000", "R1"]),
        "reglements:4: reference: règlement « F1 / R1 » en double (déjà ligne 2)",
    ),
    "duplicate suspension": (
        append("interruptions", ["P1", "02/03/2026", "BT-AG1-2026-01", ""]),
        "interruptions:3: date_interruption: interruption « P1 / 2026-03-02 » en double "
        "(déjà ligne 2)",
    ),
    "unknown client": (
        edit("contrats", 1, "code_client", "C9"),
        "contrats:3: code_client: client « C9 » inconnu (ni dans l'import ni dans la base)",
    ),
    "unknown contract": (
        edit("factures", 2, "police", "P9"),
        "factures:4: police: contrat « P9 » inconnu (ni dans l'import ni dans la base)",
    ),
    "unknown bordereau": (
        edit("interruptions", 0, "bordereau", "BT-AG1-2025-12"),
        "interruptions:2: bordereau: bordereau « BT-AG1-2025-12 » inconnu "
        "(ni dans l'import ni dans la base)",
    ),
    "unknown invoice": (
        edit("reglements", 1, "facture", "F9"),
        "reglements:3: facture: facture « F9 » inconnue (ni dans l'import ni dans la base)",
    ),
    "restoration before suspension": (
        edit("interruptions", 0, "date_retablissement", "01/03/2026"),
        "interruptions:2: date_retablissement: rétablissement le 01/03/2026, "
        "avant l'interruption du 02/03/2026",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_kind_of_problem_is_located_and_nothing_is_written(
    db: Database, tmp_path: Path, case: str
) -> None:
    change, expected = CASES[case]
    export = base_export()
    change(export)
    assert problems_of(db, write_export(tmp_path, export)) == [expected]


def test_missing_required_column_is_reported_on_the_header_line(
    db: Database, tmp_path: Path
) -> None:
    folder = write_export(tmp_path)
    header = [h for h in HEADERS["factures"] if h != "date_emission"]
    rows = [
        [v for h, v in zip(HEADERS["factures"], row, strict=True) if h != "date_emission"]
        for row in base_export()["factures"]
    ]
    write_csv(folder, "factures", header, rows)
    assert problems_of(db, folder) == [
        "factures:1: date_emission: colonne obligatoire « date_emission » absente"
    ]


def test_every_problem_of_every_table_is_reported_in_order(db: Database, tmp_path: Path) -> None:
    export = base_export()
    edit("factures", 2, "montant", "-1")(export)
    edit("factures", 0, "date_emission", "hier")(export)
    edit("clients", 1, "categorie", "")(export)
    edit("reglements", 1, "facture", "F9")(export)
    append("factures", ["F1", "P9", "BT-AG1-2026-01", "2026-02-15", "", "1", ""])(export)
    assert problems_of(db, write_export(tmp_path, export)) == [
        "clients:3: categorie: valeur obligatoire manquante",
        "factures:2: date_emission: date « hier » illisible (attendu jj/mm/aaaa ou aaaa-mm-jj)",
        "factures:4: montant: montant « -1 » négatif",
        "factures:5: facture: facture « F1 » en double (déjà ligne 2)",
        "factures:5: police: contrat « P9 » inconnu (ni dans l'import ni dans la base)",
        "reglements:3: facture: facture « F9 » inconnue (ni dans l'import ni dans la base)",
    ]


def test_one_bad_table_keeps_the_good_ones_out_too(db: Database, tmp_path: Path) -> None:
    export = base_export()
    edit("interruptions", 0, "date_interruption", "")(export)
    problems = problems_of(db, write_export(tmp_path, export))
    assert problems == ["interruptions:2: date_interruption: valeur obligatoire manquante"]
    assert counts(db)["customer"] == 0


def test_a_duplicate_is_reported_at_each_later_occurrence(db: Database, tmp_path: Path) -> None:
    export = base_export()
    extra = ["F3", "P1", "BT-AG1-2026-01", "2026-02-15", "", "1", ""]
    export["factures"] += [extra, list(extra)]
    assert problems_of(db, write_export(tmp_path, export)) == [
        "factures:5: facture: facture « F3 » en double (déjà ligne 4)",
        "factures:6: facture: facture « F3 » en double (déjà ligne 4)",
    ]


def test_a_bad_row_does_not_make_its_references_unknown(db: Database, tmp_path: Path) -> None:
    export = base_export()
    edit("contrats", 0, "tension", "XX")(export)  # P1 is invalid, yet present
    assert problems_of(db, write_export(tmp_path, export)) == [
        "contrats:2: tension: tension « XX » inconnue (attendu BT ou MT)"
    ]


def test_a_reference_unknown_in_file_and_database_is_refused_in_a_delta(
    db: Database, tmp_path: Path
) -> None:
    run(db, write_export(tmp_path / "full"))
    delta = tmp_path / "delta"
    write_csv(
        delta,
        "reglements",
        HEADERS["reglements"],
        [["F1", "2026-03-01", "1 000", "R8"], ["F8", "2026-03-01", "1 000", "R9"]],
    )
    assert problems_of(db, delta) == [
        "reglements:3: facture: facture « F8 » inconnue (ni dans l'import ni dans la base)"
    ]


def test_lines_are_physical_lines_of_the_file(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    path = folder / "clients.csv"
    content = (
        "code_client;nom;adresse;quartier;telephone;categorie\n"
        'C1;Awa;"Lot 1\nCarré 2";;;ORDINAIRE\n'  # a quoted value over lines 2-3
        "\n"  # a blank line 4
        "C2;Mairie;;;;PATRON\n"  # line 5
    )
    path.write_text(content, encoding="utf-8")
    assert problems_of(db, folder) == [
        "clients:5: categorie: catégorie « PATRON » inconnue (attendu : ORDINAIRE, "
        "AGENT_SBEE, VIP, RETRAITE_SBEE, AGENT_CEB, MEMBRE_CA_SBEE, MEMBRE_HA_CEB, "
        "ADMINISTRATION, COLLECTIVITE_LOCALE)"
    ]


def test_workbook_problems_give_the_sheet_row(db: Database, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "clients"
    sheet.append(HEADERS["clients"])
    sheet.append(["C1", "Awa", None, None, None, "ORDINAIRE"])
    sheet.append([None] * 6)  # an empty row 3
    sheet.append(["C2", None, None, None, None, "VIP"])  # row 4
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    assert problems_of(db, path) == ["clients:4: nom: valeur obligatoire manquante"]


def test_file_neither_utf8_nor_windows_1252_is_reported(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    (folder / "clients.csv").write_bytes(
        "code_client;nom;categorie\nC1;Awa;ORDINAIRE\nC2;Hélène;VIP\n".encode("cp1252")
        + b"C3;\x81;VIP\n"
    )
    problems = problems_of(db, folder)
    assert problems[0].startswith("clients:4: : fichier « clients.csv » illisible ligne 4")


def test_empty_file_is_reported(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    (folder / "bordereaux.csv").write_bytes(b"")
    assert problems_of(db, folder) == [
        "bordereaux:1: : bordereaux.csv vide : ligne d'en-tête absente"
    ]


def _file(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return make


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda folder: folder / "absent", "import:0: : chemin introuvable"),
        (lambda folder: folder, "import:0: : aucune table reconnue dans le dossier"),
        (
            _file("export.xls", b"\xd0\xcf\x11\xe0"),
            "import:0: : « export.xls » n'est ni un dossier de fichiers CSV ni un classeur .xlsx",
        ),
        (
            _file("export.xlsx", b"not a zip"),
            "export.xlsx:0: : classeur « export.xlsx » illisible",
        ),
    ],
    ids=["missing", "no-table", "not-xlsx", "corrupt-xlsx"],
)
def test_unusable_path_is_one_problem_and_nothing_written(
    db: Database, tmp_path: Path, make: Callable[[Path], Path], expected: str
) -> None:
    problems = problems_of(db, make(tmp_path))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_problems_beyond_two_hundred_are_counted_not_listed(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    rows = [[f"C{n}", f"Client {n}", "", "", "", "PATRON"] for n in range(205)]
    write_csv(folder, "clients", HEADERS["clients"], rows)
    problems = problems_of(db, folder)
    assert len(problems) == 201
    assert problems[0].startswith("clients:2: categorie: catégorie « PATRON » inconnue")
    assert problems[-1] == (
        "import:0: : … et 5 autres problèmes, non listés : corrigez ceux-ci puis relancez l'import"
    )
