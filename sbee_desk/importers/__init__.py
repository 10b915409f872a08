"""Import of the gestion-clientèle export (import-format.md): CSV folder or XLSX."""

from sbee_desk.importers.formats import TABLES, TableSpec
from sbee_desk.importers.loader import bulk_insert
from sbee_desk.importers.results import (
    ImportCancelled,
    ImportFailed,
    ImportProblem,
    ImportResult,
    TableCounts,
)
from sbee_desk.importers.service import import_export

__all__ = [
    "TABLES",
    "ImportCancelled",
    "ImportFailed",
    "ImportProblem",
    "ImportResult",
    "TableCounts",
    "TableSpec",
    "bulk_insert",
    "import_export",
]
