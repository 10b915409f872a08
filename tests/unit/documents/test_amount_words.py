"""French amounts in words, traditional spelling (documents.amount_words)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sbee_desk.documents.amount_words import amount_in_words, number_in_words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zéro"),
        (1, "un"),
        (16, "seize"),
        (17, "dix-sept"),
        (21, "vingt et un"),
        (22, "vingt-deux"),
        (31, "trente et un"),
        (60, "soixante"),
        (70, "soixante-dix"),
        (71, "soixante et onze"),
        (77, "soixante-dix-sept"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (90, "quatre-vingt-dix"),
        (91, "quatre-vingt-onze"),
        (99, "quatre-vingt-dix-neuf"),
        (100, "cent"),
        (101, "cent un"),
        (180, "cent quatre-vingts"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (280, "deux cent quatre-vingts"),
        (1000, "mille"),
        (1001, "mille un"),
        (2000, "deux mille"),
        (21_000, "vingt et un mille"),
        (80_000, "quatre-vingt mille"),
        (200_000, "deux cent mille"),
        (47_500, "quarante-sept mille cinq cents"),
        (125_000, "cent vingt-cinq mille"),
        (1_000_000, "un million"),
        (2_000_000, "deux millions"),
        (80_000_000, "quatre-vingts millions"),
        (200_000_000, "deux cents millions"),
        (2_200_000, "deux millions deux cent mille"),
        (1_000_000_000, "un milliard"),
        (3_000_000_080, "trois milliards quatre-vingts"),
    ],
)
def test_number_in_words(n: int, words: str) -> None:
    assert number_in_words(n) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (47_500, "quarante-sept mille cinq cents francs CFA"),
        (1, "un franc CFA"),
        (0, "zéro franc CFA"),
        (2_000_000, "deux millions de francs CFA"),
        (1_000_000, "un million de francs CFA"),
        (2_000_500, "deux millions cinq cents francs CFA"),
        (125_000, "cent vingt-cinq mille francs CFA"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_refuses_what_is_not_a_whole_number() -> None:
    with pytest.raises(TypeError):
        number_in_words(12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        number_in_words(True)
    assert number_in_words(-3) == "moins trois"


VOCABULARY = {
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "vingt",
    "vingts",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "cent",
    "cents",
    "mille",
    "million",
    "millions",
    "milliard",
    "milliards",
    "et",
}


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_spelling_rules_hold_for_any_amount(n: int) -> None:
    words = number_in_words(n)
    tokens = words.split(" ")
    assert {part for token in tokens for part in token.split("-")} <= VOCABULARY
    assert not words.startswith("un mille")  # « mille », never « un mille »
    # « cents » and « vingts » only last, or before million(s) / milliard(s)
    for i, token in enumerate(tokens):
        if token.endswith(("cents", "quatre-vingts")):
            rest = tokens[i + 1 :]
            assert not rest or rest[0].startswith(("million", "milliard")), words
    # « et » only in 21…71 (never 81, 91)
    assert not re.search(r"quatre-vingt et", words)
    # hyphens only inside numbers below one hundred
    assert "cent-" not in words and "-mille" not in words and "-cent" not in words


@given(st.integers(min_value=0, max_value=10**9))
def test_amount_words_end_with_the_currency(n: int) -> None:
    text = amount_in_words(n)
    assert text.endswith("franc CFA" if n <= 1 else "francs CFA")
