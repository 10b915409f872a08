"""Drawing PDF pages onto a printer (print queue, #6): at most 300 dpi whatever the
printer's resolution, with progress, and a cancel that aborts the job."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from sbee_desk.documents.letters import load_letter_texts
from sbee_desk.documents.orders import load_order_texts
from sbee_desk.documents.worker import Texts, render
from sbee_desk.gui.dialogs.print_dialogs import (
    RENDER_DPI,
    PrintCancelled,
    PrintFailed,
    print_pdfs,
)
from tests.unit.documents.edition_data import letter, order


@pytest.fixture(scope="module")
def documents() -> list[bytes]:
    texts = Texts(load_letter_texts(), load_order_texts())
    return [render(order(), texts).content, render(letter(), texts).content]


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # 1 200 dpi
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_pages_are_drawn_at_300_dpi_on_a_high_resolution_printer(
    qapp: QApplication, documents: list[bytes], tmp_path: Path
) -> None:
    printer = pdf_printer(tmp_path / "job.pdf")
    assert printer.resolution() > RENDER_DPI
    seen: list[tuple[int, int]] = []
    assert print_pdfs(printer, documents, progress=lambda d, t: seen.append((d, t))) == 2
    assert seen == [(1, 2), (2, 2)]
    reader = PdfReader(io.BytesIO((tmp_path / "job.pdf").read_bytes()))
    assert len(reader.pages) == 2
    for page in reader.pages:
        (image,) = page.images
        assert image.image is not None
        # an A4 page (595.28 × 841.89 pt) drawn at 300 dpi: 2 480 × 3 507 pixels
        assert (image.image.width, image.image.height) == (2480, 3507)


class SpyPrinter(QPrinter):
    def __init__(self, path: Path) -> None:
        super().__init__(QPrinter.PrinterMode.HighResolution)
        self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.setOutputFileName(str(path))
        self.aborted = False

    def abort(self) -> bool:
        self.aborted = True
        return super().abort()


def test_cancel_aborts_the_job_between_pages(
    qapp: QApplication, documents: list[bytes], tmp_path: Path
) -> None:
    printer = SpyPrinter(tmp_path / "job.pdf")
    done: list[int] = []
    with pytest.raises(PrintCancelled):
        print_pdfs(
            printer,
            documents,
            progress=lambda d, _t: done.append(d),
            cancelled=lambda: len(done) == 1,
        )
    assert done == [1]  # the second page was never drawn
    assert printer.aborted  # the job is cancelled at the printer (CUPS, Windows spooler)


def test_an_unreadable_document_prints_nothing(
    qapp: QApplication, documents: list[bytes], tmp_path: Path
) -> None:
    printer = pdf_printer(tmp_path / "job.pdf")
    with pytest.raises(PrintFailed, match="rien n'a été marqué imprimé"):
        print_pdfs(printer, [documents[0], b"%PDF-1.4 broken"])
    assert not (tmp_path / "job.pdf").exists()  # refused before the job started
