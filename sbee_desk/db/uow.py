"""Unit of work: one Session, explicit commit, rollback on exit (cosmicpython)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — anything not committed is rolled back on exit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writing = False
        self._session: Session | None = None

    def write(self) -> UnitOfWork:
        """``with uow.write():`` for a unit of work that will change something.

        On SQLite its transaction begins IMMEDIATE (takes the write lock first);
        on PostgreSQL it changes nothing."""
        self._writing = True
        return self

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `with` block")
        return self._session

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def __enter__(self) -> UnitOfWork:
        bind = self.engine
        if self._writing and self.engine.dialect.name == "sqlite":
            bind = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._session = Session(bind=bind, expire_on_commit=False)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None
            self._writing = False

    @property
    def in_outer_transaction(self) -> bool:
        """Whether its commits only release a savepoint of a larger transaction (the
        demo's): what it commits may still be rolled back."""
        return False

    def sibling(self) -> UnitOfWork:
        """Another unit of work on the same database, for a second session beside this
        one (e.g. the edition's reader). A unit of work joined to an outer transaction
        (the demo's) gives one joined to it too, so it sees what that transaction wrote."""
        return UnitOfWork(self.engine)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
