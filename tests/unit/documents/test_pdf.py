"""Placing text in cells: wrapping and cutting (documents/pdf.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sbee_desk.documents import pdf as pdf_module
from sbee_desk.documents.pdf import FONT, BasePDF, fit_text, wrap_text


@pytest.fixture(scope="module")
def pdf() -> Iterator[BasePDF]:
    doc = BasePDF(landscape=True, title="t")
    doc.add_page()
    doc.set_font(FONT, "", 8)
    yield doc
    doc.close_fonts()


def _open_font_files() -> int:
    fds = Path("/proc/self/fd")
    names = []
    for fd in fds.iterdir():
        try:
            names.append(os.readlink(fd))
        except OSError:
            continue
    return sum(name.endswith(".ttf") for name in names)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux /proc only")
@pytest.mark.parametrize("shared", [True, False], ids=["fonts parsed once", "fpdf2's own"])
def test_font_files_are_closed(shared: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """fpdf2 keeps a document's font files open until output; an abandoned document must
    close them (else a ResourceWarning, an error under pytest, surfaces in whatever test
    runs next). Fonts parsed once per process (#18) keep no file open at all."""
    monkeypatch.setattr(pdf_module, "SHARE_FONTS", shared)
    BasePDF(title="warm-up").close_fonts()  # the shared fonts parsed (their files closed)
    before = _open_font_files()
    abandoned = BasePDF(title="t")
    assert (_open_font_files() > before) is not shared
    abandoned.close_fonts()
    abandoned.close_fonts()  # idempotent
    assert _open_font_files() == before
    done = BasePDF(title="t")
    done.add_page()
    done.set_font(FONT, "B", 10)
    done.text(10, 10, "Été")
    assert done.output_bytes().startswith(b"%PDF-")
    assert _open_font_files() == before


def test_short_text_is_one_line(pdf: BasePDF) -> None:
    assert wrap_text(pdf, "Akpakpa", 30, 3) == ["Akpakpa"]
    assert wrap_text(pdf, "", 30, 3) == [""]


def test_wraps_at_spaces_within_the_width(pdf: BasePDF) -> None:
    text = "2 factures impayées, suspendu depuis 50 jours ; relance écrite préalable"
    lines = wrap_text(pdf, text, 30, 5)
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(pdf.get_string_width(line) <= 30 for line in lines)


def test_too_long_ends_with_an_ellipsis(pdf: BasePDF) -> None:
    lines = wrap_text(pdf, "mot " * 60, 20, 2)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(pdf.get_string_width(line) <= 20 for line in lines)


def test_a_word_wider_than_the_cell_is_cut(pdf: BasePDF) -> None:
    lines = wrap_text(pdf, "Anticonstitutionnellementissime", 10, 6)
    assert "".join(lines) == "Anticonstitutionnellementissime"
    assert all(pdf.get_string_width(line) <= 10 for line in lines)


def test_fit_text(pdf: BasePDF) -> None:
    assert fit_text(pdf, "court", 50) == "court"
    cut = fit_text(pdf, "Établissements Gbèto et Fils SARL", 20)
    assert cut.endswith("…") and pdf.get_string_width(cut) <= 20
