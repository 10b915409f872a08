"""The contract's dossier (#16): its letters, orders and selection lines found by
police through an index, not a scan of the tables (bench/bench_dossier.py).

Only new indexes: nothing existing is rebuilt.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reminder_letter_police", "reminder_letter", ["police"])
    op.create_index("ix_work_order_police", "work_order", ["police"])
    op.create_index("ix_candidate_police", "candidate", ["police"])


def downgrade() -> None:
    op.drop_index("ix_candidate_police", table_name="candidate")
    op.drop_index("ix_work_order_police", table_name="work_order")
    op.drop_index("ix_reminder_letter_police", table_name="reminder_letter")
