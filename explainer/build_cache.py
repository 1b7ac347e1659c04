"""What the build keeps between builds, so that a change rebuilds only what it affects: in memory in the preview
server, and on disk (ROOT/.cache/build/) for `python build.py`, which loads it before a build and saves it after
a good one (load_build_cache, save_build_cache).

pipeline.build(inputs, cache) runs every stage as usual; each stage asks the cache first:

- whole-stage results (the fact store, its checks, the downloads) are reused while their arguments are the
  same: equal text for the data files, the very same FactStore object for the stages that take one;
- the pages read from content/ are reused, and a file parsed again, while only its body changed;
- the charts are reused while the chart modules, the templates and the fact store are the same;
- each page's Markdown is reused while the page body and the facts, sources and charts it used are unchanged
  (their fingerprints, taken from the records' values: never from Location, which holds a whole file's text);
- each output page's HTML is reused while the templates, the page's own fields and Markdown, the navigation
  and its previous/next neighbours are unchanged. The sources, data and 404 pages read the whole fact store
  and every page's citations, and are rendered again when any of those change.

The cache assumes, as the default theme does, that page.html reads its page, the navigation, the site settings
and the facts and sources named in the page's references, and nothing else of the site. Without a cache (the
`python build.py` path) every stage simply runs; both paths give the same bytes (tests/test_serve_cache.py).

On disk, only what is keyed by content is kept: each page's converted Markdown (with the fingerprints of the
facts, sources and charts it used) and each output page's HTML (with its template key). What is keyed by the
identity of objects of one process (whole-stage results, the fact store's serial) is not: a new process
starts them afresh. The file is one pickle, written whole and read back only when its header matches this
engine (its code and libraries, every .py file of the package) and the site's settings; a damaged or foreign
file is ignored, and the build is a full one. Serial numbers start at a random point in each process, so a
serial read from disk never equals one given out by the process that reads it.

Speed matters here more than elegance: at a thousand pages, hashing every page's text on every build costs
more than rendering the one page that changed. So unchanged things are recognised by identity where the
pipeline hands back the same objects (the same file text, the same FactStore), and by a serial number
that each Markdown result carries into the template keys.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import pickle
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2

from .disk_cache import engine_version
from .facts import FactStore, record_fingerprint
from .inputs import files_under
from .pages import Page, Reference
from .output_gate import GateMemory
from .render import make_environment

Digest = bytes
# Random starts: serials of entries read from disk (made by another process) are never given out again here.
_serials = itertools.count(int.from_bytes(os.urandom(7), "big") << 8)
CACHE_FORMAT = "build-cache-3"  # part of the file's header: change it when what is kept changes shape


def digest(*parts: Any) -> Digest:
    """A short content hash of values made of str, bytes, numbers, None, tuples, lists and dicts.

    Hashes their repr: exact for these types, and computed in C.
    """
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class BuildStats:
    """What the last build did, for the preview server's log line."""

    markdown_rendered: int = 0  # pages whose Markdown was converted again
    pages_rendered: int = 0  # HTML files rendered again from the templates
    pages_reused: int = 0
    stages_rerun: list[str] = field(default_factory=list)  # whole stages that ran again (fact store, downloads…)


@dataclass
class _Slot:
    key: Digest
    value: Any
    keep_alive: tuple = ()  # the arguments whose identity is part of the key, kept so ids are not reused


class BuildCache:
    """The preview server's memory between builds. Used by one thread at a time."""

    def __init__(self) -> None:
        self.stats = BuildStats()
        self.markdown = MarkdownCache(self)
        self.templates = TemplateCache(self)
        self._slots: dict[str, _Slot] = {}
        self._environment: tuple[Digest, jinja2.Environment] | None = None
        self._pages: tuple[dict[Path, str], list[Page], list] | None = None
        self._chart_names: dict[Path, tuple[str, frozenset[str]]] = {}
        self._store: FactStore | None = None
        self.store_serial = 0  # changes whenever the build works from another FactStore
        self._fingerprints: dict[tuple[str, str], Digest | None] = {}
        self.gate = GateMemory()  # the output gate's scans and verdicts, by each built file's bytes
        self.share_images: dict = {}  # each page's share image and card (share_images.py); in memory only
        self.loaded = False  # read from disk (load_build_cache)
        self.pruned = False  # the last good build forgot pages the site no longer has

    def start_build(self) -> None:
        self.stats = BuildStats()
        self.markdown.start_build()
        self.templates.start_build()

    def finish_build(self, succeeded: bool) -> None:
        """After a good build, forget pages it no longer has (a deleted page must not stay in memory).

        A failed build stops before the templates, so it has seen no output page: it must not prune.
        """
        if succeeded:
            self.pruned = self.markdown.finish_build() | self.templates.finish_build()

    def reuse(self, function: Callable, *arguments: Any):
        """function(*arguments), or its result from the previous call if the arguments are unchanged.

        Text arguments (dicts and tuples of paths and strings) are compared by content, other objects by
        identity. One result is kept per function. Lists in the result are copied, because the pipeline
        extends its problem lists in place.
        """
        key = digest([_argument_key(argument) for argument in arguments])
        name = f"{function.__module__}.{function.__qualname__}"
        slot = self._slots.get(name)
        if slot is None or slot.key != key:
            self.stats.stages_rerun.append(function.__name__)
            slot = _Slot(key, function(*arguments), tuple(arguments))
            self._slots[name] = slot
        return _copy_lists(slot.value)

    def environment(self, template_dirs: tuple[Path, ...]) -> jinja2.Environment:
        """The Jinja2 environment, kept while no template changes, so compiled templates are reused.

        A new environment whenever any template file changes: Jinja2's own reload check looks only at the
        file it loaded, and would miss a site template that now overrides the project's.
        """
        fingerprint = templates_fingerprint(template_dirs)
        if self._environment is None or self._environment[0] != fingerprint:
            self.stats.stages_rerun.append("templates")
            self._environment = (fingerprint, make_environment(template_dirs))
        self.templates.templates_key = fingerprint
        return self._environment[1]

    def pages(self, read_pages: Callable, content: dict[Path, str]) -> tuple[list[Page], list]:
        """read_pages(content), parsing again only the files that changed, when only their bodies changed.

        When every file is there as before and a changed file's front matter (so its place in the order and
        its slug) is as before, the list is the previous one with that page replaced; otherwise, and whenever
        a file has problems, the whole folder is read again. Reading a thousand files' front matter would
        cost more than the rest of a Markdown edit's rebuild.
        """
        last = self._pages
        if last is not None and last[0].keys() == content.keys():
            texts, pages, problems = last
            replaced = {}
            for path, text in content.items():
                if texts[path] is text or texts[path] == text:
                    continue
                position = next((index for index, page in enumerate(pages) if page.source_path == path), None)
                fresh, found = read_pages({path: text})
                if position is None or found or len(fresh) != 1 or \
                        _navigation_fields(fresh[0]) != _navigation_fields(pages[position]):
                    replaced = None
                    break
                replaced[position] = fresh[0]
            if replaced is not None:
                pages = [replaced.get(index, page) for index, page in enumerate(pages)]
                self._pages = (dict(content), pages, problems)
                return list(pages), list(problems)
        self.stats.stages_rerun.append("read_pages")
        pages, problems = read_pages(content)
        self._pages = (dict(content), pages, problems)
        return list(pages), list(problems)

    def charts(self, load_charts: Callable, inputs, store: FactStore):
        """load_charts(inputs, store), reused while what it reads is the same: the chart modules, the
        templates, the site's settings (its chart colours and font), the fact store (the same object) and the names of the charts the pages embed.

        Running the chart modules and building their figures costs tens of milliseconds per chart even when
        vl-convert's pictures come from the disk cache: too much to repeat for a Markdown edit.
        """
        key = digest(str(inputs.root), [(str(path), path.read_bytes()) for folder in inputs.chart_dirs
                                        for path in files_under(folder, "*.py")],
                     templates_fingerprint(inputs.template_dirs), repr(inputs.settings), self.use_store(store),
                     self._charts_named(inputs.content))
        slot = self._slots.get("charts")
        if slot is None or slot.key != key:
            self.stats.stages_rerun.append("charts")
            slot = self._slots["charts"] = _Slot(key, load_charts(inputs, store), (store,))
        return _copy_lists(slot.value)

    def _charts_named(self, content: dict[Path, str]) -> list[str]:
        """The charts the pages embed (charts.charts_named_in), looked for again only in the files that changed."""
        from .charts import charts_named_in

        known, names = self._chart_names, set()
        for path, text in content.items():
            entry = known.get(path)
            if entry is None or (entry[0] is not text and entry[0] != text):
                entry = known[path] = (text, frozenset(charts_named_in({path: text})))
            names |= entry[1]
        for path in known.keys() - content.keys():
            del known[path]
        return sorted(names)

    def use_store(self, store: FactStore) -> int:
        """Note the store this build works from; returns its serial (the same while it is the same object)."""
        if store is not self._store:
            self._store, self.store_serial, self._fingerprints = store, next(_serials), {}
        return self.store_serial

    def store_digest(self, store: FactStore) -> Digest:
        """A fingerprint of the whole store, computed once per store: what the generated pages list, compared by
        content, so that it also matches a cache read from disk."""
        self.use_store(store)
        if ("*", "*") not in self._fingerprints:
            self._fingerprints["*", "*"] = record_fingerprint(store)
        return self._fingerprints["*", "*"]

    def fingerprint(self, store: FactStore, kind: str, record_id: str) -> Digest | None:
        """The fingerprint of store.facts/sources/series[record_id], computed once per store."""
        self.use_store(store)
        key = (kind, record_id)
        if key not in self._fingerprints:
            table = getattr(store, kind)  # "*": the whole table, e.g. every claim with every source it quotes
            self._fingerprints[key] = record_fingerprint(table if record_id == "*" else table.get(record_id))
        return self._fingerprints[key]


def templates_fingerprint(template_dirs: tuple[Path, ...]) -> Digest:
    """Every template file's name and content, in search order: a change to any of them changes this."""
    parts = []
    for folder in template_dirs:
        for path in files_under(folder, "*"):
            parts.append((str(path), path.read_bytes()))
    return digest(parts)


def _argument_key(argument: Any) -> Any:
    if isinstance(argument, (str, bytes, int, float, type(None), Path)):
        return argument
    if isinstance(argument, dict) and all(isinstance(v, (str, bytes)) for v in argument.values()):
        return {str(k): v for k, v in argument.items()}
    if isinstance(argument, tuple) and all(isinstance(v, (str, Path)) for v in argument):
        return [str(v) for v in argument]
    return f"object {id(argument)}"  # compared by identity; the slot keeps the object alive


def _copy_lists(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, tuple):
        return tuple(_copy_lists(item) for item in value)
    return value


@dataclass
class _MarkdownEntry:
    serial: int  # new for every conversion: template keys use it in place of the HTML itself
    source_text: str  # the file text the page came from: the same object means the same body
    body: Digest
    kinds: tuple  # (kind, id) of every fact, source and chart the conversion looked up
    dependencies: Digest  # their fingerprints then
    checked_against: tuple[int, Digest]  # (store serial, charts key) the dependencies were last checked against
    html: str
    toc: list
    references: list[Reference]
    facts_used: list[str]
    charts_used: list[str]
    calculations: list[str]
    mentions: tuple[list, list]  # the unknown ids and bare numbers found, to place their problems again
    citations: Digest  # what the sources and data pages list of this page: the facts, sources and charts it uses


class MarkdownCache:
    """Each page's converted Markdown, one entry per source file."""

    def __init__(self, owner: BuildCache) -> None:
        self.owner = owner
        self._entries: dict[Path, _MarkdownEntry] = {}
        self._seen: set[Path] = set()
        self._charts: tuple[dict, Digest] | None = None

    def start_build(self) -> None:
        self._seen = set()
        self._charts = None

    def finish_build(self) -> bool:
        gone = set(self._entries) - self._seen
        for path in gone:
            del self._entries[path]
        return bool(gone)

    def serial(self, page: Page) -> int | None:
        """The serial of the conversion that filled this page in the build under way."""
        entry = self._entry(page)
        return entry.serial if entry is not None else None

    def citations(self, page: Page) -> Digest:
        """A key of the facts, sources and charts the page uses: all that the sources and data pages show of it."""
        entry = self._entry(page)
        return entry.citations if entry is not None else digest(
            page.facts_used, repr(page.references), page.charts_used)

    def _entry(self, page: Page) -> _MarkdownEntry | None:
        entry = self._entries.get(page.source_path)
        return entry if entry is not None and page.source_path in self._seen and entry.html is page.html else None

    def restore(self, page: Page, store: FactStore, chart_html: dict[str, str]) -> tuple[list, list] | None:
        """Fill the page from the cache and return its mentions, or None if it must be converted again."""
        self._seen.add(page.source_path)
        entry = self._entries.get(page.source_path)
        if entry is None:
            return None
        if entry.source_text is not page.source_text:
            if entry.body != digest(page.body):
                return None
            entry.source_text = page.source_text  # e.g. the front matter changed: same body, same HTML
        against = (self.owner.use_store(store), self._charts_key(chart_html))
        if entry.checked_against != against:
            if entry.dependencies != self._dependencies(entry.kinds, store, chart_html):
                return None
            entry.checked_against = against
        page.html, page.toc, page.references = entry.html, entry.toc, entry.references
        page.facts_used, page.charts_used, page.calculations = entry.facts_used, entry.charts_used, entry.calculations
        return entry.mentions

    def remember(self, page: Page, mentions: tuple[list, list], store: FactStore, chart_html: dict[str, str]) -> None:
        self.owner.stats.markdown_rendered += 1
        kinds = tuple(sorted(
            {("facts", fact_id) for fact_id in page.facts_used}
            | {("sources", store.facts[fact_id].source_id) for fact_id in page.facts_used
               if fact_id in store.facts and store.facts[fact_id].source_id}
            # a derived fact's card shows its inputs' values
            | {("facts", input_id) for fact_id in page.facts_used if fact_id in store.facts
               and store.facts[fact_id].derived for input_id in store.facts[fact_id].derived.inputs}
            | {("sources", reference.source_id) for reference in page.references}
            | {("charts", name) for name in page.charts_used}
            | {({"fact": "facts", "source": "sources", "chart": "charts"}[m.kind], m.name) for m in mentions[0]
               if m.kind in ("fact", "source", "chart")}
            | {("sources", m.name.split("#")[0]) for m in mentions[0] if m.kind == "excerpt"}
            | ({("claims", "*"), ("sources", "*")} if 'class="claims' in page.html else set())))
        self._entries[page.source_path] = _MarkdownEntry(
            next(_serials), page.source_text, digest(page.body), kinds,
            self._dependencies(kinds, store, chart_html), (self.owner.use_store(store), self._charts_key(chart_html)),
            page.html, page.toc, page.references, page.facts_used, page.charts_used, page.calculations, mentions,
            digest(page.facts_used, repr(page.references), page.charts_used))

    def _dependencies(self, kinds: tuple, store: FactStore, chart_html: dict[str, str]) -> Digest:
        values = []
        for kind, name in kinds:
            if kind == "charts":
                values.append(chart_html.get(name))
            else:
                values.append(self.owner.fingerprint(store, kind, name))
        return digest(values)

    def _charts_key(self, chart_html: dict[str, str]) -> Digest:
        if self._charts is None or self._charts[0] is not chart_html:
            self._charts = (chart_html, digest(sorted(chart_html.items())))
        return self._charts[1]


class TemplateCache:
    """Each output page's HTML, one entry per site-relative path.

    Keys are plain tuples, compared field by field: at a thousand pages a build, hashing each key would cost
    more than the one page a Markdown edit renders.
    """

    def __init__(self, owner: BuildCache) -> None:
        self.owner = owner
        self.templates_key: Digest = b""  # set by BuildCache.environment for the build under way
        self._entries: dict[str, tuple[tuple, bytes]] = {}
        self._seen: set[str] = set()
        self._site_keys: tuple[Any, Digest, Digest, dict] | None = None

    def start_build(self) -> None:
        self._seen = set()
        self._site_keys = None

    def finish_build(self) -> bool:
        gone = set(self._entries) - self._seen
        for url in gone:
            del self._entries[url]
        return bool(gone)

    def key(self, template_name: str, context: dict, view) -> tuple:
        navigation, whole_site, short = self._view_keys(view)
        page = context["page"]
        if isinstance(page, Page):  # a chapter: its own fields and Markdown, its neighbours
            serial = self.owner.markdown.serial(page)
            rendered = serial if serial is not None else digest(
                page.html, repr(page.toc), repr(page.references), page.facts_used, page.charts_used)
            return (self.templates_key, template_name, navigation, short(page), rendered,
                    short(context.get("previous")), short(context.get("next")))
        return (self.templates_key, template_name, navigation, whole_site, short(page))

    def get(self, url: str, key: tuple) -> bytes | None:
        self._seen.add(url)
        entry = self._entries.get(url)
        if entry is not None and entry[0] == key:
            self.owner.stats.pages_reused += url.endswith(".html")
            return entry[1]
        return None

    def put(self, url: str, key: tuple, html: bytes) -> None:
        self.owner.stats.pages_rendered += url.endswith(".html")  # not robots.txt, sitemap.xml
        self._entries[url] = (key, html)

    def _view_keys(self, view) -> tuple[Digest, Digest, Callable]:
        """Keys of what every page shows (settings, navigation), of what the generated pages list, and each
        page's short fields (computed once per build)."""
        if self._site_keys is None or self._site_keys[0] is not view:
            # Every page, and the generated pages: on a large site the navigation lists only some of them.
            fields_of = {id(item): _navigation_fields(item) for item in (*view.pages, *view.nav)}
            navigation = digest(repr(view.settings), [fields_of[id(item)] for item in view.nav])
            citations = self.owner.markdown.citations
            whole_site = digest(self.owner.store_digest(view.store),
                                [(fields_of[id(page)], citations(page)) for page in view.pages],
                                sorted(view.chart_html.items()))
            self._site_keys = (view, navigation, whole_site, fields_of)
        _, navigation, whole_site, fields_of = self._site_keys

        def short(item):
            return None if item is None else fields_of.get(id(item)) or _navigation_fields(item)

        return navigation, whole_site, short


_PAGE_TEXT_FIELDS = {"source_path", "source_text", "body", "body_offset", "html"}  # covered by the Markdown key
_SHORT_FIELDS: dict[type, tuple[str, ...]] = {}


def _navigation_fields(item) -> tuple | None:
    """The short fields of a page (slug, title, nav title, summary, order…): what a nav or pager shows."""
    if item is None:
        return None
    names = _SHORT_FIELDS.get(type(item))
    if names is None:
        sample = [(f.name, getattr(item, f.name)) for f in fields(item)] if is_dataclass(item) else []
        names = _SHORT_FIELDS[type(item)] = tuple(
            name for name, value in sample if isinstance(value, (str, int)) and name not in _PAGE_TEXT_FIELDS)
    return (type(item).__name__, *(getattr(item, name) for name in names)) if names else (repr(item),)


def cache_header(settings) -> str:
    """What a kept cache was made for: this engine, its libraries and the site's settings."""
    return f"{CACHE_FORMAT}\n{engine_version()}\n{settings!r}"


def load_build_cache(disk, settings) -> BuildCache:
    """The cache kept by the last good `python build.py` of this site, or an empty one."""
    cache = BuildCache()
    stored = disk.get(_CACHE_FILE)
    header = cache_header(settings).encode("utf-8")
    if stored is None or not stored.startswith(header + b"\n\n"):
        return cache
    body = stored[len(header) + 2:]
    try:
        digest_written, kept = body[:64].decode("ascii"), body[64:]
        if hashlib.sha256(kept).hexdigest() != digest_written:
            return cache
        markdown, templates, gate = pickle.loads(kept)
        if not (isinstance(markdown, dict) and isinstance(templates, dict) and isinstance(gate, GateMemory)):
            return cache
    except Exception:  # noqa: BLE001 -- a damaged file of any kind means a full build, never a wrong page
        return cache
    cache.markdown._entries, cache.templates._entries, cache.gate = markdown, templates, gate
    cache.loaded = True
    return cache


def save_build_cache(disk, settings, cache: BuildCache) -> None:
    """Keep the cache of a good build; nothing is written when the build reused every page."""
    if cache.loaded and not (cache.stats.markdown_rendered or cache.stats.pages_rendered or cache.pruned):
        return
    kept = pickle.dumps((cache.markdown._entries, cache.templates._entries, cache.gate),
                        protocol=pickle.HIGHEST_PROTOCOL)
    disk.put(_CACHE_FILE, cache_header(settings).encode("utf-8") + b"\n\n"
             + hashlib.sha256(kept).hexdigest().encode("ascii") + kept)


_CACHE_FILE = "build-cache.pickle"
