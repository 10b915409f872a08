"""The headless command line, end to end (import → select → JSON), on both databases."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from sbee_desk.cli import main
from sbee_desk.db.database import open_database
from tests.builders import PASSWORD, add_users
from tests.paths import SAMPLES

TODAY = dt.date.today()


def write_export(folder: Path, **tables: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in tables.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    return folder


def small_export(folder: Path) -> Path:
    """Three contracts: one to terminate, one MT to remind, one exempt."""
    return write_export(
        folder,
        clients="code_client;nom;adresse;quartier;telephone;categorie\n"
        "C1;Kossi Hounkpatin;Lot 12 Akpakpa;Akpakpa;;ORDINAIRE\n"
        "C2;Mairie de Cotonou;Place de l'Étoile Rouge;Ganhi;;COLLECTIVITE_LOCALE\n"
        "C3;Afiavi Zinsou;Lot 3 Gbégamey;Gbégamey;;AGENT_SBEE\n",
        contrats="police;code_client;tension;pdl;compteur;disjoncteur;agence;zone\n"
        "P1;C1;BT;PDL1;CPT1;DJ1;AG;Z1\nP2;C2;MT;PDL2;CPT2;;AG;Z2\nP3;C3;BT;PDL3;CPT3;DJ3;AG;Z1\n",
        bordereaux="bordereau;tension;agence;periode\nBT-09;BT;AG;2026-09\nMT-09;MT;AG;2026-09\n",
        factures="facture;police;bordereau;date_emission;date_echeance;montant;annulee\n"
        "F1;P1;BT-09;01/07/2026;16/07/2026;25 000;non\n"
        "F2;P1;BT-09;01/08/2026;;23 500;non\n"
        "F3;P2;MT-09;2026-07-01;2026-07-16;1 250 000;non\n"
        "F4;P2;MT-09;2026-08-01;2026-08-16;1 100 000;non\n"
        "F5;P3;BT-09;2026-07-01;2026-07-16;9000;non\n"
        "F6;P3;BT-09;2026-08-01;2026-08-16;9000;non\n",
        reglements="facture;date;montant;reference\nF1;2026-07-20;1000;R1\n",
        interruptions="police;date_interruption;bordereau;date_retablissement\n"
        "P1;2026-10-01;BT-09;\nP2;2026-10-01;MT-09;\nP3;2026-10-01;BT-09;\n",
    )


@pytest.fixture(autouse=True)
def as_chef(request, monkeypatch) -> None:
    """Every command runs as `chef` (password from the environment), users created."""
    monkeypatch.setenv("SBEE_DESK_USER", "chef")
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    if "sqlite_db" in request.fixturenames:
        add_users(request.getfixturevalue("sqlite_db"))
    if "db_url" in request.fixturenames:
        db = open_database(request.getfixturevalue("db_url"))
        add_users(db)
        db.dispose()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_then_select_json(db_url, tmp_path, capsys) -> None:
    export = small_export(tmp_path / "export")
    code, out, _ = run(capsys, "--db", db_url, "import", str(export))
    assert code == 0
    assert "factures" in out and "6" in out
    code, out, _ = run(capsys, "select", "--db", db_url, "--date", "2026-11-20", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["date"] == "2026-11-20"
    lines = {line["police"]: line for b in doc["bordereaux"] for line in b["lines"]}
    assert lines["P1"] == {
        "police": "P1",
        "client": "C1",
        "decision": "RESILIATION",
        "ordre": "DEPOSE",
        "impayes": 2,
        "montant_du": 47500,
        "suspendu_le": "2026-10-01",
        "jours_suspension": 50,
        "motif": "2 factures impayées, suspendu depuis 50 jours",
    }
    assert lines["P2"]["decision"] == "RELANCE"
    assert lines["P2"]["ordre"] == "CONTROLE_INDEX"
    assert lines["P2"]["montant_du"] == 2_350_000
    assert lines["P3"]["decision"] == "EXEMPTE"
    assert [b["bordereau"] for b in doc["bordereaux"]] == ["BT-09", "MT-09"]


def test_select_without_json_prints_the_run_number(db_url, tmp_path, capsys) -> None:
    run(capsys, "--db", db_url, "import", str(small_export(tmp_path / "e")))
    code, out, _ = run(capsys, "--db", db_url, "select", "--date", "20/11/2026")
    assert code == 0
    assert out.strip().isdigit()


def test_import_twice_is_unchanged(sqlite_db, tmp_path, capsys) -> None:
    export = small_export(tmp_path / "e")
    run(capsys, "--db", sqlite_db.url, "import", str(export))
    code, out, _ = run(capsys, "--db", sqlite_db.url, "import", str(export))
    assert code == 0
    assert out.splitlines()[1].split() == ["clients", "0", "0", "3"]


def test_import_reports_what_R7_cancelled_on_stderr(
    sqlite_db, tmp_path, capsys, validation_clock
) -> None:
    url = sqlite_db.url
    run(capsys, "--db", url, "import", str(small_export(tmp_path / "e")))
    code, out, _ = run(capsys, "--db", url, "select", "--date", "2026-11-20")
    assert run(capsys, "--db", url, "validate", "--run", out.strip(), "--all")[0] == 0
    restored = write_export(
        tmp_path / "j2",
        interruptions="police;date_interruption;bordereau;date_retablissement\n"
        "P1;2026-10-01;BT-09;2026-11-21\n",
    )
    code, out, err = run(capsys, "--db", url, "import", str(restored))
    assert code == 0
    assert out.splitlines()[1].split() == ["interruptions", "0", "1", "0"]  # stdout: counts
    assert err.strip() == ("R7 : 1 ordre annulé (rétablissement), motif au journal d'audit.")
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(
            text("SELECT police, cancel_reason FROM work_order WHERE cancelled_on IS NOT NULL")
        ).all() == [("P1", "Rétablissement du 21/11/2026 (R7)")]


@pytest.mark.parametrize("bad", ["2026-13-01", "hier", "31/02/2026"])
def test_unparseable_date_exit_2(sqlite_db, capsys, bad) -> None:
    code, _, err = run(capsys, "--db", sqlite_db.url, "select", "--date", bad)
    assert code == 2
    assert f"date « {bad} » illisible" in err


def test_future_date_exit_2_and_nothing_written(sqlite_db, capsys) -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    code, _, err = run(capsys, "--db", sqlite_db.url, "select", "--date", tomorrow)
    assert code == 2
    assert "postérieure à aujourd'hui" in err
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM selection_run")).scalar() == 0


def test_unknown_agency_exit_2(sqlite_db, tmp_path, capsys) -> None:
    run(capsys, "--db", sqlite_db.url, "import", str(small_export(tmp_path / "e")))
    code, _, err = run(capsys, "--db", sqlite_db.url, "select", "--agence", "XYZ")
    assert code == 2
    assert "Agence « XYZ » inconnue" in err and "AG" in err


def test_unreachable_database_exit_2(capsys) -> None:
    code, _, err = run(
        capsys, "--db", "postgresql+psycopg://postgres@127.0.0.1:1/x?connect_timeout=2", "select"
    )
    assert code == 2
    assert "injoignable" in err


def test_bad_import_exit_2_with_table_line_column(sqlite_db, tmp_path, capsys) -> None:
    export = small_export(tmp_path / "e")
    (export / "factures.csv").write_text(
        "facture;police;bordereau;date_emission;date_echeance;montant;annulee\n"
        "F1;P1;BT-09;01/07/2026;;-500;non\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", sqlite_db.url, "import", str(export))
    assert code == 2
    assert err.splitlines()[0].startswith("factures:2: montant: ")
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contract")).scalar() == 0


def test_sample_export_selection_at_2026_06_30(sqlite_db, capsys) -> None:
    code, _, _ = run(capsys, "--db", sqlite_db.url, "import", str(SAMPLES / "export-csv"))
    assert code == 0
    code, out, _ = run(capsys, "--db", sqlite_db.url, "select", "--date", "2026-06-30", "--json")
    doc = json.loads(out)
    polices = [line["police"] for b in doc["bordereaux"] for line in b["lines"]]
    assert polices and all(len(b["lines"]) for b in doc["bordereaux"])
    for b in doc["bordereaux"]:
        assert [x["police"] for x in b["lines"]] == sorted(x["police"] for x in b["lines"])
    assert [b["bordereau"] for b in doc["bordereaux"]] == sorted(
        b["bordereau"] for b in doc["bordereaux"]
    )


def test_plan_set_is_audited_and_validated(sqlite_db, capsys) -> None:
    code, _, _ = run(
        capsys,
        "--db",
        sqlite_db.url,
        "--user",
        "admin",
        "plan",
        "set",
        "ORDINAIRE",
        "unpaid_threshold=3",
    )
    assert code == 0
    with sqlite_db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT actor, before, after FROM audit_event WHERE action = 'plan.update'")
        ).one()
    assert row.actor == "admin"
    code, _, err = run(
        capsys,
        "--db",
        sqlite_db.url,
        "--user",
        "admin",
        "plan",
        "set",
        "ORDINAIRE",
        "unpaid_threshold=0",
    )
    assert code == 2 and "ne peut pas être inférieur à 2" in err


def test_usage_error_is_exit_2_in_french(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["select", "--bogus"])
    assert exc.value.code == 2
    assert "arguments non reconnus" in capsys.readouterr().err


def test_headless_commands_never_import_qt(sqlite_db, tmp_path) -> None:
    code = (
        "import sys; from sbee_desk.cli import main; "  # reads the password from the env
        f"rc = main(['--db', {sqlite_db.url!r}, 'select', '--json']); "
        "assert 'PySide6' not in sys.modules, 'Qt imported'; sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy()
    )
    assert proc.returncode == 0, proc.stderr


def test_default_database_is_in_the_user_data_folder(tmp_path, capsys) -> None:
    code, _, err = run(capsys, "plan", "list", "--json")
    assert code == 2 and "Aucun utilisateur" in err  # a new database: create the admin first
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert (data_home / "sbee-desk" / "sbee-desk.db").exists()
