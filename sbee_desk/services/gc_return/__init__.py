"""The return file for the gestion clientèle (#16): the terminations with their date
and final index, the index readings of the MT index-check orders and the address
difficulties of step 3, each line exported once (docs/return-file-format.md)."""

from sbee_desk.services.gc_return.export import (
    export_return_file,
    parse_format,
    preview,
    return_register,
)
from sbee_desk.services.gc_return.model import (
    COLUMNS,
    CSV_ENCODING,
    CSV_SEPARATOR,
    SHEET_TITLE,
    AddressCause,
    ExportResult,
    FileFormat,
    GcReturnError,
    LineKind,
    RegisterRow,
    ReturnFile,
    ReturnLine,
    file_name,
)
from sbee_desk.services.gc_return.pending import pending_lines

__all__ = [
    "COLUMNS",
    "CSV_ENCODING",
    "CSV_SEPARATOR",
    "SHEET_TITLE",
    "AddressCause",
    "ExportResult",
    "FileFormat",
    "GcReturnError",
    "LineKind",
    "RegisterRow",
    "ReturnFile",
    "ReturnLine",
    "export_return_file",
    "file_name",
    "parse_format",
    "pending_lines",
    "preview",
    "return_register",
]
