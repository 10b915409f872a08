"""The PDF lists: text extracted with pypdf and checked; fonts embedded."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import warnings

import pytest
from pypdf import PdfReader

from sbee_desk.documents.lists import LineStatus, pdf_bytes
from sbee_desk.domain.enums import Decision, ListKind
from tests.unit.documents.edition_data import page_fonts


def pages(content: bytes) -> list[str]:
    """Each page's text, in drawing order, any run of spaces (no-break ones in amounts,
    line breaks inside wrapped cells) read as one space."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(p.extract_text().split()) for p in reader.pages]


@pytest.fixture
def resilier(make_document, make_line):
    return make_document(
        ListKind.A_RESILIER,
        [
            make_line("P0000002", "Afiavi Zinsou épouse Agbodjan", amount=1_250_000, unpaid=3),
            make_line(
                "P0000001", "Rémi Dossou-Yovo", amount=47_500, suspended_on=dt.date(2026, 9, 28)
            ),
        ],
    )


def test_header_lines_and_totals(resilier, texts) -> None:
    content = pdf_bytes(resilier, texts)
    assert content.startswith(b"%PDF-")
    (text,) = pages(content)
    for expected in [
        "Société Béninoise d'Énergie Électrique (SBEE)",
        "Agence AG-COT — Agence Cotonou Centre",
        "Liste des clients à résilier",
        "BT-COT-2026-09 (BT, septembre 2026)",
        "n° 7 du 20/11/2026",
        "Koffi Agbo (chef), le 22/11/2026 à",
        "2 clients — 1 297 500 FCFA",
        "N° ordre Police Code client Client Catégorie Adresse Quartier Zone PdL N° compteur "
        "Impayés Montant dû (FCFA) Suspendu le Jours",
        "P0000001 CP0000001 Rémi Dossou-Yovo Ordinaire",
        "PDL-P0000001 CPT-P0000001 2 47 500 FCFA 28/09/2026 53",
        "P0000002 CP0000002 Afiavi Zinsou",
        "1 250 000 FCFA 01/10/2026 50",
        "Total : 2 clients 5 1 297 500 FCFA",
        "Le chef section recouvrement",
        "Page 1 / 1",
    ]:
        assert expected in text, expected
    assert text.index("P0000001") < text.index("P0000002")  # by police


def test_fonts_are_embedded_and_metadata_french(resilier, texts) -> None:
    content = pdf_bytes(resilier, texts)
    fonts = page_fonts(content)
    assert all(fonts.values())  # embedded TrueType (subset)
    assert {n.split("+")[-1] for n in fonts} == {"DejaVuSansBook", "DejaVuSansBold"}
    metadata = PdfReader(io.BytesIO(content)).metadata
    assert metadata is not None
    assert metadata.title == "Liste des clients à résilier — BT-COT-2026-09"
    assert metadata.creator == "sbee-desk"


def test_page_size_is_a4_landscape(resilier, texts) -> None:
    page = PdfReader(io.BytesIO(pdf_bytes(resilier, texts))).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)


def test_long_list_repeats_the_table_header_and_numbers_pages(
    make_document, make_line, texts
) -> None:
    lines = [make_line(f"P{n:07d}", f"Client n° {n}", amount=10_000) for n in range(120)]
    texts_by_page = pages(pdf_bytes(make_document(ListKind.A_RESILIER, lines), texts))
    count = len(texts_by_page)
    assert count >= 3
    for number, text in enumerate(texts_by_page, 1):
        assert "N° ordre Police Code client Client" in text
        assert f"Page {number} / {count}" in text
    assert (
        "Liste des clients à résilier — Bordereau BT-COT-2026-09 — Traitement n° 7"
        in (texts_by_page[1])
    )
    everything = "\n".join(texts_by_page)
    assert all(f"P{n:07d}" in everything for n in range(120))  # no line lost at a break
    assert "Total : 120 clients 240 1 200 000 FCFA" in texts_by_page[-1]


def test_control_list_with_reasons_and_signatures(make_document, make_line, texts) -> None:
    lines = [
        make_line(
            "P2",
            "Hôpital de zone d'Abomey-Calavi",
            decision=Decision.EXEMPTE,
            reason="client Agent SBEE : exempté",
        ),
        make_line("P1", status=LineStatus.EXCLUDED, reason="Promesse de paiement — passe lundi"),
    ]
    (text,) = pages(pdf_bytes(make_document(ListKind.CONTROLE, lines), texts))
    assert "Liste de contrôle" in text
    assert "1 exclue, 1 exemptée" in text
    assert "0 en attente" not in text  # empty groups are not counted
    assert "Exclue (à résilier) Promesse de paiement — passe lundi" in text
    assert "Hôpital de zone" in text
    assert "Visa DIG / DAI" in text
    assert text.index("P1") < text.index("P2")  # excluded lines first


def test_empty_list(make_document, texts) -> None:
    (text,) = pages(pdf_bytes(make_document(ListKind.A_RELANCER, []), texts))
    assert "Liste des clients à relancer" in text
    assert "Aucun client sur cette liste." in text
    assert "Total : 0 client 0 0 FCFA" in text


def test_long_texts_are_wrapped_not_lost(make_document, make_line, texts) -> None:
    motif = (
        "4 factures impayées, suspendu depuis 106 jours ; client Agent SBEE : exempté, "
        "résiliation sur dérogation DG seulement ; dérogation DG réf. DG/DCC/2026/0001 "
        "échue le 31/10/2026"
    )
    doc = make_document(
        ListKind.CONTROLE, [make_line("P1", decision=Decision.EXEMPTE, reason=motif)]
    )
    (text,) = pages(pdf_bytes(doc, texts))
    assert motif in text


@pytest.mark.parametrize("kind", [ListKind.A_RESILIER, ListKind.CONTROLE])
def test_signatures_never_stand_alone_on_the_last_page(make_document, make_line, texts, kind):
    """#10: whatever the number of rows, the last page holds rows, the total and the
    signature boxes together."""
    pages_seen = set()
    for count in range(5, 30):
        lines = [make_line(f"P{n:07d}", f"Client n° {n}", amount=10_000) for n in range(count)]
        texts_by_page = pages(pdf_bytes(make_document(kind, lines), texts))
        pages_seen.add(len(texts_by_page))
        last = texts_by_page[-1]
        assert f"Total : {count} clients" in last, count
        assert "Le chef section recouvrement" in last, count
        assert f"P{count - 1:07d}" in last, count  # at least the last row with them
        everything = " ".join(texts_by_page)
        assert all(f"P{n:07d}" in everything for n in range(count))  # no row lost
    assert {1, 2, 3} <= pages_seen  # the range crosses two page breaks


def test_the_pdf_follows_the_columns_of_the_texts(resilier, texts) -> None:
    """The agency removes or adds a column in reports/lists.toml: the PDF follows."""
    from dataclasses import replace

    by_key = {c.key: c for c in texts.columns[ListKind.CONTROLE]}
    chosen = (by_key["police"], by_key["client"], by_key["motif"])
    custom = replace(texts, columns={**texts.columns, ListKind.A_RESILIER: chosen})
    (text,) = pages(pdf_bytes(resilier, custom))
    assert "Police Client Motif P0000001 Rémi Dossou-Yovo 2 factures impayées" in text
    assert "Adresse" not in text and "PdL" not in text


@pytest.mark.parametrize(
    ("delays", "expected"),
    [
        ({"ORDINAIRE": 10, "VIP": 7}, "délai de 10 jours à compter"),
        ({"ORDINAIRE": 1}, "délai de 1 jour à compter"),
        ({}, "délai de 7 jours à compter"),
    ],
)
def test_reminder_delay_of_the_subtitle_comes_from_the_runs_plans(
    make_document, make_line, texts, delays, expected
) -> None:
    doc = make_document(
        ListKind.A_RELANCER,
        [make_line("P1", decision=Decision.RELANCE)],
        reminder_delays=delays,
    )
    (text,) = pages(pdf_bytes(doc, texts))
    assert expected in text


def test_several_reminder_delays_on_one_list(make_document, make_line, texts) -> None:
    from sbee_desk.domain.enums import CustomerCategory

    lines = [
        make_line("P1", decision=Decision.RELANCE),
        make_line("P2", decision=Decision.RELANCE, category=CustomerCategory.ADMINISTRATION),
    ]
    doc = make_document(
        ListKind.A_RELANCER, lines, reminder_delays={"ORDINAIRE": 7, "ADMINISTRATION": 10}
    )
    (text,) = pages(pdf_bytes(doc, texts))
    assert "délai de 7 à 10 jours selon la catégorie à compter" in text


def test_identifiers_are_not_cut(make_document, make_line, texts) -> None:
    line = make_line(
        "P1",
        document_number="00001234",
        delivery_point="PDL-0123456789",
        meter_serial="SAG-2019-00012345",
    )
    (text,) = pages(pdf_bytes(make_document(ListKind.A_RESILIER, [line]), texts))
    for value in ("00001234", "PDL-0123456789", "SAG-2019-00012345", "01/10/2026"):
        assert value in text


def pdftotext(content: bytes, tmp_path, *options: str) -> str:
    """What poppler's pdftotext reads of ``content`` (another reader than pypdf)."""
    source = tmp_path / "list.pdf"
    source.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", *options, str(source), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reads_header_rows_totals_and_page_numbers(
    make_document, make_line, texts, tmp_path
) -> None:
    """#18: the rows are written as raw text operators; another reader finds every
    cell on its line, in its column, the totals and « Page x / y » on each page."""
    lines = [
        make_line(f"P{n:07d}", f"Client n° {n}", amount=10_000 * (n + 1), unpaid=2)
        for n in range(40)
    ]
    content = pdf_bytes(make_document(ListKind.A_RESILIER, lines), texts)
    by_page = pdftotext(content, tmp_path, "-layout").split("\f")[:-1]
    count = len(by_page)
    assert count >= 2
    rows = [[" ".join(row.split()) for row in page.splitlines()] for page in by_page]
    first, last = rows[0], rows[-1]
    assert "Liste des clients à résilier" in first
    for number, page in enumerate(rows, 1):
        assert any(row.startswith("N° ordre Police Code client Client") for row in page)
        assert page[-1].endswith(f"Page {number} / {count}")
        assert page[-1].startswith("Liste des clients à résilier — Bordereau BT-COT-2026-09")
    # a row: police, customer code, name, category, address, quartier, zone, PdL,
    # meter, unpaid, amount (right-aligned), suspended on (centred), days
    assert (
        "P0000000 CP0000000 Client n° 0 Ordinaire Lot 12, carré 45, Akpakpa Z1 "
        "PDL-P0000000 CPT-P0000000 2 10 000 FCFA 01/10/2026 50"
    ) in first
    assert any("P0000039 CP0000039 Client n° 39" in row for row in last)
    assert "Total : 40 clients 80 8 200 000 FCFA" in last
    assert "Le chef section recouvrement" in " ".join(last)
    everything = " ".join(row for page in rows for row in page)
    assert all(f"P{n:07d} CP{n:07d}" in everything for n in range(40))


@pytest.mark.slow  # about 20 s: a thousand pages
def test_a_list_of_more_than_999_pages_counts_them_without_warning(
    make_document, make_line, texts, tmp_path
) -> None:
    """#18: fpdf2's page-count alias reserves the width of three digits and warned on
    each page of a list of 1 000 pages or more; the list prints the count itself."""
    from dataclasses import replace

    by_key = {c.key: c for c in texts.columns[ListKind.CONTROLE]}
    few = tuple(by_key[k] for k in ("police", "client", "categorie", "decision", "motif"))
    tall = replace(texts, columns={**texts.columns, ListKind.CONTROLE: few})
    reason = " ".join(["attente de la relance du client, motif détaillé"] * 40)
    lines = [
        make_line(f"P{n:07d}", status=LineStatus.EXCLUDED, reason=reason) for n in range(4_100)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        content = pdf_bytes(make_document(ListKind.CONTROLE, lines), tall)
    reader = PdfReader(io.BytesIO(content))
    count = len(reader.pages)
    assert count > 1000
    for number in (1, 999, 1000, count):
        text = " ".join(reader.pages[number - 1].extract_text().split())
        assert text.endswith(f"Page {number} / {count}"), (number, text[-40:])
        assert "Police Client Catégorie" in text
    if shutil.which("pdftotext") is not None:  # the label stays within the right margin
        bbox = pdftotext(content, tmp_path, "-bbox", "-f", "1000", "-l", "1000")
        right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
        assert right <= float(reader.pages[0].mediabox.width) - 10 / 25.4 * 72
        assert ">1000</word>" in bbox and f">{count}</word>" in bbox


def test_wrapped_cells_break_as_wrap_text_does(resilier, texts) -> None:
    """#18: the list measures a wrapped cell word by word; its lines are those of
    documents.pdf.wrap_text, whatever the words (short, long, spaces, too many)."""
    import random

    from sbee_desk.documents import pdf as P
    from sbee_desk.documents.lists import pdf as L
    from sbee_desk.documents.lists.content import header

    pdf = L._ListPDF(resilier, texts, header(resilier, texts))
    try:
        pdf.layout()  # the data font, as when the rows are laid out
        rnd = random.Random(18)
        words = ["Lot", "carré", "Akpakpa", "", "É", "Dossou-Yovo", "n°", "Zinsou", "épouse"]
        words += ["Agbodjanhounkpatinzinsoudossouyovo" * 2, "—", "FCFA", "W" * 12]
        for _ in range(2000):
            text = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 40)))
            width = rnd.uniform(8, 60)
            max_lines = rnd.randint(1, 10)
            if pdf.get_string_width(text) <= width:
                continue
            assert pdf._wrap(text, width, max_lines) == P.wrap_text(pdf, text, width, max_lines)
    finally:
        pdf.close_fonts()
