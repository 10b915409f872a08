"""Step 2 on the command line: `edition` (the night run), `print` and `handover`.

`print` is the one command that loads Qt: the pages are drawn by the print queue
page's own loop (``sbee_desk.gui.printing``, ``sbee_desk.gui.dialogs.print_dialogs``),
imported inside the command only, so no other command pays for Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sbee_desk.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    BadInput,
    emit,
    opened,
    parse_date,
    plural,
)

#: `print --kind`: the French word → the document kind
KINDS = {"lettre": "LETTER", "ordre": "ORDER"}


def cmd_edition(args: argparse.Namespace) -> int:
    from sbee_desk.services.edition import Recipient, run_edition_until_done
    from sbee_desk.wording.labels import GAP_LABELS

    on = parse_date(args.date) if args.date else None
    if args.workers is not None and args.workers < 0:
        raise BadInput(f"--workers : {args.workers} ; indiquez 0 (sans processus) ou plus.")
    out = Path(args.out) if args.out else None
    progress = None
    if sys.stderr is not None and sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            print(f"\r  {done} / {total} documents", end="", file=sys.stderr, flush=True)

    try:
        with opened(args, actor=True) as (db, actor):
            result = run_edition_until_done(
                db.uow(), actor, on, out, workers=args.workers, progress=progress
            )
    finally:
        if progress is not None:
            print(file=sys.stderr)
    for cancel in result.cancelled:
        what = "lettre" if cancel.kind.value == "LETTER" else "ordre"
        emit(
            f"Annulé avant l'édition (R7) : {what} n° {cancel.work_id:08d}, "
            f"police {cancel.police} — {cancel.reason}."
        )
    if result.batch_id is None:
        emit("Rien à éditer : aucune lettre de relance ni aucun ordre en attente.")
    else:
        again = ""
        if result.resumed:
            done = plural(result.already_produced, "déjà produit", "déjà produits")
            again = f" ; {done} par une exécution interrompue"
        emit(
            f"Édition n° {result.batch_id} du {result.edition_on:%d/%m/%Y} : "
            f"{plural(result.letters, 'lettre de relance', 'lettres de relance')} et "
            f"{plural(result.orders, 'ordre', 'ordres')} produits{again}."
        )
        for c in result.combined:
            who = "releveur" if c.recipient is Recipient.RELEVEUR else "chef section RPNT"
            emit(
                f"  Fichier regroupé pour le {who} : {c.file_name} "
                f"({plural(c.documents, 'document', 'documents')}, "
                f"{plural(c.pages, 'page', 'pages')})."
            )
        if result.gaps:
            counts: dict[str, int] = {}
            for g in result.gaps:
                for code in g.gaps:
                    counts[code] = counts.get(code, 0) + 1
            detail = ", ".join(f"{GAP_LABELS.get(k, k)} {n}" for k, n in sorted(counts.items()))
            which = plural(len(result.gaps), "document", "documents")
            emit(f"Valeurs absentes de l'export, imprimées comme telles ({which} : {detail}) :")
            for g in result.gaps[:50]:
                what = "lettre" if g.kind.value == "LETTER" else "ordre"
                missing = ", ".join(GAP_LABELS.get(k, k) for k in g.gaps)
                emit(f"  {what} n° {g.number} — police {g.police} — {g.customer_name} : {missing}")
            if len(result.gaps) > 50:
                emit(f"  … et {plural(len(result.gaps) - 50, 'autre', 'autres')}.")
        if result.interrupted:
            emit("Édition interrompue : relancez la commande pour la compléter.", err=True)
    if out is not None:
        written = plural(result.files_written, "fichier écrit", "fichiers écrits")
        emit(f"Copies : {written} dans {out}.")
    return EXIT_OK


def _numbers(rows: Sequence[Any], limit: int = 10) -> str:
    shown = ", ".join(r.number for r in rows[:limit])
    more = len(rows) - limit
    return shown + (f" … et {plural(more, 'autre', 'autres')}" if more > 0 else "")


def _named(rows: Sequence[Any]) -> str:
    """« lettres n° 00000001, 00000003 ; ordre n° 00000001 » (the two series are separate)."""
    parts = []
    for kind, one, many in (("LETTER", "lettre", "lettres"), ("ORDER", "ordre", "ordres")):
        mine = [r for r in rows if r.kind.value == kind]
        if mine:
            parts.append(f"{one if len(mine) == 1 else many} n° {_numbers(mine)}")
    return " ; ".join(parts)


def _kind_counts(rows: Sequence[Any]) -> str:
    """« 1 lettre, 2 ordres » of documents."""
    letters = sum(r.kind.value == "LETTER" for r in rows)
    orders = len(rows) - letters
    parts = ([plural(letters, "lettre", "lettres")] if letters else []) + (
        [plural(orders, "ordre", "ordres")] if orders else []
    )
    return ", ".join(parts)


def _qt_application() -> Any:
    from sbee_desk.gui.printing import qt_application

    return qt_application()


def _pdf_printer(temporary: Path) -> Any:
    from sbee_desk.gui.printing import pdf_printer

    return pdf_printer(temporary)


def _system_printer(wanted: str | None) -> tuple[Any, str]:
    from sbee_desk.gui.printing import PrinterChoiceError, system_printer

    try:
        return system_printer(wanted)
    except PrinterChoiceError as exc:
        raise BadInput(str(exc)) from exc


class _PrintStopped(Exception):
    """Ctrl+C while drawing: the job was aborted, nothing marked printed."""


def _draw(printer: Any, contents: list[bytes]) -> int:
    """Draw the pages onto ``printer`` (the page's own function); the pages drawn.
    Ctrl+C aborts the job cleanly; progress on stderr only on a terminal."""
    import signal
    import threading

    from sbee_desk.gui.dialogs.print_dialogs import PrintCancelled, PrintFailed, print_pdfs

    asked = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: asked.set())
    progress = None
    if sys.stderr is not None and sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            print(f"\r  page {done} / {total}", end="", file=sys.stderr, flush=True)

    try:
        return print_pdfs(printer, contents, progress=progress, cancelled=asked.is_set)
    except PrintFailed as exc:
        raise BadInput(str(exc)) from exc
    except PrintCancelled as exc:
        raise _PrintStopped() from exc
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if progress is not None:
            print(file=sys.stderr)


def _pdf_temporary(target: Path) -> Path:
    """An empty hidden file beside ``target`` (same folder: renamed into place at the end)."""
    import uuid

    if target.is_dir():
        raise BadInput(f"--pdf : « {target} » est un dossier ; indiquez un nom de fichier.")
    if not target.parent.is_dir():
        raise BadInput(f"--pdf : le dossier « {target.parent} » n'existe pas.")
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        temporary.open("xb").close()
    except OSError as exc:
        raise BadInput(
            f"--pdf : impossible d'écrire dans le dossier « {target.parent} » "
            f"({exc.strerror or exc})."
        ) from exc
    return temporary


def cmd_print(args: argparse.Namespace) -> int:
    """Print a batch (or one recipient's part of it) or documents by number, on a
    printer or into a PDF file; recorded like the print queue page records it."""
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.edition import (
        AmbiguousNumber,
        DocumentKind,
        DocumentRow,
        Recipient,
        batch_exists,
        check_r7,
        combined_pdf,
        document_pdf,
        documents_by_number,
        list_documents,
        mark_printed,
        printable_documents,
    )
    from sbee_desk.services.r7 import summary

    if args.batch is None and args.recipient is not None:
        raise BadInput("--recipient s'emploie avec --batch N.")
    if args.batch is not None and args.kind is not None:
        raise BadInput("--kind s'emploie avec --number.")
    reason = None
    if args.reason is not None:
        reason = args.reason.strip()
        if not reason:
            raise BadInput(
                "--reason : motif vide ; écrivez pourquoi les documents sont réimprimés."
            )
    target = Path(args.pdf) if args.pdf else None
    recipients = [Recipient(args.recipient)] if args.recipient else list(Recipient)
    kind = DocumentKind(KINDS[args.kind]) if args.kind else None

    temporary: Path | None = None
    with opened(args, actor=True, may=Action.EDITION) as (db, actor):

        def chosen() -> list[DocumentRow]:
            if args.batch is not None:
                return [r for who in recipients for r in list_documents(db.uow(), args.batch, who)]
            try:
                return documents_by_number(db.uow(), args.number, kind=kind)
            except AmbiguousNumber as exc:
                which = "ces numéros" if len(exc.numbers) > 1 else "ce numéro"
                raise BadInput(
                    f"N° {', '.join(exc.numbers)} : une lettre et un ordre portent {which} ; "
                    "précisez lequel avec --kind lettre ou --kind ordre. Rien n'a été imprimé."
                ) from exc

        def cancelled_words(rows: list[DocumentRow]) -> list[str]:
            return [
                f"{'lettre' if r.kind is DocumentKind.LETTER else 'ordre'} n° {r.number}, "
                f"police {r.police}" + (f" — {r.cancel_reason}" if r.cancel_reason else "")
                for r in rows
                if r.cancelled
            ]

        try:
            if args.batch is not None and not batch_exists(db.uow(), args.batch):
                raise BadInput(f"--batch : édition n° {args.batch} introuvable.")
            rows = chosen()
            live = [r for r in rows if not r.cancelled]
            if not live:
                raise BadInput(
                    "Aucun document à imprimer : "
                    + ("; ".join(cancelled_words(rows)) + " annulé (R7)" if rows else "lot vide")
                    + ". Rien n'a été imprimé."
                )
            # a letter to reprint « 2e présentation » (R5): the new attempt is the reason
            again = [r for r in live if r.print_count > 0 and not r.presentation]
            if again and reason is None:
                printed_before = plural(
                    len(again), "document déjà imprimé", "documents déjà imprimés"
                )
                raise BadInput(
                    f"Réimpression : {printed_before} ({_named(again)}) ; indiquez le "
                    "motif de la réimpression avec --reason TEXTE. Rien n'a été imprimé ni "
                    "enregistré."
                )
            _qt_application()
            if target is not None:
                temporary = _pdf_temporary(target)
                printer, where = _pdf_printer(temporary), f"dans {target}"
            else:
                printer, name = _system_printer(args.printer)
                where = f"sur l'imprimante « {name} »"

            # R7 just before printing (business-rules.md)
            ended = check_r7(db.uow(), actor)
            if ended:
                emit(summary(ended), err=True)
                rows = chosen()
                live = [r for r in rows if not r.cancelled]
                if not live:
                    raise BadInput("Aucun document à imprimer : tous viennent d'être annulés (R7).")
            for words in cancelled_words(rows):
                emit(f"Non imprimé, annulé (R7) : {words}.", err=True)

            contents: list[bytes] = []
            ids: list[int] = []
            if args.batch is not None:
                for who in recipients:
                    if not any(r.recipient is who for r in live):
                        continue
                    printable = printable_documents(db.uow(), args.batch, who)
                    _name, content, stale = combined_pdf(db.uow(), args.batch, who)
                    contents += [content] if not stale else [c for _i, _n, c in printable]
                    ids += [doc_id for doc_id, _n, _c in printable]
            else:
                ids = [r.id for r in live]
                contents = [document_pdf(db.uow(), doc_id)[1] for doc_id in ids]
            try:
                pages = _draw(printer, contents)
            except _PrintStopped:
                emit("Impression interrompue : rien n'a été marqué imprimé.", err=True)
                return EXIT_FAILURE
            printed = [r for r in live if r.id in set(ids)]
            mark_printed(db.uow(), actor, ids, reprint_reason=reason)
            if target is not None and temporary is not None:
                try:
                    temporary.replace(target)
                except OSError as exc:
                    raise BadInput(
                        f"--pdf : « {target} » impossible à écrire ({exc.strerror or exc}) ; "
                        "les documents sont enregistrés comme imprimés : le fichier est "
                        f"« {temporary} »."
                    ) from exc
                temporary = None
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
    reprinted = [r for r in printed if r.print_count > 0 and not r.presentation]
    head = f"Réimpression (motif : {reason}) — " if reprinted and reason else ""
    presented = [r for r in printed if r.presentation]
    if presented:
        head += (
            "Nouvelle présentation (R5) : "
            + ", ".join(f"lettre n° {r.number} ({r.presentation}e présentation)" for r in presented)
            + " — "
        )
    emit(
        f"{head}{plural(len(printed), 'document imprimé', 'documents imprimés')} "
        f"({_kind_counts(printed)}), {plural(pages, 'page', 'pages')}, {where}."
    )
    return EXIT_OK


def cmd_handover(args: argparse.Namespace) -> int:
    """Record that printed documents were handed over: letters to a releveur, orders
    to the section RPNT (an agent RPNT of the staff register)."""
    from sbee_desk.domain.permissions import Action
    from sbee_desk.services.edition import (
        RECIPIENT_OF,
        DocumentKind,
        Recipient,
        documents_by_number,
        handover_candidates,
        mark_handed_over,
    )
    from sbee_desk.services.users import list_staff
    from sbee_desk.wording.labels import STAFF_ROLE_LABELS

    matricule = args.to.strip()
    with opened(args, actor=True, may=Action.EDITION) as (db, actor):
        staff, recipient = None, None
        for who in Recipient:
            for choice in handover_candidates(db.uow(), who):
                if choice.matricule == matricule:
                    staff, recipient = choice, who
        if staff is None or recipient is None:
            known = {m.matricule: m for m in list_staff(db.uow())}
            member = known.get(matricule)
            if member is None:
                raise BadInput(
                    f"--to : matricule « {matricule} » inconnu du registre du personnel "
                    "(sbee-desk staff list)."
                )
            if not member.active:
                raise BadInput(
                    f"--to : {member.name} ({matricule}) est inactif dans le registre du personnel."
                )
            role = STAFF_ROLE_LABELS[member.role]
            raise BadInput(
                f"--to : {member.name} ({matricule}) est {role[0].lower()}{role[1:]} ; les "
                "lettres sont remises à un releveur, les ordres à un agent RPNT."
            )
        kind = next(k for k, who in RECIPIENT_OF.items() if who is recipient)
        rows = documents_by_number(db.uow(), args.number, prefer=kind)
        cancelled = [r for r in rows if r.cancelled]
        if cancelled:
            which = plural(len(cancelled), "document annulé", "documents annulés")
            raise BadInput(
                f"Remise refusée : {which} depuis l'édition (R7, paiement ou "
                f"rétablissement) : {_named(cancelled)}. Rien n'a été enregistré."
            )
        wrong = [r for r in rows if r.kind is not kind]
        if wrong:
            raise BadInput(
                f"Remise refusée : {_named(wrong)} — {staff.name} ({staff.matricule}) est "
                f"{'releveur' if recipient is Recipient.RELEVEUR else 'agent RPNT'} ; "
                f"les lettres sont remises à un releveur, les ordres à un agent RPNT. "
                "Rien n'a été enregistré."
            )
        unprinted = [r for r in rows if r.print_count == 0]
        if unprinted:
            which = plural(
                len(unprinted), "document pas encore imprimé", "documents pas encore imprimés"
            )
            raise BadInput(
                f"Remise refusée : {which} : {_named(unprinted)}. "
                f"{'Imprimez-le' if len(unprinted) == 1 else 'Imprimez-les'} "
                "d'abord (sbee-desk print). Rien n'a été enregistré."
            )
        mark_handed_over(db.uow(), actor, [r.id for r in rows], staff.id)
    # agreement with the documents: « 1 lettre … remise », « 2 lettres … remises », « … remis »
    letters_only = all(r.kind is DocumentKind.LETTER for r in rows)
    given = ("remises" if len(rows) > 1 else "remise") if letters_only else "remis"
    emit(f"{_kind_counts(rows)} (n° {_numbers(rows)}) {given} à {staff.name} ({staff.matricule}).")
    return EXIT_OK
