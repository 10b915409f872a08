"""Users and roles, staff register, append-only chained audit trail (#4).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'journal d''audit : modification interdite (ajout seul)'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'journal d''audit : suppression interdite (ajout seul)'); END""",
]
PG_TRIGGERS = [
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'journal d''audit : % interdit (ajout seul)', TG_OP;
       END $$""",
    """CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("login", name=op.f("uq_app_user_login")),
    )
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_role_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    op.create_table(
        "staff_member",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("matricule", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("zones", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_member")),
        sa.UniqueConstraint("matricule", name=op.f("uq_staff_member_matricule")),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # ids come from the chain head, not a sequence
        op.execute("ALTER TABLE audit_event ALTER COLUMN id DROP DEFAULT")
    for statement in SQLITE_TRIGGERS if bind.dialect.name == "sqlite" else PG_TRIGGERS:
        op.execute(statement)


def _chain_existing_events() -> None:
    """Renumber existing events 1..n in order and chain them; write the head."""
    bind = op.get_bind()
    events = sa.table(
        "audit_event",
        *(
            sa.column(c)
            for c in (
                "id",
                "occurred_at",
                "actor",
                "action",
                "entity",
                "entity_key",
                "prev_hash",
                "hash",
            )
        ),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
        sa.column("details", sa.JSON),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
    )
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    prev = GENESIS_HASH
    for new_id, row in enumerate(rows, start=1):
        data = dict(row)
        old_id = data["id"]
        data["id"] = new_id
        digest = event_hash(prev, data)
        bind.execute(
            events.update()
            .where(events.c.id == old_id)
            .values(id=new_id, prev_hash=prev, hash=digest)
        )
        prev = digest
    head = sa.table("audit_head", sa.column("id"), sa.column("last_id"), sa.column("last_hash"))
    bind.execute(head.insert().values(id=1, last_id=len(rows), last_hash=prev))


# Frozen copy: changing the live function must not change an old migration. The chain's
# hash as ``sbee_desk.services.audit`` computed it when this migration was written.
GENESIS_HASH = "0" * 64


def _utc_text(moment: dt.datetime) -> str:
    """Canonical timestamp: UTC, microseconds, no offset (SQLite gives back naive UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and the event's canonical content."""
    content = {
        "id": event["id"],
        "occurred_at": _utc_text(event["occurred_at"]),
        "actor": event["actor"],
        "action": event["action"],
        "entity": event.get("entity"),
        "entity_key": event.get("entity_key"),
        "before": event.get("before"),
        "after": event.get("after"),
        "details": event.get("details"),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
    op.drop_table("audit_head")
    op.drop_table("staff_member")
    op.drop_table("user_role")
    op.drop_table("app_user")
