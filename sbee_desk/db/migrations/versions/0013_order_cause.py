"""Terminations for other causes (R8, #16): an order carries the cause of its
termination — IMPAYES for the procedure, FRAUDE, CONDITIONS or AUTRE entered by the
chef with its stated reason — and, for an exempt customer, the DG derogation that
allowed it (R4). Such an order is not born of a selection run: ``run_id`` becomes
optional (NULL for an R8 order).

Existing orders are the procedure's: ``cause`` IMPAYES (server default). On SQLite the
table is rebuilt (batch mode) to relax ``run_id``; the constraints keep their names.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_order") as batch:
        batch.add_column(
            sa.Column("cause", sa.String(length=20), server_default="IMPAYES", nullable=False)
        )
        batch.add_column(sa.Column("cause_reason", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("derogation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_work_order_derogation_id_derogation", "derogation", ["derogation_id"], ["id"]
        )
        batch.alter_column("run_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # an R8 order has no run: a database holding one cannot go back (NOT NULL refused,
    # the whole downgrade rolled back) — nothing is deleted behind the user's back
    with op.batch_alter_table("work_order") as batch:
        batch.alter_column("run_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("fk_work_order_derogation_id_derogation", type_="foreignkey")
        batch.drop_column("derogation_id")
        batch.drop_column("cause_reason")
        batch.drop_column("cause")
