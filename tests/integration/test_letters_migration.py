"""Migration 0009 (#13) on a database whose letters were already edited: SQLite refused
to drop ``reminder_letter`` under the edition documents that refer to it, so the upgrade
of any agency past its first night edition failed. Columns are added in place."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from sbee_desk.db.database import open_database
from sbee_desk.db.migrate import alembic_config


def test_letters_edited_before_0009_survive_the_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    command.upgrade(alembic_config(engine), "0008")
    with engine.begin() as conn:
        run = conn.execute
        run(text("INSERT INTO agency (code) VALUES ('AG1')"))
        run(text("INSERT INTO bordereau VALUES ('BT-1', 'BT', 'AG1', '2026-09')"))
        run(
            text(
                "INSERT INTO selection_run (id, run_on, created_by, created_at, plan_snapshot, "
                "candidate_count) VALUES (1, '2026-11-20', 'chef', '2026-11-20 08:00:00', '{}', 0)"
            )
        )
        run(
            text(
                "INSERT INTO edition_batch (id, edition_on, status, started_at, started_by, "
                "letters, orders, cancelled, gaps, attempts) VALUES (1, '2026-11-22', 'TERMINE', "
                "'2026-11-22 20:00:00', 'chef', 1, 0, 0, 0, 1)"
            )
        )
        run(text("INSERT INTO customer (code, name, category) VALUES ('C1', 'Client', 'VIP')"))
        run(
            text(
                "INSERT INTO contract (police, customer_code, voltage, agency_code) "
                "VALUES ('P1', 'C1', 'BT', 'AG1')"
            )
        )
        run(
            text(
                "INSERT INTO suspension (id, police, suspended_on, bordereau_code) "
                "VALUES (1, 'P1', '2026-10-01', 'BT-1')"
            )
        )
        run(
            text(
                "INSERT INTO reminder_letter (id, police, suspension_id, run_id, created_on) "
                "VALUES (7, 'P1', 1, 1, '2026-11-20')"
            )
        )
        run(
            text(
                "INSERT INTO edition_document (batch_id, kind, letter_id, number, police, "
                "customer_name, recipient, print_rank, file_name, sha256, content, pages, "
                "payload, created_at, status, print_count, cancelled, version) VALUES (1, "
                "'LETTER', 7, '00000007', 'P1', 'Client', 'CLIENT', 1, 'l.pdf', '0', x'00', 1, "
                "'{}', '2026-11-22 20:00:00', 'REMIS', 1, 0, 1)"
            )
        )
    engine.dispose()
    db = open_database(url)  # upgraded to head
    try:
        with db.engine.connect() as conn:
            row = conn.execute(
                text("SELECT attempts, version, reprint_asked FROM reminder_letter WHERE id = 7")
            ).one()
            assert tuple(row) == (1, 1, 0)
            fks = conn.execute(text("PRAGMA foreign_key_list(reminder_letter)")).all()
            assert any(fk[2] == "staff_member" and fk[3] == "delivered_by" for fk in fks)
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        db.dispose()
