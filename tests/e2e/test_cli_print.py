"""`sbee-desk print` and `sbee-desk handover` (#10): the print queue from the command line,
through the same services as the page, the pages drawn by Qt into a real PDF file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from sbee_desk.db.database import open_database
from tests.builders import cli_runner
from tests.integration.test_edition_cli import DATE, export

# pages are drawn by Qt: headless here (the gui conftest's setting wins when it ran first)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@dataclass(frozen=True)
class Cli:
    """`sbee-desk` in this process (see :func:`cli_runner`) and the URL of its database."""

    run: Callable[..., tuple[int, str, str]]
    url: str

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        return self.run(*argv)


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch, capsys, qapp, validation_clock):
    """`chef` on a database with one edition: the letter n° 00000001 (P2, releveur) and the
    order n° 00000001 (P1, chef RPNT) — the two series are separate. Staff: releveur R01,
    agent RPNT N01, magasinier M01, releveur R02 inactive."""
    run = cli_runner(db_url, monkeypatch, capsys)

    assert run("import", str(export(tmp_path / "export")))[0] == 0
    code, out, _ = run("select", "--date", DATE)
    assert code == 0
    assert run("validate", "--run", out.strip(), "--all")[0] == 0
    assert run("edition")[0] == 0
    for matricule, name, role, active in [
        ("R01", "Codjo Ahouansou", "RELEVEUR", "oui"),
        ("N01", "Sèna Agbodjan", "AGENT_RPNT", "oui"),
        ("M01", "Kossi Zinsou", "MAGASINIER", "oui"),
        ("R02", "Ancien Releveur", "RELEVEUR", "non"),
    ]:
        code, _, err = run(
            "staff",
            "add",
            matricule,
            "--name",
            name,
            "--role",
            role,
            "--active",
            active,
            "--user",
            "admin",
        )
        assert code == 0, err
    return Cli(run, db_url)


def documents(url: str) -> dict[tuple[str, str], tuple[str, int, str | None]]:
    """(kind, number) → (status, print_count, matricule handed to)."""
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT d.kind, d.number, d.status, d.print_count, s.matricule "
                    "FROM edition_document d LEFT JOIN staff_member s ON s.id = d.handed_to"
                )
            ).all()
    finally:
        db.dispose()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def pages_of(url: str, *kinds: str) -> int:
    """The pages of the documents of these kinds (LETTER, ORDER), as stored."""
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT kind, pages FROM edition_document")).all()
    finally:
        db.dispose()
    return sum(pages for kind, pages in rows if kind in kinds)


def audit_events(url: str, prefix: str = "") -> list[tuple[str, str | None]]:
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            return [
                (r[0], r[1])
                for r in conn.execute(
                    text(
                        "SELECT action, details FROM audit_event WHERE action LIKE :p ORDER BY id"
                    ),
                    {"p": f"{prefix}%"},
                )
            ]
    finally:
        db.dispose()


def changes(url: str) -> list[tuple[str, str | None]]:
    """The audit journal but the sign-ins (each command signs its user in)."""
    return [e for e in audit_events(url) if not e[0].startswith("login")]


def pdf_pages(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


LETTER, ORDER = ("LETTER", "00000001"), ("ORDER", "00000001")


def test_print_a_batch_to_a_pdf_then_a_reprint_needs_a_reason(cli, tmp_path) -> None:
    out = tmp_path / "impression" / "lot-1.pdf"
    out.parent.mkdir()
    code, stdout, err = cli("print", "--batch", "1", "--pdf", str(out))
    assert code == 0, err
    assert pdf_pages(out) == pages_of(cli.url, "LETTER", "ORDER") >= 2
    assert documents(cli.url) == {LETTER: ("IMPRIME", 1, None), ORDER: ("IMPRIME", 1, None)}
    assert "2 documents imprimés (1 lettre, 1 ordre)" in stdout and str(out) in stdout
    assert "(s)" not in stdout + err
    assert [a for a, _ in audit_events(cli.url, "edition.print")] == ["edition.print"] * 2
    assert sorted(p.name for p in out.parent.iterdir()) == ["lot-1.pdf"]  # no temporary file

    # the same documents again, as a PDF too: a reprint, refused without a reason
    before = changes(cli.url)
    again = tmp_path / "impression" / "lot-1-bis.pdf"
    code, stdout, err = cli("print", "--batch", "1", "--pdf", str(again))
    assert code == 2
    assert "déjà imprimés" in err and "00000001" in err and "--reason" in err
    assert "Rien n'a été imprimé ni enregistré" in err
    assert documents(cli.url) == {LETTER: ("IMPRIME", 1, None), ORDER: ("IMPRIME", 1, None)}
    assert changes(cli.url) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["lot-1.pdf"]

    code, stdout, err = cli(
        "print",
        "--batch",
        "1",
        "--recipient",
        "RELEVEUR",
        "--pdf",
        str(again),
        "--reason",
        "bourrage papier",
    )
    assert code == 0, err
    assert "Réimpression" in stdout and "1 document imprimé (1 lettre)" in stdout
    assert pdf_pages(again) == pages_of(cli.url, "LETTER")
    assert documents(cli.url)[LETTER] == ("IMPRIME", 2, None)
    assert documents(cli.url)[ORDER] == ("IMPRIME", 1, None)
    reprints = audit_events(cli.url, "edition.reprint")
    assert len(reprints) == 1 and "bourrage papier" in str(reprints[0][1])


def test_print_by_number(cli, tmp_path) -> None:
    out = tmp_path / "n.pdf"
    # the letter n° 1 and the order n° 1 share the number: say which
    code, _, err = cli("print", "--number", "00000001", "--pdf", str(out))
    assert code == 2 and "une lettre et un ordre portent ce numéro" in err and "--kind" in err
    code, _, err = cli("print", "--number", "00000042", "--pdf", str(out))
    assert code == 2 and "N° 00000042 : aucune lettre ni aucun ordre édité" in err
    code, _, err = cli("print", "--number", "12a", "--pdf", str(out))
    assert code == 2 and "« 12a »" in err
    assert not out.exists()
    assert documents(cli.url) == {LETTER: ("GENERE", 0, None), ORDER: ("GENERE", 0, None)}

    code, stdout, err = cli("print", "--number", "1", "--kind", "ordre", "--pdf", str(out))
    assert code == 0, err
    assert "1 document imprimé (1 ordre)" in stdout
    assert pdf_pages(out) == pages_of(cli.url, "ORDER")
    assert documents(cli.url) == {LETTER: ("GENERE", 0, None), ORDER: ("IMPRIME", 1, None)}


def test_cancelled_documents_are_never_printed(cli, tmp_path) -> None:
    # P1 pays one of its two invoices: R7 cancels its order at the import
    paid = tmp_path / "paiement"
    paid.mkdir()
    (paid / "reglements.csv").write_text(
        "facture;date;montant;reference\nF2;2026-12-01;23500;R9\n", encoding="utf-8"
    )
    assert cli("import", str(paid))[0] == 0
    out = tmp_path / "lot.pdf"
    code, stdout, err = cli("print", "--batch", "1", "--pdf", str(out))
    assert code == 0, err
    assert "Non imprimé, annulé (R7) : ordre n° 00000001, police P1" in err
    assert "1 document imprimé (1 lettre)" in stdout
    assert pdf_pages(out) == pages_of(cli.url, "LETTER")
    assert documents(cli.url) == {LETTER: ("IMPRIME", 1, None), ORDER: ("GENERE", 0, None)}

    code, _, err = cli("print", "--number", "1", "--kind", "ordre", "--pdf", str(tmp_path / "o"))
    assert code == 2 and "Aucun document à imprimer" in err
    assert not (tmp_path / "o").exists()


def test_print_needs_a_known_printer_or_a_pdf_file(cli, monkeypatch, tmp_path) -> None:
    from PySide6.QtPrintSupport import QPrinterInfo

    # the edge of the system: which printers the machine has
    monkeypatch.setattr(QPrinterInfo, "availablePrinterNames", staticmethod(lambda: []))
    monkeypatch.setattr(QPrinterInfo, "defaultPrinterName", staticmethod(lambda: ""))
    code, _, err = cli("print", "--batch", "1")
    assert code == 2 and "Aucune imprimante" in err and "--pdf FICHIER" in err
    monkeypatch.setattr(
        QPrinterInfo, "availablePrinterNames", staticmethod(lambda: ["Bureau-HP", "Accueil"])
    )
    code, _, err = cli("print", "--batch", "1", "--printer", "Salle-B")
    assert code == 2 and "« Salle-B » inconnue" in err and "Bureau-HP, Accueil" in err
    code, _, err = cli("print", "--batch", "1")
    assert code == 2 and "--printer" in err and "Bureau-HP" in err  # several, no default
    code, _, err = cli("print", "--batch", "7", "--pdf", str(tmp_path / "x.pdf"))
    assert code == 2 and "édition n° 7 introuvable" in err
    code, _, err = cli("print", "--batch", "1", "--pdf", str(tmp_path / "absent" / "x.pdf"))
    assert code == 2 and "absent" in err
    code, _, err = cli(
        "print", "--batch", "1", "--pdf", str(tmp_path / "x.pdf"), "--user", "agent_controle"
    )
    assert code == 2 and "refusée" in err
    assert documents(cli.url) == {LETTER: ("GENERE", 0, None), ORDER: ("GENERE", 0, None)}
    assert audit_events(cli.url, "edition.print") == []
    assert not (tmp_path / "x.pdf").exists()


def test_hand_over(cli, tmp_path) -> None:
    code, _, err = cli("handover", "--number", "1", "--to", "R01")
    assert code == 2 and "pas encore imprimé" in err
    assert cli("print", "--batch", "1", "--pdf", str(tmp_path / "lot.pdf"))[0] == 0
    for matricule, message in [
        ("Z99", "matricule « Z99 » inconnu"),
        ("R02", "inactif"),
        ("M01", "magasinier"),
    ]:
        code, _, err = cli("handover", "--number", "1", "--to", matricule)
        assert code == 2 and message in err, err
    code, _, err = cli("handover", "--number", "00000042", "--to", "R01")
    assert code == 2 and "00000042" in err
    assert documents(cli.url) == {LETTER: ("IMPRIME", 1, None), ORDER: ("IMPRIME", 1, None)}
    assert audit_events(cli.url, "edition.handover") == []

    # n° 1 to a releveur is the letter; to the agent RPNT, the order
    code, stdout, err = cli("handover", "--number", "1", "--to", "R01")
    assert code == 0, err
    assert "1 lettre (n° 00000001) remise à Codjo Ahouansou (R01)" in stdout
    code, stdout, err = cli("handover", "--number", "00000001", "--to", "N01")
    assert code == 0, err
    assert "1 ordre (n° 00000001) remis à Sèna Agbodjan (N01)" in stdout
    assert documents(cli.url) == {LETTER: ("REMIS", 1, "R01"), ORDER: ("REMIS", 1, "N01")}
    assert len(audit_events(cli.url, "edition.handover")) == 2


def test_print_runs_headless_without_a_display(cli, tmp_path) -> None:
    """As a scheduler runs it: no DISPLAY, no QT_QPA_PLATFORM; the command goes offscreen."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = tmp_path / "nuit.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sbee_desk.cli import main; sys.exit(main(sys.argv[1:]))",
            "print",
            "--batch",
            "1",
            "--pdf",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert pdf_pages(out) == pages_of(cli.url, "LETTER", "ORDER")
    assert documents(cli.url) == {LETTER: ("IMPRIME", 1, None), ORDER: ("IMPRIME", 1, None)}
