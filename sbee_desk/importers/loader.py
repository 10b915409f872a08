"""Bulk loading of rows into a table, the fastest way each backend offers.

PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3; SQLite: one prepared
``INSERT`` run by ``executemany``. Both go through the raw driver connection of
the current transaction, so the rows are committed (or rolled back) with it.
The import stages its rows with it; the benchmark and the demo may use it to
load generated rows straight into the real tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection

from sbee_desk.db.uow import UnitOfWork

CHUNK_ROWS = 50_000


def driver_connection(connection: Connection) -> Any:
    """The psycopg / sqlite3 connection under a SQLAlchemy connection."""
    return connection.connection.driver_connection


def _quote(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected SQL name {name!r}")
    return f'"{name}"'


def insert_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``, in one bulk statement."""
    if not rows:
        return
    raw = driver_connection(connection)
    names = ", ".join(_quote(c) for c in columns)
    if connection.dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy,
        ):
            write = copy.write_row
            for row in rows:
                write(row)
        return
    cursor = raw.cursor()
    try:
        marks = ", ".join("?" * len(columns))
        cursor.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def bulk_insert(
    uow: UnitOfWork,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Insert any number of rows into ``table`` within ``uow``'s transaction, by chunks.

    Returns the number of rows. The caller commits. No conversion is made:
    dates as ``date`` or ISO strings, booleans as ``bool``.
    """
    connection = uow.session.connection()
    iterator = iter(rows)
    count = 0
    while chunk := list(islice(iterator, chunk_rows)):
        insert_rows(connection, table, columns, chunk)
        count += len(chunk)
    return count
