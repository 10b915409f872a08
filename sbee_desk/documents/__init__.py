"""Documents: result objects in, file bytes out (fpdf2 PDFs, openpyxl workbooks).

No Qt, no Session (architecture.md). Texts come from ``reports/``, fonts from
``resources/fonts`` (see :mod:`sbee_desk.documents.resources`).
"""
