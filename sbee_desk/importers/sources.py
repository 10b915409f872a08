"""Where the rows come from: a folder of CSV files or one ``.xlsx`` workbook.

:func:`open_source` resolves PATH into the tables present (in dependency order),
the files read with their SHA-256, and warnings about what is ignored. Each
:class:`TableSource` then streams its rows as ``(line, cells)`` where ``line`` is
the physical line of the file (header = 1) or the sheet's row number, and the
cells are text: the CSV is read by the C ``csv`` module, workbook cells (Excel
dates, numbers, text) are turned into the text the CSV would hold. Nothing is
kept in memory but the row being read.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sbee_desk.importers.formats import TABLE_ORDER, TABLES, TABLES_BY_NAME, Kind, TableSpec
from sbee_desk.importers.results import ImportFailed, ImportProblem, warning_of
from sbee_desk.importers.values import detect_separator, normalize_name
from sbee_desk.wording.errors import message

Row = tuple[int, list[str]]


class SourceError(Exception):
    """A table that cannot be read further (encoding, I/O): its problem."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _fail(table: str, code: str, /, **data: Any) -> ImportFailed:
    """The import refused on one problem of ``table``: ``code`` worded by sbee_desk.wording."""
    return ImportFailed([ImportProblem(table, 0, "", message(code, data))])


class TableSource:
    """One table of the import: a header, then rows. Use as a context manager."""

    spec: TableSpec
    label: str  # for messages: "factures.csv" or "export.xlsx, feuille factures"
    size: int  # progress units (bytes or rows), an estimate

    def __enter__(self) -> TableSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def header(self) -> list[str] | None:
        """The header cells, or None for an empty file/sheet."""
        raise NotImplementedError

    def chunks(self, kinds: Sequence[Kind | None], size: int) -> Iterator[list[Row]]:
        """Data rows after the header, ``size`` at a time.

        ``kinds`` gives the kind of each header position, for workbook cells.
        Raises :class:`SourceError` when the rest cannot be read.
        """
        raise NotImplementedError

    def position(self) -> int:
        """Progress units consumed so far."""
        raise NotImplementedError


class CsvTable(TableSource):
    """A CSV file: UTF-8 with or without BOM, ``;`` or ``,`` (detected on the header).

    A line without a quote is split with ``str.split`` (several times faster than
    the ``csv`` module); a line with quotes goes through ``csv``, with the lines
    a quoted value may run over.
    """

    def __init__(self, spec: TableSpec, path: Path) -> None:
        self.spec = spec
        self.path = path
        self.label = path.name
        self.size = path.stat().st_size
        self._file: Any = None
        self._lines: Iterator[str] = iter(())
        self._separator = ";"
        self._line = 0

    def _problem(self, line: int, code: str, /, **data: Any) -> SourceError:
        return SourceError(ImportProblem(self.spec.name, line, "", message(code, data)))

    def _unreadable(self, line: int, exc: Exception) -> SourceError:
        if isinstance(exc, UnicodeDecodeError):
            return self._not_utf8(line)
        if isinstance(exc, csv.Error):
            return self._problem(line, "CSV_LINE_UNREADABLE", error=exc)
        return self._problem(line, "FILE_UNREADABLE", name=self.label, error=exc)

    def header(self) -> list[str] | None:
        try:
            self._file = self.path.open(encoding="utf-8-sig", newline="")
            self._lines = iter(self._file)
            first = next(self._lines, None)
            if first is None:
                return None
            self._line = 1
            self._separator = detect_separator(first)
            return self._split(first)
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            raise self._unreadable(1, exc) from None

    def _split(self, text: str) -> list[str]:
        if '"' not in text:
            return text.rstrip("\r\n").split(self._separator)
        row, extra = self._quoted(text)
        self._line += extra
        return row

    def _quoted(self, first: str) -> tuple[list[str], int]:
        """A line with quotes, parsed by ``csv`` with the lines a value may run over.

        Returns the cells and how many more lines were read.
        """
        lines = self._lines
        extra = 0

        def feed() -> Iterator[str]:
            nonlocal extra
            yield first
            for more in lines:
                extra += 1
                yield more

        return next(csv.reader(feed(), delimiter=self._separator), []), extra

    def chunks(self, kinds: Sequence[Kind | None], size: int) -> Iterator[list[Row]]:
        separator = self._separator
        lines = self._lines
        line = self._line
        try:
            while True:
                chunk: list[Row] = []
                append = chunk.append
                for text in islice(lines, size):
                    line += 1
                    if '"' in text:
                        row, extra = self._quoted(text)
                        append((line, row))
                        line += extra
                    else:
                        append((line, text.rstrip("\r\n").split(separator)))
                self._line = line
                if not chunk:
                    return
                yield chunk
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            raise self._unreadable(line, exc) from None

    def _not_utf8(self, near: int) -> SourceError:
        """The exact line of the first invalid byte (the text layer decodes by blocks)."""
        line = near
        with contextlib.suppress(OSError), self.path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                try:  # a UTF-8 sequence never holds a newline byte: lines decode alone
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    line = number
                    break
        return self._problem(line, "FILE_NOT_UTF8", name=self.label, line=line)

    def position(self) -> int:
        try:
            return int(self._file.buffer.tell()) if self._file is not None else 0
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def cell_text(value: object, kind: Kind | None) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime | dt.date):
        if kind is Kind.PERIOD:
            return f"{value.year:04d}-{value.month:02d}"
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class SheetTable(TableSource):
    def __init__(self, spec: TableSpec, workbook_name: str, sheet: Any) -> None:
        self.spec = spec
        self.label = f"{workbook_name}, feuille {sheet.title}"
        # The declared dimensions may be stale: read every row there is.
        self.size = int(sheet.max_row or 0)
        sheet.reset_dimensions()
        self._rows = sheet.iter_rows(values_only=True)
        self._done = 0

    def header(self) -> list[str] | None:
        first = next(self._rows, None)
        self._done = 1
        if first is None:
            return None
        return [cell_text(value, None) for value in first]

    def chunks(self, kinds: Sequence[Kind | None], size: int) -> Iterator[list[Row]]:
        kinds = list(kinds)
        width = len(kinds)
        line = 1
        chunk: list[Row] = []
        for values in self._rows:
            line += 1
            if len(values) > width:
                extra: list[Kind | None] = [None] * (len(values) - width)
                cells = [cell_text(v, k) for v, k in zip(values, kinds + extra, strict=True)]
            else:
                cells = [cell_text(v, k) for v, k in zip(values, kinds, strict=False)]
            chunk.append((line, cells))
            if len(chunk) >= size:
                self._done = line
                yield chunk
                chunk = []
        self._done = line
        if chunk:
            yield chunk

    def position(self) -> int:
        return self._done


@dataclass
class Source:
    """What PATH holds: the tables to import, the files read, the warnings."""

    tables: list[TableSource]
    files: list[tuple[str, str]]
    warnings: list[str] = field(default_factory=list)
    close: Callable[[], None] = lambda: None


def _known_tables() -> list[str]:
    return [spec.name for spec in TABLES]


def open_source(path: Path) -> Source:
    """Resolve PATH; raises :class:`ImportFailed` (one problem) when it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise _fail("import", "PATH_NOT_FOUND", path=path)
    if path.is_dir():
        return _open_folder(path)
    if path.suffix.lower() == ".xlsx":
        return _open_workbook(path)
    raise _fail("import", "NOT_A_SOURCE", name=path.name)


def _open_folder(folder: Path) -> Source:
    try:
        entries = sorted(p for p in folder.iterdir() if p.is_file())
    except OSError as exc:
        raise _fail("import", "FOLDER_UNREADABLE", folder=folder, error=exc) from None
    found: dict[str, Path] = {}
    warnings_: list[str] = []
    for entry in entries:
        if entry.suffix.lower() != ".csv":
            continue
        name = normalize_name(entry.stem)
        if name not in TABLES_BY_NAME:
            warnings_.append(warning_of("FILE_IGNORED", name=entry.name, known=_known_tables()))
            continue
        if name in found:
            raise _fail(
                entry.name,
                "TWO_FILES_FOR_TABLE",
                table=name,
                first=found[name].name,
                second=entry.name,
            )
        found[name] = entry
    if not found:
        raise _fail(
            "import", "NO_TABLE_IN_FOLDER", folder=folder, known=[s.name + ".csv" for s in TABLES]
        )
    tables: list[TableSource] = []
    files: list[tuple[str, str]] = []
    for name in sorted(found, key=TABLE_ORDER.__getitem__):
        entry = found[name]
        try:
            files.append((entry.name, sha256_of(entry)))
            tables.append(CsvTable(TABLES_BY_NAME[name], entry))
        except OSError as exc:
            raise _fail(entry.name, "FILE_UNREADABLE", name=entry.name, error=exc) from None
    return Source(tables, files, warnings_)


def _open_workbook(path: Path) -> Source:
    import openpyxl  # imported here: a CSV import never pays for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        digest = sha256_of(path)
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read: irrelevant here
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise _fail(path.name, "WORKBOOK_UNREADABLE", name=path.name, error=exc) from None
    found: dict[str, Any] = {}
    warnings_: list[str] = []
    for sheet in workbook.worksheets:
        name = normalize_name(sheet.title)
        if name not in TABLES_BY_NAME:
            warnings_.append(warning_of("SHEET_IGNORED", title=sheet.title, known=_known_tables()))
        elif name in found:
            workbook.close()
            raise _fail(path.name, "TWO_SHEETS_FOR_TABLE", table=name, name=path.name)
        else:
            found[name] = sheet
    if not found:
        workbook.close()
        raise _fail(
            path.name, "NO_SHEET_IN_WORKBOOK", name=path.name, known=[s.name for s in TABLES]
        )
    tables: list[TableSource] = [
        SheetTable(TABLES_BY_NAME[name], path.name, found[name])
        for name in sorted(found, key=TABLE_ORDER.__getitem__)
    ]
    return Source(tables, [(path.name, digest)], warnings_, close=workbook.close)
