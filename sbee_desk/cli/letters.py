"""Step 3 on the command line (import-format.md, stable): `letters list`,
`letters deliver`, `letters impossible`, `letters retry` — and `letters correct`
(the chef only). Each writes audit events like the Relances page."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sbee_desk.cli.common import EXIT_OK, BadInput, emit, opened, parse_date, plural


def _status(raw: str | None) -> Any:
    from sbee_desk.services.letters import LetterStatus

    if raw is None:
        return None
    try:
        return LetterStatus(raw.strip().upper())
    except ValueError:
        known = ", ".join(s.value for s in LetterStatus)
        raise BadInput(f"--status : état « {raw} » inconnu (attendu : {known}).") from None


def cmd_letters_list(args: argparse.Namespace) -> int:
    from sbee_desk.services.letters import LetterFilter, list_letters
    from sbee_desk.wording.formats import format_date
    from sbee_desk.wording.labels import LETTER_STATUS_LABELS

    flt = LetterFilter(
        status=_status(args.status),
        bordereau=args.bordereau,
        zone=args.zone,
        overdue_only=args.overdue,
        agency=args.agence,
    )
    with opened(args) as db:
        rows = list_letters(db.uow(), flt)
    if args.json:
        json.dump(
            {"letters": [r.to_json() for r in rows]}, sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
        return EXIT_OK
    for r in rows:
        parts = [r.number, r.police, LETTER_STATUS_LABELS[r.status]]
        if r.edited_on:
            parts.append(f"éditée le {format_date(r.edited_on)}")
        if r.delivered_on:
            parts.append(f"remise le {format_date(r.delivered_on)}")
        if r.deadline:
            parts.append(f"résiliable à partir du {format_date(r.deadline)}")
        if r.overdue:
            parts.append(f"NON REMISE depuis {r.alert_days} jours ou plus")
        emit("  ".join(parts))
    emit(plural(len(rows), "lettre", "lettres"), err=True)
    return EXIT_OK


def cmd_letters_deliver(args: argparse.Namespace) -> int:
    from sbee_desk.services.letters import deliver

    on = parse_date(args.on, "--on")
    with opened(args, actor=True) as (db, actor):
        rows = deliver(
            db.uow(), actor, args.numbers, on, by=args.by, to=args.to, agency=args.agence
        )
    for r in rows:
        emit(f"Lettre n° {r.number} (police {r.police}) remise le {on:%d/%m/%Y}.")
    return EXIT_OK


def cmd_letters_impossible(args: argparse.Namespace) -> int:
    from sbee_desk.services.letters import record_impossible

    on = parse_date(args.on, "--on")
    with opened(args, actor=True) as (db, actor):
        r = record_impossible(
            db.uow(), actor, args.number, on, args.reason, by=args.by, agency=args.agence
        )
    emit(f"Lettre n° {r.number} (police {r.police}) : remise impossible le {on:%d/%m/%Y}.")
    return EXIT_OK


def cmd_letters_retry(args: argparse.Namespace) -> int:
    from sbee_desk.services.letters import order_retry

    with opened(args, actor=True) as (db, actor):
        r = order_retry(
            db.uow(), actor, args.number, note=args.note, reprint=args.reprint, agency=args.agence
        )
    emit(f"Lettre n° {r.number} (police {r.police}) : présentation n° {r.attempts} demandée.")
    return EXIT_OK


def cmd_letters_correct(args: argparse.Namespace) -> int:
    from sbee_desk.services.letters import KEEP, correct_delivery

    on = parse_date(args.on, "--on") if args.on else KEEP
    with opened(args, actor=True) as (db, actor):
        r = correct_delivery(
            db.uow(),
            actor,
            args.number,
            args.reason,
            on=on,
            to=args.to if args.to is not None else KEEP,
            by=args.by if args.by is not None else KEEP,
            undo=args.undo,
        )
    emit(f"Lettre n° {r.number} (police {r.police}) : remise corrigée.")
    return EXIT_OK


def cmd_letters_difficulties(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sbee_desk.services.letters import export_address_difficulties

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise BadInput(f"--out : « {args.out} » : le fichier doit finir par .xlsx.")
    if not out.parent.is_dir():
        raise BadInput(f"--out : dossier « {out.parent} » introuvable.")
    with opened(args) as db:
        count = export_address_difficulties(db.uow(), out)
    emit(f"{plural(count, 'difficulté', 'difficultés')} d'adresse écrites dans {out}.")
    return EXIT_OK


def add_commands(
    sub: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]
) -> None:
    """`letters …` under the main parser's sub-commands."""
    letters = sub.add_parser("letters", help="lettres de relance : leur remise (étape 3, R5)")
    letters_sub = letters.add_subparsers(
        dest="letters_command", metavar="ACTION", parser_class=parser_class
    )
    letters_sub.required = True

    def agency(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--agence", metavar="CODE", help="refuser les lettres d'une autre agence que CODE"
        )

    p = letters_sub.add_parser("list", parents=[common], help="lister les lettres")
    p.add_argument(
        "--status",
        metavar="ÉTAT",
        help="A_EDITER, A_REMETTRE, REMISE, IMPOSSIBLE ou ANNULEE (défaut : toutes)",
    )
    p.add_argument("--bordereau", metavar="CODE")
    p.add_argument("--zone", metavar="ZONE")
    p.add_argument("--overdue", action="store_true", help="seulement les non remises en alerte")
    p.add_argument("--agence", metavar="CODE", help="une seule agence")
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")
    p.set_defaults(handler=cmd_letters_list)

    p = letters_sub.add_parser("deliver", parents=[common], help="enregistrer des remises")
    p.add_argument("numbers", nargs="+", metavar="NUMÉRO", help="numéros des lettres remises")
    p.add_argument("--on", required=True, metavar="DATE", help="date de remise, aaaa-mm-jj")
    p.add_argument(
        "--by", metavar="MATRICULE", help="releveur (défaut : celui à qui elles ont été remises)"
    )
    p.add_argument("--to", metavar="TEXTE", help="remise à : client, proche, gardien…")
    agency(p)
    p.set_defaults(handler=cmd_letters_deliver)

    p = letters_sub.add_parser(
        "impossible", parents=[common], help="enregistrer une remise impossible (R5)"
    )
    p.add_argument("number", metavar="NUMÉRO")
    p.add_argument("--on", required=True, metavar="DATE", help="date, aaaa-mm-jj")
    p.add_argument("--reason", required=True, metavar="TEXTE", help="motif (adresse introuvable…)")
    p.add_argument("--by", metavar="MATRICULE", help="releveur")
    agency(p)
    p.set_defaults(handler=cmd_letters_impossible)

    p = letters_sub.add_parser("retry", parents=[common], help="demander une nouvelle présentation")
    p.add_argument("number", metavar="NUMÉRO")
    p.add_argument("--note", metavar="TEXTE", help="note pour le releveur")
    p.add_argument(
        "--reprint", action="store_true", help="réimprimer la lettre « 2e présentation »"
    )
    agency(p)
    p.set_defaults(handler=cmd_letters_retry)

    p = letters_sub.add_parser(
        "correct", parents=[common], help="corriger une remise enregistrée (chef section)"
    )
    p.add_argument("number", metavar="NUMÉRO")
    p.add_argument("--reason", required=True, metavar="TEXTE", help="motif de la correction")
    p.add_argument("--on", metavar="DATE", help="nouvelle date de remise")
    p.add_argument("--to", metavar="TEXTE", help="remise à")
    p.add_argument("--by", metavar="MATRICULE", help="releveur")
    p.add_argument("--undo", action="store_true", help="annuler la remise enregistrée")
    p.set_defaults(handler=cmd_letters_correct)

    p = letters_sub.add_parser(
        "difficulties",
        parents=[common],
        help="difficultés d'adresse pour la gestion clientèle (classeur Excel)",
    )
    p.add_argument("--out", required=True, metavar="FICHIER", help="fichier .xlsx à écrire")
    p.set_defaults(handler=cmd_letters_difficulties)
