"""Reading the numbers a source writes, by the rules of the source's language (CLDR data, through Babel).

A language's decimal symbol is always its decimal symbol: "1,234" is 1.234 in German and 1234 in English,
never both. Any other separator between groups of three digits ("." "," space, no-break space, narrow
no-break space, "'" "’") groups thousands, so a French "2.914" or an English "2 914" still reads as 2914
(a plain space may also stand between two numbers, so "3 400" also reads as 3 and 400). A separator that fits
neither reading ("1.5" in German) leaves the digits unread: the check warns, and the editor sees why.
Scale words come from CLDR's compact number forms ("2.2 million", "1,3 milljónir", "2,3 Millionen"), and
the languages that count in ten thousands (Korean, Chinese, Japanese) are read unit by unit ("3만 4천").
An unknown language tag falls back to its language ("en-XX" → "en"), then to English.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol

# Characters that separate groups of digits somewhere in the world: comma, full stop, space, no-break space,
# narrow no-break space (French), thin space, apostrophe and right single quote (Swiss).
GROUP_SEPARATORS = ",. \u00a0\u202f\u2009'\u2019"
_SPACES = " \u00a0\u202f\u2009"
# A minus sign (U+2212) is always one; a hyphen-minus is often a dash or a bullet ("-12 in 2024" in a list),
# so a number right after one is read both ways. After a word or a digit ("COVID-19", "10-12") it is never a sign.
_MINUS = "\u2212"
_HYPHEN = "-"

_ENGLISH_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "double": 2, "twice": 2, "triple": 3,
    "half": Decimal("0.5"),
}
# Units below ten thousand that CLDR's compact forms do not list for the languages that count in myriads.
_SMALL_UNITS = {"ko": {"천": 1000, "백": 100}, "zh": {"千": 1000, "百": 100}, "ja": {"千": 1000, "百": 100}}
# Inflected forms of a long scale word ("milljónum", "Millionen") are read when the word is this long.
_INFLECTED_FROM = 6


@dataclass(frozen=True)
class Reading:
    start: int
    end: int
    value: Decimal


@dataclass(frozen=True)
class NumberRules:
    """How one language writes numbers, compiled into patterns once."""

    language: str  # the locale actually used, e.g. "is", or "en" for an unknown tag
    decimal: str
    grouped: re.Pattern  # "2,914", "2.315.925", "12 311" (and the decimals after them)
    plain: re.Pattern  # "5,5", "1.22", "2914"
    scaled: re.Pattern | None  # a number and a scale word: "2.2 million"
    scales: dict[str, Decimal]  # scale word, lower case → its multiplier
    myriad: re.Pattern | None  # a run of ten-thousand units: "3만 4천 538"
    myriad_units: dict[str, Decimal]
    words: dict[str, Decimal]


def locale_for(language: str) -> Locale:
    """The CLDR locale of a BCP 47 tag: the tag itself, else its language, else English."""
    for candidate in (language, language.split("-")[0]):
        try:
            return Locale.parse(candidate.replace("_", "-"), sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale.parse("en")


def readings(text: str, language: str) -> list[Reading]:
    """Every number the text states, with where it is written, in order of position (the widest writing
    first where several start at one place: "3만 4314" before "3")."""
    rules = rules_for(language)
    found: list[Reading] = []
    for pattern in (rules.grouped, rules.plain):
        for match in pattern.finditer(text):
            found += _signed(text, match.start(), match.end(), _digits_value(match.group(0), rules))
    if rules.scaled is not None:
        for match in rules.scaled.finditer(text):
            number = _digits_value(match.group("number"), rules)
            scale = _scale_of(match.group("word"), rules.scales)
            if number is not None and scale is not None:
                found += _signed(text, match.start(), match.end(), number * scale)
    if rules.myriad is not None:
        for match in rules.myriad.finditer(text):
            value = _myriad_value(match.group(0), rules)
            if value is not None:
                found += _signed(text, match.start(), match.end(), value)
    for match in re.finditer(r"[^\W\d_]+", text):
        word = match.group(0).lower()
        if word in rules.words:
            found.append(Reading(match.start(), match.end(), rules.words[word]))
    return sorted(set(found), key=lambda item: (item.start, -item.end, item.value))


def _signed(text: str, start: int, end: int, value: Decimal | None) -> list[Reading]:
    """The reading, and its negative where a minus sign stands right before it (not after a word or digit)."""
    if value is None:
        return []
    before = text[start - 1] if start else ""
    attached = start < 2 or not (text[start - 2].isalnum())
    if before == _MINUS and attached:
        return [Reading(start - 1, end, -value)]
    if before == _HYPHEN and attached:
        return [Reading(start, end, value), Reading(start - 1, end, -value)]
    return [Reading(start, end, value)]


def _digits_value(token: str, rules: NumberRules) -> Decimal | None:
    """A token of digits, separators and one decimal symbol, in the language's rules."""
    whole, _, fraction = token.partition(rules.decimal)
    digits = "".join(character for character in whole if character.isdigit())
    try:
        return Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return None


def _scale_of(word: str, scales: dict[str, Decimal]) -> Decimal | None:
    word = word.lower()
    if word in scales:
        return scales[word]
    for known, multiplier in scales.items():  # "milljónum" is an inflection of "milljón"
        if len(known) >= _INFLECTED_FROM and word.startswith(known) and len(word) - len(known) <= 3:
            return multiplier
    return None


def _myriad_value(text: str, rules: NumberRules) -> Decimal | None:
    """Korean, Chinese and Japanese count in units: "1억 2천만" is 1×10⁸ + 2000×10⁴, "3만 4314" is 34,314."""
    units = "|".join(map(re.escape, sorted(rules.myriad_units, key=len, reverse=True)))
    total = section = Decimal(0)  # section: the part below the next ten-thousand unit
    for coefficient, unit in re.findall(rf"({_coefficient(rules.decimal)})?\s?({units})?", text):
        number = _digits_value(coefficient, rules) if coefficient else None
        if not unit:
            section += number or 0
        elif rules.myriad_units[unit] < 10000:  # 천, 백: "4천" adds 4000 to the section
            section += (1 if number is None else number) * rules.myriad_units[unit]
        else:  # 만, 억, 조: "3만" or "2천만" (the section so far, times the unit)
            section += number or (0 if section else 1)
            total, section = total + section * rules.myriad_units[unit], Decimal(0)
    return total + section


def _coefficient(decimal: str) -> str:
    escaped = re.escape(decimal)
    return rf"\d{{1,3}}(?:,\d{{3}})+(?:{escaped}\d+)?|\d+(?:{escaped}\d+)?"


@functools.lru_cache(maxsize=None)
def rules_for(language: str) -> NumberRules:
    locale = locale_for(language)
    decimal = get_decimal_symbol(locale)
    separators = "".join(character for character in GROUP_SEPARATORS if character != decimal)
    separator_class = f"[{re.escape(separators)}]"
    decimal_part = rf"(?:{re.escape(decimal)}\d+)?"
    # Not inside a longer number: no digit right before, nor a digit and a separator. A plain space may also
    # stand between two numbers ("in 2019 12 people"), so "3 400" reads as 3400 and as 3 and 400.
    joining = re.escape(GROUP_SEPARATORS.replace(" ", ""))
    before = rf"(?<!\d)(?<!\d[{joining}])"
    after = rf"(?!\d)(?![{re.escape(separators.replace(' ', ''))}]\d)(?!{re.escape(decimal)}\d)"
    primary, secondary = locale.decimal_formats[None].grouping
    groupings = [rf"\d{{1,3}}(?:(?P<s3>{separator_class})\d{{3}}(?!\d))(?:(?P=s3)\d{{3}}(?!\d))*"]
    if secondary != primary:  # en-IN "12,34,567"
        groupings.append(rf"\d{{1,{secondary}}}(?:(?P<s2>{separator_class})\d{{{secondary}}})*"
                         rf"(?P<s1>{separator_class})\d{{{primary}}}")
    grouped = re.compile(rf"{before}(?:{'|'.join(groupings)}){decimal_part}{after}")
    plain = re.compile(rf"{before}\d+{decimal_part}{after}")
    number = rf"(?:\d{{1,3}}(?:{separator_class}\d{{3}})+|\d+){decimal_part}"
    scales, myriad_units = _compact_words(locale)
    scaled = None
    if scales:
        words = "|".join(map(re.escape, sorted(scales, key=len, reverse=True)))
        scaled = re.compile(rf"{before}(?P<number>{number})[{_SPACES}]?(?i:(?P<word>(?:{words})\w{{0,3}}))(?!\w)")
    myriad = None
    if myriad_units:
        units = "|".join(map(re.escape, sorted(myriad_units, key=len, reverse=True)))
        term = rf"(?:{_coefficient(decimal)})\s?(?:{units})"
        myriad = re.compile(rf"(?<![\d.,]){term}(?:\s?(?:(?:{_coefficient(decimal)})\s?)?(?:{units}))*"
                            rf"(?:\s?(?:{_coefficient(decimal)})(?![\d]))?")
    words = _ENGLISH_WORDS if locale.language == "en" else {}
    return NumberRules(str(locale), decimal, grouped, plain, scaled, scales, myriad, myriad_units,
                       {word: Decimal(value) for word, value in words.items()})


def _compact_words(locale: Locale) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Scale words from CLDR's compact decimal forms: "0 million" at 10⁶ makes "million" × 10⁶; "00만" at 10⁵
    makes "만" × 10⁴. A language that names ten thousand with a unit of its own counts in myriads."""
    scales: dict[str, Decimal] = {}
    for kind in ("long", "short"):
        for plural_forms in locale.compact_decimal_formats.get(kind, {}).values():
            for magnitude, pattern in plural_forms.items():
                text = getattr(pattern, "pattern", str(pattern))
                zeros = text.count("0")
                word = text.replace("0", "").replace("'", "").strip(_SPACES)
                if not zeros or not word or (kind == "short" and not _is_myriad_form(locale)):
                    continue
                scales.setdefault(word.lower(), Decimal(int(magnitude)) / Decimal(10) ** (zeros - 1))
    if _is_myriad_form(locale):
        units = {**scales, **{word: Decimal(value) for word, value in _SMALL_UNITS.get(locale.language, {}).items()}}
        return {}, units
    return scales, {}


def _is_myriad_form(locale: Locale) -> bool:
    """Whether CLDR writes ten thousand with a single digit and a unit ("1만", "1万")."""
    for plural_forms in locale.compact_decimal_formats.get("short", {}).values():
        pattern = plural_forms.get("10000")
        text = getattr(pattern, "pattern", str(pattern)) if pattern is not None else ""
        if text.count("0") == 1 and text.replace("0", "").replace("'", "").strip(_SPACES):
            return True
    return False
