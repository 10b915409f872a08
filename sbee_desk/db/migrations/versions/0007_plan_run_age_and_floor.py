"""recovery plans: the age a run may have at its validation; the procedure's floor (#10)

``recovery_plan.validation_max_age_days`` (default 7): a selection run older than
this, at validation, is refused — the chef relaunches it at a fresh date.

Plans stored before #10 could undo the procedure (an exempt category switched to
termination, MT without a reminder, delays or threshold below R2–R5); the plan
editor now refuses that (domain.plans.procedure_violations). A plan left so is
brought back to the procedure's values here: the engine must never run below them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: the procedure's values (as in domain.plans, frozen here as this migration ran)
_FLOORS = {
    "delay_bt_days": 30,
    "delay_mt_days": 30,
    "unpaid_threshold": 2,
    "reminder_delay_days": 7,
}
_EXEMPT = ("AGENT_SBEE", "VIP")
_REMINDER_BT = (
    "RETRAITE_SBEE",
    "AGENT_CEB",
    "MEMBRE_CA_SBEE",
    "MEMBRE_HA_CEB",
    "ADMINISTRATION",
    "COLLECTIVITE_LOCALE",
)


def upgrade() -> None:
    with op.batch_alter_table("recovery_plan") as batch:
        batch.add_column(
            sa.Column("validation_max_age_days", sa.Integer(), server_default="7", nullable=False)
        )
    plan = sa.table(
        "recovery_plan",
        sa.column("category", sa.String),
        sa.column("exempt", sa.Boolean),
        sa.column("reminder_first_bt", sa.Boolean),
        sa.column("reminder_first_mt", sa.Boolean),
        *(sa.column(name, sa.Integer) for name in _FLOORS),
    )
    for name, floor in _FLOORS.items():
        op.execute(plan.update().where(plan.c[name] < floor).values({name: floor}))
    op.execute(plan.update().where(plan.c.category.in_(_EXEMPT)).values(exempt=True))
    op.execute(
        plan.update().where(plan.c.category.in_(_REMINDER_BT)).values(reminder_first_bt=True)
    )
    op.execute(plan.update().values(reminder_first_mt=True))


def downgrade() -> None:
    with op.batch_alter_table("recovery_plan") as batch:
        batch.drop_column("validation_max_age_days")
