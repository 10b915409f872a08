"""What every command shares: exit codes, the bad-input error, output, dates, plurals,
and :func:`opened` — the database opened (and the acting user authenticated) for the
length of a command, then disposed."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Literal, overload

from sbee_desk.db.database import Database, open_database
from sbee_desk.services.actor import ENV_PASSWORD, Actor, login_from_environment
from sbee_desk.wording.formats import plural as plural  # the one French plural

if TYPE_CHECKING:
    from sbee_desk.domain.permissions import Action

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """A French message for stderr, exit status 2."""


def parse_date(raw: str, what: str = "--date") -> dt.date:
    """`yyyy-mm-dd` or `dd/mm/yyyy`."""
    text = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadInput(
        f"{what} : date « {raw} » illisible ; écrivez-la aaaa-mm-jj ou jj/mm/aaaa "
        "(par exemple 2026-11-30)."
    )


def emit(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


#: a file holding the acting user's password (first line), owner-only: the night
#: scheduler's way to sign in without the password in its command or environment
ENV_PASSWORD_FILE = "SBEE_DESK_PASSWORD_FILE"


def read_password_file(raw: str) -> str:
    """The first line of the password file ``raw``, refused when others may read it
    (POSIX: any group or other permission bit) — never echoing what it holds."""
    import stat
    from pathlib import Path

    path = Path(raw).expanduser()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(f"Fichier de mot de passe « {path} » : ce n'est pas un fichier.")
        if os.name == "posix" and info.st_mode & 0o077:
            raise BadInput(
                f"Fichier de mot de passe « {path} » lisible par d'autres que son "
                f"propriétaire (droits {stat.S_IMODE(info.st_mode):04o}) : rendez-le "
                f"privé (chmod 600 « {path} ») ; rien n'a été fait."
            )
        with path.open(encoding="utf-8") as handle:
            line = handle.readline()
    except FileNotFoundError as exc:
        raise BadInput(f"Fichier de mot de passe « {path} » introuvable.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "illisible"
        raise BadInput(f"Fichier de mot de passe « {path} » illisible ({reason}).") from exc
    password = line.rstrip("\r\n")
    if not password:
        raise BadInput(f"Fichier de mot de passe « {path} » vide : le mot de passe en 1re ligne.")
    return password


def _read_password(args: argparse.Namespace, prompt: str = "Mot de passe : ") -> str:
    """--password-file, else $SBEE_DESK_PASSWORD_FILE, else $SBEE_DESK_PASSWORD, else a
    prompt on a terminal. Never the command line (it shows in the process list)."""
    import getpass

    file = getattr(args, "password_file", None) or os.environ.get(ENV_PASSWORD_FILE)
    if file:
        return read_password_file(file)
    password = os.environ.get(ENV_PASSWORD)
    if password is not None:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise BadInput(
        f"Mot de passe absent : définissez {ENV_PASSWORD} (ou --password-file FICHIER) ou "
        "lancez la commande dans un terminal."
    )


def acting_user(args: argparse.Namespace, db: Database) -> Actor:
    """The authenticated acting user (--user / SBEE_DESK_USER + password)."""
    from sbee_desk.services.users import authenticate, user_count

    if user_count(db.uow()) == 0:
        raise BadInput(
            "Aucun utilisateur dans cette base : créez d'abord l'administrateur avec "
            "« sbee-desk user add LOGIN --name NOM --role ADMIN » (ou chargez la démonstration "
            "avec « sbee-desk demo »)."
        )
    login = login_from_environment(getattr(args, "user", None))
    if not login:
        raise BadInput("Indiquez l'utilisateur agissant : --user LOGIN ou SBEE_DESK_USER.")
    return authenticate(db.uow(), login, _read_password(args))


@overload
def opened(args: argparse.Namespace) -> AbstractContextManager[Database]: ...


@overload
def opened(
    args: argparse.Namespace, *, actor: Literal[True], may: Action | None = None
) -> AbstractContextManager[tuple[Database, Actor]]: ...


def opened(
    args: argparse.Namespace, *, actor: bool = False, may: Action | None = None
) -> AbstractContextManager[Any]:
    """The database of ``--db`` (else $SBEE_DESK_DB, else the user's file) for the
    length of a ``with`` block, disposed at its end. With ``actor=True`` it yields
    ``(database, acting user)``, the user authenticated first — and, with ``may``,
    required to hold a role allowed that action."""
    return _opened(args, actor, may)


@contextlib.contextmanager
def _opened(args: argparse.Namespace, with_actor: bool, may: Action | None) -> Iterator[Any]:
    db = open_database(getattr(args, "db", None))
    try:
        if not with_actor:
            yield db
            return
        who = acting_user(args, db)
        if may is not None:
            from sbee_desk.services.authz import require

            with db.uow() as uow:
                require(uow, who, may)
        yield db, who
    finally:
        db.dispose()


def cmd_gui(args: argparse.Namespace) -> int:
    """The default command: the desktop application."""
    from sbee_desk.app import run_gui

    return run_gui(
        getattr(args, "db", None), getattr(args, "user", None), getattr(args, "smoke", False)
    )
