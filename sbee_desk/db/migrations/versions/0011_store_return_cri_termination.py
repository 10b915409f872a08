"""Steps 5–6 (#15): the stock movement sheets and the store returns (R10), the
intervention reports (CRI, R9) with their countersign, and the terminations — one
per contract, enforced by a unique constraint (R11, R13).

Only new tables: nothing existing is rebuilt.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_sheet",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("typed", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("keeper_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name=op.f("fk_stock_sheet_agency_code_agency")
        ),
        sa.ForeignKeyConstraint(
            ["keeper_id"], ["staff_member.id"], name=op.f("fk_stock_sheet_keeper_id_staff_member")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_stock_sheet")),
        sa.UniqueConstraint("agency_code", "year", "seq", name="uq_stock_sheet_seq"),
    )
    op.create_table(
        "intervention_report",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("visit_time", sa.String(length=5), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("index_read", sa.BigInteger(), nullable=True),
        sa.Column("meter_serial_found", sa.String(length=64), nullable=True),
        sa.Column("meter_removed", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("breaker_removed", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("remarks", sa.String(length=200), server_default="", nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("mismatch_note", sa.String(length=300), nullable=True),
        sa.Column("outside_window", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("countersigned_by", sa.String(length=64), nullable=True),
        sa.Column("countersigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("override_reason", sa.String(length=300), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["staff_member.id"],
            name=op.f("fk_intervention_report_agent_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_order.id"], name=op.f("fk_intervention_report_order_id_work_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention_report")),
        sa.UniqueConstraint("order_id", "attempt", name="uq_intervention_report_attempt"),
    )
    with op.batch_alter_table("intervention_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intervention_report_countersign", ["countersigned_at"], unique=False
        )

    op.create_table(
        "store_return",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("sheet_number", sa.String(length=32), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("meter_serial", sa.String(length=64), nullable=True),
        sa.Column("breaker_serial", sa.String(length=64), nullable=True),
        sa.Column("mismatch_note", sa.String(length=300), nullable=True),
        sa.Column("keeper_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["keeper_id"], ["staff_member.id"], name=op.f("fk_store_return_keeper_id_staff_member")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_order.id"], name=op.f("fk_store_return_order_id_work_order")
        ),
        sa.ForeignKeyConstraint(
            ["sheet_number"],
            ["stock_sheet.number"],
            name=op.f("fk_store_return_sheet_number_stock_sheet"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_return")),
        sa.UniqueConstraint("order_id", name="uq_store_return_order"),
    )
    with op.batch_alter_table("store_return", schema=None) as batch_op:
        batch_op.create_index("ix_store_return_sheet", ["sheet_number"], unique=False)

    op.create_table(
        "contract_termination",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("police", sa.String(length=32), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_order.id"],
            name=op.f("fk_contract_termination_order_id_work_order"),
        ),
        sa.ForeignKeyConstraint(
            ["police"], ["contract.police"], name=op.f("fk_contract_termination_police_contract")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["intervention_report.id"],
            name=op.f("fk_contract_termination_report_id_intervention_report"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_termination")),
        sa.UniqueConstraint("police", name="uq_contract_termination_police"),
    )


def downgrade() -> None:
    op.drop_table("contract_termination")
    with op.batch_alter_table("store_return", schema=None) as batch_op:
        batch_op.drop_index("ix_store_return_sheet")

    op.drop_table("store_return")
    with op.batch_alter_table("intervention_report", schema=None) as batch_op:
        batch_op.drop_index("ix_intervention_report_countersign")

    op.drop_table("intervention_report")
    op.drop_table("stock_sheet")
