"""What the letters and the work orders share: their data, their texts, their page.

The edition produces thousands of one-page documents a night, each its own PDF
with DejaVu Sans embedded. fpdf2 spends most of a small document's time in the
font: parsing the whole DejaVu file (6 000 glyphs) when the document is created,
then subsetting it when the document is written — about 100 ms of the 110 ms a
letter costs. :class:`FontSet` does that work once per process: it cuts from
``resources/fonts`` a DejaVu subset holding every character a French (or
Beninese) name or address may use — Latin with its extensions, the IPA letters
of Fon and Yoruba spellings (ɖ, ɛ, ɔ), combining accents, punctuation — and the
documents load that small file instead (about 4 × faster). A document holding a
character outside it is drawn with the full fonts, so nothing ever prints as a
missing glyph. The PDF still embeds a DejaVu subset, as before.

No Qt, no Session: plain values in, bytes out (architecture.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import multiprocessing.util
import shutil
import string
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont, TTLibError
from fpdf.fonts import TTFFont

from sbee_desk.documents import pdf as P
from sbee_desk.documents.resources import (
    TemplateError,
    fonts_dir,
    load_report_texts,
)

REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"

#: Characters of the fast font subset (see the module docstring): ranges, ends included.
FAST_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A (ŋ)
    (0x0186, 0x0186),  # Ɔ
    (0x0189, 0x0190),  # Ɖ Ǝ Ə Ɛ
    (0x01CD, 0x01DC),  # ǎ ǐ ǒ ǔ (tones)
    (0x0254, 0x0254),  # ɔ
    (0x0256, 0x0256),  # ɖ
    (0x0259, 0x025B),  # ə ɛ
    (0x0300, 0x0304),  # combining grave, acute, circumflex, tilde, macron
    (0x030C, 0x030C),  # combining caron
    (0x0323, 0x0323),  # combining dot below
    (0x1EB8, 0x1EB9),  # Ẹ ẹ
    (0x1ECC, 0x1ECD),  # Ọ ọ
    (0x1E62, 0x1E63),  # Ṣ ṣ
    (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
    (0x202F, 0x203A),  # narrow no-break space, per mille, ‹ ›
    (0x20AC, 0x20AC),  # €
    (0x2116, 0x2116),  # №
    (0x25A0, 0x25A1),  # ■ □
    (0x2610, 0x2612),  # ☐ ☑ ☒
    (0x2702, 0x2702),  # ✂
)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class UnpaidInvoice:
    """An overdue unpaid invoice at the edition date, with what remains due on it."""

    number: str
    period: str  # yyyy-mm (bordereau period)
    issued_on: dt.date
    due_on: dt.date
    amount_due: int


@dataclass(frozen=True, slots=True)
class Party:
    """The customer, the contract and the place a letter or an order is about."""

    police: str
    customer_code: str
    customer_name: str
    address: str | None
    quartier: str | None
    zone_code: str | None
    phone: str | None
    agency_code: str
    agency_name: str | None
    voltage: str
    delivery_point: str | None
    meter_serial: str | None
    breaker: str | None
    bordereau_code: str | None
    suspended_on: dt.date
    invoices: tuple[UnpaidInvoice, ...] = ()

    @property
    def total_due(self) -> int:
        return sum(i.amount_due for i in self.invoices)

    def to_payload(self) -> dict[str, Any]:
        return {
            "police": self.police,
            "customer_code": self.customer_code,
            "customer_name": self.customer_name,
            "address": self.address,
            "quartier": self.quartier,
            "zone_code": self.zone_code,
            "phone": self.phone,
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "voltage": self.voltage,
            "delivery_point": self.delivery_point,
            "meter_serial": self.meter_serial,
            "breaker": self.breaker,
            "bordereau_code": self.bordereau_code,
            "suspended_on": self.suspended_on.isoformat(),
            "invoices": [
                [i.number, i.period, i.issued_on.isoformat(), i.due_on.isoformat(), i.amount_due]
                for i in self.invoices
            ],
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Party:
        values = dict(data)
        values["suspended_on"] = dt.date.fromisoformat(values["suspended_on"])
        values["invoices"] = tuple(
            UnpaidInvoice(n, p, dt.date.fromisoformat(i), dt.date.fromisoformat(d), int(a))
            for n, p, i, d, a in values["invoices"]
        )
        return cls(**values)


def blank(value: str | None) -> bool:
    """True when the export gave nothing (None, empty or spaces)."""
    return value is None or not value.strip()


@dataclass(frozen=True, slots=True)
class Rendered:
    """A produced PDF: its bytes, page count and SHA-256."""

    content: bytes
    pages: int
    sha256: str

    @classmethod
    def of(cls, content: bytes, pages: int) -> Rendered:
        return cls(content, pages, hashlib.sha256(content).hexdigest())


# --------------------------------------------------------------------------- texts


def check_texts(
    path: Path,
    data: Mapping[str, Any],
    spec: Mapping[str, Mapping[str, tuple[str, frozenset[str]]]],
) -> dict[str, dict[str, Any]]:
    """Check ``data`` (one TOML file of ``reports/``) against ``spec``.

    ``spec[section][key] = (type, names)``: type ``"str"`` (one text), ``"list"`` (a
    list of texts, e.g. paragraphs or bullets) or ``"opt"`` (a text that may be
    empty); ``names`` are the ``{placeholders}`` the text may use. Raises
    :class:`TemplateError` naming the file, section and key.
    """
    where = f"Modèle « {path} »"
    out: dict[str, dict[str, Any]] = {}
    for section, keys in spec.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise TemplateError(f"{where} : section [{section}] absente.")
        checked: dict[str, Any] = {}
        for key, (kind, names) in keys.items():
            value = table.get(key)
            if kind == "list":
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
                texts = [str(v) for v in value] if ok and isinstance(value, list) else []
            else:
                ok = isinstance(value, str) and (kind == "opt" or bool(value.strip()))
                texts = [value] if ok and isinstance(value, str) else []
            if not ok:
                expected = "une liste de textes" if kind == "list" else "un texte"
                raise TemplateError(
                    f"{where}, section [{section}] : « {key} » absent ou vide ({expected} attendu)."
                )
            for text in texts:
                _check_placeholders(where, section, key, text, names)
            checked[key] = value
        out[section] = checked
    return out


def _check_placeholders(
    where: str, section: str, key: str, text: str, names: frozenset[str]
) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise TemplateError(
            f"{where}, [{section}] {key} = « {text} » : accolade seule ({exc}). "
            "Écrivez {{ ou }} pour une accolade imprimée."
        ) from exc
    unknown = sorted({f for f in fields if f not in names})
    if unknown:
        allowed = ", ".join("{" + n + "}" for n in sorted(names)) or "aucun"
        raise TemplateError(
            f"{where}, [{section}] {key} : nom {', '.join('{' + u + '}' for u in unknown)} "
            f"inconnu ou interdit ici. Noms possibles : {allowed}."
        )


def load_texts(
    name: str, spec: Mapping[str, Mapping[str, tuple[str, frozenset[str]]]]
) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Read and check ``reports/<name>``; :class:`TemplateError` (French) otherwise."""
    path, data = load_report_texts(name)
    return path, check_texts(path, data, spec)


HEADER_NAMES = frozenset({"agency_code", "agency_name"})
#: [header] of letters.toml and orders.toml
HEADER_SPEC: dict[str, tuple[str, frozenset[str]]] = {
    "organisation": ("str", frozenset()),
    "unit": ("str", frozenset()),
    "address": ("opt", frozenset()),
    "contact": ("opt", frozenset()),
    "agency": ("str", HEADER_NAMES),
    "agency_without_name": ("str", HEADER_NAMES),
    "place": ("opt", frozenset()),
    "place_date": ("str", frozenset({"place", "date"})),
    "logo": ("opt", frozenset()),
}


@dataclass(frozen=True)
class HeaderTexts:
    """The agency header (identical on letters and orders), with its optional logo."""

    organisation: str
    unit: str
    address: str
    contact: str
    agency: str
    agency_without_name: str
    place: str
    place_date: str
    logo: bytes | None = None

    @classmethod
    def from_section(cls, path: Path, section: Mapping[str, str]) -> HeaderTexts:
        logo = None
        if section["logo"].strip():
            logo_path = (path.parent / section["logo"]).resolve()
            try:
                logo = logo_path.read_bytes()
            except OSError as exc:
                raise TemplateError(
                    f"Modèle « {path} », [header] logo : fichier « {logo_path} » illisible "
                    f'({exc.strerror or exc}). Corrigez le chemin ou laissez logo = "".'
                ) from exc
            if not logo.startswith((b"\x89PNG", b"\xff\xd8")):
                raise TemplateError(
                    f"Modèle « {path} », [header] logo : « {logo_path} » n'est pas une image "
                    "PNG ou JPEG."
                )
        values = {k: section[k] for k in HEADER_SPEC if k != "logo"}
        return cls(logo=logo, **values)

    def agency_label(self, code: str, name: str | None) -> str:
        if name:
            return self.agency.format(agency_code=code, agency_name=name)
        return self.agency_without_name.format(agency_code=code, agency_name="")


# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontSet:
    """The fonts of the edition: the full DejaVu files and their fast subset."""

    regular: Path
    bold: Path
    fast_regular: Path
    fast_bold: Path
    covered: frozenset[str]
    _folder: Path | None = field(default=None, repr=False, compare=False)

    def covers(self, texts: Iterable[str | None]) -> bool:
        covered = self.covered
        return all(t is None or covered.issuperset(t) for t in texts)


_FONTS: dict[str, FontSet] = {}


def _read_font(path: Path) -> TTFont:
    try:
        # the subset keeps DejaVu's own dates: saved with today's, the fonts embedded in
        # the documents would differ from one process to the next
        return TTFont(io.BytesIO(path.read_bytes()), lazy=True, recalcTimestamp=False)
    except FileNotFoundError as exc:
        raise TemplateError(
            f"Police de caractères « {path} » introuvable : l'installation est incomplète "
            "(dossier resources/fonts). Réinstallez sbee-desk."
        ) from exc
    except (OSError, TTLibError, AssertionError, ValueError) as exc:
        raise TemplateError(
            f"Police de caractères « {path} » illisible ({exc}) : le fichier est abîmé. "
            "Reprenez celui livré avec sbee-desk (resources/fonts)."
        ) from exc


def font_set() -> FontSet:
    """The fonts of this process, prepared on first use (about 0.3 s).

    Raises :class:`TemplateError` with a French message when a font is missing or
    unreadable — before anything is produced.
    """
    folder = fonts_dir()
    key = str(folder)
    cached = _FONTS.get(key)
    if cached is not None:
        return cached
    regular, bold = folder / REGULAR_FILE, folder / BOLD_FILE
    unicodes = [c for low, high in FAST_RANGES for c in range(low, high + 1)]
    work = Path(tempfile.mkdtemp(prefix="sbee-desk-fonts-"))
    # removed when this process ends, worker processes included (atexit does not run
    # in multiprocessing children; multiprocessing's own finalizers do)
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(work, True), exitpriority=10)
    covered: set[int] | None = None
    outputs = []
    for source in (regular, bold):
        font = _read_font(source)
        try:
            cmap = font.getBestCmap() or {}
            options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
            options.layout_features = []
            options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "hdmx", "kern", "MATH"]
            subsetter = ftsubset.Subsetter(options)
            subsetter.populate(unicodes=[c for c in unicodes if c in cmap])
            subsetter.subset(font)
            target = work / source.name
            font.save(target)
        except (TTLibError, AssertionError, KeyError, ValueError, OSError) as exc:
            raise TemplateError(
                f"Police de caractères « {source} » illisible ({exc}) : le fichier est abîmé. "
                "Reprenez celui livré avec sbee-desk (resources/fonts)."
            ) from exc
        finally:
            font.close()
        chars = {c for c in unicodes if c in cmap}
        covered = chars if covered is None else covered & chars
        outputs.append(target)
    fonts = FontSet(
        regular,
        bold,
        outputs[0],
        outputs[1],
        frozenset(chr(c) for c in covered or ()),
        work,
    )
    _FONTS[key] = fonts
    return fonts


# --------------------------------------------------------------------------- the page

_NBSP = "\u00a0"
_SPACING = (
    (" :", _NBSP + ":"), (" ;", _NBSP + ";"), (" !", _NBSP + "!"), (" ?", _NBSP + "?"),
    ("« ", "«" + _NBSP), (" »", _NBSP + "»"), ("n° ", "n°" + _NBSP), ("N° ", "N°" + _NBSP),
)  # fmt: skip  # pairs table, four a line


def french_spacing(text: str) -> str:
    """No line break before « : ; ! ? » » nor after « « n° » (French typography)."""
    for plain, tied in _SPACING:
        if plain in text:
            text = text.replace(plain, tied)
    return text


@dataclass
class _DocumentPages:
    footer: str
    first_page: int
    pages: int | None  # None: the whole file is this document


class FormalPDF(P.BasePDF):
    """A4 portrait page of a letter or an order (one document, or many one after the
    other in a combined file, each with its own page numbers)."""

    def __init__(
        self,
        fonts: FontSet,
        *,
        fast: bool,
        title: str,
        author: str,
        created_on: dt.date | None = None,
    ) -> None:
        # BasePDF loads the full DejaVu files; the fast subset stands in for them
        self._font_swap = (
            {str(fonts.regular): fonts.fast_regular, str(fonts.bold): fonts.fast_bold}
            if fast
            else {}
        )
        super().__init__(
            title=title, author=author, margin=16.0, footer_height=8.0, created_on=created_on
        )
        self.set_auto_page_break(True, 20)
        self._document: _DocumentPages | None = None
        self.page_label_text = "Page {page} / {pages}"

    def add_font(
        self, family: str | None = None, style: str = "", fname: Any = None, **kwargs: Any
    ) -> None:
        swapped = self._font_swap.get(str(fname))
        if swapped is None:
            return super().add_font(family, style, fname, **kwargs)
        super().add_font(family, style, swapped, **kwargs)
        for font in self.fonts.values():
            if isinstance(font, TTFFont) and font.ttffile == swapped:
                # The subset's glyph and font boxes are DejaVu's own: fpdf2's subsetting of
                # it at output need not recompute them (a third of a letter's time).
                font.ttfont.recalcBBoxes = False
        return None

    def get_string_width(self, s: str, normalized: bool = False, markdown: bool = False) -> float:
        """fpdf2's width, computed directly from the font's advance widths for plain text.

        fpdf2 splits the text into styled fragments first (for markdown, bidi and
        shaping, none of which these documents use): about 20 times slower, and the
        documents measure every word they place."""
        font = self.current_font
        if (
            markdown
            or not isinstance(font, TTFFont)
            or font.is_symbol
            or self.text_shaping
            or self.char_spacing
            or self.font_stretching != 100
        ):
            return super().get_string_width(s, normalized, markdown)
        cw = font.cw
        return sum(cw[ord(c)] for c in s) * self.font_size_pt * 0.001 / self.k

    def begin_document(self, footer: str, page_label: str, pages: int | None) -> None:
        """Start a document on a new page; ``pages``: its page count when known (the
        combined file), else the file's page count."""
        # add_page() first draws the footer of the page it closes: the previous document's
        self.add_page()
        self.page_label_text = page_label
        self._document = _DocumentPages(footer, self.page_no(), pages)

    def footer(self) -> None:
        doc = self._document
        if doc is None:
            return
        top = self.h - 12
        self.set_draw_color(*P.RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_font(P.FONT, "", 7)
        self.set_text_color(*P.MUTED)
        self.text(self.l_margin, top + 4, P.fit_text(self, doc.footer, self.content_width * 0.75))
        page = self.page_no() - doc.first_page + 1
        pages: str | int = doc.pages if doc.pages is not None else self.str_alias_nb_pages
        label = self.page_label_text.format(page=page, pages=pages)
        width = self.content_width * 0.2
        self.set_xy(self.w - self.r_margin - width, top + 1.4)
        self.cell(width, 3.5, label, align="R")
        self.set_text_color(*P.INK)

    # ---- drawing helpers

    def header_block(self, header: HeaderTexts, agency: str, place_date: str) -> float:
        """The agency header at the top of a document's first page; returns the y below."""
        x = self.l_margin
        text_x = x
        if header.logo is not None:
            self.image(io.BytesIO(header.logo), x=x, y=12, h=16)
            text_x = x + 19
        self.set_text_color(*P.HEADER_FILL)
        self.set_font(P.FONT, "B", 11)
        self.text(text_x, 16, header.organisation)
        self.set_text_color(*P.INK)
        self.set_font(P.FONT, "", 8.5)
        self.text(text_x, 20.5, header.unit)
        self.set_font(P.FONT, "", 7.5)
        self.set_text_color(*P.MUTED)
        y = 24.5
        for line in (header.address, header.contact):
            if line.strip():
                self.text(text_x, y, line)
                y += 3.6
        self.set_text_color(*P.INK)
        right = self.w - self.r_margin
        self.set_font(P.FONT, "B", 9)
        self.text(right - self.get_string_width(agency), 20.5, agency)
        self.set_font(P.FONT, "", 8.5)
        self.text(right - self.get_string_width(place_date), 25, place_date)
        bottom = max(y, 28.0) + 1.5
        self.set_draw_color(*P.HEADER_FILL)
        self.set_line_width(0.6)
        self.line(x, bottom, right, bottom)
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)
        return bottom + 5

    def paragraph(
        self,
        y: float,
        text: str,
        *,
        size: float = 9.5,
        bold: bool = False,
        x: float | None = None,
        width: float | None = None,
        line_height: float = 4.6,
        align: str = "J",
        draw: bool = True,
    ) -> float:
        """A paragraph from ``y`` (top), justified unless ``align="L"``, breaking pages
        when needed; returns the y below it (``draw=False``: only measures, on one page).
        Three times faster than ``multi_cell``: word widths are measured once and
        justified lines placed word by word."""
        self.set_font(P.FONT, "B" if bold else "", size)
        left = self.l_margin if x is None else x
        width = self.content_width if width is None else width
        measure = self.get_string_width
        space = measure(" ")
        lines: list[list[tuple[str, float]]] = []
        current: list[tuple[str, float]] = []
        used = 0.0
        for word in french_spacing(text).split(" "):
            if not word:
                continue
            w = measure(word)
            if w > width:  # a word wider than the line: cut to fit
                word = P.fit_text(self, word, width)
                w = measure(word)
            if current and used + space + w > width:
                lines.append(current)
                current, used = [], 0.0
            used = w if not current else used + space + w
            current.append((word, w))
        if current:
            lines.append(current)
        if not draw:
            return y + len(lines) * line_height
        bottom = self.content_bottom - 4
        for n, line in enumerate(lines):
            if y + line_height > bottom:
                self.add_page()
                y = self.t_margin
            baseline = y + line_height - 1.25
            last = n == len(lines) - 1
            if align == "J" and not last and len(line) > 1:
                gap = (width - sum(w for _, w in line)) / (len(line) - 1)
                pos = left
                for word, w in line:
                    self.text(pos, baseline, word)
                    pos += w + gap
            else:
                self.text(left, baseline, " ".join(word for word, _ in line))
            y += line_height
        return y

    def blank_field(self, x: float, y: float, text: str, width: float) -> None:
        """A field to fill by hand: ``text``'s words, then its trailing dots drawn as a
        dotted rule up to ``x + width`` (a rule, not hundreds of dot characters: it
        prints the same and costs nothing to lay out)."""
        head = text.rstrip(".").rstrip()
        if head == text.rstrip():
            self.text(x, y, P.fit_text(self, text, width))
            return
        head = P.fit_text(self, head, width)
        self.text(x, y, head)
        self.dotted_rule(x + self.get_string_width(head) + 1.2, y + 0.2, x + width)

    def dotted_rule(self, x: float, y: float, end: float) -> None:
        """A dotted rule from ``x`` to ``end`` at height ``y`` (a blank to write on)."""
        if end - x < 2:
            return
        self.set_draw_color(*P.MUTED)
        self.set_line_width(0.25)
        self.set_dash_pattern(dash=0.25, gap=0.85)
        self.line(x, y, end, y)
        self.set_dash_pattern()
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)

    def section_title(self, y: float, text: str, *, height: float = 5.5) -> float:
        """A dark band with a title in white capitals; returns the y below."""
        self.set_fill_color(*P.HEADER_FILL)
        self.rect(self.l_margin, y, self.content_width, height, style="F")
        self.set_text_color(*P.HEADER_INK)
        self.set_font(P.FONT, "B", 8.5)
        self.text(self.l_margin + 2, y + height - 1.6, text)
        self.set_text_color(*P.INK)
        return y + height

    def tick_box(self, x: float, y: float, label: str, *, size: float = 3.2) -> float:
        """An empty square to tick by hand and its label; returns the x after it."""
        self.set_draw_color(*P.INK)
        self.set_line_width(0.25)
        self.rect(x, y - size + 0.4, size, size)
        self.set_line_width(0.2)
        self.set_draw_color(*P.RULE)
        self.text(x + size + 1.3, y, label)
        return x + size + 1.3 + self.get_string_width(label) + 4.5

    def label_value(
        self,
        x: float,
        y: float,
        width: float,
        label: str,
        value: str,
        *,
        missing: bool = False,
        bold: bool = True,
    ) -> None:
        """A small grey label above its value (a missing value in grey italics would
        need an italic font: it is printed between dashes instead)."""
        self.set_font(P.FONT, "", 6.8)
        self.set_text_color(*P.MUTED)
        self.text(x, y, label)
        if missing:
            self.set_font(P.FONT, "", 8.5)
            self.set_text_color(*MISSING_INK)
        else:
            self.set_font(P.FONT, "B" if bold else "", 9)
            self.set_text_color(*P.INK)
        self.text(x, y + 4.2, P.fit_text(self, value, width - 1.5))
        self.set_text_color(*P.INK)


#: a value the export did not give, printed as such (dark red: visible, even in grey)
MISSING_INK = (150, 30, 30)
