"""The journal d'audit speaks French after a real day of work (#10): every action
and every field the services write has its French words, objects are named as the
agency names them (« Ordre n° 00000012 », « Édition du 22/11/2026 »), old events
too, and naming a page of events reads the database set-based."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import openpyxl
from sqlalchemy import event, select, update

from sbee_desk.db.database import Database
from sbee_desk.db.models import (
    Customer,
    EditionDocument,
    Invoice,
    Payment,
    StaffMember,
    Suspension,
    WorkOrder,
)
from sbee_desk.documents.audit_export import AuditRow
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Role
from sbee_desk.services import audit
from sbee_desk.services import audit_log as al
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit import EventDraft
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.backup import set_settings, take_backup
from sbee_desk.services.backup_restore import inspect_backup, restore
from sbee_desk.services.classeur import archive_register, save_copy
from sbee_desk.services.cri import CriEntry, countersign, enter_cri, find_order
from sbee_desk.services.dispatch import (
    assign,
    close_order,
    dispatch_auto,
    field_agent,
    list_orders,
    record_recall,
    route_sheets,
    set_dispatch_settings,
    unassign,
)
from sbee_desk.services.edition import (
    DocumentKind,
    check_r7,
    list_documents,
    mark_handed_over,
    mark_printed,
    run_edition,
)
from sbee_desk.services.gc_return import export_return_file
from sbee_desk.services.handoff import reprint_handoff, run_handoff
from sbee_desk.services.importing import import_export
from sbee_desk.services.letters import (
    correct_delivery,
    deliver,
    order_retry,
    record_impossible,
)
from sbee_desk.services.lists import produce_lists
from sbee_desk.services.plans import update_plan
from sbee_desk.services.review import (
    add_derogation,
    exclude_lines,
    exclusion_reasons,
    restore_lines,
    validate_bordereau,
)
from sbee_desk.services.selection import run_selection
from sbee_desk.services.termination_r8 import add_termination
from sbee_desk.services.users import (
    MAX_FAILED_LOGINS,
    AuthenticationFailed,
    authenticate,
    create_user,
    save_staff,
    unlock_user,
    update_user,
)
from sbee_desk.wording import audit_text as words
from sbee_desk.wording.labels import AUDIT_ACTION_LABELS
from tests.builders import PASSWORD, add_user
from tests.integration.edition_world import CHEF, RUN, TODAY, D, bordereaux, debtor, world
from tests.integration.test_import import HEADERS, write_csv

ADMIN = Actor("admin", frozenset({Role.ADMIN}), "Utilisateur admin")
DG = Actor("dg", frozenset({Role.DIRECTION}), "Utilisateur dg")
READER = Actor("chef", frozenset({Role.CHEF_RECOUVREMENT}), "Utilisateur chef")


def a_day_of_work(db: Database, folder: Path) -> None:
    """Users and staff, a selection reviewed and validated, its lists, an import that
    ends two procedures (R7), the night edition (interrupted, then resumed), printing,
    a reprint, the hand-over, and R7 again before printing."""
    w = world(db)
    add_user(w.s, "admin", Role.ADMIN)
    add_user(w.s, "dg", Role.DIRECTION)
    for police in ("PB1", "PB2", "PB3", "PB4", "PB5", "PREST"):
        debtor(w, police, name=f"Client {police}")
    debtor(w, "PM1", voltage="MT", name="Mairie de Sèmè-Kpodji")
    paid = debtor(w, "PPAID", voltage="MT")
    debtor(w, "PVIP")
    w.s.get_one(Customer, "CPVIP").category = "VIP"
    w.contract("PFRAUD", name="Client PFRAUD")  # suspended after the run: R8 only
    w.suspension("PFRAUD", D(2026, 11, 21))
    w.commit()

    # the administrator's morning
    create_user(db.uow(), ADMIN, "caisse", "Afi Houngbo", [Role.CONTROLE], PASSWORD)
    update_user(db.uow(), ADMIN, "caisse", roles=[Role.CONTROLE, Role.AGENT_CONTROLE])
    save_staff(db.uow(), ADMIN, "REL-01", "Codjo Ahouandjinou", "RELEVEUR", ["Z1"], True)
    save_staff(db.uow(), ADMIN, "RPNT-01", "Sèna Agbodjan", "AGENT_RPNT", [], True)
    update_plan(db.uow(), ADMIN, "ORDINAIRE", {"reminder_delay_days": 8})
    authenticate(db.uow(), "chef", PASSWORD)
    with contextlib.suppress(AuthenticationFailed):
        authenticate(db.uow(), "chef", "mauvais mot de passe")
    for _ in range(MAX_FAILED_LOGINS):  # someone locks caisse; the administrator unlocks it
        with contextlib.suppress(AuthenticationFailed):
            authenticate(db.uow(), "caisse", "mauvais mot de passe")
    unlock_user(db.uow(), ADMIN, "caisse")
    with contextlib.suppress(PermissionDenied):
        update_plan(db.uow(), CHEF, "VIP", {"exempt": False})

    # step 1
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    reason = exclusion_reasons(db.uow())[0][0]
    exclude_lines(db.uow(), CHEF, run, ["PB2"], reason)
    restore_lines(db.uow(), CHEF, run, ["PB2"])
    add_derogation(db.uow(), DG, "PVIP", "DG-2026-014", D(2026, 11, 21), today_=TODAY)
    codes = bordereaux(db, run)
    assert len(codes) > 1
    for i, code in enumerate(codes):
        validate_bordereau(db.uow(), CHEF, run, code, today_=TODAY)
        produce_lists(db.uow(), CHEF, run, code, out_dir=folder / "listes")
        if i == 0:  # PB5 restored before the next validation: R7 at validation ends it
            with db.uow() as uow:
                uow.session.execute(
                    update(Suspension).where(Suspension.police == "PB5").values(restored_on=TODAY)
                )
                uow.commit()
    # a termination for another cause (R8, #16)
    add_termination(db.uow(), CHEF, "PFRAUD", "FRAUDE", "compteur trafiqué", today_=TODAY)
    entry = archive_register(db.uow(), run_id=run)[0]
    save_copy(db.uow(), READER, entry.entry_id, folder / "copie" / entry.file_name)

    # the next export: PREST restored, PPAID's first invoice paid, PB1's meter changed
    export = folder / "export"
    write_csv(
        export,
        "interruptions",
        HEADERS["interruptions"],
        [["PREST", "01/10/2026", "BT-2026-09", "21/11/2026"]],
    )
    write_csv(
        export, "reglements", HEADERS["reglements"], [[paid[0], "21/11/2026", "10 000", "RCU-77"]]
    )
    import_export(db.uow(), CHEF, export, today_=TODAY)

    # step 2: the edition, interrupted after its first document, then completed
    seen: list[int] = []
    first = run_edition(
        db.uow(),
        CHEF,
        workers=0,
        today_=TODAY,
        progress=lambda done, _total: seen.append(done),
        cancelled=lambda: bool(seen and seen[-1] > 0),
    )
    assert first.interrupted and first.batch_id is not None
    run_edition(db.uow(), CHEF, workers=0, out_dir=folder / "edition", today_=TODAY)
    docs = list_documents(db.uow(), first.batch_id)
    mark_printed(db.uow(), CHEF, [d.id for d in docs])
    orders = [d for d in docs if d.kind is DocumentKind.ORDER]
    letters = [d for d in docs if d.kind is DocumentKind.LETTER]
    mark_printed(db.uow(), CHEF, [orders[0].id], reprint_reason="bourrage papier")
    with db.uow() as uow:
        staff = {s.matricule: s.id for s in uow.session.scalars(select(StaffMember))}
    mark_handed_over(db.uow(), CHEF, [d.id for d in orders], staff["RPNT-01"])
    mark_handed_over(db.uow(), CHEF, [d.id for d in letters], staff["REL-01"])
    # step 3: the slips come back (#13)
    live = [d for d in letters if not d.cancelled]
    assert len(live) >= 1
    n = live[0].number
    deliver(db.uow(), CHEF, [n], TODAY, to="gardien", today_=TODAY)
    correct_delivery(db.uow(), CHEF, n, "coupon scanné par erreur", undo=True, today_=TODAY)
    order_retry(db.uow(), CHEF, n, note="voir le gardien", reprint=True, today_=TODAY)
    record_impossible(db.uow(), CHEF, n, TODAY, "adresse introuvable", today_=TODAY)
    with contextlib.suppress(PermissionDenied):
        correct_delivery(db.uow(), Actor("caisse"), n, "essai", undo=True, today_=TODAY)
    dispatched = a_day_of_dispatch(db)
    # after the termination (#16): the hand-off, then its reprint
    handed = run_handoff(db.uow(), CHEF, folder / "transmission", today_=TODAY)
    reprint_handoff(db.uow(), CHEF, handed.number, folder / "transmission")
    # PB2 pays everything after its order went out: R7 cancels it, the agent is called back
    with db.uow() as uow:
        for number in uow.session.scalars(select(Invoice.number).where(Invoice.police == "PB2")):
            uow.session.add(
                Payment(
                    invoice_number=number, reference=f"RCU-{number}", paid_on=TODAY, amount=10_000
                )
            )
        uow.commit()
    check_r7(db.uow(), CHEF, today_=TODAY)
    record_recall(db.uow(), CHEF, [dispatched["PB2"]], "appelé à 10 h")
    a_day_at_the_store(db, dispatched["PB1"])
    # the return file for the gestion clientèle (#16): the termination, the difficulty
    export_return_file(db.uow(), CHEF, folder / "retour-gc", today_=TODAY)

    # the backups (#17): settings changed, the base restored from a backup
    set_settings(db.uow(), ADMIN, folder=str(folder / "sauvegardes"), keep_days=20)
    if db.engine.dialect.name == "sqlite":
        taken = take_backup(db.engine)
        restore(db.engine, inspect_backup(taken.path, db.engine), ADMIN)
    else:  # PostgreSQL: pg_restore is the DBA's; the event the restore writes
        with db.uow().write() as uow:
            audit.record(
                uow,
                ADMIN,
                AuditAction.BACKUP_RESTORE,
                details={
                    "backup": "sauvegarde.dump",
                    "taken_at": "2026-11-22T06:00:00Z",
                    "app_version": "0.1.0",
                    "schema_revision": "0009",
                    "audit_event": 12,
                },
            )
            uow.commit()


def a_day_at_the_store(db: Database, order_id: int) -> None:
    """Step 5 (#15): a magasinier, a removal back at the store with a serial that
    differs, its stock sheet's PDF, the store settings."""
    from sbee_desk.services.store import record_return, set_store_settings, sheet_pdf

    create_user(db.uow(), ADMIN, "magasin", "Kossi Zinsou", [Role.MAGASINIER], PASSWORD)
    save_staff(db.uow(), ADMIN, "MAG-01", "Kossi Zinsou", "MAGASINIER", [], True)
    store = Actor("magasin", frozenset({Role.MAGASINIER}))
    back = D(2026, 11, 23)  # the day of the visit
    with patch("sbee_desk.services.store.record.today", lambda: back):
        row = record_return(
            db.uow(), store, str(order_id), back, keeper="MAG-01", meter="X-1", note="plaque"
        )
    sheet_pdf(db.uow(), store, row.sheet_number)
    set_store_settings(db.uow(), ADMIN, return_delay_days=3)


def a_day_of_dispatch(db: Database) -> dict[str, int]:
    """Step 4 (#14): agents, the capacity, the proposal confirmed, a move, an order taken
    back, one closed after its failed visits, the route sheets. Police → order id."""
    save_staff(db.uow(), ADMIN, "A012", "Koffi Agbodjan", "AGENT_RECOUVREMENT", ["Z1"], True)
    save_staff(db.uow(), ADMIN, "A013", "Bio Sanni", "AGENT_RECOUVREMENT", ["Z1"], True)
    set_dispatch_settings(db.uow(), ADMIN, daily_capacity=10)
    visit = D(2026, 11, 23)
    with patch("sbee_desk.services.dispatch.assignment.today", lambda: TODAY):
        dispatch_auto(db.uow(), CHEF, visit)
        rows = {o.police: o for o in list_orders(db.uow())}
        other = "A013" if rows["PB1"].agent_matricule == "A012" else "A012"
        assign(db.uow(), CHEF, visit, [rows["PB1"].id], field_agent(db.uow(), other))
        unassign(db.uow(), CHEF, [rows["PB3"].id], "agent malade")
    with db.uow() as uow:  # PB3's visits failed three times (the CRI's, to come)
        uow.session.execute(
            update(WorkOrder)
            .where(WorkOrder.id == rows["PB3"].id)
            .values(status="NON_EXECUTE", attempts=3)
        )
        uow.commit()
    close_order(db.uow(), CHEF, [rows["PB3"].id], "compteur introuvable", TODAY)
    route_sheets(db.uow(), CHEF, visit)
    a_day_of_cri(db, rows["PB1"].number, visit)
    return {police: row.id for police, row in rows.items()}


def a_day_of_cri(db: Database, number: str, visit: dt.date) -> None:
    """Step 6 (#15): a CRI entered with a meter that differs, countersigned without its
    store return (an override): the contract is terminated."""
    with db.uow() as uow:
        add_user(uow.session, "controle", Role.AGENT_CONTROLE)
        uow.commit()
    order = find_order(db.uow(), number)
    with patch("sbee_desk.services.cri.entry.today", lambda: visit):
        enter_cri(
            db.uow(),
            Actor("controle"),
            CriEntry(
                number=number, visit_on=visit, visit_time="15:05", done=True,
                agent=order.agent_matricule or "", index="4521", meter_serial="AUTRE-1",
                mismatch_note="compteur remplacé", breaker_removed=True,
                remarks=("PANNEAU_POURRI",),
            ),
        )  # fmt: skip
    countersign(
        db.uow(), CHEF, [number], override_window="visite tardive", override_store="magasin fermé"
    )


def _entries(db: Database) -> list[al.AuditEntry]:
    return list(al.iter_audit_events(db.uow(), READER, al.AuditFilter(), newest_first=False))


def _keys(values: Any, key: str | None = None) -> Iterator[str]:
    """Every field name of a before / after / details, nested ones too (a dict inside a
    value is worded field by field), except the few values worded as a whole."""
    if isinstance(values, dict):
        for name, value in values.items():
            if key in words.WHOLE_VALUES:
                continue
            yield name
            yield from _keys(value, name)
    elif isinstance(values, list):
        for value in values:
            yield from _keys(value, key)


def test_every_action_and_field_of_a_day_of_work_reads_in_french(db, tmp_path) -> None:
    a_day_of_work(db, tmp_path)
    entries = _entries(db)
    written = {e.action for e in entries}
    # the day touched every step: what it writes is what the journal must name
    assert {a.value for a in AuditAction if not a.value.startswith("demo.")} <= written
    unlabelled = sorted(
        {
            f"{e.action}: {name}"
            for e in entries
            for values in (e.before, e.after, e.details)
            for name in _keys(values)
            if name not in words.AUDIT_FIELD_LABELS
        }
    )
    assert unlabelled == []
    for e in entries:
        row = al.audit_row(e)
        assert not row.action.startswith("Autre action"), e.action
        for text in (row.object, row.change, row.details):
            for raw in (
                "edition_",
                "reminder_letter",
                "work_order",
                "archive_entry",
                "selection_run",
                " dir",
                "None",
                "LETTER",
                "ORDER",
                "GENERE",
            ):
                assert raw not in text, (e.action, text)


def test_objects_are_named_as_the_agency_names_them(db, tmp_path) -> None:
    a_day_of_work(db, tmp_path)
    rows = [al.audit_row(e) for e in _entries(db)]

    def first(action: AuditAction) -> AuditRow:
        return next(r for r in rows if r.action == AUDIT_ACTION_LABELS[action])

    # new events carry the document's kind, number and police: no lookup to name them
    for action in (AuditAction.EDITION_PRINT, AuditAction.EDITION_HANDOVER):
        raw = next(e for e in _entries(db) if e.action == action)
        assert {"kind", "number", "police"} <= set(raw.details or {}) and "kind" not in raw.facts
    printed = first(AuditAction.EDITION_PRINT)
    assert printed.object.startswith(("Ordre n° 0000000", "Lettre n° 0000000"))
    assert ", police P" in printed.object
    assert printed.change == "état : généré → imprimé ; impressions : 0 → 1"
    reprint = first(AuditAction.EDITION_REPRINT)
    assert reprint.object.startswith("Ordre n° 0000000")
    assert printed.details == ""  # its kind, number and police are in the object
    assert reprint.details == "motif : bourrage papier"
    handed = first(AuditAction.EDITION_HANDOVER)
    assert handed.change == "état : imprimé → remis ; remis à : — → Sèna Agbodjan (RPNT-01)"
    assert handed.details == "matricule : RPNT-01"
    for action in (
        AuditAction.EDITION_START,
        AuditAction.EDITION_RESUME,
        AuditAction.EDITION_DOCUMENTS,
        AuditAction.EDITION_FINISH,
    ):
        assert first(action).object.startswith("Édition du 22/11/2026"), action
    assert "date d'édition : 22/11/2026" in first(AuditAction.EDITION_START).change
    documents = first(AuditAction.EDITION_DOCUMENTS).change
    assert "lettre n° 0000000" in documents or "ordre n° 0000000" in documents
    cancelled = first(AuditAction.IMPORT_R7_CANCEL)
    assert re.fullmatch(r"(Ordre|Lettre) n° \d{8}, police (PREST|PPAID)", cancelled.object)
    recalled = first(AuditAction.EDITION_R7_CANCEL)
    assert recalled.object.startswith("Ordre n° 0000000") and "police PB2" in recalled.object
    # handed to the RPNT's Sèna Agbodjan, then given to the agent de recouvrement
    # Koffi Agbodjan for his round (#14): he is the one to call back
    assert "agent à rappeler : Koffi Agbodjan" in recalled.details
    assert "cause : paiement" in recalled.details
    assert "document : déjà édité" in recalled.details
    archived = first(AuditAction.LISTS_ARCHIVE)
    assert archived.object.startswith("Liste ") and ", bordereau " in archived.object
    assert "dossier de sortie : " in archived.details
    copy = first(AuditAction.LISTS_COPY)
    assert copy.object.startswith("Liste ") and ", bordereau " in copy.object
    assert first(AuditAction.SELECTION_RUN).object == "Traitement n° 1 du 20/11/2026"
    assert first(AuditAction.REVIEW_EXCLUDE).object == "Contrat PB2 (traitement n° 1)"
    assert first(AuditAction.STAFF_SAVE).object == "Personnel REL-01, Codjo Ahouandjinou"
    assert first(AuditAction.IMPORT_UPDATE).object.startswith("Interruption, police PREST")


def test_old_events_are_named_from_the_database_a_page_at_a_time(db, tmp_path) -> None:
    """Events written before #10 lack the document's kind: the page reads it, with a
    fixed number of queries whatever the number of events."""
    a_day_of_work(db, tmp_path)
    with db.uow() as uow:
        docs = uow.session.scalars(select(EditionDocument).order_by(EditionDocument.id)).all()
        info = [(d.id, d.kind, d.number, d.police) for d in docs]
    prints: list[EventDraft] = [
        {
            "action": AuditAction.EDITION_PRINT,
            "entity": "edition_document",
            "entity_key": str(doc_id),
            "before": {"status": "GENERE", "print_count": 0},
            "after": {"status": "IMPRIME", "print_count": 1},
        }
        for doc_id, *_ in info
    ]
    with db.uow() as uow:
        audit.record_many(uow, Actor("chef"), prints * 20)
        uow.commit()

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = al.audit_events(db.uow(), READER, action="edition.print", limit=500)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.total >= 20 * len(info) and len(page.entries) >= 20 * len(info)
    assert len(statements) <= 8, statements
    names = {words.describe_object(e) for e in page.entries if not e.details}
    kinds = {DocumentKind.ORDER.value: "Ordre", DocumentKind.LETTER.value: "Lettre"}
    assert names == {
        f"{kinds[kind]} n° {number}, police {police}" for _id, kind, number, police in info
    }


def test_a_document_gone_from_the_database_is_still_named(db) -> None:
    with db.uow() as uow:
        audit.record(
            uow,
            Actor("chef"),
            AuditAction.EDITION_PRINT,
            entity="edition_document",
            entity_key="77",
            details={"number": "00000012", "police": "P1"},
        )
        audit.record(
            uow,
            Actor("chef"),
            AuditAction.EDITION_FINISH,
            entity="edition_batch",
            entity_key="9",
            after={"letters": 1},
        )
        uow.commit()
    add_user_chef(db)
    page = al.audit_events(db.uow(), READER, newest_first=False)
    assert [words.describe_object(e) for e in page.entries] == [
        "Document n° 00000012, police P1",
        "Édition n° 9",
    ]


def add_user_chef(db: Database) -> None:
    with db.uow() as uow:
        add_user(uow.session, "chef", Role.CHEF_RECOUVREMENT)
        uow.commit()


def test_the_excel_export_uses_the_same_words(sqlite_db, tmp_path) -> None:
    db = sqlite_db
    a_day_of_work(db, tmp_path)
    path = tmp_path / "journal.xlsx"
    count = al.export_journal(db.uow(), READER, al.AuditFilter(action="edition.print"), path)
    # two heading lines, the journal's head (#12), the column titles
    rows = list(openpyxl.load_workbook(path).active.iter_rows(min_row=5, values_only=True))
    assert count == len(rows) > 0
    assert {row[3] for row in rows} == {"Document imprimé"}
    assert all(re.fullmatch(r"(Ordre|Lettre) n° \d{8}, police P\w+", row[4]) for row in rows)
    assert {row[5] for row in rows} == {"état : généré → imprimé ; impressions : 0 → 1"}
