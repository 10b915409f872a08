"""The return file for the gestion clientèle (#16): the register of the files produced
(numbered per agency and year, their bytes and SHA-256) and of the lines they carried,
each line exported once (unique on its kind and source, R13).

Only new tables: nothing existing is rebuilt.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gc_return_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("produced_on", sa.Date(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name=op.f("fk_gc_return_file_agency_code_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gc_return_file")),
        sa.UniqueConstraint("agency_code", "year", "seq", name="uq_gc_return_file_seq"),
    )
    op.create_table(
        "gc_return_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("line_kind", sa.String(length=20), nullable=False),
        sa.Column("source_key", sa.String(length=40), nullable=False),
        sa.Column("police", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["gc_return_file.id"],
            name=op.f("fk_gc_return_line_file_id_gc_return_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gc_return_line")),
        sa.UniqueConstraint("line_kind", "source_key", name="uq_gc_return_line_source"),
    )
    with op.batch_alter_table("gc_return_line", schema=None) as batch_op:
        batch_op.create_index("ix_gc_return_line_file", ["file_id"], unique=False)
        # the contract's dossier reads its lines by police (#16)
        batch_op.create_index("ix_gc_return_line_police", ["police"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gc_return_line", schema=None) as batch_op:
        batch_op.drop_index("ix_gc_return_line_police")
        batch_op.drop_index("ix_gc_return_line_file")
    op.drop_table("gc_return_line")
    op.drop_table("gc_return_file")
