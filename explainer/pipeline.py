"""build(): the order of the stages, and nothing else.

It reads no content, data, asset or template file (SiteInputs carries their text) and writes no output (the caller writes
result.files: cli.py, or the preview serves them). What it may do besides computing comes in as one
effects.BuildEffects: the memo of earlier builds, the store's access (read-write, read-only for `check`,
write-only for `--no-cache`) and the search indexer. What still reaches the disk from inside is named there:
the chart stage runs the chart modules from their files in a worker process, and the stages keep what is slow
to make (chart pictures and results, share cards, the search index) in the store, ROOT/.cache/ (incremental/disk_store.py).
Templates and the chart modules' text come in with the inputs (SiteInputs.templates, .chart_modules).
"""
from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass, field

from .charts import ChartCounts, chart_files, load_charts
from .incremental.disk_store import DiskCache, cache_folder
from .store.checks import check_fact_store
from .render.downloads import download_files
from .publish.fingerprint import fingerprint
from .errors import Problem, hold_back_echoes
from .store.facts import FactStore
from .store.loading import load_fact_store
from .site_folder.inputs import SiteInputs
from .publish.output_gate import check_output
from .site_folder.pages import Page, read_pages
from .prose.markdown_stage import render_markdown
from .render.layout import reader_pages
from .render.templates import published, render_after_hashing, render_pages, site_view
from .render.share_images import share_images
from .render.page_meta import missing_url, root_relative
from .effects.worker_pool import threads
from .effects.boundary import BuildEffects


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


def build(inputs: SiteInputs, effects: BuildEffects = BuildEffects(), hashed_names: bool = False) -> BuildResult:
    """The site that inputs make: every file (result.files) or the problems that stop it.

    effects (effects/boundary.py): what the build may reuse from earlier builds (a memo), how it may use the store on
    disk, and what indexes the search; the defaults build everything afresh, keeping what is slow to make.
    hashed_names: give stylesheets, scripts and pictures content-hashed names, for publishing (`python build.py`);
    the preview keeps plain names, which nothing caches there. Published, 404.html's addresses lead from the root
    of site.json's url (render/page_meta.py); the preview serves its 404 page at the root of its own address.
    """
    started = time.perf_counter()
    result = BuildResult()
    memo = effects.memo
    with effects.store.in_force():
        result.store, problems = memo.reuse(load_fact_store, inputs.data, inputs.settings.language)
        result.pages, found = memo.pages(read_pages, inputs.content)
        problems += found
        charts, found = memo.charts(load_charts, inputs, result.store)  # runs the charts/ modules
        problems += found
        result.charts = charts.counts
        # With a facts or series file unread, which ids it held is a guess: each would be reported unknown. A
        # broken source or record is known by its id: what names it is held back as an echo (hold_back_echoes).
        if not result.store.unreadable:
            problems += render_markdown(result.pages, result.store, charts.html, charts.names, memo.convert_pages)
            problems += memo.reuse(check_fact_store, result.store)
        if not any(p.severity == "error" for p in problems):
            problems += _write_site_files(inputs, effects, result, charts, hashed_names)
    result.problems = hold_back_echoes(problems)
    result.seconds = time.perf_counter() - started
    return result


def _write_site_files(inputs: SiteInputs, effects: BuildEffects, result: BuildResult, charts,
                      hashed_names: bool) -> list[Problem]:
    """The stages after the checks, which make the files of a site whose input is sound."""
    memo = effects.memo
    environment = memo.environment(inputs.templates)
    chart_output, problems = chart_files(charts, result.pages)  # the runtime only if a page has a chart
    downloads = memo.reuse(download_files, result.store)
    # Each reader page's og:image: its chart's PNG, or a title card rendered here (kept in ROOT/.cache/share/).
    images, cards, found = share_images(reader_pages(result.pages), inputs.settings, chart_output,
                                        {name: embed.title for name, embed in charts.embeds.items()},
                                        environment, DiskCache(cache_folder(inputs.root) / "share"),
                                        memo.share_picture, memo.render_cards)
    problems += found
    if hashed_names:  # only what is published is shared and embedded; the preview serves at its own root
        problems += missing_url(inputs.settings, inputs.root, images, charts.embeds)  # one warning without a url
    view = site_view(inputs.settings, result.pages, result.store, charts.html, chart_embeds=charts.embeds,
                     share_images=images, downloads=tuple(sorted(downloads)))
    html, found = render_pages(environment, view, memo.render_file)
    problems += found
    result.files = {**{f"assets/{name}": data for name, data in inputs.assets.items()},
                    **downloads, **html, **chart_output, **cards}
    # pagefind/ (explainer/publish/search.py): Pagefind is a process of its own, so it indexes the pages while this
    # thread hashes names and checks URLs; neither reads the other's files. In this build's context, so
    # that the store's access (effects.boundary.StoreAccess) holds there too.
    indexing = (threads().submit(contextvars.copy_context().run, effects.index_search, dict(result.files),
                                   inputs.root) if effects.index_search is not None else None)
    hashed: list[str] = []
    if hashed_names:  # name.<hash>.ext for what hosts may cache for a year (explainer/publish/fingerprint.py)
        fingerprinted = fingerprint(result.files, inputs.settings.url)
        result.files, hashed = fingerprinted.files, sorted(fingerprinted.renamed.values())
    late, found = render_after_hashing(environment, view, published(result.files, hashed))  # _headers
    problems += found
    result.files.update(late)
    # The one guarantee for every URL written, whichever stage wrote it (explainer/publish/output_gate.py).
    problems += check_output(result.files, {page.url: (page.source_path, page.source_text)
                                            for page in result.pages}, memo.gate)
    if hashed_names and inputs.settings.url and "404.html" in result.files:  # published, it is shown at any depth
        result.files["404.html"] = root_relative(result.files["404.html"], inputs.settings.url)  # page_meta.py
    if indexing is not None:
        index, found = indexing.result()
        problems += found
        result.files.update(index.files)
    return problems

