"""Alembic environment: runs on the engine handed over by sbee_desk.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from sbee_desk.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # alembic command line, for developers: `-x url=...`
        engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection
        if sqlite and raw is not None:
            # SQLite rebuilds a table to change it (batch mode): the tables that refer to
            # it would refuse its DROP. Foreign keys off for the migration — on the raw
            # connection, before the transaction begins (inside one the pragma does
            # nothing) — and the whole base checked before the commit.
            raw.execute("PRAGMA foreign_keys = OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


run_migrations_online()
