"""#16 (R12, R13): the hand-off of the terminated contracts to the apurement de contrat
and to the recouvrement sur contentieux — the batches (each with its documents' lines,
so a reprint is the same document marked « copie »), their files (the classeur of the
hand-offs) and the two registers, one row per termination (UNIQUE: a contract is
handed off once).

Only new tables: nothing existing is rebuilt.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff_batch",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settlement_count", sa.Integer(), nullable=False),
        sa.Column("litigation_count", sa.Integer(), nullable=False),
        sa.Column("total_due", sa.BigInteger(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_batch")),
    )
    op.create_table(
        "handoff_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("is_copy", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["handoff_batch.id"], name=op.f("fk_handoff_file_batch_id_handoff_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_file")),
    )
    with op.batch_alter_table("handoff_file", schema=None) as batch_op:
        batch_op.create_index("ix_handoff_file_batch", ["batch_id"], unique=False)

    for table, amount in (("settlement_handoff", "balance"), ("litigation_handoff", "amount_due")):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("batch_id", sa.Integer(), nullable=False),
            sa.Column("termination_id", sa.Integer(), nullable=False),
            sa.Column("police", sa.String(length=32), nullable=False),
            sa.Column(amount, sa.BigInteger(), nullable=False),
            *(
                [sa.Column("invoice_count", sa.Integer(), nullable=False)]
                if table == "litigation_handoff"
                else []
            ),
            sa.ForeignKeyConstraint(
                ["batch_id"], ["handoff_batch.id"], name=op.f(f"fk_{table}_batch_id_handoff_batch")
            ),
            sa.ForeignKeyConstraint(
                ["police"], ["contract.police"], name=op.f(f"fk_{table}_police_contract")
            ),
            sa.ForeignKeyConstraint(
                ["termination_id"],
                ["contract_termination.id"],
                name=op.f(f"fk_{table}_termination_id_contract_termination"),
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("termination_id", name=f"uq_{table}_termination"),
            sa.UniqueConstraint("police", name=f"uq_{table}_police"),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_batch", ["batch_id"], unique=False)


def downgrade() -> None:
    for table in ("litigation_handoff", "settlement_handoff"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_batch")
        op.drop_table(table)
    with op.batch_alter_table("handoff_file", schema=None) as batch_op:
        batch_op.drop_index("ix_handoff_file_batch")
    op.drop_table("handoff_file")
    op.drop_table("handoff_batch")
