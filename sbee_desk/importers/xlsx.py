"""A bounded reader of ``.xlsx`` workbooks: sheet names, then rows of cell values.

A workbook is a zip of XML parts, and both can be bombs: a few megabytes that
decompress to gigabytes, a shared-strings part of millions of strings, a single
cell of a billion characters, a row of millions of cells. openpyxl loads the shared
strings and the styles whole and keeps per-row data, so it is not used to read:
this module streams every part it needs through the C XML pull parser, block by
block, and refuses before the parser goes further than the limits below:

- the archive: number of members and declared uncompressed sizes, per part and in
  total (the zip module never inflates a member beyond its declared size);
- every block of every part, before the parser sees it: no DTD (no entity
  expansion), no CDATA, no text run longer than :data:`MAX_TEXT_BYTES`;
- while parsing: shared strings counted, rows numbered up to Excel's limit,
  cells of a row counted, only the first ``width`` cells of a row kept.

Elements are dropped as soon as they are read, so memory stays that of one block,
the shared strings and one chunk of rows. Every failure is a :class:`WorkbookError`
(a code worded in :mod:`sbee_desk.wording.errors`), never a library exception.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree
from lxml.etree import XMLPullParser

from sbee_desk.importers.results import WorkbookError

#: members of the archive (a workbook of a few sheets has about twenty)
MAX_MEMBERS = 10_000
#: declared uncompressed size of all members together
MAX_TOTAL_BYTES = 2 << 30
#: one worksheet, uncompressed (a full 1 048 576-row sheet of the export is ~500 MB)
MAX_SHEET_BYTES = 1 << 30
#: the shared strings, uncompressed (a 1 048 576-row sheet of clients, as Excel writes
#: it, holds ~2 million distinct texts in ~70 MB)
MAX_STRINGS_BYTES = 96 << 20
#: the shared strings, counted
MAX_STRINGS = 2_500_000
#: the shared strings' memory, estimated as they are read (a Python string costs about
#: 80 bytes plus its characters): the largest part of the import's 500 MB budget
MAX_STRINGS_MEMORY = 192 << 20
_STRING_COST = 80
#: any other part read (workbook, relationships, styles), uncompressed
MAX_PART_BYTES = 16 << 20
#: one text run between two tags: a cell of the export is a few dozen characters
MAX_TEXT_BYTES = 1 << 20
#: Excel's own limits
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 16_384
#: cells in one row element, whatever their columns
MAX_ROW_CELLS = 20_000
#: a cell value kept longer than this is cut (the row checks refuse it as too long)
MAX_CELL_CHARS = 4_096

BLOCK = 1 << 20

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_ID = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
#: built-in number formats that are dates (ECMA-376 18.8.30)
_BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})


_LOCAL: dict[str, str] = {}


def _local(tag: object) -> str:
    """The tag without its namespace (``""`` for a comment or a processing instruction)."""
    if not isinstance(tag, str):
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2] if len(_LOCAL) < 1000 else tag
    return name


def _stream(archive: zipfile.ZipFile, name: str, limit: int) -> Iterator[Any]:
    """The elements of part ``name`` as each ends, each block checked before it is parsed.

    When the caller is done with an element (its attributes and children are all
    there), its earlier siblings are dropped: the tree never holds more than the
    path to the current element and the last child of each of its ancestors.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise WorkbookError("XLSX_PART_MISSING", part=name) from None
    if info.file_size > limit:
        raise WorkbookError("XLSX_PART_TOO_LARGE", part=name, size=info.file_size, limit=limit)
    parser = XMLPullParser(
        events=("end",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    tail = b""
    run = 0  # bytes since the last "<", carried over blocks
    try:
        with archive.open(info) as part:
            while True:
                block = part.read(BLOCK)
                if block:
                    window = tail + block
                    if b"<!DOCTYPE" in window or b"<![CDATA[" in window or b"<!ENTITY" in window:
                        raise WorkbookError("XLSX_DTD", part=name)
                    tail = block[-16:]
                    pieces = block.split(b"<")
                    if len(pieces) == 1:
                        run += len(block)
                    else:
                        run = max(run + len(pieces[0]), max(map(len, pieces[1:-1]), default=0))
                        if run <= MAX_TEXT_BYTES:
                            run = len(pieces[-1])
                    if run > MAX_TEXT_BYTES:
                        raise WorkbookError("XLSX_TEXT_TOO_LONG", part=name, limit=MAX_TEXT_BYTES)
                    parser.feed(block)
                else:
                    parser.close()
                for _event, element in parser.read_events():
                    yield element
                    parent = element.getparent()
                    if parent is not None:
                        while element.getprevious() is not None:
                            del parent[0]
                if not block:
                    return
    except WorkbookError:
        raise
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise WorkbookError("XLSX_PART_DAMAGED", part=name, line=line) from None
    except (
        etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ):
        raise WorkbookError("XLSX_PART_DAMAGED", part=name, line=0) from None


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Id → target path of the relationships of ``part``."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    targets: dict[str, str] = {}
    for element in _stream(archive, rels, MAX_PART_BYTES):
        if _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            if element.get("TargetMode") == "External":
                continue
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            targets[element.get("Id", "")] = posixpath.normpath(path)
            if len(targets) > MAX_MEMBERS:
                raise WorkbookError("XLSX_PART_DAMAGED", part=rels, line=0)
    return targets


class Workbook:
    """An opened ``.xlsx``: its sheets by title; :meth:`rows` streams one of them."""

    def __init__(self, path: Any) -> None:
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
            raise WorkbookError("XLSX_NOT_A_ZIP") from None
        try:
            self._check_archive()
            self._open()
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    def sheet_bytes(self, title: str) -> int:
        """The uncompressed size of a sheet's XML (for progress)."""
        info = self.archive.NameToInfo.get(self.sheets[title])
        return info.file_size if info is not None else 0

    def _check_archive(self) -> None:
        members = self.archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise WorkbookError("XLSX_TOO_MANY_PARTS", count=len(members), limit=MAX_MEMBERS)
        total = sum(info.file_size for info in members)
        if total > MAX_TOTAL_BYTES:
            raise WorkbookError("XLSX_TOO_LARGE", size=total, limit=MAX_TOTAL_BYTES)

    def _open(self) -> None:
        root = _relationships(self.archive, "")
        main = next(
            (p for p in root.values() if p.endswith(".xml") and "workbook" in p),
            "xl/workbook.xml",
        )
        rels = _relationships(self.archive, main)
        self.epoch = dt.datetime(1899, 12, 30)
        #: sheet title → part name, in the workbook's order
        self.sheets: dict[str, str] = {}
        for element in _stream(self.archive, main, MAX_PART_BYTES):
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = dt.datetime(1904, 1, 1)
            elif tag == "sheet":
                rid = next((element.get(k) for k in _REL_ID if element.get(k)), None)
                target = rels.get(rid or "")
                if target is None:
                    raise WorkbookError("XLSX_PART_DAMAGED", part=main, line=0)
                self.sheets[element.get("name", "")] = target
                if len(self.sheets) > MAX_MEMBERS:
                    raise WorkbookError("XLSX_PART_DAMAGED", part=main, line=0)
        if not self.sheets:
            raise WorkbookError("XLSX_NO_SHEET")
        kinds = {posixpath.basename(p): p for p in rels.values()}
        styles = next((p for b, p in kinds.items() if b.startswith("styles")), None)
        strings = next((p for b, p in kinds.items() if b.startswith("sharedStrings")), None)
        self.date_styles = self._date_styles(styles)
        self.strings = self._shared_strings(strings)

    def _date_styles(self, part: str | None) -> frozenset[int]:
        """Indexes of the cell formats that show a number as a date."""
        if part is None or part not in self.archive.NameToInfo:
            return frozenset()
        from openpyxl.styles.numbers import is_date_format

        custom: dict[int, bool] = {}
        dates: set[int] = set()
        index = -1
        for element in _stream(self.archive, part, MAX_PART_BYTES):
            tag = _local(element.tag)
            if tag == "numFmt":
                fmt_id = _int(element.get("numFmtId"))
                if fmt_id is not None:
                    custom[fmt_id] = bool(is_date_format(element.get("formatCode", "")))
            elif tag == "xf" and _local(element.getparent().tag) == "cellXfs":
                index += 1
                fmt = _int(element.get("numFmtId")) or 0
                if custom.get(fmt, fmt in _BUILTIN_DATE_FORMATS):
                    dates.add(index)
        return frozenset(dates)

    def _shared_strings(self, part: str | None) -> list[str]:
        if part is None or part not in self.archive.NameToInfo:
            return []
        strings: list[str] = []
        texts = _Texts()
        memory = 0
        for element in _stream(self.archive, part, MAX_STRINGS_BYTES):
            tag = _local(element.tag)
            if tag == "t":
                texts.add(element)
            elif tag == "si":
                text = texts.pop()
                strings.append(text)
                memory += _STRING_COST + len(text)
                if memory > MAX_STRINGS_MEMORY:
                    raise WorkbookError("XLSX_STRINGS_TOO_LARGE", limit=MAX_STRINGS_MEMORY)
                if len(strings) > MAX_STRINGS:
                    raise WorkbookError("XLSX_TOO_MANY_STRINGS", limit=MAX_STRINGS)
        return strings

    def rows(self, title: str, width: Callable[[], int]) -> Iterator[tuple[int, list[object]]]:
        """``(row number, values)`` of the non-empty rows of sheet ``title``.

        ``width()`` is asked for each row: values beyond it are kept only when not
        empty, at most 16 of them (enough to report them). Values are ``str``,
        ``int``, ``float``, ``bool`` or ``datetime``, or None for an empty cell.
        """
        part = self.sheets[title]
        strings = self.strings
        date_styles = self.date_styles
        number = 0
        values: list[object] = []
        extra = cells = column = 0
        current: Any = None  # the row element the cells belong to
        value: str | None = None
        inline = _Texts()
        for element in _stream(self.archive, part, MAX_SHEET_BYTES):
            tag = _local(element.tag)
            if tag == "v":
                value = element.text
            elif tag == "t":
                inline.add(element)
            elif tag == "c":
                row = element.getparent()
                if row is None or _local(row.tag) != "row":
                    continue
                if row is not current:
                    current = row
                    number = _row_number(row, number)
                    values = []
                    extra = cells = column = 0
                cells += 1
                if cells > MAX_ROW_CELLS:
                    raise WorkbookError("XLSX_ROW_TOO_WIDE", row=number, limit=MAX_ROW_CELLS)
                ref = element.get("r")
                column = _column(ref) if ref else column + 1
                text, value = value, None
                try:
                    cell = _cell(
                        element.get("t", "n"),
                        text,
                        inline.pop(),
                        _int(element.get("s")) or 0,
                        strings,
                        date_styles,
                        self.epoch,
                    )
                except (ValueError, IndexError, OverflowError):
                    raise WorkbookError("XLSX_BAD_CELL", row=number, column=column) from None
                if cell is None or not 1 <= column <= MAX_SHEET_COLUMNS:
                    continue
                limit = width()
                if column <= limit:
                    if column > len(values):
                        values.extend([None] * (column - len(values)))
                    values[column - 1] = cell
                elif extra < 16:
                    extra += 1
                    values.extend([None] * (limit - len(values)))
                    values.append(cell)
            elif tag == "row":
                if element is not current:  # a row without cells
                    number = _row_number(element, number)
                    values = []
                current = None
                if values:
                    yield number, values
                values = []


class _Texts:
    """The ``t`` elements of one string (rich text has several), the phonetic hints
    (``rPh``) left out, up to :data:`MAX_CELL_CHARS` characters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, element: Any) -> None:
        parent = element.getparent()
        if self.size < MAX_CELL_CHARS and (parent is None or _local(parent.tag) != "rPh"):
            text = element.text or ""
            self.parts.append(text)
            self.size += len(text)

    def pop(self) -> str:
        text = "".join(self.parts)[:MAX_CELL_CHARS]
        self.parts.clear()
        self.size = 0
        return text


def _row_number(row: Any, previous: int) -> int:
    given = _int(row.get("r"))
    number = given if given is not None else previous + 1
    if number > MAX_SHEET_ROWS or number < 1:
        raise WorkbookError("XLSX_TOO_MANY_ROWS", limit=MAX_SHEET_ROWS)
    return number


def _cell(
    cell_type: str,
    value: str | None,
    inline: str | None,
    style: int,
    strings: list[str],
    date_styles: frozenset[int],
    epoch: dt.datetime,
) -> object:
    """The value of one cell; raises ValueError / IndexError when it makes no sense."""
    if cell_type == "inlineStr":
        return inline or None
    if value is None:
        return None
    if cell_type == "s":
        return strings[int(value)]
    if cell_type in ("str", "e"):
        return value[:MAX_CELL_CHARS]
    if cell_type == "b":
        return value.strip() in ("1", "true")
    if cell_type == "d":
        return value[:MAX_CELL_CHARS]
    number: float = float(value) if any(c in value for c in ".eE") else int(value)
    if style in date_styles and 0 <= number < 2_958_466:  # up to 9999-12-31
        return epoch + dt.timedelta(days=float(number))
    if isinstance(number, float) and number != number:  # NaN
        return value[:MAX_CELL_CHARS]
    return number


def _int(text: str | None) -> int | None:
    if text is None or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _column(ref: str) -> int:
    """``"AB12"`` → 28."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
            if number > MAX_SHEET_COLUMNS:
                return MAX_SHEET_COLUMNS + 1
        else:
            break
    return number
