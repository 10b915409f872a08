"""TrueType fonts parsed once per process and embedded without fontTools (#18).

fpdf2 parses a font file with fontTools every time a document adds it
(``FPDF.add_font`` → ``TTFFont``), then, when the document is written, subsets the
parsed font with fontTools and saves it: for a one-page letter, about two thirds of
its time. The edition writes thousands of them a night, each its own PDF.

Here a font file is parsed once per process (:func:`shared_font`) and each
document gets a light copy of fpdf2's font object (:func:`document_font`) sharing
everything fpdf2 never changes while drawing (widths, character map, descriptor)
with a subset map of its own (the glyphs that document uses). When the document is
written, :func:`add_shared_fonts` embeds a TrueType subset of those glyphs cut
from the file's raw bytes: the glyphs the document uses (and the glyphs they are
made of) keep their data, the others are left empty — fontTools' ``retain_gids``
subsetting, done by slicing bytes prepared once. Same glyphs, same widths, same
text mapping as fpdf2's own path: the documents show the same thing, and weigh
about the same (the glyph index and metrics of the unused glyphs take a few empty
entries).

Only plain TrueType outlines are handled so (DejaVu Sans): any other font, or a
PDF/A document, goes through fpdf2's own path with a font parsed for it.
"""

from __future__ import annotations

import array
import copy
import io
import itertools
import struct
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import (
    LOGGER,
    CIDSystemInfo,
    PDFFont,
    PDFFontStream,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name, PDFArray, PDFContentStream

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.output import OutputProducer

#: the tables a TrueType font embedded in a PDF needs (outlines, metrics, hinting)
_KEPT = frozenset(
    {b"cmap", b"cvt ", b"fpgm", b"gasp", b"head", b"hhea", b"hmtx", b"maxp", b"name", b"OS/2"}
    | {b"post", b"prep"}
)
#: characters the embedded font's own character map lists (viewers use the PDF's
#: CIDToGIDMap; the table is there for strict checkers): Latin and punctuation
_CMAP_RANGES = ((0x20, 0x24F), (0x2000, 0x206F), (0x20AC, 0x20AC))
#: names the embedded font keeps (family, style, unique name, full name, version,
#: PostScript name, copyright) — the licence text stays in resources/fonts
_NAME_IDS = frozenset(range(7))


class _Stats:
    """What this process parsed (read by the tests: a font is parsed once)."""

    parses = 0
    prepared = 0


stats = _Stats()


@dataclass
class SharedFont:
    """A font file parsed once: fpdf2's font object (the template of every document's)
    and, prepared on first use, the raw pieces its embedded subsets are cut from."""

    path: Path
    template: TTFFont
    #: text → its advance width in font units, for the documents' measures
    widths: dict[str, float] = field(default_factory=dict)
    _pieces: _Pieces | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedFont:
        return self  # one per process (fpdf2's recorder deep-copies a document's state)

    def pieces(self) -> _Pieces:
        with self._lock:
            if self._pieces is None:
                self._pieces = _Pieces.read(self.path)
                stats.prepared += 1
            return self._pieces


_CACHE: dict[tuple[str, str, str, int, int], SharedFont] = {}
_CACHE_LOCK = threading.Lock()


def shared_font(path: Path, fontkey: str, style: str) -> SharedFont | None:
    """The font of ``path`` parsed once per process (None: not a plain TrueType font,
    left to fpdf2)."""
    stat = path.stat()
    key = (str(path.resolve()), fontkey, style, stat.st_size, stat.st_mtime_ns)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            return found
        if path.suffix.lower() != ".ttf":
            return None
        from fpdf import FPDF

        template = TTFFont(FPDF(), path, fontkey, style)
        stats.parses += 1
        ttfont = template.ttfont
        plain = "glyf" in ttfont and not template.is_cff and template.color_font is None
        ttfont.close()  # every table fpdf2 needs is read; the file is not kept open
        if not plain:
            return None
        shared = SharedFont(path, template)
        _CACHE[key] = shared
        return shared


def clear_cache() -> None:
    """Forget every parsed font (tests)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def document_font(shared: SharedFont, pdf: FPDF) -> TTFFont:
    """A font object for one document: fpdf2's, sharing with the other documents what
    fpdf2 only reads, with its own subset map (see :meth:`TTFFont.__deepcopy__`, which
    shares the same parts for fpdf2's recorder)."""
    template = shared.template
    font: TTFFont = TTFFont.__new__(TTFFont)
    for name in TTFFont.__slots__:
        if hasattr(template, name):
            setattr(font, name, getattr(template, name))
    font.i = len(pdf.fonts) + 1
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    font.ttfont = _OwnFont(font)
    return font


class _OwnFont:
    """Stands for a document's fontTools font until something needs it: fpdf2's own
    output (a PDF/A document, or ``FPDF.output`` called directly) subsets that font in
    place, so the document then gets one of its own, parsed from the file — never the
    shared one. Attributes set before are set on it when it is made."""

    def __init__(self, font: TTFFont) -> None:
        object.__setattr__(self, "_font", font)
        object.__setattr__(self, "_real", None)
        object.__setattr__(self, "_settings", {})

    def _load(self) -> TTFont:
        real: TTFont | None = object.__getattribute__(self, "_real")
        if real is None:
            font: TTFFont = object.__getattribute__(self, "_font")
            real = TTFont(font.ttffile, recalcTimestamp=False, lazy=True)
            for name, value in object.__getattribute__(self, "_settings").items():
                setattr(real, name, value)
            object.__setattr__(self, "_real", real)
            font.ttfont = real
        return real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._load(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        real = object.__getattribute__(self, "_real")
        if real is None:
            object.__getattribute__(self, "_settings")[name] = value
        else:
            setattr(real, name, value)

    def __contains__(self, tag: str) -> bool:
        return tag in self._load()

    def __getitem__(self, tag: str) -> Any:
        return self._load()[tag]

    def __setitem__(self, tag: str, value: Any) -> None:
        self._load()[tag] = value

    def __delitem__(self, tag: str) -> None:
        del self._load()[tag]

    def close(self) -> None:
        real = object.__getattribute__(self, "_real")
        if real is not None:
            real.close()


def is_shared(font: object) -> bool:
    """Whether ``font`` (a document's) still uses the font parsed once (:func:`document_font`)."""
    return isinstance(getattr(font, "ttfont", None), _OwnFont) and (
        object.__getattribute__(font.ttfont, "_real") is None  # type: ignore[attr-defined]
    )


def add_shared_fonts(
    producer: OutputProducer, fonts: Iterable[tuple[TTFFont, SharedFont]]
) -> dict[int, Any]:
    """fpdf2's ``OutputProducer._add_fonts`` for the shared fonts: the same PDF objects,
    with the embedded font cut from the prepared pieces instead of by fontTools."""
    objects: dict[int, Any] = {}
    for font, shared in fonts:
        pieces = shared.pieces()
        fontname = f"MPDFAA+{font.name}"
        if font.missing_glyphs:
            shown = ", ".join(
                f"'{chr(x)}' ({chr(x).encode('unicode-escape').decode()})"
                for x in font.missing_glyphs[:10]
            )
            if len(font.missing_glyphs) > 10:
                shown += f", ... (and {len(font.missing_glyphs) - 10} others)"
            LOGGER.warning("Font %s is missing the following glyphs: %s", fontname, shown)
        code_to_glyph: dict[int, int] = {}
        for glyph, code in font.subset.items():
            if glyph is not None:
                code_to_glyph[code] = pieces.gid_of.get(glyph.glyph_name, 0)

        composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        producer._add_pdf_obj(composite, "fonts")
        objects[font.i] = composite
        cid_font = PDFFont(
            subtype="CIDFontType2",
            base_font=fontname,
            d_w=font.desc.missing_width,
            w=_tt_font_widths(font),
        )
        producer._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])

        bf_char = []
        for glyph, code in font.subset.items():
            if glyph is None or not isinstance(glyph.unicode, tuple) or not glyph.unicode:
                continue
            bf_char.append(f"<{code:04X}> <{''.join(_utf16(u) for u in glyph.unicode)}>\n")
        to_unicode = PDFContentStream(
            (
                "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                f"{_build_cmap_blocks(bf_char, 'bfchar')}"
                "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
            ).encode("latin-1")
        )
        producer._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode

        system_info = CIDSystemInfo()
        producer._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info

        descriptor = copy.copy(font.desc)  # the shared one stays as fpdf2 made it
        descriptor.font_name = Name(fontname)
        producer._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor

        cid_to_gid = bytearray(0x20000)
        for code, gid in code_to_glyph.items():
            cid_to_gid[code * 2] = gid >> 8
            cid_to_gid[code * 2 + 1] = gid & 0xFF
        cid_map = PDFContentStream(contents=bytes(cid_to_gid), compress=True)
        producer._add_pdf_obj(cid_map, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_map

        font_file = PDFFontStream(contents=pieces.subset(code_to_glyph.values()))
        producer._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file  # type: ignore[attr-defined]

        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
    return objects


def _utf16(code: int) -> str:
    if code > 0xFFFF:  # a surrogate pair
        return f"{0xD800 | (code - 0x10000) >> 10:04X}{0xDC00 | (code & 0x3FF):04X}"
    return f"{code:04X}"


# --------------------------------------------------------------------------- the font file


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = array.array("I", padded)
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


@dataclass
class _Pieces:
    """A TrueType file taken apart once: its constant tables, ready to write, and each
    glyph's outline bytes."""

    tables: dict[bytes, bytes]
    checksums: dict[bytes, int]
    head: bytes
    glyphs: list[bytes]
    gid_of: dict[str, int]
    long_metrics: int  # hhea.numberOfHMetrics: glyphs with an advance of their own in hmtx
    _parts: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> _Pieces:
        data = path.read_bytes()
        (count,) = struct.unpack_from(">H", data, 4)
        raw: dict[bytes, bytes] = {}
        for n in range(count):
            tag, _sum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * n)
            raw[tag] = data[offset : offset + length]
        font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False)
        try:
            order = font.getGlyphOrder()
            glyph_count = len(order)
            long_loca = struct.unpack_from(">h", raw[b"head"], 50)[0] == 1
            loca = raw[b"loca"]
            if long_loca:
                offsets = list(struct.unpack(f">{glyph_count + 1}I", loca[: 4 * glyph_count + 4]))
            else:
                offsets = [
                    2 * o
                    for o in struct.unpack(f">{glyph_count + 1}H", loca[: 2 * glyph_count + 2])
                ]
            glyf = raw[b"glyf"]
            glyphs = []
            for start, end in itertools.pairwise(offsets):
                piece = glyf[start:end]
                glyphs.append(piece + b"\0" * (-len(piece) % 4))
            tables = {tag: raw[tag] for tag in _KEPT if tag in raw and tag != b"head"}
            names = font["name"]
            names.names = [
                record
                for record in names.names
                if record.nameID in _NAME_IDS and record.platformID == 3 and record.langID == 0x409
            ]
            tables[b"name"] = names.compile(font)
            best = font.getBestCmap() or {}
            cmap = newTable("cmap")
            cmap.tableVersion = 0
            sub = CmapSubtable.newSubtable(4)
            sub.platformID, sub.platEncID, sub.language = 3, 1, 0
            sub.cmap = {
                c: best[c] for low, high in _CMAP_RANGES for c in range(low, high + 1) if c in best
            }
            cmap.tables = [sub]
            tables[b"cmap"] = cmap.compile(font)
            # post format 3: no glyph names (as fontTools' subsetter writes it)
            tables[b"post"] = b"\x00\x03\x00\x00" + raw[b"post"][4:32]
        finally:
            font.close()
        return cls(
            tables=tables,
            checksums={tag: _checksum(body) for tag, body in tables.items()},
            head=raw[b"head"],
            glyphs=glyphs,
            gid_of={name: gid for gid, name in enumerate(order)},
            long_metrics=struct.unpack_from(">H", raw[b"hhea"], 34)[0],
        )

    def parts(self, gid: int) -> tuple[int, ...]:
        """The glyphs a composite glyph is made of, at every depth (empty for a simple one)."""
        found = self._parts.get(gid)
        if found is not None:
            return found
        data = self.glyphs[gid]
        parts: list[int] = []
        if len(data) >= 10 and struct.unpack_from(">h", data, 0)[0] < 0:
            at = 10
            while True:
                flags, part = struct.unpack_from(">HH", data, at)
                parts.append(part)
                at += 4 + (4 if flags & 0x0001 else 2)
                if flags & 0x0008:
                    at += 2
                elif flags & 0x0040:
                    at += 4
                elif flags & 0x0080:
                    at += 8
                if not flags & 0x0020:
                    break
            for part in list(parts):
                if 0 <= part < len(self.glyphs) and part != gid:
                    parts += self.parts(part)
        result = tuple(p for p in dict.fromkeys(parts) if 0 <= p < len(self.glyphs))
        self._parts[gid] = result
        return result

    def subset(self, gids: Iterable[int]) -> bytes:
        """The font file holding the outlines of ``gids`` (and of the recommended glyphs
        .notdef, .null, CR and space); every other glyph left empty, at its own index."""
        wanted = set(range(min(4, len(self.glyphs))))
        for gid in gids:
            if 0 <= gid < len(self.glyphs):
                wanted.add(gid)
                wanted.update(self.parts(gid))
        glyf = bytearray()
        offsets = [0]
        for gid, data in enumerate(self.glyphs):
            if gid in wanted:
                glyf += data
            offsets.append(len(glyf))
        short = len(glyf) < 0x20000
        loca = struct.pack(
            f">{len(offsets)}{'H' if short else 'I'}",
            *((o // 2 for o in offsets) if short else offsets),
        )
        head = bytearray(self.head)
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set below
        struct.pack_into(">h", head, 50, 0 if short else 1)  # indexToLocFormat
        # the metrics of the glyphs kept; zeros for the others (a long run of zeros
        # compresses to nothing: the full DejaVu has 6 000 glyphs)
        metrics = self.tables[b"hmtx"]
        hmtx = bytearray(len(metrics))
        long_metrics = self.long_metrics
        for gid in wanted:
            at, size = (4 * gid, 4) if gid < long_metrics else (2 * gid + 2 * long_metrics, 2)
            hmtx[at : at + size] = metrics[at : at + size]
        tables = dict(self.tables)
        tables[b"glyf"], tables[b"loca"], tables[b"head"] = bytes(glyf), loca, bytes(head)
        tables[b"hmtx"] = bytes(hmtx)
        checksums = dict(self.checksums)
        for tag in (b"glyf", b"loca", b"head", b"hmtx"):
            checksums[tag] = _checksum(tables[tag])
        tags = sorted(tables)
        count = len(tags)
        power = 1 << (count.bit_length() - 1)
        out = bytearray(
            struct.pack(
                ">IHHHH",
                0x00010000,
                count,
                power * 16,
                power.bit_length() - 1,
                (count - power) * 16,
            )
        )
        offset = 12 + 16 * count
        for tag in tags:
            length = len(tables[tag])
            out += struct.pack(">4sIII", tag, checksums[tag], offset, length)
            offset += length + (-length % 4)
        directory_sum = _checksum(bytes(out))
        head_at = 0
        for tag in tags:
            body = tables[tag]
            if tag == b"head":
                head_at = len(out)
            out += body + b"\0" * (-len(body) % 4)
        total = (directory_sum + sum(checksums.values())) & 0xFFFFFFFF
        struct.pack_into(">I", out, head_at + 8, (0xB1B0AFBA - total) & 0xFFFFFFFF)
        return bytes(out)
