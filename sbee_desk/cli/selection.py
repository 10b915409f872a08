"""Step 1 on the command line: `select`, `derogation add`, `validate`, `lists`."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
from pathlib import Path

from sbee_desk.cli.common import EXIT_OK, BadInput, emit, opened, parse_date, plural


def cmd_select(args: argparse.Namespace) -> int:
    from sbee_desk.services.selection import bordereau_summaries, run_selection, selection_json

    run_on = parse_date(args.date) if args.date else dt.date.today()
    with opened(args, actor=True) as (db, actor):
        result = run_selection(db.uow(), actor, run_on, args.agence)
        if args.json:
            document = selection_json(db.uow(), result.run_id)
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return EXIT_OK
        emit(str(result.run_id))
        for b in bordereau_summaries(db.uow(), result.run_id):
            counts = ", ".join(f"{d.value} {n}" for d, n in sorted(b.counts.items()))
            lines = plural(b.line_count, "ligne", "lignes")
            emit(f"  {b.code} ({b.voltage}) : {lines} — {counts}", err=True)
        if not result.candidate_count:
            emit("  aucune ligne à cette date.", err=True)
        return EXIT_OK


def cmd_derogation_add(args: argparse.Namespace) -> int:
    from sbee_desk.services.review import add_derogation

    decided_on = parse_date(args.date)
    until = parse_date(args.until, "--until") if args.until else None
    with opened(args, actor=True) as (db, actor):
        info = add_derogation(
            db.uow(), actor, args.police, args.reference, decided_on, until, args.document
        )
    emit(
        f"Dérogation DG {info.reference} enregistrée pour la police {info.police} "
        f"({plural(info.recomputed_lines, 'ligne recalculée', 'lignes recalculées')})."
    )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from sbee_desk.services.r7 import summary as r7_summary
    from sbee_desk.services.review import ReviewError, RunTooOld, validate_all, validate_bordereau

    exclusions = []
    for item in args.exclude or []:
        police, sep, reason = item.partition(":")
        if not sep or not police.strip() or not reason.strip():
            raise BadInput(
                f"--exclude « {item} » : écrivez POLICE:MOTIF, par exemple 0123456789:LITIGE "
                "(motif obligatoire)."
            )
        exclusions.append((police.strip(), reason.strip()))
    with opened(args, actor=True) as (db, actor):
        code = args.bordereau
        try:
            if args.all:
                run = validate_all(db.uow(), actor, args.run, exclusions)
                if run.error is not None:
                    code = run.refused
                    raise run.error
                if not run.validated:
                    raise BadInput(f"Traitement n° {args.run} : aucun bordereau à valider.")
                results = run.validated
            else:
                results = [validate_bordereau(db.uow(), actor, args.run, code, exclusions)]
        except RunTooOld as exc:  # the whole run, not this bordereau
            age = exc.age
            raise BadInput(
                f"Ce traitement date du {age.run_on:%d/%m/%Y} (plus de {age.max_age_days} "
                "jours) : relancez le traitement à la date du jour avant de valider."
            ) from exc
        except ReviewError as exc:
            raise BadInput(f"{code} : {exc}") from exc
    for r in results:
        dropped = (
            f", {plural(len(r.dropped), 'retirée', 'retirées')} par R7 ({', '.join(r.dropped)})"
            if r.dropped
            else ""
        )
        emit(
            f"{r.bordereau_code} validé : "
            f"{plural(r.letters, 'lettre de relance', 'lettres de relance')}, "
            f"{plural(r.orders, 'ordre', 'ordres')}, {plural(r.excluded, 'exclue', 'exclues')}, "
            f"{r.waiting} en attente, {plural(r.exempt, 'exemptée', 'exemptées')}{dropped}."
        )
        if r.cancelled:  # R7 at validation, pending work of any bordereau
            emit(r7_summary(r.cancelled), err=True)
    return EXIT_OK


def cmd_lists(args: argparse.Namespace) -> int:
    # The lists hold every line of a bordereau, its cells and its files at once (about
    # a million objects for 50 000 lines) and leave no garbage cycles: the cyclic
    # collector walked them all a dozen times, 0.8 s of processor (#18). Off while they
    # are produced; back as it was afterwards (the tests run commands in one process).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _lists(args)
    finally:
        if enabled:
            gc.enable()


def _lists(args: argparse.Namespace) -> int:
    from sbee_desk.services.lists import produce_all_lists, produce_lists

    out = Path(args.out)
    with opened(args, actor=True) as (db, actor):
        if args.all:
            run = produce_all_lists(db.uow(), actor, args.run, out)
            if not run.ready:
                raise BadInput(
                    f"Traitement n° {args.run} : aucun bordereau validé, aucune liste à produire."
                )
            if run.waiting:
                emit(f"Non validés, sans listes : {', '.join(run.waiting)}.", err=True)
            if run.error is not None:
                raise run.error
            produced = run.produced
        else:
            produced = [
                (args.bordereau, produce_lists(db.uow(), actor, args.run, args.bordereau, out))
            ]
    for code, files in produced:
        numbers = f"n° {files[0].entry_id} à {files[-1].entry_id}" if files else ""
        again = (
            " — nouvelle édition, enregistrée comme copie" if any(f.is_copy for f in files) else ""
        )
        emit(
            f"{code} : {plural(len(files), 'liste archivée', 'listes archivées')} au classeur "
            f"({numbers}){again}, dans {out} :"
        )
        for f in files:
            emit(f"  {f.file_name} ({plural(f.line_count, 'ligne', 'lignes')})")
        for empty in files.empty:  # a list with no line: no file (#10)
            emit(f"  {empty.description} : aucun fichier (noté au classeur)")
    return EXIT_OK
