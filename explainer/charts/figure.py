"""What a chart becomes in the site: its figure (templates/_chart.html), on its page and on its embed page,
its CSV and JSON downloads, and the <iframe> snippet that embeds it elsewhere.

All of it is made from the same rows as the chart: the table in the figure, the downloads and the spec's
dataset. Every link is relative, so the site works under any URL prefix and from disk.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from .definition import ChartColumn, ChartDefinition
from .runtime import RUNTIME_PATH
from .spec import NARROW_MEDIA
from ..render.downloads import csv_bytes, json_bytes
from ..render.words import gettext, language
from ..store.dates import date_label
from ..store.facts import FactStore
from ..store.numbers import format_value

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
class Embed:
    """How another site shows the chart: its embed page, and the <iframe> snippet readers copy to load it."""

    path: str  # site-relative: embed/<name>.html
    snippet: str
    absolute: bool  # the snippet's address is absolute (site.json has a url); else relative, and says so


# The snippet's <iframe> is as wide as the page's text column and, since it cannot grow with its content, as tall
# as the embed page needs on a 360-px phone, where the title and the source line wrap most: the tallest picture,
# the title at about 28 characters a line and the source line at about 36, two lines for the link back, and
# the margins. The browser tests check that every chart's embed page fits it at 360 and 1,280 px.
EMBED_WIDTH = 680
_TITLE_LINE, _TITLE_CHARACTERS = 28, 28
_NOTE_LINE, _NOTE_CHARACTERS = 24, 36
_MARGINS = 60


def embed_path(name: str) -> str:
    return f"embed/{name}.html"


def embed_of(name: str, title: str, pictures: list[Picture], source_line: str, site_url: str | None) -> Embed:
    path = embed_path(name)
    address = f"{site_url.rstrip('/')}/{path}" if site_url else path
    lines = lambda text, per_line: -(-len(text) // per_line)  # noqa: E731 (rounded up)
    height = (max(picture.height for picture in pictures) + _TITLE_LINE * lines(title, _TITLE_CHARACTERS)
              + _NOTE_LINE * (lines(source_line, _NOTE_CHARACTERS) + 2) + _MARGINS)
    snippet = (f'<iframe src="{_attribute(address)}" title="{_attribute(title)}" width="{EMBED_WIDTH}" '
               f'height="{height}" loading="lazy" style="border: 0; max-width: 100%"></iframe>')
    return Embed(path, snippet, bool(site_url))


def _attribute(text: str) -> str:
    """Text for a double-quoted attribute of the snippet, escaped only where it must be (an apostrophe stays)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


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
        # In the language being spoken (the edition's): its unit words and "about" too (render/words.py).
        return format_value(value, column.unit or "number", column.decimals, approximate, language())
    return str(value)


def figure_html(environment: jinja2.Environment, name: str, definition: ChartDefinition, spec: dict,
                pictures: list[Picture], sources: list[SourceLink], as_of: str | None,
                approximate: set[tuple[int, str]] = frozenset(), embed: Embed | None = None,
                embed_page: bool = False) -> str:
    """The <figure> a page shows for {{chart:name}}, with the embed snippet. It starts with "<figure", so
    Markdown keeps it a block. With embed_page, the figure of embed/<name>.html: one folder down, and only the
    chart, its title and its source line (links open a new tab rather than inside another site's frame)."""
    by_kind = {(picture.scheme, picture.size): picture for picture in pictures}
    # Print takes the light pictures ("screen and" on the dark ones); the first matching <source> wins.
    picture_sources = [(f"screen and (prefers-color-scheme: dark) and {NARROW_MEDIA}", by_kind["dark", "narrow"]),
                       ("screen and (prefers-color-scheme: dark)", by_kind["dark", "wide"]),
                       (NARROW_MEDIA, by_kind["light", "narrow"])]
    table = [[table_cell(row[column.name], column, (index, column.name) in approximate)
              for column in definition.columns] for index, row in enumerate(definition.rows)]
    markup = environment.get_template("_chart.html").render(
        name=name, definition=definition, picture_sources=picture_sources, fallback=by_kind["light", "wide"],
        sources=sources, as_of=as_of, table=table, spec_json=script_json(spec),
        root="../" if embed_page else "", runtime=RUNTIME_PATH, embed=embed, embed_page=embed_page,
        downloads={"CSV": f"charts/{name}.csv", "JSON": f"charts/{name}.json"},
        # The light, wide picture: what prints, and what fits a document or a slide. Saved under the chart's
        # name, whatever name the file has on the site.
        pictures_to_download={"SVG": (by_kind["light", "wide"].path, f"{name}.svg"),
                              "PNG": (png_path(name), f"{name}.png")})
    return markup.strip()


def png_path(name: str) -> str:
    """The PNG download: the light, wide picture with the chart's title, source line and the site's name."""
    return f"charts/{name}.png"


def share_png_path(name: str) -> str:
    """The share image of a page whose first chart this is: as the PNG download, at 1.91:1 (charts/card.py).
    No chart module's name has a hyphen, so no chart's own files can be named so."""
    return f"charts/{name}-share.png"


def source_line(sources: list[SourceLink], note: str, as_of: str | None) -> str:
    """The words under the chart, as plain text: its sources, its note and the date its data holds for."""
    label = gettext("Sources:") if len(sources) > 1 else gettext("Source:")
    words = [f"{label} {'; '.join(source.label for source in sources)}.", note,
             gettext("Data as of %(as_of)s.", as_of=as_of) if as_of else ""]
    return " ".join(word for word in words if word)


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
