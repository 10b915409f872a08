"""`sbee-desk` entry point: the GUI by default, headless sub-commands otherwise.

Every step of the GUI has a command here (import-format.md, "Command line:
stable names"). Exit status: 0 on success, 2 on bad input with French messages
on stderr saying where and what, 1 on an unexpected failure. Nothing here
imports Qt except the `gui` and `print` commands (lazily, in the command).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from sbee_desk import __version__
from sbee_desk.db.database import Database, open_database
from sbee_desk.db.engine import DatabaseError
from sbee_desk.services.actor import ENV_PASSWORD, Actor, login_from_environment
from sbee_desk.services.authz import PermissionDenied

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

#: argparse's own words (its gettext message ids, Python 3.11 to 3.13) in French:
#: ui-guidelines.md, French everywhere the user reads. Ids not listed pass through.
_ARGPARSE_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments positionnels",
    "options": "options",
    "optional arguments": "options",
    "subcommands": "commandes",
    "show this help message and exit": "afficher ce message d'aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "les arguments suivants sont requis : %s",
    "one of the arguments %s is required": "l'un des arguments %s est requis",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée",
    "expected one argument": "un argument attendu",
    "expected at most one argument": "au plus un argument attendu",
    "expected at least one argument": "au moins un argument attendu",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "« %(value)s » n'est pas un %(type)s valide",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : « %(value)s » (choix possibles : %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "commande inconnue « %(parser_name)s » (choix possibles : %(choices)s)",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "cannot have multiple subparser arguments": "une seule liste de commandes par analyseur",
}  # fmt: skip  # translation table: a long French value sits under its English key
_ARGPARSE_FR_PLURAL = {
    ("expected %s argument", "expected %s arguments"):
        ("%s argument attendu", "%s arguments attendus"),
}  # fmt: skip  # translation table, as above


def _fr(message: str) -> str:
    return _ARGPARSE_FR.get(message, message)


def _fr_plural(singular: str, plural_form: str, n: int) -> str:
    one, many = _ARGPARSE_FR_PLURAL.get((singular, plural_form), (singular, plural_form))
    return one if n <= 1 else many


@contextlib.contextmanager
def _french_argparse() -> Iterator[None]:
    """argparse looks its words up through its module's ``_`` and ``ngettext`` (gettext)
    each time it writes one: point them at the French ones while it works."""
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = _fr, _fr_plural
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved


class BadInput(Exception):
    """A French message for stderr, exit status 2."""


class _Formatter(argparse.HelpFormatter):
    def start_section(self, heading: str | None) -> None:
        # argparse writes "heading:"; French puts a space before the colon
        super().start_section(f"{heading} " if heading else heading)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks French: its help, usage and error messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        with _french_argparse():  # group titles and the -h help are worded here
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with _french_argparse():
            return super().add_subparsers(**kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with _french_argparse():
            return super().parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> argparse.Namespace:
        with _french_argparse():
            parsed: argparse.Namespace = super().parse_args(args, namespace)
            return parsed

    def format_usage(self) -> str:
        with _french_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with _french_argparse():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_BAD_INPUT,
            _fr("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message},
        )


def _integer(text: str) -> int:
    return int(text)


_integer.__name__ = "nombre entier"  # argparse names the expected type with it


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


def _plural(count: int, singular: str, plural_form: str) -> str:
    """« 1 lettre », « 3 lettres » (in French 0 and 1 take the singular)."""
    from sbee_desk.documents.formats import format_count

    return f"{format_count(count)} {singular if count <= 1 else plural_form}"


def _emit(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


def _open(args: argparse.Namespace) -> Database:
    return open_database(getattr(args, "db", None))


def _read_password(prompt: str = "Mot de passe : ") -> str:
    """SBEE_DESK_PASSWORD, else a prompt on a terminal."""
    import getpass
    import os

    password = os.environ.get(ENV_PASSWORD)
    if password is not None:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise BadInput(
        f"Mot de passe absent : définissez {ENV_PASSWORD} ou lancez la commande dans un terminal."
    )


def _actor(args: argparse.Namespace, db: Database) -> Actor:
    """The authenticated acting user (--user / SBEE_DESK_USER + password)."""
    from sbee_desk.services.users import AuthenticationFailed, authenticate, user_count

    if user_count(db.uow()) == 0:
        raise BadInput(
            "Aucun utilisateur dans cette base : créez d'abord l'administrateur avec "
            "« sbee-desk user add LOGIN --name NOM --role ADMIN » (ou chargez la démonstration "
            "avec « sbee-desk demo »)."
        )
    login = login_from_environment(getattr(args, "user", None))
    if not login:
        raise BadInput("Indiquez l'utilisateur agissant : --user LOGIN ou SBEE_DESK_USER.")
    try:
        return authenticate(db.uow(), login, _read_password())
    except AuthenticationFailed as exc:
        raise BadInput(str(exc)) from exc


# --------------------------------------------------------------------------- commands


def _reader(args: argparse.Namespace, db: Database) -> Actor:
    """The acting user, who must hold a role that may read (every role may)."""
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.authz import require

    actor = _actor(args, db)
    with db.uow() as uow:
        require(uow, actor, Action.READ)
    return actor


def cmd_import(args: argparse.Namespace) -> int:
    from sbee_desk.services.importing import ImportFailed, import_export

    db = _open(args)
    try:
        result = import_export(db.uow(), _actor(args, db), Path(args.path))
    except ImportFailed as failed:
        for p in failed.problems:
            _emit(f"{p.table}:{p.line}: {p.column}: {p.message}", err=True)
        _emit(
            f"Import refusé : {_plural(len(failed.problems), 'problème', 'problèmes')}, rien n'a "
            "été enregistré. "
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
    if result.r7_cancelled:
        from sbee_desk.services.r7 import summary

        # on stderr, like the warnings: stdout stays the counts of import-format.md
        _emit(summary(result.r7_cancelled), err=True)
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
            result = run_selection(db.uow(), _actor(args, db), run_on, args.agence)
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
            lines = _plural(b.line_count, "ligne", "lignes")
            _emit(f"  {b.code} ({b.voltage}) : {lines} — {counts}", err=True)
        if not result.candidate_count:
            _emit("  aucune ligne à cette date.", err=True)
        return EXIT_OK
    finally:
        db.dispose()


def cmd_demo(args: argparse.Namespace) -> int:
    from sbee_desk.services.demo import load_demo
    from sbee_desk.services.users import DEMO_PASSWORD, DEMO_USERS, create_demo_users, user_count

    if args.contracts < 1:
        raise BadInput(f"--contracts : {args.contracts} ; il faut au moins 1 contrat.")
    db = _open(args)
    try:
        if user_count(db.uow()) == 0:
            actor = create_demo_users(db.uow())
            _emit(
                f"Utilisateurs de démonstration créés (mot de passe de chacun : {DEMO_PASSWORD}) :"
            )
            for login, name, roles in DEMO_USERS:
                _emit(f"  {login:<10} {name} — {', '.join(r.value for r in roles)}")
        else:
            actor = _actor(args, db)
        result = load_demo(db, actor, contracts=args.contracts)
    finally:
        db.dispose()
    rows = ", ".join(f"{n} {table}" for table, n in result.rows.items())
    _emit(f"Agence de démonstration chargée au {result.today:%d/%m/%Y} : {rows}.")
    _emit(
        f"Historique : traitement n° {result.history_run_id} du {result.history_on:%d/%m/%Y}, "
        f"{_plural(result.letters, 'lettre de relance', 'lettres de relance')} dont "
        f"{_plural(result.letters_delivered, 'remise', 'remises')}, "
        f"{_plural(result.derogations, 'dérogation DG', 'dérogations DG')}."
    )
    return EXIT_OK


def cmd_user_add(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import AccountError, create_user, parse_roles, user_count

    db = _open(args)
    try:
        roles = parse_roles(args.role)
        actor = None if user_count(db.uow()) == 0 else _actor(args, db)
        password = _read_new_password()
        info = create_user(db.uow(), actor, args.login, args.name, roles, password)
    except AccountError as exc:
        raise BadInput(str(exc)) from exc
    finally:
        db.dispose()
    _emit(f"Utilisateur « {info.login} » créé ({', '.join(r.value for r in info.roles)}).")
    return EXIT_OK


def _read_new_password() -> str:
    """The new user's password: the first line of standard input (import-format.md)."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Mot de passe du nouvel utilisateur : ")
        if getpass.getpass("Confirmez : ") != first:
            raise BadInput("Les deux mots de passe diffèrent.")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise BadInput("Mot de passe attendu sur l'entrée standard (une ligne).")
    return line.rstrip("\r\n")


def cmd_user_list(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import list_users

    db = _open(args)
    try:
        _reader(args, db)
        users = list_users(db.uow())
    finally:
        db.dispose()
    for u in users:
        state = "actif" if u.active else "désactivé"
        _emit(f"{u.login:<12} {u.full_name:<30} {state:<10} {', '.join(r.value for r in u.roles)}")
    return EXIT_OK


def cmd_user_set(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import AccountError, parse_roles, update_user

    db = _open(args)
    try:
        actor = _actor(args, db)
        update_user(
            db.uow(),
            actor,
            args.login,
            roles=parse_roles(args.role) if args.role else None,
            active={"oui": True, "non": False}[args.active] if args.active else None,
            full_name=args.name,
            password=_read_new_password() if args.password else None,
        )
    except AccountError as exc:
        raise BadInput(str(exc)) from exc
    finally:
        db.dispose()
    _emit(f"Utilisateur « {args.login} » modifié.")
    return EXIT_OK


def cmd_staff_add(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import AccountError, save_staff

    db = _open(args)
    try:
        info = save_staff(
            db.uow(),
            _actor(args, db),
            args.matricule,
            args.name,
            args.role,
            args.zone or [],
            active=args.active != "non",
        )
    except AccountError as exc:
        raise BadInput(str(exc)) from exc
    finally:
        db.dispose()
    _emit(f"Personnel « {info.matricule} » enregistré : {info.name}.")
    return EXIT_OK


def cmd_staff_list(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import STAFF_ROLE_LABELS, list_staff

    db = _open(args)
    try:
        _reader(args, db)
        staff = list_staff(db.uow())
    finally:
        db.dispose()
    for m in staff:
        state = "actif" if m.active else "inactif"
        _emit(
            f"{m.matricule:<10} {m.name:<30} {STAFF_ROLE_LABELS[m.role]:<22} "
            f"{','.join(m.zones) or 'toutes zones':<20} {state}"
        )
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from sbee_desk.services.audit import verify_chain

    db = _open(args)
    try:
        _reader(args, db)
        status = verify_chain(db.uow())
    finally:
        db.dispose()
    if status.ok:
        checked = _plural(status.events, "événement vérifié", "événements vérifiés")
        _emit(f"Journal d'audit intègre : {checked}.")
        return EXIT_OK
    what = {
        "HASH": "son contenu a été modifié",
        "LINK": "il ne suit pas l'événement précédent",
        "GAP": "il manque (supprimé)",
        "HEAD": "la fin du journal a été supprimée ou modifiée",
    }[status.problem or "HASH"]
    _emit(
        f"Journal d'audit ALTÉRÉ : premier événement en défaut n° {status.first_broken} ({what}).",
        err=True,
    )
    return EXIT_BAD_INPUT


def cmd_plan_list(args: argparse.Namespace) -> int:
    from sbee_desk.domain.enums import CATEGORY_LABELS
    from sbee_desk.services.plans import list_plans
    from sbee_desk.wording.labels import PLAN_FIELD_LABELS as FIELD_LABELS

    db = _open(args)
    try:
        _reader(args, db)
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
            update_plan(db.uow(), _actor(args, db), args.category, changes)
        finally:
            db.dispose()
    except PlanError as exc:
        raise BadInput(str(exc)) from exc
    _emit(f"Plan {args.category} mis à jour.")
    return EXIT_OK


def cmd_derogation_add(args: argparse.Namespace) -> int:
    from sbee_desk.services.review import ReviewError, add_derogation

    decided_on = parse_date(args.date)
    until = parse_date(args.until, "--until") if args.until else None
    db = _open(args)
    try:
        info = add_derogation(
            db.uow(),
            _actor(args, db),
            args.police,
            args.reference,
            decided_on,
            until,
            args.document,
        )
    except ReviewError as exc:
        raise BadInput(str(exc)) from exc
    finally:
        db.dispose()
    _emit(
        f"Dérogation DG {info.reference} enregistrée pour la police {info.police} "
        f"({_plural(info.recomputed_lines, 'ligne recalculée', 'lignes recalculées')})."
    )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from sbee_desk.services.r7 import summary as r7_summary
    from sbee_desk.services.review import ReviewError, RunTooOld, validate_bordereau, validations
    from sbee_desk.services.selection import SelectionError, bordereau_summaries, line_bordereau

    exclusions = []
    for item in args.exclude or []:
        police, sep, reason = item.partition(":")
        if not sep or not police.strip() or not reason.strip():
            raise BadInput(
                f"--exclude « {item} » : écrivez POLICE:MOTIF, par exemple 0123456789:LITIGE "
                "(motif obligatoire)."
            )
        exclusions.append((police.strip(), reason.strip()))
    db = _open(args)
    try:
        actor = _actor(args, db)
        try:
            if args.all:
                done = validations(db.uow(), args.run)
                codes = [
                    b.code for b in bordereau_summaries(db.uow(), args.run) if b.code not in done
                ]
            else:
                codes = [args.bordereau]
        except SelectionError as exc:
            raise BadInput(str(exc)) from exc
        if not codes:
            raise BadInput(f"Traitement n° {args.run} : aucun bordereau à valider.")
        results = []
        for code in codes:
            mine = [
                e
                for e in exclusions
                if args.bordereau or line_bordereau(db.uow(), args.run, e[0]) == code
            ]
            try:
                results.append(validate_bordereau(db.uow(), actor, args.run, code, mine))
            except RunTooOld as exc:  # the whole run, not this bordereau
                age = exc.age
                raise BadInput(
                    f"Ce traitement date du {age.run_on:%d/%m/%Y} (plus de {age.max_age_days} "
                    "jours) : relancez le traitement à la date du jour avant de valider."
                ) from exc
            except ReviewError as exc:
                raise BadInput(f"{code} : {exc}") from exc
    finally:
        db.dispose()
    for r in results:
        dropped = (
            f", {_plural(len(r.dropped), 'retirée', 'retirées')} par R7 ({', '.join(r.dropped)})"
            if r.dropped
            else ""
        )
        _emit(
            f"{r.bordereau_code} validé : "
            f"{_plural(r.letters, 'lettre de relance', 'lettres de relance')}, "
            f"{_plural(r.orders, 'ordre', 'ordres')}, {_plural(r.excluded, 'exclue', 'exclues')}, "
            f"{r.waiting} en attente, {_plural(r.exempt, 'exemptée', 'exemptées')}{dropped}."
        )
        if r.cancelled:  # R7 at validation, pending work of any bordereau
            _emit(r7_summary(r.cancelled), err=True)
    return EXIT_OK


def cmd_lists(args: argparse.Namespace) -> int:
    from sbee_desk.services.lists import ListError, produce_lists
    from sbee_desk.services.review import validations
    from sbee_desk.services.selection import SelectionError, bordereau_summaries

    out = Path(args.out)
    db = _open(args)
    produced = []
    try:
        actor = _actor(args, db)
        if args.all:
            try:
                all_codes = [b.code for b in bordereau_summaries(db.uow(), args.run)]
            except SelectionError as exc:
                raise BadInput(str(exc)) from exc
            done = validations(db.uow(), args.run)
            codes = [code for code in all_codes if code in done]
            waiting = [code for code in all_codes if code not in done]
            if not codes:
                raise BadInput(
                    f"Traitement n° {args.run} : aucun bordereau validé, aucune liste à produire."
                )
            if waiting:
                _emit(f"Non validés, sans listes : {', '.join(waiting)}.", err=True)
        else:
            codes = [args.bordereau]
        for code in codes:
            try:
                produced.append((code, produce_lists(db.uow(), actor, args.run, code, out)))
            except ListError as exc:
                raise BadInput(str(exc)) from exc
    finally:
        db.dispose()
    for code, files in produced:
        numbers = f"n° {files[0].entry_id} à {files[-1].entry_id}" if files else ""
        again = (
            " — nouvelle édition, enregistrée comme copie" if any(f.is_copy for f in files) else ""
        )
        _emit(
            f"{code} : {_plural(len(files), 'liste archivée', 'listes archivées')} au classeur "
            f"({numbers}){again}, dans {out} :"
        )
        for f in files:
            _emit(f"  {f.file_name} ({_plural(f.line_count, 'ligne', 'lignes')})")
        for empty in files.empty:  # a list with no line: no file (#10)
            _emit(f"  {empty.description} : aucun fichier (noté au classeur)")
    return EXIT_OK


def cmd_edition(args: argparse.Namespace) -> int:
    from sbee_desk.services.edition import (
        EditionError,
        Recipient,
        run_edition,
    )
    from sbee_desk.wording.labels import GAP_LABELS

    on = parse_date(args.date) if args.date else None
    if args.workers is not None and args.workers < 0:
        raise BadInput(f"--workers : {args.workers} ; indiquez 0 (sans processus) ou plus.")
    out = Path(args.out) if args.out else None
    progress = None
    if sys.stderr is not None and sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            print(f"\r  {done} / {total} documents", end="", file=sys.stderr, flush=True)

    db = _open(args)
    try:
        actor = _actor(args, db)
        try:
            result = run_edition(db.uow(), actor, on, out, workers=args.workers, progress=progress)
            while result.still_pending:  # an older batch was completed first
                result = run_edition(
                    db.uow(), actor, on, out, workers=args.workers, progress=progress
                )
        except EditionError as exc:
            raise BadInput(str(exc)) from exc
    finally:
        if progress is not None:
            print(file=sys.stderr)
        db.dispose()
    for cancel in result.cancelled:
        what = "lettre" if cancel.kind.value == "LETTER" else "ordre"
        _emit(
            f"Annulé avant l'édition (R7) : {what} n° {cancel.work_id:08d}, "
            f"police {cancel.police} — {cancel.reason}."
        )
    if result.batch_id is None:
        _emit("Rien à éditer : aucune lettre de relance ni aucun ordre en attente.")
    else:
        again = ""
        if result.resumed:
            done = _plural(result.already_produced, "déjà produit", "déjà produits")
            again = f" ; {done} par une exécution interrompue"
        _emit(
            f"Édition n° {result.batch_id} du {result.edition_on:%d/%m/%Y} : "
            f"{_plural(result.letters, 'lettre de relance', 'lettres de relance')} et "
            f"{_plural(result.orders, 'ordre', 'ordres')} produits{again}."
        )
        for c in result.combined:
            who = "releveur" if c.recipient is Recipient.RELEVEUR else "chef section RPNT"
            _emit(
                f"  Fichier regroupé pour le {who} : {c.file_name} "
                f"({_plural(c.documents, 'document', 'documents')}, "
                f"{_plural(c.pages, 'page', 'pages')})."
            )
        if result.gaps:
            counts: dict[str, int] = {}
            for g in result.gaps:
                for code in g.gaps:
                    counts[code] = counts.get(code, 0) + 1
            detail = ", ".join(f"{GAP_LABELS.get(k, k)} {n}" for k, n in sorted(counts.items()))
            which = _plural(len(result.gaps), "document", "documents")
            _emit(f"Valeurs absentes de l'export, imprimées comme telles ({which} : {detail}) :")
            for g in result.gaps[:50]:
                what = "lettre" if g.kind.value == "LETTER" else "ordre"
                missing = ", ".join(GAP_LABELS.get(k, k) for k in g.gaps)
                _emit(f"  {what} n° {g.number} — police {g.police} — {g.customer_name} : {missing}")
            if len(result.gaps) > 50:
                _emit(f"  … et {_plural(len(result.gaps) - 50, 'autre', 'autres')}.")
        if result.interrupted:
            _emit("Édition interrompue : relancez la commande pour la compléter.", err=True)
    if out is not None:
        written = _plural(result.files_written, "fichier écrit", "fichiers écrits")
        _emit(f"Copies : {written} dans {out}.")
    return EXIT_OK


def _numbers(rows: Sequence[Any], limit: int = 10) -> str:
    shown = ", ".join(r.number for r in rows[:limit])
    more = len(rows) - limit
    return shown + (f" … et {_plural(more, 'autre', 'autres')}" if more > 0 else "")


def _named(rows: Sequence[Any]) -> str:
    """« lettres n° 00000001, 00000003 ; ordre n° 00000001 » (the two series are separate)."""
    parts = []
    for kind, one, many in (("LETTER", "lettre", "lettres"), ("ORDER", "ordre", "ordres")):
        mine = [r for r in rows if r.kind.value == kind]
        if mine:
            parts.append(f"{one if len(mine) == 1 else many} n° {_numbers(mine)}")
    return " ; ".join(parts)


def _kind_counts(rows: Sequence[Any]) -> str:
    """« 1 lettre, 2 ordres » of documents."""
    letters = sum(r.kind.value == "LETTER" for r in rows)
    orders = len(rows) - letters
    parts = ([_plural(letters, "lettre", "lettres")] if letters else []) + (
        [_plural(orders, "ordre", "ordres")] if orders else []
    )
    return ", ".join(parts)


def _qt_application() -> Any:
    from sbee_desk.gui.printing import qt_application

    return qt_application()


def _pdf_printer(temporary: Path) -> Any:
    from sbee_desk.gui.printing import pdf_printer

    return pdf_printer(temporary)


def _system_printer(wanted: str | None) -> tuple[Any, str]:
    from sbee_desk.gui.printing import PrinterChoiceError, system_printer

    try:
        return system_printer(wanted)
    except PrinterChoiceError as exc:
        raise BadInput(str(exc)) from exc


class _PrintStopped(Exception):
    """Ctrl+C while drawing: the job was aborted, nothing marked printed."""


def _draw(printer: Any, contents: list[bytes]) -> int:
    """Draw the pages onto ``printer`` (the page's own function); the pages drawn.
    Ctrl+C aborts the job cleanly; progress on stderr only on a terminal."""
    import signal
    import threading

    from sbee_desk.gui.dialogs.print_dialogs import PrintCancelled, PrintFailed, print_pdfs

    asked = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: asked.set())
    progress = None
    if sys.stderr is not None and sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            print(f"\r  page {done} / {total}", end="", file=sys.stderr, flush=True)

    try:
        return print_pdfs(printer, contents, progress=progress, cancelled=asked.is_set)
    except PrintFailed as exc:
        raise BadInput(str(exc)) from exc
    except PrintCancelled as exc:
        raise _PrintStopped() from exc
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if progress is not None:
            print(file=sys.stderr)


def _pdf_temporary(target: Path) -> Path:
    """An empty hidden file beside ``target`` (same folder: renamed into place at the end)."""
    import uuid

    if target.is_dir():
        raise BadInput(f"--pdf : « {target} » est un dossier ; indiquez un nom de fichier.")
    if not target.parent.is_dir():
        raise BadInput(f"--pdf : le dossier « {target.parent} » n'existe pas.")
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        temporary.open("xb").close()
    except OSError as exc:
        raise BadInput(
            f"--pdf : impossible d'écrire dans le dossier « {target.parent} » "
            f"({exc.strerror or exc})."
        ) from exc
    return temporary


_KINDS = {"lettre": "LETTER", "ordre": "ORDER"}


def cmd_print(args: argparse.Namespace) -> int:
    """Print a batch (or one recipient's part of it) or documents by number, on a
    printer or into a PDF file; recorded like the print queue page records it."""
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.authz import require
    from sbee_desk.services.edition import (
        AmbiguousNumber,
        DocumentKind,
        DocumentRow,
        EditionError,
        Recipient,
        batch_exists,
        check_r7,
        combined_pdf,
        document_pdf,
        documents_by_number,
        list_documents,
        mark_printed,
        printable_documents,
    )
    from sbee_desk.services.r7 import summary

    if args.batch is None and args.recipient is not None:
        raise BadInput("--recipient s'emploie avec --batch N.")
    if args.batch is not None and args.kind is not None:
        raise BadInput("--kind s'emploie avec --number.")
    reason = None
    if args.reason is not None:
        reason = args.reason.strip()
        if not reason:
            raise BadInput(
                "--reason : motif vide ; écrivez pourquoi les documents sont réimprimés."
            )
    target = Path(args.pdf) if args.pdf else None
    recipients = [Recipient(args.recipient)] if args.recipient else list(Recipient)
    kind = DocumentKind(_KINDS[args.kind]) if args.kind else None

    db = _open(args)
    temporary: Path | None = None
    try:
        actor = _actor(args, db)
        with db.uow() as uow:
            require(uow, actor, Action.EDITION)

        def chosen() -> list[DocumentRow]:
            if args.batch is not None:
                return [r for who in recipients for r in list_documents(db.uow(), args.batch, who)]
            try:
                return documents_by_number(db.uow(), args.number, kind=kind)
            except AmbiguousNumber as exc:
                which = "ces numéros" if len(exc.numbers) > 1 else "ce numéro"
                raise BadInput(
                    f"N° {', '.join(exc.numbers)} : une lettre et un ordre portent {which} ; "
                    "précisez lequel avec --kind lettre ou --kind ordre. Rien n'a été imprimé."
                ) from exc

        def cancelled_words(rows: list[DocumentRow]) -> list[str]:
            return [
                f"{'lettre' if r.kind is DocumentKind.LETTER else 'ordre'} n° {r.number}, "
                f"police {r.police}" + (f" — {r.cancel_reason}" if r.cancel_reason else "")
                for r in rows
                if r.cancelled
            ]

        try:
            if args.batch is not None and not batch_exists(db.uow(), args.batch):
                raise BadInput(f"--batch : édition n° {args.batch} introuvable.")
            rows = chosen()
            live = [r for r in rows if not r.cancelled]
            if not live:
                raise BadInput(
                    "Aucun document à imprimer : "
                    + ("; ".join(cancelled_words(rows)) + " annulé (R7)" if rows else "lot vide")
                    + ". Rien n'a été imprimé."
                )
            again = [r for r in live if r.print_count > 0]
            if again and reason is None:
                printed_before = _plural(
                    len(again), "document déjà imprimé", "documents déjà imprimés"
                )
                raise BadInput(
                    f"Réimpression : {printed_before} ({_named(again)}) ; indiquez le "
                    "motif de la réimpression avec --reason TEXTE. Rien n'a été imprimé ni "
                    "enregistré."
                )
            _qt_application()
            if target is not None:
                temporary = _pdf_temporary(target)
                printer, where = _pdf_printer(temporary), f"dans {target}"
            else:
                printer, name = _system_printer(args.printer)
                where = f"sur l'imprimante « {name} »"

            # R7 just before printing (business-rules.md)
            ended = check_r7(db.uow(), actor)
            if ended:
                _emit(summary(ended), err=True)
                rows = chosen()
                live = [r for r in rows if not r.cancelled]
                if not live:
                    raise BadInput("Aucun document à imprimer : tous viennent d'être annulés (R7).")
            for words in cancelled_words(rows):
                _emit(f"Non imprimé, annulé (R7) : {words}.", err=True)

            contents: list[bytes] = []
            ids: list[int] = []
            if args.batch is not None:
                for who in recipients:
                    if not any(r.recipient is who for r in live):
                        continue
                    printable = printable_documents(db.uow(), args.batch, who)
                    _name, content, stale = combined_pdf(db.uow(), args.batch, who)
                    contents += [content] if not stale else [c for _i, _n, c in printable]
                    ids += [doc_id for doc_id, _n, _c in printable]
            else:
                ids = [r.id for r in live]
                contents = [document_pdf(db.uow(), doc_id)[1] for doc_id in ids]
            try:
                pages = _draw(printer, contents)
            except _PrintStopped:
                _emit("Impression interrompue : rien n'a été marqué imprimé.", err=True)
                return EXIT_FAILURE
            printed = [r for r in live if r.id in set(ids)]
            mark_printed(db.uow(), actor, ids, reprint_reason=reason)
        except EditionError as exc:
            raise BadInput(str(exc)) from exc
        if target is not None and temporary is not None:
            try:
                temporary.replace(target)
            except OSError as exc:
                raise BadInput(
                    f"--pdf : « {target} » impossible à écrire ({exc.strerror or exc}) ; les "
                    f"documents sont enregistrés comme imprimés : le fichier est « {temporary} »."
                ) from exc
            temporary = None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        db.dispose()
    reprinted = [r for r in printed if r.print_count > 0]
    head = f"Réimpression (motif : {reason}) — " if reprinted else ""
    _emit(
        f"{head}{_plural(len(printed), 'document imprimé', 'documents imprimés')} "
        f"({_kind_counts(printed)}), {_plural(pages, 'page', 'pages')}, {where}."
    )
    return EXIT_OK


def cmd_handover(args: argparse.Namespace) -> int:
    """Record that printed documents were handed over: letters to a releveur, orders
    to the section RPNT (an agent RPNT of the staff register)."""
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.authz import require
    from sbee_desk.services.edition import (
        RECIPIENT_OF,
        DocumentKind,
        EditionError,
        Recipient,
        documents_by_number,
        handover_candidates,
        mark_handed_over,
    )
    from sbee_desk.services.users import STAFF_ROLE_LABELS, list_staff

    matricule = args.to.strip()
    db = _open(args)
    try:
        actor = _actor(args, db)
        with db.uow() as uow:
            require(uow, actor, Action.EDITION)
        staff, recipient = None, None
        for who in Recipient:
            for choice in handover_candidates(db.uow(), who):
                if choice.matricule == matricule:
                    staff, recipient = choice, who
        if staff is None or recipient is None:
            known = {m.matricule: m for m in list_staff(db.uow())}
            member = known.get(matricule)
            if member is None:
                raise BadInput(
                    f"--to : matricule « {matricule} » inconnu du registre du personnel "
                    "(sbee-desk staff list)."
                )
            if not member.active:
                raise BadInput(
                    f"--to : {member.name} ({matricule}) est inactif dans le registre du personnel."
                )
            role = STAFF_ROLE_LABELS[member.role]
            raise BadInput(
                f"--to : {member.name} ({matricule}) est {role[0].lower()}{role[1:]} ; les "
                "lettres sont remises à un releveur, les ordres à un agent RPNT."
            )
        kind = next(k for k, who in RECIPIENT_OF.items() if who is recipient)
        try:
            rows = documents_by_number(db.uow(), args.number, prefer=kind)
            cancelled = [r for r in rows if r.cancelled]
            if cancelled:
                which = _plural(len(cancelled), "document annulé", "documents annulés")
                raise BadInput(
                    f"Remise refusée : {which} depuis l'édition (R7, paiement ou "
                    f"rétablissement) : {_named(cancelled)}. Rien n'a été enregistré."
                )
            wrong = [r for r in rows if r.kind is not kind]
            if wrong:
                raise BadInput(
                    f"Remise refusée : {_named(wrong)} — {staff.name} ({staff.matricule}) est "
                    f"{'releveur' if recipient is Recipient.RELEVEUR else 'agent RPNT'} ; "
                    f"les lettres sont remises à un releveur, les ordres à un agent RPNT. "
                    "Rien n'a été enregistré."
                )
            unprinted = [r for r in rows if r.print_count == 0]
            if unprinted:
                which = _plural(
                    len(unprinted), "document pas encore imprimé", "documents pas encore imprimés"
                )
                raise BadInput(
                    f"Remise refusée : {which} : {_named(unprinted)}. "
                    f"{'Imprimez-le' if len(unprinted) == 1 else 'Imprimez-les'} "
                    "d'abord (sbee-desk print). Rien n'a été enregistré."
                )
            mark_handed_over(db.uow(), actor, [r.id for r in rows], staff.id)
        except EditionError as exc:
            raise BadInput(str(exc)) from exc
    finally:
        db.dispose()
    # agreement with the documents: « 1 lettre … remise », « 2 lettres … remises », « … remis »
    letters_only = all(r.kind is DocumentKind.LETTER for r in rows)
    given = ("remises" if len(rows) > 1 else "remise") if letters_only else "remis"
    _emit(f"{_kind_counts(rows)} (n° {_numbers(rows)}) {given} à {staff.name} ({staff.matricule}).")
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
    parser.add_argument(
        "--version",
        action="version",
        version=f"sbee-desk {__version__}",
        help="afficher la version et quitter",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(
            name, help=help_, description=help_, parents=[common]
        )
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
    p.add_argument(
        "--contracts", type=_integer, default=2000, metavar="N", help="nombre de contrats"
    )

    derog = sub.add_parser("derogation", help="dérogations de la Direction Générale (R4)")
    derog_sub = derog.add_subparsers(
        dest="derogation_command", metavar="ACTION", parser_class=_Parser
    )
    derog_sub.required = True
    p = derog_sub.add_parser("add", parents=[common], help="enregistrer une dérogation DG")
    p.add_argument("--police", required=True, metavar="POLICE")
    p.add_argument("--reference", required=True, metavar="REF", help="référence de la décision")
    p.add_argument("--date", required=True, metavar="D", help="date de la décision")
    p.add_argument("--until", metavar="D", help="fin de validité (incluse)")
    p.add_argument("--document", metavar="REF", help="référence du document scanné")
    p.set_defaults(handler=cmd_derogation_add)

    p = add("validate", cmd_validate, "valider un bordereau d'un traitement (étape 1)")
    p.add_argument("--run", type=_integer, required=True, metavar="N", help="numéro du traitement")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--bordereau", metavar="CODE")
    which.add_argument("--all", action="store_true", help="tous les bordereaux non validés")
    p.add_argument(
        "--exclude",
        action="append",
        metavar="POLICE:MOTIF",
        help="exclure une ligne (répétable) ; motif : code de la liste ou texte",
    )

    p = add("lists", cmd_lists, "produire et archiver les listes d'un bordereau validé (étape 1)")
    p.add_argument("--run", type=_integer, required=True, metavar="N", help="numéro du traitement")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--bordereau", metavar="CODE")
    which.add_argument("--all", action="store_true", help="tous les bordereaux validés")
    p.add_argument(
        "--out",
        required=True,
        metavar="DOSSIER",
        help="dossier où écrire les copies (créé au besoin)",
    )

    p = add(
        "edition",
        cmd_edition,
        "édition de nuit : lettres de relance et ordres en attente (étape 2)",
    )
    p.add_argument(
        "--date", metavar="D", help="date imprimée sur les documents (défaut : aujourd'hui)"
    )
    p.add_argument(
        "--out",
        metavar="DOSSIER",
        help="dossier où écrire une copie de chaque PDF et les regroupés",
    )
    p.add_argument(
        "--workers",
        type=_integer,
        metavar="N",
        help="processus de rendu (défaut : un par processeur ; 0 : aucun)",
    )

    p = add(
        "print",
        cmd_print,
        "imprimer une édition ou des documents, sur une imprimante ou dans un PDF (étape 2)",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--batch", type=_integer, metavar="N", help="numéro de l'édition")
    which.add_argument(
        "--number",
        nargs="+",
        metavar="NUMÉRO",
        help="numéros des lettres ou des ordres (8 chiffres, les zéros de tête facultatifs)",
    )
    p.add_argument(
        "--recipient",
        choices=["RELEVEUR", "CHEF_RPNT"],
        help="avec --batch : seulement les lettres du releveur ou les ordres du chef RPNT",
    )
    p.add_argument(
        "--kind",
        choices=list(_KINDS),
        help="avec --number : lettre ou ordre (une lettre et un ordre peuvent porter le même "
        "numéro)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--printer", metavar="NOM", help="imprimante du poste (défaut : celle par défaut)"
    )
    where.add_argument(
        "--pdf",
        metavar="FICHIER",
        help="dessiner les pages dans ce fichier PDF au lieu d'une imprimante (enregistré "
        "comme une impression)",
    )
    p.add_argument(
        "--reason",
        metavar="TEXTE",
        help="motif de la réimpression (obligatoire pour un document déjà imprimé)",
    )

    p = add("handover", cmd_handover, "enregistrer la remise de documents imprimés (étape 2)")
    p.add_argument(
        "--number",
        nargs="+",
        required=True,
        metavar="NUMÉRO",
        help="numéros des lettres ou des ordres remis",
    )
    p.add_argument(
        "--to",
        required=True,
        metavar="MATRICULE",
        help="matricule de qui les reçoit : un releveur (lettres), un agent RPNT (ordres)",
    )

    user = sub.add_parser("user", help="utilisateurs (qui se connectent)")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", parser_class=_Parser)
    user_sub.required = True
    p = user_sub.add_parser(
        "add",
        parents=[common],
        help="créer un utilisateur (mot de passe lu sur l'entrée standard)",
    )
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--name", required=True, metavar="NOM", help="nom complet")
    p.add_argument(
        "--role",
        action="append",
        required=True,
        metavar="RÔLE",
        help="rôle (répétable) : CHEF_RECOUVREMENT, AGENT_CONTROLE, CHEF_RPNT, "
        "MAGASINIER, DIRECTION, CONTROLE, ADMIN",
    )
    p.set_defaults(handler=cmd_user_add)
    p = user_sub.add_parser("list", parents=[common], help="lister les utilisateurs")
    p.set_defaults(handler=cmd_user_list)
    p = user_sub.add_parser("set", parents=[common], help="modifier un utilisateur")
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--name", metavar="NOM")
    p.add_argument("--role", action="append", metavar="RÔLE", help="remplace les rôles")
    p.add_argument("--active", choices=["oui", "non"])
    p.add_argument(
        "--password", action="store_true", help="nouveau mot de passe, lu sur l'entrée standard"
    )
    p.set_defaults(handler=cmd_user_set)

    staff = sub.add_parser("staff", help="personnel de terrain (releveurs, agents, magasiniers)")
    staff_sub = staff.add_subparsers(dest="staff_command", metavar="ACTION", parser_class=_Parser)
    staff_sub.required = True
    p = staff_sub.add_parser("add", parents=[common], help="ajouter ou modifier (par matricule)")
    p.add_argument("matricule", metavar="MATRICULE")
    p.add_argument("--name", required=True, metavar="NOM")
    p.add_argument(
        "--role",
        required=True,
        metavar="FONCTION",
        help="RELEVEUR, AGENT_RECOUVREMENT, AGENT_RPNT ou MAGASINIER",
    )
    p.add_argument("--zone", action="append", metavar="ZONE", help="zone (répétable)")
    p.add_argument("--active", choices=["oui", "non"], default="oui")
    p.set_defaults(handler=cmd_staff_add)
    p = staff_sub.add_parser("list", parents=[common], help="lister le personnel")
    p.set_defaults(handler=cmd_staff_list)

    audit_p = sub.add_parser("audit", help="journal d'audit")
    audit_sub = audit_p.add_subparsers(dest="audit_command", metavar="ACTION", parser_class=_Parser)
    audit_sub.required = True
    p = audit_sub.add_parser("verify", parents=[common], help="vérifier l'intégrité du journal")
    p.set_defaults(handler=cmd_audit_verify)

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
    except (DatabaseError, PermissionDenied) as exc:
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
