"""How figures are written: formatting a fact's value for the page in the site's language, and reading the
numbers out of a quote in the quote's language (number_reading does the reading)."""
from __future__ import annotations

import copy
import functools
import re
from decimal import Decimal, localcontext

from babel.numbers import get_minus_sign_symbol

from .number_reading import locale_for, readings
from .units import unit_named


def numbers_with_spans(text: str, language: str) -> list[tuple[int, int, Decimal]]:
    """Every number a text in this language states, with where it is written: digits ("2,914", "2.315.925",
    "5,5"), scale words ("2.2 million", "1,3 milljónir"), Korean units ("3만 4314") or English words ("five");
    in order of position, the widest writing first."""
    return [(reading.start, reading.end, reading.value) for reading in readings(text, language)]


def numbers_in(text: str, language: str) -> set[Decimal]:
    return {number for _, _, number in numbers_with_spans(text, language)}


def states(text: str, value: float | int, language: str) -> bool:
    """Whether the text, written in this language (a BCP 47 tag), states this value, however it writes it."""
    return Decimal(str(value)) in numbers_in(text, language)  # Decimal("89.0") == Decimal("89"), and hashes alike


def value_span(text: str, value: float | int, language: str) -> tuple[int, int] | None:
    """Where the text first states this value (the widest writing of it, e.g. all of "3만 4314")."""
    wanted = Decimal(str(value))
    return next(((start, end) for start, end, number in numbers_with_spans(text, language) if number == wanted),
                None)


def decimals_of(value: float | int) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def format_value(value: float | int, unit: str, decimals: int | None = None, approximate: bool = False,
                 language: str = "en") -> str:
    """The figure as a reader of the site sees it, in the site's language (CLDR's patterns): "2,914" (en),
    "2.914" (de, is), "2\u202f914" (fr); "1.22%", "12\u00a0%" (de); "about 30,000"; "3.0 percentage points"."""
    places = decimals_of(value) if decimals is None else decimals
    written = unit_named(unit)  # how this unit is written: units.UNITS
    exact = Decimal(value)
    # Babel rounds in the current decimal context (28 digits by default): a larger figure, such as 1e308 or an
    # integer of 30 digits, would raise or lose digits. Enough precision for every digit keeps it exact.
    with localcontext() as context:
        context.prec = max(28, exact.adjusted() + places + 10)
        if written.percent:
            prefix, suffix = _percent_affixes(language, exact.is_signed())  # -0.0 too, as Python and every other unit write it
            number = prefix + _number_pattern(language, places).apply(abs(exact), locale_for(language)) + suffix
        else:
            number = _number_pattern(language, places).apply(exact, locale_for(language))
    if written.words:
        number += f" {written.words}"
    return f"about {number}" if approximate else number


@functools.lru_cache(maxsize=None)
def _number_pattern(language: str, places: int):
    """The language's decimal pattern (its grouping) with exactly this many decimal places."""
    pattern = copy.copy(locale_for(language).decimal_formats[None])
    pattern.frac_prec = (places, places)
    return pattern


@functools.lru_cache(maxsize=None)
def _percent_affixes(language: str, negative: bool) -> tuple[str, str]:
    """What the language writes around a percentage ("", "%"; "", "\u00a0%"; "%", "" in Turkish): our values
    are already percentages, so the number is placed in the pattern, not multiplied by 100 as Babel would."""
    locale = locale_for(language)
    pattern = locale.percent_formats[None]
    index = 1 if negative else 0
    symbol, minus = locale.number_symbols["latn"]["percentSign"], get_minus_sign_symbol(locale)
    return tuple(affix[index].replace("%", symbol).replace("-", minus) for affix in (pattern.prefix, pattern.suffix))


# A number typed into prose: digits with optional thousands separators and decimals.
PROSE_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|(?<![\w.,])\d+(?:\.\d+)?%?")


def is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2099
