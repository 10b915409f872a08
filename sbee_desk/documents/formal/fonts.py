"""The fonts of the letters and the orders, prepared once per process.

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
"""

from __future__ import annotations

import io
import multiprocessing.util
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont, TTLibError

from sbee_desk.documents.resources import TemplateError, fonts_dir

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
