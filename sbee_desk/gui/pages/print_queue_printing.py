"""The print queue page's printing helpers: the system print dialog, the reprint
reason and hand-over dialogs opened window-modal, the agency's printer and one print
job (split from :mod:`print_queue_base`, #11)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from sbee_desk.gui.dialogs.print_dialogs import HandoverDialog, ReprintReasonDialog
from sbee_desk.gui.modal import open_modal
from sbee_desk.services.edition import StaffChoice


def system_print_dialog(printer: QPrinter, parent: QWidget, done: Callable[[bool], None]) -> None:
    """The system's print dialog over ``printer``; ``done(True)`` once accepted."""
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    dialog.setWindowTitle(parent.tr("Imprimer"))
    # a page range would print part of a document yet mark it all printed
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, False)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    open_modal(dialog, done)


def reason_dialog(count: int, parent: QWidget, done: Callable[[str | None], None]) -> None:
    dialog = ReprintReasonDialog(count, parent)
    open_modal(dialog, lambda ok: done(dialog.reason if ok else None))


def staff_dialog(
    who: str,
    count: int,
    choices: list[StaffChoice],
    parent: QWidget,
    done: Callable[[int | None], None],
) -> None:
    dialog = HandoverDialog(who, count, choices, parent)
    open_modal(dialog, lambda ok: done(dialog.staff_id if ok else None))


def agency_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName("SBEE — file d'impression")
    return printer


@dataclass(frozen=True)
class PrintJob:
    title: str
    ids: list[int]
    contents: list[bytes]
    reason: str | None
    #: what R7 cancelled just before printing (business-rules.md R7), in French
    r7_summary: str = ""
    #: documents chosen but cancelled by that check: not printed
    dropped: int = 0
