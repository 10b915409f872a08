"""The classeur: the register of every file archived (archive_register) — lists of
step 1, hand-off lists, return files for the gestion clientèle — and its filter."""

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
from sbee_desk.gui.formatting import (
    format_date,
    format_datetime,
    format_period,
    local_datetime,
    search_key,
)
from sbee_desk.gui.models import SORT_ROLE
from sbee_desk.gui.models.base import UNHANDLED, Column, RowTableModel
from sbee_desk.gui.style import BANNER_COLOURS
from sbee_desk.services.classeur import ArchiveSource, RegisterEntry
from sbee_desk.wording.labels import LIST_KIND_LABELS

ModelIndex = QModelIndex | QPersistentModelIndex
#: the files' register (#16) in the column « Type » and the filter
SOURCE_LABELS: dict[ArchiveSource, str] = {
    ArchiveSource.LISTS: "Listes de sélection",
    ArchiveSource.APUREMENT: "Apurement",
    ArchiveSource.CONTENTIEUX: "Contentieux",
    ArchiveSource.GC_RETURN: "Fichier retour GC",
}
#: the reference of a file: its run, its hand-off, its number in the agency's year
REFERENCE_TEXTS: dict[ArchiveSource, str] = {
    ArchiveSource.LISTS: "Traitement n° {n}",
    ArchiveSource.APUREMENT: "Transmission n° {n}",
    ArchiveSource.CONTENTIEUX: "Transmission n° {n}",
    ArchiveSource.GC_RETURN: "Fichier n° {n}",
}

(
    COL_KIND,
    COL_FORMAT,
    COL_BORDEREAU,
    COL_REFERENCE,
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

FORMAT_LABELS = {"xlsx": "Excel", "pdf": "PDF", "csv": "CSV"}
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


def source_label(source: ArchiveSource) -> str:
    """« Listes de sélection », « Apurement », « Contentieux », « Fichier retour GC »."""
    return tr(SOURCE_LABELS[source])


def type_label(entry: RegisterEntry) -> str:
    """The column « Type »: a list of step 1 by its kind, another file by its register."""
    if entry.kind is not None:
        return kind_label(entry.kind)
    if entry.source is ArchiveSource.GC_RETURN:
        return tr("Retour GC")
    return source_label(entry.source)


def reference_label(entry: RegisterEntry) -> str:
    """« Traitement n° 1 », « Transmission n° 3 », « Fichier n° 2 de 2026 » (numbered
    in the agency's year); the day is in the tooltip (:func:`reference_tooltip`)."""
    number = entry.run_id if entry.source is ArchiveSource.LISTS else entry.reference
    text = tr(REFERENCE_TEXTS[entry.source]).format(n=number)
    if entry.source is ArchiveSource.GC_RETURN and entry.reference_on is not None:
        return tr("{what} de {year}").format(what=text, year=entry.reference_on.year)
    return text


def reference_tooltip(entry: RegisterEntry) -> str:
    """« Traitement n° 1 du 28/11/2026 », « Transmission n° 3 du 10/12/2026 »,
    « Agence AG1, fichier n° 2 produit le 10/12/2026, 3 lignes »."""
    if entry.source is ArchiveSource.GC_RETURN:
        count = entry.line_count or 0
        lines = tr("{n} ligne").format(n=count) if count <= 1 else tr("{n} lignes").format(n=count)
        return tr("Agence {agency}, fichier n° {n} produit le {date}, {lines}").format(
            agency=entry.agency_code,
            n=entry.reference,
            date=format_date(entry.reference_on),
            lines=lines,
        )
    day = entry.run_on if entry.source is ArchiveSource.LISTS else entry.reference_on
    text = tr(REFERENCE_TEXTS[entry.source]).format(
        n=entry.run_id if entry.source is ArchiveSource.LISTS else entry.reference
    )
    if day is None:
        return text
    return tr("{what} du {date}").format(what=text, date=format_date(day))


def period_of(entry: RegisterEntry) -> str:
    """``2026-12``: the month the file was produced, on the workstation's clock."""
    return f"{local_datetime(entry.created_at):%Y-%m}"


def period_label(period: str) -> str:
    """``2026`` → « Année 2026 »; ``2026-12`` → « décembre 2026 »."""
    if len(period) == 4:
        return tr("Année {year}").format(year=period)
    return format_period(period)


def format_label(file_format: str) -> str:
    if not file_format:
        return "—"
    return FORMAT_LABELS.get(file_format.lower(), file_format.upper())


def empty_label(kind: ListKind | None) -> str:
    """« Aucun client à relancer »… for a list recorded without a file."""
    return tr(EMPTY_LIST_TEXTS[kind]) if kind is not None else ""


def file_label(entry: RegisterEntry) -> str:
    return entry.file_name if entry.has_file else empty_label(entry.kind)


EntryKey = tuple[str, int]


class ArchiveTableModel(RowTableModel[RegisterEntry]):
    """One row per archived file, oldest first; a copy checked this session shows
    "Conforme" or "Modifiée" (in words, and in red when it no longer matches)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._checks: dict[EntryKey, bool] = {}
        self._order: dict[EntryKey, int] = {}
        titles = (
            self.tr("Type"),
            self.tr("Format"),
            self.tr("Bordereau"),
            self.tr("Référence"),
            self.tr("Date"),
            self.tr("Utilisateur"),
            self.tr("Fichier"),
            self.tr("Copie"),
            self.tr("SHA-256"),
            self.tr("Vérification"),
        )
        tips = {
            COL_KIND: self.tr(
                "Liste de sélection (à relancer, à résilier, de contrôle), liste transmise à "
                "l'apurement ou au contentieux, ou fichier retour pour la gestion clientèle"
            ),
            COL_REFERENCE: self.tr(
                "Le traitement d'une liste de sélection, le n° de transmission d'une liste "
                "d'apurement ou de contentieux, le n° d'un fichier retour dans l'année"
            ),
            COL_COPY: self.tr(
                "« Oui » : liste produite à nouveau pour le même bordereau, ou transmission "
                "réimprimée"
            ),
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
        # the register comes oldest first, whatever the file's register
        self._order = {entry.key: n for n, entry in enumerate(entries)}
        self.set_rows(entries)

    @property
    def entries(self) -> list[RegisterEntry]:
        return self._rows

    def entry(self, row: int) -> RegisterEntry:
        return self._rows[row]

    def row_of(self, entry: RegisterEntry | EntryKey | int) -> int:
        """The row of a file: the entry, its key, or the id of a list of step 1."""
        key = _key(entry)
        return self.row_where(lambda e: e.key == key)

    def set_check(self, entry: RegisterEntry | EntryKey | int, matches: bool) -> None:
        """Remember the outcome of checking a copy of ``entry``."""
        key = _key(entry)
        self._checks[key] = matches
        self.emit_row_changed(self.row_of(key))

    def check(self, entry: RegisterEntry | EntryKey | int) -> bool | None:
        return self._checks.get(_key(entry))

    def cell_data(self, entry: RegisterEntry, column: int, role: int) -> Any:
        if role == ENTRY_ROLE:
            return entry.entry_id
        checked = self._checks.get(entry.key)
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
            return self._tooltip(entry, column, checked)
        return UNHANDLED

    def _tooltip(self, entry: RegisterEntry, column: int, checked: bool | None) -> str | None:
        if column == COL_SHA:
            return entry.sha256
        if column == COL_USER:
            return entry.created_by
        if column == COL_KIND:
            return source_label(entry.source)
        if column == COL_REFERENCE:
            return reference_tooltip(entry)
        if column == COL_FILE:
            return self.tr("{name} — {size} octets").format(
                name=entry.file_name, size=f"{entry.size:,}".replace(",", "\u202f")
            )
        if column == COL_CHECK and checked is False:
            return self.tr(
                "La copie vérifiée ne correspond plus au fichier archivé : elle a été "
                "modifiée depuis sa production."
            )
        return None

    def _display(self, entry: RegisterEntry, column: int) -> str:
        if column == COL_KIND:
            return type_label(entry)
        if column == COL_FORMAT:
            return format_label(entry.file_format)
        if column == COL_BORDEREAU:
            return entry.bordereau_code or "—"
        if column == COL_REFERENCE:
            return reference_label(entry)
        if column == COL_DATE:
            return format_datetime(entry.created_at)
        if column == COL_USER:
            return entry.created_by_name or entry.created_by
        if column == COL_FILE:
            return file_label(entry)
        if column == COL_COPY:
            return self.tr("Oui") if entry.is_copy else self.tr("Non")
        if column == COL_SHA:
            return entry.sha256[:SHA_SHOWN] if entry.has_file else "—"
        checked = self._checks.get(entry.key)
        if checked is None:
            return ""
        return self.tr("Conforme") if checked else self.tr("Modifiée !")

    def _sort_key(self, entry: RegisterEntry, column: int) -> Any:
        if column == COL_REFERENCE:
            number = entry.run_id if entry.source is ArchiveSource.LISTS else entry.reference
            # one string (a tuple does not cross QVariant): register, number, time
            source = _SOURCE_ORDER[entry.source]
            return f"{source}:{number or 0:012d}:{self._order.get(entry.key, 0):09d}"
        if column == COL_DATE:
            return self._order.get(entry.key, 0)  # the register comes in time order
        if column == COL_USER:
            return search_key(entry.created_by_name or entry.created_by)
        if column == COL_COPY:
            return int(entry.is_copy)
        if column == COL_CHECK:
            checked = self._checks.get(entry.key)
            return -1 if checked is None else int(checked)
        return search_key(self._display(entry, column))


_SOURCE_ORDER = {source: n for n, source in enumerate(ArchiveSource)}


def _key(entry: RegisterEntry | EntryKey | int) -> EntryKey:
    if isinstance(entry, RegisterEntry):
        return entry.key
    if isinstance(entry, int):
        return ArchiveSource.LISTS.table, entry
    return entry


class ArchiveFilterProxy(QSortFilterProxyModel):
    """Filters of the classeur: register or list kind, bordereau, period (a year or a
    month), and a search over the words of a row (file name, bordereau, user,
    reference). The register is small: a per-row filter is fine here."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._kind: ListKind | None = None
        self._source: ArchiveSource | None = None
        self._bordereau: str | None = None
        self._period: str | None = None
        self._needle = ""

    @property
    def kind(self) -> ListKind | None:
        return self._kind

    @property
    def source(self) -> ArchiveSource | None:
        return self._source

    @property
    def bordereau(self) -> str | None:
        return self._bordereau

    @property
    def period(self) -> str | None:
        return self._period

    def set_filters(
        self,
        kind: ListKind | None = None,
        bordereau: str | None = None,
        search: str = "",
        *,
        source: ArchiveSource | None = None,
        period: str | None = None,
    ) -> None:
        """``kind``: a list of step 1; ``source``: a register; ``period``: ``2026`` or
        ``2026-12`` (the month the file was produced)."""
        needle = search_key(search.strip())
        wanted = (kind, source, bordereau or None, period or None, needle)
        if wanted == (self._kind, self._source, self._bordereau, self._period, self._needle):
            return
        self.beginFilterChange()
        self._kind, self._source, self._bordereau, self._period, self._needle = wanted
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ArchiveTableModel)
        entry = model.entry(source_row)
        if self._kind is not None and entry.kind is not self._kind:
            return False
        if self._source is not None and entry.source is not self._source:
            return False
        if self._bordereau is not None and entry.bordereau_code != self._bordereau:
            return False
        if self._period is not None and not period_of(entry).startswith(self._period):
            return False
        if not self._needle:
            return True
        words = search_key(
            file_label(entry),
            entry.bordereau_code,
            entry.created_by,
            entry.created_by_name,
            type_label(entry),
            source_label(entry.source),
            reference_tooltip(entry),
            entry.sha256,
        )
        return self._needle in words
