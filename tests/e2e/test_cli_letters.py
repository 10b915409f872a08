"""Step 3 end to end through `sbee-desk letters` over several days (#13): deliver,
6 days later the selection still waits, 7 days later it terminates (R5); an
impossible delivery starts the 7 days too; an undelivered letter is overdue after
the plan's alert delay. The date is an injectable clock, never the machine's."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import AuditEvent, ReminderLetter, StaffMember
from sbee_desk.services.edition import run_edition
from tests.builders import cli_runner
from tests.integration.edition_world import CHEF, TODAY, debtor, validate_all, world

D = dt.date


class Clock:
    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock(TODAY)
    for module in ("letters.record", "letters.query", "selection"):
        monkeypatch.setattr(f"sbee_desk.services.{module}.today", c)
    return c


def _decisions(run, day: dt.date) -> dict[str, str]:
    code, out, err = run("select", "--date", day.isoformat(), "--json")
    assert code == 0, err
    return {
        line["police"]: line["decision"]
        for b in json.loads(out)["bordereaux"]
        for line in b["lines"]
    }


def _letters(run, *args: str) -> dict[str, dict]:
    code, out, err = run("letters", "list", "--json", *args)
    assert code == 0, err
    return {letter["police"]: letter for letter in json.loads(out)["letters"]}


def _recorded(db) -> int:
    with db.uow() as uow:
        return uow.session.scalar(
            select(func.count()).where(ReminderLetter.delivered_on.is_not(None))
        )


def test_r5_letters_cli_over_several_days(db, db_url, monkeypatch, capsys, clock, tmp_path) -> None:
    run = cli_runner(db_url, monkeypatch, capsys)  # its users first
    w = world(db)
    for police in ("M1", "M2", "M3"):
        debtor(w, police, voltage="MT")
    w.s.add(StaffMember(matricule="R001", name="Releveur Un", role="RELEVEUR", zones=""))
    w.commit()
    validate_all(db)  # run of 20/11: three letters (MT: reminder first)
    run_edition(db.uow(), CHEF, workers=0, today_=TODAY)  # edited on 22/11

    letters = _letters(run, "--status", "A_REMETTRE")
    assert set(letters) == {"M1", "M2", "M3"}
    assert letters["M1"]["edited_on"] == "2026-11-22" and letters["M1"]["overdue"] is False
    n1, n2, n3 = (letters[p]["number"] for p in ("M1", "M2", "M3"))

    # 24/11: the slips come back — one delivered, one impossible
    clock.day = D(2026, 11, 24)
    code, _out, err = run(
        "letters", "deliver", n1, "--on", "2026-11-24", "--to", "gardien", "--by", "R001"
    )
    assert code == 0, err
    code, _out, err = run(
        "letters", "impossible", n2, "--on", "2026-11-24", "--reason", "adresse introuvable"
    )
    assert code == 0, err
    letters = _letters(run)
    assert letters["M1"]["status"] == "REMISE" and letters["M1"]["deadline"] == "2026-12-01"
    assert letters["M2"]["status"] == "IMPOSSIBLE" and letters["M2"]["deadline"] == "2026-12-01"

    # bad input: French words, exit 2, nothing written
    recorded = _recorded(db)
    for argv, words in [
        (("deliver", n1, "--on", "2026-11-24"), "déjà remise"),
        (("deliver", n3, "--on", "2026-11-25"), "postérieure à aujourd'hui"),
        (("deliver", n3, "--on", "2026-11-21"), "antérieure à son édition"),
        (("deliver", "99999998", "--on", "2026-11-24"), "inconnue"),
        (("deliver", n3, "--on", "24/13/2026"), "illisible"),
        (("list", "--status", "PERDUE"), "inconnu"),
    ]:
        code, _out, err = run("letters", *argv)
        assert code == 2 and words in err, (argv, err)
    assert _recorded(db) == recorded

    # 30/11, 6 days after: still waiting; 01/12, 7 days: to terminate (R5)
    clock.day = D(2026, 11, 30)
    assert _decisions(run, clock.day) == {
        "M1": "ATTENTE_RELANCE",
        "M2": "ATTENTE_RELANCE",
        "M3": "ATTENTE_RELANCE",
    }
    clock.day = D(2026, 12, 1)
    assert _decisions(run, clock.day) == {
        "M1": "RESILIATION",
        "M2": "RESILIATION",
        "M3": "ATTENTE_RELANCE",
    }

    # the undelivered letter: overdue 15 days after its edition
    clock.day = D(2026, 12, 6)
    assert _letters(run, "--status", "A_REMETTRE")["M3"]["overdue"] is False
    clock.day = D(2026, 12, 7)
    assert _letters(run, "--status", "A_REMETTRE")["M3"]["overdue"] is True
    code, _out, err = run("letters", "retry", n3, "--note", "voir la mairie")
    assert code == 0, err
    m3 = _letters(run, "--status", "A_REMETTRE")["M3"]
    assert m3["attempts"] == 2 and m3["overdue"] is False

    # the address difficulties for the gestion clientèle
    out = tmp_path / "difficultes.xlsx"
    code, out_text, err = run("letters", "difficulties", "--out", str(out))
    assert code == 0 and out.is_file(), err
    assert "2 difficultés" in out_text  # the impossible one and the new attempt
    code, _out, err = run("letters", "difficulties", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and ".xlsx" in err

    with db.uow() as uow:
        actions = list(
            uow.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("letter.%")))
        )
    assert sorted(actions) == ["letter.deliver", "letter.impossible", "letter.retry"]
