"""Candidate lines keep only their run as a foreign key (see models.Candidate).

The selection copies police, suspension, bordereau and derogation from those very
rows in one INSERT … SELECT; the four foreign-key checks re-read (and, on
PostgreSQL, lock) 91 000 rows each for a million contracts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: (constraint, local column, referenced table, referenced column)
COPIED = (
    ("fk_candidate_police_contract", "police", "contract", "police"),
    ("fk_candidate_suspension_id_suspension", "suspension_id", "suspension", "id"),
    ("fk_candidate_bordereau_code_bordereau", "bordereau_code", "bordereau", "code"),
    ("fk_candidate_derogation_id_derogation", "derogation_id", "derogation", "id"),
)


def upgrade() -> None:
    with op.batch_alter_table("candidate") as batch:
        for name, _column, _table, _remote in COPIED:
            batch.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("candidate") as batch:
        for name, column, table, remote in COPIED:
            batch.create_foreign_key(name, table, [column], [remote])
