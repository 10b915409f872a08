"""The `sbee-desk` parser: its commands and options, in French — argparse's own words
(usage, errors, help headings) translated here (ui-guidelines.md, French everywhere
the user reads)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from sbee_desk import __version__
from sbee_desk.cli.admin import (
    cmd_audit_anchor,
    cmd_audit_verify,
    cmd_plan_list,
    cmd_plan_set,
    cmd_staff_add,
    cmd_staff_list,
    cmd_user_add,
    cmd_user_list,
    cmd_user_set,
    cmd_user_unlock,
)
from sbee_desk.cli.classeur import add_parsers as add_classeur_parsers
from sbee_desk.cli.common import EXIT_BAD_INPUT, cmd_gui
from sbee_desk.cli.cri import add_parsers as add_cri_parsers
from sbee_desk.cli.data import cmd_demo, cmd_import
from sbee_desk.cli.dispatch import add_parsers as add_dispatch_parsers
from sbee_desk.cli.edition import KINDS, cmd_edition, cmd_handover, cmd_print
from sbee_desk.cli.gc_return import add_parsers as add_gc_return_parsers
from sbee_desk.cli.handoff import add_parsers as add_handoff_parsers
from sbee_desk.cli.letters import add_commands as add_letters_commands
from sbee_desk.cli.ops import cmd_backup, cmd_doctor, cmd_restore
from sbee_desk.cli.selection import cmd_derogation_add, cmd_lists, cmd_select, cmd_validate
from sbee_desk.cli.store import add_parsers as add_store_parsers
from sbee_desk.cli.termination import add_parsers as add_termination_parsers

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
        message = _without_secrets(message)
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_BAD_INPUT,
            _fr("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message},
        )


#: options that take the acting user's password from somewhere else than the command
#: line: allowed, their value is a path or nothing
_PASSWORD_OPTIONS_ALLOWED = {"--password-file", "--new-password"}


def _looks_like_password_option(name: str) -> bool:
    name = name.lower()
    return name.startswith(("--pass", "--mot-de-passe", "--mdp", "--new-pass", "--pwd"))


def password_on_command_line(argv: Sequence[str]) -> str | None:
    """The refusal of a password given on the command line (``--password X``,
    ``--password=X``, ``--new-password=X``…), worded without the value; else None.
    A command line shows in the process list and the shell's history."""
    for token in argv:
        if token == "--":
            break
        name, has_value, _value = token.partition("=")
        if not _looks_like_password_option(name):
            continue
        if name in _PASSWORD_OPTIONS_ALLOWED and not (has_value and name == "--new-password"):
            continue
        return (
            f"{name} refusé : un mot de passe ne se donne jamais sur la ligne de commande "
            "(il se lit dans la liste des processus et l'historique). Utilisez la variable "
            "SBEE_DESK_PASSWORD, l'option --password-file FICHIER (lisible par vous seul) "
            "ou l'invite du terminal ; rien n'a été fait."
        )
    return None


def _without_secrets(message: str) -> str:
    """An argparse error never repeats the password of the environment (someone who
    typed it as an argument by mistake)."""
    import os

    from sbee_desk.services.actor import ENV_PASSWORD

    secret = os.environ.get(ENV_PASSWORD) or ""
    if len(secret) >= 4:
        message = message.replace(secret, "***")
    return message


def _integer(text: str) -> int:
    return int(text)


_integer.__name__ = "nombre entier"  # argparse names the expected type with it


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
    common.add_argument(
        "--password-file",
        default=argparse.SUPPRESS,
        metavar="FICHIER",
        help="fichier (lisible par son seul propriétaire) dont la 1re ligne est le mot de "
        "passe de l'utilisateur agissant ; sinon $SBEE_DESK_PASSWORD_FILE, "
        "$SBEE_DESK_PASSWORD, ou une invite dans un terminal",
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

    p = add("gui", cmd_gui, "ouvrir l'application de bureau")
    # for the packaging test: open the window, print what it shows (JSON), quit
    p.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)

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
        choices=list(KINDS),
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

    add_letters_commands(sub, common, _Parser)
    add_dispatch_parsers(sub, common, _Parser)
    add_store_parsers(sub, common)
    add_cri_parsers(sub, common, _Parser)
    add_gc_return_parsers(sub, common)
    add_handoff_parsers(sub, common)
    add_termination_parsers(sub, common, _Parser)
    add_classeur_parsers(sub, common, _Parser)

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
        "--new-password",
        action="store_true",
        help="nouveau mot de passe, lu sur l'entrée standard (ou demandé dans un terminal)",
    )
    p.set_defaults(handler=cmd_user_set)
    p = user_sub.add_parser(
        "unlock",
        parents=[common],
        help="déverrouiller un compte bloqué après des échecs de connexion (ADMIN)",
    )
    p.add_argument("login", metavar="LOGIN")
    p.set_defaults(handler=cmd_user_unlock)

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
    p.add_argument(
        "--anchor",
        action="append",
        metavar="N:EMPREINTE",
        help="ancre à vérifier en plus du fichier d'ancres : numéro d'événement et empreinte "
        "imprimés sur une liste ou un rapport (répétable)",
    )
    p.add_argument(
        "--anchors",
        action="append",
        metavar="FICHIER",
        help="autre fichier d'ancres (une copie gardée ailleurs, des lignes N:EMPREINTE) "
        "(répétable)",
    )
    p.set_defaults(handler=cmd_audit_verify)
    p = audit_sub.add_parser(
        "anchor", parents=[common], help="ancrer la tête du journal dans le fichier d'ancres"
    )
    p.set_defaults(handler=cmd_audit_anchor)

    p = add(
        "backup",
        cmd_backup,
        "sauvegarder la base (SQLite : copie cohérente ; PostgreSQL : pg_dump)",
    )
    p.add_argument(
        "--out",
        metavar="FICHIER",
        help="fichier de la sauvegarde (défaut : dossier des sauvegardes)",
    )
    p.add_argument(
        "--folder",
        metavar="DOSSIER",
        help="administrateur : choisir le dossier des sauvegardes automatiques "
        '("" : dossier de données)',
    )
    p.add_argument(
        "--keep-days",
        type=_integer,
        metavar="JOURS",
        help="administrateur : jours de conservation des sauvegardes automatiques",
    )
    p = add("restore", cmd_restore, "restaurer une sauvegarde (administrateur ; SQLite)")
    p.add_argument("file", metavar="FICHIER", help="la sauvegarde à restaurer")
    p.add_argument("--yes", action="store_true", help="ne pas demander de confirmation (scripts)")
    add(
        "doctor",
        cmd_doctor,
        "vérifier l'installation (base, journal, disque, polices, imprimantes, sauvegardes)",
    )

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
