"""Where the rows come from: a folder of CSV files or one ``.xlsx`` workbook.

:func:`open_source` resolves PATH into the tables present (in dependency order),
the files read with their SHA-256, and warnings about what is ignored. Each
:class:`TableSource` then streams its rows as ``(line, cells)`` where ``line`` is
the physical line of the file (header = 1) or the sheet's row number, and the
cells are text: the CSV is split by ``str.split`` or the C ``csv`` module, workbook
cells (read by the bounded :mod:`sbee_desk.importers.xlsx`: Excel dates, numbers,
text) are turned into the text the CSV would hold. Nothing is kept in memory but one
chunk of rows, bounded in rows and in characters whatever the file; anything that
cannot be read is a :class:`SourceError` worded in French, never a library's text.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sbee_desk.importers.formats import TABLE_ORDER, TABLES, TABLES_BY_NAME, Kind, TableSpec
from sbee_desk.importers.results import ImportFailed, ImportProblem, WorkbookError, warning_of
from sbee_desk.importers.rows import MAX_COLUMNS
from sbee_desk.importers.values import detect_separator, normalize_name, shown
from sbee_desk.importers.xlsx import Workbook
from sbee_desk.wording.errors import message

Row = tuple[int, list[str]]

#: a line longer than this is not a line of the export (a few hundred characters)
MAX_LINE_CHARS = 65_536
#: lines a quoted value may run over (an address typed with line breaks)
MAX_QUOTED_LINES = 100
#: a chunk of rows holds at most about this many characters, whatever its rows
CHUNK_CHARS = 4 << 20


class SourceError(Exception):
    """A table that cannot be read further (encoding, I/O): its problem."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def scan_file(path: Path) -> tuple[str, bool]:
    """The SHA-256 of a file and whether it is all valid UTF-8, in one reading."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest(), utf8


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
    warnings: list[str]  # French, for the import report (file read as Windows-1252…)

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


class _Unclosed(Exception):
    """A quoted value still open at the end of the file or after too many lines."""


class CsvTable(TableSource):
    """A CSV file as the agency's tools save it (import-format.md).

    Encoding: a BOM says UTF-8 or UTF-16; without one, UTF-8 if the whole file is
    valid UTF-8 (``utf8``, known from :func:`scan_file`), else Windows-1252 (with a
    warning). Separator ``;``, ``,`` or tab, detected on the header.

    A line without a quote is split with ``str.split`` (several times faster than
    the ``csv`` module); a line with quotes goes through ``csv``, with the lines a
    quoted value may run over (at most :data:`MAX_QUOTED_LINES`). Memory is bounded
    whatever the file: lines of at most :data:`MAX_LINE_CHARS` characters, chunks of
    at most :data:`CHUNK_CHARS` characters.
    """

    def __init__(self, spec: TableSpec, path: Path, utf8: bool | None = None) -> None:
        self.spec = spec
        self.path = path
        self.label = path.name
        self.size = path.stat().st_size
        self.warnings: list[str] = []
        self._utf8 = utf8
        self._encoding = "utf-8"
        self._file: Any = None
        self._readline: Callable[[], str] = lambda: ""
        self._separator = ";"
        self._line = 0

    def _problem(self, line: int, code: str, /, **data: Any) -> SourceError:
        return SourceError(ImportProblem(self.spec.name, line, "", message(code, data)))

    def _unreadable(self, line: int, exc: Exception) -> SourceError:
        if isinstance(exc, UnicodeDecodeError):
            return self._undecodable(line)
        if isinstance(exc, csv.Error):
            return self._problem(line, "CSV_LINE_UNREADABLE")
        assert isinstance(exc, OSError)
        return self._problem(line, "FILE_UNREADABLE", name=self.label, error=exc)

    def _encoding_of(self) -> str:
        with self.path.open("rb") as f:
            start = f.read(3)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        if self._utf8 is None:
            self._utf8 = scan_file(self.path)[1]
        if self._utf8:
            return "utf-8"
        self.warnings.append(warning_of("FILE_READ_AS_CP1252", name=self.label))
        return "cp1252"

    def header(self) -> list[str] | None:
        try:
            self._encoding = self._encoding_of()
            self._file = self.path.open(encoding=self._encoding, newline="")
            self._readline = functools.partial(self._file.readline, MAX_LINE_CHARS)
            first = self._readline()
            if not first:
                return None
            self._line = 1
            self._check_length(first, 1)
            self._separator = detect_separator(first)
            return self._split(first)
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            raise self._unreadable(1, exc) from None

    def _check_length(self, text: str, line: int) -> None:
        if len(text) >= MAX_LINE_CHARS and text[-1] not in "\r\n":
            raise self._problem(line, "CSV_LINE_TOO_LONG", limit=MAX_LINE_CHARS)

    def _split(self, text: str) -> list[str]:
        if '"' not in text:
            return text.rstrip("\r\n").split(self._separator)
        row, extra = self._quoted(text, self._line)
        self._line += extra
        return row

    def _quoted(self, first: str, line: int) -> tuple[list[str], int]:
        """A line with quotes, parsed by ``csv`` with the lines a value may run over.

        Returns the cells and how many more lines were read. A quote still open at
        the end of the file, or after :data:`MAX_QUOTED_LINES` more lines, is a
        problem of the line that opened it (the rest of the file is not read).
        """
        readline = self._readline
        extra = 0
        eof = False

        def feed() -> Iterator[str]:
            nonlocal extra, eof
            yield first
            while True:
                if extra >= MAX_QUOTED_LINES:
                    raise _Unclosed
                more = readline()
                if not more:
                    eof = True
                    raise _Unclosed
                extra += 1
                if len(more) >= MAX_LINE_CHARS and more[-1] not in "\r\n":
                    raise _Unclosed
                yield more

        try:
            return next(csv.reader(feed(), delimiter=self._separator), []), extra
        except _Unclosed:
            raise self._problem(
                line, "CSV_UNCLOSED_QUOTE", line=line, eof=eof, limit=MAX_QUOTED_LINES
            ) from None

    def chunks(self, kinds: Sequence[Kind | None], size: int) -> Iterator[list[Row]]:
        separator = self._separator
        readline = self._readline
        line = self._line
        try:
            while True:
                chunk: list[Row] = []
                append = chunk.append
                chars = 0
                count = 0
                while count < size and chars < CHUNK_CHARS:
                    text = readline()
                    if not text:
                        break
                    line += 1
                    count += 1
                    length = len(text)
                    if length >= MAX_LINE_CHARS:
                        self._check_length(text, line)
                    chars += length
                    if '"' in text:
                        row, extra = self._quoted(text, line)
                        append((line, row))
                        line += extra
                        chars += sum(map(len, row))
                    else:
                        append((line, text.rstrip("\r\n").split(separator)))
                self._line = line
                if not chunk:
                    return
                yield chunk
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            raise self._unreadable(line + 1, exc) from None

    def _undecodable(self, near: int) -> SourceError:
        """The exact line of the first undecodable byte (the text layer decodes by blocks)."""
        line = near
        if self._encoding != "utf-16":  # byte lines decode alone in UTF-8 and cp1252
            with contextlib.suppress(OSError), self.path.open("rb") as f:
                for number, raw in enumerate(f, start=1):
                    try:
                        raw.decode(self._encoding)
                    except UnicodeDecodeError:
                        line = number
                        break
        return self._problem(line, "FILE_UNDECODABLE", name=self.label, line=line)

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
    """One sheet of a workbook, read by :mod:`sbee_desk.importers.xlsx` (bounded)."""

    def __init__(self, spec: TableSpec, workbook_name: str, workbook: Workbook, title: str) -> None:
        self.spec = spec
        self.label = f"{workbook_name}, feuille {title}"
        self.name = workbook_name
        self.warnings: list[str] = []
        self._width = MAX_COLUMNS + 1
        self._rows = workbook.rows(title, lambda: self._width)
        self.size = max(workbook.sheet_bytes(title) // 100, 1)  # ~100 bytes of XML a row
        self._done = 0

    def _problem(self, exc: WorkbookError) -> SourceError:
        data = {"name": self.name, "sheet": self.label, **exc.data}
        return SourceError(
            ImportProblem(self.spec.name, self._done + 1, "", message(exc.code, data))
        )

    def header(self) -> list[str] | None:
        try:
            first = next(self._rows, None)
        except WorkbookError as exc:
            raise self._problem(exc) from None
        if first is None:
            return None
        self._done, values = first
        cells = [cell_text(value, None) for value in values]
        while cells and not cells[-1].strip():
            cells.pop()
        self._width = len(cells)
        return cells

    def chunks(self, kinds: Sequence[Kind | None], size: int) -> Iterator[list[Row]]:
        kinds = list(kinds)
        width = len(kinds)
        chunk: list[Row] = []
        chars = 0
        try:
            for line, values in self._rows:
                self._done = line
                if len(values) > width:
                    extra: list[Kind | None] = [None] * (len(values) - width)
                    cells = [cell_text(v, k) for v, k in zip(values, kinds + extra, strict=True)]
                else:
                    cells = [cell_text(v, k) for v, k in zip(values, kinds, strict=False)]
                chunk.append((line, cells))
                chars += sum(map(len, cells))
                if len(chunk) >= size or chars >= CHUNK_CHARS:
                    yield chunk
                    chunk = []
                    chars = 0
        except WorkbookError as exc:
            raise self._problem(exc) from None
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
    if path.suffix.lower() == ".csv":
        if normalize_name(path.stem) not in TABLES_BY_NAME:
            raise _fail(
                "import",
                "NOT_A_TABLE_FILE",
                name=path.name,
                known=[s.name + ".csv" for s in TABLES],
            )
        return _open_files([path], [])
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
            warnings_.append(
                warning_of("FILE_IGNORED", name=shown(entry.name), known=_known_tables())
            )
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
    return _open_files(list(found.values()), warnings_)


def _open_files(paths: list[Path], warnings_: list[str]) -> Source:
    """CSV files named after their tables (one each), in dependency order."""
    tables: list[TableSource] = []
    files: list[tuple[str, str]] = []
    for entry in sorted(paths, key=lambda p: TABLE_ORDER[normalize_name(p.stem)]):
        try:
            digest, utf8 = scan_file(entry)
            files.append((entry.name, digest))
            tables.append(CsvTable(TABLES_BY_NAME[normalize_name(entry.stem)], entry, utf8))
        except OSError as exc:
            raise _fail(entry.name, "FILE_UNREADABLE", name=entry.name, error=exc) from None
    return Source(tables, files, warnings_)


def _open_workbook(path: Path) -> Source:
    try:
        digest = sha256_of(path)
        workbook = Workbook(path)
    except OSError as exc:
        raise _fail(path.name, "WORKBOOK_UNREADABLE", name=path.name, error=exc) from None
    except WorkbookError as exc:
        problem = ImportProblem(
            path.name, 0, "", message(exc.code, {"name": path.name, **exc.data})
        )
        raise ImportFailed([problem]) from None
    found: dict[str, str] = {}
    warnings_: list[str] = []
    for title in workbook.sheets:
        name = normalize_name(title)
        if name not in TABLES_BY_NAME:
            warnings_.append(warning_of("SHEET_IGNORED", title=shown(title), known=_known_tables()))
        elif name in found:
            workbook.close()
            raise _fail(path.name, "TWO_SHEETS_FOR_TABLE", table=name, name=path.name)
        else:
            found[name] = title
    if not found:
        workbook.close()
        raise _fail(
            path.name, "NO_SHEET_IN_WORKBOOK", name=path.name, known=[s.name for s in TABLES]
        )
    tables: list[TableSource] = [
        SheetTable(TABLES_BY_NAME[name], path.name, workbook, found[name])
        for name in sorted(found, key=TABLE_ORDER.__getitem__)
    ]
    return Source(tables, [(path.name, digest)], warnings_, close=workbook.close)
