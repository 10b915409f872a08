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
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from sbee_desk.importers.results import WorkbookError

#: members of the archive (a workbook of a few sheets has about twenty)
MAX_MEMBERS = 10_000
#: declared uncompressed size of all members together
MAX_TOTAL_BYTES = 2 << 30
#: one worksheet, uncompressed (a full 1 048 576-row sheet of the export is ~500 MB)
MAX_SHEET_BYTES = 1 << 30
#: the shared strings, uncompressed
MAX_STRINGS_BYTES = 64 << 20
#: the shared strings, counted
MAX_STRINGS = 2_000_000
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


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _stream(archive: zipfile.ZipFile, name: str, limit: int) -> Iterator[tuple[str, Element]]:
    """``(event, element)`` of part ``name``, each block checked before it is parsed.

    Every element is cleared from its parent once ended: the caller reads an
    element's attributes at ``start`` and its text at ``end``.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise WorkbookError("XLSX_PART_MISSING", part=name) from None
    if info.file_size > limit:
        raise WorkbookError("XLSX_PART_TOO_LARGE", part=name, size=info.file_size, limit=limit)
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    stack: list[Element] = []
    tail = b""
    run = 0  # bytes since the last "<", carried over blocks
    try:
        with archive.open(info) as part:
            while block := part.read(BLOCK):
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
                for event, element in _events(parser):
                    yield event, element
                    if event == "start":
                        stack.append(element)
                    else:
                        if stack:
                            stack.pop()
                        if stack:
                            stack[-1].clear()
                        else:
                            element.clear()
            parser.close()
            yield from _events(parser)
    except WorkbookError:
        raise
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise WorkbookError("XLSX_PART_DAMAGED", part=name, line=line) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise WorkbookError("XLSX_PART_DAMAGED", part=name, line=0) from None


def _events(parser: XMLPullParser[Element]) -> Iterator[tuple[str, Element]]:
    """The parser's start and end events (its other kinds are not asked for)."""
    for item in parser.read_events():
        yield cast(tuple[str, Element], item)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Id → target path of the relationships of ``part``."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    targets: dict[str, str] = {}
    for event, element in _stream(archive, rels, MAX_PART_BYTES):
        if event == "start" and _local(element.tag) == "Relationship":
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
        for event, element in _stream(self.archive, main, MAX_PART_BYTES):
            if event != "start":
                continue
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
        in_xfs = False
        for event, element in _stream(self.archive, part, MAX_PART_BYTES):
            tag = _local(element.tag)
            if tag == "cellXfs":
                in_xfs = event == "start"
            elif event == "start" and tag == "numFmt":
                fmt_id = _int(element.get("numFmtId"))
                if fmt_id is not None:
                    custom[fmt_id] = bool(is_date_format(element.get("formatCode", "")))
            elif event == "start" and tag == "xf" and in_xfs:
                index += 1
                fmt = _int(element.get("numFmtId")) or 0
                if custom.get(fmt, fmt in _BUILTIN_DATE_FORMATS):
                    dates.add(index)
        return frozenset(dates)

    def _shared_strings(self, part: str | None) -> list[str]:
        if part is None or part not in self.archive.NameToInfo:
            return []
        strings: list[str] = []
        texts: list[str] = []
        phonetic = 0
        for event, element in _stream(self.archive, part, MAX_STRINGS_BYTES):
            tag = _local(element.tag)
            if tag == "rPh":
                phonetic += 1 if event == "start" else -1
            elif event == "end" and tag == "t" and not phonetic:
                texts.append(element.text or "")
            elif event == "end" and tag == "si":
                strings.append("".join(texts)[:MAX_CELL_CHARS])
                texts.clear()
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
        extra = 0
        cells = 0
        column = 0
        cell_type = ""
        style = 0
        value: str | None = None
        inline: list[str] = []
        in_row = False
        for event, element in _stream(self.archive, part, MAX_SHEET_BYTES):
            tag = _local(element.tag)
            if event == "start":
                if tag == "c" and in_row:
                    ref = element.get("r")
                    column = _column(ref) if ref else column + 1
                    cell_type = element.get("t", "n")
                    style = _int(element.get("s")) or 0
                    value = None
                    inline.clear()
                    cells += 1
                    if cells > MAX_ROW_CELLS:
                        raise WorkbookError("XLSX_ROW_TOO_WIDE", row=number, limit=MAX_ROW_CELLS)
                elif tag == "row":
                    if in_row:
                        raise WorkbookError("XLSX_PART_DAMAGED", part=part, line=0)
                    in_row = True
                    given = _int(element.get("r"))
                    number = given if given is not None else number + 1
                    if number > MAX_SHEET_ROWS or number < 1:
                        raise WorkbookError("XLSX_TOO_MANY_ROWS", limit=MAX_SHEET_ROWS)
                    values = []
                    extra = cells = column = 0
                continue
            if tag == "v":
                value = element.text
            elif tag == "t":
                inline.append(element.text or "")
            elif tag == "c" and in_row:
                try:
                    cell = _cell(cell_type, value, inline, style, strings, date_styles, self.epoch)
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
                in_row = False
                if values:
                    yield number, values


def _cell(
    cell_type: str,
    value: str | None,
    inline: list[str],
    style: int,
    strings: list[str],
    date_styles: frozenset[int],
    epoch: dt.datetime,
) -> object:
    """The value of one cell; raises ValueError / IndexError when it makes no sense."""
    if cell_type == "inlineStr":
        return "".join(inline)[:MAX_CELL_CHARS] if inline else None
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
