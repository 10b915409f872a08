"""The demo in one transaction: :func:`one_transaction` gives a :class:`Database`
whose units of work all share one connection and one outer transaction.

The demo calls the real services (import, selection, validation, derogation, staff
register, night edition, print queue, letters), each of which opens its unit of
work and commits it. Here such a commit only releases a savepoint: nothing is
committed until the whole demo is, and a refusal or a failure at any step (or a
cancellation) rolls back everything it did,
the demo users included. On SQLite the outer transaction begins IMMEDIATE, so the
write lock is held from the first check to the end; on PostgreSQL the import's
advisory lock is taken first (see :mod:`sbee_desk.services.demo.guard`).

A refusal recorded "in its own transaction" by a service
(:func:`sbee_desk.services.authz.record_refusal`) would wait for this one on SQLite:
the demo checks its users' roles before any write, so no service refuses them.

The night edition fits: it runs with ``workers=0`` (rendered in this process, no
pool) and reads through :meth:`UnitOfWork.sibling`, which here is joined to the same
connection, so it sees the letters the demo validated and its chunks are savepoints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from sbee_desk.db.database import Database
from sbee_desk.db.uow import UnitOfWork


class _JoinedUnitOfWork(UnitOfWork):
    """A unit of work on the demo's connection: its commit releases a savepoint, its
    rollback returns to it; the outer transaction is the demo's. Built with an engine
    only (``uow.__class__(uow.engine)``), it is a plain unit of work."""

    def __init__(self, engine: Engine, connection: Connection | None = None) -> None:
        super().__init__(engine)
        self._connection = connection
        self._joined: Session | None = None

    @property
    def session(self) -> Session:
        if self._connection is None:
            return super().session
        if self._joined is None:
            raise RuntimeError("UnitOfWork used outside its `with` block")
        return self._joined

    def sibling(self) -> UnitOfWork:
        return _JoinedUnitOfWork(self.engine, self._connection)

    @property
    def in_outer_transaction(self) -> bool:
        return self._connection is not None

    def __enter__(self) -> UnitOfWork:
        if self._connection is None:
            return super().__enter__()
        self._joined = Session(
            bind=self._connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._connection is None:
            super().__exit__(exc_type, exc, tb)
            return
        assert self._joined is not None
        try:
            self._joined.rollback()
        finally:
            self._joined.close()
            self._joined = None


class _OneTransactionDatabase(Database):
    """The database seen through the demo's one connection."""

    def __init__(self, database: Database, connection: Connection) -> None:
        super().__init__(database.url, database.engine)
        self.connection = connection

    def uow(self) -> UnitOfWork:
        return _JoinedUnitOfWork(self.engine, self.connection)

    def dispose(self) -> None:  # the caller's database: not ours to dispose
        pass


@contextlib.contextmanager
def one_transaction(db: Database) -> Iterator[Database]:
    """``with one_transaction(db) as tx:`` — every ``tx.uow()`` of the block works in
    one transaction, committed at the end of the block if it raised nothing, else
    rolled back whole."""
    with db.engine.connect() as connection:
        connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            yield _OneTransactionDatabase(db, connection)
