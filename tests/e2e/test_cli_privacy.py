"""Private by default on the command line (#12): no password accepted or echoed on it,
an owner-only password file, a lockout listed and lifted by the administrator, and
every file a command creates readable by its owner only."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from sbee_desk.cli import main
from sbee_desk.db.database import Database, open_database
from tests.builders import PASSWORD, add_users
from tests.integration.test_lists_cli import DATE, export

SECRET = "s3cret-du-chef"
ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def events(db: Database, action: str) -> list[str]:
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT entity_key FROM audit_event WHERE action = :a ORDER BY id"),
                {"a": action},
            ).scalars()
        )


@pytest.mark.parametrize(
    "argv",
    [
        ["--user", "chef", "--password", SECRET, "plan", "list"],
        ["--user", "chef", "plan", "list", "--password", SECRET],
        ["--user", "chef", f"--password={SECRET}", "plan", "list"],
        ["--user", "chef", "--pass", SECRET, "plan", "list"],  # an abbreviation
        ["--user", "chef", "--mot-de-passe", SECRET, "plan", "list"],
        ["--user", "admin", "user", "set", "chef", f"--new-password={SECRET}"],
    ],
)
def test_a_password_on_the_command_line_is_refused_and_never_echoed(
    sqlite_db, capsys, monkeypatch, argv
) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    code, out, err = run(capsys, monkeypatch, "--db", sqlite_db.url, *argv)
    assert code == 2
    assert SECRET not in out + err
    assert "ne se donne jamais sur la ligne de commande" in err
    assert "SBEE_DESK_PASSWORD" in err and "--password-file" in err


def test_an_argparse_error_never_repeats_the_password(sqlite_db, capsys, monkeypatch) -> None:
    """The password typed as a command by mistake: « choix invalide » without it."""
    monkeypatch.setenv("SBEE_DESK_PASSWORD", SECRET)
    code, out, err = run(capsys, monkeypatch, "--db", sqlite_db.url, SECRET)
    assert code == 2 and "choix invalide" in err
    assert SECRET not in out + err and "***" in err


def test_no_option_takes_a_password(capsys) -> None:
    """The help names no option that would carry one."""
    with pytest.raises(SystemExit):
        main(["user", "set", "--help"])
    out, _ = capsys.readouterr()
    assert "--new-password" in out and "--password " not in out and "[--password]" not in out


@posix_only
def test_the_acting_user_signs_in_with_an_owner_only_password_file(
    sqlite_db, tmp_path, capsys, monkeypatch
) -> None:
    add_users(sqlite_db)
    monkeypatch.delenv("SBEE_DESK_PASSWORD", raising=False)
    secret_file = tmp_path / "nuit.pwd"
    secret_file.write_text(PASSWORD + "\n", encoding="utf-8")
    argv = ["--db", sqlite_db.url, "--user", "chef", "--password-file", str(secret_file)]

    os.chmod(secret_file, 0o644)
    code, out, err = run(capsys, monkeypatch, *argv, "plan", "list")
    assert code == 2 and "lisible par d'autres que son propriétaire (droits 0644)" in err
    assert PASSWORD not in out + err and "chmod 600" in err

    os.chmod(secret_file, 0o600)
    code, out, err = run(capsys, monkeypatch, *argv, "plan", "list")
    assert code == 0, err
    # the scheduler's way: the file named in the environment
    monkeypatch.setenv("SBEE_DESK_PASSWORD_FILE", str(secret_file))
    code, _, err = run(capsys, monkeypatch, "--db", sqlite_db.url, "--user", "chef", "plan", "list")
    assert code == 0, err

    code, _, err = run(capsys, monkeypatch, *argv[:-1], str(tmp_path / "absent"), "plan", "list")
    assert code == 2 and "introuvable" in err
    secret_file.write_text("faux-mot-de-passe\n", encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, *argv, "plan", "list")
    assert code == 2 and "Identifiant ou mot de passe incorrect" in err
    assert "faux-mot-de-passe" not in out + err


def test_a_blank_or_short_new_password_is_refused(sqlite_db, capsys, monkeypatch) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    base = ["--db", sqlite_db.url, "--user", "admin", "user"]
    add = [*base, "add", "nouveau", "--name", "Nouveau", "--role", "MAGASINIER"]
    code, _, err = run(capsys, monkeypatch, *add, stdin=" " * 8 + "\n")
    assert code == 2 and "vide ou fait seulement d'espaces" in err
    code, _, err = run(capsys, monkeypatch, *add, stdin="court-mdp\n")
    assert code == 2 and "au moins 10 caractères" in err
    code, _, err = run(capsys, monkeypatch, *base, "set", "chef", "--new-password", stdin="   \n")
    assert code == 2 and "vide ou fait seulement d'espaces" in err
    code, _, err = run(
        capsys, monkeypatch, *base, "set", "chef", "--new-password", stdin="un-nouveau-mdp\n"
    )
    assert code == 0, err


def test_a_locked_account_is_listed_and_the_admin_unlocks_it(
    sqlite_db, capsys, monkeypatch
) -> None:
    add_users(sqlite_db)
    monkeypatch.setenv("SBEE_DESK_PASSWORD", "pas-le-bon-mot")
    for _ in range(5):
        code, _, _ = run(capsys, monkeypatch, "--db", sqlite_db.url, "--user", "chef", "select")
        assert code == 2
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    code, _, err = run(capsys, monkeypatch, "--db", sqlite_db.url, "--user", "chef", "select")
    assert code == 2 and "Compte verrouillé après 5 échecs" in err

    admin = ["--db", sqlite_db.url, "--user", "admin", "user"]
    code, out, _ = run(capsys, monkeypatch, *admin, "list")
    chef_line = next(line for line in out.splitlines() if line.startswith("chef "))
    assert "VERROUILLÉ jusqu'à" in chef_line and "5 échecs de connexion" in chef_line
    assert "VERROUILLÉ" not in next(line for line in out.splitlines() if line.startswith("admin"))

    refused = ["--db", sqlite_db.url, "--user", "direction", "user", "unlock", "chef"]
    code, _, err = run(capsys, monkeypatch, *refused)
    assert code == 2 and "n'a pas le rôle requis" in err
    code, out, err = run(capsys, monkeypatch, *admin, "unlock", "chef")
    assert code == 0 and "« chef » déverrouillé" in out, err
    assert events(sqlite_db, "user.lock") == ["chef"]
    assert events(sqlite_db, "user.unlock") == ["chef"]
    code, _, err = run(capsys, monkeypatch, "--db", sqlite_db.url, "--user", "chef", "select")
    assert code == 0, err
    code, _, err = run(capsys, monkeypatch, *admin, "unlock", "chef")
    assert code == 2 and "n'est pas verrouillé" in err


@posix_only
@pytest.mark.postgres
def test_every_file_a_command_creates_is_private(db_url, tmp_path) -> None:
    """Run as the night scheduler would, with the usual umask 022: the lists and the
    edition's PDFs, and the folders made for them, are 0600 / 0700."""
    db = open_database(db_url)
    add_users(db)
    db.dispose()
    lists_out, edition_out = tmp_path / "sorties" / "listes", tmp_path / "sorties" / "nuit"
    probe = (
        "import sys\n"
        "import datetime, sbee_desk.services.review as review\n"
        "review.today = lambda: datetime.date(2026, 11, 22)\n"
        "from sbee_desk.cli import main\n"
        "base = ['--db', sys.argv[1], '--user', 'chef']\n"
        "codes = [main(base + ['import', sys.argv[2]])]\n"
        f"codes.append(main(base + ['select', '--date', '{DATE}']))\n"
        "codes.append(main(base + ['validate', '--run', '1', '--all']))\n"
        "codes.append(main(base + ['lists', '--run', '1', '--all', '--out', sys.argv[3]]))\n"
        "codes.append(main(base + ['edition', '--workers', '0', '--out', sys.argv[4]]))\n"
        "assert codes == [0, 0, 0, 0, 0], codes\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            db_url,
            str(export(tmp_path / "export")),
            str(lists_out),
            str(edition_out),
        ],
        env={
            **os.environ,
            "SBEE_DESK_PASSWORD": PASSWORD,
            "PYTHONPATH": str(ROOT),
            "QT_QPA_PLATFORM": "none",
        },
        preexec_fn=lambda: os.umask(0o022),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    made = [tmp_path / "sorties", lists_out, edition_out]
    made += [p for folder in (lists_out, edition_out) for p in folder.iterdir()]
    assert len(made) > 8
    for path in made:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
