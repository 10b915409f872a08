"""Step 5 on the command line (import-format.md, stable): `store-return NUMBER --on D
--sheet SHEET [--meter SERIAL] [--breaker SERIAL] [--keeper MATRICULE]` (+ `--note`,
the explanation of a serial that differs from the contract's); and two companions:
`store-sheet SHEET --out FILE` (the fiche de mouvement de stock as a PDF) and
`store-missing [--json]` (« matériel non retourné »). Separate commands rather than
sub-commands of `store-return`: argparse cannot take both a positional NUMBER and
sub-commands there."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from sbee_desk.cli.common import EXIT_OK, BadInput, emit, opened, parse_date, plural


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """`store-return`, `store-sheet` and `store-missing` in the parser of
    :mod:`sbee_desk.cli.parser`."""
    help_ = "enregistrer le retour au magasin du compteur (et du disjoncteur) d'un ordre (étape 5)"
    p = sub.add_parser("store-return", parents=[common], help=help_, description=help_)
    p.add_argument("number", metavar="NUMÉRO", help="n° de l'ordre (8 chiffres, scanné ou tapé)")
    p.add_argument("--on", required=True, metavar="D", help="date du retour, aaaa-mm-jj")
    p.add_argument(
        "--sheet",
        required=True,
        metavar="FICHE",
        help="n° de la fiche de mouvement de stock : une fiche existante, AUTO pour une "
        "nouvelle fiche numérotée par sbee-desk, ou le n° du registre du magasin",
    )
    p.add_argument("--meter", metavar="N°", help="n° du compteur reçu (défaut : celui du contrat)")
    p.add_argument(
        "--breaker", metavar="N°", help="n° du disjoncteur reçu (défaut : celui du contrat)"
    )
    p.add_argument("--keeper", metavar="MATRICULE", help="matricule du magasinier")
    p.add_argument(
        "--note", metavar="TEXTE", help="explication d'un n° reçu différent de celui du contrat"
    )
    p.set_defaults(handler=cmd_store_return)

    help_ = "écrire la fiche de mouvement de stock en PDF (étape 5)"
    p = sub.add_parser("store-sheet", parents=[common], help=help_, description=help_)
    p.add_argument("sheet", metavar="FICHE", help="n° de la fiche de mouvement de stock")
    p.add_argument("--out", required=True, metavar="FICHIER", help="fichier PDF à écrire")
    p.set_defaults(handler=cmd_store_sheet)

    help_ = "lister le matériel déposé non retourné au magasin après le délai (étape 5)"
    p = sub.add_parser("store-missing", parents=[common], help=help_, description=help_)
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")
    p.set_defaults(handler=cmd_store_missing)


def cmd_store_return(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.store import record_return
    from sbee_desk.wording.store import store_mention

    on = parse_date(args.on, "--on")
    with opened(args, actor=True, may=Action.STORE_RETURN) as (db, actor):
        row = record_return(
            db.uow(),
            actor,
            args.number,
            on,
            sheet=args.sheet,
            meter=args.meter,
            breaker=args.breaker,
            keeper=args.keeper,
            note=args.note,
        )
    new = " (nouvelle fiche)" if row.new_sheet else ""
    mention = store_mention(row.returned_on, row.breaker_serial is not None)
    emit(
        f"Retour magasin enregistré : ordre n° {row.number}, police {row.police}, "
        f"fiche {row.sheet_number}{new} — {mention}."
    )
    if row.mismatch_note:
        emit(f"Écart de numéro expliqué : {row.mismatch_note}")
    return EXIT_OK


def cmd_store_sheet(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.store import sheet_pdf
    from sbee_desk.wording.errors import os_reason

    target = Path(args.out)
    probe = target.parent / f".sbee-desk-{uuid.uuid4().hex[:8]}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BadInput(
            f"--out : impossible d'écrire dans le dossier « {target.parent} » "
            f"({os_reason(exc)}). Rien n'a été écrit."
        ) from exc
    with opened(args, actor=True, may=Action.STORE_RETURN) as (db, actor):
        sheet = sheet_pdf(db.uow(), actor, args.sheet)
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    temporary.write_bytes(sheet.pdf)
    os.replace(temporary, target)
    emit(
        f"Fiche de mouvement de stock n° {sheet.number} : "
        f"{plural(sheet.returns, 'ordre', 'ordres')}, écrite dans {target}."
    )
    return EXIT_OK


def cmd_store_missing(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.store import unreturned

    with opened(args, actor=True, may=Action.READ) as (db, _actor):
        rows = unreturned(db.uow())
    if args.json:
        json.dump(
            {
                "missing": [
                    {
                        "number": u.number,
                        "police": u.police,
                        "status": u.status.value,
                        "agent": u.agent_matricule,
                        "removed_on": u.removed_on.isoformat() if u.removed_on else None,
                        "days": u.days,
                        "meter_serial": u.meter_serial,
                    }
                    for u in rows
                ]
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return EXIT_OK
    for u in rows:
        who = f" — {u.agent_name} ({u.agent_matricule})" if u.agent_matricule else ""
        when = f" déposé le {u.removed_on:%d/%m/%Y}" if u.removed_on else ""
        days = f", il y a {plural(u.days, 'jour', 'jours')}" if u.days is not None else ""
        emit(f"{u.number}  police {u.police}  compteur {u.meter_serial or '—'}{when}{days}{who}")
    emit(plural(len(rows), "ordre", "ordres") + " : matériel non retourné.", err=True)
    return EXIT_OK
