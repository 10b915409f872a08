"""`sbee-desk lists` end to end: import → select → validate → lists, on both databases."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text

from sbee_desk.db.database import open_database
from tests.builders import cli_runner

DATE = "2026-11-20"


def export(folder: Path, bt: str = "BT-09", mt: str = "MT-09", bt2: str | None = None) -> Path:
    """An ordinary BT customer to terminate, an MT town hall to remind, an exempt agent;
    ``bt`` and ``mt``: the codes of their bordereaux; with ``bt2``, one more ordinary BT
    customer to terminate, on that bordereau."""
    folder.mkdir(parents=True)
    tables = {
        "clients": "code_client;nom;adresse;quartier;telephone;categorie\n"
        "C1;Kossi Hounkpatin;Lot 12 Akpakpa;Akpakpa;;ORDINAIRE\n"
        "C2;Mairie de Cotonou;Place de l'Étoile Rouge;Ganhi;;COLLECTIVITE_LOCALE\n"
        "C3;Afiavi Zinsou;Lot 3 Gbégamey;Gbégamey;;AGENT_SBEE\n",
        "contrats": "police;code_client;tension;pdl;compteur;disjoncteur;agence;zone\n"
        "P1;C1;BT;PDL1;CPT1;DJ1;AG;Z1\nP2;C2;MT;PDL2;CPT2;;AG;Z2\nP3;C3;BT;PDL3;CPT3;DJ3;AG;Z1\n",
        "bordereaux": "bordereau;tension;agence;periode\n"
        "BT-09;BT;AG;2026-09\nMT-09;MT;AG;2026-09\n",
        "factures": "facture;police;bordereau;date_emission;date_echeance;montant;annulee\n"
        "F1;P1;BT-09;01/07/2026;16/07/2026;25 000;non\n"
        "F2;P1;BT-09;01/08/2026;;23 500;non\n"
        "F3;P2;MT-09;2026-07-01;2026-07-16;1 250 000;non\n"
        "F4;P2;MT-09;2026-08-01;2026-08-16;1 100 000;non\n"
        "F5;P3;BT-09;2026-07-01;2026-07-16;9000;non\n"
        "F6;P3;BT-09;2026-08-01;2026-08-16;9000;non\n",
        "reglements": "facture;date;montant;reference\nF1;2026-07-20;1000;R1\n",
        "interruptions": "police;date_interruption;bordereau;date_retablissement\n"
        "P1;2026-10-01;BT-09;\nP2;2026-10-01;MT-09;\nP3;2026-10-01;BT-09;\n",
    }
    tables = {
        name: content.replace("BT-09", "\0BT").replace("MT-09", mt).replace("\0BT", bt)
        for name, content in tables.items()
    }
    if bt2 is not None:
        more = {
            "clients": "C4;Codjo Ahouansou;Lot 4 Akpakpa;Akpakpa;;ORDINAIRE\n",
            "contrats": "P4;C4;BT;PDL4;CPT4;DJ4;AG;Z1\n",
            "bordereaux": f"{bt2};BT;AG;2026-09\n",
            "factures": f"F7;P4;{bt2};2026-07-01;2026-07-16;30 000;non\n"
            f"F8;P4;{bt2};2026-08-01;2026-08-16;30 000;non\n",
            "interruptions": f"P4;2026-10-01;{bt2};\n",
        }
        tables = {name: content + more.get(name, "") for name, content in tables.items()}
    for name, content in tables.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Cli:
    """`sbee-desk` in this process (see :func:`cli_runner`) and the selection run it made."""

    run: Callable[..., tuple[int, str, str]]
    run_id: int

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        return self.run(*argv)


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch, capsys, validation_clock):
    """Run commands as `chef` on a database holding the export and one selection run."""
    run = cli_runner(db_url, monkeypatch, capsys)

    assert run("import", str(export(tmp_path / "export")))[0] == 0
    code, out, _ = run("select", "--date", DATE)
    assert code == 0
    return Cli(run, int(out.strip()))


def names(bordereau: str, run: int, suffixes: tuple[str, ...]) -> list[str]:
    return [f"{bordereau}-{run}-{suffix}.{fmt}" for suffix in suffixes for fmt in ("xlsx", "pdf")]


def test_lists_for_every_validated_bordereau(cli, db_url, tmp_path) -> None:
    run = cli.run_id
    out = tmp_path / "listes"
    code, _, err = cli("lists", "--run", str(run), "--all", "--out", str(out))
    assert code == 2
    assert f"Traitement n° {run} : aucun bordereau validé" in err
    assert cli("validate", "--run", str(run), "--bordereau", "BT-09")[0] == 0

    code, stdout, err = cli("lists", "--run", str(run), "--all", "--out", str(out))
    assert code == 0, err
    assert "Non validés, sans listes : MT-09." in err
    # nobody to remind on BT-09: no empty a-relancer file (#10)
    assert f"BT-09 : 4 listes archivées au classeur (n° 1 à 4), dans {out} :" in stdout
    assert sorted(os.listdir(out)) == sorted(names("BT-09", run, ("a-resilier", "controle")))
    assert "  aucun client à relancer : aucun fichier (noté au classeur)" in stdout

    ws = load_workbook(out / f"BT-09-{run}-a-resilier.xlsx").active
    titles = [c.value for c in ws[6]]
    row = dict(zip(titles, [c.value for c in ws[7]], strict=True))
    assert (row["Police"], row["Code client"], row["Client"]) == ("P1", "C1", "Kossi Hounkpatin")
    assert (row["PdL"], row["N° compteur"], row["Catégorie"]) == ("PDL1", "CPT1", "Ordinaire")
    assert (row["Impayés"], row["Montant dû (FCFA)"]) == (2, 47_500)
    pdf = PdfReader(io.BytesIO((out / f"BT-09-{run}-controle.pdf").read_bytes()))
    page = " ".join(pdf.pages[0].extract_text().split())
    assert "P3 C3 Afiavi Zinsou Agent SBEE PDL3 CPT3" in page
    assert "Exempté (décision DG requise)" in page
    resilier = " ".join(
        PdfReader(out / f"BT-09-{run}-a-resilier.pdf").pages[0].extract_text().split()
    )
    assert "47 500 FCFA 01/10/2026 50" in resilier

    assert cli("validate", "--run", str(run), "--bordereau", "MT-09")[0] == 0
    code, stdout, _ = cli("lists", "--run", str(run), "--bordereau", "MT-09", "--out", str(out))
    assert code == 0
    relancer = load_workbook(out / f"MT-09-{run}-a-relancer.xlsx").active
    assert [c.value for c in relancer[7]][1:4] == ["P2", "C2", "Mairie de Cotonou"]
    assert relancer.cell(7, 12).value == 2_350_000
    assert "MT-09 : 2 listes archivées" in stdout  # nothing to terminate nor to control

    code, stdout, _ = cli("lists", "--run", str(run), "--bordereau", "BT-09", "--out", str(out))
    assert code == 0
    assert "nouvelle édition, enregistrée comme copie" in stdout
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT bordereau_code, is_copy, created_by FROM archive_entry ORDER BY id")
            ).all()
    finally:
        db.dispose()
    # each list without a line is in the register too, without a file
    assert [(r[0], bool(r[1])) for r in rows] == (
        [("BT-09", False)] * 5 + [("MT-09", False)] * 4 + [("BT-09", True)] * 5
    )
    assert {r[2] for r in rows} == {"chef"}


def test_bad_input_exits_2_in_french(cli, tmp_path) -> None:
    run = cli.run_id
    code, _, err = cli("lists", "--run", str(run), "--bordereau", "BT-09", "--out", str(tmp_path))
    assert code == 2
    assert f"Le bordereau BT-09 du traitement n° {run} n'est pas validé" in err
    assert cli("validate", "--run", str(run), "--bordereau", "BT-09")[0] == 0
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    code, _, err = cli("lists", "--run", str(run), "--bordereau", "BT-09", "--out", str(blocker))
    assert code == 2
    assert "Impossible d'écrire dans le dossier" in err
    with pytest.raises(SystemExit) as exc:
        cli("lists", "--run", str(run), "--bordereau", "BT-09")  # --out is required
    assert exc.value.code == 2
    code, _, err = cli(
        "--user",
        "controle",
        "lists",
        "--run",
        str(run),
        "--bordereau",
        "BT-09",
        "--out",
        str(tmp_path / "x"),
    )
    assert code == 2
    assert "n'a pas le rôle requis" in err


@pytest.mark.parametrize(
    ("bt", "bt2"), [("BT/R/2026/04", "BT_R_2026_04"), ("bt-09", "BT-09"), (".BT-09", "BT-10")]
)
def test_bordereaux_whose_codes_read_alike_get_a_file_each(
    db_url, tmp_path, monkeypatch, capsys, validation_clock, bt, bt2
) -> None:
    """#12: `BT/R/2026/04` and `BT_R_2026_04` both wrote `BT_R_2026_04-1-a-resilier…`, the
    second replacing the first; `.BT-09` wrote hidden files. Each list now has a file of
    its own, visible, under the name the command prints and the register records."""
    cli = cli_runner(db_url, monkeypatch, capsys)
    assert cli("import", str(export(tmp_path / "export", bt, "MT-09", bt2)))[0] == 0
    code, out, _ = cli("select", "--date", DATE)
    run = out.strip()
    for bordereau in (bt, bt2):
        assert cli("validate", "--run", run, "--bordereau", bordereau)[0] == 0
    folder = tmp_path / "listes"
    code, stdout, err = cli("lists", "--run", run, "--all", "--out", str(folder))
    assert code == 0, err
    files = os.listdir(folder)
    # à résilier and contrôle (bt), à résilier (bt2); xlsx and pdf
    assert len({f.casefold() for f in files}) == len(files) == 6
    assert not [f for f in files if f.startswith(".")]
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            registered = conn.execute(
                text("SELECT file_name FROM archive_entry WHERE file_format <> ''")
            ).scalars()
            assert sorted(registered) == sorted(files)
    finally:
        db.dispose()
    for name in files:
        assert f"  {name} (" in stdout
