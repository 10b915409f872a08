"""The classeur on the command line (#16): every file the agency archived — the lists of
step 1, the hand-off lists to the apurement and the contentieux, the return files for
the gestion clientèle — in one register.

- `archive list [--type T] [--json]`: the register, oldest first; T is a register
  (LISTES, APUREMENT, CONTENTIEUX, RETOUR_GC) or a list kind of step 1 (A_RELANCER,
  A_RESILIER, CONTROLE);
- `archive copy --type T --id N --to FICHIER`: an exact copy of file N of register T
  (the archived bytes, checked against their SHA-256), audited;
- `archive check --type T --id N FICHIER`: is FICHIER still file N? exit 0 when it is,
  1 when it was changed since.

An unknown register, an id not in it: the French message, exit 2, nothing written."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sbee_desk.cli.common import EXIT_FAILURE, EXIT_OK, emit, opened, plural

#: the registers, as `archive list --type` and the JSON say them
REGISTERS = ("LISTES", "APUREMENT", "CONTENTIEUX", "RETOUR_GC")
LIST_KINDS = ("A_RELANCER", "A_RESILIER", "CONTROLE")
REGISTER_WORDS = {
    "LISTES": "liste de sélection",
    "APUREMENT": "apurement",
    "CONTENTIEUX": "contentieux",
    "RETOUR_GC": "fichier retour GC",
}


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type[Any]) -> None:
    """`archive list|copy|check` in the parser of :mod:`sbee_desk.cli.parser`."""
    help_ = (
        "classeur : listes de sélection, listes transmises à l'apurement et au contentieux, "
        "fichiers retour pour la gestion clientèle"
    )
    archive = sub.add_parser("archive", help=help_, description=help_)
    archive_sub = archive.add_subparsers(
        dest="archive_command", metavar="ACTION", parser_class=parser_class
    )
    archive_sub.required = True
    what = f"registre ({', '.join(REGISTERS)}) ou type de liste ({', '.join(LIST_KINDS)})"

    p = archive_sub.add_parser("list", parents=[common], help="lister les fichiers archivés")
    p.add_argument("--type", metavar="TYPE", help=f"un seul {what}")
    p.add_argument("--json", action="store_true", help="imprimer le registre en JSON")
    p.set_defaults(handler=cmd_archive_list)

    register_help = f"registre du fichier : {', '.join(REGISTERS)} (défaut : LISTES)"
    p = archive_sub.add_parser(
        "copy", parents=[common], help="enregistrer une copie exacte d'un fichier archivé"
    )
    p.add_argument("--type", default="LISTES", metavar="REGISTRE", help=register_help)
    p.add_argument("--id", type=int, required=True, metavar="N", help="n° du fichier (list)")
    p.add_argument("--to", required=True, metavar="FICHIER", help="où écrire la copie")
    p.set_defaults(handler=cmd_archive_copy)

    p = archive_sub.add_parser(
        "check", parents=[common], help="vérifier qu'une copie est identique au fichier archivé"
    )
    p.add_argument("--type", default="LISTES", metavar="REGISTRE", help=register_help)
    p.add_argument("--id", type=int, required=True, metavar="N", help="n° du fichier (list)")
    p.add_argument("path", metavar="FICHIER", help="la copie à vérifier")
    p.set_defaults(handler=cmd_archive_check)


def _entry_json(e: Any) -> dict[str, Any]:
    return {
        "type": e.source.value,
        "id": e.entry_id,
        "kind": e.kind.value if e.kind is not None else None,
        "file": e.file_name if e.has_file else None,
        "format": e.file_format,
        "run": e.run_id,
        "run_date": e.run_on.isoformat() if e.run_on else None,
        "bordereau": e.bordereau_code or None,
        "reference": e.reference,
        "reference_date": e.reference_on.isoformat() if e.reference_on else None,
        "agence": e.agency_code or None,
        "lines": e.line_count,
        "created_at": e.created_at.isoformat(),
        "created_by": e.created_by,
        "size": e.size,
        "sha256": e.sha256 if e.has_file else None,
        "copy": e.is_copy,
    }


def _entry_line(e: Any) -> str:
    if e.kind is not None:
        ref = f"traitement n° {e.run_id}, bordereau {e.bordereau_code}"
    elif e.source.value == "RETOUR_GC":
        ref = f"agence {e.agency_code}, fichier n° {e.reference}"
    else:
        ref = f"transmission n° {e.reference}"
    if not e.has_file:
        return f"  {e.source.value} {e.entry_id:>5}  {e.description} ({ref}) : aucun fichier"
    copy = ", copie" if e.is_copy else ""
    return (
        f"  {e.source.value} {e.entry_id:>5}  {e.file_name} ({ref}{copy}) "
        f"{e.size} octets, SHA-256 {e.sha256[:12]}…, {e.created_at:%d/%m/%Y}, {e.created_by}"
    )


def cmd_archive_list(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.classeur import archive_register

    wanted = (args.type or "").strip().upper() or None
    kind = wanted if wanted in LIST_KINDS else None
    source = None if kind is not None else wanted
    with opened(args, actor=True, may=Action.READ) as (db, actor):
        entries = archive_register(db.uow(), kind=kind, source=source, actor=actor)
    if args.json:
        emit(json.dumps({"entries": [_entry_json(e) for e in entries]}, ensure_ascii=False))
        return EXIT_OK
    emit(f"Classeur : {plural(len(entries), 'entrée', 'entrées')}.")
    for e in entries:
        emit(_entry_line(e))
    return EXIT_OK


def cmd_archive_copy(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.classeur import save_copy

    register = args.type.strip().upper()
    with opened(args, actor=True, may=Action.READ) as (db, actor):
        target = save_copy(db.uow(), actor, args.id, Path(args.to), register)
    emit(f"Copie enregistrée : {target}")
    return EXIT_OK


def cmd_archive_check(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.classeur import check_copy

    register = args.type.strip().upper()
    with opened(args, actor=True, may=Action.READ) as (db, _actor):
        same = check_copy(db.uow(), args.id, Path(args.path), register)
    what = f"{REGISTER_WORDS.get(register, register)} n° {args.id}"
    if same:
        emit(f"Copie conforme : « {args.path} » est identique au fichier archivé ({what}).")
        return EXIT_OK
    emit(
        f"Attention : copie modifiée. « {args.path} » ne correspond plus au fichier archivé "
        f"({what}) : son empreinte SHA-256 diffère.",
        err=True,
    )
    return EXIT_FAILURE
