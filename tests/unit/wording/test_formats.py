"""French formats of the documents (business-rules.md: ``125 000 FCFA``, dd/mm/yyyy)."""

from __future__ import annotations

import datetime as dt

from sbee_desk.wording.formats import (
    agree,
    clean_text,
    format_amount,
    format_count,
    format_date,
    format_datetime,
    format_period,
    plural,
)


def test_amounts_group_thousands_with_unbreakable_spaces() -> None:
    assert format_amount(125_000) == "125\u202f000\u00a0FCFA"
    assert format_amount(1_234_567) == "1\u202f234\u202f567\u00a0FCFA"
    assert format_amount(0) == "0\u00a0FCFA"
    assert format_count(999) == "999"


def test_dates_and_times() -> None:
    assert format_date(dt.date(2026, 3, 5)) == "05/03/2026"
    assert format_date(None) == ""
    moment = dt.datetime(2026, 11, 22, 9, 5, tzinfo=dt.UTC)
    local = moment.astimezone()
    assert format_datetime(moment) == f"{local:%d/%m/%Y} à {local:%H}h{local:%M}"
    assert format_datetime(moment.replace(tzinfo=None)) == format_datetime(moment)  # SQLite
    assert format_period("2026-09") == "septembre 2026"
    assert format_period("S2") == "S2"


def test_clean_text_keeps_one_printable_line() -> None:
    assert clean_text("Lot 3\tcarré 5\r\nAkpakpa\x0b") == "Lot 3 carré 5  Akpakpa"
    assert clean_text("Zinsou épouse Agbodjan") == "Zinsou épouse Agbodjan"
    assert clean_text(None) == ""


def test_french_plural_zero_and_one_take_the_singular() -> None:
    assert agree(0, "lettre", "lettres") == "lettre"
    assert agree(1, "lettre", "lettres") == "lettre"
    assert agree(2, "lettre", "lettres") == "lettres"
    assert plural(0, "facture impayée", "factures impayées") == "0 facture impayée"
    assert plural(1, "facture impayée", "factures impayées") == "1 facture impayée"
    assert plural(3, "facture impayée", "factures impayées") == "3 factures impayées"
    assert plural(1500, "jour", "jours") == "1\u202f500 jours"
