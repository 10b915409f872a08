"""The operations commands (#17): ``backup``, ``restore`` and ``doctor``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sbee_desk.cli.common import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, BadInput, emit, opened
from sbee_desk.domain.permissions import Action
from sbee_desk.wording.formats import plural


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")
    return f"{max(1, size // 1024)} Ko"


def cmd_backup(args: argparse.Namespace) -> int:
    from sbee_desk.services.backup import BackupReason, set_settings, take_backup

    out = Path(args.out).expanduser() if args.out else None
    with opened(args) as db:
        if args.folder is not None or args.keep_days is not None:
            from sbee_desk.cli.common import acting_user

            actor = acting_user(args, db)
            chosen = set_settings(db.uow(), actor, folder=args.folder, keep_days=args.keep_days)
            emit(
                f"Sauvegardes : dossier « {chosen.folder} », conservées "
                f"{plural(chosen.keep_days, 'jour', 'jours')}."
            )
            return EXIT_OK
        result = take_backup(db.engine, BackupReason.MANUAL, out=out)
    emit(f"Sauvegarde écrite : {result.path} ({_size(result.size)}).")
    anchor = result.manifest.get("audit_anchor")
    if anchor:
        emit(f"Journal d'audit ancré : événement n° {anchor['event']}, empreinte {anchor['hash']}.")
    if result.removed:
        emit(
            plural(
                result.removed, "ancienne sauvegarde supprimée", "anciennes sauvegardes supprimées"
            )
            + "."
        )
    return EXIT_OK


def describe_backup(info: object) -> str:
    """The confirmation's words: the backup's date and what it holds."""
    from sbee_desk.services.backup_restore import BackupInfo
    from sbee_desk.wording.backup import backup_summary

    assert isinstance(info, BackupInfo)
    return backup_summary(
        info.taken_at, info.app_version, info.agencies, info.counts, info.audit_events
    )


def cmd_restore(args: argparse.Namespace) -> int:
    from sbee_desk.services.backup_restore import inspect_backup, restore

    with opened(args, actor=True, may=Action.ADMINISTER) as (db, actor):
        info = inspect_backup(Path(args.file), db.engine)
        try:
            emit(f"Sauvegarde « {info.path} » : {describe_backup(info)}.")
            emit(
                f"Elle remplacera la base « {db.description} » ; la base actuelle sera "
                "gardée à côté (….avant-restauration-…)."
            )
            if not args.yes:
                if sys.stdin is None or not sys.stdin.isatty():
                    raise BadInput(
                        "Restauration non confirmée : lancez-la dans un terminal pour répondre, "
                        "ou ajoutez --yes. Rien n'a été remplacé."
                    )
                answer = input("Restaurer cette sauvegarde ? Tapez « oui » pour confirmer : ")
                if answer.strip().lower() != "oui":
                    emit("Restauration abandonnée : rien n'a été remplacé.")
                    return EXIT_BAD_INPUT
            result = restore(db.engine, info, actor)
        finally:
            info.discard()
    emit(f"Base restaurée depuis « {result.restored_from} ».")
    emit(f"L'ancienne base est gardée : {result.kept_aside}.")
    emit(f"Restauration inscrite au journal d'audit (événement n° {result.audit_event}).")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from sbee_desk.services.doctor import run_checks

    report = run_checks(getattr(args, "db", None))
    for check in report.checks:
        emit(f"[{check.status.label}] {check.title} : {check.detail}")
    emit()
    emit(report.summary)
    return EXIT_OK if report.ok else EXIT_FAILURE
