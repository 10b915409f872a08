"""`sbee-desk store-return` as import-format.md states it, with `store-sheet` and
`store-missing` (#15): the return recorded on a new sheet then on the same one, the
R10 date in `orders list --json`, the sheet's PDF; bad input → French, exit 2,
nothing written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import AuditEvent, StoreReturn
from tests.builders import cli_runner
from tests.integration.store_world import StoreWorld, store_clock

__all__ = ["store_clock"]
DAY = "2026-12-07"
AS_STORE = ("--user", "magasinier")


@pytest.fixture
def cli(db_url, monkeypatch, capsys, store_clock):
    run = cli_runner(db_url, monkeypatch, capsys)
    from sbee_desk.db.database import open_database

    db = open_database(db_url)
    world = StoreWorld(db, users=False)
    world.removal("REPARTI")  # 1
    world.removal("EXECUTE")  # 2
    world.removal("REPARTI", kind="CONTROLE_INDEX")  # 3
    world.removal("EXECUTE", visit_on=None)  # 4
    world.commit()
    db.dispose()

    def run_or_exit(*argv: str) -> tuple[int, str, str]:
        try:
            return run(*argv)
        except SystemExit as stop:  # argparse refuses an option: exit 2
            out, err = capsys.readouterr()
            return int(stop.code or 0), out, err

    return run_or_exit


def written(db_url) -> tuple[int, int]:
    from sbee_desk.db.database import open_database

    db = open_database(db_url)
    try:
        with db.uow() as uow:
            returns = uow.session.scalar(select(func.count()).select_from(StoreReturn))
            events = uow.session.scalar(select(func.count()).select_from(AuditEvent))
        return int(returns or 0), int(events or 0)
    finally:
        db.dispose()


def test_store_return_then_the_sheet_and_the_orders_json(cli, db_url, tmp_path) -> None:
    code, out, err = cli(
        "store-return", "00000001", "--on", DAY, "--sheet", "AUTO", "--keeper", "MAG-01", *AS_STORE
    )
    assert code == 0, err
    assert out.strip() == (
        "Retour magasin enregistré : ordre n° 00000001, police P0001, fiche "
        "FMS-AG1-2026-00001 (nouvelle fiche) — compteur et disjoncteur retournés au "
        "magasin le 07/12/2026."
    )
    code, out, err = cli(
        "store-return", "2", "--on", DAY, "--sheet", "FMS-AG1-2026-00001",
        "--meter", "X-77", "--note", "compteur remplacé en 2025", *AS_STORE,
    )  # fmt: skip
    assert code == 0, err
    assert "fiche FMS-AG1-2026-00001 —" in out and "Écart de numéro expliqué" in out
    code, out, _ = cli("orders", "list", "--json")
    assert code == 0
    dates = {o["number"]: o["store_return_on"] for o in json.loads(out)["orders"]}
    assert dates == {"00000001": DAY, "00000002": DAY, "00000003": None, "00000004": None}
    target = tmp_path / "fiches" / "fms.pdf"
    code, out, err = cli("store-sheet", "FMS-AG1-2026-00001", "--out", str(target), *AS_STORE)
    assert code == 0, err
    assert "2 ordres" in out and target.read_bytes().startswith(b"%PDF")


def test_store_missing_lists_the_equipment_not_back(cli) -> None:
    code, out, err = cli("store-missing", "--json", *AS_STORE)
    assert code == 0, err
    # the order executed on the 7th is 2 days old on the 9th: not late yet; the one
    # executed on an unknown day is listed (nobody can say it is recent)
    assert json.loads(out) == {
        "missing": [
            {
                "number": "00000004",
                "police": "P0004",
                "status": "EXECUTE",
                "agent": "A012",
                "removed_on": None,
                "days": None,
                "meter_serial": "MP0004",
            }
        ]
    }
    cli("store-return", "4", "--on", DAY, "--sheet", "AUTO", *AS_STORE)
    code, out, err = cli("store-missing", *AS_STORE)
    assert code == 0 and out == "" and "0 ordre" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("3", "--on", DAY, "--sheet", "AUTO"), "ordre de contrôle d'index (MT)"),
        (("00009999", "--on", DAY, "--sheet", "AUTO"), "Ordre n° 00009999 inconnu"),
        (("1", "--on", "2026-12-10", "--sheet", "AUTO"), "postérieure à aujourd'hui"),
        (("1", "--on", "07/13/2026", "--sheet", "AUTO"), "--on : date « 07/13/2026 » illisible"),
        (("1", "--on", DAY, "--sheet", "AUTO", "--meter", "Z"), "Expliquez l'écart"),
        (("1", "--on", DAY, "--sheet", "AUTO", "--keeper", "A012"), "magasinier « A012 »"),
        (("1", "--on", DAY), "--sheet"),
    ],
)
def test_bad_input_exit_2_nothing_written(cli, db_url, argv, words) -> None:
    before = written(db_url)
    code, out, err = cli("store-return", *argv, *AS_STORE)
    assert code == 2 and words in err, err
    assert out == ""
    assert written(db_url)[0] == before[0] == 0


def test_a_return_twice_refused(cli, db_url) -> None:
    assert cli("store-return", "1", "--on", DAY, "--sheet", "AUTO", *AS_STORE)[0] == 0
    code, _, err = cli("store-return", "1", "--on", DAY, "--sheet", "AUTO", *AS_STORE)
    assert code == 2 and "déjà enregistré le 07/12/2026" in err
    assert written(db_url)[0] == 1


def test_the_chef_recouvrement_may_not_record(cli) -> None:
    code, _, err = cli("store-return", "1", "--on", DAY, "--sheet", "AUTO")
    assert code == 2 and "enregistrer un retour magasin" in err
