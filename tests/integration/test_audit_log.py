"""Reading the journal d'audit (#4): filters in SQL, pages, words, Excel export —
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sbee_desk.db.database import Database
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit
from sbee_desk.services import audit_log as al
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.users import update_user
from sbee_desk.wording import audit_text as words
from tests.builders import add_users

CHEF = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}), "Utilisateur chef")
DIG = Actor("controle", frozenset({Role.CONTROLE}), "Utilisateur controle")
ADMIN = Actor("admin", frozenset({Role.ADMIN}), "Utilisateur admin")

#: local noon of three days: the filters by date count in the user's days
DAY1, DAY2, DAY3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour)).astimezone().astimezone(dt.UTC)


def record(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    when: dt.datetime,
    actor: Actor,
    action: str,
    **fields: Any,
) -> None:
    monkeypatch.setattr(audit, "now", lambda: when)
    with db.uow() as uow:
        audit.record(uow, actor, AuditAction(action), **fields)
        uow.commit()


@pytest.fixture
def journal(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Users, then a small journal over three days touching police P100 and BT-1."""
    add_users(db)
    r = lambda when, actor, action, **f: record(db, monkeypatch, when, actor, action, **f)  # noqa: E731
    r(
        at(DAY1, 8),
        ADMIN,
        "user.create",
        entity="user",
        entity_key="chef",
        after={"full_name": "Rodrigue Tossou", "roles": ["CHEF_RECOUVREMENT"], "active": True},
    )
    r(
        at(DAY1, 9),
        CHEF,
        "selection.run",
        entity="selection_run",
        entity_key="7",
        after={"run_on": "2026-11-02", "agency": None, "counts": {"RESILIATION": 3, "EXEMPTE": 1}},
        details={"plans": {"ORDINAIRE": {}, "VIP": {}}},
    )
    r(
        at(DAY2, 10),
        CHEF,
        "review.exclude",
        entity="candidate",
        entity_key="7:P100",
        before={"excluded_reason": None},
        after={"excluded_reason": "payé au guichet", "code": "P"},
    )
    r(
        at(DAY2, 11),
        CHEF,
        "review.exclude",
        entity="candidate",
        entity_key="7:XP100",
        after={"excluded_reason": "autre", "code": "A"},
    )
    r(
        at(DAY2, 12),
        CHEF,
        "review.validate",
        entity="bordereau",
        entity_key="BT-1",
        after={"run": 7, "letters": 1, "orders": 2, "excluded": 1, "dropped_r7": 0},
        details={"exclusions": [{"police": "P100", "reason": "payé au guichet"}]},
    )
    r(
        at(DAY3, 9),
        CHEF,
        "lists.archive",
        entity="archive_entry",
        entity_key="3",
        after={
            "kind": "A_RESILIER",
            "format": "pdf",
            "run": 7,
            "bordereau": "BT-1",
            "file_name": "BT-1-7-a-resilier.pdf",
            "sha256": "ab" * 32,
            "size": 1200,
            "lines": 2,
            "is_copy": False,
        },
    )
    r(
        at(DAY3, 10),
        CHEF,
        "import.update",
        entity="interruptions",
        entity_key="P100/2026-09-01",
        before={"restored_on": None},
        after={"restored_on": "2026-11-03"},
    )
    r(
        at(DAY3, 11),
        CHEF,
        "import.update",
        entity="contrats",
        entity_key="P1000",
        before={"meter_serial": "M1"},
        after={"meter_serial": "M2"},
    )
    r(
        at(DAY3, 12),
        ADMIN,
        "plan.update",
        entity="recovery_plan",
        entity_key="VIP",
        before={"exempt": True, "reminder_delay_days": 7},
        after={"exempt": False, "reminder_delay_days": 10},
    )
    r(
        at(DAY3, 13),
        Actor("inconnu"),
        "refused",
        entity="action",
        entity_key="LOGIN",
        details={"reason": "bad_credentials"},
    )
    r(
        at(DAY3, 14),
        CHEF,
        "demo.letter",
        entity="reminder_letter",
        entity_key="1",
        after={"police": "P100", "run": 7, "created_on": "2026-11-02", "delivered_on": None},
    )
    monkeypatch.undo()
    return db


def ids(page: al.AuditPage) -> list[int]:
    return [e.id for e in page.entries]


def test_pages_newest_first_with_their_total(journal: Database) -> None:
    first = al.audit_events(journal.uow(), DIG, limit=4)
    assert first.total == 11 and ids(first) == [11, 10, 9, 8]
    last = al.audit_events(journal.uow(), DIG, offset=8, limit=4)
    assert ids(last) == [3, 2, 1] and last.total == 11
    oldest = al.audit_events(journal.uow(), DIG, limit=2, newest_first=False)
    assert ids(oldest) == [1, 2]
    entry = first.entries[0]
    assert entry.actor == "chef" and entry.actor_name == "Utilisateur chef"
    assert entry.occurred_at == at(DAY3, 14)
    assert entry.after == {
        "police": "P100",
        "run": 7,
        "created_on": "2026-11-02",
        "delivered_on": None,
    }
    assert al.audit_events(journal.uow(), DIG, limit=1).entries[0].actor_name == "Utilisateur chef"
    unknown = al.audit_events(journal.uow(), DIG, action="refused").entries[0]
    assert unknown.actor_name is None and words.describe_actor(unknown) == "inconnu"


def test_filters_run_in_sql(journal: Database) -> None:
    def found(**filters) -> list[int]:
        return ids(al.audit_events(journal.uow(), DIG, limit=50, **filters))

    # police: candidate line (run:police), interruption key, details and after; not P1000
    # nor XP100
    assert found(police="P100") == [11, 7, 5, 3]
    assert found(police=" P1000 ") == [8]
    assert found(bordereau="BT-1") == [6, 5]
    assert found(user="admin") == [9, 1]
    assert found(action="review.exclude") == [4, 3]
    assert found(action="demo.*") == [11]
    assert found(date_from=DAY2, date_to=DAY2) == [5, 4, 3]
    assert found(date_from=DAY3) == [11, 10, 9, 8, 7, 6]
    assert found(date_to=DAY1) == [2, 1]
    assert found(date_from=DAY3, date_to=DAY1) == []
    assert found(user="chef", police="P100", date_to=DAY2) == [5, 3]
    assert found(police="P_00") == []  # LIKE wildcards are plain characters
    assert found(police="%") == []


def test_reading_needs_an_active_user_and_the_refusal_is_audited(journal: Database) -> None:
    update_user(journal.uow(), ADMIN, "controle", active=False)
    with pytest.raises(PermissionDenied):
        al.audit_events(journal.uow(), DIG)
    refusal = al.audit_events(journal.uow(), CHEF, limit=1).entries[0]
    assert (refusal.actor, refusal.action, refusal.entity_key) == ("controle", "refused", "READ")
    assert refusal.details == {"reason": "unknown_or_inactive"}
    assert words.describe_object(refusal) == (
        "Droit : consulter, éditer les rapports, vérifier le journal d'audit"
    )
    assert words.describe_details(refusal) == "motif : utilisateur inconnu ou désactivé"
    for read in (al.verify_journal, al.audit_choices):
        with pytest.raises(PermissionDenied):
            read(journal.uow(), DIG)


def test_every_event_is_worded_in_french(journal: Database) -> None:
    page = al.audit_events(journal.uow(), DIG, limit=50, newest_first=False)
    rows = {e.id: al.audit_row(e) for e in page.entries}
    assert (rows[1].action, rows[1].object, rows[1].change) == (
        "Utilisateur créé",
        "Utilisateur chef",
        "nom : Rodrigue Tossou ; rôles : Chef section recouvrement ; actif : oui",
    )
    assert rows[2].change == (
        "date du traitement : 02/11/2026 ; agence : toutes ; décisions : 3 à résilier, 1 exempté"
    )
    assert rows[2].details == "plans de recouvrement : valeurs de 2 catégories conservées"
    assert (rows[3].object, rows[3].change) == (
        "Contrat P100 (traitement n° 7)",
        "motif d'exclusion : — → payé au guichet",
    )
    assert rows[5].object == "Bordereau BT-1"
    assert rows[5].details == "exclusions : P100 (payé au guichet)"
    assert rows[6].action == "Listes produites et archivées"
    assert "liste : À résilier" in rows[6].change and "empreinte : abababababab…" in rows[6].change
    assert rows[7].object == "Interruption, police P100 du 01/09/2026"
    assert rows[7].change == "rétabli le : — → 03/11/2026"
    assert (rows[8].object, rows[8].change) == ("Contrat P1000", "compteur : M1 → M2")
    assert rows[9].object == "Plan « Sensible (VIP) »"
    assert rows[9].change == (
        "exempté sauf dérogation DG : oui → non ; délai après remise de la lettre (jours) : 7 → 10"
    )
    assert (rows[10].action, rows[10].object, rows[10].details) == (
        "Action refusée",
        "Connexion",
        "motif : identifiant ou mot de passe incorrect",
    )
    assert rows[11].action == "Démonstration : lettre de relance"
    assert rows[11].object == "Lettre n° 00000001, police P100"
    # no code shown bare: every action has its French name (tests/unit/domain/
    # test_audit_actions.py checks each), unknown ones say so
    assert words.action_label("demo.*") == "Démonstration (tout)"
    assert words.action_label("demo.nouveau") == "Démonstration : nouveau"
    assert words.action_label("x.y") == "Autre action (x.y)"


def test_choices_and_chain(journal: Database) -> None:
    choices = al.audit_choices(journal.uow(), DIG)
    logins = [login for login, _name in choices.users]
    assert "inconnu" in logins and "magasinier" in logins  # who acted, and every user
    assert dict(choices.users)["chef"] == "Utilisateur chef"
    assert "plan.update" in choices.actions and "demo.letter" in choices.actions
    status = al.verify_journal(journal.uow(), DIG)
    assert status.ok and status.events == 11 and words.chain_problem(status) == ""


def test_iteration_reads_every_event_by_batches(journal: Database) -> None:
    wanted = al.AuditFilter(police="P100")
    events = list(al.iter_audit_events(journal.uow(), DIG, wanted, batch=2))
    assert [e.id for e in events] == [11, 7, 5, 3]
    everything = list(
        al.iter_audit_events(journal.uow(), DIG, al.AuditFilter(), batch=3, newest_first=False)
    )
    assert [e.id for e in everything] == list(range(1, 12))


def test_export_to_excel_with_real_dates(journal: Database, tmp_path: Path) -> None:
    path = tmp_path / "journal.xlsx"
    progress: list[tuple[int, int]] = []
    count = al.export_journal(
        journal.uow(),
        DIG,
        al.AuditFilter(date_from=DAY2),
        path,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert count == 9 and progress[-1] == (9, 9)
    assert not (tmp_path / "journal.xlsx.part").exists()
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Journal d'audit"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Journal d'audit"
    assert "par Utilisateur controle (controle)" in rows[1][0]
    assert "9 événements ; filtres : du 03/11/2026" in rows[1][0]
    # the chain's head when exported (#12), in the sheet and in its printed footer
    with journal.uow() as uow:
        head = audit.chain_head(uow)
    assert rows[2][0] == f"Journal d'audit : événement n° 11, empreinte {head.hash}"
    assert head.hash in sheet.oddFooter.center.text
    assert rows[3] == ("N°", "Date", "Utilisateur", "Action", "Objet", "Avant → après", "Détails")
    first = rows[4]
    assert first[0] == 11 and first[1] == at(DAY3, 14).astimezone().replace(tzinfo=None)
    assert isinstance(first[1], dt.datetime)
    assert sheet.cell(5, 2).number_format == "dd/mm/yyyy hh:mm"
    assert first[2:5] == (
        "Utilisateur chef (chef)",
        "Démonstration : lettre de relance",
        "Lettre n° 00000001, police P100",
    )
    assert len(rows) == 4 + 9 and sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:G13"


def test_a_cancelled_export_leaves_no_file(journal: Database, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "journal.xlsx"
    path.write_bytes(b"previous export")
    with pytest.raises(al.ExportCancelled):
        al.export_journal(journal.uow(), DIG, al.AuditFilter(), path, cancelled=lambda: True)
    assert path.read_bytes() == b"previous export"
    assert list(folder.iterdir()) == [path]
