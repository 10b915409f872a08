"""R3 through the totals each invoice keeps of its payments (migration 0016, #18).

The selection reads what was paid on an invoice from ``invoice.paid_total`` when its
last payment (``invoice.last_paid_on``) is dated on or before the run date, and from
the payments otherwise. The database keeps both, whoever writes the payments: these
tests write them every way (the ORM, plain SQL, the import, a later import that
changes them, a delete) and compare with the payments summed again; then the
selection on a partly paid invoice paid in full after the run date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from sbee_desk.db.database import Database, open_database
from sbee_desk.db.migrate import alembic_config
from sbee_desk.domain.enums import Decision
from sbee_desk.importers.staging import PAYMENT_TOTALS_DEFERRED
from sbee_desk.services.actor import Actor
from sbee_desk.services.importing import import_export
from sbee_desk.services.selection import candidate_lines, run_selection
from tests.builders import World, add_users
from tests.integration.test_import import base_export, write_export

D = dt.date
RUN = D(2026, 11, 20)


def kept(db: Database) -> dict[str, tuple[int, str | None]]:
    """number → (paid_total, last_paid_on) as the invoice keeps them."""
    with db.engine.connect() as conn:
        return {
            number: (int(total), None if last is None else str(last))
            for number, total, last in conn.execute(
                text("SELECT number, paid_total, last_paid_on FROM invoice")
            )
        }


def recounted(db: Database) -> dict[str, tuple[int, str | None]]:
    """number → (sum, max date) of its payments, summed again."""
    with db.engine.connect() as conn:
        return {
            number: (int(total), None if last is None else str(last))
            for number, total, last in conn.execute(
                text(
                    "SELECT i.number, COALESCE(SUM(p.amount), 0), MAX(p.paid_on) "
                    "FROM invoice i LEFT JOIN payment p ON p.invoice_number = i.number "
                    "GROUP BY i.number"
                )
            )
        }


def test_R3_invoice_keeps_the_total_and_last_date_of_its_payments(db: Database) -> None:
    w = World(db)
    w.contract("P1")
    f1 = w.invoice("P1", D(2026, 7, 1), 10_000)
    f2 = w.invoice("P1", D(2026, 8, 1), 10_000)
    w.payment(f1, D(2026, 8, 2), 3_000, "A")
    w.payment(f1, D(2026, 8, 1), 2_000, "B")
    w.commit()
    assert kept(db)[f1] == (5_000, "2026-08-02")
    assert kept(db)[f2] == (0, None)

    with db.engine.begin() as conn:  # as an administrator's SQL would
        conn.execute(text("UPDATE payment SET amount = 4000 WHERE reference = 'A'"))
        conn.execute(text("UPDATE payment SET paid_on = '2026-09-05' WHERE reference = 'B'"))
    assert kept(db)[f1] == (6_000, "2026-09-05")

    with db.engine.begin() as conn:  # a receipt put on the right invoice
        conn.execute(
            text("UPDATE payment SET invoice_number = :f2 WHERE reference = 'B'"), {"f2": f2}
        )
    assert kept(db)[f1] == (4_000, "2026-08-02")
    assert kept(db)[f2] == (2_000, "2026-09-05")

    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM payment WHERE reference = 'A'"))
    assert kept(db)[f1] == (0, None)
    assert kept(db) == recounted(db)


def test_R3_import_and_reimport_keep_the_invoice_totals(db: Database, tmp_path: Path) -> None:
    add_users(db)
    export = base_export()
    export["reglements"].append(["F2", "2026-03-01", "8 500", "R3"])
    import_export(db.uow(), Actor("chef"), write_export(tmp_path / "a", export))
    assert kept(db)["F1"] == (200_000, "2026-02-01")
    assert kept(db)["F2"] == (8_500, "2026-03-01")
    assert kept(db)["F3"] == (0, None)

    # the next export corrects a receipt, brings a new one, and a new invoice paid twice
    export["reglements"][2] = ["F2", "2026-03-04", "9 500", "R3"]
    export["reglements"].append(["F2", "2026-03-10", "1 000", "R4"])
    export["factures"].append(["F4", "P1", "BT-AG1-2026-01", "2026-04-15", "", "7 000", ""])
    export["reglements"] += [
        ["F4", "2026-05-02", "3 000", "R5"],
        ["F4", "2026-05-01", "4 000", "R6"],
    ]
    import_export(db.uow(), Actor("chef"), write_export(tmp_path / "b", export))
    assert kept(db)["F2"] == (10_500, "2026-03-10")
    assert kept(db)["F4"] == (7_000, "2026-05-02")
    assert kept(db) == recounted(db)

    # the import set the triggers aside for its own transaction only (SQLite)
    with db.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM app_meta WHERE key = :k"), {"k": PAYMENT_TOTALS_DEFERRED}
            ).scalar_one()
            == 0
        )
    with db.engine.begin() as conn:  # and the triggers are back for every other writer
        conn.execute(
            text(
                "INSERT INTO payment (invoice_number, reference, paid_on, amount) "
                "VALUES ('F3', 'R9', '2026-04-01', 999)"
            )
        )
    assert kept(db)["F3"] == (999, "2026-04-01")


def test_R3_the_triggers_stand_aside_only_for_the_imports_key(db: Database) -> None:
    """The key the import writes is the one the triggers read (SQLite: their WHEN
    clause; PostgreSQL: their functions)."""
    query = (
        "SELECT prosrc FROM pg_proc WHERE proname LIKE 'payment_totals_%'"
        if db.engine.dialect.name == "postgresql"
        else "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'payment'"
    )
    with db.engine.connect() as conn:
        sources = [row[0] for row in conn.execute(text(query))]
    assert len(sources) == 3
    assert all(f"key = '{PAYMENT_TOTALS_DEFERRED}'" in source for source in sources)


def test_R3_partly_paid_invoice_paid_off_after_the_run_date(db: Database) -> None:
    """4 000 of 10 000 paid before the run, 6 000 after: at the run date the invoice
    is unpaid for 6 000 (the payments are read, the total would say paid); a day
    after, it is paid."""
    w = World(db)
    w.contract("P1")
    f1 = w.invoice("P1", D(2026, 7, 1), 10_000)
    w.invoice("P1", D(2026, 8, 1), 10_000)
    w.payment(f1, RUN - dt.timedelta(days=30), 4_000)
    w.payment(f1, RUN + dt.timedelta(days=1), 6_000)
    w.suspension("P1", D(2026, 10, 1))
    w.commit()
    assert kept(db)[f1] == (10_000, (RUN + dt.timedelta(days=1)).isoformat())

    result = run_selection(db.uow(), Actor("chef"), RUN, None, today_=D(2026, 11, 29))
    [line] = candidate_lines(db.uow(), result.run_id)
    assert (line.decision, line.unpaid_count, line.amount_due) == (
        Decision.RESILIATION,
        2,
        16_000,
    )
    later = run_selection(
        db.uow(), Actor("chef"), RUN + dt.timedelta(days=1), None, today_=D(2026, 11, 29)
    )
    assert candidate_lines(db.uow(), later.run_id) == []


def test_R3_upgrade_to_0016_counts_the_payments_already_there(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    command.upgrade(alembic_config(engine), "0015")
    with engine.begin() as conn:
        run = conn.execute
        run(text("INSERT INTO agency (code) VALUES ('AG1')"))
        run(text("INSERT INTO bordereau VALUES ('BT-1', 'BT', 'AG1', '2026-09')"))
        run(text("INSERT INTO customer (code, name, category) VALUES ('C1', 'Client', 'VIP')"))
        run(
            text(
                "INSERT INTO contract (police, customer_code, voltage, agency_code) "
                "VALUES ('P1', 'C1', 'BT', 'AG1')"
            )
        )
        for number in ("F1", "F2"):
            run(
                text(
                    "INSERT INTO invoice (number, police, bordereau_code, issued_on, amount, "
                    "cancelled) VALUES (:n, 'P1', 'BT-1', '2026-07-01', 10000, 0)"
                ),
                {"n": number},
            )
        for reference, on, amount in (("A", "2026-08-01", 1500), ("B", "2026-09-01", 2500)):
            run(
                text(
                    "INSERT INTO payment (invoice_number, reference, paid_on, amount) "
                    "VALUES ('F1', :r, :on, :a)"
                ),
                {"r": reference, "on": on, "a": amount},
            )
    engine.dispose()
    db = open_database(url)  # upgrades to the head
    try:
        assert kept(db) == {"F1": (4_000, "2026-09-01"), "F2": (0, None)}
        with db.engine.begin() as conn:  # and the triggers are there from now on
            conn.execute(
                text(
                    "INSERT INTO payment (invoice_number, reference, paid_on, amount) "
                    "VALUES ('F2', 'C', '2026-10-01', 700)"
                )
            )
        assert kept(db)["F2"] == (700, "2026-10-01")
    finally:
        db.dispose()
