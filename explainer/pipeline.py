"""build(): the order of the stages, and nothing else.

It reads no content, data, asset or template file (SiteInputs carries their text) and writes no output itself: the
caller writes result.files (or the preview serves them), or gives build() a staged site (cli.py:
publish/site_writer.StagedSite) that takes each finished file as it is made, so the published site is never whole in
memory. What it may do besides computing comes in as one effects.BuildEffects: the memo of earlier builds, the
store's access (read-write, read-only for `check`, write-only for `--no-cache`) and the search indexer. What still
reaches the disk from inside is named there: the chart stage runs the chart modules from their files in a worker
process, and the stages keep what is slow to make (chart pictures and results, share cards, the search index) in
the store, ROOT/.cache/ (incremental/disk_store.py).
Templates and the chart modules' text come in with the inputs (SiteInputs.templates, .chart_modules).
"""
from __future__ import annotations

import contextvars
import dataclasses
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from .charts import ChartCounts, ChartSet, chart_files, load_charts
from .incremental.disk_store import DiskCache, cache_folder
from .store.checks import check_fact_store
from .render.downloads import download_files
from .publish.fingerprint import Renaming, renaming as hashed_names_of
from .errors import Problem, hold_back_echoes
from .store.facts import FactStore
from .store.loading import load_fact_store
from .site_folder.inputs import SiteInputs
from .publish.output_gate import GateScans, check_output
from .site_folder.pages import Page, read_pages, unpacking_with
from .site_folder.editions import Edition, edition_content, link_counterparts, site_editions
from .publish.placing import place_edition
from .prose.markdown_stage import render_markdown
from .editions.agreement import check_same_facts
from .editions.translations_current import check_translations_current
from .render.layout import reader_pages
from .render.templates import (edition_fields, page_policy, planned_files, published, render_after_hashing,
                               render_pages, site_view)
from .render.words import catalogue_problems, speaking
from .render.share_images import share_images
from .publish.search import SearchPages
from .render.page_meta import missing_url, root_relative
from .effects.worker_pool import background_workers, threads
from .effects.boundary import BuildEffects


@dataclass
class BuildResult:
    # site-relative path → bytes; empty if the checks before the files failed. With build(written=…), that mapping.
    files: MutableMapping[str, bytes] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)  # every edition's, the default edition's first
    store: FactStore = field(default_factory=FactStore)  # the default edition's
    # Errors and warnings: root causes first, with a note in place of the problems that only follow from them
    # (errors.hold_back_echoes); the rest sorted by file and line.
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    charts: ChartCounts = field(default_factory=ChartCounts)  # filled by load_charts: rendered vs cached

    def failed(self, strict: bool) -> bool:
        return any(p.stops_build(strict) for p in self.problems)


@dataclass
class EditionBuild:
    """One edition on its way through the stages (site_folder/editions.py). Each stage runs on it as on a site of
    its own: its inputs carry its content and its settings, whose language is the edition's and whose url is
    the edition's own address (site url + "ko/"), so every absolute address its pages write leads into it."""

    edition: Edition
    inputs: SiteInputs  # filled by _edition_inputs
    store: FactStore  # loaded in the edition's language: the values are written in it (store/loading.py)
    pages: list[Page]  # filled by read_pages; edition and counterparts by editions.link_counterparts
    charts: ChartSet | None = None  # filled by load_charts


def build(inputs: SiteInputs, effects: BuildEffects = BuildEffects(), hashed_names: bool = False,
          written: MutableMapping[str, bytes] | None = None) -> BuildResult:
    """The site that inputs make: every file (result.files) or the problems that stop it.

    effects (effects/boundary.py): what the build may reuse from earlier builds (a memo), how it may use the store on
    disk, and what indexes the search; the defaults build everything afresh, keeping what is slow to make.
    hashed_names: give stylesheets, scripts and pictures content-hashed names, for publishing (`python build.py`);
    the preview keeps plain names, which nothing caches there. Published, 404.html's addresses lead from the root
    of site.json's url (render/page_meta.py); the preview serves its 404 page at the root of its own address.
    written: where each finished file goes as it is made (a staged site on disk, which the caller swaps in only if
    the build succeeds); result.files is then that mapping.

    Each edition (site_folder/editions.py) goes through the same stages, in its own language; its files are then
    placed under its folder (publish/placing.py).
    """
    started = time.perf_counter()
    result = BuildResult()
    memo = effects.memo
    problems: list[Problem] = []
    with effects.store.in_force():
        built: list[EditionBuild] = []
        editions = site_editions(inputs.settings)
        further = tuple(edition.language for edition in editions[1:])
        # The fact store once, in the site's language; each edition shows it in its own (FactStore.in_language):
        # its words per language, its figures written in it. data/'s missing words are reported once.
        loaded, found = memo.reuse(load_fact_store, inputs.data, inputs.settings.language, further)
        problems += found
        for edition in editions:
            # Kept by the memo per loaded store and language: the same edition's store object from build to build,
            # so what is kept by it (the charts, the downloads) is reused.
            store = memo.reuse(FactStore.in_language, loaded, edition.language)
            if further:  # an edition's theme words missing from its catalogue (render/words.py)
                problems += catalogue_problems(edition.language)
            edition_inputs = _edition_inputs(inputs, edition)
            pages, found = memo.pages(read_pages, edition_inputs.content)
            problems += found
            built.append(EditionBuild(edition, edition_inputs, store, pages))
        # Each edition's language and pages, in the editions' order: what linking counterparts and the checks that
        # the editions agree read.
        languages, pages_by_edition = [one.edition.language for one in built], [one.pages for one in built]
        problems += link_counterparts(tuple(one.edition for one in built), pages_by_edition)
        result.store, result.pages = built[0].store, [page for one in built for page in one.pages]
        for one in built:
            with speaking(one.edition.language):  # the cards' and charts' words in the edition's language
                one.charts, found = memo.charts(load_charts, one.inputs, one.store)  # runs the charts/ modules
                problems += _not_yet_reported(found, problems)
                # With a facts or series file unread, which ids it held is a guess: each would be reported unknown.
                # A broken source or record is known by its id: what names it is held back as an echo
                # (hold_back_echoes).
                if not one.store.unreadable:
                    with unpacking_with(memo.unpacked_html):  # the preview's pages' HTML, kept with its packing
                        problems += render_markdown(one.pages, one.store, one.charts.html, one.charts.names,
                                                    memo.convert_pages)
        result.charts = built[0].charts.counts
        # The editions agree (editions/): each translation is current, and cites what its original cites.
        problems += check_translations_current(languages, pages_by_edition)
        if not result.store.unreadable:
            problems += memo.reuse(check_fact_store, result.store)
            problems += check_same_facts(languages, pages_by_edition)
        if not any(p.severity == "error" for p in problems):
            problems += _write_site_files(inputs, effects, result, built, hashed_names, written)
    result.problems = hold_back_echoes(problems)
    result.seconds = time.perf_counter() - started
    return result


def _edition_inputs(inputs: SiteInputs, edition: Edition) -> SiteInputs:
    """The inputs as the stages see them for one edition; the default edition's are the site's own."""
    if edition.is_default:
        return inputs
    own_words = dict(dict(inputs.settings.edition_settings).get(edition.language, ()))  # its title, description…
    settings = dataclasses.replace(inputs.settings, language=edition.language,
                                   url=inputs.settings.url + edition.prefix if inputs.settings.url else "",
                                   **own_words)
    return dataclasses.replace(inputs, settings=settings, content=edition_content(inputs, edition))


def _not_yet_reported(found: list[Problem], problems: list[Problem]) -> list[Problem]:
    """found, less what is already reported: each edition reads the same data/ and charts/."""
    known = {(p.path, p.line, p.col, p.message) for p in problems}
    return [p for p in found if (p.path, p.line, p.col, p.message) not in known]


def _write_site_files(inputs: SiteInputs, effects: BuildEffects, result: BuildResult, built: list[EditionBuild],
                      hashed_names: bool, written: MutableMapping[str, bytes] | None) -> list[Problem]:
    """The stages after the checks, which make the files of a site whose input is sound. The files the templates
    do not make come first, so that every hashed name is known before the first page (publish/fingerprint.py);
    each file is then finished as it is made (_Finishing): renamed, taken by the search index, and written. The
    pages are never in memory together: at 4,000 pages they are 130 MB."""
    memo = effects.memo
    environment = memo.environment(inputs.templates)
    editions = tuple(one.edition for one in built)
    problems: list[Problem] = []
    made = {f"assets/{name}": data for name, data in inputs.assets.items()}  # every file but the templates'
    views = []
    for one in built:
        with speaking(one.edition.language):  # what the memo fingerprints of readers' words, in the edition's
            files, view, found = _edition_files(one, built, effects, environment)
        problems += found
        views.append(view)
        made.update(place_edition(one.edition, files, made, inputs.settings.url))  # publish/placing.py
    if hashed_names:  # only what is published is shared and embedded: one warning without a url, for every edition
        problems += missing_url(inputs.settings, inputs.root,
                                {one.edition.prefix + url: image for one, view in zip(built, views)
                                 for url, image in view.share_images.items()},
                                {one.edition.prefix + name: embed for one, view in zip(built, views)
                                 for name, embed in view.chart_embeds.items()})
    # name.<hash>.ext for what hosts may cache for a year (explainer/publish/fingerprint.py); each file goes to
    # `written` as it is finished: from here on what the stages read of a page is read back.
    renaming = hashed_names_of(made, inputs.settings.url) if hashed_names else None
    # Background workers (effects/worker_pool.py) take what the templates' thread need not do: the search's reading
    # of a first build's pages and the output gate's scans, as each page is finished.
    with background_workers() as workers:
        search = SearchPages(inputs.root, workers) if effects.index_search is not None else None
        if search is not None:  # so that each shard is indexed as soon as its pages are made
            search.expect(one.edition.prefix + path for one, view in zip(built, views) for path in
                          planned_files(view, one.edition.prefix))
        # pagefind/ (explainer/publish/search.py): its thread reads each page as it is made, and Pagefind, a process
        # of its own, indexes each shard once its pages are made. In this build's context, so that the store's
        # access (effects.boundary.StoreAccess) holds there too.
        indexing = (threads().submit(contextvars.copy_context().run, effects.index_search, search, inputs.root)
                    if search is not None else None)
        # The output gate scans each file as it is finished (publish/output_gate.py GateScans), rather than reading
        # every file back at the end.
        scans = GateScans(memo.gate, workers, held_in_memory=written is None)
        finishing = _Finishing(written if written is not None else {}, renaming, search, scans)
        try:
            for path, data in made.items():
                finishing[path] = data
            for one, view in zip(built, views):
                with speaking(one.edition.language), unpacking_with(memo.unpacked_html):
                    problems += _render_edition(one, view, environment, memo, made, inputs.settings.url, finishing,
                                                search)
            finishing.flush()
        except BaseException:  # the search's thread waits for pages no more
            if search is not None:
                search.abandon()
            raise
        if search is not None:
            search.close()
        result.files = finishing.files
        hashed = sorted(renaming.renamed.values()) if renaming is not None else []
        with speaking(editions[0].language):
            late, found = render_after_hashing(environment, views[0], published(finishing.policies, hashed))  # _headers
        problems += found
        result.files.update(late)
        # Every template has read the pages' HTML: it is their largest field (13 MB packed at 4,000 pages), and the next
        # build makes it again (render_markdown). The memo lets go of what it holds of them too, unless it is the
        # preview's.
        for page in result.pages:
            page.packed_html = b""
        memo.pages_rendered()
        # The one guarantee for every URL written, whichever stage wrote it (explainer/publish/output_gate.py).
        problems += check_output(result.files, {one.edition.prefix + page.url: (page.source_path, page.source_text)
                                                for one in built for page in one.pages}, memo.gate, scans)
        for one in built:
            not_found = f"{one.edition.prefix}404.html"
            if hashed_names and inputs.settings.url and not_found in result.files:  # published, shown at any depth
                result.files[not_found] = root_relative(result.files[not_found], one.inputs.settings.url)  # page_meta.py
        if indexing is not None:
            index, found = indexing.result()
            problems += found
            result.files.update(index.files)
        return problems


class _Finishing:
    """Where each file of the site goes as it is made: taken by the search index (search: SearchPages), renamed,
    its references to hashed files rewritten (renaming: publish/fingerprint.py, when publishing), handed to the
    output gate's scans, its Content-Security-Policy noted (render/templates.py page_policy), and put into files (a
    staged site on disk, or a dict); BATCH files at a time, and the rest by flush()."""

    # Each page rewritten and written between two renderings made the templates slower (+0.2 s of CPU at 1,000
    # pages, helper's A/B): 64 pages (about 1.6 MB) at a time cost nothing measurable, and wake the search's
    # thread once for them.
    BATCH = 64

    def __init__(self, files: MutableMapping[str, bytes], renaming: Renaming | None, search: SearchPages | None,
                 scans: GateScans):
        self.files, self.renaming, self.search, self.scans = files, renaming, search, scans
        self.policies: dict[str, str | None] = {}  # each page's Content-Security-Policy, for _headers (published)
        self._waiting: list[tuple[str, bytes]] = []

    def __setitem__(self, path: str, data: bytes) -> None:
        self._waiting.append((path, data))
        if len(self._waiting) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        if self.search is not None:
            for path, data in waiting:
                self.search.add(path, data)
        for path, data in waiting:
            if self.renaming is not None:
                path, data = self.renaming.finished(path, data)
            self.scans.add(path, data)
            if path.endswith(".html"):
                self.policies[path] = page_policy(data)
            self.files[path] = data


def _edition_files(one: EditionBuild, built: list[EditionBuild], effects: BuildEffects, environment):
    """One edition's files but the templates', at their paths within the edition, with its site view and the
    problems found."""
    memo, inputs = effects.memo, one.inputs
    chart_output, problems = chart_files(one.charts, one.pages)  # the runtime only if a page has a chart
    downloads = memo.reuse(download_files, one.store)
    # Each reader page's og:image: its chart's PNG, or a title card rendered here (kept in ROOT/.cache/share/).
    images, cards, found = share_images(reader_pages(one.pages), inputs.settings, chart_output,
                                        {name: embed.title for name, embed in one.charts.embeds.items()},
                                        environment, DiskCache(cache_folder(inputs.root) / "share"),
                                        memo.render_cards)
    problems += found
    view = site_view(inputs.settings, one.pages, one.store, one.charts.html, memo.evidence_memo(one.store),
                     memo.kept_lists,
                     chart_embeds=one.charts.embeds,
                     share_images=images, downloads=tuple(sorted(downloads)),
                     **edition_fields(one.edition, tuple(each.edition for each in built),
                                       [each.pages for each in built], one.store))
    return {**downloads, **chart_output, **cards}, view, problems


def _render_edition(one: EditionBuild, view, environment, memo, made: dict[str, bytes], site_url: str,
                    finishing: _Finishing, search: SearchPages | None) -> list[Problem]:
    """The edition's files made from templates, each finished as it is made, the chapters search shard by
    search shard (publish/search.py indexes each as soon as its pages are made). An edition under a folder has
    its pages placed with its other files (publish/placing.py), which decide what it shares with the root."""
    prefix = one.edition.prefix
    order = (lambda path: search.shard_expected(prefix + path)) if search is not None else None
    if one.edition.is_default:  # placed where they are made
        return render_pages(environment, view, memo.render_file, prefix="", into=finishing, order=order)[1]
    pages, problems = render_pages(environment, view, memo.render_file, prefix=prefix, order=order)
    own = {path: data for path, data in made.items() if path.startswith(one.edition.prefix)}
    within = {path.removeprefix(one.edition.prefix): data for path, data in own.items()}
    for path, data in place_edition(one.edition, {**within, **pages}, made, site_url).items():
        if path not in own:
            finishing[path] = data
    return problems
