"""The units a figure may have, in one table: the name data/ gives, how a value in it is written on the page, and
the words written after the number.

The schema's list of units (fact_schema) and the writing of every value (numbers.format_value: the cards, pages,
downloads and charts) ask UNITS; a new unit is one entry. Its words are messages of the theme's catalogue, written
in the language the value is written in.

A unit's name may carry qualifiers after colons, so that facts, series columns and chart modules, which all
pass one unit name to format_value, get them without a field of their own: an amount of money names its
currency ("currency:JPY", an ISO 4217 code: Babel writes its symbol in the site's language, "¥"), and any unit
but a percentage may ask for the scale display ("number:scale", "currency:JPY:scale": "¥3.6 trillion").
"""
from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

from babel.numbers import list_currencies

from ..render.words import LazyWords, lazy_gettext


@dataclass(frozen=True)
class Unit:
    name: str  # as data/ writes it: "unit": "percent"
    meaning: str  # what a value in it is, for editors (docs/fact-store.md)
    # Written in the site language's percent pattern ("1.22%", "12 %" in German, "%12" in Turkish). The value is
    # already a percentage: it is placed in the pattern, never multiplied by 100.
    percent: bool = False
    # Written after the number: "3.0 percentage points", "2.9 times". A message of the theme's catalogue
    # (render/words.py), so each language has its words and places them ("2.9배", no space: numbers.format_value).
    # A figure without words reads as a count, which a ratio or a change in a share is not. A count of people has
    # none in any language: the sentence names what is counted ("2,914 defectors", "탈북민 2,914명"), as a table's
    # heading does, and a counter in every cell of a table would repeat it.
    words: LazyWords | None = None
    # False: the digits are never grouped, whatever the language groups ("1899", not "1,899" or "1.899").
    group_digits: bool = True
    # The unit is named with an ISO 4217 code after a colon ("currency:JPY"), written in the site language's
    # currency pattern with that currency's symbol ("¥3,600,000,000,000"; "3.600.000.000.000 ¥" in German).
    takes_currency: bool = False
    currency: str = ""  # the code, once named: "JPY"
    # ":scale" after the name: written with CLDR's scale word where that is exact ("3.6 trillion", "3.6조").
    scale: bool = False


SCALE = "scale"

UNITS: dict[str, Unit] = {unit.name: unit for unit in (
    Unit("people", "a count of people: 2914"),
    Unit("percent", "a percentage: 44.7 is shown 44.7%", percent=True),
    Unit("percentage-points", "a change or gap between two percentages: 3.0 is shown 3.0 percentage points",
         words=lazy_gettext("percentage points")),
    Unit("times", "a ratio: 2.9 is shown 2.9 times", words=lazy_gettext("times")),
    Unit("years", "a number of years"),
    Unit("year", "a calendar year: 1899 is shown 1899, never 1,899", group_digits=False),
    Unit("number", "any other count or amount, shown as a plain number"),
    Unit("currency", 'an amount of money, named with its ISO 4217 code: "currency:JPY" (3600000000000 is shown '
         "¥3,600,000,000,000 in English)", takes_currency=True),
)}


def unit_named(name: str) -> Unit:
    """The unit of this name, with its qualifiers ("currency:JPY:scale"). data/ may name only those the schema
    accepts (unit_names_pattern); a chart module's column may name any (charts/definition.py does not check it),
    and a name outside the table is a plain number."""
    base, *qualifiers = name.split(":")
    unit = UNITS.get(base) or UNITS["number"]
    if unit.takes_currency and qualifiers and qualifiers[0] in _currencies():
        unit = dataclasses.replace(unit, name=name, currency=qualifiers.pop(0))
    elif unit.takes_currency:  # no code, or one Babel does not know: the amount is still written, as a number
        unit = UNITS["number"]
    if qualifiers == [SCALE] and not unit.percent:
        unit = dataclasses.replace(unit, name=name, scale=True)
    return unit


@functools.lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def unit_names_pattern() -> str:
    """A regular expression of every unit name data/ may give (the schema's), built from the table."""
    scalable = "|".join(re.escape(unit.name) for unit in UNITS.values() if not unit.percent and not unit.takes_currency)
    fixed = "|".join(re.escape(unit.name) for unit in UNITS.values() if unit.percent)
    money = "|".join(re.escape(unit.name) for unit in UNITS.values() if unit.takes_currency)
    codes = "|".join(sorted(_currencies()))
    return (rf"^(?:(?:{scalable})(?::{SCALE})?|(?:{fixed})|(?:{money}):(?:{codes})(?::{SCALE})?)$")


def plain_unit_names() -> list[str]:
    """The units named without a qualifier (a currency needs its code)."""
    return [unit.name for unit in UNITS.values() if not unit.takes_currency]
