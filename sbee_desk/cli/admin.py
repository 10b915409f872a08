"""The administration commands: `user`, `staff`, `plan`, `audit verify` and `audit anchor`."""

from __future__ import annotations

import argparse
import json
import sys

from sbee_desk.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    BadInput,
    acting_user,
    emit,
    opened,
    plural,
)
from sbee_desk.domain.permissions import Action
from sbee_desk.wording.audit import CHAIN_PROBLEMS


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


def cmd_user_add(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import create_user, parse_roles, user_count

    with opened(args) as db:
        roles = parse_roles(args.role)
        # the first user (the administrator) is created by nobody
        actor = None if user_count(db.uow()) == 0 else acting_user(args, db)
        password = _read_new_password()
        info = create_user(db.uow(), actor, args.login, args.name, roles, password)
    emit(f"Utilisateur « {info.login} » créé ({', '.join(r.value for r in info.roles)}).")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from sbee_desk.services.audit import now
    from sbee_desk.services.users import list_users

    with opened(args, actor=True, may=Action.READ) as (db, _reader):
        users = list_users(db.uow())
    at = now()
    for u in users:
        state = "actif" if u.active else "désactivé"
        line = f"{u.login:<12} {u.full_name:<30} {state:<10} {', '.join(r.value for r in u.roles)}"
        if u.locked_until is not None and u.locked_at(at):
            line += (
                f"  VERROUILLÉ jusqu'à {u.locked_until.astimezone():%d/%m/%Y %Hh%M} "
                f"({plural(u.failed_attempts, 'échec', 'échecs')} de connexion)"
            )
        emit(line)
    return EXIT_OK


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import unlock_user

    with opened(args, actor=True) as (db, actor):
        unlock_user(db.uow(), actor, args.login)
    emit(f"Compte « {args.login} » déverrouillé (mot de passe inchangé).")
    return EXIT_OK


def cmd_user_set(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import parse_roles, update_user

    with opened(args, actor=True) as (db, actor):
        update_user(
            db.uow(),
            actor,
            args.login,
            roles=parse_roles(args.role) if args.role else None,
            active={"oui": True, "non": False}[args.active] if args.active else None,
            full_name=args.name,
            password=_read_new_password() if args.new_password else None,
        )
    emit(f"Utilisateur « {args.login} » modifié.")
    return EXIT_OK


def cmd_staff_add(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import save_staff

    with opened(args, actor=True) as (db, actor):
        info = save_staff(
            db.uow(),
            actor,
            args.matricule,
            args.name,
            args.role,
            args.zone or [],
            active=args.active != "non",
        )
    emit(f"Personnel « {info.matricule} » enregistré : {info.name}.")
    return EXIT_OK


def cmd_staff_list(args: argparse.Namespace) -> int:
    from sbee_desk.services.users import list_staff
    from sbee_desk.wording.labels import STAFF_ROLE_LABELS

    with opened(args, actor=True, may=Action.READ) as (db, _reader):
        staff = list_staff(db.uow())
    for m in staff:
        state = "actif" if m.active else "inactif"
        emit(
            f"{m.matricule:<10} {m.name:<30} {STAFF_ROLE_LABELS[m.role]:<22} "
            f"{','.join(m.zones) or 'toutes zones':<20} {state}"
        )
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """The chain, then every anchor found (anchors file, ``--anchors``, ``--anchor``)."""
    from pathlib import Path

    from sbee_desk.services.audit_anchor import parse_anchor, verify_with_anchors
    from sbee_desk.wording.journal import anchor_note, anchor_problem

    given = [parse_anchor(text) for text in args.anchor or []]
    files = [Path(name) for name in args.anchors or []]
    with opened(args, actor=True, may=Action.READ) as (db, _reader):
        status = verify_with_anchors(db.uow(), given, files)
    chain = status.chain
    notes = [f"  Non vérifié : {anchor_note(n.code, n.data)}." for n in status.notes]
    if status.ok:
        checked = plural(chain.events, "événement vérifié", "événements vérifiés")
        anchors = plural(len(status.checked), "ancre concordante", "ancres concordantes")
        emit(f"Journal d'audit intègre : {checked}" + (f", {anchors}." if status.checked else "."))
        for line in notes:
            emit(line)
        return EXIT_OK
    if not chain.ok:
        what = CHAIN_PROBLEMS.get(chain.problem or "", CHAIN_PROBLEMS["HASH"])
        emit(
            f"Journal d'audit ALTÉRÉ : premier événement en défaut n° {chain.first_broken} "
            f"({what}).",
            err=True,
        )
    shown = 5  # the first anchors in defect (one per list, edition… after a cut)
    for problem in status.problems[:shown]:
        emit(f"Journal d'audit ALTÉRÉ : {anchor_problem(problem.code, problem.data)}.", err=True)
    if len(status.problems) > shown:
        more = plural(len(status.problems) - shown, "autre ancre", "autres ancres")
        emit(f"  … et {more} en défaut.", err=True)
    for line in notes:
        emit(line, err=True)
    return EXIT_BAD_INPUT


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    """Append the chain's head to the anchors file and print it (to copy elsewhere)."""
    from sbee_desk.domain.journal_mark import JournalMark
    from sbee_desk.services.audit_anchor import AnchorReason, anchors_path, publish
    from sbee_desk.wording.journal import journal_line

    with opened(args, actor=True, may=Action.READ) as (db, _reader):
        anchor = publish(db.uow(), AnchorReason.COMMAND)
    emit(f"{journal_line(JournalMark(anchor.event, anchor.hash))}.")
    emit(f"Ancre ajoutée à {anchors_path()}.")
    emit(f"Pour vérifier plus tard : sbee-desk audit verify --anchor {anchor.event}:{anchor.hash}")
    return EXIT_OK


def cmd_plan_list(args: argparse.Namespace) -> int:
    from sbee_desk.services.plans import list_plans
    from sbee_desk.wording.labels import CATEGORY_LABELS
    from sbee_desk.wording.labels import PLAN_FIELD_LABELS as FIELD_LABELS

    with opened(args, actor=True, may=Action.READ) as (db, _reader):
        plans = list_plans(db.uow())
    if args.json:
        json.dump([p.to_json() for p in plans], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for plan in plans:
        emit(f"{plan.category.value} — {CATEGORY_LABELS[plan.category]}")
        for name, label in FIELD_LABELS.items():
            value = getattr(plan, name)
            shown = ("oui" if value else "non") if isinstance(value, bool) else value
            emit(f"  {name:<24} {shown!s:>5}   {label}")
    return EXIT_OK


def cmd_plan_set(args: argparse.Namespace) -> int:
    from sbee_desk.services.plans import parse_value, update_plan

    changes: dict[str, int | bool] = {}
    for item in args.values:
        name, sep, raw = item.partition("=")
        if not sep:
            raise BadInput(
                f"« {item} » : écrivez PARAMÈTRE=VALEUR, par exemple unpaid_threshold=3."
            )
        changes[name.strip()] = parse_value(name.strip(), raw)
    with opened(args, actor=True) as (db, actor):
        update_plan(db.uow(), actor, args.category, changes)
    emit(f"Plan {args.category} mis à jour.")
    return EXIT_OK
