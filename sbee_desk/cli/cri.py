"""Step 6 on the command line (import-format.md): `cri enter`, `cri countersign`,
`cri list` (the CRIs awaiting countersign, with their flags) and `contract show` (a
contract's whole story)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbee_desk.cli.common import EXIT_OK, BadInput, emit, opened, parse_date, plural

if TYPE_CHECKING:
    from sbee_desk.services.contract_card import ContractCard
    from sbee_desk.services.cri import PendingCri


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: Any) -> None:
    """`cri` and `contract` in the parser of :mod:`sbee_desk.cli.parser`."""
    from sbee_desk.domain.cri import RemarkCode

    remarks = ", ".join(c.value for c in RemarkCode)
    cri = sub.add_parser("cri", help="comptes-rendus d'intervention et contreseing (étape 6)")
    cri_sub = cri.add_subparsers(dest="cri_command", metavar="ACTION", parser_class=parser_class)
    cri_sub.required = True
    p = cri_sub.add_parser("enter", parents=[common], help="saisir le CRI d'un ordre")
    p.add_argument("number", metavar="NUMÉRO", help="numéro de l'ordre (8 chiffres)")
    p.add_argument("--visit", required=True, metavar="« D HH:MM »",
                   help="date et heure de la visite, par exemple « 2026-12-07 09:30 »")  # fmt: skip
    p.add_argument("--agent", required=True, metavar="MATRICULE", help="agent de la visite")
    p.add_argument("--index", metavar="N", help="index relevé (intervention exécutée)")
    p.add_argument("--meter", metavar="N_SÉRIE", help="n° du compteur trouvé")
    p.add_argument("--breaker-removed", action="store_true", help="disjoncteur déposé (BT)")
    p.add_argument("--not-done", metavar="REMARQUE",
                   help=f"intervention non exécutée, avec sa remarque : {remarks}")  # fmt: skip
    p.add_argument("--remark", action="append", default=[], metavar="REMARQUE",
                   help=f"remarque cochée (répétable) : {remarks}")  # fmt: skip
    p.add_argument("--note", metavar="TEXTE", help="note (obligatoire avec AUTRE)")
    p.add_argument("--mismatch-note", metavar="TEXTE",
                   help="explication d'un compteur différent de celui du contrat")  # fmt: skip
    p.set_defaults(handler=cmd_cri_enter)
    p = cri_sub.add_parser(
        "countersign", parents=[common], help="contresigner des CRI : les contrats sont résiliés"
    )
    p.add_argument("numbers", nargs="+", metavar="NUMÉRO", help="numéros des ordres")
    p.add_argument("--override-window", metavar="MOTIF",
                   help="motif de dérogation pour une visite hors 08h00–14h30 (R9)")  # fmt: skip
    p.add_argument("--override-store", metavar="MOTIF",
                   help="motif pour contresigner une dépose sans retour magasin (R10)")  # fmt: skip
    p.set_defaults(handler=cmd_cri_countersign)
    p = cri_sub.add_parser("list", parents=[common], help="lister les CRI à contresigner")
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")
    p.set_defaults(handler=cmd_cri_list)

    contract = sub.add_parser("contract", help="contrats")
    contract_sub = contract.add_subparsers(
        dest="contract_command", metavar="ACTION", parser_class=parser_class
    )
    contract_sub.required = True
    p = contract_sub.add_parser("show", parents=[common], help="l'histoire complète d'un contrat")
    p.add_argument("police", metavar="POLICE")
    p.add_argument("--json", action="store_true", help="imprimer le résultat en JSON")
    p.add_argument("--pdf", metavar="FICHIER", help="écrire aussi le dossier du contrat en PDF")
    p.set_defaults(handler=cmd_contract_show)


def _visit(raw: str) -> tuple[Any, str]:
    parts = raw.split()
    if len(parts) != 2:
        raise BadInput(
            f"--visit : « {raw} » ; écrivez la date et l'heure de la visite, par exemple "
            "« 2026-12-07 09:30 »."
        )
    return parse_date(parts[0], "--visit"), parts[1]


def cmd_cri_enter(args: argparse.Namespace) -> int:
    from sbee_desk.services.cri import CriEntry, enter_cri
    from sbee_desk.wording.labels import ORDER_STATUS_LABELS

    on, time = _visit(args.visit)
    done = args.not_done is None
    if not done and (args.index is not None or args.meter is not None or args.breaker_removed):
        raise BadInput(
            "--not-done : une intervention non exécutée n'a ni --index, ni --meter, ni "
            "--breaker-removed."
        )
    entry = CriEntry(
        number=args.number,
        visit_on=on,
        visit_time=time,
        done=done,
        agent=args.agent,
        index=args.index or "",
        meter_serial=args.meter or "",
        breaker_removed=args.breaker_removed,
        remarks=tuple(([] if done else [args.not_done]) + list(args.remark)),
        note=args.note or "",
        mismatch_note=args.mismatch_note or "",
    )
    with opened(args, actor=True) as (db, actor):
        result = enter_cri(db.uow(), actor, entry)
    what = "exécuté, à contresigner par le chef" if done else "non exécuté, retour à la répartition"
    emit(
        f"CRI de l'ordre n° {result.number} (police {result.police}) enregistré : {what} "
        f"(ordre {ORDER_STATUS_LABELS[result.status]}, visite n° {result.attempt})."
    )
    if result.outside_window:
        emit("Visite hors de l'horaire 08h00–14h30 : signalée au chef (R9).")
    if result.serial_mismatch:
        emit("Compteur différent de celui du contrat : signalé au chef avec son explication.")
    return EXIT_OK


def cmd_cri_countersign(args: argparse.Namespace) -> int:
    from sbee_desk.services.cri import countersign

    with opened(args, actor=True) as (db, actor):
        result = countersign(
            db.uow(),
            actor,
            args.numbers,
            override_window=args.override_window or "",
            override_store=args.override_store or "",
        )
    emit(f"{plural(len(result.numbers), 'CRI contresigné', 'CRI contresignés')}.")
    for police, on in sorted(result.terminated.items()):
        emit(f"Contrat {police} résilié le {on:%d/%m/%Y} (impayés).")
    return EXIT_OK


def _flags(c: PendingCri) -> list[str]:
    return [f for f in ("outside_window", "serial_mismatch", "no_store_return") if getattr(c, f)]


def cmd_cri_list(args: argparse.Namespace) -> int:
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.cri import list_pending
    from sbee_desk.wording.labels import CRI_FLAG_LABELS

    with opened(args, actor=True, may=Action.READ) as (db, _actor):
        rows = list_pending(db.uow())
    if args.json:
        cris = [
            {
                "number": c.number,
                "police": c.police,
                "kind": c.kind,
                "visit_on": c.visit_on.isoformat(),
                "visit_time": c.visit_time,
                "agent": c.agent_matricule,
                "index": c.index_read,
                "meter_serial_found": c.meter_serial_found,
                "meter_serial_expected": c.expected_serial,
                "entered_by": c.entered_by,
                "flags": _flags(c),
            }
            for c in rows
        ]
        json.dump({"cris": cris}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for c in rows:
        flags = ", ".join(CRI_FLAG_LABELS[f] for f in _flags(c))
        emit(
            f"{c.number}  police {c.police}  visite du {c.visit_on:%d/%m/%Y} à "
            f"{c.visit_time.replace(':', 'h')}  agent {c.agent_matricule}  saisi par "
            f"{c.entered_by}" + (f"  — {flags}" if flags else "")
        )
    emit(plural(len(rows), "CRI à contresigner", "CRI à contresigner") + ".", err=True)
    return EXIT_OK


def card_json(card: ContractCard) -> dict[str, Any]:
    """The card as import-format.md prints it (``contract show --json``): the fields it
    lists, and the dossier's (#16): each event's kind, who and moment, the invoices."""
    from sbee_desk.wording.contract_card import event_words

    return {
        "police": card.police,
        "client": card.customer_code,
        "name": card.customer_name,
        "tension": card.voltage,
        "status": card.status,
        "terminated_on": card.terminated_on.isoformat() if card.terminated_on else None,
        "termination_cause": card.termination_cause,
        "termination_reason": card.termination_reason,
        "balance": card.balance,
        "invoices": [
            {
                "number": i.number,
                "period": i.period,
                "issued_on": i.issued_on.isoformat(),
                "due_on": i.due_on.isoformat() if i.due_on else None,
                "amount": i.amount,
                "paid": i.paid,
                "balance": i.balance,
                "cancelled": i.cancelled,
            }
            for i in card.invoices
        ],
        "events": [
            {
                "on": e.on.isoformat(),
                "what": event_words(e.kind, e.facts),
                "kind": e.kind,
                "who": e.who,
                "at": e.at.isoformat() if e.at else None,
            }
            for e in card.events
        ],
    }


def _pdf_target(raw: str) -> Path:
    """The --pdf file, its folder checked writable before anything is read."""
    from sbee_desk.wording.errors import os_reason

    target = Path(raw)
    probe = target.parent / f".sbee-desk-{uuid.uuid4().hex[:8]}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BadInput(
            f"--pdf : impossible d'écrire dans le dossier « {target.parent} » "
            f"({os_reason(exc)}). Rien n'a été écrit."
        ) from exc
    return target


def cmd_contract_show(args: argparse.Namespace) -> int:
    from sbee_desk.services.clock import today
    from sbee_desk.services.contract_card import contract_card
    from sbee_desk.services.dossier.document import dossier_pdf_bytes
    from sbee_desk.wording.contract_card import story_lines
    from sbee_desk.wording.labels import CONTRACT_STATUS_LABELS, TERMINATION_CAUSE_LABELS

    target = _pdf_target(args.pdf) if args.pdf else None
    with opened(args, actor=True) as (db, actor):
        card = contract_card(db.uow(), actor, args.police)
        pdf = dossier_pdf_bytes(db.uow(), actor, card, on=today()) if target else None
    if target is not None and pdf is not None:
        temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
        temporary.write_bytes(pdf)
        os.replace(temporary, target)
    if args.json:
        json.dump(card_json(card), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        emit(
            f"Contrat {card.police} ({card.voltage}) — {card.customer_name} ({card.customer_code})"
        )
        status = CONTRACT_STATUS_LABELS[card.status]
        if card.terminated_on is not None:
            cause = TERMINATION_CAUSE_LABELS.get(card.termination_cause or "", "")
            status += f" le {card.terminated_on:%d/%m/%Y}" + (f" ({cause})" if cause else "")
        emit(f"État : {status}")
        for line in story_lines(card.events):
            who = f"  [{line.who}]" if line.who != "—" else ""
            emit(f"{line.on}  {line.what}{who}")
    if target is not None:
        emit(f"Dossier du contrat {card.police} écrit dans {target}.", err=True)
    return EXIT_OK
