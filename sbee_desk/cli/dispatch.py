"""Step 4 on the command line: `orders list`, `dispatch` (the automatic proposal
confirmed, or orders given by hand), `dispatch sheets` (the route sheets of a day),
`dispatch recall` (an agent called back, R7) and `dispatch unassign`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbee_desk.cli.common import EXIT_OK, BadInput, emit, opened, parse_date, plural

if TYPE_CHECKING:
    from sbee_desk.db.database import Database
    from sbee_desk.services.dispatch import OrderRow, Proposal

#: `dispatch ACTION`: what each action does (the default, none: give orders)
ACTIONS = {
    "sheets": "écrire les feuilles de route du jour (--date, --out)",
    "recall": "enregistrer le rappel de l'agent d'ordres annulés (--order)",
    "unassign": "reprendre des ordres à leur agent (--order)",
}


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: Any) -> None:
    """`orders` and `dispatch` in the parser of :mod:`sbee_desk.cli.parser`."""
    from sbee_desk.domain.dispatch import OrderStatus

    orders = sub.add_parser("orders", help="ordres de dépose et de contrôle d'index (étape 4)")
    orders_sub = orders.add_subparsers(
        dest="orders_command", metavar="ACTION", parser_class=parser_class
    )
    orders_sub.required = True
    p = orders_sub.add_parser("list", parents=[common], help="lister les ordres et leur statut")
    p.add_argument("--status", choices=[s.value for s in OrderStatus], metavar="STATUT",
                   help="un seul statut : " + ", ".join(s.value for s in OrderStatus))  # fmt: skip
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")
    p.set_defaults(handler=cmd_orders_list)

    help_ = "répartir les ordres entre les agents de recouvrement pour un jour (étape 4)"
    p = sub.add_parser("dispatch", parents=[common], help=help_, description=help_)
    p.add_argument(
        "action",
        nargs="?",
        choices=list(ACTIONS),
        metavar="ACTION",
        help=" ; ".join(f"{k} : {v}" for k, v in ACTIONS.items()),
    )
    p.add_argument("--date", metavar="D", help="date de la visite, aaaa-mm-jj")
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--auto", action="store_true", help="répartition automatique des ordres en attente"
    )
    which.add_argument(
        "--order", nargs="+", metavar="NUMÉRO", help="numéros des ordres (8 chiffres)"
    )
    p.add_argument("--agent", metavar="MATRICULE", help="avec --order : l'agent de recouvrement")
    p.add_argument(
        "--outside-zone",
        action="append",
        default=[],
        metavar="ZONE",
        help="avec --agent : confirmer qu'il reçoit des ordres de cette zone, hors des siennes",
    )
    p.add_argument("--out", metavar="DOSSIER", help="avec sheets : dossier des feuilles de route")
    p.add_argument("--note", metavar="TEXTE", help="avec recall / unassign : précision, motif")
    p.set_defaults(handler=cmd_dispatch)


# --------------------------------------------------------------------------- orders


def order_json(
    o: OrderRow, store_return_on: dt.date | None = None, cri: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One order as import-format.md prints it (``store_return_on``: R10, step 5;
    ``cri``: its latest CRI, step 6)."""
    return {
        "number": o.number,
        "police": o.police,
        "kind": o.kind,
        "status": o.status.value,
        "agent": o.agent_matricule,
        "visit_on": o.visit_on.isoformat() if o.visit_on else None,
        "store_return_on": store_return_on.isoformat() if store_return_on else None,
        "cri": cri,
    }


def cmd_orders_list(args: argparse.Namespace) -> int:
    from sbee_desk.domain.dispatch import OrderStatus
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.cri import latest_reports
    from sbee_desk.services.dispatch import list_orders
    from sbee_desk.services.store import return_dates
    from sbee_desk.wording.labels import ORDER_STATUS_LABELS

    statuses = [OrderStatus(args.status)] if args.status else None
    with opened(args, actor=True, may=Action.READ) as (db, _actor):
        rows = list_orders(db.uow(), statuses)
        with db.uow() as uow:
            returned = return_dates(uow, (o.id for o in rows))
            reports = latest_reports(uow, (o.id for o in rows))
    if args.json:
        json.dump(
            {"orders": [order_json(o, returned.get(o.id), reports.get(o.id)) for o in rows]},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return EXIT_OK
    for o in rows:
        holder = f" — {o.agent_name} ({o.agent_matricule})" if o.agent_matricule else ""
        when = f" le {o.visit_on:%d/%m/%Y}" if o.visit_on else ""
        recall = " — À RAPPELER, NE PAS INTERVENIR" if o.to_recall else ""
        emit(
            f"{o.number}  police {o.police}  {o.kind}  {ORDER_STATUS_LABELS[o.status]}"
            f"{holder}{when}{recall}"
        )
    emit(plural(len(rows), "ordre", "ordres") + ".", err=True)
    return EXIT_OK


# --------------------------------------------------------------------------- dispatch


def _date(args: argparse.Namespace) -> dt.date:
    if not args.date:
        raise BadInput("--date : indiquez la date de la visite (aaaa-mm-jj).")
    return parse_date(args.date)


def cmd_dispatch(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action

    action = args.action
    if action == "sheets":
        on = _date(args)
        if not args.out:
            raise BadInput("dispatch sheets : indiquez le dossier des feuilles de route (--out).")
        if args.auto or args.order or args.agent:
            raise BadInput("dispatch sheets : --auto, --order et --agent ne s'y appliquent pas.")
        folder = _writable(Path(args.out))
        with opened(args, actor=True, may=Action.DISPATCH) as (db, actor):
            return _sheets(db, actor, on, folder)
    if action in ("recall", "unassign"):
        if not args.order:
            raise BadInput(f"dispatch {action} : indiquez les numéros des ordres (--order).")
        with opened(args, actor=True, may=Action.DISPATCH) as (db, actor):
            return _recall(db, actor, args) if action == "recall" else _unassign(db, actor, args)
    on = _date(args)
    if args.auto:
        if args.agent:
            raise BadInput("--agent : avec --order seulement (--auto choisit les agents).")
        with opened(args, actor=True, may=Action.DISPATCH) as (db, actor):
            return _auto(db, actor, on)
    if not args.order:
        raise BadInput("dispatch : indiquez --auto, ou --order NUMÉRO … --agent MATRICULE.")
    if not args.agent:
        raise BadInput("--order : indiquez l'agent de recouvrement (--agent MATRICULE).")
    with opened(args, actor=True, may=Action.DISPATCH) as (db, actor):
        return _by_hand(db, actor, on, args)


def _auto(db: Database, actor: Any, on: dt.date) -> int:
    from sbee_desk.services.dispatch import dispatch_auto

    proposal, result = dispatch_auto(db.uow(), actor, on)
    counts: dict[str, int] = {}
    for v in proposal.visits:
        counts[v.matricule] = counts.get(v.matricule, 0) + 1
    done = len(result.assigned) + len(result.moved)
    split = ", ".join(f"{m} : {n}" for m, n in sorted(counts.items()))
    emit(
        f"Répartition du {on:%d/%m/%Y} : {plural(done, 'ordre réparti', 'ordres répartis')}"
        + (f" ({split})" if split else "")
        + f", capacité {proposal.capacity} visites par agent."
    )
    _left(proposal)
    _recalls(db)
    return EXIT_OK


def _left(proposal: Proposal) -> None:
    from sbee_desk.wording.labels import UNPLACED_LABELS

    if not proposal.left:
        return
    emit(f"{plural(len(proposal.left), 'ordre non réparti', 'ordres non répartis')} :")
    for x in proposal.left:
        why = UNPLACED_LABELS[x.reason].format(zone=x.zone or "—")
        emit(f"  n° {x.order.number}, police {x.order.police} : {why}")


def _by_hand(db: Database, actor: Any, on: dt.date, args: argparse.Namespace) -> int:
    from sbee_desk.services.dispatch import assign, field_agent, order_ids

    ids = order_ids(db.uow(), args.order)
    staff_id = field_agent(db.uow(), args.agent)
    result = assign(db.uow(), actor, on, ids, staff_id, outside_zones=args.outside_zone)
    matricule = args.agent.strip()
    if result.assigned:
        emit(
            f"{plural(len(result.assigned), 'ordre confié', 'ordres confiés')} à {matricule} "
            f"pour le {on:%d/%m/%Y} : {', '.join(result.assigned)}."
        )
    if result.moved:
        emit(
            f"{plural(len(result.moved), 'ordre déplacé', 'ordres déplacés')} vers {matricule} "
            f"le {on:%d/%m/%Y} : {', '.join(result.moved)}."
        )
    if result.unchanged:
        emit(
            f"Déjà confiés à {matricule} le {on:%d/%m/%Y} (rien de changé) : "
            f"{', '.join(result.unchanged)}."
        )
    _recalls(db)
    return EXIT_OK


def _recalls(db: Database) -> None:
    from sbee_desk.services.dispatch import list_recalls

    pending = list_recalls(db.uow())
    if not pending:
        return
    emit(f"À rappeler — ne pas intervenir ({len(pending)}) :")
    for r in pending:
        emit(
            f"  n° {r.number}, police {r.police} — {r.agent_name} ({r.matricule}), visite du "
            f"{r.visit_on:%d/%m/%Y} — {r.reason or 'annulé'}"
        )


def _recall(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from sbee_desk.services.dispatch import order_ids, record_recall

    done = record_recall(db.uow(), actor, order_ids(db.uow(), args.order), args.note or "")
    for r in done:
        emit(f"Rappel enregistré : n° {r.number}, {r.agent_name} ({r.matricule}).")
    return EXIT_OK


def _unassign(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from sbee_desk.services.dispatch import order_ids, unassign

    count = unassign(db.uow(), actor, order_ids(db.uow(), args.order), args.note or "")
    emit(f"{plural(count, 'ordre repris', 'ordres repris')} : en attente d'un agent.")
    return EXIT_OK


# --------------------------------------------------------------------------- sheets


def _writable(folder: Path) -> Path:
    """The folder, created if needed and checked writable before anything is recorded."""
    from sbee_desk.wording.errors import os_reason

    probe = folder / f".sbee-desk-{uuid.uuid4().hex[:8]}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BadInput(
            f"--out : impossible d'écrire dans le dossier « {folder} » ({os_reason(exc)}). "
            "Rien n'a été enregistré."
        ) from exc
    return folder


def _sheets(db: Database, actor: Any, on: dt.date, folder: Path) -> int:
    from sbee_desk.services.dispatch import route_sheets, write_sheet_files

    files = route_sheets(db.uow(), actor, on)
    write_sheet_files(folder, files)
    if not files:
        emit(f"Aucune visite ni aucun rappel pour le {on:%d/%m/%Y} : aucune feuille de route.")
        return EXIT_OK
    for f in files:
        copy = " (copie)" if f.copy else ""
        recalls = f", {plural(f.recalls, 'rappel', 'rappels')}" if f.recalls else ""
        emit(f"{f.pdf_name} et .xlsx{copy} : {plural(f.visits, 'visite', 'visites')}{recalls}.")
    return EXIT_OK
