"""Rendering letters and orders, in this process or in the edition's worker processes.

The edition (:mod:`sbee_desk.services.edition`) hands chunks of plain values
(:class:`LetterData`, :class:`OrderData`) to a ``spawn`` process pool and gets
bytes back: the workers never touch the database, import no Qt and keep the
texts and fonts they were started with, so a whole batch is worded the same. A
worker whose parent dies (the edition killed) exits at once instead of waiting
for work that will never come.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sbee_desk.documents.formal import FontSet, FormalPDF, Rendered, font_set
from sbee_desk.documents.letters import LetterData, LetterTexts, draw_letter, letter_pdf
from sbee_desk.documents.orders import OrderData, OrderTexts, draw_order, order_pdf

Item = LetterData | OrderData


@dataclass(frozen=True)
class Texts:
    """Everything a batch prints with: checked before anything is produced."""

    letters: LetterTexts
    orders: OrderTexts


def render(item: Item, texts: Texts, fonts: FontSet | None = None) -> Rendered:
    """The PDF of one letter or order."""
    fonts = fonts or font_set()
    pdf: FormalPDF
    if isinstance(item, LetterData):
        pdf = letter_pdf(fonts, item, texts.letters)
        draw_letter(pdf, item, texts.letters, None)
    else:
        pdf = order_pdf(fonts, item, texts.orders)
        draw_order(pdf, item, texts.orders, None)
    return Rendered.of(pdf.output_bytes(), pdf.page_no())


def paginate(items: Sequence[Item], texts: Texts, fonts: FontSet | None = None) -> list[int]:
    """The page count of each item as produced alone, without producing it: letters are
    drawn on a scratch document never written out; an order is always one page."""
    fonts = fonts or font_set()
    counts: list[int] = []
    scratch: FormalPDF | None = None
    for n, item in enumerate(items):
        if isinstance(item, OrderData):
            counts.append(1)
            continue
        if scratch is None or n % 200 == 0:  # a fresh scratch now and then: flat memory
            if scratch is not None:
                scratch.close_fonts()
            scratch = FormalPDF(fonts, fast=True, title="", author="")
        before = scratch.page_no()
        draw_letter(scratch, item, texts.letters, None)
        counts.append(scratch.page_no() - before)
    if scratch is not None:
        scratch.close_fonts()
    return counts


def _draw_combined(
    items: Sequence[Item], pages: Sequence[int] | None, texts: Texts, title: str
) -> tuple[FormalPDF, list[int]]:
    fonts = font_set()
    fast = all(fonts.covers(item.strings()) for item in items)
    counts = list(pages) if pages is not None else paginate(items, texts, fonts)
    pdf = FormalPDF(
        fonts,
        fast=fast,
        title=title,
        author=texts.letters.header.organisation,
        # the batch's edition date (every item of a combined file shares it)
        created_on=max((item.edition_on for item in items), default=None),
    )
    for item, count in zip(items, counts, strict=True):
        if isinstance(item, LetterData):
            draw_letter(pdf, item, texts.letters, count)
        else:
            draw_order(pdf, item, texts.orders, count)
    return pdf, counts


def render_combined(
    items: Sequence[Item], pages: Sequence[int] | None, texts: Texts, title: str
) -> tuple[Rendered, list[int]]:
    """One PDF holding ``items`` one after the other, each with its own page numbers
    (``pages``: the page count of each as produced alone; computed when None) — the same
    drawing as the single documents, with one embedded font for the whole file.
    Returns the file and the page counts used."""
    pdf, counts = _draw_combined(items, pages, texts, title)
    return Rendered.of(pdf.output_bytes(), pdf.page_no()), counts


@dataclass(frozen=True)
class SpooledFile:
    """A combined file a worker wrote into the edition's spool folder: tens of
    megabytes that need not travel back through the pool's pipe (nor be copied twice
    on the way)."""

    path: str
    pages: int
    sha256: str

    def take(self) -> Rendered:
        """Its bytes, the file removed."""
        path = Path(self.path)
        content = path.read_bytes()
        path.unlink(missing_ok=True)
        return Rendered(content, self.pages, self.sha256)

    def discard(self) -> None:
        Path(self.path).unlink(missing_ok=True)


# --------------------------------------------------------------------------- worker processes

_TEXTS: list[Texts] = []


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(3)  # the edition is gone: its work will never be collected

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def init_worker(texts: Texts) -> None:
    """Initializer of a worker process: the batch's texts, the fonts prepared once."""
    _exit_with_parent()
    _TEXTS[:] = [texts]
    font_set()


def render_chunk(items: Sequence[Item]) -> list[Rendered]:
    """Worker task: the PDFs of a chunk, in order."""
    texts = _TEXTS[0]
    fonts = font_set()
    return [render(item, texts, fonts) for item in items]


def render_combined_task(
    items: Sequence[Item], pages: Sequence[int] | None, title: str, spool: str
) -> tuple[SpooledFile, list[int]]:
    """Worker task: a combined file (see :func:`render_combined`), written into the
    folder ``spool``."""
    pdf, counts = _draw_combined(items, pages, _TEXTS[0], title)
    data = pdf.output_buffer()
    path = Path(spool) / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    return SpooledFile(str(path), pdf.page_no(), hashlib.sha256(data).hexdigest()), counts
