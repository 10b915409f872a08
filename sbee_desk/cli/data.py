"""The data commands: `import` (the customer-management export) and `demo`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sbee_desk.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    BadInput,
    acting_user,
    emit,
    opened,
    plural,
)


def cmd_import(args: argparse.Namespace) -> int:
    from sbee_desk.services.importing import ImportFailed, import_export

    with opened(args, actor=True) as (db, actor):
        try:
            result = import_export(db.uow(), actor, Path(args.path))
        except ImportFailed as failed:
            for p in failed.problems:
                emit(f"{p.table}:{p.line}: {p.column}: {p.message}", err=True)
            emit(
                f"Import refusé : {plural(failed.total, 'problème', 'problèmes')}, rien "
                "n'a été enregistré. "
                "Corrigez le fichier puis relancez l'import.",
                err=True,
            )
            return EXIT_BAD_INPUT
    for warning in result.warnings:
        emit(f"attention : {warning}", err=True)
    emit(f"{'table':<15}{'insérés':>10}{'mis à jour':>12}{'inchangés':>11}")
    for table, c in result.counts.items():
        emit(f"{table:<15}{c.inserted:>10}{c.updated:>12}{c.unchanged:>11}")
    if result.r7_cancelled:
        from sbee_desk.services.r7 import summary

        # on stderr, like the warnings: stdout stays the counts of import-format.md
        emit(summary(result.r7_cancelled), err=True)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from sbee_desk.services.demo import load_demo
    from sbee_desk.services.users import DEMO_PASSWORD, DEMO_USERS, user_count

    if args.contracts < 1:
        raise BadInput(f"--contracts : {args.contracts} ; il faut au moins 1 contrat.")
    with opened(args) as db:
        # no user yet: the demo creates its users, in its one transaction
        actor = acting_user(args, db) if user_count(db.uow()) else None
        result = load_demo(db, actor, contracts=args.contracts)
    if result.users_created:
        emit(f"Utilisateurs de démonstration créés (mot de passe de chacun : {DEMO_PASSWORD}) :")
        for login, name, roles in DEMO_USERS:
            emit(f"  {login:<10} {name} — {', '.join(r.value for r in roles)}")
    rows = ", ".join(f"{n} {table}" for table, n in result.rows.items())
    emit(f"Agence de démonstration chargée au {result.today:%d/%m/%Y} : {rows}.")
    emit(
        f"Historique : traitement n° {result.history_run_id} du {result.history_on:%d/%m/%Y}, "
        f"{plural(result.letters, 'lettre de relance', 'lettres de relance')} dont "
        f"{plural(result.letters_delivered, 'remise', 'remises')}, "
        f"{plural(result.derogations, 'dérogation DG', 'dérogations DG')}."
    )
    return EXIT_OK
