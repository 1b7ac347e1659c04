"""What a chart module returns, and the helpers it uses to read the fact store.

A chart module is one file in charts/ with one function:

    def chart(store: FactStore) -> ChartDefinition

It reads facts and series with `facts(store, ...)` and `series(store, ...)` (a missing id becomes a clear
error at the line that asked for it), computes the rows it plots, and builds an Altair chart on
`alt.Chart(ROWS)`. The engine attaches the rows as the chart's data, so the chart, its table and its CSV and
JSON downloads always show the same rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import did_you_mean
from ..facts import Fact, FactStore, Series

# The data of every chart: a named Vega-Lite dataset that the engine fills with the definition's rows.
ROWS = {"name": "rows"}


@dataclass(frozen=True)
class ChartColumn:
    """One column of the plotted rows: its name in the rows, its heading in the table, and how to format it."""

    name: str
    label: str
    unit: str | None = None  # as in data/: "people", "percent", ...; None for labels such as a year
    decimals: int | None = None  # fixed decimals for the table, e.g. 1 for a computed share


@dataclass(frozen=True)
class ChartDefinition:
    title: str  # shown above the chart
    caption: str  # one or two sentences under it: what to see
    alt: str  # the text alternative: what kind of chart, what it plots, and its main figures
    cites: tuple[str, ...]  # ids of the facts and series plotted: the source line lists their sources
    columns: tuple[ChartColumn, ...]
    rows: tuple[dict[str, Any], ...]  # exactly what is plotted: values are str, int, float or None
    chart: Any  # an Altair chart built on alt.Chart(ROWS); its size and colours come from the site
    note: str = ""  # how plotted values were derived, e.g. "Shares computed from the ministry's counts."


class MissingData(Exception):
    """A chart asked the fact store for ids it does not have."""

    def __init__(self, kind: str, ids: list[str], known: set[str]):
        self.kind, self.ids, self.known = kind, ids, known
        names = ", ".join(f'"{item}"' for item in ids)
        folder = "data/facts/" if kind == "fact" else "data/series/"
        plural = len(ids) > 1
        super().__init__(f"the fact store has no {kind} {names}.{did_you_mean(ids[0], known)} Add "
                         f"{'them' if plural else 'it'} to {folder} or fix the id{'s' if plural else ''}.")


def facts(store: FactStore, *ids: str) -> list[Fact]:
    """The facts with these ids, in order; every missing one is named in a single error."""
    missing = [fact_id for fact_id in ids if fact_id not in store.facts]
    if missing:
        raise MissingData("fact", missing, set(store.facts))
    return [store.facts[fact_id] for fact_id in ids]


def series(store: FactStore, series_id: str) -> Series:
    if series_id not in store.series:
        raise MissingData("series", [series_id], set(store.series))
    return store.series[series_id]
