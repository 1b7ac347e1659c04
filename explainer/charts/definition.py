"""What a chart module returns, and the helpers it uses to read the fact store.

A chart module is one file in charts/ with one function:

    def chart(store: FactStore) -> ChartDefinition

It reads facts and series with `facts(store, ...)` and `series(store, ...)` (a missing id becomes a clear
error at the line that asked for it), computes the rows it plots, and builds an Altair chart on
`alt.Chart(ROWS)`. The engine attaches the rows as the chart's data, so the chart, its table and its CSV and
JSON downloads always show the same rows.

A moment or caveat marked on the chart is an `Annotation`: the module draws it (only it knows its marks),
and the definition lists it, so the build can check that it is drawn and said in the alt text, and the
source line can name the source that supports it (the citation of a fact whose excerpt says it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..store.dates import date_label
from ..render.words import gettext
from ..errors import did_you_mean
from ..store.facts import Citation, Fact, FactStore, Series, cell_name

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
class Annotation:
    """A moment or caveat written on the chart ("December 2011: Kim Jong Il dies"), and the same in words."""

    label: tuple[str, ...]  # the words drawn on the chart, one item per line: short enough for a phone
    text: str  # the same as one plain sentence, which the alt text must contain
    # The excerpt that supports it, when the plotted figures do not (a fact's citation, whose excerpt says it):
    # the chart's source line names its source. None when the cited series or facts already say it.
    source: Citation | None = None


@dataclass(frozen=True)
class ChartDefinition:
    title: str  # shown above the chart: the finding in words ("Arrivals peaked in 2009"), not a label
    caption: str  # one or two sentences under it: what to see
    alt: str  # the text alternative: what kind of chart, what it plots, its main figures and its annotations
    cites: tuple[str, ...]  # ids of the facts and series plotted: the source line lists their sources
    columns: tuple[ChartColumn, ...]
    rows: tuple[dict[str, Any], ...]  # exactly what is plotted: values are str, int, float or None
    chart: Any  # an Altair chart built on alt.Chart(ROWS); its size and colours come from the site
    note: str = ""  # how plotted values were derived, e.g. "Shares computed from the ministry's counts."
    annotations: tuple[Annotation, ...] = ()  # what the chart marks, in reading order
    # What is plotted, as a plain name ("North Korean arrivals in South Korea by year, 1998–2025"), where a
    # name is wanted rather than the headline: the data table, the downloads. The title when not given.
    label: str = ""

    @property
    def plain_label(self) -> str:
        return self.label or self.title

    @property
    def annotation_sources(self) -> tuple[str, ...]:
        """The ids of the sources the annotations cite, in order, each once: for the chart's source line."""
        return tuple(dict.fromkeys(note.source.source_id for note in self.annotations if note.source))


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


def provisional_note(fact: Fact, marked: str) -> Annotation:
    """The annotation for a plotted fact whose count is provisional: the word "provisional" on the chart, and
    a sentence saying so, with the date of its latest correction. marked: how the chart shows it ("its bar is
    hollow"), in the chart's language. In the language being spoken: the chart's (charts/__init__._prepare)."""
    if fact.corrections:
        text = gettext("%(label)s: a provisional count, as corrected on %(date)s, which may still be revised; "
                       "%(marked)s.", label=fact.label, date=date_label(fact.corrections[-1].date), marked=marked)
    else:
        text = gettext("%(label)s: a provisional count, which may still be revised; %(marked)s.", label=fact.label,
                       marked=marked)
    return Annotation(label=(gettext("provisional"),), text=text)


def cell_fact(store: FactStore, series_id: str, key: str, column: str) -> Fact | None:
    """The fact that states one cell of a series (its value taken from the cell), if the store has one: for
    what a cell alone does not say, such as whether the count is provisional and how it was corrected."""
    fact_id = store.cell_index().get(cell_name(series_id, key, column))
    return None if fact_id is None else store.facts[fact_id]
