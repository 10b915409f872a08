"""Reading the gestion-clientèle export (import-format.md), CSV folder or XLSX: parse,
check and stage the rows. The import itself (role, audit, R7) is the service
:func:`sbee_desk.services.importing.import_export`."""

from sbee_desk.importers.formats import TABLES, TableSpec
from sbee_desk.importers.loader import bulk_insert
from sbee_desk.importers.results import ImportCancelled, ImportFailed, ImportProblem, TableCounts

__all__ = [
    "TABLES",
    "ImportCancelled",
    "ImportFailed",
    "ImportProblem",
    "TableCounts",
    "TableSpec",
    "bulk_insert",
]
