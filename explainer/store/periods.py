"""What counts as a period typed into prose: the one table of year contexts that the typed-number rule
(prose/token_marks.bare_numbers) asks, so that "in 1899", "the 1890s", "the 19th century", "1998–2001" and
"4 February 2026" are read as periods, not as figures that need a fact.

A number is part of a period when it lies wholly inside a match of one of YEAR_CONTEXTS, or of the dates of
the site's language (CLDR's date patterns and month names, through Babel), or of English's. Each pattern
matches only words and numbers that are parts of the period, so whatever number it contains is one. A number
alone ("1899 people") is a year only from 1900 to 2099, as it always was. docs/fact-store.md, "Years and
periods", says this for editors; tests/test_periods.py holds every example.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from babel import Locale
from babel.dates import get_month_names, tokenize_pattern

from .number_reading import locale_for

# A year written in full: four digits, 1000-2999, not part of a longer number ("1,899", "1899.5", "18990").
YEAR_DIGITS = r"[12]\d{3}(?!\d|%|[.,]\d)"
YEAR = r"(?<![\w.,])" + YEAR_DIGITS
# What a year alone, with no words around it, may be: the 1900s and 2000s ("In 2009, …"). Wider would take
# counts ("1500 people") for years.
BARE_YEAR = r"(?<![\w.,])(?:19|20)\d{2}(?!\d|%|[.,]\d)"
_DASH = r"[-‐‑–—~～〜∼]"  # hyphens, dashes and the wave dashes of Japanese ranges
_ORDINAL = r"(?:st|nd|rd|th)"
# The English words after which a year is a year. "to" and "of" are not among them ("rose to 1500", "a total
# of 1500"): they take a year only in a range or after a part of a year (below).
_TIME_WORDS = ("in", "since", "until", "till", "before", "after", "during", "throughout", "from", "back to", "circa",
               "c.", "early", "mid", "late", "year")
_PARTS_OF_A_YEAR = ("end", "start", "beginning", "middle", "half", "quarter", "spring", "summer", "autumn", "fall",
                    "winter", "year", "class")
# "by 2100" is a year; "rose by 1500" is a change: "by" after these words is not a year's context.
_WORDS_OF_CHANGE = ("rose", "fell", "grew", "increased", "decreased", "dropped", "declined", "climbed", "jumped",
                    "up", "down", "cut", "reduced", "raised", "more", "less", "fewer", "exceeded", "outnumbered")


def _words(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class YearContext:
    name: str  # what writers write, for editors (docs/fact-store.md)
    pattern: str  # a regex (case-insensitive) matching the words of the context and only numbers of the period
    example: str  # a sentence it lets through (tests/test_periods.py checks each)
    # Words one of which every match holds (case-folded), so that a text without any is not searched: a page of
    # thousands of typed numbers spent most of its check in patterns that could not match. Empty: always searched.
    needs: tuple[str, ...] = ()


YEAR_CONTEXTS: tuple[YearContext, ...] = (
    YearContext("a year of 1900-2099 anywhere", BARE_YEAR, "In 2009, most arrivals were women."),
    YearContext("a year after a word of time",
                rf"(?<!\w)(?:{_words(_TIME_WORDS)})[\s\u00a0-]+(?:the\s+year\s+)?{YEAR}",
                "Since records began in 1899", needs=_TIME_WORDS),
    YearContext("a year after by, unless after a word of change",
                r"(?<!\w)(?=by\s)" + "".join(rf"(?<!\b{word}\s)" for word in _WORDS_OF_CHANGE) + rf"by\s+{YEAR}",
                "The population may halve by 2100.", needs=("by",)),
    YearContext("a year after a part of a year and of",
                rf"(?<!\w)(?:{_words(_PARTS_OF_A_YEAR)})\s+of\s+{YEAR}", "The winter of 1899 was hard.",
                needs=("of",)),
    YearContext("a range of years", rf"{YEAR}(?:\s*(?:{_DASH}|/)\s*|\s+(?:to|until|till|through)\s+)"
                                    rf"(?:{YEAR}|\d{{2}}(?!\d|%|[.,]\d))",
                "Arrivals fell from 1998 to 2001, and again in 2019-20."),
    YearContext("a range of years after between", rf"(?<!\w)between\s+{YEAR}\s+and\s+{YEAR}",
                "between 1998 and 2001", needs=("between",)),
    YearContext("a decade or the hundreds of a century",
                r"(?<![\w.,])[12]\d{2}0['’]?s(?!\w)|(?<!\w)['’‘]\d0s(?!\w)",
                "In the 1890s, the 1800s and the '90s.", needs=("0s", "0's", "0’s")),
    YearContext("a century", rf"(?<![\w.,])\d{{1,2}}{_ORDINAL}(?=(?:\s*(?:,|and|or|to|{_DASH})\s*\d{{1,2}}{_ORDINAL})*"
                             rf"[\s-]+centur(?:y|ies)(?!\w))",
                "In the 19th century, and the 18th and 19th centuries.", needs=("centur",)),
    YearContext("a year, decade or century in Chinese, Japanese or Korean",
                rf"{YEAR}\s*(?:{_DASH}\s*{YEAR}\s*)?(?:年代|년대|年|년)|(?<![\w.,])\d0\s*(?:年代|년대)"
                rf"|(?<![\w.,])\d{{1,2}}\s*(?:世紀|世纪|세기)",
                "2026年、1990年代、19世紀; 2026년, 1990년대, 90년대, 19세기", needs=("年", "년", "世紀", "世纪", "세기")),
    YearContext("a date written as ISO 8601 writes it", rf"{YEAR}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?(?!\d)",
                "On 2026-02-04 the ministry corrected its count.", needs=("-",)),
    YearContext("a month, or a month and day, in Chinese, Japanese or Korean",
                r"(?<![\d.,])(?:0?[1-9]|1[0-2])\s*[月월](?:\s*(?:0?[1-9]|[12]\d|3[01])\s*[日일])?",
                "2026년 2월 4일", needs=("月", "월")),
)


def is_year(token: str) -> bool:
    """Whether a number alone, with no words around it, is a year (1900-2099): "2009", not "2,009" or "1899"."""
    return re.fullmatch(BARE_YEAR, token) is not None


def period_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Where the text writes periods: every match of the year contexts and of the dates of the language (a BCP 47
    tag) and of English. A number wholly inside one of these spans is part of a period."""
    folded = text.casefold()  # as the patterns compare letters: "ſince" is "since" to them
    spans = [match.span() for pattern, needs in _CONTEXTS if not needs or any(word in folded for word in needs)
             for match in pattern.finditer(text)]
    dates = _dates(language)
    # A date starts at a number or a month's name: trying the patterns only there is ten times as fast as a scan.
    for start in dates.starts.finditer(text):
        date = dates.pattern.match(text, start.start())
        if date is not None:
            spans.append(date.span())
    return spans


_CONTEXTS = tuple((re.compile(context.pattern, re.IGNORECASE), context.needs) for context in YEAR_CONTEXTS)

# The CLDR patterns a date is written in ("MMMM d, y", "d. MMMM y", "y년 MMMM d일", "dd.MM.y"), and the skeletons of
# shorter dates ("March 28", "February 2026").
_DATE_FORMATS = ("long", "medium", "short")
_SKELETONS = ("yMMMM", "yMMMMd", "MMMMd", "yMMM", "yMMMd", "MMMd")
# Dates English writers write that neither American nor British CLDR patterns hold: "28th of March [2019]".
_ENGLISH_EXTRA = ("d 'of' MMMM", "d 'of' MMMM y", "d 'of' MMM", "MMMM 'of' y")


@dataclass(frozen=True)
class _Dates:
    pattern: re.Pattern  # every date pattern of a language, and of English
    starts: re.Pattern  # where a date may start: a number, or one of the months' names


@functools.lru_cache(maxsize=None)
def _dates(language: str) -> _Dates:
    """The date patterns of the language's locale, and of English (American and British), as one regex."""
    english = (Locale.parse("en"), Locale.parse("en_GB"))
    patterns: dict[str, int] = {}  # regex → how many fields: the fullest date is tried first
    names = set()
    for locale in dict.fromkeys((locale_for(language), *english)):
        written = [locale.date_formats[name].pattern for name in _DATE_FORMATS]
        written += [locale.datetime_skeletons[name].pattern for name in _SKELETONS if name in locale.datetime_skeletons]
        written += list(_ENGLISH_EXTRA) if locale.language == "en" else []
        for pattern in written:
            regex = _date_regex(pattern, locale)
            if regex is not None:
                patterns[regex[0]] = regex[1]
        names |= _month_names(locale, "abbreviated")
    ordered = sorted(patterns, key=lambda regex: (-patterns[regex], -len(regex)))
    return _Dates(re.compile("|".join(ordered), re.IGNORECASE),
                  re.compile(rf"(?<![\w.,])(?=\d|{_alternation(names)})", re.IGNORECASE))


def _date_regex(pattern: str, locale: Locale) -> tuple[str, int] | None:
    """A CLDR date pattern as a regex, and its number of fields; None for a pattern with fields other than year,
    month and day (a weekday, an era)."""
    tokens = tokenize_pattern(pattern)
    named = any(kind == "field" and value[0] in "ML" and value[1] >= 3 for kind, value in tokens)
    parts, fields = [], 0
    for kind, value in tokens:
        if kind == "chars":
            parts.append("".join(_literal(char, named) for char in value))
            continue
        letter, width = value
        fields += 1
        if letter in "yYu":
            parts.append(r"\d{2}(?!\d)" if width == 2 else YEAR_DIGITS)
        elif letter in "ML" and width >= 3:
            names = _alternation(_month_names(locale, "wide" if width == 4 else "abbreviated"))
            parts.append(rf"(?<![^\W\d_])(?:{names})\.?(?![^\W\d_])")
        elif letter in "ML":
            parts.append(r"(?:0?[1-9]|1[0-2])(?!\d)")
        elif letter == "d":
            ordinal = f"{_ORDINAL}?" if locale.language == "en" else ""  # "March 28th", "28th of March"
            parts.append(rf"(?:0?[1-9]|[12]\d|3[01])(?!\d){ordinal}")
        else:
            return None
    # Not inside a longer number or word: "132 March" writes no day 32, "x2026" no year.
    return r"(?<![\w.,])(?:" + "".join(parts) + ")", fields


def _literal(char: str, named: bool) -> str:
    """A character between the fields: any space is any run of spaces; a comma or full stop beside a month's
    name may be left out ("February 4 2026", "4 Februar 2026"), never in a date of digits only ("04.02.2026")."""
    if char.isspace():
        return r"[\s\u00a0\u202f]*"
    if named and char in ".,":
        return re.escape(char) + "?"
    return re.escape(char)


@functools.lru_cache(maxsize=None)
def _month_names(locale: Locale, width: str) -> frozenset[str]:
    """The month's names in both grammatical contexts (CLDR's format and stand-alone: "февраля", "февраль"), the
    abbreviations with or without their full stop; an abbreviated field takes the full name too."""
    widths = ("wide", "abbreviated") if width == "abbreviated" else ("wide",)
    names = {name.rstrip(".") for each in widths for context in ("format", "stand-alone")
             for name in get_month_names(each, context, locale).values()}
    if locale.language == "en":
        names.add("Sept")
    return frozenset(names)


def _alternation(names: set[str] | frozenset[str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))  # "March" before "Mar"
