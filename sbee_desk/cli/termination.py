"""Terminations for other causes on the command line (import-format.md, R8):
`termination add --police P --cause FRAUDE|CONDITIONS|AUTRE --reason TEXT` — the order
is created like the procedure's, for the next edition."""

from __future__ import annotations

import argparse
from typing import Any

from sbee_desk.cli.common import EXIT_OK, BadInput, emit, opened

#: the option of each field a refusal names (``TerminationError.field``)
_OPTIONS = {"police": "--police", "cause": "--cause", "reason": "--reason"}


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: Any) -> None:
    """`termination add` in the parser of :mod:`sbee_desk.cli.parser`."""
    termination = sub.add_parser(
        "termination", help="résiliations d'office pour une autre cause que les impayés (R8)"
    )
    termination_sub = termination.add_subparsers(
        dest="termination_command", metavar="ACTION", parser_class=parser_class
    )
    termination_sub.required = True
    help_ = (
        "saisir une résiliation d'office pour fraude, non-respect des conditions "
        "d'abonnement ou autre cause : l'ordre est créé pour la prochaine édition"
    )
    p = termination_sub.add_parser("add", parents=[common], help=help_, description=help_)
    p.add_argument("--police", required=True, metavar="POLICE", help="police du contrat")
    p.add_argument(
        "--cause",
        required=True,
        metavar="CAUSE",
        help="FRAUDE, CONDITIONS (non-respect des conditions d'abonnement) ou AUTRE",
    )
    p.add_argument(
        "--reason",
        required=True,
        metavar="TEXTE",
        help="motif constaté (obligatoire, imprimé sur l'ordre)",
    )
    p.set_defaults(handler=cmd_termination_add)


def cmd_termination_add(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.termination_r8 import TerminationError, add_termination
    from sbee_desk.wording.labels import ORDER_KIND_LABELS, TERMINATION_CAUSE_LABELS

    with opened(args, actor=True, may=Action.CRI_COUNTERSIGN) as (db, actor):
        try:
            order = add_termination(db.uow(), actor, args.police, args.cause, args.reason)
        except TerminationError as exc:
            option = _OPTIONS.get(exc.field or "")
            raise BadInput(f"{option} : {exc}" if option else str(exc)) from exc
    kind = next(label for k, label in ORDER_KIND_LABELS.items() if k.value == order.kind)
    cause = TERMINATION_CAUSE_LABELS.get(order.cause, order.cause)
    emit(
        f"Résiliation pour {cause} saisie : {kind.lower()} n° {order.number}, police "
        f"{order.police} ({order.customer_name}), motif : {order.reason}. "
        "L'ordre sera imprimé à la prochaine édition."
    )
    if order.derogation_reference:
        emit(f"Client exempté : dérogation DG {order.derogation_reference} (R4).")
    return EXIT_OK
