"""Dialogs of the print queue (issue #6): the reason of a reprint, the staff member
documents are handed to, and the rendering of PDF bytes onto a printer."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QSize
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

from sbee_desk.services.edition import StaffChoice


def _tr(text: str) -> str:
    return QCoreApplication.translate("PrintDialogs", text)


class PrintFailed(Exception):
    """The printer refused the job; ``str()`` is a French message. Nothing marked."""


class ReprintReasonDialog(QDialog):
    """Asks why documents already printed are printed again (mandatory, audited)."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reprintReason")
        self.setWindowTitle(self.tr("Réimpression"))
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "{count} document(s) ont déjà été imprimés. Indiquez le motif de la "
                "réimpression (il est enregistré dans le journal d'audit)."
            ).format(count=count)
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
            self.tr("Remise de {count} document(s) au {who}.").format(count=count, who=who)
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


def print_pdfs(printer: QPrinter, contents: list[bytes]) -> int:
    """Render every page of ``contents`` onto ``printer`` (one job); the pages printed.
    Raises :class:`PrintFailed` when the printer cannot start or a file is unreadable."""
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(
            _tr("L'imprimante n'a pas accepté l'impression : rien n'a été marqué imprimé.")
        )
    pages = 0
    try:
        dpi = printer.resolution()
        target = printer.pageLayout().paintRectPixels(dpi)
        for content in contents:
            document, buffer = load_pdf(content)
            if document.status() != QPdfDocument.Status.Ready:
                raise PrintFailed(
                    _tr("Un document n'a pas pu être lu : rien n'a été marqué imprimé.")
                )
            for page in range(document.pageCount()):
                if pages and not printer.newPage():
                    raise PrintFailed(
                        _tr("L'imprimante a interrompu l'impression : rien n'a été marqué.")
                    )
                points = document.pagePointSize(page)
                scale = min(
                    target.width() / max(points.width(), 1.0),
                    target.height() / max(points.height(), 1.0),
                )
                size = QSize(int(points.width() * scale), int(points.height() * scale))
                image = document.render(page, size)
                painter.drawImage(0, 0, image)
                pages += 1
            document.close()
            buffer.close()
    finally:
        painter.end()
    return pages


__all__ = [
    "HandoverDialog",
    "PrintFailed",
    "ReprintReasonDialog",
    "load_pdf",
    "print_pdfs",
]
