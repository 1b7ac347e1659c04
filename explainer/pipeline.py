"""build(): the order of the stages, and nothing else.

It reads no content or data file (SiteInputs carries their text) and writes no output (the caller writes
result.files: cli.py, or the preview serves them). Three things still reach the disk from inside: Jinja reads
the templates from inputs.template_dirs, the chart stage runs the chart modules in a worker process, and the
stages keep what is slow to make (chart pictures and results, share cards, the search index) in ROOT/.cache/
through disk_cache.DiskCache, which `check` makes read-only (no_cache_writes).
"""
from __future__ import annotations

import contextvars
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .charts import ChartCounts, chart_files, load_charts
from .disk_cache import DiskCache, cache_folder
from .checks import check_fact_store
from .downloads import download_files
from .fingerprint import fingerprint
from .errors import Problem, hold_back_echoes
from .facts import FactStore
from .store_loading import load_fact_store
from .inputs import SiteInputs
from .output_gate import check_output
from .pages import Page, read_pages
from .prose import render_markdown
from .outputs import reader_pages
from .render import make_environment, published, render_after_hashing, render_pages, site_view
from .share_images import share_images
from .search import search_index

if TYPE_CHECKING:
    from .build_cache import BuildCache


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


def build(inputs: SiteInputs, cache: BuildCache | None = None, hashed_names: bool = False,
          search: Callable | None = search_index) -> BuildResult:
    """With a cache (build_cache.BuildCache: the preview's in memory, `python build.py`'s from .cache/build/), each
    stage reuses what has not changed since the previous build.

    hashed_names: give stylesheets, scripts and pictures content-hashed names, for publishing (`python build.py`);
    the preview keeps plain names, which nothing caches there.
    search: what makes the search index from the built files (search.search_index); None for none: the preview
    makes it after serving the pages (preview/search_refresh.py), as it takes Pagefind 3 ms a page.
    """
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
        environment = cache.environment(inputs.template_dirs)
        chart_output, found = chart_files(charts, result.pages)  # the runtime only if a page has a chart
        problems += found
        downloads = cache.reuse(download_files, result.store)
        # Each reader page's og:image: its chart's PNG, or a title card rendered here (cached in ROOT/.cache/share/).
        images, cards, found = share_images(reader_pages(result.pages), inputs.settings, chart_output,
                                            {name: embed.title for name, embed in charts.embeds.items()},
                                            environment, DiskCache(cache_folder(inputs.root) / "share"),
                                            cache.share_images)
        problems += found
        view = site_view(inputs.settings, result.pages, result.store, chart_html, chart_embeds=charts.embeds,
                         share_images=images, downloads=tuple(sorted(downloads)))
        html, found = render_pages(environment, view, cache.templates)
        problems += found
        result.files = {**{f"assets/{name}": data for name, data in inputs.assets.items()},
                        **downloads, **html, **chart_output, **cards}
        # pagefind/ (explainer/search.py): Pagefind is a process of its own, so it indexes the pages while this
        # thread hashes names and checks URLs; neither reads the other's files.
        # In this build's context: `check` forbids cache writes through a context variable (disk_cache.py).
        indexing = (_BACKGROUND.submit(contextvars.copy_context().run, search, dict(result.files), inputs.root)
                    if search is not None else None)
        hashed: list[str] = []
        if hashed_names:  # name.<hash>.ext for what hosts may cache for a year (explainer/fingerprint.py)
            fingerprinted = fingerprint(result.files, inputs.settings.url)
            result.files, hashed = fingerprinted.files, sorted(fingerprinted.renamed.values())
        late, found = render_after_hashing(environment, view, published(result.files, hashed))  # _headers
        problems += found
        result.files.update(late)
        # The one guarantee for every URL written, whichever stage wrote it (explainer/output_gate.py).
        problems += check_output(result.files, {page.url: (page.source_path, page.source_text)
                                                for page in result.pages}, cache.gate)
        if indexing is not None:
            index, found = indexing.result()
            problems += found
            result.files.update(index.files)
    result.problems = hold_back_echoes(problems)
    result.seconds = time.perf_counter() - started
    return result


_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-index")


class NoCache:
    """No cache (`python build.py --no-cache`, the tests): every stage simply runs."""

    markdown = None
    templates = None
    gate = None
    share_images = None

    def reuse(self, stage, *arguments):
        return stage(*arguments)

    pages = charts = reuse

    def environment(self, template_dirs):
        return make_environment(template_dirs)
