"""`sbee-desk` entry point: the GUI by default, headless sub-commands otherwise.

Every step of the GUI has a command here (import-format.md, "Command line:
stable names"). Exit status: 0 on success, 2 on bad input with French messages
on stderr saying where and what, 1 on an unexpected failure. Nothing here
imports Qt except the `gui` and `print` commands (lazily, in the command).

The package: :mod:`.parser` (the commands and options, argparse in French),
:mod:`.common` (exit codes, :class:`BadInput`, :func:`opened`), one module per
area — :mod:`.data` (import, demo), :mod:`.selection` (select, derogation,
validate, lists), :mod:`.edition` (edition, print, handover), :mod:`.admin`
(user, staff, plan, audit). Errors are turned into a message and an exit status
once, in :func:`main`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from sbee_desk.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_OK,
    BadInput,
    cmd_gui,
    emit,
)
from sbee_desk.cli.parser import build_parser, password_on_command_line
from sbee_desk.db.engine import DatabaseError, use_private_umask
from sbee_desk.logs import log as operations_log
from sbee_desk.logs import operation, setup_logging
from sbee_desk.services.errors import ServiceError

__all__ = ["BadInput", "build_parser", "main"]


#: errors that carry a French message for the user: a refusal, not a defect
EXPECTED: tuple[type[BaseException], ...] = (BadInput, ServiceError, DatabaseError)


def command_name(handler: Callable[..., int]) -> str:
    """The command as the log names it (``cmd_user_add`` → ``user add``): its words
    only, never its arguments (they may hold a name)."""
    name = getattr(handler, "__name__", "commande")
    return name.removeprefix("cmd_").replace("_", " ")


def main(argv: Sequence[str] | None = None) -> int:
    # what the process creates (database, exports, PDFs) is its owner's only (#12)
    use_private_umask()
    setup_logging("cli")  # after the umask: the log folder is its owner's only too
    refusal = password_on_command_line(sys.argv[1:] if argv is None else argv)
    if refusal is not None:
        emit(f"sbee-desk : erreur : {refusal}", err=True)
        return EXIT_BAD_INPUT
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = cmd_gui
    try:
        name = command_name(handler)
        with operation(name, expected=EXPECTED):
            code: int = handler(args)
        if code != EXIT_OK:
            operations_log.warning("%s : code de sortie %d", name, code)
        return code
    except EXPECTED as exc:
        emit(f"erreur : {exc}", err=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        emit("interrompu.", err=True)
        return EXIT_FAILURE
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return EXIT_OK
