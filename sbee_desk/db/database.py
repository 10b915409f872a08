"""Open a database ready to use: engine, schema up to date, unit-of-work factory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from sbee_desk.db.engine import check_reachable, create_db_engine, describe_url, resolve_url
from sbee_desk.db.migrate import prepare_database
from sbee_desk.db.uow import UnitOfWork


@dataclass
class Database:
    url: str
    engine: Engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    @property
    def description(self) -> str:
        return describe_url(self.url)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None) -> Database:
    """Resolve ``url`` (``--db``, ``SBEE_DESK_DB``, default file), migrate, return it.

    Raises :class:`sbee_desk.db.engine.DatabaseError` with a French message.
    """
    resolved = resolve_url(url)
    engine = create_db_engine(resolved)
    try:
        check_reachable(engine)
        prepare_database(engine)
    except Exception:
        engine.dispose()
        raise
    return Database(resolved, engine)
