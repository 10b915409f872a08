"""`sbee-desk orders list` and `sbee-desk dispatch` as import-format.md states them
(#14): the JSON, the automatic dispatch, orders given by hand, the route sheets; bad
input → a French message, exit 2, nothing changed."""

from __future__ import annotations

import json

import pytest

from tests.builders import cli_runner
from tests.integration.dispatch_world import DispatchWorld, clock

__all__ = ["clock"]
DAY = "2026-12-07"


@pytest.fixture
def cli(db_url, monkeypatch, capsys, clock):
    run = cli_runner(db_url, monkeypatch, capsys)
    from sbee_desk.db.database import open_database

    db = open_database(db_url)
    world = DispatchWorld(db, users=False)
    world.agent("A001", "Z1")
    world.agent("A002", "Z1", "Z2")
    world.agent("A009", "Z1", active=False)
    world.order("Z1", "Akpakpa")
    world.order("Z1", "Akpakpa")
    world.order("Z2", "Gbegamey")
    world.order("T07", "Cadjehoun")
    world.order("Z1", status="EXECUTE")
    world.commit()
    db.dispose()

    def run_or_exit(*argv: str) -> tuple[int, str, str]:
        try:
            return run(*argv)
        except SystemExit as stop:  # argparse refuses an option: exit 2
            out, err = capsys.readouterr()
            return int(stop.code or 0), out, err

    return run_or_exit


def orders(cli, *options: str) -> list[dict]:
    code, out, _ = cli("orders", "list", "--json", *options)
    assert code == 0
    return json.loads(out)["orders"]


def test_orders_list_json_is_the_contract(cli) -> None:
    listed = orders(cli)
    assert listed[0] == {
        "number": "00000001",
        "police": "P0001",
        "kind": "DEPOSE",
        "status": "A_REPARTIR",
        "agent": None,
        "visit_on": None,
        "store_return_on": None,
        "cri": None,
    }
    assert [o["status"] for o in orders(cli, "--status", "EXECUTE")] == ["EXECUTE"]
    code, _, err = cli("orders", "list", "--status", "PERDU")
    assert code == 2 and "choix invalide" in err


def test_dispatch_auto_then_sheets(cli, tmp_path) -> None:
    code, out, err = cli("dispatch", "--date", DAY, "--auto")
    assert code == 0, err
    assert "Répartition du 07/12/2026 : 3 ordres répartis" in out
    assert "1 ordre non réparti :" in out
    assert "n° 00000004, police P0004 : aucun agent pour la zone T07" in out
    given = {o["number"]: (o["agent"], o["visit_on"]) for o in orders(cli, "--status", "REPARTI")}
    assert given["00000003"] == ("A002", DAY)
    assert len(given) == 3
    code, out, err = cli("dispatch", "sheets", "--date", DAY, "--out", str(tmp_path / "feuilles"))
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "feuilles").iterdir())
    assert names == [
        f"feuille-de-route-{m}-{DAY}.{ext}" for m in ("A001", "A002") for ext in ("pdf", "xlsx")
    ]
    code, out, _ = cli("dispatch", "sheets", "--date", DAY, "--out", str(tmp_path / "feuilles"))
    assert "(copie)" in out


def test_dispatch_by_hand_and_its_refusals(cli) -> None:
    code, out, err = cli("dispatch", "--date", DAY, "--order", "1", "00000002", "--agent", "A001")
    assert code == 0, err
    assert "2 ordres confiés à A001 pour le 07/12/2026 : 00000001, 00000002." in out
    before = orders(cli)
    for argv, words in (
        (
            ("--date", "2026-12-04", "--order", "3", "--agent", "A002"),
            "Date de visite 04/12/2026 passée",
        ),
        (("--date", DAY, "--order", "3", "--agent", "ZZZ"), "Matricule « ZZZ » inconnu"),
        (("--date", DAY, "--order", "3", "--agent", "A009"), "inactif"),
        (("--date", DAY, "--order", "3", "--agent", "A001"), "ne couvre pas la zone Z2"),
        (("--date", DAY, "--order", "5", "--agent", "A001"), "n° 00000005 (exécuté)"),
        (("--date", DAY, "--order", "77", "--agent", "A001"), "N° 00000077 : aucun ordre"),
        (("--date", DAY, "--order", "3"), "--agent MATRICULE"),
        (
            (
                "--date",
                DAY,
            ),
            "--auto, ou --order",
        ),
        (("--order", "3", "--agent", "A002"), "--date"),
        (("--date", "07/13/2026", "--auto"), "illisible"),
    ):
        code, _, err = cli("dispatch", *argv)
        assert code == 2, argv
        assert words in err, (argv, err)
        assert err.startswith("erreur : ") or "usage" in err
    assert orders(cli) == before
    code, out, err = cli(
        "dispatch", "--date", DAY, "--order", "3", "--agent", "A001", "--outside-zone", "Z2"
    )
    assert code == 0, err
    code, out, err = cli("dispatch", "--date", DAY, "--order", "3", "--agent", "A002")
    assert "1 ordre déplacé vers A002" in out
    code, out, err = cli("dispatch", "unassign", "--order", "3", "--note", "agent absent")
    assert code == 0 and "1 ordre repris" in out
    code, _, err = cli("dispatch", "recall", "--order", "1")
    assert code == 2 and "aucun rappel" in err
