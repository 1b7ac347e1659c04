"""The "load charts" stage: every chart module of the site becomes the figure a page shows, and its files.

    load_charts(inputs, store)      chart name → figure HTML for {{chart:name}} and for its embed page;
                                    SVGs, PNG and downloads to write
    chart_files(charts, pages)      those files, plus the chart runtime when some page shows a chart

load_charts waits for the charts' pictures (each figure states their sizes) but not for their PNGs: those render
in the renderers while the build goes on (the next edition's charts, the pages' Markdown), and chart_files collects
them, with what resvg said of any it could not render.

Each chart's PNGs (the download, and the share image of a page it opens) are its light, wide picture framed by
its title, source line and the site's name (card.py), so the chart stage reads site.json's title and url too.

A chart module (charts/<name>.py) imports what it needs from here:

    import altair as alt
    from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, series, words

    def chart(store) -> ChartDefinition: ...

Its own words come from its WORDS table, in the store's language (chart_words.py); the module runs speaking that
language, so the words the engine adds (a provisional note, a date) are in it too.

Only the charts that some page names are made: a small site that falls back to the project's charts/ does
not need the project's data. The static pictures are rendered here, before the pages, because each figure
states its pictures' sizes (so the page does not jump while they load); they come from the cache in
ROOT/.cache/charts/ unless the spec changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import prepared_cache, renderers
from .card import CardWords, accent, chart_card, site_words, SHARE_SIZE
from ..incremental.disk_store import DiskCache, cache_folder
from .prepared_cache import Reads, prepared_key, watched_store
from .definition import ROWS, ChartColumn, ChartDefinition, MissingData, facts, series  # noqa: F401
from .chart_words import speaking_for, words  # noqa: F401
from .isolation import ChartWorker
from .figure import (Picture, approximate_cells, chart_sources, data_as_of, download_files, embed_of, embed_path,
                     figure_html, png_path, share_png_path, source_line)
from .modules import ChartModule, find_chart_files, run_chart_module
from .typed_numbers import typed_number_problems
from .svg import CardRendering, PictureJob, PictureRendering, Rendered
from .runtime import runtime_files, start_runtime
from .spec import PICTURE_WIDTHS, chart_spec, static_spec
from .theme import SCHEMES, site_configs
from ..prose.citations import CHART_LINE
from ..errors import Problem, did_you_mean
from ..store.facts import FactStore
from ..site_folder.inputs import SiteInputs, SiteSettings
from ..site_folder.pages import Page
from ..render.templates import make_environment
from ..render.words import speaking

# What a page gets for a chart that failed: the build fails on the chart's problem, and the page naming it
# must not also report it as an unknown chart.
FAILED = '<figure class="chart chart-failed"></figure>'
_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


@dataclass(frozen=True)
class ChartCounts:
    total: int = 0
    rendered: int = 0  # charts with at least one picture rendered by this build
    cached: int = 0  # charts whose pictures all came from the cache


@dataclass(frozen=True)
class EmbedFigure:
    """What embed/<name>.html shows: the chart's figure made for that page, one folder down."""

    name: str
    title: str
    path: str  # site-relative: embed/<name>.html
    html: str


@dataclass
class ChartSet:
    html: dict[str, str] = field(default_factory=dict)  # chart name → its <figure>
    embeds: dict[str, EmbedFigure] = field(default_factory=dict)  # chart name → its embed page's figure
    files: dict[str, bytes] = field(default_factory=dict)  # site-relative path → bytes: pictures and downloads
    counts: ChartCounts = field(default_factory=ChartCounts)
    cache_folder: Path | None = None
    names: tuple[str, ...] = ()  # every chart module's name, for a "did you mean" on an unknown one
    # The PNGs on their way (load_charts), until chart_files puts them in files, and the problems of those that
    # could not be rendered, reported by every chart_files of this set (the preview reuses it).
    cards: CardRendering | None = None
    card_problems: list[Problem] = field(default_factory=list)
    modules: dict[str, ChartModule] = field(default_factory=dict)  # chart name → its module, for card_problems
    # What each chart module read of the store, as its kept result is keyed (prepared_cache.KeptBy): the set may
    # serve another store only while each read gives the same there (BuildCache.charts). None: a module's result
    # was not kept (it failed, or its result cannot be), so the set is made again for any other store.
    kept_by: dict[str, prepared_cache.KeptBy] | None = field(default_factory=dict)

    def modules_read_the_same(self, store: FactStore) -> bool:
        """Whether every chart module would read of store what it read to make this set."""
        memo: dict = {}
        return self.kept_by is not None and all(prepared_cache.read_the_same(store, kept_by, memo)
                                                for kept_by in self.kept_by.values())


def load_charts(inputs: SiteInputs, store: FactStore) -> tuple[ChartSet, list[Problem]]:
    if store.unreadable:  # with a data file unread, charts would report its ids as missing
        return ChartSet(), []
    charts = ChartSet(cache_folder=cache_folder(inputs.root))
    problems: list[Problem] = []
    specs: dict[str, tuple[ChartModule, dict]] = {}
    wanted = charts_named_in(inputs.content)
    charts.names = tuple(find_chart_files(inputs.chart_dirs))
    themes = site_configs(inputs.settings)
    # What a chart's words fall back to where its WORDS lack the edition's language (chart_words.py).
    default_language = (inputs.settings.editions or (inputs.settings.language,))[0]
    kept = DiskCache(charts.cache_folder / "charts")
    rendering = PictureRendering(kept)  # each chart's pictures, rendered while the next module runs
    worker = ChartWorker(inputs.settings.chart_timeout)  # started by the first chart that runs; isolation.py
    fingerprints: dict = {}  # of the store's records, taken once for all the charts (prepared_cache.py)
    try:
        for name, path in find_chart_files(inputs.chart_dirs).items():
            if name not in wanted:
                continue
            # Unchanged inputs: what the module made last time, without running it (prepared_cache.py).
            key = prepared_key(path, store.language, themes, default_language)
            reused = prepared_cache.load(kept, key, store, fingerprints, path)
            if reused is None and not worker.started:  # its pictures will render, in renderers started meanwhile
                renderers.start()
            prepared, found, reads = reused[:2] + (None,) if reused else worker.prepare(name, path, store, themes,
                                                                                         default_language)
            problems += found
            if prepared is None:
                charts.html[name] = FAILED
                charts.kept_by = None
                continue
            specs[name] = prepared
            rendering.add({(name, scheme, size, "svg"): PictureJob(static_spec(prepared[1], scheme, width))
                           for scheme in SCHEMES for size, width in PICTURE_WIDTHS.items()})
            kept_by = reused[2] if reused else prepared_cache.keep(kept, key, prepared, found, reads, store,
                                                                   fingerprints)
            if kept_by is None:
                charts.kept_by = None
            elif charts.kept_by is not None:
                charts.kept_by[name] = kept_by
    finally:
        worker.close()
    rendered = rendering.finish()
    if worker.started:  # the runtime if the store lacks it, after the pictures: it holds up only the writing
        start_runtime(DiskCache(charts.cache_folder / "runtime"))
    environment = make_environment(inputs.templates)
    cards: dict[str, str] = {}  # PNG path → the SVG of its card
    for name, (module, spec) in specs.items():
        problem = _add_chart(charts, name, module, spec, rendered, environment, store, inputs.settings, cards)
        if problem is not None:
            problems.append(problem)
            charts.html[name] = FAILED
    charts.cards = CardRendering(kept, cards, renderers.LATER)  # collected by chart_files
    charts.modules = {name: module for name, (module, _) in specs.items()}
    made_afresh = {job[0] for job in rendered.fresh} | {_chart_of(path) for path in charts.cards.fresh}
    fresh = sum(1 for name in specs if name in made_afresh and charts.html.get(name) != FAILED)
    made = len(charts.html) - list(charts.html.values()).count(FAILED)
    charts.counts = ChartCounts(made, fresh, made - fresh)
    return charts, problems


def _prepare(name: str, path: Path, store: FactStore, themes: dict[str, dict],
             default_language: str = "") -> tuple[tuple[ChartModule, dict] | None, list[Problem], Reads]:
    """Run the module and make its spec, themed by the site's settings; None if either failed (the problems
    say why); and what they read of the store, which keys what is kept (prepared_cache.py). Runs in the chart
    worker (isolation.py), never in the build's own process: in the store's language, its words falling back to
    default_language (chart_words.py)."""
    watched, what_was_read = watched_store(store)
    with speaking(store.language), speaking_for(default_language or store.language) as word_warnings:
        module, problems = run_chart_module(name, path, watched)
    problems = word_warnings + problems
    if module is None:
        return None, problems, what_was_read()
    problems += _check_cites(module, watched)
    problems += typed_number_problems(module, watched)  # the words' figures: the prose's rule
    spec, found = chart_spec(module, themes)
    return ((module, spec) if spec is not None else None), problems + found, what_was_read()


def _add_chart(charts: ChartSet, name: str, module: ChartModule, spec: dict, rendered: Rendered,
               environment: jinja2.Environment, store: FactStore, settings: SiteSettings,
               cards: dict[str, str]) -> Problem | None:
    """Add the chart's figures and files to charts, and the SVGs of its PNGs to cards; or return what prevented
    it."""
    errors = [(job, error) for job, error in rendered.errors.items() if job[0] == name]
    if errors:
        (_, scheme, size, _), error = errors[0]
        return Problem(module.path, module.line, 1, f"vl-convert could not render the chart ({scheme}, {size}): "
                       f"{error}")
    pictures = [_picture(name, scheme, size, rendered.pictures[name, scheme, size, "svg"].decode("utf-8"))
                for scheme in SCHEMES for size in PICTURE_WIDTHS]
    definition = module.definition
    sources = chart_sources(definition, store)
    as_of = data_as_of(definition, store)
    parts = (environment, name, definition, spec, pictures, sources, as_of, approximate_cells(definition, store))
    card_words = CardWords(definition.title, source_line(sources, definition.note, as_of), site_words(settings))
    embed = embed_of(name, definition.title, pictures, card_words.source_line, settings.url or None)
    try:
        charts.html[name] = figure_html(*parts, embed=embed)
        embed_figure = figure_html(*parts, embed=embed, embed_page=True)
    except Exception as error:  # a broken _chart.html: name the template line, as for the other templates
        return _template_problem(error)
    charts.embeds[name] = EmbedFigure(name, definition.title, embed_path(name), embed_figure)
    charts.files.update({picture.path: picture.svg.encode("utf-8") for picture in pictures})
    charts.files.update(download_files(name, definition, sources))
    light_wide = rendered.pictures[name, "light", "wide", "svg"].decode("utf-8")
    try:
        colour, font = accent(settings), settings.chart_font
        cards[png_path(name)] = chart_card(environment, light_wide, card_words, colour, font=font)
        cards[share_png_path(name)] = chart_card(environment, light_wide, card_words, colour, SHARE_SIZE, font)
    except (jinja2.TemplateError, ValueError) as error:  # a site's broken _share_card.svg; a picture with no size
        return _template_problem(error, "_share_card.svg")
    return None


def _chart_of(png: str) -> str:
    """The chart a PNG is of: charts/<name>.png and charts/<name>-share.png (figure.png_path, share_png_path)."""
    return png.removeprefix("charts/").removesuffix(".png").removesuffix("-share")


def charts_named_in(content: dict[Path, str]) -> set[str]:
    """The chart names that pages embed, from their {{chart:name}} lines."""
    return {match.group(1) for text in content.values() for line in text.splitlines()
            if (match := CHART_LINE.match(line.strip()))}


def chart_files(charts: ChartSet, pages: list[Page]) -> tuple[dict[str, bytes], list[Problem]]:
    """The charts' files for the site, their PNGs collected; the runtime too, but only if a page shows a chart."""
    _collect_cards(charts)
    if charts.cache_folder is None or not any(page.charts_used for page in pages):
        return dict(charts.files), list(charts.card_problems)
    runtime, problems = runtime_files(DiskCache(charts.cache_folder / "runtime"))
    return {**charts.files, **runtime}, charts.card_problems + problems


def _collect_cards(charts: ChartSet) -> None:
    """Wait for the charts' PNGs (load_charts started them) and put them in charts.files, once."""
    if charts.cards is None:
        return
    pngs, charts.cards = charts.cards.finish(), None
    charts.files.update(pngs.pictures)
    for path, error in sorted(pngs.errors.items()):
        module = charts.modules[_chart_of(path)]
        charts.card_problems.append(Problem(module.path, module.line, 1, f"vl-convert could not render {path}, the "
                                            f"chart's picture with its title and source line: {error}"))


def _check_cites(module: ChartModule, store: FactStore) -> list[Problem]:
    cites = module.definition.cites
    if not cites:
        return [Problem(module.path, module.line, 1, "the chart cites nothing: list the ids of the facts and "
                        "series it plots in cites=(...), so its source line can name their sources.")]
    # Only an unknown id looks through every id (for "did you mean"): what a chart reads keys its cache.
    unknown = [cited for cited in cites if cited not in store.facts and cited not in store.series]
    known = set(store.facts) | set(store.series) if unknown else set()
    return [Problem(module.path, module.line, 1, f'the chart cites "{cited}", which is neither a fact nor a '
                    f"series.{did_you_mean(cited, known)} Fix the id in cites=(...).") for cited in unknown]


def _picture(name: str, scheme: str, size: str, svg: str) -> Picture:
    suffix = ("-narrow" if size == "narrow" else "") + ("-dark" if scheme == "dark" else "")
    match = _SVG_SIZE.search(svg)
    width, height = (round(float(match.group(1))), round(float(match.group(2)))) if match else (0, 0)
    return Picture(scheme, size, f"charts/{name}{suffix}.svg", width, height, svg)


def _template_problem(error: Exception, template: str = "_chart.html") -> Problem:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(Path(error.filename or template), error.lineno or 1, 1,
                       f"template syntax error: {error.message}")
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(Path(template), 1, 1, f'template "{template}" not found: add it to templates/.')
    return Problem(Path(template), 1, 1, f"while rendering a chart's {'figure' if template == '_chart.html' else 'PNG'}: "
                   f"{error}")
