"""What a chart becomes in the site: its figure (templates/_chart.html) and its CSV and JSON downloads.

All of it is made from the same rows as the chart: the table in the figure, the downloads and the spec's
dataset. Every link is relative, so the site works under any URL prefix and from disk.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from .definition import ChartColumn, ChartDefinition
from .spec import NARROW_MEDIA
from ..downloads import csv_bytes, json_bytes
from ..dates import date_label
from ..facts import FactStore
from ..numbers import format_value

# Inside <script>, the HTML parser ends the element at "</script" and treats "<!--" specially, whatever the
# JSON means; and U+2028/2029 end a line in older JavaScript. Escaped as \uXXXX, JSON.parse reads them back.
_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029]")


@dataclass(frozen=True)
class Picture:
    """One static SVG of a chart: a colour scheme at one width."""

    scheme: str  # "light" or "dark"
    size: str  # "narrow" or "wide"
    path: str  # site-relative
    width: int
    height: int
    svg: str


@dataclass(frozen=True)
class SourceLink:
    id: str
    label: str


def script_json(value) -> Markup:
    """JSON that is safe inside <script type="application/json">: no character in it can end the element."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Markup(_UNSAFE_IN_SCRIPT.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text))


def chart_sources(definition: ChartDefinition, store: FactStore) -> list[SourceLink]:
    """The sources of what the chart plots, in order of first use: each cited fact's, and each cited series'
    for the rows the chart shows (matched on the series' key column, when the chart has it)."""
    source_ids: list[str] = []
    for cited in definition.cites:
        if cited in store.facts:
            fact = store.facts[cited]
            inputs = fact.derived.inputs if fact.derived and not fact.source_id else ()
            source_ids += [item.source_id for item in (fact, *(store.facts.get(i) for i in inputs))
                           if item is not None and item.source_id]
        elif cited in store.series:
            series = store.series[cited]
            shown = {str(row.get(series.key)) for row in definition.rows} if any(
                column.name == series.key for column in definition.columns) else None
            source_ids += [series.row_source(row) for row in series.rows
                           if shown is None or str(row.values.get(series.key)) in shown]
    sources = [store.sources[source_id] for source_id in dict.fromkeys(source_ids) if source_id in store.sources]
    publishers = [source.publisher for source in sources]
    return [SourceLink(source.id, source.publisher if publishers.count(source.publisher) == 1
                       else f"{source.publisher}, {source.title}") for source in sources]


def data_as_of(definition: ChartDefinition, store: FactStore) -> str | None:
    """The latest date the plotted figures hold for: of each cited fact, and of each cited series' last row."""
    dates = [store.facts[cited].as_of.latest for cited in definition.cites if cited in store.facts]
    for cited in definition.cites:
        if cited in store.series and store.series[cited].rows:
            series = store.series[cited]
            dates.append(str(series.rows[-1].values.get(series.key)))
    return date_label(max(dates)) if dates else None


def approximate_cells(definition: ChartDefinition, store: FactStore) -> set[tuple[int, str]]:
    """(row index, column name) of the plotted cells that a cited series marks approximate, matched on the
    series' key column and the column's name, so the chart's table writes them "about …" as the Data page does."""
    found = set()
    for cited in definition.cites:
        series = store.series.get(cited)
        if series is None or not any(column.name == series.key for column in definition.columns):
            continue
        for index, row in enumerate(definition.rows):
            source_row = series.row_by_key(str(row.get(series.key)))
            found |= {(index, column.name) for column in definition.columns
                      if source_row is not None and source_row.is_approximate(column.name)}
    return found


def table_cell(value, column: ChartColumn, approximate: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, (int, float)):
        return format_value(value, column.unit or "number", column.decimals, approximate)
    return str(value)


def figure_html(environment: jinja2.Environment, name: str, definition: ChartDefinition, spec: dict,
                pictures: list[Picture], sources: list[SourceLink], as_of: str | None,
                approximate: set[tuple[int, str]] = frozenset()) -> str:
    """The <figure> a page shows for {{chart:name}}. It starts with "<figure", so Markdown keeps it a block."""
    by_kind = {(picture.scheme, picture.size): picture for picture in pictures}
    # Print takes the light pictures ("screen and" on the dark ones); the first matching <source> wins.
    picture_sources = [(f"screen and (prefers-color-scheme: dark) and {NARROW_MEDIA}", by_kind["dark", "narrow"]),
                       ("screen and (prefers-color-scheme: dark)", by_kind["dark", "wide"]),
                       (NARROW_MEDIA, by_kind["light", "narrow"])]
    table = [[table_cell(row[column.name], column, (index, column.name) in approximate)
              for column in definition.columns] for index, row in enumerate(definition.rows)]
    html = environment.get_template("_chart.html").render(
        name=name, definition=definition, picture_sources=picture_sources, fallback=by_kind["light", "wide"],
        sources=sources, as_of=as_of, table=table, spec_json=script_json(spec),
        downloads={"CSV": f"charts/{name}.csv", "JSON": f"charts/{name}.json"})
    return html.strip()


def download_files(name: str, definition: ChartDefinition, sources: list[SourceLink]) -> dict[str, bytes]:
    """charts/<name>.csv and .json: exactly the plotted rows, columns in the chart's order."""
    names = [column.name for column in definition.columns]
    document = {
        "chart": name,
        "title": definition.title,
        "note": definition.note or None,
        "sources": [source.id for source in sources],
        "columns": [{"name": c.name, "label": c.label, "unit": c.unit} for c in definition.columns],
        "rows": [dict(row) for row in definition.rows],
    }
    return {f"charts/{name}.csv": csv_bytes(names, [[row[name] for name in names] for row in definition.rows]),
            f"charts/{name}.json": json_bytes(document)}
