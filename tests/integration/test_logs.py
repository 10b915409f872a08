"""The log (#17): every command's start, end and duration in a rotating owner-only file
of the log folder, an unexpected error with its traceback, a hard crash's trace beside
it — and never a password or a customer's name."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from sbee_desk import logs
from sbee_desk.cli import parser as cli_parser
from tests.builders import PASSWORD, cli_runner
from tests.integration.test_lists_cli import DATE, export

ROOT = Path(__file__).resolve().parents[2]
#: what the export of test_lists_cli holds about its customers (names, addresses)
PERSONAL = ("Kossi Hounkpatin", "Mairie de Cotonou", "Afiavi Zinsou", "Lot 12 Akpakpa")
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def read_log() -> str:
    return logs.log_path().read_text(encoding="utf-8")


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys, validation_clock):
    return cli_runner(f"sqlite:///{tmp_path / 'agence.db'}", monkeypatch, capsys)


def test_the_log_is_in_the_folder_given_by_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "journaux"))
    assert logs.log_path() == tmp_path / "journaux" / "sbee-desk.log"
    monkeypatch.delenv(logs.ENV_LOG_DIR)
    assert logs.log_dir().name.lower() in {"log", "logs"}  # platformdirs' log folder
    assert "sbee-desk" in str(logs.log_dir())


def test_every_command_logs_start_end_and_duration_without_password_or_name(
    cli, tmp_path, monkeypatch
) -> None:
    assert cli("import", str(export(tmp_path / "export")))[0] == 0
    assert cli("select", "--date", DATE)[0] == 0
    monkeypatch.setenv("SBEE_DESK_PASSWORD", "mauvais-secret-9")
    assert cli("plan", "list")[0] == 2  # a refused sign-in

    text_ = read_log()
    for command in ("import", "select"):
        assert f"début : {command}\n" in text_
        assert f"fin : {command} (" in text_  # with its duration: "fin : select (0.123 s)"
    assert "refusé : plan list (" in text_
    assert "AuthenticationFailed" in text_
    for secret in (PASSWORD, "mauvais-secret-9", *PERSONAL):
        assert secret not in text_


@posix_only
def test_the_log_is_readable_by_its_owner_only(cli, tmp_path) -> None:
    assert cli("plan", "list")[0] == 0
    assert stat.S_IMODE(logs.log_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(logs.log_dir().stat().st_mode) == 0o700


def test_an_unexpected_error_is_logged_with_its_traceback(cli, monkeypatch) -> None:
    def cmd_plan_list(_args):
        raise RuntimeError("défaut imprévu")

    monkeypatch.setattr(cli_parser, "cmd_plan_list", cmd_plan_list)
    with pytest.raises(RuntimeError):
        cli("plan", "list")
    text_ = read_log()
    assert "ERROR" in text_ and "échec : plan list (" in text_
    assert "Traceback (most recent call last)" in text_
    assert "RuntimeError: défaut imprévu" in text_


def test_a_database_error_is_logged_without_the_values(tmp_path) -> None:
    """SQLAlchemy puts the row's values in its errors: they may be a customer's name."""
    logs.setup_logging("test")
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE client (code TEXT PRIMARY KEY, nom TEXT)"))
        conn.execute(text("INSERT INTO client VALUES ('C1', 'Kossi Hounkpatin')"))
    try:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO client VALUES (:c, :n)"), {"c": "C1", "n": "Kossi Hounkpatin"}
            )
    except IntegrityError as exc:
        logging.getLogger("sbee_desk.test").error("échec", exc_info=exc)
    engine.dispose()
    text_ = read_log()
    assert "UNIQUE constraint failed: client.code" in text_
    assert "valeurs retirées du journal" in text_
    assert "Kossi" not in text_


def test_postgresql_detail_values_are_cut_out() -> None:
    detail = "DETAIL:  Key (code)=(Kossi Hounkpatin) already exists."
    assert logs.redact(detail) == "DETAIL:  Key (code)=(…) already exists."


@posix_only
def test_the_log_rotates_and_the_old_files_stay_private(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "rot"))
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    logs.setup_logging("test")
    for n in range(100):
        with logs.operation(f"opération {n}"):
            pass
    rotated = sorted(p.name for p in (tmp_path / "rot").iterdir())
    assert "sbee-desk.log.1" in rotated and "sbee-desk.log.6" not in rotated
    for name in rotated:
        if name.startswith("sbee-desk.log"):
            assert stat.S_IMODE((tmp_path / "rot" / name).stat().st_mode) == 0o600


def test_a_hard_crash_leaves_its_trace_in_the_log_folder(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    env.update(SBEE_DESK_LOG_DIR=str(tmp_path / "crash"), PYTHONPATH=str(ROOT))
    script = (
        "import faulthandler\n"
        "from sbee_desk.logs import setup_logging\n"
        "setup_logging('test')\n"
        "faulthandler._sigsegv()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    trace = (tmp_path / "crash" / "crash.log").read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in trace
    assert "line 4" in trace  # the line that crashed


def test_a_log_that_cannot_be_renamed_is_written_on(tmp_path, monkeypatch) -> None:
    """Windows cannot rename a file another process holds open (the window and the night
    edition at once): the lines go on into the same file, none is lost."""
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "busy"))
    monkeypatch.setattr(logs, "MAX_BYTES", 500)

    def rename_refused(_source: str, _dest: str) -> None:
        raise PermissionError(13, "Le processus ne peut pas accéder au fichier")

    monkeypatch.setattr(logs.PrivateRotatingFileHandler, "rotator", staticmethod(rename_refused))
    logs.setup_logging("test")
    for n in range(30):
        with logs.operation(f"opération {n}"):
            pass
    assert "fin : opération 29 (" in read_log()
    assert not (tmp_path / "busy" / "sbee-desk.log.1").exists()


@posix_only
def test_the_platform_log_folder_is_narrowed_to_its_owner(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(logs.ENV_LOG_DIR)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = logs.log_dir()
    assert folder.is_relative_to(tmp_path / "state")
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)  # left wider by an older run
    logs.setup_logging("test")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
