"""Dialogs of the print queue (issue #6): the reason of a reprint, the staff member
documents are handed to, and the rendering of PDF bytes onto a printer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sbee_desk.gui.formatting import plural
from sbee_desk.services.edition import StaffChoice


def _tr(text: str) -> str:
    return QCoreApplication.translate("PrintDialogs", text)


class PrintFailed(Exception):
    """The printer refused the job; ``str()`` is a French message. Nothing marked."""


class PrintCancelled(Exception):
    """The user stopped the printing: the job was aborted, nothing marked printed."""


#: pages are drawn as images at this resolution at most, whatever the printer's: text
#: and barcodes print sharp on an office laser printer at 300 dpi, and a page costs
#: about 0.2 s to draw instead of 3 s at 1 200 dpi (and an eighth of the spool size)
RENDER_DPI = 300


class ReprintReasonDialog(QDialog):
    """Asks why documents already printed are printed again (mandatory, audited)."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reprintReason")
        self.setWindowTitle(self.tr("Réimpression"))
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "{already} Indiquez le motif de la réimpression (il est enregistré dans le "
                "journal d'audit)."
            ).format(
                already=self.tr("Ce document a déjà été imprimé.")
                if count <= 1
                else self.tr("Ces {count} documents ont déjà été imprimés.").format(count=count)
            )
        )
        text.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText(self.tr("Ex. : bourrage papier, lettre abîmée"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Réimprimer"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(text)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._update)
        self._update()
        self.setMinimumWidth(420)

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason))


class HandoverDialog(QDialog):
    """Choose who receives the documents, from the staff register."""

    def __init__(
        self, who: str, count: int, choices: list[StaffChoice], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handover")
        self.setWindowTitle(self.tr("Remettre à…"))
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr("Remise de {docs} au {who}.").format(
                docs=plural(count, self.tr("document"), self.tr("documents")), who=who
            )
        )
        text.setWordWrap(True)
        form = QFormLayout()
        self.staff_combo = QComboBox()
        self.staff_combo.setObjectName("staff")
        for choice in choices:
            self.staff_combo.addItem(f"{choice.name} ({choice.matricule})", choice.id)
        form.addRow(self.tr("Remis à :"), self.staff_combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Remettre"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(choices))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    @property
    def staff_id(self) -> int | None:
        value = self.staff_combo.currentData()
        return int(value) if value is not None else None


def load_pdf(content: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over ``content``; keep the buffer alive as long as the document."""
    buffer = QBuffer()
    buffer.setData(QByteArray(content))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    return document, buffer


def print_pdfs(
    printer: QPrinter,
    contents: list[bytes],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Render every page of ``contents`` onto ``printer`` (one job); the pages printed.

    Runs on a worker thread (QPainter may paint on a QPrinter outside the UI thread;
    each QPdfDocument is created and used on that thread). ``progress(pages done,
    pages in all)`` after each page; ``cancelled()`` is polled between pages: the job
    is then aborted and :class:`PrintCancelled` raised. Raises :class:`PrintFailed`
    when the printer cannot start or a file is unreadable. Either way nothing is
    marked printed by the caller."""
    total = 0
    for content in contents:  # the page count first, for an honest progress bar
        document, buffer = load_pdf(content)
        if document.status() != QPdfDocument.Status.Ready:
            raise PrintFailed(_tr("Un document n'a pas pu être lu : rien n'a été marqué imprimé."))
        total += document.pageCount()
        document.close()
        buffer.close()
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(
            _tr("L'imprimante n'a pas accepté l'impression : rien n'a été marqué imprimé.")
        )
    pages = 0
    try:
        target = printer.pageLayout().paintRectPixels(printer.resolution())
        dpi = min(printer.resolution(), RENDER_DPI)
        for content in contents:
            document, buffer = load_pdf(content)
            try:
                for page in range(document.pageCount()):
                    if cancelled is not None and cancelled():
                        printer.abort()
                        raise PrintCancelled()
                    if pages and not printer.newPage():
                        raise PrintFailed(
                            _tr("L'imprimante a interrompu l'impression : rien n'a été marqué.")
                        )
                    points = document.pagePointSize(page)
                    # fit the page in the printable area, keeping its proportions
                    scale = min(
                        target.width() / max(points.width(), 1.0),
                        target.height() / max(points.height(), 1.0),
                    )
                    size = QSize(int(points.width() * dpi / 72), int(points.height() * dpi / 72))
                    image = document.render(page, size)
                    painter.drawImage(
                        QRectF(0, 0, points.width() * scale, points.height() * scale), image
                    )
                    pages += 1
                    if progress is not None:
                        progress(pages, total)
            finally:
                document.close()
                buffer.close()
    finally:
        painter.end()
    return pages


__all__ = [
    "HandoverDialog",
    "PrintCancelled",
    "PrintFailed",
    "ReprintReasonDialog",
    "load_pdf",
    "print_pdfs",
]
