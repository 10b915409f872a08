"""What both formats print of a document, worded once: the header block, the order
of the lines and the text of each cell (decision, motif, derogation)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sbee_desk.documents.formats import (
    format_amount,
    format_count,
    format_date,
    format_datetime,
    format_period,
)
from sbee_desk.documents.lists.model import Dropped, LineStatus, ListDocument, ListLine
from sbee_desk.documents.lists.texts import CONTROL_GROUPS, ListTexts
from sbee_desk.domain.enums import Decision, ListKind
from sbee_desk.wording.journal import journal_line
from sbee_desk.wording.labels import CATEGORY_LABELS


@dataclass(frozen=True)
class Header:
    """The header texts of one document, worded once."""

    title: str
    subtitle: str
    organisation: str
    unit: str
    address: str
    agency: str
    fields: list[tuple[str, str]]  # (label, value) of the cartouche
    produced: str
    running: str
    summary: str
    breakdown: str  # control list: how many lines of each group
    #: « Journal d'audit : événement n° N, empreinte … » (#12), "" without a head
    journal: str = ""


def reminder_delay(doc: ListDocument, texts: ListTexts) -> str:
    """The run's reminder delay (R5) for the lines of ``doc`` (all its plans if none)."""
    wanted = {line.category.value for line in doc.lines if line.category is not None}
    delays = [days for code, days in doc.reminder_delays.items() if code in wanted]
    if not delays:
        delays = list(doc.reminder_delays.values())
    if not delays:  # a document built without its run's plans: the procedure's value
        delays = [7]
    return texts.days(delays)


def header(doc: ListDocument, texts: ListTexts) -> Header:
    h = texts.header
    agency_name = texts.agencies.get(doc.agency_code) or doc.agency_name
    values = {
        "agency_code": doc.agency_code,
        "agency_name": agency_name or "",
        "bordereau": doc.bordereau_code,
        "voltage": doc.voltage,
        "period": format_period(doc.period),
        "run": doc.run_id,
        "run_date": format_date(doc.run_on),
        "validated_by": doc.validated_by,
        "validated_at": format_datetime(doc.validated_at),
        "produced_by": doc.produced_by,
        "produced_at": format_datetime(doc.produced_at),
        "title": texts.titles[doc.kind],
        "reminder_delay": reminder_delay(doc, texts),
    }
    count = len(doc.lines)
    amount = sum(line.amount_due for line in doc.lines)
    summary = f"{texts.clients(count)} — {format_amount(amount)}"
    breakdown = ""
    if doc.kind is ListKind.CONTROLE:
        by_group = Counter(_control_group(line) for line in doc.lines)
        parts = []
        for number, group in enumerate(CONTROL_GROUPS):
            if by_group[number]:
                one, many = texts.control_summary[group]
                n = by_group[number]
                parts.append((one if n == 1 else many).format(count=format_count(n)))
        breakdown = ", ".join(parts)
    agency_key = "agency" if agency_name else "agency_without_name"
    return Header(
        title=texts.titles[doc.kind],
        subtitle=texts.subtitles[doc.kind].format(**values),
        organisation=h["organisation"],
        unit=h["unit"],
        address=h["address"],
        agency=h[agency_key].format(**values),
        fields=[
            (h["bordereau_label"], h["bordereau"].format(**values)),
            (h["run_label"], h["run"].format(**values)),
            (h["validated_label"], h["validated"].format(**values)),
            (h["lines_label"], summary),
        ],
        produced=h["produced"].format(**values),
        running=h["running"].format(**values),
        summary=summary,
        breakdown=breakdown,
        journal=journal_line(doc.journal) if doc.journal is not None else "",
    )


def _control_group(line: ListLine) -> int:
    """Order of the control list (CONTROL_GROUPS): excluded, exempt, waiting, allowed
    by a DG derogation, then dropped / cancelled."""
    if line.status is LineStatus.EXCLUDED:
        return 0
    if line.status is LineStatus.CONFIRMED:
        return 1 if line.decision is Decision.EXEMPTE else 2
    if line.status is LineStatus.DEROGATION:
        return 3
    return 4


def sorted_lines(kind: ListKind, lines: Sequence[ListLine]) -> list[ListLine]:
    """Lines by police; the control list grouped by why each line is there."""
    if kind is ListKind.CONTROLE:
        return sorted(lines, key=lambda line: (_control_group(line), line.police))
    return sorted(lines, key=lambda line: line.police)


class Wording:
    """Decision, motif and derogation columns of a line, from the texts."""

    def __init__(self, texts: ListTexts) -> None:
        c = texts.control
        self._decision: dict[tuple[LineStatus, Decision], str] = {}
        for decision in Decision:
            short = texts.decisions_short[decision]
            self._decision[(LineStatus.CONFIRMED, decision)] = texts.decisions[decision]
            self._decision[(LineStatus.EXCLUDED, decision)] = c["excluded"].format(decision=short)
            self._decision[(LineStatus.DROPPED, decision)] = c["dropped"].format(decision=short)
            self._decision[(LineStatus.CANCELLED, decision)] = c["cancelled"].format(decision=short)
            self._decision[(LineStatus.DEROGATION, decision)] = c["derogation"].format(
                decision=texts.decisions[decision]
            )
        self._dropped = texts.dropped_reasons
        self._cancelled_reason = c["cancelled_reason"]
        self._derogation_reason = c["derogation_reason"]
        self._derogation_column = c["derogation_column"]

    def decision(self, line: ListLine) -> str:
        return self._decision[(line.status, line.decision)]

    def motif(self, line: ListLine) -> str:
        if line.status is LineStatus.DROPPED:
            dropped = line.dropped or Dropped(None)
            key = dropped.reason.value if dropped.reason is not None else "UNKNOWN"
            return self._dropped[key].format(
                date=format_date(dropped.on),
                threshold=dropped.threshold if dropped.threshold is not None else "",
                run=dropped.run if dropped.run is not None else "",
            )
        if line.status is LineStatus.CANCELLED:
            return self._cancelled_reason.format(
                date=format_date(line.cancelled_on), reason=line.reason
            )
        if line.status is LineStatus.DEROGATION:
            return self._derogation_reason.format(
                reference=line.derogation_reference or "",
                date=format_date(line.derogation_decided_on),
                category=CATEGORY_LABELS[line.category] if line.category else "",
                reason=line.reason,
            )
        return line.reason

    def derogation(self, line: ListLine) -> str:
        if not line.derogation_reference:
            return ""
        return self._derogation_column.format(
            reference=line.derogation_reference, date=format_date(line.derogation_decided_on)
        )


def category_label(line: ListLine) -> str:
    return CATEGORY_LABELS[line.category] if line.category is not None else ""


def cell_values(line: ListLine, wording: Wording) -> tuple[Any, ...]:
    """The values of a line in COLUMN_KEYS order, as Excel stores them."""
    return (
        line.document_number,
        line.police,
        line.customer_code,
        line.customer_name,
        category_label(line),
        line.address,
        line.quartier,
        line.zone_code,
        line.delivery_point,
        line.meter_serial,
        line.voltage,
        line.unpaid_count,
        line.amount_due,
        line.suspended_on,
        line.days_suspended,
        wording.decision(line),
        wording.derogation(line),
        wording.motif(line),
    )


def cell_texts(line: ListLine, wording: Wording) -> tuple[str, ...]:
    """The same values, as the PDF prints them."""
    return (
        line.document_number or "",
        line.police,
        line.customer_code,
        line.customer_name,
        category_label(line),
        line.address or "",
        line.quartier or "",
        line.zone_code or "",
        line.delivery_point or "",
        line.meter_serial or "",
        line.voltage,
        format_count(line.unpaid_count),
        format_amount(line.amount_due),
        format_date(line.suspended_on),
        format_count(line.days_suspended),
        wording.decision(line),
        wording.derogation(line),
        wording.motif(line),
    )
