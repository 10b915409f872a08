"""The Excel lists, re-read with openpyxl and checked cell by cell."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from sbee_desk.documents.lists import Dropped, LineStatus, xlsx_bytes
from sbee_desk.domain.enums import CustomerCategory, Decision, DropReason, ListKind

HEADER_ROW = 6
FIRST = 7
COLUMNS = [
    "N° ordre",
    "Police",
    "Code client",
    "Client",
    "Catégorie",
    "Adresse",
    "Quartier",
    "Zone",
    "PdL",
    "N° compteur",
    "Impayés",
    "Montant dû (FCFA)",
    "Suspendu le",
    "Jours",
]
#: 1-based column of each title of the à-résilier list
AT = {title: n for n, title in enumerate(COLUMNS, 1)}


def read(content: bytes):
    return load_workbook(io.BytesIO(content)).active


@pytest.fixture
def resilier(make_document, make_line):
    return make_document(
        ListKind.A_RESILIER,
        [
            make_line("P0000002", "Afiavi Zinsou épouse Agbodjan", amount=1_250_000, unpaid=3),
            make_line("P0000001", "Rémi Dossou-Yovo", amount=47_500),
        ],
    )


def test_header_block_and_column_titles(resilier, texts) -> None:
    ws = read(xlsx_bytes(resilier, texts))
    assert ws.title == "Liste des clients à résilier"
    assert ws["A1"].value.startswith("Société Béninoise d'Énergie Électrique (SBEE)")
    assert "Agence AG-COT — Agence Cotonou Centre" in ws["A2"].value
    assert ws["A3"].value == "Liste des clients à résilier"
    assert ws["A3"].font.bold
    info = ws["A4"].value
    assert "Bordereau\u00a0: BT-COT-2026-09 (BT, septembre 2026)" in info
    assert "Traitement\u00a0: n° 7 du 20/11/2026" in info
    assert "Validé par\u00a0: Koffi Agbo (chef), le 22/11/2026 à" in info
    assert "2 clients — 1\u202f297\u202f500\u00a0FCFA" in ws["A5"].value
    assert [c.value for c in ws[HEADER_ROW]] == COLUMNS
    assert all(c.font.bold for c in ws[HEADER_ROW])
    assert "A1:N1" in {str(r) for r in ws.merged_cells.ranges}


def test_data_cells_have_real_types_and_formats(resilier, texts) -> None:
    ws = read(xlsx_bytes(resilier, texts))
    row = [c for c in ws[FIRST]]
    values = [c.value for c in row]
    # sorted by police
    assert values[:10] == [
        None,
        "P0000001",
        "CP0000001",
        "Rémi Dossou-Yovo",
        "Ordinaire",
        "Lot 12, carré 45, Akpakpa",
        "Akpakpa",
        "Z1",
        "PDL-P0000001",
        "CPT-P0000001",
    ]
    unpaid, amount, suspended, days = row[10], row[11], row[12], row[13]
    assert (type(unpaid.value), unpaid.value) == (int, 2)
    assert (type(amount.value), amount.value) == (int, 47_500)
    assert amount.number_format == '#,##0" FCFA"'
    assert isinstance(suspended.value, dt.datetime)
    assert suspended.value == dt.datetime(2026, 10, 1)
    assert suspended.number_format == "dd/mm/yyyy"
    assert suspended.is_date
    assert days.value == 50
    second = [c.value for c in ws[FIRST + 1]]
    assert second[3] == "Afiavi Zinsou épouse Agbodjan"
    assert second[11] == 1_250_000
    assert ws.cell(FIRST + 1, AT["Adresse"]).alignment.wrap_text


def test_the_document_number_once_edited_stays_text(make_document, make_line, texts) -> None:
    doc = make_document(ListKind.A_RESILIER, [make_line("P1", document_number="00000012")])
    cell = read(xlsx_bytes(doc, texts)).cell(FIRST, AT["N° ordre"])
    assert (cell.value, cell.data_type) == ("00000012", "s")


def test_totals_row(resilier, texts) -> None:
    ws = read(xlsx_bytes(resilier, texts))
    total = [c for c in ws[FIRST + 2]]
    assert total[0].value == "Total"
    client = total[AT["Client"] - 1]
    assert client.value == 2  # clients, shown "2 clients" by its number format
    assert client.number_format == '[=1]0" client";#,##0" clients"'
    assert total[AT["Impayés"] - 1].value == 5  # unpaid invoices
    amount = total[AT["Montant dû (FCFA)"] - 1]
    assert amount.value == 1_297_500
    assert amount.number_format == '#,##0" FCFA"'
    assert all(c.font.bold for c in total)
    assert ws.max_row == FIRST + 2


def test_print_setup(resilier, texts) -> None:
    ws = read(xlsx_bytes(resilier, texts))
    setup = ws.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    assert int(setup.fitToWidth) == 1
    assert int(setup.fitToHeight) == 0  # as many pages as needed
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.freeze_panes == f"A{FIRST}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:N{FIRST + 1}"  # the data, not the totals
    assert "Page &P / &N" in ws.oddFooter.right.text
    assert ws.oddHeader.center.text == "Liste des clients à résilier"
    assert ws.column_dimensions["D"].width == 26  # client


def test_amounts_over_a_million_use_the_grouping_placeholder(make_document, make_line, texts):
    doc = make_document(ListKind.A_RESILIER, [make_line("P1", amount=12_345_678)])
    cell = read(xlsx_bytes(doc, texts)).cell(FIRST, AT["Montant dû (FCFA)"])
    assert cell.value == 12_345_678
    # a space in the format would be a literal, and print "12345 678 FCFA"
    assert " " not in cell.number_format.split('"')[0]


def test_empty_list_says_so_and_totals_zero(make_document, texts) -> None:
    ws = read(xlsx_bytes(make_document(ListKind.A_RELANCER, []), texts))
    assert ws.cell(FIRST, 1).value == "Aucun client sur cette liste."
    total = [c.value for c in ws[FIRST + 1]]
    assert (total[0], total[3], total[10], total[11]) == ("Total", 0, 0, 0)
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:N{HEADER_ROW}"


def test_control_list_words_each_status(make_document, make_line, texts) -> None:
    lines = [
        make_line("P4", decision=Decision.ATTENTE_RELANCE, reason="lettre non encore remise"),
        make_line("P3", decision=Decision.EXEMPTE, reason="client Agent SBEE : exempté"),
        make_line("P2", status=LineStatus.EXCLUDED, reason="Litige en cours — facture contestée"),
        make_line("P1", status=LineStatus.DROPPED),
        make_line(
            "P0",
            status=LineStatus.CANCELLED,
            reason="rétabli le 23/11/2026",
            cancelled_on=dt.date(2026, 11, 24),
        ),
        make_line(
            "P5",
            status=LineStatus.DROPPED,
            dropped=Dropped(DropReason.TERMINATED, dt.date(2026, 11, 21)),
        ),
        make_line("P6", status=LineStatus.DROPPED, dropped=Dropped(DropReason.PAID, threshold=2)),
        make_line(
            "P7", status=LineStatus.DROPPED, dropped=Dropped(DropReason.ALREADY_VALIDATED, run=4)
        ),
        make_line(
            "P8",
            status=LineStatus.DEROGATION,
            category=CustomerCategory.AGENT_SBEE,
            derogation_reference="DG/DCC/2026/014",
            derogation_decided_on=dt.date(2026, 11, 10),
        ),
    ]
    ws = read(xlsx_bytes(make_document(ListKind.CONTROLE, lines), texts))
    titles = [c.value for c in ws[HEADER_ROW]]
    police, decision, motif = (titles.index(t) for t in ("Police", "Décision", "Motif"))
    rows = [
        (r[police].value, r[decision].value, r[motif].value)
        for r in ws.iter_rows(FIRST, FIRST + len(lines) - 1)
    ]
    assert rows == [
        ("P2", "Exclue (à résilier)", "Litige en cours — facture contestée"),
        ("P3", "Exempté (décision DG requise)", "client Agent SBEE : exempté"),
        ("P4", "En attente de relance", "lettre non encore remise"),
        (
            "P8",
            "À résilier sur dérogation DG",
            "Dérogation DG réf. DG/DCC/2026/014 du 10/11/2026 : client Agent SBEE, exemption "
            "levée par la Direction générale (R4)",
        ),
        ("P0", "Annulée (à résilier)", "Annulée le 24/11/2026 : rétabli le 23/11/2026"),
        (
            "P1",
            "Retirée à la validation (à résilier)",
            "Rétablie ou réglée entre la sélection et la validation (R7)",
        ),
        (
            "P5",
            "Retirée à la validation (à résilier)",
            "Contrat résilié le 21/11/2026 (date de résiliation de l'export) (R7)",
        ),
        (
            "P6",
            "Retirée à la validation (à résilier)",
            "Factures réglées avant la validation : moins de 2 impayés échus (R7)",
        ),
        (
            "P7",
            "Retirée à la validation (à résilier)",
            "Lettre ou ordre déjà validé pour cette suspension, traitement n° 4 (R13)",
        ),
    ]
    # real plurals, the empty groups left out
    assert (
        "1 exclue, 1 exemptée, 1 en attente de relance, 1 sur dérogation DG, "
        "5 retirées ou annulées." in ws["A5"].value
    )


def test_text_starting_with_equals_stays_text(make_document, make_line, texts) -> None:
    doc = make_document(ListKind.A_RESILIER, [make_line("P1", '=HYPERLINK("x")')])
    cell = read(xlsx_bytes(doc, texts)).cell(FIRST, AT["Client"])
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("x")'


def test_columns_follow_the_texts(resilier, texts) -> None:
    """The agency may reorder or drop columns in reports/lists.toml."""
    from dataclasses import replace

    keep = [
        c for c in texts.columns[ListKind.A_RESILIER] if c.key in ("client", "police", "montant")
    ]
    custom = replace(
        texts, columns={**texts.columns, ListKind.A_RESILIER: (keep[1], keep[0], keep[2])}
    )
    ws = read(xlsx_bytes(resilier, custom))
    assert [c.value for c in ws[HEADER_ROW]] == ["Client", "Police", "Montant dû (FCFA)"]
    assert [c.value for c in ws[FIRST]] == ["Rémi Dossou-Yovo", "P0000001", 47_500]
    assert [c.value for c in ws[FIRST + 2]] == ["Total\u00a0: 2 clients", None, 1_297_500]
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:C{FIRST + 1}"
