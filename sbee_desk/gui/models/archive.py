"""The classeur: the register of every list produced (archive_register) and its filter."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from sbee_desk.domain.enums import ListKind
from sbee_desk.gui.formatting import format_date, format_datetime, search_key
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models.base import UNHANDLED, Column, RowTableModel
from sbee_desk.gui.style import BANNER_COLOURS
from sbee_desk.services.classeur import RegisterEntry
from sbee_desk.wording.labels import LIST_KIND_LABELS

ModelIndex = QModelIndex | QPersistentModelIndex

(
    COL_KIND,
    COL_FORMAT,
    COL_BORDEREAU,
    COL_RUN,
    COL_DATE,
    COL_USER,
    COL_FILE,
    COL_COPY,
    COL_SHA,
    COL_CHECK,
) = range(10)

#: the register entry shown on a row (its id)
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
#: characters of the SHA-256 shown (the whole digest is in the tooltip)
SHA_SHOWN = 12

FORMAT_LABELS = {"xlsx": "Excel", "pdf": "PDF"}
#: a list with no line is in the register without a file (#10)
EMPTY_LIST_TEXTS: dict[ListKind, str] = {
    ListKind.A_RELANCER: "Aucun client à relancer",
    ListKind.A_RESILIER: "Aucun contrat à résilier",
    ListKind.CONTROLE: "Aucune ligne de contrôle",
}

_CHECK_COLOURS = {
    True: BANNER_COLOURS["success"],
    False: BANNER_COLOURS["error"],
}


def tr(text: str) -> str:
    return QCoreApplication.translate("ArchiveModel", text)


def kind_label(kind: ListKind) -> str:
    return tr(LIST_KIND_LABELS[kind])


def format_label(file_format: str) -> str:
    if not file_format:
        return "—"
    return FORMAT_LABELS.get(file_format.lower(), file_format.upper())


def empty_label(kind: ListKind) -> str:
    """« Aucun client à relancer »… for a list recorded without a file."""
    return tr(EMPTY_LIST_TEXTS[kind])


class ArchiveTableModel(RowTableModel[RegisterEntry]):
    """One row per archived file, oldest first; a copy checked this session shows
    "Conforme" or "Modifiée" (in words, and in red when it no longer matches)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._checks: dict[int, bool] = {}
        titles = (
            self.tr("Liste"),
            self.tr("Format"),
            self.tr("Bordereau"),
            self.tr("Traitement"),
            self.tr("Date"),
            self.tr("Utilisateur"),
            self.tr("Fichier"),
            self.tr("Copie"),
            self.tr("SHA-256"),
            self.tr("Vérification"),
        )
        tips = {
            COL_COPY: self.tr("« Oui » : liste produite à nouveau pour le même bordereau"),
            COL_SHA: self.tr("Empreinte du fichier archivé (début) ; complète en info-bulle"),
            COL_CHECK: self.tr("Résultat de « Vérifier une copie… » pendant cette session"),
        }
        self.columns = tuple(
            Column(
                title,
                partial(self._display, column=c),
                sort=partial(self._sort_key, column=c),
                header_tooltip=tips.get(c),
            )
            for c, title in enumerate(titles)
        )
        self._colours = {
            ok: (QColor(background), QColor(text))
            for ok, (background, _border, text) in _CHECK_COLOURS.items()
        }
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_entries(self, entries: Sequence[RegisterEntry]) -> None:
        self.set_rows(entries)

    @property
    def entries(self) -> list[RegisterEntry]:
        return self._rows

    def entry(self, row: int) -> RegisterEntry:
        return self._rows[row]

    def row_of(self, entry_id: int) -> int:
        return self.row_where(lambda entry: entry.entry_id == entry_id)

    def set_check(self, entry_id: int, matches: bool) -> None:
        """Remember the outcome of checking a copy of ``entry_id``."""
        self._checks[entry_id] = matches
        self.emit_row_changed(self.row_of(entry_id))

    def check(self, entry_id: int) -> bool | None:
        return self._checks.get(entry_id)

    def cell_data(self, entry: RegisterEntry, column: int, role: int) -> Any:
        if role == ENTRY_ROLE:
            return entry.entry_id
        checked = self._checks.get(entry.entry_id)
        if checked is not None and column == COL_CHECK:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._colours[checked][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._colours[checked][1]
            if role == Qt.ItemDataRole.FontRole and not checked:
                return self._bold
        if not entry.has_file:
            if role == Qt.ItemDataRole.FontRole:
                return self._italic
            if role == Qt.ItemDataRole.ToolTipRole and column == COL_FILE:
                return self.tr("Cette liste n'avait aucune ligne : aucun fichier n'a été produit.")
            if role == Qt.ItemDataRole.ToolTipRole:
                return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SHA:
                return entry.sha256
            if column == COL_USER:
                return entry.created_by
            if column == COL_FILE:
                return self.tr("{name} — {size} octets").format(
                    name=entry.file_name, size=f"{entry.size:,}".replace(",", "\u202f")
                )
            if column == COL_CHECK and checked is False:
                return self.tr(
                    "La copie vérifiée ne correspond plus à la liste archivée : elle a été "
                    "modifiée depuis sa production."
                )
            return None
        return UNHANDLED

    def _display(self, entry: RegisterEntry, column: int) -> str:
        if column == COL_KIND:
            return kind_label(entry.kind)
        if column == COL_FORMAT:
            return format_label(entry.file_format)
        if column == COL_BORDEREAU:
            return entry.bordereau_code
        if column == COL_RUN:
            if entry.run_on is None:
                return self.tr("n° {id}").format(id=entry.run_id)
            return self.tr("n° {id} du {date}").format(
                id=entry.run_id, date=format_date(entry.run_on)
            )
        if column == COL_DATE:
            return format_datetime(entry.created_at)
        if column == COL_USER:
            return entry.created_by_name or entry.created_by
        if column == COL_FILE:
            return entry.file_name if entry.has_file else empty_label(entry.kind)
        if column == COL_COPY:
            return self.tr("Oui") if entry.is_copy else self.tr("Non")
        if column == COL_SHA:
            return entry.sha256[:SHA_SHOWN] if entry.has_file else "—"
        checked = self._checks.get(entry.entry_id)
        if checked is None:
            return ""
        return self.tr("Conforme") if checked else self.tr("Modifiée !")

    def _sort_key(self, entry: RegisterEntry, column: int) -> Any:
        if column == COL_RUN:
            return entry.run_id
        if column == COL_DATE:
            return entry.entry_id  # entries are recorded in time order
        if column == COL_USER:
            return search_key(entry.created_by_name or entry.created_by)
        if column == COL_COPY:
            return int(entry.is_copy)
        if column == COL_CHECK:
            checked = self._checks.get(entry.entry_id)
            return -1 if checked is None else int(checked)
        return search_key(self._display(entry, column))


class ArchiveFilterProxy(QSortFilterProxyModel):
    """Filters of the classeur: kind, bordereau, and a search over the words of a row
    (file name, bordereau, user, run number). The register is small: a per-row filter
    is fine here."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._kind: ListKind | None = None
        self._bordereau: str | None = None
        self._needle = ""

    @property
    def kind(self) -> ListKind | None:
        return self._kind

    @property
    def bordereau(self) -> str | None:
        return self._bordereau

    def set_filters(
        self, kind: ListKind | None = None, bordereau: str | None = None, search: str = ""
    ) -> None:
        needle = search_key(search.strip())
        if (kind, bordereau, needle) == (self._kind, self._bordereau, self._needle):
            return
        self.beginFilterChange()
        self._kind, self._bordereau, self._needle = kind, bordereau or None, needle
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ArchiveTableModel)
        entry = model.entry(source_row)
        if self._kind is not None and entry.kind is not self._kind:
            return False
        if self._bordereau is not None and entry.bordereau_code != self._bordereau:
            return False
        if not self._needle:
            return True
        words = search_key(
            entry.file_name if entry.has_file else empty_label(entry.kind),
            entry.bordereau_code,
            entry.created_by,
            entry.created_by_name,
            kind_label(entry.kind),
            f"n° {entry.run_id}",
            entry.sha256,
        )
        return self._needle in words
