"""The hand-off on the command line (import-format.md, R12): `handoff --out DIR`
writes `apurement-<date>.xlsx`/`.pdf` and `contentieux-<date>.xlsx`/`.pdf` for the
terminations not yet handed off; `--reprint N` writes hand-off N again, marked
« COPIE ». Nothing new to hand off is not a failure: the message, exit 0. A folder
that cannot be written: the French message, exit 2, nothing recorded."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sbee_desk.cli.common import EXIT_OK, emit, opened, plural


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """`handoff` in the parser of :mod:`sbee_desk.cli.parser`."""
    help_ = (
        "transmettre les résiliations à l'apurement et au contentieux : listes Excel et PDF (R12)"
    )
    p = sub.add_parser("handoff", parents=[common], help=help_, description=help_)
    p.add_argument("--out", required=True, metavar="DOSSIER", help="dossier où écrire les listes")
    p.add_argument(
        "--reprint",
        type=int,
        metavar="N",
        help="réimprimer la transmission n° N (marquée « COPIE ») au lieu d'en faire une",
    )
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")
    p.set_defaults(handler=cmd_handoff)


def cmd_handoff(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.handoff import (
        NOTHING_NEW,
        HandoffError,
        reprint_handoff,
        run_handoff,
    )
    from sbee_desk.wording.formats import format_amount

    out = Path(args.out)
    with opened(args, actor=True, may=Action.EDITION) as (db, actor):
        try:
            if args.reprint is not None:
                result = reprint_handoff(db.uow(), actor, args.reprint, out)
            else:
                result = run_handoff(db.uow(), actor, out)
        except HandoffError as exc:
            if exc.code != NOTHING_NEW:
                raise
            if args.json:
                json.dump({"handoff": None, "message": str(exc)}, sys.stdout, ensure_ascii=False)
                sys.stdout.write("\n")
            else:
                emit(str(exc))
            return EXIT_OK
    if args.json:
        json.dump(
            {
                "handoff": result.number,
                "handed_on": result.handed_on.isoformat(),
                "copy": result.is_copy,
                "settlement": result.settlement_count,
                "litigation": result.litigation_count,
                "total_due": result.total_due,
                "files": [
                    {
                        "kind": f.kind.value,
                        "format": f.file_format,
                        "path": str(f.path) if f.path else None,
                        "sha256": f.sha256,
                    }
                    for f in result.files
                ],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return EXIT_OK
    what = "Copie de la transmission" if result.is_copy else "Transmission"
    emit(
        f"{what} n° {result.number} du {result.handed_on:%d/%m/%Y} : "
        f"{plural(result.settlement_count, 'contrat', 'contrats')} à l'apurement, "
        f"{plural(result.litigation_count, 'contrat', 'contrats')} au contentieux "
        f"({format_amount(result.total_due)} dus)."
    )
    if not result.litigation_count:
        emit("Aucun contrat ne doit encore : pas de liste pour le contentieux.")
    for f in result.files:
        emit(f"  {f.path}")
    return EXIT_OK
