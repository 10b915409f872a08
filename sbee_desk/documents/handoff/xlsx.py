"""The Excel copy of a hand-off list (openpyxl): the header, one row per contract
(apurement) or per unpaid invoice (contentieux, with each contract's total), the
totals — the contentieux's total due in words too — and the signatures; numbers,
amounts and dates as typed cells; printable on one page wide."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

from sbee_desk.documents.amount_words import amount_in_words
from sbee_desk.documents.formats import EXCEL_AMOUNT_FORMAT, EXCEL_DATE_FORMAT, format_date
from sbee_desk.documents.handoff.model import (
    LITIGATION_COLUMNS,
    SETTLEMENT_COLUMNS,
    WORDS,
    HandoffDocument,
    HandoffKind,
    cause_text,
    litigation_rows,
    settlement_texts,
)
from sbee_desk.documents.sheet_xlsx import BOX, column_header, finish, new_sheet

_TOTAL_FILL = PatternFill("solid", fgColor="DDE5ED")
_AMOUNTS = {"solde", "montant", "regle"}
_DATES = {"resilie_le", "emise_le"}


def _settlement_values(doc: HandoffDocument) -> list[list[object]]:
    rows: list[list[object]] = []
    for rank, line in enumerate(doc.settlement, 1):
        texts = settlement_texts(rank, line)
        typed: dict[str, object] = {
            **texts,
            "rang": rank,
            "resilie_le": line.terminated_on,
            "cause": cause_text(line.cause, line.reason),
            "index": line.final_index,
            "solde": line.balance,
        }
        rows.append([typed[k] for k, _, _ in SETTLEMENT_COLUMNS])
    return rows


def _litigation_values(doc: HandoffDocument) -> list[tuple[list[object], bool]]:
    rows: list[tuple[list[object], bool]] = []
    keys = [k for k, _, _ in LITIGATION_COLUMNS]
    for line in doc.litigation:
        for n, (texts, invoice) in enumerate(
            zip(litigation_rows(line), line.invoices, strict=True)
        ):
            typed: dict[str, object] = {
                **texts,
                "resilie_le": line.terminated_on if n == 0 else None,
                "emise_le": invoice.issued_on,
                "montant": invoice.amount,
                "regle": invoice.paid,
                "solde": invoice.balance,
            }
            rows.append(([None if typed[k] == "" else typed[k] for k in keys], False))
        subtotal: dict[str, object] = dict.fromkeys(keys)
        subtotal["facture"] = WORDS["contract_total"].format(police=line.police)
        subtotal["solde"] = line.amount_due
        rows.append(([subtotal[k] for k in keys], True))
    return rows


def xlsx_bytes(doc: HandoffDocument, kind: HandoffKind) -> bytes:
    columns = SETTLEMENT_COLUMNS if kind is HandoffKind.APUREMENT else LITIGATION_COLUMNS
    keys = [k for k, _, _ in columns]
    wb, ws = new_sheet(
        "Apurement" if kind is HandoffKind.APUREMENT else "Contentieux",
        doc.handed_on,
        (doc.organisation, doc.unit, doc.agency),
        WORDS["title_" + kind.value] + (f" — {WORDS['copy']}" if doc.copy else ""),
    )
    wb.properties.title = doc.running(kind)
    ws.append([WORDS["subtitle_" + kind.value]])
    ws.append(
        [
            WORDS["number"],
            WORDS["number_value"].format(number=doc.number, date=format_date(doc.handed_on)),
        ]
    )
    ws.append([WORDS["produced_by"], doc.produced_by])
    if kind is HandoffKind.APUREMENT:
        ws.append([WORDS["no_deposit"]])
    ws.append([])
    head_row = column_header(ws, [title for _, title, _ in columns])
    if kind is HandoffKind.APUREMENT:
        body = [(values, False) for values in _settlement_values(doc)]
        count, amount = len(doc.settlement), sum(s.balance for s in doc.settlement)
    else:
        body = _litigation_values(doc)
        count, amount = len(doc.litigation), doc.total_due
    for values, bold in body:
        ws.append(values)
        row = ws.max_row
        for key, cell in zip(keys, ws[row], strict=True):
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if bold:
                cell.font = Font(bold=True)
            if key in _AMOUNTS:
                cell.number_format = EXCEL_AMOUNT_FORMAT
            elif key in _DATES:
                cell.number_format = EXCEL_DATE_FORMAT
    total: list[object] = [None] * len(keys)
    total[0] = WORDS["total"].format(contracts=count).split(":")[0].strip()
    total[1] = count
    total[-1] = amount
    ws.append(total)
    total_row = ws.max_row
    for cell in ws[total_row]:
        cell.font = Font(bold=True)
        cell.fill = _TOTAL_FILL
    ws.cell(total_row, len(keys)).number_format = EXCEL_AMOUNT_FORMAT
    if kind is HandoffKind.CONTENTIEUX:
        ws.append([WORDS["total_due_words"].format(words=amount_in_words(amount))])
    ws.append([])
    ws.append(
        [WORDS["sign_chef"]] + [None] * (len(keys) - 4) + [WORDS["sign_receiver_" + kind.value]]
    )
    return finish(wb, ws, [width for _, _, width in columns], head_row)
