"""Step 3 — the delivery of reminder letters (#13).

``reminder_letter`` gets who received it, the releveur, an impossible delivery's
reason, the attempts ordered by the chef (count, start, note, reprint asked), who
recorded it and when, and a version for optimistic locking (two workstations
scanning the same slip). Existing letters: one attempt, version 1.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place, never by recreating the table (batch mode): on SQLite a
    # recreated reminder_letter is dropped under the edition documents that refer to
    # it, which the foreign keys refuse as soon as a letter was edited (#13).
    table = "reminder_letter"
    op.add_column(table, sa.Column("delivered_to", sa.String(length=200), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE reminder_letter ADD COLUMN delivered_by INTEGER CONSTRAINT "
            "fk_reminder_letter_delivered_by_staff_member REFERENCES staff_member (id)"
        )
    else:
        op.add_column(table, sa.Column("delivered_by", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_reminder_letter_delivered_by_staff_member",
            table,
            "staff_member",
            ["delivered_by"],
            ["id"],
        )
    op.add_column(table, sa.Column("impossible_reason", sa.String(length=300), nullable=True))
    op.add_column(table, sa.Column("attempts", sa.Integer(), server_default="1", nullable=False))
    op.add_column(table, sa.Column("attempt_on", sa.Date(), nullable=True))
    op.add_column(table, sa.Column("attempt_note", sa.Text(), nullable=True))
    op.add_column(
        table, sa.Column("reprint_asked", sa.Boolean(), server_default="0", nullable=False)
    )
    op.add_column(table, sa.Column("recorded_by", sa.String(length=64), nullable=True))
    op.add_column(table, sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("reminder_letter") as batch:
        # SQLite: the constraint was added inline with its column (reflected without
        # its name); the table rebuilt without the column drops it
        if op.get_bind().dialect.name != "sqlite":
            batch.drop_constraint(
                "fk_reminder_letter_delivered_by_staff_member", type_="foreignkey"
            )
        for column in (
            "version",
            "recorded_at",
            "recorded_by",
            "reprint_asked",
            "attempt_note",
            "attempt_on",
            "attempts",
            "impossible_reason",
            "delivered_by",
            "delivered_to",
        ):
            batch.drop_column(column)
