"""The selection reads each suspended contract's columns and its customer's category
from two covering indexes, not from the million-row tables (#18).

On PostgreSQL the contract and customer look-ups of the selection (R1, R2, R4: 107 000
each at a million contracts) become index-only scans (bench/bench_select.py: the
server's time from 3.3 s to 2.5 s). SQLite finds a contract by its primary key's own
index either way; the customer's category comes from its index.

Only new indexes: nothing existing is rebuilt.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_contract_selection_cover",
        "contract",
        ["police", "customer_code", "voltage", "terminated_on", "agency_code"],
    )
    op.create_index("ix_customer_category_cover", "customer", ["code", "category"])


def downgrade() -> None:
    op.drop_index("ix_customer_category_cover", table_name="customer")
    op.drop_index("ix_contract_selection_cover", table_name="contract")
