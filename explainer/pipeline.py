"""build(): the order of the stages, and nothing else. Reads nothing from disk and writes nothing."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .charts import ChartCounts, chart_files, load_charts
from .checks import check_fact_store
from .downloads import download_files
from .errors import Problem, hold_back_echoes
from .facts import FactStore
from .store_loading import load_fact_store
from .inputs import SiteInputs
from .output_gate import check_output
from .pages import Page, read_pages
from .prose import render_markdown
from .render import make_environment, render_pages, site_view

if TYPE_CHECKING:
    from .preview.build_cache import BuildCache


@dataclass
class BuildResult:
    files: dict[str, bytes] = field(default_factory=dict)  # site-relative path → bytes; empty if it failed
    pages: list[Page] = field(default_factory=list)
    store: FactStore = field(default_factory=FactStore)
    # Errors and warnings: root causes first, with a note in place of the problems that only follow from them
    # (errors.hold_back_echoes); the rest sorted by file and line.
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    charts: ChartCounts = field(default_factory=ChartCounts)  # filled by load_charts: rendered vs cached

    def failed(self, strict: bool) -> bool:
        return any(p.stops_build(strict) for p in self.problems)


def build(inputs: SiteInputs, cache: BuildCache | None = None) -> BuildResult:
    """With a cache (the preview server's), each stage reuses what has not changed since the previous build."""
    started = time.perf_counter()
    result = BuildResult()
    cache = cache or NoCache()
    result.store, problems = cache.reuse(load_fact_store, inputs.data, inputs.settings.language)
    result.pages, found = cache.pages(read_pages, inputs.content)
    problems += found
    # Runs the charts/ modules, and keeps their SVGs in ROOT/.cache/; loads nothing while a data file is unreadable.
    charts, found = cache.charts(load_charts, inputs, result.store)
    problems += found
    chart_html, result.charts = charts.html, charts.counts
    # With a facts or series file unread, which ids it held is a guess: each would be reported unknown. A broken
    # source or record is known by its id: what names it is held back as an echo of it (hold_back_echoes).
    if not result.store.unreadable:
        problems += render_markdown(result.pages, result.store, chart_html, cache.markdown, charts.names)
        problems += cache.reuse(check_fact_store, result.store)
    if not any(p.severity == "error" for p in problems):
        view = site_view(inputs.settings, result.pages, result.store, chart_html)
        html, found = render_pages(cache.environment(inputs.template_dirs), view, cache.templates)
        problems += found
        chart_output, found = chart_files(charts, result.pages)  # the runtime only if a page has a chart
        problems += found
        result.files = {**{f"assets/{name}": data for name, data in inputs.assets.items()},
                        **cache.reuse(download_files, result.store), **html, **chart_output}
        # The one guarantee for every URL written, whichever stage wrote it (explainer/output_gate.py).
        problems += check_output(result.files, {page.url: (page.source_path, page.source_text)
                                                for page in result.pages})
    result.problems = hold_back_echoes(problems)
    result.seconds = time.perf_counter() - started
    return result


class NoCache:
    """The cache of a plain `python build.py`: every stage simply runs. The preview server passes a BuildCache."""

    markdown = None
    templates = None

    def reuse(self, stage, *arguments):
        return stage(*arguments)

    pages = charts = reuse

    def environment(self, template_dirs):
        return make_environment(template_dirs)
