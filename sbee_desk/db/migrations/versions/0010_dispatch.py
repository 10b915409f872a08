"""Step 4, répartition: the order's status, its agent and visit date, the history of
its assignments, the route sheets produced, the agency settings (#14).

``work_order.status`` is filled from what the database already says: ANNULE for a
cancelled order (R7), A_REPARTIR for an order already edited (it has a document),
A_EDITER otherwise.

Revision ID: 0010
Revises: 0009 (re-chained after 0009 at merge)
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place, never by recreating the table (batch mode): on SQLite a
    # recreated work_order would be dropped under the edition documents that refer to
    # it, which the foreign keys refuse as soon as an order was edited.
    op.add_column(
        "work_order",
        sa.Column("status", sa.String(length=20), server_default="A_EDITER", nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE work_order ADD COLUMN agent_id INTEGER "
            "CONSTRAINT fk_work_order_agent_id_staff_member REFERENCES staff_member (id)"
        )
    else:
        op.add_column("work_order", sa.Column("agent_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_work_order_agent_id_staff_member",
            "work_order",
            "staff_member",
            ["agent_id"],
            ["id"],
        )
    op.add_column("work_order", sa.Column("visit_on", sa.Date(), nullable=True))
    op.add_column(
        "work_order", sa.Column("attempts", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "work_order",
        sa.Column("dispatch_version", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_index("ix_work_order_status", "work_order", ["status"])
    op.create_index("ix_work_order_agent_visit", "work_order", ["agent_id", "visit_on"])
    order = sa.table(
        "work_order",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("cancelled_on", sa.Date),
    )
    document = sa.table("edition_document", sa.column("order_id", sa.Integer))
    op.execute(order.update().where(order.c.cancelled_on.is_not(None)).values(status="ANNULE"))
    op.execute(
        order.update()
        .where(
            order.c.cancelled_on.is_(None),
            sa.exists().where(document.c.order_id == order.c.id),
        )
        .values(status="A_REPARTIR")
    )
    op.create_table(
        "order_assignment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_order.id"], name="fk_order_assignment_order_id_work_order"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_member.id"], name="fk_order_assignment_staff_id_staff_member"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_order_assignment"),
    )
    op.create_index("ix_order_assignment_order", "order_assignment", ["order_id"])
    op.create_index("ix_order_assignment_staff_visit", "order_assignment", ["staff_id", "visit_on"])
    op.create_table(
        "route_sheet",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_by", sa.String(length=64), nullable=False),
        sa.Column("prints", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_member.id"], name="fk_route_sheet_staff_id_staff_member"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_route_sheet"),
        sa.UniqueConstraint("staff_id", "visit_on", name="uq_route_sheet_staff"),
    )
    op.create_table(
        "agency_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_agency_setting"),
    )


def downgrade() -> None:
    op.drop_table("agency_setting")
    op.drop_table("route_sheet")
    op.drop_index("ix_order_assignment_staff_visit", table_name="order_assignment")
    op.drop_index("ix_order_assignment_order", table_name="order_assignment")
    op.drop_table("order_assignment")
    with op.batch_alter_table("work_order") as batch:
        batch.drop_index("ix_work_order_agent_visit")
        batch.drop_index("ix_work_order_status")
        # SQLite: the constraint was added inline with its column (reflected without
        # its name); the table rebuilt without the column drops it
        if op.get_bind().dialect.name != "sqlite":
            batch.drop_constraint("fk_work_order_agent_id_staff_member", type_="foreignkey")
        batch.drop_column("dispatch_version")
        batch.drop_column("attempts")
        batch.drop_column("visit_on")
        batch.drop_column("agent_id")
        batch.drop_column("status")
