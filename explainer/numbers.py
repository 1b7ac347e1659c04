"""How figures are written: formatting a fact's value for the page, and reading the numbers out of a quote."""
from __future__ import annotations

import re
from decimal import Decimal

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "double": 2, "twice": 2, "triple": 3,
    "half": Decimal("0.5"),
}
# Korean counts write ten thousands as 만 and thousands as 천: "3만 4314명" is 34,314; "3만4천538" is 34,538.
_KOREAN = re.compile(r"(\d+)\s*만\s*(?:(\d+)\s*천\s*)?(\d[\d,]*)?")
_DIGITS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
_WORDS = re.compile(r"[A-Za-z]+")


def numbers_with_spans(text: str) -> list[tuple[int, int, Decimal]]:
    """Every number a text states, with where it is written: digits ("2,914", "1.22"), Korean units
    ("3만 4314") or words ("five"); in order of position."""
    found: list[tuple[int, int, Decimal]] = []
    for match in _KOREAN.finditer(text):
        ten_thousands, thousands, rest = match.groups()
        found.append((match.start(), match.end(), Decimal(ten_thousands) * 10000 + Decimal(thousands or 0) * 1000
                      + Decimal((rest or "0").replace(",", ""))))
    for match in _DIGITS.finditer(text):
        found.append((match.start(), match.end(), Decimal(match.group(0).replace(",", ""))))
    for match in _WORDS.finditer(text):
        word = match.group(0).lower()
        if word in _NUMBER_WORDS:
            found.append((match.start(), match.end(), Decimal(_NUMBER_WORDS[word])))
    return sorted(found, key=lambda item: (item[0], -item[1]))


def numbers_in(text: str) -> set[Decimal]:
    return {number for _, _, number in numbers_with_spans(text)}


def states(text: str, value: float | int) -> bool:
    """Whether the text states this value, however it writes it."""
    return Decimal(str(value)) in numbers_in(text)  # Decimal("89.0") == Decimal("89"), and hashes alike


def value_span(text: str, value: float | int) -> tuple[int, int] | None:
    """Where the text first states this value (the widest writing of it, e.g. all of "3만 4314명")."""
    wanted = Decimal(str(value))
    return next(((start, end) for start, end, number in numbers_with_spans(text) if number == wanted), None)


def decimals_of(value: float | int) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def format_value(value: float | int, unit: str, decimals: int | None = None, approximate: bool = False) -> str:
    """The figure as a reader sees it: "2,914", "1.22%", "about 30,000", "3.0 percentage points"."""
    places = decimals_of(value) if decimals is None else decimals
    number = f"{value:,.{places}f}"
    if unit == "percent":
        number += "%"
    elif unit == "percentage-points":
        number += " percentage points"
    return f"about {number}" if approximate else number


# A number typed into prose: digits with optional thousands separators and decimals.
PROSE_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|(?<![\w.,])\d+(?:\.\d+)?%?")


def is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2099
