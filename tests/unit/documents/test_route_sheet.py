"""The route sheet document (#14): its words, the visits in the order given, the
« copie » mark, the recalls, deterministic bytes, the order number's bars readable."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from sbee_desk.documents.barcode import BarcodeError, decode_widths
from sbee_desk.documents.route_sheet import RecallLine, RouteSheet, Visit, pdf_bytes, xlsx_bytes


def sheet(visits: int = 3, *, copy: bool = False, recalls: int = 0) -> RouteSheet:
    return RouteSheet(
        organisation="Société Béninoise d'Énergie Électrique (SBEE)",
        unit="Direction commerciale — Section recouvrement",
        agency="Agence AG1 — Cotonou Centre",
        matricule="A012",
        agent_name="Koffi Agbodjan",
        visit_on=dt.date(2026, 12, 7),
        visits=tuple(
            Visit(
                f"{40 + i:08d}",
                f"01000000{i:02d}",
                f"Client Ɖossou {i}",
                f"Lot {i}",
                "Akpakpa",
                "Z1",
                f"CPT-{i}",
                15_000,
                "DEPOSE" if i % 2 else "CONTROLE_INDEX",
            )
            for i in range(1, visits + 1)
        ),
        recalls=tuple(
            RecallLine(f"{90 + i:08d}", f"09{i}", "Client payé", "Lot 9", None, "Paiement (R7)")
            for i in range(recalls)
        ),
        produced_by="chef",
        copy=copy,
    )


def text_of(content: bytes) -> str:
    return (
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        .replace("\u202f", " ")
        .replace("\u00a0", " ")
    )


def test_the_sheet_prints_the_agent_the_day_the_window_and_the_visits() -> None:
    text = text_of(pdf_bytes(sheet()))
    for words in (
        "Feuille de route",
        "Koffi Agbodjan (A012)",
        "07/12/2026",
        "de 08h00 à 14h30",
        "Client Ɖossou 1",
        "Contrôle",
        "Total : 3 visites — 45 000 FCFA dû",
    ):
        assert words in text, words
    assert "COPIE" not in text and "RAPPELER" not in text


def test_a_reprint_is_marked_copy_and_recalls_come_first() -> None:
    content = pdf_bytes(sheet(copy=True, recalls=1))
    text = text_of(content)
    assert "COPIE" in text
    assert text.index("À RAPPELER — NE PAS INTERVENIR") < text.index("00000041")
    assert "Paiement (R7)" in text


def test_same_sheet_same_bytes() -> None:
    assert pdf_bytes(sheet()) == pdf_bytes(sheet())
    metadata = PdfReader(io.BytesIO(pdf_bytes(sheet()))).metadata
    assert metadata is not None and metadata.creation_date is not None
    assert metadata.creation_date.date() == dt.date(2026, 12, 7)


def test_a_long_sheet_breaks_pages_and_keeps_the_signatures_with_the_last_rows() -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes(sheet(30))))
    assert len(reader.pages) >= 3
    last = reader.pages[-1].extract_text()
    assert "Total : 30 visites" in last and "00000070" in last


def test_the_excel_copy_holds_the_same_visits() -> None:
    ws = load_workbook(io.BytesIO(xlsx_bytes(sheet(copy=True)))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[3][0] == "Feuille de route — COPIE"
    header = next(i for i, r in enumerate(rows) if r[0] == "N°")
    assert [r[1] for r in rows[header + 1 : header + 4]] == ["00000041", "00000042", "00000043"]
    assert rows[header + 4][8] == 45_000


def _runs(row: list[int]) -> list[int]:
    dark = [v < 128 for v in row]
    first, last = dark.index(True), len(dark) - 1 - dark[::-1].index(True)
    runs, current, length = [], dark[first], 0
    for pixel in dark[first : last + 1]:
        if pixel == current:
            length += 1
        else:
            runs.append(length)
            current, length = pixel, 1
    runs.append(length)
    return runs


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_bars_of_the_first_visit_read_as_its_order_number(tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(pdf_bytes(sheet()))
    dpmm = 300 / 25.4
    # the order column (17–47 mm from the left), the first row's bars (61–69 mm down)
    x, y, w, h = (round(v * dpmm) for v in (17.2, 61, 29.6, 8))
    subprocess.run(
        [
            *("pdftoppm", "-gray", "-r", "300", "-f", "1", "-l", "1", "-x", str(x), "-y", str(y)),
            *("-W", str(w), "-H", str(h), "-png", str(pdf), str(tmp_path / "box")),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("box*.png"))).convert("L")
    grey = image.tobytes()
    decoded = set()
    for row in range(0, image.height, 3):
        pixels = list(grey[row * image.width : (row + 1) * image.width])
        if min(pixels) >= 128:
            continue
        try:
            decoded.add(decode_widths(_runs(pixels)))
        except BarcodeError:
            continue
    assert decoded == {"00000041"}


def test_an_order_entered_for_another_cause_says_so_in_its_nature() -> None:
    """An R8 order (#16) tells the agent it is not about unpaid bills: a payment does
    not stop it (only a restoration)."""
    from dataclasses import replace

    base = sheet(2)
    fraud = replace(base.visits[0], cause="FRAUDE")
    doc = replace(base, visits=(fraud, base.visits[1]))
    text = text_of(pdf_bytes(doc))
    assert "R8 : fraude" in text.replace("\n", " ")
    rows = [
        [str(c) for c in row if c is not None]
        for row in load_workbook(io.BytesIO(xlsx_bytes(doc))).active.iter_rows(values_only=True)
    ]
    assert sum("R8 : fraude" in " ".join(r) for r in rows) == 1
