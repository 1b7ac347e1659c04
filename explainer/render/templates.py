"""The Jinja2 side: the template environment (autoescape on, undefined is an error) and rendering every page.

A site's templates come first; the project's are the default theme, reachable also as "default/<name>", so a
site's base.html can extend the one it replaces: {% extends "default/base.html" %}.
"""
from __future__ import annotations

import contextlib
import dataclasses
import html
import re
import traceback
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import xml.etree.ElementTree as etree

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from . import cards, claim_review
from ..store.dates import date_label
from ..errors import Problem
from ..store.facts import Fact, FactStore, Source
from ..site_folder.inputs import SiteSettings, TemplateFolder
from . import page_meta as sharing
from .layout import CONTENTS, DATA, EMBEDS, IN_NAVIGATION, OUTPUTS, UNTRANSLATED, Output, reader_pages
from ..site_folder.editions import Edition, site_editions
from ..site_folder.pages import Page
from ..prose.claim_links import claims_shown
from ..incremental.reads import Recorded, RecordedMapping, remembered
from .words import SpokenTemplate

if TYPE_CHECKING:  # not imported: share_images imports the charts package, which imports this module
    from .share_images import ShareImage


@dataclass(frozen=True)
class LanguageLink:
    """One entry of a page's language switcher, or one hreflang alternate: an edition and where the page is there."""

    edition: Edition
    href: str  # relative to the page, or absolute (hreflang alternates of a site with a url)
    current: bool = False  # the page's own edition
    translated: bool = True  # False: href leads to the notice that the page is not translated yet


@dataclass(frozen=True)
class Untranslated:
    """A default-edition page with no counterpart in this edition, as the notice (untranslated.html) lists it."""

    slug: str
    title: str
    url: str  # within the default edition


@dataclass(frozen=True)
class SitemapEntry:
    """A page of sitemap.xml: its site-relative path, last update and (hreflang, path) alternates."""

    path: str
    updated: str | None
    alternates: tuple[tuple[str, str], ...] = ()


# Past this many chapters the header links the contents page instead of every chapter: a thousand links on
# every page made each page 65 KB and its rendering ten times slower (bench/README.md).
NAV_LIMIT = 12


@dataclass
class SiteView(Recorded):
    """What every template can read about the whole site. What a template reads of it is recorded (incremental/reads.py):
    a file rendered from a template is kept with those reads, and reused while they give the same answers."""

    TOKEN_KIND = "view"
    READ_WHOLE = False  # field by field (reads.Recorded)

    settings: SiteSettings
    pages: list[Page]
    store: FactStore
    # The mappings are reads.RecordedMappings once site_view has made the view: a lookup reads that one key.
    chart_html: Mapping[str, str] = field(default_factory=dict)
    fact_pages: Mapping[str, list[Page]] = field(default_factory=dict)  # fact id → pages that insert it
    source_pages: Mapping[str, list[Page]] = field(default_factory=dict)  # source id → pages citing it
    chart_embeds: Mapping = field(default_factory=dict)  # chart name → charts.EmbedFigure, for embed/<name>.html
    share_images: Mapping[str, ShareImage] = field(default_factory=dict)  # page url → its share image
    downloads: tuple[str, ...] = ()  # the data downloads (data/…), which the Data page's Dataset markup lists
    slugs: frozenset[str] = frozenset()  # every page's: has_page reads this, not every page's slug
    # Editions (site_folder/editions.py; edition_fields): this view's, the site's, and what only some files read.
    edition: Edition | None = None  # None: the site's one edition, from its settings (site_edition)
    editions: tuple[Edition, ...] = ()  # every edition, the default first; one for a site without "editions"
    untranslated: tuple[Untranslated, ...] = ()  # the notice's pages (editions after the default)
    sitemap: tuple[SitemapEntry, ...] = ()  # every edition's listed pages (the default's view, several editions)
    # language → the charts its pages show, so its embed pages: an embed's alternates name only the editions
    # that have it (several editions)
    edition_charts: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Memos of this build (reads.remembered hands their reads to every later caller): key → value
    _memo: dict = field(default_factory=dict, repr=False)
    # Each fact's evidence (evidence()), which reads only the fact store: the preview's memo hands the same dict to
    # every build of the same store (BuildCache.evidence_memo), so an edit renders no fact's evidence again.
    _evidence: dict = field(default_factory=dict, repr=False)

    def has_page(self, slug: str) -> bool:
        return slug in self.slugs

    def page_named(self, slug: str) -> Page:
        """The chapter with this slug (a page one of our corrections changed: the build checks each is one)."""
        return next(page for page in self.pages if page.slug == slug)

    def claim_review(self, page) -> Markup:
        """The schema.org ClaimReview of each claim whose row the page shows, as JSON-LD (render/claim_review.py)."""
        return claim_review.claim_reviews(self.settings, self.store, page.url, claims_shown(page.html))

    def description(self, page) -> str:
        return sharing.description(self.settings, page)

    def page_title(self, page) -> str:
        """The <title>: the page's title, then the site's (once where they are the same)."""
        if page.title and page.title != self.settings.title:
            return f"{page.title} · {self.settings.title}"
        return self.settings.title

    def address(self, page_or_path) -> str | None:
        """The absolute address of a page or site-relative path; None when site.json gives no url."""
        return sharing.address(self.settings, getattr(page_or_path, "url", page_or_path))

    def updated_on(self, page) -> str | None:
        """When what the page shows was last checked or corrected, as an ISO date (rule: render/page_meta.py).
        Worked out once per page: its head, its meta line and its citation all show it. It reads the facts'
        corrections, not their values: for a page made from a table of outputs (the contents page, which dates itself
        by every fact), recorded field by field, so that a fact's value or words edited leave it kept. A chapter reads
        its facts whole anyway (their cards and references), and each field read would cost more than the reads."""
        return remembered(self._memo, ("updated", type(page).__name__, page.url),
                          lambda: sharing.updated(page, self.store), by_field=not isinstance(page, Page))

    def citation(self, page) -> str:
        return sharing.citation(self.settings, page, self.updated_on(page))

    def share_image(self, page) -> ShareImage | None:
        return self.share_images.get(page.url)

    def dataset(self) -> Markup:
        """The Data page's schema.org Dataset, as a JSON-LD <script> (inert: the CSP runs no inline script)."""
        return sharing.dataset(self.settings, self.store, list(self.downloads), self.updated_on(DATA))

    @property
    def listed_pages(self) -> list:
        """The pages readers land on from outside, as sitemap.xml lists them (outputs.reader_pages)."""
        return reader_pages(self.pages)

    def once(self, *key: str, caller: Callable[[], str]) -> Markup:
        """`{% call site.once("fact", fact.id) %}…{% endcall %}`: the block rendered once per build and key, and that
        rendering given to every later call with the key, its reads handed to each file that shows it
        (reads.remembered). For a block that shows only what its key names: a fact's line in the references, which
        each of the forty pages that cite the fact show (a third of a chapter's rendering)."""
        return Markup(remembered(self._memo, ("once", *key), caller))

    def evidence(self, fact: Fact) -> Markup:
        """What supports a fact, as its card shows it, with links a keyboard can reach (references, Sources).
        Made once per fact and fact store: a fact shown on forty pages is in forty pages' references."""
        def make() -> Markup:
            box = etree.Element("div", {"class": "evidence"})
            # The view's store, taken without noting a read of the view: the memo is that store's (a memo's
            # evidence_memo), and whatever the evidence reads of the store is noted as it reads it, so an entry can
            # be checked against a later store alone (BuildCache.evidence_memo).
            cards.fill_evidence(box, fact, object.__getattribute__(self, "store"), focusable=True)
            return cards.html(box)

        return remembered(self._evidence, fact.id, make)

    def excerpt(self, source: Source, excerpt_id: str) -> Markup:
        return cards.html(cards.excerpt_element(source.excerpts[excerpt_id], None, None, source))

    @property
    def site_edition(self) -> Edition:
        return self.edition or site_editions(self.settings)[0]

    @property
    def several_editions(self) -> bool:
        return len(self.editions) > 1

    @property
    def home(self) -> str:
        """Where the edition's home links lead (the site's title, the 404 and embed pages), from its root: its
        home page, or, in an edition that has not translated it yet, the notice's section for it, as the switcher
        leads (docs/editions.md, "Translate a page"). The default edition always has one (read_inputs)."""
        return "index.html" if self.has_page("index") else f"{UNTRANSLATED.url}#index"

    def language_links(self, page, root: str) -> list[LanguageLink]:
        """The switcher: each edition, with the page's counterpart there, or the notice that it has none yet."""
        current, links = self.site_edition, []
        for edition in self.editions:
            if edition == current:
                links.append(LanguageLink(edition, "", current=True))
                continue
            url = self._counterpart(page, current, edition)
            if url is None and isinstance(page, Output) and page.translated_only:  # the notice: the default's home
                url = "index.html"
            target = url if url is not None else f"{UNTRANSLATED.url}#{page.slug}"
            links.append(LanguageLink(edition, root + current.up + edition.prefix + target, translated=url is not None))
        return links

    def alternates(self, page, root: str) -> list[LanguageLink]:
        """hreflang alternates: every edition that has the page (itself included), then x-default (the default
        edition's); absolute where site.json gives a url."""
        current = self.site_edition
        site_url = self.settings.url[:len(self.settings.url) - len(current.prefix)] if self.settings.url else ""
        links = []
        for edition in self.editions:
            url = page.url if edition == current else self._counterpart(page, current, edition)
            if url is not None:
                path = edition.prefix + url
                links.append(LanguageLink(edition, sharing.absolute(site_url, path) if site_url else root + current.up + path))
        if links and links[0].edition == self.editions[0]:
            links.append(dataclasses.replace(links[0], edition=dataclasses.replace(links[0].edition,
                                                                                    language="x-default")))
        return links

    def _counterpart(self, page, current: Edition, edition: Edition) -> str | None:
        """_counterpart, and for an embed page, whether the edition shows its chart: only then does it have one.
        Only an embed page reads edition_charts, so a chart added to a page renders no other page again."""
        if isinstance(page, Output) and page.subject and EMBEDS.writes(page.path):
            return page.url if page.subject in self.edition_charts.get(edition.language, ()) else None
        return _counterpart(page, current, edition)

    @property
    def nav(self) -> list:
        if len(self.pages) <= NAV_LIMIT:
            return [*self.pages, *IN_NAVIGATION]
        return [*self.pages[:1], CONTENTS, *IN_NAVIGATION]


DEFAULT_PREFIX = "default"
# Templates of plain-text files (robots.txt, _headers): nothing in them is markup, so nothing is escaped. Every
# other template (HTML, SVG, XML) escapes whatever it inserts.
PLAIN_TEXT_TEMPLATES = (".txt", "_headers")


def _escapes_markup(template_name: str | None) -> bool:
    return not (template_name or "").endswith(PLAIN_TEXT_TEMPLATES)

_EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']([^"']+)["']""")


class InputsLoader(jinja2.BaseLoader):
    """Templates from the texts read_inputs read (SiteInputs.templates), searched in order, as FileSystemLoader
    searches folders: the build reads no template from disk itself."""

    def __init__(self, folders: tuple[TemplateFolder, ...]):
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str):
        name = "/".join(split_template_path(template))  # refuses "..", as FileSystemLoader does
        for folder in self.folders:
            if name in folder.files:
                return folder.files[name], str(folder.folder / name), lambda: True
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        return sorted({name for folder in self.folders for name in folder.files})


class _CompiledInThisProcess(jinja2.BytecodeCache):
    """Each template's compiled code, by its name and file, kept while its source is the same: every environment
    make_environment makes has the same settings, so the preview's next environment, after one template is edited,
    compiles that one alone (the others: 0.15 s of a template edit at 1,000 pages). In memory only, one code per
    template: never loaded from disk, where it could come from anywhere. The key does not hold the environment's
    options (autoescape, extensions, the words' install): make_environment must keep making them alike, or give
    each kind of environment a cache of its own."""

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[str, Any]] = {}  # key → (checksum of its source, its code)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        kept = self._compiled.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _CompiledInThisProcess()


LOADS_SEPARATOR = "\x00"  # between the names of a TemplateSets key: no template's name holds it


class TemplateSets(Mapping):
    """The texts of the templates a rendering loaded, by their names in the order loaded (a key: the names of
    collect_loads, joined by LOADS_SEPARATOR), each as the environment's loader finds it (a site's own before the
    project's, "default/<name>" for the project's), or None where it finds none (an include "ignore missing", a
    list's first choice: adding it changes what the file shows). What a file made from templates read of them, as
    one read: the chapters all load the same set, worked out once per environment (a new one whenever a template
    changes: BuildCache.environment)."""

    def __init__(self, environment: jinja2.Environment):
        self._environment = environment
        self._known: dict[str, tuple[str | None, ...]] = {}

    def __getitem__(self, key: str) -> tuple[str | None, ...]:
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = tuple(self._text(name) for name in key.split(LOADS_SEPARATOR))
        return found

    def _text(self, name: str) -> str | None:
        try:
            return self._environment.loader.get_source(self._environment, name)[0]
        except jinja2.TemplateNotFound:
            return None

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


# The names loaded by the rendering under way (collect_loads), with the environment they are loaded from: in a
# context variable, so that a rendering in another thread never adds to them or ends them.
_COLLECTING: ContextVar[tuple[jinja2.Environment, list[str]] | None] = ContextVar("template_loads", default=None)


class RecordingEnvironment(jinja2.Environment):
    """An environment that can say which templates a rendering loaded (collect_loads): the page's own and each
    one it extends, includes or imports, which compiled templates load through get_template and select_template
    as they render, and what an imported template loaded when its module was made (RecordingTemplate). The build
    cache keeps a file until one of those changes (TemplateSets), not until any template does."""

    @contextlib.contextmanager
    def collect_loads(self) -> Iterator[list[str]]:
        outer, names = _COLLECTING.get(), []
        token = _COLLECTING.set((self, names))
        try:
            yield names
        finally:
            _COLLECTING.reset(token)
            if outer is not None and outer[0] is self:  # a rendering inside another: the outer one loaded them too
                outer[1].extend(names)

    def note_loads(self, names: list) -> None:
        collecting = _COLLECTING.get()
        if collecting is not None and collecting[0] is self:
            collecting[1].extend(name for name in names if isinstance(name, str))

    def get_template(self, name, parent=None, globals=None):
        self.note_loads([name])
        return super().get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        if not isinstance(names, (jinja2.Template, jinja2.Undefined)):
            names = list(names)  # read twice: here, then by Jinja2
            # Every name tried, found or not: a later edit may add one that comes before the one found.
            self.note_loads(names)
        return super().select_template(names, parent, globals)


class RecordingTemplate(SpokenTemplate):
    """A template whose module, made once and kept for every import without context, says each time it is
    imported what making it loaded (its own imports and includes at its top level): only the first rendering to
    import it would have loaded them, and a later edit to one would have left the others' files as they were."""

    def _get_default_module(self, ctx=None):
        environment = self.environment
        loads = self.__dict__.get("_loads_of_module")
        if self._module is not None and loads is not None:
            environment.note_loads(loads)
            return super()._get_default_module(ctx)
        with environment.collect_loads() as names:
            self._module = None  # made again where it was made unseen, to see what making it loads
            module = super()._get_default_module(ctx)
        self._loads_of_module = list(names)
        return module


def make_environment(templates: tuple[TemplateFolder, ...]) -> jinja2.Environment:
    """templates in search order, the site's first; the last is the project's (inputs._fallback), whose
    templates are also "default/<name>"."""
    loader = jinja2.ChoiceLoader([
        InputsLoader(templates),
        jinja2.PrefixLoader({DEFAULT_PREFIX: InputsLoader(templates[-1:])}),
    ])
    environment = RecordingEnvironment(loader=loader, autoescape=_escapes_markup, undefined=jinja2.StrictUndefined,
                                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                                       bytecode_cache=_COMPILED)
    environment.filters["date_label"] = date_label
    environment.filters["page_links"] = _page_links_filter
    from . import words  # the readers' words: _() and {% trans %}, each file in its site's language (render/words.py)

    words.install(environment)
    environment.template_class = RecordingTemplate  # words' SpokenTemplate, which says what its imports loaded
    return environment


def page_links(pages: Iterable, memo: dict | None = None) -> Markup:
    """Links to these pages by their titles, separated by commas: the Sources and Corrections pages' lists of where
    each fact and source is used, 8,000 links at 1,000 pages, where a loop in the template took three times as long.
    memo: the build's (SiteView._memo): each page's link is made once, and its reads handed to every list that shows
    it (reads.remembered), rather than its title and address read again for each of its 8 links."""
    memo = {} if memo is None else memo
    return Markup(", ".join(remembered(memo, ("page link", id(page)), lambda page=page: _page_link(page))
                            for page in pages))


@jinja2.pass_context
def _page_links_filter(context: jinja2.runtime.Context, pages: Iterable) -> Markup:
    """`pages | page_links` in a template: page_links with the memo of the view it renders."""
    view = context.get("site")
    return page_links(pages, view._memo if isinstance(view, SiteView) else None)


def _page_link(page) -> str:
    return f'<a href="{escape(page.url)}">{escape(page.title)}</a>'


def _counterpart(page, current: Edition, edition: Edition) -> str | None:
    """The url within edition of page's counterpart, or None where it has none (an embed page: SiteView's)."""
    if isinstance(page, Page):
        return page.counterparts.get(edition.language)
    if isinstance(page, Output) and page.translated_only:  # the notice: the default edition has none
        return None if edition.is_default else page.url
    return page.url  # every other output is written in every edition


def edition_fields(edition: Edition, editions: tuple[Edition, ...], pages_by_edition: list[list[Page]],
                   store: FactStore) -> dict:
    """The SiteView fields of one edition's view (site_view's extra): what its switcher, its notice and, in the
    default edition's view of a site with several editions, sitemap.xml read."""
    if len(editions) == 1:
        return {"edition": edition, "editions": editions}
    own = pages_by_edition[editions.index(edition)]
    slugs = {page.slug for page in own}
    untranslated = () if edition.is_default else tuple(
        Untranslated(page.slug, page.title, page.url) for page in pages_by_edition[0] if page.slug not in slugs)
    sitemap: tuple[SitemapEntry, ...] = ()
    if edition.is_default:
        entries = []
        for other, pages in zip(editions, pages_by_edition):
            for listed in reader_pages(pages):
                alternates = [(each.language, each.prefix + url) for each in editions
                              if (url := (listed.url if each == other else _counterpart(listed, other, each)))]
                alternates.append(("x-default", alternates[0][1]) if alternates[0][0] == editions[0].language
                                  else ("x-default", ""))
                entries.append(SitemapEntry(other.prefix + listed.url, sharing.updated(listed, store),
                                            tuple(alternate for alternate in alternates if alternate[1])))
        sitemap = tuple(entries)
    charts = {each.language: frozenset(name for page in pages for name in page.charts_used)
              for each, pages in zip(editions, pages_by_edition)}
    return {"edition": edition, "editions": editions, "untranslated": untranslated, "sitemap": sitemap,
            "edition_charts": charts}


def site_view(settings: SiteSettings, pages: list[Page], store: FactStore, chart_html: dict[str, str],
              evidence: dict | None = None, kept_lists: Callable[[str, dict], dict] | None = None,
              **extra) -> SiteView:
    """extra: SiteView's other fields (chart_embeds, share_images, downloads), by name. evidence: the facts'
    evidence made for this store by an earlier view (a memo's), else a new memo. kept_lists(name, lists): the lists of
    pages by fact and by source, each replaced by an earlier view's where the same (a memo's)."""
    fact_pages: dict[str, list[Page]] = {}
    source_pages: dict[str, list[Page]] = {}
    for page in pages:
        for fact_id in page.facts_used:
            fact_pages.setdefault(fact_id, []).append(page)
        for reference in page.references:
            source_pages.setdefault(reference.source_id, []).append(page)
    if kept_lists is not None:
        fact_pages = kept_lists(f"fact_pages {store.language}", fact_pages)
        source_pages = kept_lists(f"source_pages {store.language}", source_pages)
    mappings = {"chart_html": chart_html, "fact_pages": fact_pages, "source_pages": source_pages,
                "chart_embeds": extra.pop("chart_embeds", {}), "share_images": extra.pop("share_images", {})}
    return SiteView(settings, pages, store, slugs=frozenset(page.slug for page in pages), **extra,
                    **{name: RecordedMapping(f"map:{name}", value) for name, value in mappings.items()},
                    _evidence=evidence if evidence is not None else {})


VIEW_MAPPINGS = ("chart_html", "fact_pages", "source_pages", "chart_embeds", "share_images")


def render_pages(environment: jinja2.Environment, view: SiteView, render_file: RenderFile = None, prefix: str = "",
                 into: MutableMapping[str, bytes] | None = None, order: Callable[[str], Any] | None = None
                 ) -> tuple[MutableMapping[str, bytes], list[Problem]]:
    """Every file made from a template, path within the view's edition → bytes: the table of outputs
    (explainer/render/layout.py), then the chapters (planned_files lists them). prefix: the edition's folder ("" or
    "ko/"), which names each file to render_file, and says which outputs it writes (Output.once,
    Output.translated_only).

    render_file: what renders one file (make_file by default; a memo's reuses a file whose template, context
    and recorded reads of the site are unchanged: build_cache.TemplateCache.render_file).
    into: where each file goes as it is made (the pipeline's, which writes it), rather than a new dict.
    order: the order the chapters are made in, as a sort key of their paths (the pipeline's: search shard by
    shard, so that each is indexed while the next is made); their reading order otherwise. No file depends on it.
    """
    files: MutableMapping[str, bytes] = into if into is not None else {}
    problems: list[Problem] = []
    _render_outputs(environment, view, files, problems, after_hashing=False, render_file=render_file, prefix=prefix)
    chapters = view.pages
    indexes = range(len(chapters)) if order is None else sorted(range(len(chapters)),
                                                                 key=lambda index: order(chapters[index].url))
    for index in indexes:
        page = chapters[index]
        context = {"page": page, "root": "", "previous": chapters[index - 1] if index > 0 else None,
                   "next": chapters[index + 1] if index + 1 < len(chapters) else None}
        _render(environment, "page.html", context, view, page.url, files, problems, render_file, prefix)
    return files, problems


def planned_files(view: SiteView, prefix: str = "") -> list[str]:
    """The paths, within the view's edition, of the files render_pages makes."""
    return [page.url for page, _ in _outputs_made(view, after_hashing=False, prefix=prefix)] + \
        [page.url for page in view.pages]


def _outputs_made(view: SiteView, after_hashing: bool, prefix: str) -> Iterator[tuple[Any, Mapping[str, Any]]]:
    """Each file of the entries of OUTPUTS the edition (prefix) writes before hashing, or after: (the page its
    template sees, its member's context)."""
    for output in OUTPUTS:
        if output.after_hashing != after_hashing or (output.needs_url and not view.settings.url) or \
                (output.once and prefix) or (output.translated_only and not prefix):
            continue
        yield from output.files(view)


def _render_outputs(environment: jinja2.Environment, view: SiteView, files: MutableMapping[str, bytes],
                    problems: list[Problem], after_hashing: bool, render_file: RenderFile = None, prefix: str = "",
                    **extra) -> None:
    """Render the entries of OUTPUTS rendered before hashing, or those after; extra: what their templates read
    besides (published)."""
    for page, member_context in _outputs_made(view, after_hashing, prefix):
        context = {"page": page, "root": page.root, "previous": None, "next": None, **extra, **member_context}
        _render(environment, page.template, context, view, page.url, files, problems, render_file, prefix)


@dataclass(frozen=True)
class Published:
    """What the outputs rendered after hashing read of the finished site."""

    hashed: tuple[str, ...]  # site-relative paths of the files with content-hashed names, sorted
    csp: str  # the Content-Security-Policy of the pages' <meta>, sent as an HTTP header too where a host can

    @property
    def immutable(self) -> list[str]:
        """Header rule paths of the hashed files: all of assets/ is hashed, so one rule covers it."""
        return ((["/assets/*"] if any(path.startswith("assets/") for path in self.hashed) else [])
                + [f"/{path}" for path in self.hashed if not path.startswith("assets/")])


# Searched in the page's bytes: '"' is never part of another character in UTF-8, so the value is the same as in the
# decoded text, without decoding every page's head on every build.
_CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', re.IGNORECASE)


def page_policy(data: bytes) -> str | None:
    """The Content-Security-Policy of a page's <meta>, as written; read as each page is finished (pipeline.py)."""
    head_end = data.find(b"</head>")  # a browser takes the policy's <meta> only in the <head>
    match = _CSP_META.search(data, 0, head_end if head_end >= 0 else len(data))
    return match.group(1).decode("utf-8", errors="replace") if match else None


def published(policies: Mapping[str, str | None], hashed: list[str]) -> Published:
    """The policy sent as a header is the union of the pages' own (_csp.html; policies: each HTML page's, by path,
    page_policy): a browser enforces both the header and the page's <meta>, so each page still gets no more than
    its own policy allows."""
    directives: dict[str, list[str]] = {}
    seen: set[str | None] = set()  # most pages have the same policy: one adds nothing to itself
    for path in sorted(policies):
        policy = policies[path]
        if policy in seen:
            continue
        seen.add(policy)
        for directive in (html.unescape(policy).split(";") if policy is not None else []):
            words = directive.split()
            if not words:
                continue
            name, *sources = words
            known = directives.setdefault(name, [])
            known += [source for source in sources if source not in known]
    return Published(tuple(sorted(hashed)), "; ".join(" ".join([name, *sources]) for name, sources in directives.items()))


def render_after_hashing(environment: jinja2.Environment, view: SiteView,
                         finished: Published) -> tuple[dict[str, bytes], list[Problem]]:
    """The outputs that describe the finished files (_headers), rendered last."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    _render_outputs(environment, view, files, problems, after_hashing=True, published=finished)
    return files, problems


def make_file(url: str, template_name: str, context: dict, view: SiteView, make: Callable[[], str]) -> bytes:
    """Render one file from its template: make() renders it."""
    return make().encode("utf-8")


# (url, template name, context, view, make) → the file's bytes: make_file, or a memo's that may reuse them
RenderFile = Callable[[str, str, dict, SiteView, Callable[[], str]], bytes] | None


def _render(environment, template_name, context, view, url, files, problems, render_file: RenderFile = None,
            prefix: str = "") -> None:
    try:
        files[url] = (render_file or make_file)(
            prefix + url, template_name, context, view,
            lambda: environment.get_template(template_name).render(site=view, **context))
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename or template_name)
        problems.append(Problem(path, error.lineno or 1, 1, f"template syntax error: {error.message}",
                                source_line=error.source.splitlines()[error.lineno - 1] if error.source else None))
        return
    except jinja2.TemplateNotFound as error:
        problems.append(Problem(Path(template_name), 1, 1, f'template "{error.name}" not found: add it to '
                                "templates/ or fix the name."))
        return
    except RecursionError:  # a site's base.html that extends "base.html" extends itself, for ever
        problems.append(_extends_itself(environment, template_name))
        return
    except Exception as error:  # an error raised while rendering: place it at the template line
        path, line = _template_frame(error, template_name)
        problems.append(Problem(path, line, 1, f"while rendering {url}: {error}"))
        return


def _extends_itself(environment: jinja2.Environment, template_name: str) -> Problem:
    """The site template that extends its own name, found by reading the templates the page was made from."""
    name, seen = template_name, set()
    while name not in seen:
        seen.add(name)
        try:
            source, filename, _ = environment.loader.get_source(environment, name)
        except jinja2.TemplateNotFound:
            break
        extends = _EXTENDS.search(source)
        if extends is None:
            break
        if extends.group(1) == name:
            line = source.count("\n", 0, extends.start()) + 1
            return Problem(Path(filename), line, extends.start() - source.rfind("\n", 0, extends.start()),
                           f'"{name}" extends itself: to build on the default theme\'s, write '
                           f'{{% extends "{DEFAULT_PREFIX}/{name}" %}}.')
        name = extends.group(1)
    return Problem(Path(template_name), 1, 1, f"while rendering {template_name}: the templates extend or include "
                   "each other in a circle: follow their {% extends %} and {% include %} and break it.")


def _template_frame(error: Exception, template_name: str) -> tuple[Path, int]:
    """The innermost template file and line in the traceback (Jinja2 rewrites frames to point at templates)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".html"):
            return Path(frame.filename), frame.lineno or 1
    return Path(template_name), 1
