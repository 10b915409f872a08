"""`sbee-desk edition`: import → select → validate → edition, headless (#6)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sbee_desk.db.database import open_database
from tests.builders import PASSWORD, add_users, cli_runner
from tests.integration.edition_world import pdf_text

DATE = "2026-11-20"


def export(folder: Path) -> Path:
    """A BT customer to terminate (with no address), an MT town hall to remind."""
    folder.mkdir(parents=True)
    tables = {
        "clients": "code_client;nom;adresse;quartier;telephone;categorie\n"
        "C1;Kossi Hounkpatin;;Akpakpa;;ORDINAIRE\n"
        "C2;Mairie de Sèmè-Podji;Place de l'Étoile Rouge;Ganhi;;COLLECTIVITE_LOCALE\n",
        "contrats": "police;code_client;tension;pdl;compteur;disjoncteur;agence;zone\n"
        "P1;C1;BT;PDL1;CPT1;DJ1;AG;Z1\nP2;C2;MT;PDL2;CPT2;;AG;Z2\n",
        "bordereaux": "bordereau;tension;agence;periode\n"
        "BT-09;BT;AG;2026-09\nMT-09;MT;AG;2026-09\n",
        "factures": "facture;police;bordereau;date_emission;date_echeance;montant;annulee\n"
        "F1;P1;BT-09;01/07/2026;16/07/2026;25 000;non\n"
        "F2;P1;BT-09;01/08/2026;;23 500;non\n"
        "F3;P2;MT-09;2026-07-01;2026-07-16;1 250 000;non\n"
        "F4;P2;MT-09;2026-08-01;2026-08-16;1 100 000;non\n",
        "reglements": "facture;date;montant;reference\nF1;2026-07-20;1000;R1\n",
        "interruptions": "police;date_interruption;bordereau;date_retablissement\n"
        "P1;2026-10-01;BT-09;\nP2;2026-10-01;MT-09;\n",
    }
    for name, content in tables.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch, capsys, validation_clock):
    """Run commands as `chef` on a database with a validated selection."""
    run = cli_runner(db_url, monkeypatch, capsys)

    assert run("import", str(export(tmp_path / "export")))[0] == 0
    code, out, _ = run("select", "--date", DATE)
    assert code == 0
    assert run("validate", "--run", out.strip(), "--all")[0] == 0
    return run


def test_edition_command_produces_and_reports(cli, tmp_path) -> None:
    out = tmp_path / "edition"
    code, stdout, stderr = cli("edition", "--out", str(out))
    assert code == 0, stderr
    today = dt.date.today()
    assert f"Édition n° 1 du {today:%d/%m/%Y} : 1 lettre de relance et 1 ordre produits" in stdout
    assert "Fichier regroupé pour le releveur : edition-1-" in stdout
    assert "ordre n° 00000001 — police P1 — Kossi Hounkpatin : adresse" in stdout
    assert "Copies : 4 fichiers écrits" in stdout
    names = sorted(p.name for p in out.iterdir())
    assert names[2:] == ["lettre-P2-00000001.pdf", "ordre-P1-00000001.pdf"]
    letter = pdf_text((out / "lettre-P2-00000001.pdf").read_bytes())
    assert "Mairie de Sèmè-Podji" in letter and "Total dû 2 350 000 FCFA" in letter
    order = pdf_text((out / "ordre-P1-00000001.pdf").read_bytes())
    assert "[adresse non renseignée]" in order and "47 500 FCFA" in order  # 24 000 + 23 500

    code, stdout, _ = cli("edition", "--out", str(out))
    assert code == 0
    assert "Rien à éditer" in stdout and "Copies : 0 fichier écrit" in stdout


def test_edition_command_refuses_bad_input_in_french(cli, tmp_path) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    code, _, err = cli("edition", "--date", tomorrow.isoformat())
    assert code == 2 and "postérieure à aujourd'hui" in err
    a_file = tmp_path / "file"
    a_file.write_text("x")
    code, _, err = cli("edition", "--out", str(a_file / "sub"))
    assert code == 2 and "Impossible d'écrire dans le dossier" in err
    code, _, err = cli("edition", "--user", "agent_controle")
    assert code == 2 and "refusée" in err


def test_edition_runs_headless_and_imports_no_qt(db_url, tmp_path) -> None:
    """As cron or the Task Scheduler run it: a process that never loads Qt, workers included."""
    db = open_database(db_url)
    add_users(db)
    db.dispose()
    env = {
        **os.environ,
        "SBEE_DESK_DB": db_url,
        "SBEE_DESK_USER": "chef",
        "SBEE_DESK_PASSWORD": PASSWORD,
        "QT_QPA_PLATFORM": "none",
    }
    probe = (
        "import json, sys\n"
        "from sbee_desk.cli import main\n"
        "import datetime, sbee_desk.services.review as review\n"
        "review.today = lambda: datetime.date(2026, 11, 22)  # the validation's clock\n"
        "codes = [main(['import', sys.argv[1]]), main(['select', '--date', sys.argv[2]])]\n"
        "codes.append(main(['validate', '--run', '1', '--all']))\n"
        "import sbee_desk.services.edition.batch as batch\n"
        "batch.POOL_THRESHOLD = 1  # two documents, rendered by worker processes anyway\n"
        "codes.append(main(['edition', '--workers', '2', '--out', sys.argv[3]]))\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(json.dumps({'codes': codes, 'qt': qt}))\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            str(export(tmp_path / "export")),
            DATE,
            str(tmp_path / "out"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"codes": [0, 0, 0, 0], "qt": []}
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 4
