"""How figures are written: formatting a fact's value for the page in the site's language, and reading the
numbers out of a quote in the quote's language (number_reading does the reading)."""
from __future__ import annotations

import copy
import functools
import re
from decimal import Decimal, localcontext

from babel.numbers import get_currency_symbol, get_minus_sign_symbol

from ..render import words
from .number_reading import locale_for, readings
# What counts as a year, decade, century or date typed into prose is the one table of store/periods.py; is_year is
# re-exported here, where chart modules and tests have always asked.
from .periods import is_year  # noqa: F401
from .units import unit_named


def numbers_with_spans(text: str, language: str) -> list[tuple[int, int, Decimal]]:
    """Every number a text in this language states, with where it is written: digits ("2,914", "2.315.925",
    "5,5"), scale words ("2.2 million", "1,3 milljónir"), Korean units ("3만 4314"), English words ("five") or
    what newspapers print ("1・26", "マイナス0・4%", "十八万四千", full-width "１．１５"); in order of position, the
    widest writing first. A number with a scale word states the scaled value only (number_reading's one rule)."""
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
    """The figure as a reader sees it (_formatted), worked out once per figure and language: a page shows a fact
    on its card, in its sentence and in its tables, and Babel takes a tenth of a millisecond each time (19,000
    times, 1.8 s, in a 1,000-page build). The value's repr is in the key beside the value (typed), so 1 and 1.0,
    0.0 and -0.0 stay apart."""
    return _formatted_once(value, repr(value), unit, decimals, approximate, language)


@functools.lru_cache(maxsize=100_000, typed=True)  # a bound for long-running previews; far above any site's figures
def _formatted_once(value: float | int, written: str, unit: str, decimals: int | None, approximate: bool,
                    language: str) -> str:
    return _formatted(value, unit, decimals, approximate, language)


def _formatted(value: float | int, unit: str, decimals: int | None, approximate: bool, language: str) -> str:
    """The figure as a reader of the site sees it, in the site's language (CLDR's patterns): "2,914" (en),
    "2.914" (de, is), "2\u202f914" (fr); "1.22%", "12\u00a0%" (de); "about 30,000"; "3.0 percentage points";
    money in the currency's pattern ("¥3,600,000,000,000", "3.600.000.000.000\u00a0¥" in German) and, with
    ":scale", CLDR's scale words where they write the value exactly ("¥3.6 trillion", "JP¥3.6조")."""
    places = decimals_of(value) if decimals is None else decimals
    written = unit_named(unit)  # how this unit is written: units.UNITS
    exact = Decimal(value)
    # Babel rounds in the current decimal context (28 digits by default): a larger figure, such as 1e308 or an
    # integer of 30 digits, would raise or lose digits. Enough precision for every digit keeps it exact.
    with localcontext() as context:
        context.prec = max(28, exact.adjusted() + places + 10)
        scaled = _in_scale(abs(Decimal(str(value))), language) if written.scale else None  # 3.6e12, not its float
        digits = scaled or _number_pattern(language, places).apply(abs(exact), locale_for(language),
                                                                   group_separator=written.group_digits)
        if written.percent:
            prefix, suffix = _percent_affixes(language, exact.is_signed())  # -0.0 too, as Python and every other unit write it
        elif written.currency:
            prefix, suffix = _currency_affixes(language, written.currency, exact.is_signed())
        elif scaled is not None:
            prefix, suffix = (get_minus_sign_symbol(locale_for(language)) if exact.is_signed() else ""), ""
        else:  # the language's own pattern writes the sign (and any negative form it has)
            prefix, suffix, digits = "", "", _number_pattern(language, places).apply(
                exact, locale_for(language), group_separator=written.group_digits)
        number = prefix + digits + suffix
    if not (written.words or approximate):
        return number
    with words.speaking(language):  # the theme's words in the language the figure is written in
        if written.words:
            # Translators: a figure and its unit's words, "3.0 percentage points"; Korean writes no space: "2.9배"
            number = words.gettext("%(number)s %(unit)s", number=number, unit=words.gettext(written.words.message))
        # Translators: before a rounded figure: "about 30,000"
        return words.pgettext("approximately", "about") + " " + number if approximate else number


@functools.lru_cache(maxsize=None)
def _number_pattern(language: str, places: int):
    """The language's decimal pattern (its grouping) with exactly this many decimal places."""
    pattern = copy.copy(locale_for(language).decimal_formats[None])
    pattern.frac_prec = (places, places)
    return pattern


# The scale display writes at most this many decimals before the scale word: "3.61 trillion". A value that
# needs more ("3.6123 trillion") is written in full, never rounded (facts are shown as their source states them).
SCALE_DECIMALS = 2


def _in_scale(value: Decimal, language: str) -> str | None:
    """The value with the language's largest scale word it reaches, from CLDR's compact forms, long where CLDR has
    them ("3.6 trillion", "3,6 Billionen") and short where not ("3.6조", "3.6兆"); None when no form writes it
    exactly in SCALE_DECIMALS decimals, or it is below the first scale word ("0" for 1000 in Japanese)."""
    locale = locale_for(language)
    forms = locale.compact_decimal_formats.get("long") or locale.compact_decimal_formats.get("short") or {}
    magnitudes = sorted((int(magnitude) for magnitude in forms.get("other", {}) if Decimal(magnitude) <= value),
                        reverse=True)
    for magnitude in magnitudes[:1]:
        template = forms["other"][str(magnitude)]
        zeros = getattr(template, "pattern", str(template)).count("0")
        scaled = value / (Decimal(magnitude) / Decimal(10) ** (zeros - 1))
        places = max(0, -scaled.normalize().as_tuple().exponent)
        if places > SCALE_DECIMALS:
            return None
        plural = locale.plural_form(scaled)
        pattern = getattr(forms.get(plural, forms["other"]).get(str(magnitude), template), "pattern", str(template))
        if not pattern.replace("0", "").replace("'", "").strip():
            return None
        written = _number_pattern(language, places).apply(scaled, locale)
        return re.sub("0+", lambda _: written, pattern.replace("'", ""), count=1)
    return None


@functools.lru_cache(maxsize=None)
def _currency_affixes(language: str, code: str, negative: bool) -> tuple[str, str]:
    """What the language writes around an amount of this currency ("¥", ""; "", "\u00a0¥" in German): the
    currency's symbol in the language's currency pattern. The digits are written as the fact's (its decimals),
    not rounded to the currency's minor unit as Babel's format_currency would."""
    locale = locale_for(language)
    pattern = locale.currency_formats["standard"]
    index = 1 if negative else 0
    symbol, minus = get_currency_symbol(code, locale), get_minus_sign_symbol(locale)
    return tuple(affix[index].replace("¤", symbol).replace("-", minus) for affix in (pattern.prefix, pattern.suffix))


@functools.lru_cache(maxsize=None)
def _percent_affixes(language: str, negative: bool) -> tuple[str, str]:
    """What the language writes around a percentage ("", "%"; "", "\u00a0%"; "%", "" in Turkish): our values
    are already percentages, so the number is placed in the pattern, not multiplied by 100 as Babel would."""
    locale = locale_for(language)
    pattern = locale.percent_formats[None]
    index = 1 if negative else 0
    symbol, minus = locale.number_symbols["latn"]["percentSign"], get_minus_sign_symbol(locale)
    return tuple(affix[index].replace("%", symbol).replace("-", minus) for affix in (pattern.prefix, pattern.suffix))

