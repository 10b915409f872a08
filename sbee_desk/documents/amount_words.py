"""Amounts in French words, for the total of a letter or an order.

``47 500`` → « quarante-sept mille cinq cents francs CFA ». Traditional spelling
(the one of the agency's letters and of cheques), not the 1990 reform:

- hyphens between tens and units below one hundred only (« vingt-deux », « cent
  deux », « deux mille »), « et » without hyphens for 21, 31, 41, 51, 61 and 71
  (« vingt et un », « soixante et onze ») but not for 81 and 91
  (« quatre-vingt-un », « quatre-vingt-onze »);
- « vingt » (in 80) and « cent » take an *s* when multiplied and last in the
  number (« quatre-vingts », « deux cents »), not when followed by another
  number (« quatre-vingt-un », « deux cent un ») nor before « mille », which is
  invariable (« deux cent mille », « quatre-vingt mille ») — but they do before
  « million(s) » and « milliard(s) », which are nouns (« deux cents millions »);
- « mille » alone, never « un mille »; « un million », « deux millions »;
- a round number of millions or billions takes « de » before the currency
  (« deux millions de francs CFA »), and one franc is singular (« un franc CFA »).
"""

from __future__ import annotations

_UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
    "dix-neuf",
)  # fmt: skip  # packed word table indexed by number
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}

CURRENCY_ONE = "franc CFA"
CURRENCY_MANY = "francs CFA"


def _below_hundred(n: int, *, final: bool) -> str:
    """0 < n < 100; ``final``: nothing follows in the number (80 → quatre-vingts)."""
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in _TENS:
        word = _TENS[tens]
        if unit == 0:
            return word
        if unit == 1:
            return f"{word} et un"
        return f"{word}-{_UNITS[unit]}"
    if tens == 7:  # soixante-dix … soixante-dix-neuf
        rest = n - 60
        return "soixante et onze" if rest == 11 else f"soixante-{_UNITS[rest]}"
    # tens 8 and 9: quatre-vingt(s) …
    rest = n - 80
    if rest == 0:
        return "quatre-vingts" if final else "quatre-vingt"
    return f"quatre-vingt-{_UNITS[rest]}"


def _below_thousand(n: int, *, final: bool) -> str:
    """0 < n < 1000; ``final`` as above (deux cents / deux cent mille)."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        if hundreds == 1:
            parts.append("cent")
        elif rest == 0 and final:
            parts.append(f"{_UNITS[hundreds]} cents")
        else:
            parts.append(f"{_UNITS[hundreds]} cent")
    if rest:
        parts.append(_below_hundred(rest, final=final))
    return " ".join(parts)


def number_in_words(n: int) -> str:
    """A whole number (0 ≤ n < 10¹⁵) in French words, traditional spelling."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a whole number is expected, not {n!r}")
    if n < 0:
        return f"moins {number_in_words(-n)}"
    if n >= 10**15:
        raise ValueError(f"{n} is beyond the milliers de milliards")
    if n == 0:
        return _UNITS[0]
    billions, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    parts = []
    if billions:
        # a noun: 200 000 000 000 → deux cents milliards; 1 000 000 000 000 → mille milliards
        words = number_in_words(billions)
        parts.append(f"{words} milliard{'s' if billions > 1 else ''}")
    if millions:
        words = _below_thousand(millions, final=True)
        parts.append(f"{words} million{'s' if millions > 1 else ''}")
    if thousands:
        # « mille » is invariable and never preceded by « un »; the number before it is
        # not final (deux cent mille, quatre-vingt mille)
        parts.append(
            "mille" if thousands == 1 else f"{_below_thousand(thousands, final=False)} mille"
        )
    if units:
        parts.append(_below_thousand(units, final=True))
    return " ".join(parts)


def amount_in_words(amount: int) -> str:
    """``47 500`` → « quarante-sept mille cinq cents francs CFA »."""
    words = number_in_words(amount)
    if abs(amount) <= 1:
        return f"{words} {CURRENCY_ONE}"
    if amount % 10**6 == 0:  # a round number of millions or billions: « de »
        return f"{words} de {CURRENCY_MANY}"
    return f"{words} {CURRENCY_MANY}"
