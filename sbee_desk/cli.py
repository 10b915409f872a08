"""`sbee-desk` entry point: the GUI by default, headless sub-commands otherwise.

Every step of the GUI has a command here (import-format.md, "Command line:
stable names"). Exit status: 0 on success, 2 on bad input with French messages
on stderr saying where and what, 1 on an unexpected failure. Nothing here
imports Qt except the `gui` command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from sbee_desk import __version__
from sbee_desk.db.database import Database, open_database
from sbee_desk.db.engine import DatabaseError
from sbee_desk.services.actor import Actor, default_actor

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

# argparse's own messages, in French (ui-guidelines.md: French everywhere the user reads)
_ARGPARSE_FR = {
    "the following arguments are required": "arguments obligatoires manquants",
    "unrecognized arguments": "arguments non reconnus",
    "invalid choice": "choix invalide",
    "expected one argument": "une valeur est attendue",
    "argument": "argument",
}


class BadInput(Exception):
    """A French message for stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for en, fr in _ARGPARSE_FR.items():
            message = message.replace(en, fr)
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog} : erreur : {message}\n")


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


def _emit(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


def _open(args: argparse.Namespace) -> Database:
    return open_database(getattr(args, "db", None))


def _actor(args: argparse.Namespace) -> Actor:
    return default_actor(getattr(args, "user", None))


# --------------------------------------------------------------------------- commands


def cmd_import(args: argparse.Namespace) -> int:
    from sbee_desk.importers import ImportFailed, import_export

    db = _open(args)
    try:
        result = import_export(db.uow(), _actor(args), Path(args.path))
    except ImportFailed as failed:
        for p in failed.problems:
            _emit(f"{p.table}:{p.line}: {p.column}: {p.message}", err=True)
        _emit(
            f"Import refusé : {len(failed.problems)} problème(s), rien n'a été enregistré. "
            "Corrigez le fichier puis relancez l'import.",
            err=True,
        )
        return EXIT_BAD_INPUT
    finally:
        db.dispose()
    for warning in result.warnings:
        _emit(f"attention : {warning}", err=True)
    _emit(f"{'table':<15}{'insérés':>10}{'mis à jour':>12}{'inchangés':>11}")
    for table, c in result.counts.items():
        _emit(f"{table:<15}{c.inserted:>10}{c.updated:>12}{c.unchanged:>11}")
    return EXIT_OK


def cmd_select(args: argparse.Namespace) -> int:
    from sbee_desk.services.selection import (
        SelectionError,
        bordereau_summaries,
        run_selection,
        selection_json,
    )

    run_on = parse_date(args.date) if args.date else dt.date.today()
    db = _open(args)
    try:
        try:
            result = run_selection(db.uow(), _actor(args), run_on, args.agence)
        except SelectionError as exc:
            raise BadInput(str(exc)) from exc
        if args.json:
            document = selection_json(db.uow(), result.run_id)
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return EXIT_OK
        _emit(str(result.run_id))
        for b in bordereau_summaries(db.uow(), result.run_id):
            counts = ", ".join(f"{d.value} {n}" for d, n in sorted(b.counts.items()))
            _emit(f"  {b.code} ({b.voltage}) : {b.line_count} lignes — {counts}", err=True)
        if not result.candidate_count:
            _emit("  aucune ligne à cette date.", err=True)
        return EXIT_OK
    finally:
        db.dispose()


def cmd_demo(args: argparse.Namespace) -> int:
    from sbee_desk.services.demo import load_demo

    if args.contracts < 1:
        raise BadInput(f"--contracts : {args.contracts} ; il faut au moins 1 contrat.")
    db = _open(args)
    try:
        result = load_demo(db, _actor(args), contracts=args.contracts)
    finally:
        db.dispose()
    _emit(f"Agence de démonstration chargée : {result}")
    return EXIT_OK


def cmd_plan_list(args: argparse.Namespace) -> int:
    from sbee_desk.domain.enums import CATEGORY_LABELS
    from sbee_desk.services.plans import FIELD_LABELS, list_plans

    db = _open(args)
    try:
        plans = list_plans(db.uow())
    finally:
        db.dispose()
    if args.json:
        json.dump([p.to_json() for p in plans], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for plan in plans:
        _emit(f"{plan.category.value} — {CATEGORY_LABELS[plan.category]}")
        for name, label in FIELD_LABELS.items():
            value = getattr(plan, name)
            shown = ("oui" if value else "non") if isinstance(value, bool) else value
            _emit(f"  {name:<24} {shown!s:>5}   {label}")
    return EXIT_OK


def cmd_plan_set(args: argparse.Namespace) -> int:
    from sbee_desk.services.plans import PlanError, parse_value, update_plan

    changes: dict[str, int | bool] = {}
    try:
        for item in args.values:
            name, sep, raw = item.partition("=")
            if not sep:
                raise BadInput(
                    f"« {item} » : écrivez PARAMÈTRE=VALEUR, par exemple unpaid_threshold=3."
                )
            changes[name.strip()] = parse_value(name.strip(), raw)
        db = _open(args)
        try:
            update_plan(db.uow(), _actor(args), args.category, changes)
        finally:
            db.dispose()
    except PlanError as exc:
        raise BadInput(str(exc)) from exc
    _emit(f"Plan {args.category} mis à jour.")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from sbee_desk.app import run_gui

    return run_gui(getattr(args, "db", None), getattr(args, "user", None))


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # SUPPRESS: an option given before the command is not reset by the sub-parser
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="base de données (URL SQLAlchemy) ; sinon $SBEE_DESK_DB, sinon le fichier "
        "SQLite du dossier de données de l'utilisateur",
    )
    common.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        metavar="LOGIN",
        help="utilisateur agissant (sinon $SBEE_DESK_USER)",
    )
    parser = _Parser(
        prog="sbee-desk",
        description="Résiliation d'office et dépose de compteur — section recouvrement SBEE. "
        "Sans commande : ouvre l'application.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"sbee-desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_: str):
        p = sub.add_parser(name, help=help_, description=help_, parents=[common])
        p.set_defaults(handler=handler)
        return p

    add("gui", cmd_gui, "ouvrir l'application de bureau")

    p = add(
        "import", cmd_import, "importer l'export de la gestion clientèle (dossier CSV ou .xlsx)"
    )
    p.add_argument("path", metavar="CHEMIN", help="dossier de fichiers CSV ou classeur .xlsx")

    p = add("select", cmd_select, "lancer la sélection (étape 1, règles R1 à R6) à une date")
    p.add_argument("--date", help="date du traitement, aaaa-mm-jj (défaut : aujourd'hui)")
    p.add_argument("--agence", metavar="CODE", help="une seule agence (défaut : toutes)")
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")

    p = add("demo", cmd_demo, "charger une agence de démonstration")
    p.add_argument("--contracts", type=int, default=2000, metavar="N", help="nombre de contrats")

    plan = sub.add_parser("plan", help="plans de recouvrement (paramètres des règles)")
    plan_sub = plan.add_subparsers(dest="plan_command", metavar="ACTION", parser_class=_Parser)
    plan_sub.required = True
    p = plan_sub.add_parser("list", help="afficher les plans", parents=[common])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_plan_list)
    p = plan_sub.add_parser("set", help="modifier un plan", parents=[common])
    p.add_argument("category", metavar="CATEGORIE")
    p.add_argument("values", nargs="+", metavar="PARAMÈTRE=VALEUR")
    p.set_defaults(handler=cmd_plan_set)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = cmd_gui
    try:
        return handler(args)
    except BadInput as exc:
        _emit(f"erreur : {exc}", err=True)
        return EXIT_BAD_INPUT
    except DatabaseError as exc:
        _emit(f"erreur : {exc}", err=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _emit("interrompu.", err=True)
        return EXIT_FAILURE
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
