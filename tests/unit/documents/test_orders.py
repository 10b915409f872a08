"""Ordre de dépose (BT) / ordre de contrôle d'index (MT): content, R6, R9, R10, gaps."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sbee_desk.documents.formal import UnpaidInvoice
from sbee_desk.documents.orders import (
    OrderData,
    load_order_texts,
    order_file_name,
    render_order,
)
from tests.unit.documents.edition_data import NAME, one_line, order, page_count, pdf_text


@pytest.fixture(scope="module")
def texts():
    return load_order_texts()


def test_removal_order_prints_everything_the_field_needs(texts) -> None:
    content = render_order(order("DEPOSE"), texts).content
    text = pdf_text(content)
    flat = one_line(text)
    assert page_count(content) == 1
    assert "ORDRE DE DÉPOSE" in text
    assert "N° 00000043" in text and "0 0 0 0 0 0 4 3" in text  # in clear under the bars
    assert NAME in text and "CL00000042" in text
    for label, value in (
        ("Adresse", "Lot 1234, Carré 56, Akpakpa Dodomè"),
        ("Quartier", "Akpakpa"),
        ("Zone / tournée", "Z03"),
        ("Police", "COT00001234"),
        ("Point de livraison", "PDL-0045-7781"),
        ("N° du compteur", "CPT-BT-778812"),
        ("Disjoncteur", "DJ 10/30 A"),
    ):
        assert f"{label}\n{value}" in text
    assert "Factures impayées échues : 3" in flat
    assert "FAC0013346 — août 2026 21 250 FCFA" in flat
    assert "Total dû : 47 500 FCFA soit quarante-sept mille cinq cents francs CFA" in flat
    assert "entre 08h00 et 14h30" in flat  # R9
    assert "Déposer le compteur et le disjoncteur" in flat
    # the CRI to complete by hand
    for words in (
        "COMPTE-RENDU D’INTERVENTION (CRI)",
        "Date de la visite",
        "Heure",
        "Index relevé",
        "Compteur déposé : oui non",
        "Disjoncteur déposé : oui non",
        "Panneau pourri",
        "PdL déjà résilié",
        "Compteur inaccessible",
        "Refus d’accès",
        "Autre :",
        "Intervention réalisée : oui non",
    ):
        assert words in flat, words
    assert "L’agent de recouvrement" in text and "Le chef section recouvrement" in text
    # R10: the store keeper's mention
    assert "MENTION DU MAGASIN" in text
    assert "Compteur (et disjoncteur) retourné(s) au magasin le" in flat
    assert "Le magasinier" in text
    assert "ORDRE DE DÉPOSE n° 00000043 — police n° COT00001234 Page 1 / 1" in flat


def test_R6_an_MT_order_is_an_index_check_without_removal(texts) -> None:
    text = pdf_text(render_order(order("CONTROLE_INDEX", breaker=None), texts).content)
    flat = one_line(text)
    assert "ORDRE DE CONTRÔLE D’INDEX" in text
    assert "sans dépose" in flat and "Pas de dépose" in flat
    assert "Compteur déposé" not in flat and "Disjoncteur déposé" not in flat
    assert "MENTION DU MAGASIN" not in text and "magasinier" not in text
    assert "Index contrôlé avec le client : oui non" in flat
    assert "Tension\nMT" in text
    assert order("CONTROLE_INDEX", breaker=None).gaps() == []  # no breaker on MT: no gap


def test_missing_meter_and_address_are_printed_as_missing_and_reported(texts) -> None:
    data = order("DEPOSE", meter_serial=None, address="", breaker=None, zone_code=None)
    assert data.gaps() == ["ADRESSE", "ZONE", "COMPTEUR", "DISJONCTEUR"]
    text = pdf_text(render_order(data, texts).content)
    assert "Adresse\n[adresse non renseignée]" in text
    assert "N° du compteur\n[non renseigné]" in text
    assert "Disjoncteur\n[non renseigné]" in text
    assert "Zone / tournée\n[zone non renseignée]" in text


def test_a_long_debt_is_summarised_and_the_order_stays_one_page(texts) -> None:
    invoices = tuple(
        UnpaidInvoice(f"F{k:05d}", "2025-01", dt.date(2025, 1, 5), dt.date(2025, 1, 20), 2_500)
        for k in range(25)
    )
    content = render_order(order("DEPOSE", invoices=invoices), texts).content
    flat = one_line(pdf_text(content))
    assert page_count(content) == 1
    assert "… et 20 autres factures" in flat
    assert "Total dû : 62 500 FCFA soit soixante-deux mille cinq cents francs CFA" in flat


def test_file_name_and_payload_round_trip() -> None:
    assert order_file_name("COT 01", "00000043") == "ordre-COT_01-00000043.pdf"
    data = order("CONTROLE_INDEX", meter_serial=None)
    assert OrderData.from_payload(data.to_payload()) == data
    assert dataclasses.asdict(data)["party"]["meter_serial"] is None


# ------------------------------------------------------------------ R8 (#16)


def test_r8_order_prints_its_cause_and_keeps_one_page(texts) -> None:
    """An order entered for another cause prints « Résiliation pour <cause> — motif :
    <reason> » under the title; payment does not stop it (only a restoration, R1); with
    a DG derogation too (R4) and a long debt and reason, it is still one page."""
    many = tuple(
        UnpaidInvoice(
            f"F{k}", f"2026-0{k + 1}", dt.date(2026, k + 1, 1), dt.date(2026, k + 1, 16), 12_500
        )
        for k in range(8)
    )
    base = dataclasses.replace(
        order("DEPOSE"), cause="FRAUDE", cause_reason="branchement en amont du compteur"
    )
    flat = one_line(pdf_text(render_order(base, texts).content))
    assert "Résiliation pour fraude — motif : branchement en amont du compteur" in flat
    assert "Le paiement n’arrête pas cette résiliation" in flat
    assert "reçu de paiement" not in flat
    procedure = one_line(pdf_text(render_order(order("DEPOSE"), texts).content))
    assert "Résiliation pour" not in procedure and "reçu de paiement" in procedure
    for kind in ("DEPOSE", "CONTROLE_INDEX"):
        worst = dataclasses.replace(
            order(kind),
            cause="CONDITIONS",
            cause_reason=("sous-location non déclarée " * 11).strip(),
            party=dataclasses.replace(base.party, invoices=many),
            derogation_reference="DG-2026-031",
            derogation_on=dt.date(2026, 11, 20),
        )
        content = render_order(worst, texts).content
        flat = one_line(pdf_text(content))
        assert page_count(content) == 1
        assert "Résiliation pour non-respect des conditions d’abonnement — motif" in flat
        assert "réf. DG-2026-031 du 20/11/2026" in flat
        assert "Le magasinier" in flat or kind == "CONTROLE_INDEX"  # the bottom is drawn
    # the payload carries the cause to the edition's worker processes
    assert OrderData.from_payload(base.to_payload()) == base
