"""Alembic migrations shipped inside the package, upgraded to head on first use.

A database already at head — every start of the application and of each command —
is recognised without alembic (:func:`shipped_revisions`: the revisions read from
the migration files' text; the database's from its version table): importing
alembic and loading its scripts took about a tenth of a second of each command
(#18). Anything else (a new database, an upgrade, a foreign or newer one) goes
through alembic, imported then."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from sbee_desk.db.engine import DatabaseError, is_sbee_database, table_names
from sbee_desk.db.snapshot import (
    SnapshotError,
    automatic_name,
    backup_folder,
    put_back,
    snapshot_sqlite,
    sqlite_file,
)

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

#: ``revision = "0015"`` and ``down_revision = "0014"`` (or None) of a migration file
_REVISION = re.compile(r"^revision(?:\s*:[^=\n]*)?\s*=\s*[\"']([^\"'\n]+)[\"']\s*$", re.M)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:\s*:[^=\n]*)?\s*=\s*(?:None|[\"']([^\"'\n]+)[\"'])\s*$", re.M
)


@functools.cache
def shipped_revisions() -> tuple[frozenset[str], str | None]:
    """The revisions of the migrations shipped and their head, read from the text of
    their files (alembic is not imported). ``(frozenset(), None)`` when a file does not
    say its revision and its one parent plainly, or the revisions do not make one line
    with one head: the callers then ask alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding="utf-8")
        found, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(found) != 1 or len(down) != 1 or found[0] in revisions:
            return frozenset(), None
        revisions.add(found[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return frozenset(), None
    return frozenset(revisions), heads.pop()


def _at_shipped_head(engine: Engine) -> bool:
    """Whether the database's version table names the head of the migrations shipped
    (and nothing else)."""
    _, head = shipped_revisions()
    if head is None:
        return False
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return stored == [head]


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

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
        if _at_shipped_head(engine):  # the usual case: nothing to do, no alembic
            return
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
        backup = _backup_before_upgrade(engine)
        try:
            upgrade(engine)
        except Exception as exc:
            _put_back_after_failure(engine, backup, exc)
            raise  # pragma: no cover - _put_back_after_failure always raises
        return
    upgrade(engine)


def upgrade(engine: Engine) -> None:
    """Upgrade the schema to head (the migrations' one entry: the tests replace it
    to make an upgrade fail)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def _backup_before_upgrade(engine: Engine) -> Path | None:
    """A SQLite database is backed up (online backup API) before its schema is
    upgraded; a backup that cannot be taken stops the upgrade, nothing changed.
    PostgreSQL upgrades in one transaction (its DDL is transactional): a failure
    leaves it as it was."""
    live = sqlite_file(engine)
    if live is None:
        return None
    at = dt.datetime.now(dt.UTC)
    target = backup_folder(engine) / automatic_name(at, "avant-mise-a-jour")
    try:
        snapshot_sqlite(live, target, reason="avant-mise-a-jour", at=at)
    except SnapshotError as exc:
        raise DatabaseError(
            f"La base doit être mise à jour pour cette version de sbee-desk, mais la "
            f"sauvegarde qui précède la mise à jour est impossible : {exc} La base n'a pas "
            "été modifiée ; libérez de la place ou choisissez un autre dossier de "
            "sauvegarde ($SBEE_DESK_BACKUP_DIR), puis relancez."
        ) from exc
    log.info("sauvegarde avant mise à jour du schéma : %s", target)
    return target


def _put_back_after_failure(engine: Engine, backup: Path | None, exc: Exception) -> None:
    """The upgrade failed: the database is put back as it was, from the backup taken
    just before; raises DatabaseError saying so."""
    log.exception("mise à jour du schéma échouée")
    live = sqlite_file(engine)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if backup is None or live is None:
        raise DatabaseError(
            f"La mise à jour du schéma de la base a échoué ({reason}). La base est restée "
            "dans son état d'avant (la mise à jour se fait en une transaction). "
            "Prévenez le support avec ce message."
        ) from exc
    engine.dispose()
    try:
        put_back(backup, live)
    except sqlite3.Error as again:
        raise DatabaseError(
            f"La mise à jour du schéma de la base a échoué ({reason}) et la base n'a pas "
            f"pu être remise dans son état d'avant ({again}). Ne l'utilisez pas : "
            f"restaurez la sauvegarde prise juste avant, « {backup} » "
            f"(sbee-desk restore « {backup} »)."
        ) from exc
    raise DatabaseError(
        f"La mise à jour du schéma de la base a échoué ({reason}). La base a été remise "
        f"dans son état d'avant depuis la sauvegarde prise juste avant (« {backup} ») : "
        "rien n'est perdu. Gardez cette version de sbee-desk et prévenez le support "
        "avec ce message."
    ) from exc
