"""The return file for the gestion clientèle on the command line (#16):
`sbee-desk gc-return --out DIR [--format csv|xlsx] [--agence CODE] [--date D] [--json]`
writes the lines not yet exported (docs/return-file-format.md) and records them;
`--preview` lists them without writing anything. Nothing new: a French message, exit 0,
no file. A folder that cannot be written: a French message, exit 2, nothing recorded."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sbee_desk.cli.common import EXIT_OK, BadInput, emit, opened, parse_date, plural

#: each line kind's French words (singular, plural)
KIND_WORDS = {
    "RESILIATION": ("résiliation", "résiliations"),
    "INDEX_MT": ("index MT", "index MT"),
    "ADRESSE": ("difficulté d'adresse", "difficultés d'adresse"),
}


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """`gc-return` in the parser of :mod:`sbee_desk.cli.parser`."""
    help_ = (
        "écrire le fichier retour pour la gestion clientèle : résiliations, index MT, "
        "difficultés d'adresse non encore exportés"
    )
    p = sub.add_parser("gc-return", parents=[common], help=help_, description=help_)
    p.add_argument("--out", metavar="DOSSIER", help="dossier où écrire le fichier")
    p.add_argument(
        "--format",
        default="csv",
        metavar="csv|xlsx",
        help="csv (défaut : UTF-8, séparateur « ; ») ou xlsx",
    )
    p.add_argument("--agence", metavar="CODE", help="une seule agence (défaut : toutes)")
    p.add_argument("--date", metavar="D", help="date du fichier, aaaa-mm-jj (défaut : aujourd'hui)")
    p.add_argument(
        "--preview",
        action="store_true",
        help="lister les lignes en attente sans rien écrire ni enregistrer",
    )
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")
    p.set_defaults(handler=cmd_gc_return)


def _line_json(line: Any) -> dict[str, Any]:
    return {
        "type": line.kind.value,
        "agence": line.agency_code,
        "police": line.police,
        "date": line.on.isoformat(),
        "index": line.index,
        "compteur": line.meter_serial,
        "cause": line.cause,
        "motif": line.reason,
        "ordre": line.order_number,
        "lettre": line.letter_number,
        "adresse": line.address,
        "remarque": line.remark,
    }


def cmd_gc_return(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.clock import today
    from sbee_desk.services.gc_return import export_return_file, parse_format, preview

    file_format = parse_format(args.format)
    on = parse_date(args.date, "--date") if args.date else None
    if on is not None and on > today():
        raise BadInput(f"--date : le {on:%d/%m/%Y} est à venir ; rien n'a été écrit.")
    if args.preview:
        with opened(args, actor=True, may=Action.READ) as (db, actor):
            lines = preview(db.uow(), actor, agency=args.agence)
        if args.json:
            emit(json.dumps({"lines": [_line_json(x) for x in lines]}, ensure_ascii=False))
        else:
            emit(f"En attente pour la gestion clientèle : {plural(len(lines), 'ligne', 'lignes')}.")
            for x in lines:
                emit(f"  {x.kind.value} {x.police} {x.on:%d/%m/%Y}")
        return EXIT_OK
    if not args.out:
        raise BadInput("--out : dites dans quel dossier écrire le fichier retour.")
    with opened(args, actor=True, may=Action.EDITION) as (db, actor):
        result = export_return_file(
            db.uow(), actor, Path(args.out), file_format, agency=args.agence, today_=on
        )
    if args.json:
        emit(
            json.dumps(
                {
                    "date": result.produced_on.isoformat(),
                    "lines": result.line_count,
                    "files": [
                        {
                            "file": f.file_name,
                            "path": str(f.path) if f.path else None,
                            "agence": f.agency_code,
                            "number": f.seq,
                            "sha256": f.sha256,
                            "lines": f.line_count,
                            "counts": f.counts,
                        }
                        for f in result.files
                    ],
                },
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not result.files:
        emit(
            "Rien de nouveau pour la gestion clientèle : toutes les résiliations, index MT "
            "et difficultés d'adresse ont déjà été exportés. Aucun fichier écrit."
        )
        return EXIT_OK
    for f in result.files:
        counts = ", ".join(plural(n, *KIND_WORDS[kind]) for kind, n in f.counts.items() if n)
        emit(
            f"Fichier retour n° {f.seq} de l'agence {f.agency_code} : "
            f"{plural(f.line_count, 'ligne exportée', 'lignes exportées')} ({counts}) "
            f"dans {f.path}."
        )
    return EXIT_OK
