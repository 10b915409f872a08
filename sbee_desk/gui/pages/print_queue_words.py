"""What the print queue page says of an edition, a batch and its documents, in
French (split from :mod:`print_queue_base`, #11).

Each function takes the page's ``tr`` (its translation context) and plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sbee_desk.gui.formatting import format_date, plural
from sbee_desk.gui.models import print_queue as pcols
from sbee_desk.services.edition import (
    BatchInfo,
    BatchStatus,
    DocumentRow,
    DocumentStatus,
    EditionResult,
)
from sbee_desk.wording.labels import GAP_LABELS

Tr = Callable[[str], str]


def batch_text(batch: BatchInfo, tr: Tr) -> str:
    """The batch's entry in the list: date, status, counts."""
    status = tr("terminée") if batch.status == BatchStatus.TERMINE else tr("en cours")
    text = tr("Édition du {date}\n{status} — {letters}, {orders}").format(
        date=format_date(batch.edition_on),
        status=status,
        letters=plural(batch.letters, tr("lettre"), tr("lettres")),
        orders=plural(batch.orders, tr("ordre"), tr("ordres")),
    )
    printed = batch.by_status.get(DocumentStatus.IMPRIME, 0)
    text += tr("\n{g} à imprimer · {p} · {r} remis").format(
        g=batch.by_status.get(DocumentStatus.GENERE, 0),
        p=plural(printed, tr("imprimé"), tr("imprimés")),
        r=batch.by_status.get(DocumentStatus.REMIS, 0),
    )
    if batch.cancelled_documents:
        text += tr("\n{c} depuis l'édition").format(
            c=plural(batch.cancelled_documents, tr("annulé"), tr("annulés"))
        )
    return text


def batch_tip(batch: BatchInfo, tr: Tr) -> str:
    tip = tr("Lancée par {who}").format(who=batch.started_by)
    if batch.gaps:
        tip += tr(" — {n} avec un manque").format(
            n=plural(batch.gaps, tr("document imprimé"), tr("documents imprimés"))
        )
    return tip


def documents_status(rows: Sequence[DocumentRow], tr: Tr) -> str:
    """« 3 documents : 2 générés, 1 imprimé, 0 remis. »; empty without a document."""
    if not rows:
        return ""
    live = [r for r in rows if not r.cancelled]
    counts = {s: sum(1 for r in live if r.status == s) for s in DocumentStatus}
    text = tr("{n} : {g}, {p}, {r}").format(
        n=plural(len(rows), tr("document"), tr("documents")),
        g=plural(counts[DocumentStatus.GENERE], tr("généré"), tr("générés")),
        p=plural(counts[DocumentStatus.IMPRIME], tr("imprimé"), tr("imprimés")),
        r=plural(counts[DocumentStatus.REMIS], tr("remis"), tr("remis")),
    )
    cancelled = len(rows) - len(live)
    if cancelled:
        text += tr(" ; {c} depuis l'édition, exclus de l'impression").format(
            c=plural(cancelled, tr("annulé"), tr("annulés"))
        )
    return text + "."


def document_detail(row: DocumentRow, tr: Tr) -> str:
    """The current document in full: what the narrow columns may cut."""
    place = ", ".join(p for p in (row.address, row.quartier) if p) or tr("adresse —")
    zone = tr(" (zone {zone})").format(zone=row.zone_code) if row.zone_code else ""
    return tr("{kind} n° {number} — police {police} — {customer}\n{place}{zone} — {status}").format(
        kind=pcols.kind_label(row),
        number=row.number,
        police=row.police,
        customer=row.customer_name,
        place=place,
        zone=zone,
        status=pcols.status_label(row),
    )


def edition_outcome(result: EditionResult, tr: Tr) -> tuple[str, str]:
    """(banner level, text) once the edition ended: nothing to do, interrupted, done."""
    if result.batch_id is None:
        return "info", tr("Rien à éditer : aucune lettre ni aucun ordre en attente.")
    if result.interrupted:
        return "warning", tr(
            "Édition interrompue après {n} : ce qui est produit est "
            "conservé, relancez l'édition pour la terminer."
        ).format(n=plural(result.produced, tr("document"), tr("documents")))
    text = tr("Édition terminée : {letters} et {orders} produits.").format(
        letters=plural(result.letters, tr("lettre"), tr("lettres")),
        orders=plural(result.orders, tr("ordre"), tr("ordres")),
    )
    if result.cancelled:
        text += tr(" {n} avant l'édition (R7).").format(
            n=plural(len(result.cancelled), tr("document annulé"), tr("documents annulés"))
        )
    if result.gaps:
        missing = sorted({GAP_LABELS.get(g, g) for gap in result.gaps for g in gap.gaps})
        text += tr(" {n} avec une information manquante ({what}) : à compléter à la main.").format(
            n=plural(len(result.gaps), tr("document imprimé"), tr("documents imprimés")),
            what=", ".join(missing),
        )
    return "success", text
