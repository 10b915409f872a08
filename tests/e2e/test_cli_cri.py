"""`sbee-desk cri …` and `contract show` as import-format.md states them (#15): the
end-to-end story carried on from the dispatch to the terminated contract; bad input →
a French message, exit 2, nothing changed."""

from __future__ import annotations

import json

import pytest

from tests.builders import cli_runner
from tests.integration.cri_world import cri_clock
from tests.integration.dispatch_world import DispatchWorld

__all__ = ["cri_clock"]
DAY = "2026-12-07"
HANDED = __import__("datetime").date(2026, 12, 10)


@pytest.fixture
def cli(db_url, monkeypatch, capsys, cri_clock):
    run = cli_runner(db_url, monkeypatch, capsys)
    from sbee_desk.db.database import open_database

    db = open_database(db_url)
    world = DispatchWorld(db, users=False)
    world.agent("A001", "Z1")
    world.order("Z1", "Akpakpa")
    world.order("Z1", "Akpakpa")
    world.order("Z1", "Akpakpa")
    world.commit()
    db.dispose()

    def run_as(user: str, *argv: str) -> tuple[int, str, str]:
        try:
            return run(*argv, "--user", user)
        except SystemExit as stop:  # argparse refuses an option: exit 2
            out, err = capsys.readouterr()
            return int(stop.code or 0), out, err

    run_as.db_url = db_url  # type: ignore[attr-defined]
    return run_as


def store_return(db_url: str, order_id: int) -> None:
    """Step 5 is another command's: its row written directly."""
    from sbee_desk.db.database import open_database
    from sbee_desk.db.models import StockSheet, StoreReturn
    from sbee_desk.services.audit import now

    db = open_database(db_url)
    with db.uow() as uow:
        uow.session.add(
            StockSheet(
                number=f"FMS-{order_id}", agency_code="AG1", year=2026, typed=True,
                issued_on=__import__("datetime").date(2026, 12, 7), created_by="m",
                created_at=now(),
            )
        )  # fmt: skip
        uow.session.flush()
        uow.session.add(
            StoreReturn(
                order_id=order_id, sheet_number=f"FMS-{order_id}",
                returned_on=__import__("datetime").date(2026, 12, 7), recorded_by="m",
                recorded_at=now(),
            )
        )  # fmt: skip
        uow.commit()
    db.dispose()


def status_of(cli, number: str) -> str:
    code, out, _ = cli("chef", "orders", "list", "--json")
    assert code == 0
    return next(o["status"] for o in json.loads(out)["orders"] if o["number"] == number)


def test_from_dispatch_to_the_terminated_contract(cli, monkeypatch, tmp_path) -> None:
    code, _, err = cli(
        "chef", "dispatch", "--date", DAY, "--order", "1", "2", "3", "--agent", "A001"
    )
    assert code == 0, err
    # the agent de contrôle enters the pile of paper CRIs
    code, out, err = cli(
        "agent_controle", "cri", "enter", "00000001", "--visit", f"{DAY} 09:30",
        "--agent", "A001", "--index", "4521", "--meter", "MP0001", "--breaker-removed",
    )  # fmt: skip
    assert code == 0, err
    assert "CRI de l'ordre n° 00000001 (police P0001) enregistré : exécuté" in out
    code, out, err = cli(
        "agent_controle", "cri", "enter", "2", "--visit", f"{DAY} 15:10", "--agent", "A001",
        "--index", "77", "--meter", "MP0002", "--breaker-removed",
    )  # fmt: skip
    assert code == 0, err
    assert "hors de l'horaire 08h00–14h30" in out
    code, out, err = cli(
        "agent_controle", "cri", "enter", "3", "--visit", f"{DAY} 10:00", "--agent", "A001",
        "--not-done", "REFUS_ACCES", "--note", "client absent, chien",
    )  # fmt: skip
    assert code == 0, err
    assert "non exécuté, retour à la répartition" in out
    assert status_of(cli, "00000003") == "NON_EXECUTE"
    # the chef's list, with its flags
    code, out, _ = cli("chef", "cri", "list", "--json")
    listed = {c["number"]: c for c in json.loads(out)["cris"]}
    assert sorted(listed) == ["00000001", "00000002"]
    assert listed["00000002"]["flags"] == ["outside_window", "no_store_return"]
    assert listed["00000001"]["flags"] == ["no_store_return"]
    # R10: no store return yet → exit 2, nothing changed
    code, _, err = cli("chef", "cri", "countersign", "1")
    assert code == 2 and "retour magasin non enregistré" in err
    store_return(cli.db_url, 1)
    store_return(cli.db_url, 2)
    # R9: the flagged window needs the override
    code, _, err = cli("chef", "cri", "countersign", "1", "2")
    assert code == 2 and "ordre n° 00000002 à 15h10" in err
    assert status_of(cli, "00000001") == "EXECUTE"
    code, out, err = cli(
        "chef", "cri", "countersign", "1", "2", "--override-window", "retour tardif, vu"
    )
    assert code == 0, err
    assert "2 CRI contresignés." in out
    assert "Contrat P0001 résilié le 07/12/2026 (impayés)." in out
    # orders list --json carries each order's latest CRI (import-format.md: "cri")
    code, out, err = cli("chef", "orders", "list", "--json")
    assert code == 0, err
    cris = {o["number"]: o["cri"] for o in json.loads(out)["orders"]}
    assert cris["00000001"] == {
        "attempt": 1,
        "visit_on": DAY,
        "visit_time": "09:30",
        "done": True,
        "index": cris["00000001"]["index"],
        "countersigned_on": cris["00000001"]["countersigned_on"],
    }
    assert cris["00000001"]["countersigned_on"] is not None
    assert cris["00000001"]["index"] is not None
    # R13: twice terminates once
    code, _, err = cli("chef", "cri", "countersign", "1")
    assert code == 2 and "déjà contresigné" in err
    # the contract's whole story
    code, out, err = cli("chef", "contract", "show", "P0001", "--json")
    assert code == 0, err
    card = json.loads(out)
    assert card["police"] == "P0001" and card["status"] == "RESILIE"
    assert (card["terminated_on"], card["termination_cause"]) == (DAY, "IMPAYES")
    whats = [e["what"] for e in card["events"]]
    # the dossier (#16) starts with the invoices; the procedure with the suspension
    procedure = [e["what"] for e in card["events"] if e["kind"] not in ("invoice", "payment")]
    assert procedure[0] == "Interruption (bordereau BT-2026-09)"
    kinds = [e["kind"] for e in card["events"]]
    for kind in ("suspension", "order", "dispatch", "store_return", "cri", "countersign",
                 "termination", "audit"):  # fmt: skip
        assert kind in kinds, kind
    assert any("Contrat résilié : impayés" in w for w in whats)
    assert any(w.startswith("Journal n° ") and "CRI contresigné" in w for w in whats)
    assert all(set(e) >= {"on", "what"} for e in card["events"])
    code, out, _ = cli("chef", "contract", "show", "P0003")
    assert code == 0 and "État : suspendu" in out

    # after the termination (#16): the hand-off, once (R12, R13), then the return file
    monkeypatch.setattr("sbee_desk.services.handoff.run.today", lambda: HANDED)
    monkeypatch.setattr("sbee_desk.services.clock.today", lambda: HANDED)
    out_dir = tmp_path / "transmission"
    code, out, err = cli("chef", "handoff", "--out", str(out_dir), "--json")
    assert code == 0, err
    handed = json.loads(out)
    assert (handed["handoff"], handed["settlement"], handed["litigation"]) == (1, 2, 2)
    assert {p.name for p in out_dir.iterdir()} >= {
        "apurement-2026-12-10.xlsx",
        "apurement-2026-12-10.pdf",
    }
    code, out, err = cli("chef", "handoff", "--out", str(out_dir))
    assert code == 0 and "Aucune résiliation à transmettre" in out + err
    code, out, err = cli("chef", "gc-return", "--out", str(tmp_path / "gc"), "--date", "2026-12-10")
    assert code == 0, err
    [returned] = (tmp_path / "gc").iterdir()
    assert "P0001" in returned.read_text(encoding="utf-8-sig")
    code, out, err = cli("chef", "contract", "show", "P0001", "--json")
    kinds = [e["kind"] for e in json.loads(out)["events"]]
    assert kinds.count("handoff") >= 1 and "gc_return" in kinds


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--index", "45a1", "--meter", "MP0001"], "index relevé : « 45a1 » n'est pas un nombre"),
        (["--index", "1", "--meter", "ZZZ"], "Expliquez l'écart"),
        (["--not-done", "PERDU"], "« PERDU » inconnue"),
        (["--not-done", "AUTRE"], "la remarque « autre » se précise dans la note"),
        (["--not-done", "REFUS_ACCES", "--index", "3"], "--not-done"),
    ],
)
def test_bad_input_exit_2_nothing_changed(cli, argv, message) -> None:
    assert cli("chef", "dispatch", "--date", DAY, "--order", "1", "--agent", "A001")[0] == 0
    code, _, err = cli(
        "agent_controle", "cri", "enter", "1", "--visit", f"{DAY} 09:00", "--agent", "A001", *argv
    )
    assert code == 2 and message in err, err
    assert status_of(cli, "00000001") == "REPARTI"


def test_refusals_name_the_order(cli) -> None:
    code, _, err = cli(
        "agent_controle", "cri", "enter", "1", "--visit", f"{DAY} 09:00", "--agent", "A001",
        "--index", "1", "--meter", "MP0001",
    )  # fmt: skip
    assert code == 2 and "Ordre n° 00000001 à répartir" in err
    code, _, err = cli(
        "agent_controle", "cri", "enter", "42", "--visit", "2026-12-07", "--agent", "A001",
        "--index", "1", "--meter", "M",
    )  # fmt: skip
    assert code == 2 and "--visit" in err
    assert cli("chef", "dispatch", "--date", DAY, "--order", "1", "--agent", "A001")[0] == 0
    code, _, err = cli(
        "agent_controle", "cri", "enter", "1", "--visit", "2026-12-09 09:00", "--agent", "A001",
        "--index", "1", "--meter", "MP0001",
    )  # fmt: skip
    assert code == 2 and "date de la visite : le 09/12/2026 est à venir" in err
    code, _, err = cli("chef", "contract", "show", "NOPE")
    assert code == 2 and "Police « NOPE » : aucun contrat" in err
