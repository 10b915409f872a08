"""Demo agency: the export it writes, its import and the history it records (#2)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sbee_desk.db.models import (
    Agency,
    AuditEvent,
    Bordereau,
    Contract,
    Customer,
    Derogation,
    Invoice,
    Payment,
    ReminderLetter,
    Suspension,
)
from sbee_desk.domain.enums import CustomerCategory, Decision, OrderKind
from sbee_desk.importers import ImportCancelled
from sbee_desk.services.actor import Actor
from sbee_desk.services.demo import HEADERS, MONTHS, TABLES, load_demo, write_demo_export
from sbee_desk.services.selection import run_selection, selection_json
from sbee_desk.services.users import create_demo_users

TODAY = dt.date(2026, 11, 20)
N = 400
ACCENTED = re.compile(r"[àâäçéèêëîïôöùûüÿÀÂÇÉÈÊÎÔÙÛ]")


def read(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        assert reader.fieldnames == HEADERS[table].split(";")
        return list(reader)


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    first = write_demo_export(tmp_path / "a", contracts=N, today=TODAY)
    again = write_demo_export(tmp_path / "b", contracts=N, today=TODAY)
    other = write_demo_export(tmp_path / "c", contracts=N, today=TODAY, seed=7)
    assert first == again
    for table in TABLES:
        name = f"{table}.csv"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "clients.csv").read_bytes() != (
        tmp_path / "c" / "clients.csv"
    ).read_bytes()
    assert other["contrats"] == N
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(f"{t}.csv" for t in TABLES)


def test_export_looks_like_an_agency(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    counts = write_demo_export(
        tmp_path, contracts=N, today=TODAY, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (N, N)
    rows = {table: read(tmp_path, table) for table in TABLES}
    assert {t: len(r) for t, r in rows.items()} == counts
    last_day = (TODAY - dt.timedelta(days=1)).isoformat()

    clients = {r["code_client"]: r for r in rows["clients"]}
    assert set(Counter(r["categorie"] for r in clients.values())) == {
        c.value for c in CustomerCategory
    }
    assert Counter(r["categorie"] for r in clients.values())["ORDINAIRE"] > 0.8 * len(clients)
    names = [r["nom"] for r in clients.values()]
    assert sum(bool(ACCENTED.search(n)) for n in names) > 0.2 * len(names)
    addresses = [r["adresse"] for r in clients.values()]
    assert "" in addresses
    assert any(re.fullmatch(r"Lot \d+, Carré \d+, \w[\w -]*", a) for a in addresses)
    phones = [r["telephone"] for r in clients.values() if r["telephone"]]
    assert phones and all(re.fullmatch(r"\+229 01( \d\d){4}", p) for p in phones)

    contracts = {r["police"]: r for r in rows["contrats"]}
    assert len(contracts) == N
    assert all(r["code_client"] in clients for r in contracts.values())
    voltages = Counter(r["tension"] for r in contracts.values())
    assert 0.01 * N <= voltages["MT"] <= 0.06 * N
    assert voltages["BT"] + voltages["MT"] == N
    assert {r["agence"] for r in contracts.values()} == {"COT-CENTRE", "ABC-CALAVI"}
    assert any(r["date_resiliation"] for r in contracts.values())
    assert all(r["date_resiliation"] <= last_day for r in contracts.values())

    bordereaux = {r["bordereau"]: r for r in rows["bordereaux"]}
    assert "BT-COTC-2026-10" in bordereaux and "MT-CALV-2025-11" in bordereaux
    assert len(bordereaux) == 2 * 2 * MONTHS
    assert max(r["periode"] for r in bordereaux.values()) == "2026-10"

    invoices = {r["facture"]: r for r in rows["factures"]}
    assert len(invoices) == len(rows["factures"])
    assert 11 * N <= len(invoices) <= 12.5 * N
    for r in invoices.values():
        assert r["police"] in contracts and r["bordereau"] in bordereaux
        assert r["bordereau"].startswith(contracts[r["police"]]["tension"])
        assert r["date_emission"] <= last_day
    assert any(r["annulee"] == "oui" for r in invoices.values())
    assert any(r["date_echeance"] == "" for r in invoices.values())

    payments = rows["reglements"]
    assert len({r["reference"] for r in payments}) == len(payments)
    assert all(r["facture"] in invoices and int(r["montant"]) > 0 for r in payments)
    assert all(r["date"] <= last_day for r in payments)
    paid = Counter[str]()
    for r in payments:
        paid[r["facture"]] += int(r["montant"])
    assert all(paid[f] <= int(invoices[f]["montant"]) for f in paid)
    assert any(0 < paid[f] < int(invoices[f]["montant"]) for f in paid)  # partial payments

    suspensions = rows["interruptions"]
    per_police = Counter(r["police"] for r in suspensions)
    assert all(p in contracts for p in per_police)
    assert len({(r["police"], r["date_interruption"]) for r in suspensions}) == len(suspensions)
    assert all(r["bordereau"] in bordereaux for r in suspensions)
    restored = [r for r in suspensions if r["date_retablissement"]]
    assert restored and all(r["date_retablissement"] > r["date_interruption"] for r in restored)
    current = {r["police"] for r in suspensions if not r["date_retablissement"]}
    assert 0.05 * N <= len(current) <= 0.15 * N
    assert max(per_police.values()) >= 2  # restored earlier, suspended again


def chef(db) -> Actor:
    return create_demo_users(db.uow())


def test_load_demo_imports_the_export_and_shows_every_decision(db) -> None:
    actor = chef(db)
    steps: list[tuple[int, int]] = []
    result = load_demo(
        db, actor, contracts=N, today=TODAY, progress=lambda d, t: steps.append((d, t))
    )
    assert steps[-1] == (1000, 1000)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)

    tables = {
        "clients": Customer,
        "contrats": Contract,
        "bordereaux": Bordereau,
        "factures": Invoice,
        "reglements": Payment,
        "interruptions": Suspension,
    }
    with db.uow() as uow:
        session = uow.session
        for table, model in tables.items():
            count = session.scalar(select(func.count()).select_from(model))
            assert count == result.rows[table], table
        categories = set(session.scalars(select(Customer.category).distinct()))
        voltages = set(session.scalars(select(Contract.voltage).distinct()))
        names = list(session.scalars(select(Customer.name)))
        agencies = {code: name for code, name in session.execute(select(Agency.code, Agency.name))}
        letter_runs = list(session.scalars(select(ReminderLetter.run_id)))
        derogations = session.scalar(select(func.count()).select_from(Derogation))
        events = Counter(session.scalars(select(AuditEvent.action)))
        derogation_actors = set(
            session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "derogation.add"))
        )
    assert categories == {c.value for c in CustomerCategory}
    assert voltages == {"BT", "MT"}
    assert any(ACCENTED.search(name) for name in names)
    assert agencies == {"COT-CENTRE": "Agence Cotonou Centre", "ABC-CALAVI": "Agence Abomey-Calavi"}

    assert result.letters == len(letter_runs) >= 3
    assert 0 < result.letters_delivered < result.letters
    assert result.history_run_id in set(letter_runs)  # and yesterday's run (à éditer)
    assert result.derogations == derogations >= 1
    # the letters come from validations, their deliveries from the letters service
    assert events["review.validate"] >= 1
    assert "demo.letter" not in events
    assert events["letter.deliver"] + events["letter.impossible"] == result.letters_delivered
    assert events["derogation.add"] == result.derogations  # through the review service
    assert "demo.derogation" not in events
    assert derogation_actors == {"dg"}  # the Direction Générale user

    run = run_selection(db.uow(), actor, TODAY, today_=TODAY)
    assert set(run.counts) == set(Decision)
    document = selection_json(db.uow(), run.run_id)
    lines = [line for b in document["bordereaux"] for line in b["lines"]]
    assert {line["decision"] for line in lines} == {d.value for d in Decision}
    assert {line["ordre"] for line in lines} == {k.value for k in OrderKind}

    calavi = run_selection(db.uow(), actor, TODAY, "ABC-CALAVI", today_=TODAY)
    assert 0 < calavi.candidate_count < run.candidate_count


def test_loading_the_demo_again_adds_nothing(sqlite_db) -> None:
    actor = chef(sqlite_db)
    first = load_demo(sqlite_db, actor, contracts=N, today=TODAY)
    again = load_demo(sqlite_db, actor, contracts=N, today=TODAY)
    assert (again.history_run_id, again.history_on) == (first.history_run_id, first.history_on)
    assert (again.letters, again.derogations) == (0, 0)
    with sqlite_db.uow() as uow:
        session = uow.session
        letters = session.scalar(select(func.count()).select_from(ReminderLetter))
        derogations = session.scalar(select(func.count()).select_from(Derogation))
        invoices = session.scalar(select(func.count()).select_from(Invoice))
    assert (letters, derogations) == (first.letters, first.derogations)
    assert invoices == first.rows["factures"]


def test_cancelling_the_demo_writes_nothing(sqlite_db) -> None:
    with pytest.raises(ImportCancelled):
        load_demo(sqlite_db, chef(sqlite_db), contracts=N, today=TODAY, cancelled=lambda: True)
    with sqlite_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Contract)) == 0
