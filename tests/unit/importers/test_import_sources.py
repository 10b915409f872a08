"""Reading the export files: CSV encoding, separators, lines; workbook cells; PATH."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sbee_desk.importers.formats import FACTURES, Kind
from sbee_desk.importers.results import ImportFailed
from sbee_desk.importers.sources import CsvTable, SourceError, cell_text, open_source


def read_all(
    table: CsvTable, size: int = 1000
) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    with table:
        header = table.header()
        rows = [row for chunk in table.chunks([], size) for row in chunk] if header else []
    return header, rows


def csv_file(tmp_path: Path, content: bytes, name: str = "factures.csv") -> CsvTable:
    path = tmp_path / name
    path.write_bytes(content)
    return CsvTable(FACTURES, path)


def test_utf8_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    header, rows = read_all(csv_file(tmp_path, "\ufefffacture;police\nF1;Pé\n".encode()))
    assert header == ["facture", "police"]
    assert rows == [(2, ["F1", "Pé"])]


def test_file_without_bom_reads_the_same(tmp_path: Path) -> None:
    header, rows = read_all(csv_file(tmp_path, "facture;police\nF1;Pé\n".encode()))
    assert header == ["facture", "police"]
    assert rows == [(2, ["F1", "Pé"])]


def test_comma_separated_file_is_split_on_commas(tmp_path: Path) -> None:
    header, rows = read_all(csv_file(tmp_path, b"facture,police\r\nF1,P1\r\nF2,P2\r\n"))
    assert header == ["facture", "police"]
    assert rows == [(2, ["F1", "P1"]), (3, ["F2", "P2"])]


def test_quoted_values_may_hold_the_separator_and_line_breaks(tmp_path: Path) -> None:
    content = 'facture;police\nF1;"P;1"\nF2;"deux\nlignes"\nF3;"dit ""x"""\nF4;P4\n'
    _, rows = read_all(csv_file(tmp_path, content.encode()))
    assert rows == [
        (2, ["F1", "P;1"]),
        (3, ["F2", "deux\nlignes"]),
        (5, ["F3", 'dit "x"']),  # the physical line: line 4 was the quoted value's second
        (6, ["F4", "P4"]),
    ]


def test_rows_come_by_chunks_with_their_physical_lines(tmp_path: Path) -> None:
    body = "".join(f"F{i};P{i}\n" for i in range(2, 9))
    table = csv_file(tmp_path, ("facture;police\n" + body).encode())
    with table:
        table.header()
        chunks = list(table.chunks([], 3))
    assert [[line for line, _ in chunk] for chunk in chunks] == [[2, 3, 4], [5, 6, 7], [8]]


def test_empty_file_has_no_header(tmp_path: Path) -> None:
    header, rows = read_all(csv_file(tmp_path, b""))
    assert header is None
    assert rows == []


def test_latin1_file_is_reported_at_its_first_bad_line(tmp_path: Path) -> None:
    lines = ["facture;police"] + [f"F{i};P{i}" for i in range(2, 3000)] + ["F3000;Pé"]
    table = csv_file(tmp_path, "\n".join(lines).encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        read_all(table)
    problem = caught.value.problem
    assert (problem.table, problem.line) == ("factures", 3000)
    assert "UTF-8" in problem.message


def test_unclosed_quote_is_reported(tmp_path: Path) -> None:
    table = csv_file(tmp_path, b'facture;police\nF1;"P1\n' + b"x" * 200_000 + b"\n")
    with pytest.raises(SourceError) as caught:
        read_all(table)
    assert caught.value.problem.line == 2


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (None, Kind.TEXT, ""),
        ("15/01/2026", Kind.DATE, "15/01/2026"),
        (dt.datetime(2026, 1, 15, 0, 0), Kind.DATE, "2026-01-15"),
        (dt.date(2026, 1, 15), Kind.DATE, "2026-01-15"),
        (dt.datetime(2026, 1, 1), Kind.PERIOD, "2026-01"),
        (125000, Kind.AMOUNT, "125000"),
        (125000.0, Kind.AMOUNT, "125000"),
        (12.5, Kind.AMOUNT, "12.5"),
        (97000000, Kind.TEXT, "97000000"),
        (True, Kind.FLAG, "oui"),
        (False, Kind.FLAG, "non"),
    ],
)
def test_workbook_cells_become_the_text_a_csv_would_hold(
    value: object, kind: Kind, text: str
) -> None:
    assert cell_text(value, kind) == text


def problem_of(path: Path) -> str:
    with pytest.raises(ImportFailed) as caught:
        open_source(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_missing_path_is_one_problem(tmp_path: Path) -> None:
    assert problem_of(tmp_path / "nulle-part").startswith("import:0: : chemin introuvable")


def test_folder_without_known_table_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a;b\n")
    assert problem_of(tmp_path).startswith("import:0: : aucune table reconnue dans le dossier")


def test_a_file_that_is_not_a_workbook_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("facture;police\n")
    assert "ni un dossier de fichiers CSV ni un classeur .xlsx" in problem_of(path)


def test_corrupt_workbook_is_one_problem_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert problem_of(path).startswith("export.xlsx:0: : classeur « export.xlsx » illisible")


def test_table_files_are_found_whatever_the_case_and_others_are_warned(tmp_path: Path) -> None:
    (tmp_path / "FACTURES.CSV").write_text("facture\n")
    (tmp_path / "Clients.csv").write_text("code_client\n")
    (tmp_path / "notes.csv").write_text("x\n")
    (tmp_path / "lisez-moi.txt").write_text("x\n")
    source = open_source(tmp_path)
    assert [t.spec.name for t in source.tables] == ["clients", "factures"]  # dependency order
    assert [name for name, _ in source.files] == ["Clients.csv", "FACTURES.CSV"]
    assert len(source.files[0][1]) == 64
    assert source.warnings == [
        "fichier « notes.csv » ignoré : table inconnue (attendu : clients, contrats, "
        "bordereaux, factures, reglements, interruptions)"
    ]


def test_workbook_sheets_are_tables_and_unknown_sheets_are_warned(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Feuil1"
    workbook.create_sheet(" Factures ").append(["facture"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    source = open_source(path)
    try:
        assert [t.spec.name for t in source.tables] == ["factures"]
        assert source.warnings[0].startswith("feuille « Feuil1 » ignorée")
        assert source.files[0][0] == "export.xlsx"
    finally:
        source.close()
