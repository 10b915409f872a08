"""Users, roles, audit and step-1 commands on the command line (#4, #5)."""

from __future__ import annotations

import io
import json
import sys

import pytest
from sqlalchemy import text

from sbee_desk.cli import main
from tests.builders import PASSWORD, add_users
from tests.e2e.test_cli import small_export


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_first_user_is_the_admin_from_stdin(sqlite_db, capsys, monkeypatch) -> None:
    url = sqlite_db.url
    code, _, err = run(
        capsys,
        monkeypatch,
        "--db",
        url,
        "user",
        "add",
        "chef",
        "--name",
        "Chef",
        "--role",
        "CHEF_RECOUVREMENT",
        stdin="motdepasse\n",
    )
    assert code == 2 and "premier utilisateur doit être l'administrateur" in err
    code, out, _ = run(
        capsys,
        monkeypatch,
        "--db",
        url,
        "user",
        "add",
        "admin",
        "--name",
        "Admin",
        "--role",
        "ADMIN",
        stdin="motdepasse\n",
    )
    assert code == 0 and "« admin » créé" in out
    monkeypatch.setenv("SBEE_DESK_PASSWORD", "motdepasse")
    code, _, _ = run(
        capsys,
        monkeypatch,
        "--db",
        url,
        "--user",
        "admin",
        "user",
        "add",
        "chef",
        "--name",
        "Chef Section",
        "--role",
        "CHEF_RECOUVREMENT",
        stdin="autre-mdp-1\n",
    )
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, "--db", url, "--user", "admin", "user", "list")
    assert "chef" in out and "CHEF_RECOUVREMENT" in out


@pytest.mark.parametrize(
    ("user", "password", "message"),
    [
        ("chef", "faux-mot-de-passe", "Identifiant ou mot de passe incorrect."),
        ("personne", PASSWORD, "Identifiant ou mot de passe incorrect."),
        (None, PASSWORD, "Indiquez l'utilisateur agissant"),
    ],
)
def test_bad_credentials_exit_2_and_are_audited(
    sqlite_db, capsys, monkeypatch, user, password, message
) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", password)
    argv = ["--db", sqlite_db.url, "select"] + (["--user", user] if user else [])
    code, _, err = run(capsys, monkeypatch, *argv)
    assert code == 2 and message in err
    with sqlite_db.engine.connect() as conn:
        runs = conn.execute(text("SELECT count(*) FROM selection_run")).scalar()
        refused = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'refused'")
        ).scalar()
    assert runs == 0 and refused == (1 if user else 0)


def test_action_without_role_exit_2_nothing_written(sqlite_db, capsys, monkeypatch) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    code, _, err = run(capsys, monkeypatch, "--db", sqlite_db.url, "--user", "magasinier", "select")
    assert code == 2 and "n'a pas le rôle requis" in err
    code, _, err = run(
        capsys,
        monkeypatch,
        "--db",
        sqlite_db.url,
        "--user",
        "chef",
        "staff",
        "add",
        "M1",
        "--name",
        "Kossi",
        "--role",
        "RELEVEUR",
    )
    assert code == 2 and "n'a pas le rôle requis" in err


def test_staff_register(sqlite_db, capsys, monkeypatch) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    base = ["--db", sqlite_db.url, "--user", "admin", "staff"]
    assert (
        run(
            capsys,
            monkeypatch,
            *base,
            "add",
            "R001",
            "--name",
            "Sèna Dossou",
            "--role",
            "releveur",
            "--zone",
            "Z01",
            "--zone",
            "Z02",
        )[0]
        == 0
    )
    code, _, err = run(
        capsys, monkeypatch, *base, "add", "R002", "--name", "X", "--role", "CHAUFFEUR"
    )
    assert code == 2 and "Fonction « CHAUFFEUR » inconnue" in err
    code, out, _ = run(capsys, monkeypatch, *base, "list")
    assert "Sèna Dossou" in out and "Releveur" in out and "Z01,Z02" in out


def test_audit_verify_reports_the_first_broken_event(sqlite_db, capsys, monkeypatch) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    argv = ["--db", sqlite_db.url, "--user", "controle", "audit", "verify"]
    code, out, _ = run(capsys, monkeypatch, *argv)
    assert code == 0 and "intègre" in out
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET actor = 'x' WHERE id = 1"))
    code, _, err = run(capsys, monkeypatch, *argv)
    assert code == 2 and "premier événement en défaut n° 1" in err


def test_step_one_headless(db_url, tmp_path, capsys, monkeypatch, validation_clock) -> None:
    """import → select → derogation → validate, as the night scheduler would."""
    from sbee_desk.db.database import open_database

    db = open_database(db_url)
    add_users(db)
    db.dispose()
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    base = ["--db", db_url, "--user", "chef"]
    assert run(capsys, monkeypatch, *base, "import", str(small_export(tmp_path / "e")))[0] == 0
    code, out, _ = run(capsys, monkeypatch, *base, "select", "--date", "2026-11-20")
    run_id = out.strip()
    code, _, err = run(
        capsys,
        monkeypatch,
        "--db",
        db_url,
        "--user",
        "direction",
        "derogation",
        "add",
        "--police",
        "P3",
        "--reference",
        "DG/2026/04",
        "--date",
        "2026-11-10",
        "--until",
        "2026-11-01",
    )
    assert code == 2 and "antérieure à la décision" in err
    code, out, _ = run(
        capsys,
        monkeypatch,
        "--db",
        db_url,
        "--user",
        "direction",
        "derogation",
        "add",
        "--police",
        "P3",
        "--reference",
        "DG/2026/04",
        "--date",
        "2026-11-10",
    )
    assert code == 0 and "(1 ligne recalculée)" in out
    code, _, err = run(
        capsys, monkeypatch, *base, "validate", "--run", run_id, "--all", "--exclude", "P1"
    )
    assert code == 2 and "motif obligatoire" in err
    code, out, _ = run(
        capsys, monkeypatch, *base, "validate", "--run", run_id, "--all", "--exclude", "P1:LITIGE"
    )
    assert code == 0, out
    assert "BT-09 validé : 0 lettre de relance, 1 ordre, 1 exclue, " in out
    assert "MT-09 validé : 1 lettre de relance, 0 ordre, 0 exclue" in out
    # a later run (today): letters and orders validated today now exist (R5, R13)
    code, out, _ = run(capsys, monkeypatch, *base, "select", "--json")
    doc = json.loads(out)
    lines = {x["police"]: x["decision"] for b in doc["bordereaux"] for x in b["lines"]}
    assert lines == {"P1": "RESILIATION", "P2": "ATTENTE_RELANCE"}
