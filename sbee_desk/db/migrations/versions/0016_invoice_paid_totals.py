"""Each invoice keeps the sum and the last date of its payments (#18).

The selection (R3) needs, for every overdue invoice of a suspended contract, what was
paid on it by the run date: a million look-ups into the payments at a million
contracts, most of the selection's time. ``invoice.paid_total`` and
``invoice.last_paid_on`` hold the sum and the latest date of all its payments; when
that date is on or before the run date (always, for a run of today) the sum is the
answer, and only an invoice paid after the run date is looked up in the payments
(:func:`sbee_desk.services.rules_sql.candidate_select`).

The database keeps them, whoever writes the payments (the import, a test, an
administrator's SQL): triggers on ``payment``.

- SQLite: row triggers. An insert adds its amount and moves the date forward; an
  update or a delete sums the invoice's payments again (old and new invoice). The
  import, which writes millions of payments in one statement, puts the row
  ``payment_totals_deferred`` in ``app_meta`` inside its transaction: the triggers
  stand aside and it keeps the totals itself, set-based
  (:meth:`sbee_desk.importers.staging.Staging.deferred_payment_totals`).
- PostgreSQL: statement triggers with transition tables: one set-based update per
  statement. The import sets them aside the same way (its own totals are cheaper
  still: a new invoice is inserted with them).

Existing invoices get their totals here, in one pass. On PostgreSQL that pass leaves
the invoices' pages to be vacuumed: until autovacuum has been through them (minutes,
at a million contracts), the selection reads them from the table, not from its
covering index alone, and takes twice its time; ``VACUUM ANALYZE invoice`` after the
upgrade saves the wait.

A later migration that rebuilds the ``payment`` table (Alembic's batch mode on SQLite
copies it) drops its triggers: it must create them again (:func:`create_triggers`).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_SQLITE_RECOUNT = """
    UPDATE invoice SET
        paid_total = (SELECT COALESCE(SUM(p.amount), 0) FROM payment p
                      WHERE p.invoice_number = invoice.number),
        last_paid_on = (SELECT MAX(p.paid_on) FROM payment p
                        WHERE p.invoice_number = invoice.number)
    WHERE number = {which}.invoice_number;
"""

#: the ``app_meta`` key whose row makes the triggers stand aside (the import)
DEFERRED_KEY = "payment_totals_deferred"
_SQLITE_WHEN = f"WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = '{DEFERRED_KEY}')"

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER payment_totals_insert AFTER INSERT ON payment
    {_SQLITE_WHEN}
    BEGIN
        UPDATE invoice SET
            paid_total = paid_total + NEW.amount,
            last_paid_on = CASE
                WHEN last_paid_on IS NULL OR NEW.paid_on > last_paid_on THEN NEW.paid_on
                ELSE last_paid_on END
        WHERE number = NEW.invoice_number;
    END
    """,
    f"""
    CREATE TRIGGER payment_totals_update AFTER UPDATE OF invoice_number, paid_on, amount
    ON payment
    {_SQLITE_WHEN}
    BEGIN
        {_SQLITE_RECOUNT.format(which="OLD")}
        {_SQLITE_RECOUNT.format(which="NEW")}
    END
    """,
    f"""
    CREATE TRIGGER payment_totals_delete AFTER DELETE ON payment
    {_SQLITE_WHEN}
    BEGIN
        {_SQLITE_RECOUNT.format(which="OLD")}
    END
    """,
]

_PG_RECOUNT = """
    UPDATE invoice i SET paid_total = t.paid_total, last_paid_on = t.last_paid_on
    FROM (
        SELECT n.number,
               COALESCE(SUM(p.amount), 0) AS paid_total,
               MAX(p.paid_on) AS last_paid_on
        FROM (SELECT DISTINCT invoice_number AS number FROM {rows}) n
        LEFT JOIN payment p ON p.invoice_number = n.number
        GROUP BY n.number
    ) t
    WHERE i.number = t.number
"""

#: (trigger, function, event, transition tables, the invoices whose payments changed)
_PG_TRIGGERS = [
    ("insert", "inserted", "INSERT", "NEW TABLE AS new_rows", "new_rows"),
    (
        "update",
        "updated",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "(SELECT invoice_number FROM old_rows UNION SELECT invoice_number FROM new_rows) AS c",
    ),
    ("delete", "deleted", "DELETE", "OLD TABLE AS old_rows", "old_rows"),
]

PG_STATEMENTS = [
    statement
    for name, function, event, tables, rows in _PG_TRIGGERS
    for statement in (
        f"""
        CREATE FUNCTION payment_totals_{function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM app_meta WHERE key = '{DEFERRED_KEY}') THEN
                RETURN NULL;
            END IF;
            {_PG_RECOUNT.format(rows=rows)};
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE TRIGGER payment_totals_{name} AFTER {event} ON payment
        REFERENCING {tables}
        FOR EACH STATEMENT EXECUTE FUNCTION payment_totals_{function}()
        """,
    )
]


def create_triggers() -> None:
    statements = PG_STATEMENTS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def drop_triggers() -> None:
    for name in ("payment_totals_insert", "payment_totals_update", "payment_totals_delete"):
        op.execute(
            f"DROP TRIGGER IF EXISTS {name} ON payment"
            if op.get_bind().dialect.name == "postgresql"
            else f"DROP TRIGGER IF EXISTS {name}"
        )
    if op.get_bind().dialect.name == "postgresql":
        for function in ("inserted", "updated", "deleted"):
            op.execute(f"DROP FUNCTION IF EXISTS payment_totals_{function}()")


def upgrade() -> None:
    op.add_column(
        "invoice",
        sa.Column("paid_total", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.add_column("invoice", sa.Column("last_paid_on", sa.Date(), nullable=True))
    # the totals of the payments already there, in one pass over them (the same SQL
    # on SQLite ≥ 3.33 and PostgreSQL)
    op.execute(
        """
        UPDATE invoice SET paid_total = t.paid_total, last_paid_on = t.last_paid_on
        FROM (SELECT invoice_number, SUM(amount) AS paid_total, MAX(paid_on) AS last_paid_on
              FROM payment GROUP BY invoice_number) AS t
        WHERE invoice.number = t.invoice_number
        """
    )
    create_triggers()
    # the selection reads the totals from the covering index with the rest (R3)
    op.drop_index("ix_invoice_police_cover", table_name="invoice")
    op.create_index(
        "ix_invoice_police_cover",
        "invoice",
        [
            "police",
            "issued_on",
            "due_on",
            "cancelled",
            "amount",
            "paid_total",
            "last_paid_on",
            "number",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_invoice_police_cover", table_name="invoice")
    op.create_index(
        "ix_invoice_police_cover",
        "invoice",
        ["police", "issued_on", "due_on", "cancelled", "amount", "number"],
    )
    drop_triggers()
    with op.batch_alter_table("invoice") as batch:
        batch.drop_column("last_paid_on")
        batch.drop_column("paid_total")
