"""The three lists of a validated bordereau, in Excel and PDF (business-rules.md,
Documents): *Liste des clients à relancer*, *Liste des clients à résilier* and the
*Liste de contrôle* (exempt, excluded and waiting lines, for DIG / DAI).

A :class:`ListDocument` (plain values, no Session) goes in; bytes come out. Every
word printed comes from ``reports/lists.toml`` (:func:`load_list_texts`).

Excel: openpyxl write-only. Data cells are styled (borders, number formats, wrap),
which openpyxl's public ``append`` makes costly (each styled cell passes an
exception path); :class:`_RowSink` hands the rows straight to openpyxl's own
worksheet writer instead, with one reused styled cell per column, and falls back
to ``append`` if that private API ever changes. See bench/bench_lists.py.
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sbee_desk.documents import pdf as P
from sbee_desk.documents.formats import (
    EXCEL_AMOUNT_FORMAT,
    EXCEL_COUNT_FORMAT,
    EXCEL_DATE_FORMAT,
    format_amount,
    format_count,
    format_date,
    format_datetime,
    format_period,
)
from sbee_desk.documents.resources import TemplateError, load_report_texts
from sbee_desk.domain.enums import (
    CATEGORY_LABELS,
    CustomerCategory,
    Decision,
    DropReason,
    ListKind,
)

TEXTS_FILE = "lists.toml"


#: file name part of each kind (import-format.md: ``<bordereau>-<run>-a-relancer.xlsx``…)
FILE_SUFFIXES: dict[ListKind, str] = {
    ListKind.A_RELANCER: "a-relancer",
    ListKind.A_RESILIER: "a-resilier",
    ListKind.CONTROLE: "controle",
}
FORMATS = ("xlsx", "pdf")
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def list_file_name(bordereau_code: str, run_id: int, kind: ListKind, file_format: str) -> str:
    """``BT-COT-2026-09-7-a-resilier.pdf``; characters no file system accepts become ``_``."""
    code = _UNSAFE_IN_NAME.sub("_", bordereau_code)
    return f"{code}-{run_id}-{FILE_SUFFIXES[kind]}.{file_format}"


class LineStatus(StrEnum):
    """Where a line of a validated bordereau stands."""

    CONFIRMED = "CONFIRMED"
    EXCLUDED = "EXCLUDED"  # excluded by the chef, with a reason
    DROPPED = "DROPPED"  # no longer a candidate at validation (why: ``ListLine.dropped``)
    CANCELLED = "CANCELLED"  # its letter or order was cancelled after validation (R7)
    #: a letter or order allowed by a DG derogation (R4): on its list, and on the control
    #: list with the derogation's reference and date, for DIG / DAI
    DEROGATION = "DEROGATION"


#: what the summary and the classeur say of a list with no line: no file is produced
EMPTY_LIST_LABELS: dict[ListKind, str] = {
    ListKind.A_RELANCER: "aucun client à relancer",
    ListKind.A_RESILIER: "aucun contrat à résilier",
    ListKind.CONTROLE: "aucune ligne de contrôle",
}


@dataclass(frozen=True, slots=True)
class Dropped:
    """Why validation dropped a line, with what its wording needs."""

    reason: DropReason | None  # None: validated before the reason was recorded
    #: the date that ends the procedure (termination, restoration, new suspension,
    #: letter cancelled)
    on: dt.date | None = None
    #: the plan's unpaid threshold of the run (PAID)
    threshold: int | None = None
    #: the run whose letter or order the suspension already has (ALREADY_VALIDATED)
    run: int | None = None


@dataclass(frozen=True, slots=True)
class ListLine:
    police: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone_code: str | None
    voltage: str
    unpaid_count: int
    amount_due: int
    suspended_on: dt.date
    days_suspended: int
    decision: Decision
    #: the motif of the selection; for an excluded line the exclusion reason, for a
    #: cancelled one the cancellation reason
    reason: str
    status: LineStatus = LineStatus.CONFIRMED
    cancelled_on: dt.date | None = None
    customer_code: str = ""
    category: CustomerCategory | None = None
    delivery_point: str | None = None
    meter_serial: str | None = None
    #: the printed number of its letter or order, once edited
    document_number: str | None = None
    derogation_reference: str | None = None
    derogation_decided_on: dt.date | None = None
    dropped: Dropped | None = None


@dataclass(frozen=True)
class ListDocument:
    kind: ListKind
    agency_code: str
    agency_name: str | None
    bordereau_code: str
    voltage: str
    period: str
    run_id: int
    run_on: dt.date
    validated_by: str
    validated_at: dt.datetime
    produced_by: str
    produced_at: dt.datetime
    lines: Sequence[ListLine]
    #: the run's reminder delay (R5) per category code, from its plan snapshot
    reminder_delays: Mapping[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- texts

COLUMN_KEYS = (
    "numero",
    "police",
    "code_client",
    "client",
    "categorie",
    "adresse",
    "quartier",
    "zone",
    "pdl",
    "compteur",
    "tension",
    "impayes",
    "montant",
    "suspendu_le",
    "jours",
    "decision",
    "derogation",
    "motif",
)
_NUMERIC = {"impayes", "montant", "jours"}
_SAMPLE = {
    "agency_code": "AG",
    "agency_name": "Agence",
    "bordereau": "B",
    "voltage": "BT",
    "period": "septembre 2026",
    "run": 1,
    "run_date": "01/01/2026",
    "validated_by": "x",
    "validated_at": "x",
    "produced_at": "x",
    "produced_by": "x",
    "page": 1,
    "pages": 2,
    "title": "t",
    "decision": "d",
    "date": "01/01/2026",
    "reason": "r",
    "count": 1,
    "reminder_delay": "7 jours",
    "low": 7,
    "high": 10,
    "threshold": 2,
    "reference": "DG-1",
    "category": "Agent SBEE",
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "header": (
        "organisation",
        "unit",
        "address",
        "agency",
        "agency_without_name",
        "bordereau_label",
        "bordereau",
        "run_label",
        "run",
        "validated_label",
        "validated",
        "lines_label",
        "produced",
        "page",
        "running",
    ),
    "titles": tuple(ListKind),
    "subtitles": tuple(ListKind),
    "decisions": tuple(Decision),
    "decisions_short": tuple(Decision),
    "control": (
        "excluded",
        "dropped",
        "cancelled",
        "cancelled_reason",
        "derogation",
        "derogation_reason",
        "derogation_column",
    ),
    "dropped_reasons": (*DropReason, "UNKNOWN"),
    "plan": ("days_one", "days_many", "days_range"),
    "totals": ("label", "clients_one", "clients_many", "excel_clients_format", "empty"),
}
#: groups of the control list, in their order, as counted in its summary line
CONTROL_GROUPS = ("excluded", "exempt", "waiting", "derogation", "dropped")
_LIST_KEYS = ", ".join(COLUMN_KEYS)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_mm: float
    excel_width: float


@dataclass(frozen=True)
class ListTexts:
    """The wording of the lists (``reports/lists.toml``), checked when read."""

    source: Path
    header: dict[str, str]
    titles: dict[str, str]
    subtitles: dict[str, str]
    decisions: dict[str, str]
    decisions_short: dict[str, str]
    control: dict[str, str]
    dropped_reasons: dict[str, str]
    plan: dict[str, str]
    totals: dict[str, str]
    #: the columns of each list, in printing order (``[lists]``)
    columns: dict[ListKind, tuple[Column, ...]]
    #: control-list summary: (one, many) per group of CONTROL_GROUPS
    control_summary: dict[str, tuple[str, str]]
    signatures: dict[str, list[str]]
    signature_caption: str
    #: agency names by code, as the agency wants them printed (over the imported ones)
    agencies: dict[str, str]

    def clients(self, count: int) -> str:
        key = "clients_one" if count <= 1 else "clients_many"
        return self.totals[key].format(count=format_count(count))

    def total_label(self, count: int) -> str:
        """``Total : 12 clients`` (no-break space before the colon)."""
        return f"{self.totals['label']}\u00a0: {self.clients(count)}"

    def days(self, delays: Sequence[int]) -> str:
        """``7 jours``; ``1 jour``; ``7 à 10 jours selon la catégorie`` (several plans)."""
        low, high = min(delays), max(delays)
        if low != high:
            return self.plan["days_range"].format(low=low, high=high)
        key = "days_one" if low <= 1 else "days_many"
        return self.plan[key].format(count=format_count(low))


def load_list_texts() -> ListTexts:
    """Read and check ``reports/lists.toml``; :class:`TemplateError` names what is wrong."""
    path, data = load_report_texts(TEXTS_FILE)
    return parse_list_texts(path, data)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _check_format(where: str, section: str, key: str, text: str) -> None:
    try:
        text.format(**_SAMPLE)
    except (KeyError, IndexError, ValueError) as exc:
        raise TemplateError(
            f"{where}, [{section}] {key} = « {text} » : nom entre accolades "
            f"inconnu ou accolade seule ({exc}). Noms possibles : "
            f"{', '.join('{' + n + '}' for n in sorted(_SAMPLE))}."
        ) from exc


def _column_definitions(where: str, data: dict[str, Any]) -> dict[str, Column]:
    raw = data.get("columns")
    if isinstance(raw, list):
        raise TemplateError(
            f"{where} : [[columns]] est l'ancien format. Décrivez chaque colonne dans une "
            "section [columns.<clé>] (title, width_mm, excel_width) et choisissez les "
            "colonnes de chaque liste dans [lists] ; reprenez le modèle livré avec "
            "l'application."
        )
    if not isinstance(raw, dict) or not raw:
        raise TemplateError(f"{where} : aucune colonne décrite ([columns.<clé>]).")
    columns = {}
    for key, item in raw.items():
        if key not in COLUMN_KEYS:
            raise TemplateError(
                f"{where}, [columns.{key}] : clé « {key} » inconnue ; clés possibles : "
                f"{_LIST_KEYS}."
            )
        columns[key] = _column(where, f"[columns.{key}]", key, item, None)
    return columns


def _column(where: str, section: str, key: str, item: Any, base: Column | None) -> Column:
    """A column from its description, over ``base`` (the [columns.<key>] one)."""
    if not isinstance(item, dict):
        raise TemplateError(f"{where}, {section} : une section (title, width_mm, excel_width).")
    title = item.get("title", base.title if base else None)
    width_mm = item.get("width_mm", base.width_mm if base else None)
    excel_width = item.get("excel_width", base.excel_width if base else None)
    if not isinstance(title, str) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) and w > 0
        for w in (width_mm, excel_width)
    ):
        raise TemplateError(
            f"{where}, {section} : title (texte), width_mm et excel_width (nombres "
            "positifs) sont obligatoires."
        )
    assert isinstance(width_mm, int | float) and isinstance(excel_width, int | float)
    return Column(key, title, float(width_mm), float(excel_width))


def _list_columns(
    where: str, data: dict[str, Any], known: dict[str, Column]
) -> dict[ListKind, tuple[Column, ...]]:
    lists = data.get("lists")
    if not isinstance(lists, dict):
        raise TemplateError(f"{where} : section [lists] absente (les colonnes de chaque liste).")
    out: dict[ListKind, tuple[Column, ...]] = {}
    for kind in ListKind:
        items = lists.get(kind.value)
        if not isinstance(items, list) or not items:
            raise TemplateError(
                f"{where}, [lists] : colonnes absentes pour {kind.value} (une liste de clés, "
                f'par exemple {kind.value} = ["police", "client", "montant"]).'
            )
        columns: list[Column] = []
        for number, item in enumerate(items, 1):
            key = (
                item
                if isinstance(item, str)
                else str(item.get("key", ""))
                if isinstance(item, dict)
                else ""
            )
            section = f"[lists] {kind.value}, colonne {number}"
            if key not in COLUMN_KEYS:
                raise TemplateError(
                    f"{where}, {section} : clé « {key} » inconnue ; clés possibles : {_LIST_KEYS}."
                )
            if key not in known:
                raise TemplateError(
                    f"{where}, {section} : la colonne « {key} » n'est pas décrite ; ajoutez "
                    f"une section [columns.{key}] (title, width_mm, excel_width)."
                )
            if key in {c.key for c in columns}:
                raise TemplateError(f"{where}, {section} : « {key} » figure deux fois.")
            override = item if isinstance(item, dict) else {}
            columns.append(_column(where, section, key, override, known[key]))
        out[kind] = tuple(columns)
    unknown = sorted(set(lists) - {k.value for k in ListKind})
    if unknown:
        raise TemplateError(
            f"{where}, [lists] : liste « {unknown[0]} » inconnue ; listes possibles : "
            f"{', '.join(k.value for k in ListKind)}."
        )
    return out


def parse_list_texts(path: Path, data: dict[str, Any]) -> ListTexts:
    where = f"Modèle « {path} »"
    sections: dict[str, dict[str, str]] = {}
    for section, keys in _REQUIRED.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise TemplateError(f"{where} : section [{section}] absente.")
        missing = [k for k in keys if not isinstance(table.get(k), str)]
        if missing:
            raise TemplateError(
                f"{where}, section [{section}] : texte absent pour {', '.join(missing)}."
            )
        for key in keys:
            if key != "excel_clients_format":
                _check_format(where, section, key, table[key])
        sections[section] = {k: table[k] for k in keys}
    summary = data.get("control_summary")
    if not isinstance(summary, dict):
        raise TemplateError(f"{where} : section [control_summary] absente.")
    control_summary: dict[str, tuple[str, str]] = {}
    for group in CONTROL_GROUPS:
        forms = summary.get(group)
        if not (isinstance(forms, list) and len(forms) == 2 and all(map(_is_text, forms))):
            raise TemplateError(
                f"{where}, [control_summary] {group} : deux textes attendus, le singulier "
                f'puis le pluriel (par exemple ["{{count}} ligne", "{{count}} lignes"]).'
            )
        for form in forms:
            _check_format(where, "control_summary", group, form)
        control_summary[group] = (forms[0], forms[1])
    columns = _list_columns(where, data, _column_definitions(where, data))
    signatures = data.get("signatures", {})
    agencies = data.get("agencies", {})
    for name, table in (("signatures", signatures), ("agencies", agencies)):
        if not isinstance(table, dict):
            raise TemplateError(f"{where} : [{name}] doit être une section.")
    return ListTexts(
        source=path,
        columns=columns,
        control_summary=control_summary,
        signatures={k.value: [str(n) for n in signatures.get(k.value, [])] for k in ListKind},
        signature_caption=str(signatures.get("caption", "")),
        agencies={str(k): str(v) for k, v in agencies.items()},
        **sections,
    )


# --------------------------------------------------------------------------- words


@dataclass(frozen=True)
class _Header:
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


def reminder_delay(doc: ListDocument, texts: ListTexts) -> str:
    """The run's reminder delay (R5) for the lines of ``doc`` (all its plans if none)."""
    wanted = {line.category.value for line in doc.lines if line.category is not None}
    delays = [days for code, days in doc.reminder_delays.items() if code in wanted]
    if not delays:
        delays = list(doc.reminder_delays.values())
    if not delays:  # a document built without its run's plans: the procedure's value
        delays = [7]
    return texts.days(delays)


def _header(doc: ListDocument, texts: ListTexts) -> _Header:
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
    return _Header(
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


class _Wording:
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


def cell_values(line: ListLine, wording: _Wording) -> tuple[Any, ...]:
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


def cell_texts(line: ListLine, wording: _Wording) -> tuple[str, ...]:
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


# --------------------------------------------------------------------------- Excel

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_TOTAL_FILL = PatternFill("solid", fgColor="DDE5ED")
_TOP = Alignment(vertical="top", wrap_text=True)
_FIRST_DATA_ROW = 7
_HEADER_ROW = _FIRST_DATA_ROW - 1


def _hf(text: str) -> str:
    """Text for an Excel page header/footer: ``&`` starts a code there."""
    return text.replace("&", "&&")


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


class _RowSink:
    """Writes rows of ready cells to a write-only worksheet.

    Fast path: openpyxl's worksheet writer directly (the private ``_get_writer``,
    ``_writer.xf`` and ``write_row`` that ``WriteOnlyWorksheet.append`` uses), so
    styled cells skip the per-cell type probing of ``append``. If that API is not
    there, ``append`` (public, slower) writes the same cells.
    """

    #: False forces the public path (tests, benchmark)
    use_writer = True

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self.row = 0
        self.fast = False
        writer_factory = getattr(ws, "_get_writer", None) if self.use_writer else None
        if writer_factory is not None:
            writer_factory()
            writer = getattr(ws, "_writer", None)
            if hasattr(writer, "xf") and hasattr(writer, "write_row"):
                stream = self._stream(writer)
                next(stream)
                ws._rows = stream  # WriteOnlyWorksheet.close() closes it, then writes the tail
                self._send: Callable[[list[Any]], Any] = stream.send
                self.fast = True
        if not self.fast:
            self._send = ws.append

    @staticmethod
    def _stream(writer: Any) -> Generator[None, list[Any], None]:
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    cells = yield
                    writer.write_row(xf, cells, row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        writer.xf.send(None)

    def write(self, cells: list[Any]) -> None:
        """Cells of the next row, their ``column`` set, in column order."""
        self.row += 1
        for cell in cells:
            cell.row = self.row
        self._send(cells)


def _cell(ws: Any, column: int, value: Any = None, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.column = column
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def write_xlsx(doc: ListDocument, texts: ListTexts, target: Any) -> None:
    """Write the workbook of ``doc`` to ``target`` (a path or a binary file object)."""
    head = _header(doc, texts)
    columns = texts.columns[doc.kind]
    ncols = len(columns)
    last_letter = get_column_letter(ncols)
    keys = [c.key for c in columns]
    wb = Workbook(write_only=True)
    wb.properties.title = f"{head.title} — {doc.bordereau_code}"
    wb.properties.creator = "sbee-desk"
    wb.properties.subject = head.running
    ws = wb.create_sheet(_sheet_title(head.title))

    # What the writer emits before the rows: widths, frozen header, fit to page.
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.excel_width
    ws.freeze_panes = f"A{_FIRST_DATA_ROW}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for row, height in ((3, 24), (_HEADER_ROW, 30)):
        ws.row_dimensions[row].height = height
    sink = _RowSink(ws)

    # Header block: one merged line each.
    block = [
        (f"{head.organisation} — {head.unit}", Font(bold=True, size=10, color="404040")),
        (f"{head.agency} · {head.address}", Font(size=10, color="404040")),
        (head.title, Font(bold=True, size=15)),
        (
            " · ".join(f"{label}\u00a0: {value}" for label, value in head.fields[:3])
            + f" · {head.produced}",
            Font(size=10),
        ),
        (
            " ".join(f"{part}." for part in (head.subtitle, head.summary, head.breakdown) if part),
            Font(italic=True, size=10, color="404040"),
        ),
    ]
    for text, font in block:
        sink.write([_cell(ws, 1, text, font=font, alignment=Alignment(vertical="center"))])
        ws.merged_cells.add(f"A{sink.row}:{last_letter}{sink.row}")
    header_font = Font(bold=True, color="FFFFFF", size=10)
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sink.write(
        [
            _cell(
                ws,
                i,
                c.title,
                font=header_font,
                fill=_HEADER_FILL,
                border=_BORDER,
                alignment=header_alignment,
            )
            for i, c in enumerate(columns, 1)
        ]
    )

    # Data rows: one styled cell per column, reused row after row.
    data_font = Font(size=10)
    formats = {
        "montant": EXCEL_AMOUNT_FORMAT,
        "suspendu_le": EXCEL_DATE_FORMAT,
        "impayes": EXCEL_COUNT_FORMAT,
        "jours": EXCEL_COUNT_FORMAT,
    }
    row_cells = []
    for i, key in enumerate(keys, 1):
        cell = _cell(ws, i, font=data_font, border=_BORDER)
        if key in formats:
            cell.number_format = formats[key]
        if key == "suspendu_le":
            cell.alignment = Alignment(horizontal="center", vertical="top")
        elif key in _NUMERIC:
            cell.alignment = Alignment(vertical="top")
        else:
            cell.alignment = _TOP
        row_cells.append(cell)
    text_cells = [c for c, k in zip(row_cells, keys, strict=True) if k not in _NUMERIC]
    pick = itemgetter(*(COLUMN_KEYS.index(k) for k in keys))
    wording = _Wording(texts)
    send = sink.write
    lines = sorted_lines(doc.kind, doc.lines)
    for line in lines:
        values = pick(cell_values(line, wording))
        if ncols == 1:
            values = (values,)
        for cell, value in zip(row_cells, values, strict=True):
            cell.value = value
        for cell in text_cells:
            if cell.data_type == "f":  # a text starting with "=" stays text, never a formula
                cell.data_type = "s"
        send(row_cells)
    last_data_row = sink.row
    if not lines:
        sink.write([_cell(ws, 1, texts.totals["empty"], font=Font(italic=True, size=10))])
        ws.merged_cells.add(f"A{sink.row}:{last_letter}{sink.row}")

    # Totals.
    total_font = Font(bold=True, size=10)
    totals: dict[str, Any] = {
        "impayes": (sum(line.unpaid_count for line in lines), EXCEL_COUNT_FORMAT),
        "montant": (sum(line.amount_due for line in lines), EXCEL_AMOUNT_FORMAT),
    }
    if "client" in keys and keys[0] != "client":
        totals["client"] = (len(lines), texts.totals["excel_clients_format"])
        label = texts.totals["label"]
    else:
        label = texts.total_label(len(lines))
    cells = []
    for i, key in enumerate(keys, 1):
        cell = _cell(ws, i, font=total_font, fill=_TOTAL_FILL, border=_BORDER)
        if i == 1 and key not in totals:
            cell.value = label
        elif key in totals:
            cell.value, cell.number_format = totals[key]
            cell.alignment = Alignment(horizontal="right")
        cells.append(cell)
    sink.write(cells)

    # Print setup (written after the rows).
    ws.auto_filter.ref = f"A{_HEADER_ROW}:{last_letter}{max(last_data_row, _HEADER_ROW)}"
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddHeader.left.text = _hf(head.agency)
    ws.oddHeader.left.size = 8
    ws.oddHeader.center.text = _hf(head.title)
    ws.oddHeader.center.size = 9
    ws.oddHeader.center.font = "Calibri,Bold"
    ws.oddHeader.right.text = _hf(
        " · ".join(f"{label} {value}" for label, value in head.fields[:2])
    )
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = _hf(head.produced)
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = _hf(texts.header["page"]).format(page="&P", pages="&N")
    ws.oddFooter.right.size = 8
    wb.save(target)


def xlsx_bytes(doc: ListDocument, texts: ListTexts) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(doc, texts, buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- PDF

_FONT_SIZE = 7.5
_LINE_H = 3.3
_PAD = 1.0
#: lines a cell may wrap to; the motif is what the control list is for: it is never cut
#: short of a pathological text; numbers (police, PdL, meter…) wrap rather than be cut
_WRAPPED = {
    "police": 2,
    "code_client": 2,
    "client": 4,
    "categorie": 3,
    "adresse": 4,
    "quartier": 2,
    "zone": 2,
    "pdl": 3,
    "compteur": 3,
    "decision": 4,
    "derogation": 4,
    "motif": 10,
}
#: rows kept on the page of the totals and the signature boxes
_KEPT_WITH_TOTALS = 1
#: size of the column titles (smaller only for a word too long for its column)
_HEADER_SIZE = 6.8
#: a word of a text column longer than this (mm) may be cut: the others keep their room
_LONGEST_WORD = 40.0
#: values measured per column to size it (the longest in characters)
_MEASURED = 50
#: columns printed on one line, never wrapped nor cut: as wide as their longest value
_ONE_LINE = {"numero", "tension", "impayes", "montant", "suspendu_le", "jours"}
#: identifiers: on one line too when the text columns can spare the room
_IDENTIFIERS = {"police", "code_client", "pdl", "compteur", "zone"}


class _ListPDF(P.BasePDF):
    def __init__(self, doc: ListDocument, texts: ListTexts, head: _Header) -> None:
        super().__init__(
            landscape=True,
            title=f"{head.title} — {doc.bordereau_code}",
            author=f"{head.organisation} — {head.agency}",
            footer_left=f"{head.running} · {head.produced}",
            page_label=texts.header["page"],
        )
        self.doc, self.texts, self.head = doc, texts, head
        self.columns = texts.columns[doc.kind]
        self.keys = [c.key for c in self.columns]
        pick = itemgetter(*(COLUMN_KEYS.index(k) for k in self.keys))
        wording = _Wording(texts)
        self.lines = sorted_lines(doc.kind, doc.lines)
        self.rows: list[list[str]] = []
        for line in self.lines:
            values = pick(cell_texts(line, wording))
            self.rows.append(list(values) if len(self.keys) > 1 else [values])
        self.widths = self._widths()
        self.lefts = [self.l_margin + sum(self.widths[:i]) for i in range(len(self.widths))]
        self.set_auto_page_break(False, self.b_margin)  # pages break by hand, between rows

    def _natural(self, texts: Iterable[str]) -> float:
        """Width of the widest of ``texts`` (measured: the few longest), with the padding."""
        longest = heapq.nlargest(_MEASURED, set(texts), key=len)
        widest = max((self.get_string_width(t) for t in longest), default=0.0)
        return widest + 2 * _PAD + 0.2

    def _widths(self) -> list[float]:
        """The toml's widths, relative (the columns always fill the page's width), then
        fitted to what is printed. Every column is at least as wide as the longest word
        of its title and, for a text column, of its values (a word is never cut, short
        of a pathological one); a column printed on one line (numbers, amounts, dates)
        as its longest value. An identifier (police, customer code, PdL, meter) gets its
        whole value on one line when the text columns can spare the room, else wraps.
        The room comes from what the other columns have above their minimum."""
        total = sum(c.width_mm for c in self.columns)
        widths = [c.width_mm * self.content_width / total for c in self.columns]
        self.set_font(P.FONT, "B", _HEADER_SIZE)
        titles = [self._natural(c.title.split()) for c in self.columns]
        self.set_font(P.FONT, "B", _FONT_SIZE)  # the sums of the totals row, in bold
        sums = self._sums(self.lines)
        titles = [
            max(title, self._natural([sums[key]])) if key in sums else title
            for title, key in zip(titles, self.keys, strict=True)
        ]
        self.set_font(P.FONT, "", _FONT_SIZE)
        floors, wants = [], []
        for index, key in enumerate(self.keys):
            values = (row[index] for row in self.rows)
            if key in _ONE_LINE:
                floor = want = max(titles[index], self._natural(values))
            elif key in _IDENTIFIERS:
                floor, want = titles[index], max(titles[index], self._natural(values))
            else:
                words = (word for text in values for word in text.split())
                floor = want = max(titles[index], min(self._natural(words), _LONGEST_WORD))
            floors.append(floor)
            wants.append(want)
        if sum(floors) >= self.content_width:  # too many columns to fit: the toml's widths
            return widths
        for goal in (floors, wants):
            raise_by = [max(0.0, g - w) for g, w in zip(goal, widths, strict=True)]
            slack = [max(0.0, w - f) for w, f in zip(widths, floors, strict=True)]
            if goal is wants:  # only the text columns give room to the identifiers
                slack = [
                    room if k not in _ONE_LINE and k not in _IDENTIFIERS else 0.0
                    for room, k in zip(slack, self.keys, strict=True)
                ]
            needed, spare = sum(raise_by), sum(slack)
            if not needed or not spare:
                continue
            share = min(1.0, spare / needed)  # the floors always fit (checked above)
            for index, deficit in enumerate(raise_by):
                widths[index] += deficit * share
            taken = needed * share
            for index, room in enumerate(slack):
                widths[index] -= taken * room / spare
        return widths

    # ---- page furniture

    def first_page_header(self) -> float:
        head = self.head
        x, right = self.l_margin, self.w - self.r_margin
        self.set_font(P.FONT, "B", 10)
        self.text(x, 14, head.organisation)
        self.set_font(P.FONT, "", 8)
        self.set_text_color(*P.MUTED)
        self.text(x, 18, head.unit)
        self.text(x, 21.5, head.address)
        self.set_text_color(*P.INK)
        self.set_font(P.FONT, "B", 9)
        self.text(x, 26, head.agency)
        self.set_font(P.FONT, "", 7.5)
        self.set_text_color(*P.MUTED)
        self.text(right - self.get_string_width(head.produced), 14, head.produced)
        self.set_text_color(*P.INK)

        self.set_font(P.FONT, "B", 15)
        self.text((self.w - self.get_string_width(head.title)) / 2, 35, head.title)
        self.set_font(P.FONT, "", 8.5)
        self.set_text_color(*P.MUTED)
        subtitle = P.fit_text(self, head.subtitle, self.content_width)
        self.text((self.w - self.get_string_width(subtitle)) / 2, 40, subtitle)
        self.set_text_color(*P.INK)

        # Cartouche: bordereau, run, validation, lines.
        top, height = 44.0, 11.0
        shares = (0.27, 0.18, 0.30, 0.25)
        self.set_fill_color(*P.ZEBRA_FILL)
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        self.rect(x, top, self.content_width, height, style="DF")
        left = x
        for (label, value), share in zip(head.fields, shares, strict=True):
            width = self.content_width * share
            if left > x:
                self.line(left, top, left, top + height)
            self.set_font(P.FONT, "", 7)
            self.set_text_color(*P.MUTED)
            self.text(left + 2, top + 4, label)
            self.set_text_color(*P.INK)
            self.set_font(P.FONT, "B", 8.5)
            self.text(left + 2, top + 8.6, P.fit_text(self, value, width - 4))
            left += width
        bottom = top + height
        if head.breakdown:
            self.set_font(P.FONT, "", 8)
            self.text(x, bottom + 4.5, P.fit_text(self, head.breakdown, self.content_width))
            bottom += 5.5
        return bottom + 4

    def next_page_header(self) -> float:
        self.set_font(P.FONT, "B", 9)
        self.text(self.l_margin, 14, P.fit_text(self, self.head.running, self.content_width * 0.7))
        self.set_font(P.FONT, "", 7.5)
        self.set_text_color(*P.MUTED)
        agency = self.head.agency
        self.text(self.w - self.r_margin - self.get_string_width(agency), 14, agency)
        self.set_text_color(*P.INK)
        return 18.0

    def table_header(self, y: float) -> float:
        wrapped, sizes = [], []
        for column, width in zip(self.columns, self.widths, strict=True):
            size = _HEADER_SIZE  # smaller for a title whose longest word does not fit
            self.set_font(P.FONT, "B", size)
            longest = max(column.title.split() or [""], key=self.get_string_width)
            while size > 5.0 and self.get_string_width(longest) > width - 2 * _PAD:
                size -= 0.2
                self.set_font(P.FONT, "B", size)
            sizes.append(size)
            wrapped.append(P.wrap_text(self, column.title, width - 2 * _PAD, 3))
        height = max(len(lines) for lines in wrapped) * 3.0 + 2 * 1.2
        self.set_fill_color(*P.HEADER_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_text_color(*P.HEADER_INK)
        for lines, size, left, width in zip(wrapped, sizes, self.lefts, self.widths, strict=True):
            self.set_font(P.FONT, "B", size)
            first = y + (height - len(lines) * 3.0) / 2 + 2.3
            for n, text in enumerate(lines):
                self.text(left + (width - self.get_string_width(text)) / 2, first + n * 3.0, text)
        self.set_text_color(*P.INK)
        self.set_draw_color(*P.RULE)
        for left in self.lefts[1:]:
            self.line(left, y, left, y + height)
        return y + height

    def new_page(self, first: bool = False) -> float:
        self.add_page()
        y = self.first_page_header() if first else self.next_page_header()
        return self.table_header(y)

    # ---- rows

    def cell_lines(self, texts: list[str], keys: list[str]) -> list[list[str]]:
        out = []
        for text, key, width in zip(texts, keys, self.widths, strict=True):
            inner = width - 2 * _PAD
            if key in _WRAPPED:
                out.append(P.wrap_text(self, text, inner, _WRAPPED[key]))
            else:
                out.append([P.fit_text(self, text, inner)])
        return out

    def draw_row(
        self, y: float, cells: list[list[str]], keys: list[str], fill: tuple[int, int, int] | None
    ) -> float:
        height = max(len(lines) for lines in cells) * _LINE_H + 2 * _PAD
        if fill is not None:
            self.set_fill_color(*fill)
            self.rect(self.l_margin, y, self.content_width, height, style="F")
        width_of = self.get_string_width
        for lines, key, left, width in zip(cells, keys, self.lefts, self.widths, strict=True):
            baseline = y + _PAD + 2.5
            for text in lines:
                if key in _NUMERIC:
                    x = left + width - _PAD - width_of(text)
                elif key == "suspendu_le":
                    x = left + (width - width_of(text)) / 2
                else:
                    x = left + _PAD
                self.text(x, baseline, text)
                baseline += _LINE_H
        self.line(self.l_margin, y + height, self.l_margin + self.content_width, y + height)
        return y + height

    _SIGNATURE_H = 26.0

    def signatures_height(self) -> float:
        return 6 + self._SIGNATURE_H if self.texts.signatures[self.doc.kind] else 0.0

    def signatures(self, y: float) -> None:
        names = self.texts.signatures[self.doc.kind]
        if not names:
            return
        height = self._SIGNATURE_H
        y += 6
        width = 80.0
        self.set_draw_color(*P.RULE)
        for n, name in enumerate(names):
            left = self.w - self.r_margin - (len(names) - n) * (width + 6) + 6
            self.rect(left, y, width, height)
            self.set_font(P.FONT, "B", 8)
            self.text(left + 2, y + 4.5, name)
            self.set_font(P.FONT, "", 7)
            self.set_text_color(*P.MUTED)
            self.text(left + 2, y + height - 2.5, self.texts.signature_caption)
            self.set_text_color(*P.INK)

    def render(self) -> bytes:
        texts, keys, lines = self.texts, self.keys, self.lines
        y = self.new_page(first=True)
        self.set_font(P.FONT, "", _FONT_SIZE)
        bottom = self.content_bottom
        # The last rows, the totals and the signature boxes stay together: never a
        # last page with the signatures (or the totals) alone.
        tail = max(0, len(lines) - _KEPT_WITH_TOTALS)
        ending = self.totals_height() + self.signatures_height()
        for number, row in enumerate(self.rows):
            cells = self.cell_lines(row, keys)
            needed = self.row_height(cells)
            if number == tail:
                needed = ending + sum(
                    self.row_height(self.cell_lines(other, keys)) for other in self.rows[tail:]
                )
            if y + needed > bottom:
                y = self.new_page()
                self.set_font(P.FONT, "", _FONT_SIZE)
            y = self.draw_row(y, cells, keys, P.ZEBRA_FILL if number % 2 else None)
        if not lines:
            self.set_font(P.FONT, "", 8)
            self.set_text_color(*P.MUTED)
            self.text(self.l_margin + _PAD, y + 5, texts.totals["empty"])
            self.set_text_color(*P.INK)
            y += 7
            if y + ending > bottom:
                y = self.new_page()
        y = self.totals(y, lines, keys)
        self.signatures(y)
        return self.output_bytes()

    @staticmethod
    def _sums(lines: Sequence[ListLine]) -> dict[str, str]:
        return {
            "impayes": format_count(sum(line.unpaid_count for line in lines)),
            "montant": format_amount(sum(line.amount_due for line in lines)),
        }

    @staticmethod
    def row_height(cells: list[list[str]]) -> float:
        return max(len(c) for c in cells) * _LINE_H + 2 * _PAD

    @staticmethod
    def totals_height() -> float:
        return _LINE_H + 2 * _PAD + 0.6

    def totals(self, y: float, lines: list[ListLine], keys: list[str]) -> float:
        self.set_font(P.FONT, "B", _FONT_SIZE)
        height = self.totals_height()
        self.set_fill_color(*P.TOTAL_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        sums = self._sums(lines)
        label = self.texts.total_label(len(lines))
        baseline = y + _PAD + 2.8
        # the label may run over the first columns, up to the first sum
        first_sum = min((i for i, k in enumerate(keys) if k in sums), default=len(keys))
        label_width = sum(self.widths[:first_sum]) - 2 * _PAD
        if label_width > 0:
            self.text(self.l_margin + _PAD, baseline, P.fit_text(self, label, label_width))
        for key, left, width in zip(keys, self.lefts, self.widths, strict=True):
            if key in sums:
                size = _FONT_SIZE  # a large sum gets a smaller font before being cut
                while size > 5.5 and self.get_string_width(sums[key]) > width - 2 * _PAD:
                    size -= 0.25
                    self.set_font(P.FONT, "B", size)
                text = P.fit_text(self, sums[key], width - 2 * _PAD)
                self.text(left + width - _PAD - self.get_string_width(text), baseline, text)
                self.set_font(P.FONT, "B", _FONT_SIZE)
        self.set_draw_color(*P.INK)
        self.set_line_width(0.3)
        self.line(self.l_margin, y, self.l_margin + self.content_width, y)
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)
        return y + height


def pdf_bytes(doc: ListDocument, texts: ListTexts) -> bytes:
    """The PDF of ``doc``: A4 landscape, repeated table header, totals, page numbers."""
    pdf = _ListPDF(doc, texts, _header(doc, texts))
    try:
        return pdf.render()
    finally:
        pdf.close_fonts()


def render(doc: ListDocument, texts: ListTexts, file_format: str) -> bytes:
    """``xlsx`` or ``pdf`` bytes of ``doc``."""
    if file_format == "xlsx":
        return xlsx_bytes(doc, texts)
    if file_format == "pdf":
        return pdf_bytes(doc, texts)
    raise ValueError(f"unknown list format {file_format!r}")
