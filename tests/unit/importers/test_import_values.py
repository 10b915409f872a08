"""Cell parsers of the import: dates, amounts, codes, names (import-format.md)."""

from __future__ import annotations

import pytest

from sbee_desk.importers.values import (
    BadValue,
    detect_separator,
    normalize_name,
    parse_amount,
    parse_category,
    parse_date,
    parse_flag,
    parse_invoice_amount,
    parse_payment_amount,
    parse_period,
    parse_voltage,
    text_parser,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("15/01/2026", "2026-01-15"),
        ("2026-01-15", "2026-01-15"),
        ("29/02/2028", "2028-02-29"),
        ("5/1/2026", "2026-01-05"),
        ("31/12/2026", "2026-12-31"),
    ],
)
def test_dates_in_both_formats_give_iso(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",  # no such day
        "29/02/2026",  # not a leap year
        "2026-13-01",
        "15.01.2026",
        "20260115",
        "2026/01/15",
        "15-01-2026",
        "1a/01/2026",
        "janvier 2026",
        "١٥/٠١/٢٠٢٦",  # Arabic-Indic digits
        "2026-01-15T10:00",
    ],
)
def test_unreadable_dates_are_refused_naming_the_value(text: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_date(text)
    assert str(caught.value) == f"date « {text} » illisible (attendu jj/mm/aaaa ou aaaa-mm-jj)"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("125000", 125000),
        ("125 000", 125000),
        ("125\u00a0000", 125000),  # no-break space
        ("125\u202f000", 125000),  # narrow no-break space (French typography)
        ("1 250 000", 1250000),
        ("0", 0),
        ("-500", -500),
        ("- 1 500", -1500),
    ],
)
def test_amounts_accept_spaces_as_thousands_separators(text: str, amount: int) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["125000,50", "12.5", "125 000,05", "1.000", "1,000"])
def test_decimal_amounts_are_refused(text: str) -> None:
    with pytest.raises(BadValue, match="non entier"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "amount"), [("74802,00", 74802), ("74802.00", 74802), ("125 000,0", 125000)]
)
def test_a_zero_decimal_part_as_spreadsheets_write_it_is_accepted(text: str, amount: int) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["abc", "1e5", "12F", "+500", "--5", "-", "١٢٣", "12_000"])
def test_garbage_amounts_are_refused(text: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_amount(text)
    assert f"« {text} »" in str(caught.value)


def test_amounts_beyond_fifteen_digits_are_refused() -> None:
    assert parse_amount("9" * 15) == int("9" * 15)
    with pytest.raises(BadValue, match="trop grand"):
        parse_amount("9" * 16)


def test_invoice_amount_may_be_zero_but_not_negative() -> None:
    assert parse_invoice_amount("0") == 0
    with pytest.raises(BadValue) as caught:
        parse_invoice_amount("-500")
    assert str(caught.value) == "montant « -500 » négatif"


@pytest.mark.parametrize("text", ["0", "-1", "0 000"])
def test_payment_amount_must_be_positive(text: str) -> None:
    with pytest.raises(BadValue, match=f"montant « {text} » nul ou négatif"):
        parse_payment_amount(text)
    assert parse_payment_amount("1") == 1


@pytest.mark.parametrize(
    ("text", "value"), [("oui", True), ("non", False), ("OUI", True), ("Non", False)]
)
def test_annulee_is_oui_or_non_in_any_case(text: str, value: bool) -> None:
    assert parse_flag(text) is value


@pytest.mark.parametrize(
    ("text", "value"), [("1", True), ("0", False), ("vrai", True), ("FAUX", False)]
)
def test_annulee_may_be_one_zero_or_vrai_faux(text: str, value: bool) -> None:
    assert parse_flag(text) is value


def test_annulee_refuses_anything_else() -> None:
    with pytest.raises(BadValue, match="« peut-être »"):
        parse_flag("peut-être")


def test_voltage_is_bt_or_mt() -> None:
    assert parse_voltage("BT") == "BT"
    assert parse_voltage("mt") == "MT"
    with pytest.raises(BadValue) as caught:
        parse_voltage("HT")
    assert str(caught.value) == "tension « HT » inconnue (attendu BT ou MT)"


def test_category_is_one_of_the_nine_codes() -> None:
    for code in (
        "ORDINAIRE",
        "AGENT_SBEE",
        "VIP",
        "RETRAITE_SBEE",
        "AGENT_CEB",
        "MEMBRE_CA_SBEE",
        "MEMBRE_HA_CEB",
        "ADMINISTRATION",
        "COLLECTIVITE_LOCALE",
    ):
        assert parse_category(code) == code
    with pytest.raises(BadValue, match="catégorie « PATRON » inconnue"):
        parse_category("PATRON")


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "01/2026", "2026-01-01", "2026"])
def test_period_is_year_dash_month(text: str) -> None:
    assert parse_period("2026-01") == "2026-01"
    with pytest.raises(BadValue, match=f"période « {text} » illisible"):
        parse_period(text)


def test_text_longer_than_the_column_is_refused() -> None:
    parse = text_parser(5)
    assert parse("12345") == "12345"
    with pytest.raises(BadValue, match="trop longue"):
        parse("123456")


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("code_client", "code_client"),
        (" CODE_CLIENT ", "code_client"),
        ("Date Émission", "date_emission"),
        ("catégorie", "categorie"),
        ("date-retablissement", "date_retablissement"),
        ("\ufeffpolice", "police"),  # a stray byte-order mark
        (None, ""),
    ],
)
def test_names_ignore_case_accents_and_spacing(raw: str | None, name: str) -> None:
    assert normalize_name(raw) == name


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ("facture;police;montant\r\n", ";"),
        ("facture,police,montant\n", ","),
        ("facture", ";"),
        ("nom;adresse, quartier;categorie", ";"),
    ],
)
def test_separator_is_detected_from_the_header(header: str, separator: str) -> None:
    assert detect_separator(header) == separator
