"""Dates of the fact store: an as-of date or period in ISO form, and the words readers see for it."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import format_date

from ..render import words

ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_label(iso: str) -> str:
    """"2025" → "2025"; "2025-05" → "May 2025"; "2024-12-31" → "31 December 2024": in the words being shown
    (render/words.py), the patterns from the catalogue and the month names from CLDR (Babel)."""
    return _date_label(iso, words.active())


@lru_cache(maxsize=4096)
def _date_label(iso: str, shown: words.Words) -> str:
    match = ISO_DATE.match(iso)
    if match is None or not is_valid_date(iso):
        return iso
    year, month, day = match.groups()
    if month is None:
        # Translators: a CLDR date pattern (https://cldr.unicode.org/translation/date-time/date-time-patterns)
        # for a year alone: "2025"
        pattern = words.pgettext("date pattern", "y")
    elif day is None:
        # Translators: a CLDR date pattern for a month: "May 2025"
        pattern = words.pgettext("date pattern", "MMMM y")
    else:
        # Translators: a CLDR date pattern for a day: "31 December 2024"
        pattern = words.pgettext("date pattern", "d MMMM y")
    return format_date(datetime.date(int(year), int(month or 1), int(day or 1)), pattern, locale=shown.locale)


def is_valid_date(iso: str) -> bool:
    """An ISO year, month or day that is on the calendar ("2025-02-30" is not)."""
    match = ISO_DATE.match(iso)
    if match is None:
        return False
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return False
    return True


def last_day(iso: str) -> datetime.date:
    """The last day a valid ISO date names: "2027" → 2027-12-31, "2027-02" → 2027-02-28, a day itself."""
    year, month, day = ISO_DATE.match(iso).groups()
    if day is not None:
        return datetime.date(int(year), int(month), int(day))
    if month is None:
        return datetime.date(int(year), 12, 31)
    following = datetime.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class AsOf:
    """When a figure holds: one date ("2025-05-14", "2025-05" or "2025"), or a period from start to end."""

    start: str
    end: str | None = None  # None: a single date

    @property
    def label(self) -> str:
        if self.end is None:
            return date_label(self.start)
        # Translators: a period, from one date to another: "1997 – 2011", "May 2024 – June 2025"
        return words.gettext("%(start)s – %(end)s", start=date_label(self.start), end=date_label(self.end))

    @property
    def iso(self) -> str:
        return self.start if self.end is None else f"{self.start}/{self.end}"

    @property
    def latest(self) -> str:
        """The last date it covers, for "data as of" and sorting."""
        return self.end or self.start

    def __str__(self) -> str:
        return self.label


def as_of_from_json(raw: str | dict) -> AsOf:
    if isinstance(raw, dict):
        return AsOf(raw["start"], raw["end"])
    return AsOf(raw)
