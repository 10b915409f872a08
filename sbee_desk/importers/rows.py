"""From cells to staged rows: the header mapping and the row checks.

:class:`RowPlan` maps a header onto a :class:`TableSpec` (missing required column,
duplicated or unknown column) and turns chunks of ``(line, cells)`` into staging
tuples ``(line, value, value, …)`` — one value per column of the spec, in spec
order, ``None`` (``False`` for a flag) when the column is absent or the cell
empty or invalid — while reporting every problem of every row.

Speed: the rows of a national export are counted in millions, so the plan
compiles, for its header, a small function with one line per column (no loop
over columns, no call for a plain text cell). That fast path only accepts good
rows; any doubt sends the row to :meth:`RowPlan.check_row`, the plain reference
implementation, which reports each problem.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sbee_desk.importers.formats import Column, Kind, TableSpec
from sbee_desk.importers.results import ImportProblem, warning_of
from sbee_desk.importers.values import (
    CATEGORIES,
    CONTROL,
    MAX_AMOUNT_DIGITS,
    VOLTAGES,
    BadValue,
    normalize_name,
    parse_date,
    parser_for,
    shown,
)
from sbee_desk.wording import errors as wording

#: Beyond this many problems, the others are counted, not listed.
MAX_PROBLEMS = 200
#: a header wider than this is refused (the widest table has 10 columns)
MAX_COLUMNS = 1_000
#: unknown columns warned about one by one, per file; the others are counted
MAX_COLUMN_WARNINGS = 20

Staged = tuple[Any, ...]
Row = tuple[int, list[str]]


class Problems:
    """Collects problems (at most ``limit``, the rest counted in ``overflow``)."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.items: list[ImportProblem] = []
        self.overflow = 0

    def add(self, table: str, line: int, column: str, message: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(ImportProblem(table, line, column, message))
        else:
            self.overflow += 1

    def add_coded(self, table: str, line: int, column: str, code: str, /, **data: Any) -> None:
        """Add the problem ``code``, its words in :mod:`sbee_desk.wording.errors`."""
        self.add(table, line, column, wording.message(code, data))

    def count_more(self, count: int) -> None:
        """``count`` more problems, found but not listed (the list is full)."""
        self.overflow += count

    def room(self) -> int:
        return max(self.limit - len(self.items), 0)

    def __len__(self) -> int:
        return len(self.items) + self.overflow

    def __bool__(self) -> bool:
        return bool(self.items) or self.overflow > 0


@dataclass(frozen=True)
class _Slot:
    column: Column
    index: int | None  # position in the row, None when the file lacks the column
    parse: Callable[[str], Any]


class _Reject(Exception):
    """Fast path: this row needs the checking path."""


class RowPlan:
    """How to read the rows of one table, given its header."""

    def __init__(
        self, spec: TableSpec, header: Sequence[str], label: str, problems: Problems
    ) -> None:
        self.spec = spec
        self.label = label
        self.warnings: list[str] = []
        self.width = len(header)
        positions: dict[str, int] = {}
        known = {col.name for col in spec.columns}
        #: positions of columns without a name: ignored, warned about if they hold values
        self.unnamed: tuple[int, ...] = tuple(
            i for i, raw in enumerate(header) if not normalize_name(raw)
        )
        self._unnamed_warned: set[int] = set()
        unknown = 0
        for index, raw in enumerate(header):
            name = normalize_name(raw)
            if not name:
                continue
            if name not in known:
                unknown += 1
                if unknown <= MAX_COLUMN_WARNINGS:
                    self.warnings.append(
                        warning_of("UNKNOWN_COLUMN", file=label, column=shown(str(raw).strip()))
                    )
            elif name in positions:
                problems.add_coded(spec.name, 1, name, "DUPLICATE_COLUMN", column=name)
            else:
                positions[name] = index
        if unknown > MAX_COLUMN_WARNINGS:
            self.warnings.append(
                warning_of("UNKNOWN_COLUMNS_MORE", file=label, count=unknown - MAX_COLUMN_WARNINGS)
            )
        for col in spec.columns:
            if col.required and col.name not in positions:
                problems.add_coded(spec.name, 1, col.name, "MISSING_COLUMN", column=col.name)
        self.slots = tuple(
            _Slot(col, positions.get(col.name), parser_for(col.kind, col.max_len))
            for col in spec.columns
        )
        #: export columns present in the file, in spec order
        self.present: tuple[Column, ...] = tuple(
            s.column for s in self.slots if s.index is not None
        )
        kinds: list[Kind | None] = [None] * self.width
        for slot in self.slots:
            if slot.index is not None:
                kinds[slot.index] = slot.column.kind
        #: per header position, the kind of its column (None: ignored column)
        self.kinds: tuple[Kind | None, ...] = tuple(kinds)
        self._order = [
            (self._slot_number(before), self._slot_number(after))
            for before, after in spec.date_order
        ]
        self._fast = self._compile()

    def _slot_number(self, name: str) -> int:
        return next(i for i, s in enumerate(self.slots) if s.column.name == name)

    # -- checking path ---------------------------------------------------------------------

    def check_row(self, line: int, row: Sequence[str], problems: Problems) -> Staged | None:
        """Read one row, reporting each of its problems; None for a blank row."""
        if not any(cell.strip() for cell in row):
            return None
        table = self.spec.name
        if len(row) > self.width:
            extra = [cell.strip() for cell in row[self.width :] if cell.strip()]
            if extra:
                problems.add_coded(
                    table,
                    line,
                    "",
                    "VALUES_BEYOND_LAST_COLUMN",
                    count=len(extra),
                    first=shown(extra[0]),
                )
        for index in self.unnamed:
            if index < len(row) and row[index].strip() and index not in self._unnamed_warned:
                self._unnamed_warned.add(index)
                self.warnings.append(
                    warning_of(
                        "UNNAMED_COLUMN_FILLED",
                        file=self.label,
                        number=index + 1,
                        line=line,
                        text=shown(row[index].strip()),
                    )
                )
        values: list[Any] = [line]
        for slot in self.slots:
            col = slot.column
            default: Any = False if col.kind is Kind.FLAG else None
            if slot.index is None:
                values.append(default)
                continue
            text = row[slot.index].strip() if slot.index < len(row) else ""
            if not text:
                if col.required:
                    problems.add_coded(table, line, col.name, "VALUE_REQUIRED")
                values.append(default)
                continue
            try:
                values.append(slot.parse(text))
            except BadValue as exc:
                problems.add(table, line, col.name, str(exc))
                # staged without its control characters (never written: the import
                # fails), so the rows that refer to it are not reported unknown too
                values.append(CONTROL.sub("", text) if exc.code == "CONTROL_CHARACTER" else None)
        for before, after in self._order:
            first, second = values[before + 1], values[after + 1]
            if first is not None and second is not None and second < first:
                column = self.slots[after].column.name
                problems.add_coded(
                    table,
                    line,
                    column,
                    "DATES_OUT_OF_ORDER",
                    table=table,
                    column=column,
                    before=_show_date(first),
                    after=_show_date(second),
                )
        return tuple(values)

    # -- fast path ---------------------------------------------------------------------------

    def _compile(self) -> Callable[[list[Any], list[Row]], list[Row]]:
        """Generate ``fast(out, chunk)``: append good rows to ``out``, return the others.

        Each kind gets an inline expression that accepts the usual spelling of a
        good value and raises (``_Reject``, ``KeyError``, ``BadValue``) on anything
        else; such rows are then read again by :meth:`check_row`.
        """
        env: dict[str, Any] = {
            "_Reject": _Reject,
            "_reject": _raise_reject,
            "BadValue": BadValue,
            "FLAGS": _FAST_FLAGS,
            "VOLTAGES": {v: v for v in VOLTAGES},
            "CATEGORIES": {c: c for c in CATEGORIES},
            "DATES": {},
            "CONTROL": CONTROL.search,
        }
        env["date"] = _date_cache(env["DATES"])
        body: list[str] = []
        names: list[str] = []
        for number, slot in enumerate(self.slots):
            col, var = slot.column, f"v{number}"
            names.append(var)
            empty = False if col.kind is Kind.FLAG else None
            if slot.index is None:
                body.append(f"{var} = {empty}")
                continue
            env[f"p{number}"] = slot.parse
            kind = col.kind
            if kind is Kind.TEXT:
                expr = (
                    "c" if col.max_len is None else f"c if len(c) <= {col.max_len} else _reject()"
                )
            elif kind is Kind.DATE:
                expr = "DATES.get(c) or date(c)"
            elif kind in (Kind.AMOUNT, Kind.POSITIVE_AMOUNT):
                # digits, maybe grouped by plain spaces; anything else: the full parser
                expr = (
                    f"int(d) if (d := c.replace(' ', '')).isdigit() and d.isascii() "
                    f"and len(d) <= {MAX_AMOUNT_DIGITS} else p{number}(c)"
                )
            elif kind is Kind.FLAG:
                expr = "FLAGS[c]"
            elif kind is Kind.VOLTAGE:
                expr = "VOLTAGES[c]"
            elif kind is Kind.CATEGORY:
                expr = "CATEGORIES[c]"
            else:
                expr = f"p{number}(c)"
            body.append(f"c = row[{slot.index}].strip()")
            if col.required:
                body.append("if not c: raise _Reject")
                body.append(f"{var} = {expr}")
            else:
                body.append(f"{var} = ({expr}) if c else {empty}")
            if kind is Kind.POSITIVE_AMOUNT:
                body.append(f"if {var} <= 0: raise _Reject")
        for index in self.unnamed:  # a value without a column name: warn (checking path)
            body.append(f"if row[{index}].strip(): raise _Reject")
        for before, after in self._order:
            body.append(
                f"if v{before} is not None and v{after} is not None and v{after} < v{before}: "
                "raise _Reject"
            )
        indent = "\n            "
        source = f"""
def fast(out, chunk):
    append = out.append
    rejected = []
    for line, row in chunk:
        if len(row) != {self.width} or CONTROL("".join(row)):
            rejected.append((line, row))
            continue
        try:
            {indent.join(body)}
        except (_Reject, KeyError, ValueError):
            rejected.append((line, row))
            continue
        append((line, {", ".join(names)}{"," if len(names) == 1 else ""}))
    return rejected
"""
        code = compile(source, f"<import plan {self.spec.name}>", "exec")
        exec(code, env)  # our own code, generated from the specs only
        fast: Callable[[list[Any], list[Row]], list[Row]] = env["fast"]
        return fast

    def parse(self, chunk: list[Row], problems: Problems) -> list[Staged]:
        """Staging tuples for a chunk of rows (every row that is not blank)."""
        out: list[Staged] = []
        rejected = self._fast(out, chunk)
        if rejected:
            for line, row in rejected:
                staged = self.check_row(line, row, problems)
                if staged is not None:
                    out.append(staged)
        return out


def _raise_reject() -> Any:
    raise _Reject


#: the spellings of ``annulee`` the fast path knows (others: :func:`parse_flag`)
_FAST_FLAGS = {
    **{spelling: False for spelling in ("non", "NON", "Non", "0", "faux", "FAUX", "Faux")},
    **{spelling: True for spelling in ("oui", "OUI", "Oui", "1", "vrai", "VRAI", "Vrai")},
}
#: distinct dates are few (days of a few years): remember their ISO form
_DATE_CACHE_SIZE = 100_000


def _date_cache(cache: dict[str, str]) -> Callable[[str], str]:
    def date(text: str) -> str:
        iso = parse_date(text)
        if len(cache) < _DATE_CACHE_SIZE:
            cache[text] = iso
        return iso

    return date


def _show_date(iso: str) -> str:
    """ISO → dd/mm/yyyy for messages."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if len(iso) == 10 else iso
