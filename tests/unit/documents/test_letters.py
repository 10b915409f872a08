"""Lettre de relance: content, R5 wording, gaps, pages, fonts and texts (documents.letters)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import shutil
from pathlib import Path

import pytest

from sbee_desk.documents.formal import UnpaidInvoice, font_set
from sbee_desk.documents.formal import fonts as formal_fonts
from sbee_desk.documents.letters import (
    LetterData,
    letter_file_name,
    load_letter_texts,
    render_letter,
)
from sbee_desk.documents.orders import load_order_texts
from sbee_desk.documents.resources import ENV_REPORTS, TemplateError, fonts_dir, reports_dir
from sbee_desk.documents.worker import Texts, render_combined
from tests.unit.documents.edition_data import (
    NAME,
    letter,
    one_line,
    page_count,
    page_fonts,
    pdf_text,
)


@pytest.fixture(scope="module")
def texts():
    return load_letter_texts()


def test_letter_prints_customer_contract_invoices_and_total(texts) -> None:
    content = render_letter(letter(), texts).content
    text = pdf_text(content)
    flat = one_line(text)
    assert NAME in text  # accents (é, è) survive: DejaVu is embedded
    assert "LETTRE DE RELANCE" in text
    assert "Cotonou, le 29/11/2026" in text
    assert "N/Réf. : LR-00000042" in text
    assert "Police n° COT00001234" in text and "PDL-0045-7781" in text
    assert "Lot 1234, Carré 56, Akpakpa Dodomè" in text
    for number, period, due, amount in (
        ("FAC0012345", "juillet 2026", "20/07/2026", "18 750 FCFA"),
        ("FAC0013346", "août 2026", "20/08/2026", "21 250 FCFA"),
        ("FAC0014347", "septembre 2026", "20/09/2026", "7 500 FCFA"),
    ):
        assert f"{number} {period} {due} {amount}" in text
    assert "Total dû 47 500 FCFA" in text
    assert "quarante-sept mille cinq cents francs CFA (47 500 FCFA)" in flat
    assert "interrompue le 28/09/2026" in flat
    assert "Le Chef section recouvrement" in text
    assert "ACCUSÉ DE RÉCEPTION" in text and "Signature du réceptionnaire" in text
    assert "Page 1 / 1" in text
    assert page_count(content) == 1


def test_R5_the_deadline_runs_from_reception_and_is_never_a_date(texts) -> None:
    flat = one_line(pdf_text(render_letter(letter(), texts).content))
    sentence = re.search(r"[^.]*à compter de la réception de la présente\.", flat)
    assert sentence is not None
    assert "dans un délai de 7 jours à compter de la réception de la présente." in flat
    assert not re.search(r"\d{2}/\d{2}/\d{4}", sentence.group(0))
    # the delay is the plan's, whatever it is
    later = dataclasses.replace(letter(), delay_days=10)
    assert "délai de 10 jours à compter de la réception" in one_line(
        pdf_text(render_letter(later, texts).content)
    )


def test_R5_a_date_in_the_deadline_is_refused(tmp_path, monkeypatch) -> None:
    edited = _edited_texts(tmp_path, monkeypatch).replace(
        "dans un délai de {delay} jours à compter", "avant le {date}, soit {delay} jours à compter"
    )
    (tmp_path / "letters.toml").write_text(edited, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"\[letter\] deadline : nom \{date\}"):
        load_letter_texts()


def test_consequence_follows_the_voltage(texts) -> None:
    mt = one_line(pdf_text(render_letter(letter(), texts).content))
    bt_letter = dataclasses.replace(
        letter(), party=dataclasses.replace(letter().party, voltage="BT")
    )
    bt = one_line(pdf_text(render_letter(bt_letter, texts).content))
    assert "le compteur ainsi que le disjoncteur seront déposés" in bt
    assert "relevé de l’index de votre compteur" in mt and "disjoncteur seront" not in mt


def test_missing_address_is_printed_as_missing_and_reported(texts) -> None:
    data = letter(address=None, quartier="  ", delivery_point=None)
    assert data.gaps() == ["ADRESSE", "QUARTIER", "PDL"]
    text = pdf_text(render_letter(data, texts).content)
    assert "[adresse non renseignée]" in text
    assert "[quartier non renseigné]" in text
    assert "Point de livraison : non renseigné" in text
    assert letter().gaps() == []


def test_many_invoices_flow_to_a_second_page_numbered_as_such(texts) -> None:
    invoices = tuple(
        UnpaidInvoice(f"F{k:05d}", "2025-01", dt.date(2025, 1, 5), dt.date(2025, 1, 20), 1_000)
        for k in range(80)
    )
    content = render_letter(letter(invoices=invoices), texts).content
    assert page_count(content) == 2
    assert "Page 1 / 2" in pdf_text(content, 0)
    last = pdf_text(content, 1)
    assert "Page 2 / 2" in last and "Total dû 80 000 FCFA" in last
    assert "N° de facture" in last  # the table header again on the new page
    assert "quatre-vingt mille francs CFA" in one_line(last)
    assert "F00079" in pdf_text(content)


@pytest.mark.parametrize("count", [1, 5, 8, 12])
def test_up_to_a_year_of_invoices_keeps_the_letter_on_one_page(texts, count) -> None:
    """A customer who stopped paying long ago: the layout tightens, nothing is dropped."""
    invoices = tuple(
        UnpaidInvoice(
            f"F{k:09d}",
            f"2025-{k % 12 + 1:02d}",
            dt.date(2025, 1, 5),
            dt.date(2025, 9, 20),
            126_540,
        )
        for k in range(count)
    )
    content = render_letter(letter(invoices=invoices), texts).content
    text = pdf_text(content)
    assert page_count(content) == 1
    assert all(f"F{k:09d}" in text for k in range(count))
    if count >= 9:
        assert "septembre 2025" in text
    assert "…" not in text  # no value cut
    assert "ACCUSÉ DE RÉCEPTION" in text and "Le Chef section recouvrement" in text


def test_fonts_are_dejavu_embedded(texts) -> None:
    fonts = page_fonts(render_letter(letter(), texts).content)
    assert all(fonts.values())  # embedded TrueType
    assert sorted(n.split("+")[-1] for n in fonts) == ["DejaVuSansBold", "DejaVuSansBook"]


def test_a_character_outside_the_fast_subset_prints_with_the_full_font(texts, caplog) -> None:
    fonts = font_set()
    unusual = "Ωmega Ŋgo Ɛ Ҩ"
    assert not fonts.covers([unusual])
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        content = render_letter(letter(customer_name=unusual), texts).content
    assert "missing" not in caplog.text
    assert unusual in pdf_text(content)


def test_file_name_and_payload_round_trip() -> None:
    assert letter_file_name("COT/001 2", "00000042") == "lettre-COT_001_2-00000042.pdf"
    data = letter(address=None)
    assert LetterData.from_payload(data.to_payload()) == data


def test_combined_file_keeps_each_letters_own_page_numbers(texts) -> None:
    long_one = letter(
        invoices=tuple(
            UnpaidInvoice(f"F{k:05d}", "2025-01", dt.date(2025, 1, 5), dt.date(2025, 1, 20), 500)
            for k in range(40)
        )
    )
    items = [letter(customer_name="Premier Client"), long_one, letter(customer_name="Dernière")]
    pages = [page_count(render_letter(i, texts).content) for i in items]
    assert pages == [1, 2, 1]
    both = Texts(texts, load_order_texts())
    combined, used = render_combined(items, pages, both, "Lettres")
    assert combined.pages == 4 and used == pages
    # drawn without knowing the page counts: the same file, counted the same
    alone, counted = render_combined(items, None, both, "Lettres")
    assert counted == pages and alone.pages == 4
    labels = [re.findall(r"Page \d / \d", pdf_text(combined.content, n))[-1] for n in range(4)]
    assert labels == ["Page 1 / 1", "Page 1 / 2", "Page 2 / 2", "Page 1 / 1"]
    assert "Dernière" in pdf_text(combined.content, 3)


# --------------------------------------------------------------------------- texts


def _edited_texts(folder: Path, monkeypatch) -> str:
    """The shipped letters.toml, to edit into ``folder`` (the agency's own copy)."""
    monkeypatch.setenv(ENV_REPORTS, str(folder))
    return (reports_dir("letters.toml") / "letters.toml").read_text(encoding="utf-8")


def test_unknown_placeholder_names_file_section_and_key(tmp_path, monkeypatch) -> None:
    edited = _edited_texts(tmp_path, monkeypatch).replace("N/Réf. : LR-{number}", "Réf. {numero}")
    (tmp_path / "letters.toml").write_text(edited, encoding="utf-8")
    with pytest.raises(
        TemplateError, match=r"letters\.toml.*\[letter\] reference : nom \{numero\}"
    ):
        load_letter_texts()


def test_missing_text_and_broken_toml_are_clear_french_messages(tmp_path, monkeypatch) -> None:
    original = _edited_texts(tmp_path, monkeypatch)
    (tmp_path / "letters.toml").write_text(
        original.replace('closing = "Nous vous', 'closing_x = "Nous vous'), encoding="utf-8"
    )
    with pytest.raises(TemplateError, match=r"section \[letter\] : « closing » absent"):
        load_letter_texts()
    (tmp_path / "letters.toml").write_text(original + "\n[gaps\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"illisible, ligne \d+"):
        load_letter_texts()


def test_unreadable_font_is_a_clear_french_message(tmp_path, monkeypatch) -> None:
    shutil.copytree(fonts_dir(), tmp_path / "fonts")
    (tmp_path / "fonts" / "DejaVuSans-Bold.ttf").write_bytes(b"not a font at all")
    monkeypatch.setattr(formal_fonts, "fonts_dir", lambda: tmp_path / "fonts")
    monkeypatch.setattr(formal_fonts, "_FONTS", {})
    with pytest.raises(
        TemplateError, match=r"Police de caractères « .*DejaVuSans-Bold\.ttf » illisible"
    ):
        font_set()
