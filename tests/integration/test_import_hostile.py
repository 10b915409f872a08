"""Hostile and careless files (issue #12): every one gets a clear French answer naming
``table:line: column:`` and what, nothing is written, the CLI exits 2 — on SQLite and
PostgreSQL; bombs are refused before they are parsed. And the real exports that used
to be refused (Windows-1252, UTF-16, tab, ``74802,00``, ``1``/``0``, one ``.csv``)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lxml import etree
from sqlalchemy import select

from sbee_desk.db.database import Database
from sbee_desk.db.models import Customer, Invoice
from sbee_desk.importers import ImportFailed, xlsx
from tests.builders import PASSWORD, add_users
from tests.integration.test_import import (
    HEADERS,
    base_export,
    counts,
    run,
    write_csv,
    write_export,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _users(db: Database) -> None:
    add_users(db)


#: library English that must never reach a message
ENGLISH = re.compile(
    r"Traceback|Error|error|not a zip|Unable|line \d|column \d|invalid|token|"
    r"field larger|unexpected|codec|decode|No such"
)


def problems_of(db: Database, path: Path) -> list[str]:
    before = counts(db)
    with pytest.raises(ImportFailed) as caught:
        run(db, path)
    assert counts(db) == before, "a refused import wrote something"
    lines = [f"{p.table}:{p.line}: {p.column}: {p.message}" for p in caught.value.problems]
    for line in lines:
        assert not ENGLISH.search(line), line
    return lines


# -- workbooks: damaged, truncated, bombs ---------------------------------------------------


def workbook(tmp_path: Path, rows: int = 3) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "clients"
    sheet.append(HEADERS["clients"])
    for n in range(rows):
        sheet.append([f"C{n}", f"Client numéro {n}", "", "", "", "ORDINAIRE"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    return path


def rewrite(path: Path, change: dict[str, bytes], name: str = "export.xlsx") -> Path:
    """A copy of the workbook at ``path`` with some parts replaced (or added)."""
    out = path.with_name(name)
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    parts.update(change)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for part, data in parts.items():
            new.writestr(part, data)
    out.write_bytes(buffer.getvalue())
    return out


SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as book:
        return book.read(SHEET)


def test_a_sheet_truncated_inside_a_valid_zip_is_a_located_french_problem(
    db: Database, tmp_path: Path
) -> None:
    good = workbook(tmp_path, rows=50)
    xml = sheet_xml(good)
    for cut in (len(xml) // 2, len(xml) - 20, 200):
        bad = rewrite(good, {SHEET: xml[:cut]}, f"cut{cut}.xlsx")
        problems = problems_of(db, bad)
        assert len(problems) == 1
        assert re.match(r"clients:\d+: : classeur « cut\d+\.xlsx » endommagé", problems[0])
        assert "tronqué ou corrompu" in problems[0]


@pytest.mark.parametrize("position", [0.1, 0.3, 0.5, 0.7, 0.9])
@pytest.mark.parametrize("byte", [b"<", b"\x00", b"\xff", b'"'])
def test_flipped_bytes_in_a_sheet_never_crash(
    db: Database, tmp_path: Path, position: float, byte: bytes
) -> None:
    good = workbook(tmp_path, rows=20)
    xml = bytearray(sheet_xml(good))
    at = int(len(xml) * position)
    xml[at : at + 1] = byte
    bad = rewrite(good, {SHEET: bytes(xml)}, "flipped.xlsx")
    before = counts(db)
    try:
        run(db, bad)  # a flip inside a value may leave a readable workbook
    except ImportFailed as failed:
        for p in failed.problems:
            assert not ENGLISH.search(p.message), p.message
        assert counts(db) == before


@pytest.mark.parametrize(
    "content",
    [b"not a zip", b"PK\x03\x04" + b"\x00" * 40, b""],
    ids=["text", "zip-header-only", "empty"],
)
def test_a_file_that_is_no_workbook_says_so_in_french(
    db: Database, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    assert problems_of(db, path) == [
        "export.xlsx:0: : classeur « export.xlsx » illisible : ce n'est pas un classeur Excel "
        ".xlsx valide (fichier endommagé ou tronqué ?)"
    ]


class CountingParser(etree.XMLPullParser):  # type: ignore[misc]
    """Counts the bytes handed to any XML parser."""

    fed = 0

    def feed(self, data: Any) -> None:
        CountingParser.fed += len(data)
        super().feed(data)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingParser]:
    CountingParser.fed = 0
    monkeypatch.setattr(xlsx, "XMLPullParser", CountingParser)
    return CountingParser


def shared_strings(count: int) -> bytes:
    body = b"".join(b"<si><t>s%d</t></si>" % n for n in range(count))
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + body
        + b"</sst>"
    )


def with_strings(path: Path, strings: bytes) -> Path:
    """The workbook with a shared-strings part (declared in its relationships)."""
    with zipfile.ZipFile(path) as book:
        rels = book.read("xl/_rels/workbook.xml.rels")
        types = book.read("[Content_Types].xml")
    if b"sharedStrings" not in rels:
        rels = rels.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
    return rewrite(
        path,
        {
            "xl/sharedStrings.xml": strings,
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": types,
        },
        "bomb.xlsx",
    )


def test_a_shared_strings_bomb_is_refused_before_it_is_parsed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counting: type[CountingParser]
) -> None:
    monkeypatch.setattr(xlsx, "MAX_STRINGS_BYTES", 1 << 20)
    bomb = with_strings(workbook(tmp_path), shared_strings(200_000))  # ~4 MB, 0.5 MB zipped
    problems = problems_of(db, bomb)
    assert len(problems) == 1
    assert problems[0].startswith(
        "bomb.xlsx:0: : classeur « bomb.xlsx » refusé : « xl/sharedStrings.xml » fait "
    )
    assert "une fois décompressé (1 Mo au plus)" in problems[0]
    assert counting.fed < 100_000, "the bomb was parsed"


def test_too_many_shared_strings_are_refused_while_counted(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_STRINGS", 1000)
    bomb = with_strings(workbook(tmp_path), shared_strings(5000))
    assert problems_of(db, bomb) == [
        "bomb.xlsx:0: : classeur « bomb.xlsx » refusé : plus de 1000 textes différents"
    ]


def test_shared_strings_beyond_their_memory_budget_are_refused(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_STRINGS_MEMORY", 100_000)
    bomb = with_strings(workbook(tmp_path), shared_strings(5000))
    assert problems_of(db, bomb) == [
        "bomb.xlsx:0: : classeur « bomb.xlsx » refusé : ses textes occuperaient plus de "
        "97,7 Ko en mémoire"
    ]


def test_a_zip_bomb_is_refused_on_its_declared_sizes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counting: type[CountingParser]
) -> None:
    monkeypatch.setattr(xlsx, "MAX_TOTAL_BYTES", 1 << 20)
    bomb = rewrite(workbook(tmp_path), {"xl/media/zeros.bin": b"\0" * (4 << 20)}, "bomb.xlsx")
    assert bomb.stat().st_size < 100_000
    problems = problems_of(db, bomb)
    assert len(problems) == 1
    assert re.fullmatch(
        r"bomb\.xlsx:0: : classeur « bomb\.xlsx » refusé : 4,\d+ Mo une fois décompressé "
        r"\(1 Mo au plus\)",
        problems[0],
    )
    assert counting.fed == 0


def test_a_giant_cell_is_refused_before_the_parser_holds_it(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counting: type[CountingParser]
) -> None:
    monkeypatch.setattr(xlsx, "MAX_TEXT_BYTES", 64 << 10)
    good = workbook(tmp_path)
    giant = sheet_xml(good).replace(b"Client num", b"A" * (8 << 20), 1)
    problems = problems_of(db, rewrite(good, {SHEET: giant}, "giant.xlsx"))
    assert len(problems) == 1
    assert problems[0].endswith(
        ": : classeur « giant.xlsx » refusé : « xl/worksheets/sheet1.xml » contient "
        "un texte de plus de 64 Ko"
    )
    assert counting.fed < 4 << 20


def test_an_entity_bomb_is_refused(db: Database, tmp_path: Path) -> None:
    good = workbook(tmp_path)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    xml = sheet_xml(good).replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b"")
    xml = laughs + re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    problems = problems_of(db, rewrite(good, {SHEET: xml}, "lol.xlsx"))
    assert len(problems) == 1
    assert "contient une déclaration DTD ou CDATA" in problems[0]


def test_rows_beyond_excel_limit_and_rows_too_wide_are_refused(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = workbook(tmp_path)
    xml = sheet_xml(good)
    far = xml.replace(b'<row r="4"', b'<row r="9999999"').replace(b'r="A4"', b'r="A9999999"')
    problems = problems_of(db, rewrite(good, {SHEET: far}, "far.xlsx"))
    assert len(problems) == 1
    assert problems[0].endswith(
        "far.xlsx, feuille clients : plus de 1048576 lignes (la limite d'Excel)"
    )
    monkeypatch.setattr(xlsx, "MAX_ROW_CELLS", 100)
    cells = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(200))
    wide = xml.replace(b"</row>", cells + b"</row>", 3)
    problems = problems_of(db, rewrite(good, {SHEET: wide}, "wide.xlsx"))
    assert len(problems) == 1
    assert "ligne de plus de 100 cellules" in problems[0]


# -- control characters --------------------------------------------------------------------


def test_a_nul_in_a_name_is_refused_on_every_database(db: Database, tmp_path: Path) -> None:
    export = base_export()
    export["clients"][1][1] = "Mairie\x00 de Porto-Novo"
    problems = problems_of(db, write_export(tmp_path / "export", export))
    assert problems == [
        "clients:3: nom: valeur « Mairie\\x00 de Porto-Novo » : caractère de contrôle U+0000 "
        "interdit (fichier endommagé ?)"
    ]


def test_a_nul_at_the_start_of_an_invoice_line_is_reported_on_that_line(
    db: Database, tmp_path: Path
) -> None:
    export = base_export()
    export["factures"][0][0] = "\x00F1"
    problems = problems_of(db, write_export(tmp_path / "export", export))
    assert problems == [
        "factures:2: facture: valeur « \\x00F1 » : caractère de contrôle U+0000 interdit "
        "(fichier endommagé ?)"
    ]


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x85"])
def test_every_control_character_is_refused_in_a_text(
    db: Database, tmp_path: Path, char: str
) -> None:
    export = base_export()
    export["contrats"][0][4] = f"CPT{char}1"
    problems = problems_of(db, write_export(tmp_path / "export", export))
    assert len(problems) == 1
    assert problems[0].startswith("contrats:2: compteur: valeur « CPT\\x")
    assert f"U+{ord(char):04X}" in problems[0]


# -- floods --------------------------------------------------------------------------------


def test_a_very_long_value_is_cut_in_its_message(db: Database, tmp_path: Path) -> None:
    export = base_export()
    export["clients"][0][5] = "X" * 60_000
    problems = problems_of(db, write_export(tmp_path / "export", export))
    assert len(problems) == 1
    assert len(problems[0]) < 300
    assert "« XXXXXXXX" in problems[0] and "… (60000 caractères) »" in problems[0]


def test_two_hundred_problems_are_listed_then_the_others_counted(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    rows = [[f"C{n}", f"Client {n}", "", "", "", "PATRON"] for n in range(1000)]
    write_csv(folder, "clients", HEADERS["clients"], rows)
    problems = problems_of(db, folder)
    assert len(problems) == 201
    assert problems[-1] == (
        "import:0: : … et 800 autres problèmes, non listés : corrigez ceux-ci puis relancez "
        "l'import"
    )


def test_references_beyond_the_list_are_counted_exactly(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    header = HEADERS["reglements"]
    rows = [[f"F{n}", "2026-02-01", "100", f"R{n}"] for n in range(450)]
    write_csv(folder, "reglements", header, rows)
    with pytest.raises(ImportFailed) as caught:
        run(db, folder)
    assert caught.value.total == 450
    assert len(caught.value.problems) == 201
    assert caught.value.problems[-1].message.startswith("… et 250 autres problèmes")


def test_an_unclosed_quote_is_reported_at_its_line_alone(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "export")
    lines = (folder / "clients.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Mairie", '"Mairie')
    lines += [f"C{n};Client {n};;;;ORDINAIRE" for n in range(10, 160)]
    (folder / "clients.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert problems_of(db, folder) == [
        "clients:3: : guillemet ouvert ligne 3 et jamais refermé (100 lignes lues) : "
        "le reste du fichier n'est pas lu"
    ]


def test_an_unclosed_quote_on_the_last_lines_says_the_end_was_reached(
    db: Database, tmp_path: Path
) -> None:
    folder = write_export(tmp_path / "export")
    with (folder / "clients.csv").open("a", encoding="utf-8") as f:
        f.write('C9;"Awa;;;;ORDINAIRE\r\n')
    assert problems_of(db, folder) == [
        "clients:4: : guillemet ouvert ligne 4 et jamais refermé (fin du fichier atteinte) : "
        "le reste du fichier n'est pas lu"
    ]


def test_a_line_without_end_is_refused(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "export")
    with (folder / "clients.csv").open("a", encoding="utf-8") as f:
        f.write("C9;" + "A" * 1_000_000)
    problems = problems_of(db, folder)
    assert problems == [
        "clients:4: : ligne de plus de 65536 caractères : est-ce bien un fichier CSV ?"
    ]


def test_a_header_of_a_million_columns_is_refused(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "export")
    (folder / "clients.csv").write_text(";".join(f"x{n}" for n in range(5000)) + "\n")
    assert problems_of(db, folder) == ["clients:1: : en-tête de 5000 colonnes (1000 au plus)"]


# -- real exports that used to be refused ---------------------------------------------------


def names(db: Database) -> dict[str, str]:
    with db.uow() as uow:
        return {
            code: name for code, name in uow.session.execute(select(Customer.code, Customer.name))
        }


def test_a_windows_1252_export_is_read_and_the_summary_says_so(
    db: Database, tmp_path: Path
) -> None:
    folder = write_export(tmp_path / "export")
    clients = folder / "clients.csv"
    text = clients.read_text(encoding="utf-8").replace("Awa Dossou", "Awa Dossou-Hégbé €")
    clients.write_bytes(text.encode("cp1252"))
    result = run(db, folder)
    assert names(db)["C1"] == "Awa Dossou-Hégbé €"
    assert any(
        w.startswith("clients.csv : pas en UTF-8, lu en Windows-1252") for w in result.warnings
    )


def test_a_file_neither_utf8_nor_windows_1252_is_refused_at_its_line(
    db: Database, tmp_path: Path
) -> None:
    folder = write_export(tmp_path / "export")
    with (folder / "clients.csv").open("ab") as f:
        f.write(b"C9;Caf\xe9 \x81;;;;ORDINAIRE\r\n")
    assert problems_of(db, folder) == [
        "clients:4: : fichier « clients.csv » illisible ligne 4 : caractère ni UTF-8 ni "
        "Windows-1252 (enregistrez-le en « CSV UTF-8 »)"
    ]


def test_an_excel_unicode_text_export_utf16_tab_separated_is_read(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for table, rows in base_export().items():
        lines = ["\t".join(HEADERS[table]), *("\t".join(row) for row in rows)]
        (folder / f"{table}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    run(db, folder)
    assert names(db)["C1"] == "Awa Dossou"
    assert counts(db)["invoice"] == 3


def test_tab_separated_utf8_decimal_zero_amounts_and_one_zero_flags(
    db: Database, tmp_path: Path
) -> None:
    export = base_export()
    export["factures"][0][5] = "125 000,00"
    export["factures"][1][5] = "48500.00"
    export["factures"][0][6] = "1"
    export["factures"][1][6] = "0"
    run(db, write_export(tmp_path / "export", export, separator="\t"))
    with db.uow() as uow:
        rows = uow.session.execute(select(Invoice.number, Invoice.amount, Invoice.cancelled))
        found = {n: (a, c) for n, a, c in rows}
    assert found["F1"] == (125000, True)
    assert found["F2"] == (48500, False)


def test_a_single_csv_file_is_an_import_of_its_table(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "export")
    result = run(db, folder / "clients.csv")
    assert list(result.counts) == ["clients"]
    assert result.counts["clients"].inserted == 2


def test_a_single_csv_file_not_named_after_a_table_is_refused(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "clients", HEADERS["clients"], [], name="export.csv")
    problems = problems_of(db, path)
    assert problems[0].startswith("import:0: : « export.csv » ne correspond à aucune table")


# -- the command line ----------------------------------------------------------------------


def test_the_command_exits_2_with_french_words_for_a_damaged_workbook(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    good = workbook(tmp_path, rows=50)
    bad = rewrite(good, {SHEET: sheet_xml(good)[:-300]}, "cut.xlsx")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SBEE_DESK_DB": db_url,
        "SBEE_DESK_USER": "chef",
        "SBEE_DESK_PASSWORD": PASSWORD,
        "QT_QPA_PLATFORM": "none",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sbee_desk.cli import main; sys.exit(main(['import', sys.argv[1]]))",
            str(bad),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"^clients:\d+: : classeur « cut\.xlsx » endommagé", result.stderr, re.M)
    assert counts(db)["customer"] == 0


def test_the_command_counts_every_problem_not_only_those_listed(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    rows = [[f"C{n}", f"Client {n}", "", "", "", "PATRON"] for n in range(1000)]
    write_csv(folder, "clients", HEADERS["clients"], rows)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SBEE_DESK_DB": db_url,
        "SBEE_DESK_USER": "chef",
        "SBEE_DESK_PASSWORD": PASSWORD,
        "QT_QPA_PLATFORM": "none",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sbee_desk.cli import main; sys.exit(main(['import', sys.argv[1]]))",
            str(folder),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    # 1 000 with the thousands separator of the wording (a narrow no-break space)
    assert re.search(r"Import refusé : 1\s000 problèmes", result.stderr), result.stderr[-500:]
