"""Reading the numbers a source writes, by the rules of the source's language (CLDR data, through Babel).

A language's decimal symbol is always its decimal symbol: "1,234" is 1.234 in German and 1234 in English,
never both. Any other separator between groups of three digits ("." "," space, no-break space, narrow
no-break space, "'" "’") groups thousands, so a French "2.914" or an English "2 914" still reads as 2914
(a plain space may also stand between two numbers, so "3 400" also reads as 3 and 400). A separator that fits
neither reading ("1.5" in German) leaves the digits unread: the check warns, and the editor sees why.
Scale words come from CLDR's compact number forms ("2.2 million", "1,3 milljónir", "2,3 Millionen"), and
the languages that count in ten thousands (Korean, Chinese, Japanese) are read unit by unit ("3만 4천").
An unknown language tag falls back to its language ("en-XX" → "en"), then to English.

Newspapers print forms CLDR does not describe; PRINTED_FORMS is their one table: "・" as a decimal point in
Japanese ("1・26", "マイナス0・4%"), minus words ("マイナス", "마이너스", "负"), and numerals written in kanji, hanzi or
hangul ("十八万四千", "一百七十二點八萬", "십이만 삼천사백오십육"). Full-width digits and signs ("１．１５", "５．７％",
"－３") read as their ASCII forms in every language.

One rule for scale: a number written with a scale word or unit states the scaled value only. "3.6 trillion",
"3兆6000億円" and "3.6조" each state 3.6e12 and never 3.6, 3 or 6000; "3만 4314명" states 34314, not 4314.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
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
# Full-width forms (East Asian text) to the ASCII forms CLDR's patterns read, one character for one, so that
# every reading's place in the text is unchanged: "１．１５" is 1.15, "－３" is −3 (a minus sign, not a hyphen).
_FULL_WIDTH = {**{0xFF10 + digit: str(digit) for digit in range(10)},
               0xFF0E: ".", 0xFF0C: ",", 0xFF05: "%", 0xFF0B: "+", 0xFF0D: _MINUS}


@dataclass(frozen=True)
class PrintedForms:
    """What newspapers of one language print that CLDR's data does not describe."""

    minus_words: tuple[str, ...] = ()  # the number right after one (a space between or not) is negative
    # Another decimal point, between two digits. Read both ways ("1・2月" is also January and February).
    decimal_points: str = ""
    numerals: dict[str, int] = field(default_factory=dict)  # native digits: 一 二 三, 일 이 삼
    numeral_units: dict[str, int] = field(default_factory=dict)  # 十 百 千 万 億 兆, 십 백 천 만 억 조
    numeral_decimal: str = ""  # a decimal point inside native numerals: "〇・二", "一百七十二點八萬"
    # Korean hangul digits are everyday words too ("이" is "this", "일" is "day"): a run of them is read only
    # with a unit and at least two letters ("삼만", "이천"), from the start of a word, and may be spaced by
    # ten-thousands as Korean spelling wants ("십이만 삼천사백오십육").
    numerals_are_words: bool = False


_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "萬": 10**4, "億": 10**8, "亿": 10**8, "兆": 10**12}
PRINTED_FORMS: dict[str, PrintedForms] = {
    "ja": PrintedForms(minus_words=("マイナス",), decimal_points="・", numerals=_KANJI_DIGITS,
                       numeral_units=_KANJI_UNITS, numeral_decimal="・"),
    "zh": PrintedForms(minus_words=("负", "負"), numerals={**_KANJI_DIGITS, "两": 2, "兩": 2},
                       numeral_units=_KANJI_UNITS, numeral_decimal="点點"),
    "ko": PrintedForms(minus_words=("마이너스",),
                       numerals={"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9},
                       numeral_units={"십": 10, "백": 100, "천": 1000, "만": 10**4, "억": 10**8, "조": 10**12},
                       numerals_are_words=True),
}
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
    printed: PrintedForms  # the newspaper forms of PRINTED_FORMS (none for most languages)
    numeral_runs: tuple[re.Pattern, ...]  # runs of native numerals, with and without their decimal point


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
    text = text.translate(_FULL_WIDTH)
    variants = [text]
    if rules.printed.decimal_points:  # "1・26" is also read as 1.26 (the text keeps its length: places hold)
        variants.append(re.sub(rf"(?<=\d)[{re.escape(rules.printed.decimal_points)}](?=\d)", rules.decimal, text))
    digits: set[Reading] = set()
    scaled: set[Reading] = set()  # written with a scale word or unit: the digits inside them state nothing alone
    for variant in variants:
        for pattern in (rules.grouped, rules.plain):
            for match in pattern.finditer(variant):
                digits.update(_signed(text, match.start(), match.end(), _digits_value(match.group(0), rules), rules))
        if rules.scaled is not None:
            for match in rules.scaled.finditer(variant):
                number = _digits_value(match.group("number"), rules)
                scale = _scale_of(match.group("word"), rules.scales)
                if number is not None and scale is not None:
                    scaled.update(_signed(text, match.start(), match.end(), number * scale, rules))
        if rules.myriad is not None:
            for match in rules.myriad.finditer(variant):
                scaled.update(_signed(text, match.start(), match.end(),
                                      _myriad_value(match.group(0), rules.myriad_units, rules.decimal), rules))
    for pattern in rules.numeral_runs:
        for match in pattern.finditer(text):
            with_unit = any(letter in rules.printed.numeral_units for letter in match.group(0))
            (scaled if with_unit else digits).update(
                _signed(text, match.start(), match.end(), _numeral_value(match.group(0), rules), rules))
            if not with_unit:  # "二〇〇四" is 2004, but "两三倍" is "two or three times": each digit is read too
                for place, letter in enumerate(match.group(0), match.start()):
                    if letter in rules.printed.numerals:
                        digits.update(_signed(text, place, place + 1, Decimal(rules.printed.numerals[letter]), rules))
    found = {reading for reading in digits | scaled if not any(_inside(reading, wide) for wide in scaled)}
    for match in re.finditer(r"[^\W\d_]+", text):
        word = match.group(0).lower()
        if word in rules.words:
            found.add(Reading(match.start(), match.end(), rules.words[word]))
    return sorted(found, key=lambda item: (item.start, -item.end, item.value))


def _inside(reading: Reading, wide: Reading) -> bool:
    """Whether the reading is part of a wider writing with a scale ("3.6" of "3.6 trillion", "八萬" of
    "一百七十二點八萬"), rather than that writing itself read with or without its sign ("-5 million")."""
    return (wide.start <= reading.start and reading.end <= wide.end and reading.end - reading.start < wide.end - wide.start
            and not (reading.end == wide.end and abs(reading.value) == abs(wide.value)))


def _signed(text: str, start: int, end: int, value: Decimal | None, rules: NumberRules) -> list[Reading]:
    """The reading, and its negative where a minus sign stands right before it (not after a word or digit);
    only the negative after a minus word ("マイナス0・4%", "마이너스 0.3%")."""
    if value is None:
        return []
    for word in rules.printed.minus_words:
        for written in (word, word + " "):
            if text.endswith(written, 0, start):
                return [Reading(start - len(written), end, -value)]
    before = text[start - 1] if start else ""
    # Chinese, Japanese and Korean run words together, so a minus after one of their letters is still a sign.
    attached = start < 2 or not text[start - 2].isalnum() or unicodedata.east_asian_width(text[start - 2]) in "WF"
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


def _myriad_value(text: str, myriad_units: dict[str, Decimal], decimal: str) -> Decimal | None:
    """Korean, Chinese and Japanese count in units: "1억 2천만" is 1×10⁸ + 2000×10⁴, "3만 4314" is 34,314."""
    units = "|".join(map(re.escape, sorted(myriad_units, key=len, reverse=True)))
    total = section = Decimal(0)  # section: the part below the next ten-thousand unit
    for coefficient, unit in re.findall(rf"({_coefficient(decimal)})?\s?({units})?", text):
        whole, _, fraction = coefficient.partition(decimal)
        digits = "".join(character for character in whole if character.isdigit())
        number = Decimal(f"{digits}.{fraction or 0}") if coefficient else None
        if not unit:
            section += number or 0
        elif myriad_units[unit] < 10000:  # 천, 백, 十: "4천" adds 4000 to the section, "十" alone 10
            section += (1 if number is None else number) * myriad_units[unit]
        else:  # 만, 억, 조: "3만" or "2천만" (the section so far, times the unit)
            section += number or (0 if section else 1)
            total, section = total + section * myriad_units[unit], Decimal(0)
    return total + section


def _numeral_value(run: str, rules: NumberRules) -> Decimal | None:
    """A run of native numerals, digit by digit into Arabic digits and then read by units as "3만 4천" is:
    "十八万四千" is 184,000, "一百七十二點八萬" 1,728,000, "二〇〇四" 2004, "〇・二" 0.2."""
    printed = rules.printed
    letters = run.replace(" ", "")
    has_unit = any(letter in printed.numeral_units for letter in letters)
    if printed.numerals_are_words and not (has_unit and len(letters) >= 2):
        return None
    if len(letters) < 2 and not any(letter in printed.numerals for letter in letters):  # "千葉", "万が一"
        return None
    arabic = "".join(str(printed.numerals[letter]) if letter in printed.numerals
                     else rules.decimal if letter in printed.numeral_decimal else letter for letter in run)
    if not re.fullmatch(rf"(?:\d+(?:{re.escape(rules.decimal)}\d+)?|[^\d{re.escape(rules.decimal)}]| )+", arabic):
        return None  # a decimal point that stands between no two digits ("二・" then a word)
    units = {**rules.myriad_units, **{unit: Decimal(value) for unit, value in printed.numeral_units.items()}}
    return _myriad_value(arabic, units, rules.decimal)


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
    printed = PRINTED_FORMS.get(locale.language, PrintedForms())
    return NumberRules(str(locale), decimal, grouped, plain, scaled, scales, myriad, myriad_units,
                       {word: Decimal(value) for word, value in words.items()}, printed, _numeral_runs(printed))


def _numeral_runs(printed: PrintedForms) -> tuple[re.Pattern, ...]:
    """Patterns of a run of native numerals: with its decimal point and, since "二・三人" is also "two or three
    people", without it. Never right after an Arabic digit ("3千" is read with the digits, as "3만" is)."""
    letters = "".join(printed.numerals) + "".join(printed.numeral_units)
    if not letters:
        return ()
    runs = []
    for decimal in dict.fromkeys((printed.numeral_decimal, "")):
        kinds = re.escape(letters + decimal)
        if printed.numerals_are_words:  # from the start of a word, spaced by ten-thousands
            runs.append(re.compile(rf"(?<![\d가-힣])[{kinds}]++(?: [{kinds}]++)*+"))
        else:
            runs.append(re.compile(rf"(?<![\d{kinds}])[{kinds}]++(?!\d)"))
    return tuple(runs)


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
