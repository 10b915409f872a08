"""Import of the gestion-clientèle export (import-format.md), on SQLite and PostgreSQL.

Successful imports: the sample export, upsert by key, audit, deltas, separators,
workbooks, progress and cancellation. The problems are in test_import_problems.py.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, text

from sbee_desk.db.database import Database
from sbee_desk.db.models import AuditEvent, Contract, Customer, Invoice, Payment, Suspension
from sbee_desk.importers import bulk_insert
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.importing import ImportCancelled, ImportResult, TableCounts, import_export
from tests.builders import add_users
from tests.paths import SAMPLES

ACTOR = Actor("chef")

#: import table -> database table
MODEL_TABLES = {
    "clients": "customer",
    "contrats": "contract",
    "bordereaux": "bordereau",
    "factures": "invoice",
    "reglements": "payment",
    "interruptions": "suspension",
}
ALL_TABLES = [*MODEL_TABLES.values(), "agency", "zone", "audit_event"]

# A small consistent export: two customers, two contracts, one bordereau, three
# invoices (one cancelled), two payments, one suspension.
HEADERS = {
    "clients": ["code_client", "nom", "adresse", "quartier", "telephone", "categorie"],
    "contrats": [
        "police",
        "code_client",
        "tension",
        "pdl",
        "compteur",
        "disjoncteur",
        "agence",
        "zone",
        "date_abonnement",
        "date_resiliation",
    ],
    "bordereaux": ["bordereau", "tension", "agence", "periode"],
    "factures": [
        "facture",
        "police",
        "bordereau",
        "date_emission",
        "date_echeance",
        "montant",
        "annulee",
    ],
    "reglements": ["facture", "date", "montant", "reference"],
    "interruptions": ["police", "date_interruption", "bordereau", "date_retablissement"],
}


def base_export() -> dict[str, list[list[str]]]:
    return {
        "clients": [
            ["C1", "Awa Dossou", "Lot 1", "Cadjèhoun", "97000001", "ORDINAIRE"],
            ["C2", "Mairie de Porto-Novo", "", "", "", "COLLECTIVITE_LOCALE"],
        ],
        "contrats": [
            ["P1", "C1", "BT", "PDL1", "CPT1", "DJ1", "AG1", "Z1", "15/03/2010", ""],
            ["P2", "C2", "MT", "PDL2", "CPT2", "", "AG1", "", "2012-01-01", ""],
        ],
        "bordereaux": [["BT-AG1-2026-01", "BT", "AG1", "2026-01"]],
        "factures": [
            ["F1", "P1", "BT-AG1-2026-01", "15/01/2026", "30/01/2026", "125 000", "non"],
            ["F2", "P1", "BT-AG1-2026-01", "2026-02-15", "", "48\u00a0500", ""],
            ["F3", "P2", "BT-AG1-2026-01", "2026-01-15", "2026-01-30", "9 999", "oui"],
        ],
        "reglements": [
            ["F1", "2026-02-01", "100 000", "R1"],
            ["F1", "2026-02-01", "100 000", "R2"],  # same amount, same day: two payments
        ],
        "interruptions": [["P1", "2026-03-02", "BT-AG1-2026-01", ""]],
    }


def write_csv(
    folder: Path,
    table: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    separator: str = ";",
    bom: bool = False,
    name: str | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{table}.csv")
    lines = [separator.join(header), *(separator.join(row) for row in rows)]
    path.write_text(("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_export(
    folder: Path, export: dict[str, list[list[str]]] | None = None, **options: Any
) -> Path:
    for table, rows in (export if export is not None else base_export()).items():
        write_csv(folder, table, HEADERS[table], rows, **options)
    return folder


@pytest.fixture(autouse=True)
def _users(db: Database) -> None:
    """``chef`` (chef section recouvrement), ``admin`` and one user per other role."""
    add_users(db)


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ALL_TABLES}


def run(db: Database, path: Path, **kwargs: Any) -> ImportResult:
    return import_export(db.uow(), ACTOR, path, **kwargs)


def data_lines(path: Path) -> int:
    """Data rows of a CSV file, counted the plain way (no quoted line breaks in samples)."""
    with path.open(encoding="utf-8-sig") as f:
        return sum(1 for line in f if line.strip()) - 1


def sheet_rows(path: Path) -> dict[str, int]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            ws.title: sum(1 for row in ws.iter_rows(values_only=True) if any(row)) - 1
            for ws in workbook.worksheets
        }
    finally:
        workbook.close()


# -- the sample export ----------------------------------------------------------------------


def test_sample_folder_imports_every_row(db: Database) -> None:
    folder = SAMPLES / "export-csv"
    expected = {p.stem: data_lines(p) for p in folder.glob("*.csv")}
    assert expected == {
        "clients": 150,
        "contrats": 150,
        "bordereaux": 14,
        "factures": 1050,
        "reglements": 647,
        "interruptions": 50,
    }
    result = run(db, folder)
    assert result.counts == {name: TableCounts(n, 0, 0) for name, n in expected.items()}
    assert list(result.counts) == list(MODEL_TABLES)  # dependency order
    after = counts(db)
    for name, n in expected.items():
        assert after[MODEL_TABLES[name]] == n
    assert result.warnings == []
    assert [name for name, _ in result.files] == [f"{name}.csv" for name in MODEL_TABLES]


def test_sample_workbook_imports_every_row(db: Database) -> None:
    path = SAMPLES / "export.xlsx"
    expected = sheet_rows(path)
    assert expected["factures"] == 1050
    result = run(db, path)
    assert result.counts == {name: TableCounts(n, 0, 0) for name, n in expected.items()}
    assert result.files[0][0] == "export.xlsx"
    after = counts(db)
    for name, n in expected.items():
        assert after[MODEL_TABLES[name]] == n


def test_sample_workbook_holds_the_same_data_as_the_folder(db: Database) -> None:
    run(db, SAMPLES / "export-csv")
    result = run(db, SAMPLES / "export.xlsx")
    assert all(c.inserted == 0 and c.updated == 0 for c in result.counts.values())


# -- permission ------------------------------------------------------------------------------


def test_an_administrator_may_import(db: Database, tmp_path: Path) -> None:
    result = import_export(db.uow(), Actor("admin"), write_export(tmp_path))
    assert result.counts["clients"] == TableCounts(2, 0, 0)


@pytest.mark.parametrize("login", ["magasinier", "direction", "inconnu"])
def test_only_the_chef_and_the_administrator_may_import(
    db: Database, tmp_path: Path, login: str
) -> None:
    folder = write_export(tmp_path)
    before = counts(db)
    with pytest.raises(PermissionDenied):
        import_export(db.uow(), Actor(login), folder)
    after = counts(db)
    assert after == {**before, "audit_event": before["audit_event"] + 1}  # the refusal
    with db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.actor, event.entity_key) == ("refused", login, "IMPORT")


# -- upsert and audit -----------------------------------------------------------------------


def test_values_land_in_the_models(db: Database, tmp_path: Path) -> None:
    run(db, write_export(tmp_path))
    with db.uow() as uow:
        s = uow.session
        customer = s.get(Customer, "C2")
        assert customer is not None
        assert (customer.name, customer.address, customer.category) == (
            "Mairie de Porto-Novo",
            None,
            "COLLECTIVITE_LOCALE",
        )
        contract = s.get(Contract, "P1")
        assert contract is not None
        assert (
            contract.customer_code,
            contract.voltage,
            contract.delivery_point,
            contract.meter_serial,
            contract.breaker,
            contract.agency_code,
            contract.zone_code,
            contract.subscribed_on,
            contract.terminated_on,
        ) == ("C1", "BT", "PDL1", "CPT1", "DJ1", "AG1", "Z1", dt.date(2010, 3, 15), None)
        f1, f2, f3 = (s.get(Invoice, n) for n in ("F1", "F2", "F3"))
        assert f1 is not None and f2 is not None and f3 is not None
        assert (f1.issued_on, f1.due_on, f1.amount, f1.cancelled) == (
            dt.date(2026, 1, 15),
            dt.date(2026, 1, 30),
            125000,
            False,
        )
        assert (f2.due_on, f2.amount, f2.cancelled) == (None, 48500, False)
        assert f3.cancelled is True
        payments = s.scalars(select(Payment).order_by(Payment.reference)).all()
        assert [(p.invoice_number, p.reference, p.amount) for p in payments] == [
            ("F1", "R1", 100000),
            ("F1", "R2", 100000),
        ]
        suspension = s.scalars(select(Suspension)).one()
        assert (suspension.police, suspension.suspended_on, suspension.restored_on) == (
            "P1",
            dt.date(2026, 3, 2),
            None,
        )


def test_missing_agencies_and_zones_are_created(db: Database, tmp_path: Path) -> None:
    export = base_export()
    export["bordereaux"].append(["MT-AG2-2026-01", "MT", "AG2", "2026-01"])
    run(db, write_export(tmp_path, export))
    with db.engine.connect() as conn:
        agencies = conn.execute(text("SELECT code FROM agency ORDER BY code")).scalars().all()
        zones = conn.execute(text("SELECT agency_code, code FROM zone")).all()
    assert agencies == ["AG1", "AG2"]
    assert [tuple(z) for z in zones] == [("AG1", "Z1")]


def test_importing_twice_changes_nothing_but_the_audit_event(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    run(db, folder)
    before = counts(db)
    result = run(db, folder)
    assert result.counts == {
        name: TableCounts(0, 0, len(rows)) for name, rows in base_export().items()
    }
    after = counts(db)
    assert after == {**before, "audit_event": before["audit_event"] + 1}


def test_each_call_is_audited_with_files_hashes_and_counts(db: Database, tmp_path: Path) -> None:
    result = run(db, write_export(tmp_path))
    with db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
        assert event.actor == "chef"
        details = event.details
    assert details is not None
    assert details["files"] == [{"name": n, "sha256": h} for n, h in result.files]
    assert details["counts"]["factures"] == {"inserted": 3, "updated": 0, "unchanged": 0}
    assert len(details["files"]) == 6
    assert all(len(f["sha256"]) == 64 for f in details["files"])


def test_a_changed_row_is_updated_and_audited_with_before_and_after(
    db: Database, tmp_path: Path
) -> None:
    run(db, write_export(tmp_path / "day1"))
    export = base_export()
    export["factures"][1] = [
        "F2",
        "P1",
        "BT-AG1-2026-01",
        "2026-02-15",
        "2026-03-02",
        "48 500",
        "oui",
    ]
    export["clients"][0][1] = "Awa Dossou épouse Hounkpè"
    result = run(db, write_export(tmp_path / "day2", export))
    assert result.counts["factures"] == TableCounts(0, 1, 2)
    assert result.counts["clients"] == TableCounts(0, 1, 1)
    assert result.counts["reglements"] == TableCounts(0, 0, 2)
    with db.uow() as uow:
        s = uow.session
        invoice = s.get(Invoice, "F2")
        assert invoice is not None
        assert (invoice.due_on, invoice.cancelled) == (dt.date(2026, 3, 2), True)
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.update").order_by(AuditEvent.id)
        ).all()
        changes = [(e.entity, e.entity_key, e.before, e.after, e.actor) for e in events]
    assert sorted(changes) == [
        (
            "clients",
            "C1",
            {"name": "Awa Dossou"},
            {"name": "Awa Dossou épouse Hounkpè"},
            "chef",
        ),
        (
            "factures",
            "F2",
            {"due_on": None, "cancelled": False},
            {"due_on": "2026-03-02", "cancelled": True},
            "chef",
        ),
    ]


def test_restoration_in_a_later_export_updates_the_suspension(db: Database, tmp_path: Path) -> None:
    run(db, write_export(tmp_path / "day1"))
    delta = tmp_path / "day2"
    write_csv(
        delta,
        "interruptions",
        HEADERS["interruptions"],
        [["P1", "02/03/2026", "BT-AG1-2026-01", "10/03/2026"]],
    )
    result = run(db, delta)
    assert result.counts == {"interruptions": TableCounts(0, 1, 0)}
    with db.uow() as uow:
        suspension = uow.session.scalars(select(Suspension)).one()
        assert suspension.restored_on == dt.date(2026, 3, 10)
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.update")
        ).one()
        assert (event.entity, event.entity_key) == ("interruptions", "P1/2026-03-02")
        assert (event.before, event.after) == ({"restored_on": None}, {"restored_on": "2026-03-10"})


def test_an_absent_optional_column_leaves_the_records_as_they_are(
    db: Database, tmp_path: Path
) -> None:
    run(db, write_export(tmp_path / "full"))
    delta = tmp_path / "delta"
    write_csv(delta, "clients", ["code_client", "nom", "categorie"], [["C1", "Awa Dossou", "VIP"]])
    result = run(db, delta)
    assert result.counts == {"clients": TableCounts(0, 1, 0)}
    with db.uow() as uow:
        customer = uow.session.get(Customer, "C1")
        assert customer is not None
        assert (customer.address, customer.phone, customer.category) == ("Lot 1", "97000001", "VIP")


def test_a_delta_may_refer_to_rows_known_only_in_the_database(db: Database, tmp_path: Path) -> None:
    run(db, write_export(tmp_path / "full"))
    delta = tmp_path / "delta"
    write_csv(
        delta,
        "factures",
        HEADERS["factures"],
        [["F4", "P2", "BT-AG1-2026-01", "2026-03-15", "", "12 000", "non"]],
    )
    write_csv(
        delta,
        "reglements",
        HEADERS["reglements"],
        [["F1", "2026-03-01", "25 000", "R3"], ["F4", "2026-03-20", "12 000", "R4"]],
    )
    write_csv(
        delta,
        "contrats",
        HEADERS["contrats"],
        [["P3", "C2", "BT", "", "", "", "AG1", "Z2", "", ""]],
    )
    result = run(db, delta)
    assert result.counts == {
        "contrats": TableCounts(1, 0, 0),
        "factures": TableCounts(1, 0, 0),
        "reglements": TableCounts(2, 0, 0),
    }
    assert counts(db)["payment"] == 4
    assert counts(db)["zone"] == 2


def test_utf8_with_bom_and_comma_separator_are_read(db: Database, tmp_path: Path) -> None:
    result = run(db, write_export(tmp_path, separator=",", bom=True))
    assert result.counts["clients"] == TableCounts(2, 0, 0)
    assert result.counts["factures"] == TableCounts(3, 0, 0)


def test_semicolon_and_comma_files_give_the_same_records(db: Database, tmp_path: Path) -> None:
    run(db, write_export(tmp_path / "semicolon", separator=";"))
    result = run(db, write_export(tmp_path / "comma", separator=","))
    assert all(c == TableCounts(0, 0, c.total) for c in result.counts.values())


def test_narrow_no_break_space_thousands_are_read(db: Database, tmp_path: Path) -> None:
    export = base_export()
    export["factures"][0][5] = "1\u202f250\u202f000"
    run(db, write_export(tmp_path, export))
    with db.uow() as uow:
        invoice = uow.session.get(Invoice, "F1")
        assert invoice is not None and invoice.amount == 1250000


def test_quoted_values_with_separators_are_kept_whole(db: Database, tmp_path: Path) -> None:
    export = base_export()
    export["clients"][0][2] = '"Lot 1; carré 12, ""Les Cocotiers"""'
    run(db, write_export(tmp_path, export))
    with db.uow() as uow:
        customer = uow.session.get(Customer, "C1")
        assert customer is not None
        assert customer.address == 'Lot 1; carré 12, "Les Cocotiers"'


def test_unknown_columns_and_files_are_warned_and_ignored(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    write_csv(
        folder,
        "reglements",
        [*HEADERS["reglements"], "caissier"],
        [["F1", "2026-02-01", "100 000", "R1", "Awa"]],
    )
    (folder / "notes.csv").write_text("a;b\n", encoding="utf-8")
    result = run(db, folder)
    assert result.warnings == [
        "fichier « notes.csv » ignoré : table inconnue (attendu : clients, contrats, "
        "bordereaux, factures, reglements, interruptions)",
        "reglements.csv : colonne « caissier » inconnue, ignorée",
    ]
    assert result.counts["reglements"] == TableCounts(1, 0, 0)


def test_values_under_no_column_name_are_warned(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    write_csv(
        folder,
        "reglements",
        [*HEADERS["reglements"], ""],
        [["F1", "2026-02-01", "100 000", "R1", ""], ["F1", "2026-02-01", "100 000", "R2", "?"]],
    )
    result = run(db, folder)
    assert result.warnings == [
        "reglements.csv : colonne n° 5 sans nom mais remplie (ligne 3 : « ? »…), ignorée"
    ]
    assert result.counts["reglements"] == TableCounts(2, 0, 0)


def test_column_names_ignore_case_spaces_and_order(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    write_csv(
        folder,
        "reglements",
        [" REFERENCE", "Montant ", "Date", "FACTURE"],
        [["R1", "100 000", "01/02/2026", "F1"]],
    )
    result = run(db, folder)
    assert result.counts["reglements"] == TableCounts(1, 0, 0)


def test_file_names_ignore_case(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    for table, rows in base_export().items():
        write_csv(folder, table, HEADERS[table], rows, name=f"{table.upper()}.CSV")
    result = run(db, folder)
    assert set(result.counts) == set(MODEL_TABLES)


# -- workbooks -------------------------------------------------------------------------------


def write_workbook(path: Path, export: dict[str, list[list[Any]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table, rows in export.items():
        sheet = workbook.create_sheet(table)
        sheet.append(HEADERS[table])
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
    workbook.save(path)
    return path


def test_workbook_with_real_excel_dates_and_numbers(db: Database, tmp_path: Path) -> None:
    export: dict[str, list[list[Any]]] = {
        "clients": [["C1", "Awa", None, None, 97000001, "ORDINAIRE"]],
        "contrats": [
            ["P1", "C1", "BT", None, None, None, "AG1", None, dt.datetime(2010, 3, 15), None]
        ],
        "bordereaux": [["B1", "BT", "AG1", dt.datetime(2026, 1, 1)]],  # Excel made it a date
        "factures": [
            ["F1", "P1", "B1", dt.datetime(2026, 1, 15), dt.date(2026, 1, 30), 125000, "non"]
        ],
        "reglements": [["F1", dt.datetime(2026, 2, 1), 100000.0, 1]],
    }
    result = run(db, write_workbook(tmp_path / "export.xlsx", export))
    assert {n: c.inserted for n, c in result.counts.items()} == {
        "clients": 1,
        "contrats": 1,
        "bordereaux": 1,
        "factures": 1,
        "reglements": 1,
    }
    with db.uow() as uow:
        s = uow.session
        invoice = s.get(Invoice, "F1")
        assert invoice is not None
        assert (invoice.issued_on, invoice.due_on, invoice.amount) == (
            dt.date(2026, 1, 15),
            dt.date(2026, 1, 30),
            125000,
        )
        payment = s.scalars(select(Payment)).one()
        assert (payment.reference, payment.paid_on, payment.amount) == (
            "1",
            dt.date(2026, 2, 1),
            100000,
        )
        customer = s.get(Customer, "C1")
        assert customer is not None and customer.phone == "97000001"
        period = s.execute(text("SELECT period FROM bordereau")).scalar_one()
        assert period == "2026-01"


def test_workbook_with_dates_typed_as_text(db: Database, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "export.xlsx", base_export())
    result = run(db, path)
    assert result.counts["factures"] == TableCounts(3, 0, 0)
    with db.uow() as uow:
        invoice = uow.session.get(Invoice, "F1")
        assert invoice is not None
        assert (invoice.issued_on, invoice.amount) == (dt.date(2026, 1, 15), 125000)
    # the same export as CSV: nothing to change
    again = run(db, write_export(tmp_path / "csv"))
    assert all(c.inserted == c.updated == 0 for c in again.counts.values())


# -- progress and cancellation ---------------------------------------------------------------


def test_progress_is_reported_up_to_the_total(db: Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    run(db, write_export(tmp_path), progress=lambda done, total: seen.append((done, total)))
    assert seen
    dones = [done for done, _ in seen]
    assert dones == sorted(dones)
    assert all(0 <= done <= total for done, total in seen)
    assert seen[-1][0] == seen[-1][1]


def test_cancelling_at_any_point_writes_nothing(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    before = counts(db)
    stop_at = 1
    while True:  # cancel at the 1st poll, then the 2nd… until the import goes through
        polls = 0

        def cancelled(stop_at: int = stop_at) -> bool:
            nonlocal polls
            polls += 1
            return polls >= stop_at

        try:
            run(db, folder, cancelled=cancelled)
        except ImportCancelled:
            assert counts(db) == before, f"written after a cancel at poll {stop_at}"
            stop_at += 1
            continue
        break
    assert stop_at > 6  # polled at least between tables
    assert counts(db)["invoice"] == 3


# -- the loader ------------------------------------------------------------------------------


def test_bulk_insert_loads_rows_in_the_callers_transaction(db: Database) -> None:
    rows = [(f"AG{i}", f"Agence {i}") for i in range(120)]
    with db.uow() as uow:
        assert bulk_insert(uow, "agency", ["code", "name"], iter(rows), chunk_rows=50) == 120
        uow.rollback()
    assert counts(db)["agency"] == 0
    with db.uow() as uow:
        bulk_insert(uow, "agency", ["code", "name"], rows)
        uow.commit()
    with db.engine.connect() as conn:
        loaded = conn.execute(text("SELECT code, name FROM agency ORDER BY code")).all()
    assert sorted(rows) == [tuple(r) for r in loaded]


# -- concurrency -----------------------------------------------------------------------------


def test_two_imports_at_once_merge_one_after_the_other(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    barrier = threading.Barrier(2, timeout=30)
    results: list[ImportResult] = []
    errors: list[BaseException] = []

    def one_import() -> None:
        met = False

        def progress(done: int, total: int) -> None:
            nonlocal met
            if not met:  # both have begun reading before either merges
                met = True
                barrier.wait()

        try:
            results.append(run(db, folder, progress=progress))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    inserted = sorted(r.counts["factures"].inserted for r in results)
    unchanged = sorted(r.counts["factures"].unchanged for r in results)
    assert (inserted, unchanged) == ([0, 3], [0, 3])
    assert counts(db)["invoice"] == 3


def test_others_may_write_while_the_export_is_read(db: Database, tmp_path: Path) -> None:
    folder = write_export(tmp_path)
    written = False

    def progress(done: int, total: int) -> None:
        nonlocal written
        if not written:  # another workstation commits while the files are read
            written = True
            with db.uow() as other:
                other.session.execute(text("INSERT INTO agency (code) VALUES ('AUTRE')"))
                other.commit()

    result = run(db, folder, progress=progress)
    assert written
    assert result.counts["factures"] == TableCounts(3, 0, 0)
    assert counts(db)["agency"] == 2


def test_permission_is_checked_before_the_path(db: Database, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_export(db.uow(), Actor("magasinier"), tmp_path / "absent")
