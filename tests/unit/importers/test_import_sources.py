"""Reading the export files: CSV encoding, separators, lines; workbook cells; PATH."""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile
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


def test_a_file_not_in_utf8_is_read_as_windows_1252_with_a_warning(tmp_path: Path) -> None:
    lines = ["facture;police"] + [f"F{i};P{i}" for i in range(2, 3000)] + ["F3000;Pé€"]
    table = csv_file(tmp_path, "\n".join(lines).encode("cp1252"))
    _, rows = read_all(table)
    assert rows[-1] == (3000, ["F3000", "Pé€"])
    assert table.warnings[0].startswith("factures.csv : pas en UTF-8, lu en Windows-1252")


def test_a_byte_undefined_in_windows_1252_is_reported_at_its_line(tmp_path: Path) -> None:
    lines = ["facture;police"] + [f"F{i};P{i}" for i in range(2, 3000)] + ["F3000;P\x81"]
    table = csv_file(tmp_path, "\n".join(lines).encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        read_all(table)
    problem = caught.value.problem
    assert (problem.table, problem.line) == ("factures", 3000)
    assert "ni UTF-8 ni Windows-1252" in problem.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_a_bom_says_the_encoding(tmp_path: Path, encoding: str) -> None:
    content = "facture\tpolice\r\nF1\tPé\r\n"
    raw = content.encode(encoding)
    if encoding == "utf-16-le":
        raw = codecs.BOM_UTF16_LE + raw
    header, rows = read_all(csv_file(tmp_path, raw))
    assert header == ["facture", "police"]
    assert rows == [(2, ["F1", "Pé"])]


def test_unclosed_quote_is_reported(tmp_path: Path) -> None:
    table = csv_file(tmp_path, b'facture;police\nF1;"P1\n' + b"x" * 200_000 + b"\n")
    with pytest.raises(SourceError) as caught:
        read_all(table)
    assert caught.value.problem.line == 2
    assert caught.value.problem.message.startswith("guillemet ouvert ligne 2 et jamais refermé")


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
    path = tmp_path / "export.txt"
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


_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_an_excel_workbook_with_shared_strings_dates_and_1904_epoch_is_read(
    tmp_path: Path,
) -> None:
    """What Excel writes (openpyxl writes inline strings): shared strings with rich
    runs and phonetics, a custom date format, the 1904 date system."""
    parts = {
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="r1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook {_MAIN} xmlns:r="{_RELS}"><workbookPr date1904="1"/>'
            '<sheets><sheet name="Factures" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": (
            f"<sst {_MAIN}><si><t>facture</t></si><si><t>date_emission</t></si>"
            "<si><r><t>F</t></r><r><t>1</t></r><rPh><t>ignored</t></rPh></si></sst>"
        ),
        "xl/styles.xml": (
            f'<styleSheet {_MAIN}><numFmts count="1"><numFmt numFmtId="164" '
            'formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="164"/></cellXfs></styleSheet>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet {_MAIN}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
            '<c r="B1" t="s"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>2</v></c>'
            '<c r="B3" s="1"><v>44000</v></c><c r="D3"><v>12.5</v></c></row>'
            "</sheetData></worksheet>"
        ),
    }
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        for name, xml in parts.items():
            book.writestr(name, xml)
    source = open_source(path)
    try:
        (table,) = source.tables
        with table:
            assert table.header() == ["facture", "date_emission"]
            rows = [row for chunk in table.chunks([Kind.TEXT, Kind.DATE], 10) for row in chunk]
    finally:
        source.close()
    # 44000 days after 1904-01-01; the value beyond the header is kept to be reported
    assert rows == [(3, ["F1", "2024-06-19", "12.5"])]
