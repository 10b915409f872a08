"""The index of the selection's lines by police (0015) goes (#18).

Each selection run stores some 91 000 lines at a million contracts; an index on the
police alone places each new line beside the same police's lines of every earlier
run, so every run rewrote nearly the whole index — 0.35 s of a 1.6 s run with 25 runs
kept, more with every run (bench/bench_select.py --history). The contract's dossier,
which read it, finds a police's lines with one look-up per run in the unique index
on (run, police) instead.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_candidate_police", table_name="candidate")


def downgrade() -> None:
    op.create_index("ix_candidate_police", "candidate", ["police"])
