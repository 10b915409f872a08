"""Alembic migrations shipped inside the package, upgraded to head on first use."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from sbee_desk.db.engine import DatabaseError, is_sbee_database, table_names

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def prepare_database(engine: Engine) -> None:
    """Create or upgrade the schema; refuse foreign or newer databases.

    Raises :class:`DatabaseError` with a French message.
    """
    tables = table_names(engine)
    if tables:
        if (
            "alembic_version" not in tables
            or "app_meta" not in tables
            or not is_sbee_database(engine)
        ):
            raise DatabaseError(
                "Cette base de données n'est pas une base sbee-desk "
                f"(tables trouvées : {', '.join(sorted(tables)[:5])}…). "
                "Choisissez une autre base ou un fichier vide."
            )
        script = script_directory()
        revision = current_revision(engine)
        known = {rev.revision for rev in script.walk_revisions()}
        if revision not in known:
            raise DatabaseError(
                f"Cette base de données a été créée par une version plus récente de sbee-desk "
                f"(schéma {revision}). Mettez à jour le logiciel avant de l'ouvrir."
            )
        if revision == script.get_current_head():
            return
    command.upgrade(alembic_config(engine), "head")
