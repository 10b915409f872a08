"""Covering indexes for the selection's unpaid-invoice computation (R3).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        batch.drop_index("ix_invoice_police")
        batch.create_index(
            "ix_invoice_police_cover",
            ["police", "issued_on", "due_on", "cancelled", "amount", "number"],
        )
    with op.batch_alter_table("payment") as batch:
        batch.create_index("ix_payment_invoice_cover", ["invoice_number", "paid_on", "amount"])


def downgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.drop_index("ix_payment_invoice_cover")
    with op.batch_alter_table("invoice") as batch:
        batch.drop_index("ix_invoice_police_cover")
        batch.create_index("ix_invoice_police", ["police"])
