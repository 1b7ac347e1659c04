"""Dates of the fact store: an as-of date or period in ISO form, and the words readers see for it."""
from __future__ import annotations

import re
from dataclasses import dataclass

ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def date_label(iso: str) -> str:
    """"2025" → "2025"; "2025-05" → "May 2025"; "2024-12-31" → "31 December 2024"."""
    match = ISO_DATE.match(iso)
    if match is None:
        return iso
    year, month, day = match.groups()
    if month is None:
        return year
    month_name = _MONTHS[int(month) - 1]
    return f"{int(day)} {month_name} {year}" if day else f"{month_name} {year}"


def is_valid_date(iso: str) -> bool:
    match = ISO_DATE.match(iso)
    if match is None:
        return False
    _, month, day = match.groups()
    return (month is None or 1 <= int(month) <= 12) and (day is None or 1 <= int(day) <= 31)


@dataclass(frozen=True)
class AsOf:
    """When a figure holds: one date ("2025-05-14", "2025-05" or "2025"), or a period from start to end."""

    start: str
    end: str | None = None  # None: a single date

    @property
    def label(self) -> str:
        if self.end is None:
            return date_label(self.start)
        return f"{date_label(self.start)} – {date_label(self.end)}"

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
