"""Qt printing for the command line (`sbee-desk print`, issue #10): the process's
Qt application, a print-to-PDF-file printer and the system printer chosen by name.

Here and not in ``sbee_desk/cli/``: nothing outside ``gui/`` (and the composition root)
imports PySide6 (architecture.md; tests/unit/test_layering.py). The pages are drawn
by :func:`sbee_desk.gui.dialogs.print_dialogs.print_pdfs`, the print page's own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


class PrinterChoiceError(ValueError):
    """No printer, an unknown one, or no default: ``str()`` is the French message."""


#: the Qt application the print command created (one per process, kept alive)
_QT_APP: Any = None


def qt_application() -> Any:
    """The process's QGuiApplication (created if none): QtPdf renders the pages and
    QPrinter draws them. On Linux without a display, Qt runs offscreen."""
    import os

    global _QT_APP
    if sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        app = _QT_APP = QGuiApplication(["sbee-desk"])
    return app


def pdf_printer(temporary: Path) -> Any:
    """A QPrinter writing an A4 PDF file with no margin: the pages come out as edited."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName("SBEE — file d'impression")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(temporary))
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    return printer


def system_printer(wanted: str | None) -> tuple[Any, str]:
    """(QPrinter, name) of ``wanted`` or the default printer; French refusals."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    names = list(QPrinterInfo.availablePrinterNames())
    if not names:
        raise PrinterChoiceError(
            "Aucune imprimante n'est installée sur ce poste : imprimez dans un fichier avec "
            "--pdf FICHIER."
        )
    if wanted is not None and wanted not in names:
        raise PrinterChoiceError(
            f"--printer : imprimante « {wanted} » inconnue ; imprimantes de ce poste : "
            f"{', '.join(names)}."
        )
    name = wanted or QPrinterInfo.defaultPrinterName() or (names[0] if len(names) == 1 else "")
    if not name:
        raise PrinterChoiceError(
            "Pas d'imprimante par défaut sur ce poste : choisissez-la avec --printer NOM parmi "
            f"{', '.join(names)} (ou imprimez dans un fichier avec --pdf FICHIER)."
        )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName("SBEE — file d'impression")
    printer.setPrinterName(name)
    return printer, name
