"""Migration 0010 (#14): the orders stored before it get their status from what the
database says — cancelled (R7) → ANNULE, edited (a document) → A_REPARTIR, else
A_EDITER."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from sbee_desk.db.database import open_database
from sbee_desk.db.migrate import alembic_config
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.services.dispatch import dispatch_settings, list_orders


def test_orders_stored_before_0010_get_their_status(tmp_path) -> None:
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
                "'2026-11-22 20:00:00', 'chef', 0, 1, 0, 0, 1)"
            )
        )
        for n in (1, 2, 3):
            run(
                text(
                    "INSERT INTO customer (code, name, category) "
                    f"VALUES ('C{n}', 'Client {n}', 'ORDINAIRE')"
                )
            )
            run(
                text(
                    "INSERT INTO contract (police, customer_code, voltage, agency_code) "
                    f"VALUES ('P{n}', 'C{n}', 'BT', 'AG1')"
                )
            )
            run(
                text(
                    "INSERT INTO suspension (id, police, suspended_on, bordereau_code) "
                    f"VALUES ({n}, 'P{n}', '2026-10-01', 'BT-1')"
                )
            )
            cancelled = "'2026-11-25'" if n == 1 else "NULL"
            run(
                text(
                    "INSERT INTO work_order (id, police, suspension_id, run_id, kind, created_on, "
                    f"cancelled_on) VALUES ({n}, 'P{n}', {n}, 1, 'DEPOSE', '2026-11-20', "
                    f"{cancelled})"
                )
            )
        run(
            text(
                "INSERT INTO edition_document (batch_id, kind, order_id, order_kind, number, "
                "police, customer_name, recipient, print_rank, file_name, sha256, content, pages, "
                "payload, created_at, status, print_count, cancelled, version) VALUES (1, 'ORDER', "
                "2, 'DEPOSE', '00000002', 'P2', 'Client 2', 'CHEF_RPNT', 1, 'o.pdf', '0', "
                "x'00', 1, '{}', '2026-11-22 20:00:00', 'REMIS', 1, 0, 1)"
            )
        )
    engine.dispose()
    db = open_database(url)  # upgraded to head
    try:
        statuses = {o.number: o.status for o in list_orders(db.uow())}
        assert statuses == {
            "00000001": OrderStatus.ANNULE,
            "00000002": OrderStatus.A_REPARTIR,
            "00000003": OrderStatus.A_EDITER,
        }
        settings = dispatch_settings(db.uow())
        assert (settings.daily_capacity, settings.max_attempts) == (12, 3)
    finally:
        db.dispose()
