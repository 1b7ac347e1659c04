"""The units a figure may have, in one table: the name data/ gives, how a value in it is written on the page, and
the words written after the number.

The schema's list of units (fact_schema) and the writing of every value (numbers.format_value: the cards, pages,
downloads and charts) ask UNITS; a new unit is one entry. The words are English, as the rest of the theme's
words are for now.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    name: str  # as data/ writes it: "unit": "percent"
    meaning: str  # what a value in it is, for editors (docs/fact-store.md)
    # Written in the site language's percent pattern ("1.22%", "12 %" in German, "%12" in Turkish). The value is
    # already a percentage: it is placed in the pattern, never multiplied by 100.
    percent: bool = False
    # Written after the number, after a space: "3.0 percentage points", "2.9 times". A figure without a word
    # reads as a count, which a ratio or a change in a share is not.
    words: str = ""


UNITS: dict[str, Unit] = {unit.name: unit for unit in (
    Unit("people", "a count of people: 2914"),
    Unit("percent", "a percentage: 44.7 is shown 44.7%", percent=True),
    Unit("percentage-points", "a change or gap between two percentages: 3.0 is shown 3.0 percentage points",
         words="percentage points"),
    Unit("times", "a ratio: 2.9 is shown 2.9 times", words="times"),
    Unit("years", "a number of years"),
    Unit("number", "any other count or amount, shown as a plain number"),
)}


def unit_named(name: str) -> Unit:
    """The unit of this name. data/ may name only those of UNITS (its schema says so); a chart module's column
    may name any (charts/definition.py does not check it), and a name outside the table is a plain number."""
    return UNITS.get(name) or UNITS["number"]
