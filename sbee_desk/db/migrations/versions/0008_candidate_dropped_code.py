"""Why validation dropped a line: ``candidate.dropped_code`` (#10).

The control list prints the real reason a confirmed line got no letter or order at
validation (contract terminated in the export, restored, paid, new suspension…),
stored as a code (``DropReason``) when the bordereau is validated. Lines validated
before this revision keep NULL and are worded as before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidate") as batch:
        batch.add_column(sa.Column("dropped_code", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidate") as batch:
        batch.drop_column("dropped_code")
