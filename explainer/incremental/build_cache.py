"""What the build keeps between builds, so that a change rebuilds only what it affects: in memory in the preview
server, and on disk (ROOT/.cache/build/) for `python build.py`, which loads it before a build and saves it after
a good one (load_build_cache, save_build_cache).

pipeline.build(inputs, BuildEffects(memo=cache)) runs every stage as usual; each stage asks the cache first:

- whole-stage results (the fact store, its checks, the downloads) are reused while their arguments are the
  same: equal text for the data files, the very same FactStore object for the stages that take one;
- the pages read from content/ are reused, and a file parsed again, while only its body changed;
- the charts are reused while the chart modules, the templates, the settings and the fact store are the same;
- each edition (site_folder/editions.py) keeps its own: a stage's results are kept by their arguments, which
  carry the edition's language, settings, content and fact store, so the editions of one build never evict
  each other's; what the last build did not ask for is forgotten (BuildCache.finish_build);
- each page's Markdown, and each file rendered from a template, is kept with what making it read (incremental/reads.py:
  every field of a fact, source, page, the settings or the site view, every id looked up in a table), and
  reused while its text or template and context are the same and each of those reads, made again on the new
  build's records, gives the same answer. Nothing here says what a template or a page depends on: a site
  template that prints a fact, or an output that lists every page's HTML, is kept with exactly those reads.

Without a cache (`--no-cache`, check's first build) every stage simply runs; both paths give the same bytes
(tests/test_incremental_equals_clean.py).

On disk the Markdown and template entries and the output gate's scans are kept as one index, written through
the content-addressed store (incremental/disk_store.py: checked when read), under a header naming this engine (its code and
libraries) and the site's settings, and read back by kept_pickle.load_tuple, which rebuilds only plain data and the
engine's records: a damaged, foreign or crafted file means a full build, never a wrong page or code run.
The index holds each entry's key and reads; the values themselves (a page's Markdown output, a file's bytes,
a scan's URLs) are written to a pack file as they are made and read back only when reused
(incremental/kept_values.py), so that a build's memory does not grow with the site. The preview keeps them in
memory (kept_values.InMemory).
What is keyed by the identity of objects of one process (whole-stage results) is not kept on disk, but for the
fact store as loaded, which is keyed by its data files' text (BuildCache.kept_on_disk).
"""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Callable

import jinja2

from . import kept_pickle
from .disk_store import content_key, engine_version
from .kept_values import InMemory, PackedValues, Place, Stored
from .read_index import ReadIndex
from ..store.facts import STORE_TABLES, FactStore
from ..store.loading import load_fact_store
from ..site_folder.inputs import TemplateFolder
from ..prose.markdown_pool import Converted, Converter, convert_pages
from ..publish.output_gate import GateMemory
from ..site_folder.pages import Page
from .reads import (Fingerprints, ImmutableMemo, Reads, Recorded, RecordedMapping, Registry, Unrecordable, recording,
                    same_objects, still_remembered, still_valid, unkeepable)
from ..render.share_images import render_cards
from ..render.templates import LOADS_SEPARATOR, VIEW_MAPPINGS, RecordingEnvironment, TemplateSets, make_environment

Digest = bytes
CACHE_FORMAT = "build-cache-9"  # part of the file's header: change it when what is kept changes shape


def digest(*parts: Any) -> Digest:
    """A short content hash of values made of str, bytes, numbers, None, tuples, lists and dicts.

    Hashes their repr: exact for these types, and computed in C.
    """
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


TEMPLATES_TOKEN = "map:templates"  # the texts of the templates, by the names a rendering loaded (TemplateSets)


@dataclass
class BuildStats:
    """What the last build did, for the preview server's log line."""

    markdown_rendered: int = 0  # pages whose Markdown was converted again
    slots_refilled: int = 0  # pages kept from their last conversion with their facts' values and cards written again
    pages_rendered: int = 0  # HTML files rendered again from the templates
    pages_reused: int = 0
    stages_rerun: list[str] = field(default_factory=list)  # whole stages that ran again (fact store, downloads…)


@dataclass
class _Slot:
    key: Digest
    value: Any
    keep_alive: tuple = ()  # the arguments whose identity is part of the key, kept so ids are not reused
    reads: Reads | None = None  # what making it read of the store, where that and not the store's identity keys it


class BuildCache:
    """The preview server's memory between builds. Used by one thread at a time."""

    def __init__(self, values: InMemory | PackedValues | None = None) -> None:
        """values: where the Markdown and template entries' values and the gate's scans are kept (kept_values.py);
        in memory unless given."""
        self.stats = BuildStats()
        self.values = values if values is not None else InMemory()
        self.markdown = MarkdownCache(self, self.values)
        self.templates = TemplateCache(self, self.values)
        self._slots: dict[str, dict[Digest, _Slot]] = {}  # function → its results by their arguments' key
        self._asked: dict[str, set[Digest]] = {}  # function → the keys this build asked for
        self._environment: tuple[Digest, jinja2.Environment, RecordedMapping] | None = None
        self._templates: tuple[tuple[TemplateFolder, ...], Digest] | None = None  # the last templates and their key
        # One reading of content/ per edition, by its files' paths (each edition's are its own folder's).
        self._pages: dict[frozenset[Path], tuple[dict[Path, str], list[Page], list]] = {}
        self._pages_asked: set[frozenset[Path]] = set()
        self._chart_names: dict[Path, tuple[str, frozenset[str]]] = {}  # every edition's content files
        self._chart_names_asked: set[Path] = set()
        self.lasting = ImmutableMemo()  # fingerprints of what never changes, kept from build to build
        self.fingerprints = Fingerprints(self.lasting)  # of the values read in the build under way (incremental/reads.py)
        self.gate = GateMemory(values=self.values)  # the output gate's scans and verdicts, by each built file's bytes
        self.pictures = PictureCache()  # the cards' PNGs; in memory only
        # The preview's: every page's HTML unpacked once, not at each rebuild's templates (site_folder/pages.py).
        self.unpacked_html = ImmutableMemo() if isinstance(self.values, InMemory) else None
        self._evidence: dict[str, tuple[FactStore, dict]] = {}  # by language: a store and its facts' evidence
        self._evidence_asked: set[str] = set()
        self._lists: dict[str, dict[str, list]] = {}  # kept_lists: by name, the last build's lists
        self._lists_asked: set[str] = set()
        self.loaded = False  # read from disk (load_build_cache)
        self.pruned = False  # the last good build forgot pages the site no longer has

    def start_build(self) -> None:
        self.stats = BuildStats()
        self._asked, self._pages_asked, self._chart_names_asked = {}, set(), set()
        self._evidence_asked, self._lists_asked = set(), set()
        self.lasting.next_build()
        self.fingerprints = Fingerprints(self.lasting)
        self.markdown.start_build()
        self.templates.start_build()
        self.pictures.start_build()
        if self.unpacked_html is not None:
            self.unpacked_html.next_build()

    def finish_build(self, succeeded: bool) -> None:
        """After a good build, forget pages it no longer has (a deleted page must not stay in memory).

        A failed build stops before the templates, so it has seen no output page: it must not prune. Of the
        stages' results (reuse, charts, pages), those a stage asked for stay, and the others it held go,
        whatever the outcome: every build asks each stage once per edition, so a run of failed edits keeps no
        more than a good build does.
        """
        for name, asked in self._asked.items():
            slots = self._slots[name]
            for key in slots.keys() - asked:
                del slots[key]
        for lane in self._pages.keys() - self._pages_asked:
            del self._pages[lane]
        for path in self._chart_names.keys() - self._chart_names_asked:
            del self._chart_names[path]
        if succeeded:
            for language in self._evidence.keys() - self._evidence_asked:  # an edition no longer built
                del self._evidence[language]
            for name in self._lists.keys() - self._lists_asked:
                del self._lists[name]
            self.pruned = self.markdown.finish_build() | self.templates.finish_build()
            self.pictures.finish_build()

    def convert_pages(self, pages: list[Page], store: FactStore, charts: RecordedMapping) -> list[Converted]:
        """The Markdown stage's conversion, reusing each page's kept result while it still holds (MarkdownCache)."""
        return self.markdown.convert_pages(pages, store, charts)

    def render_file(self, url: str, template_name: str, context: dict, view, make: Callable[[], str]) -> bytes:
        """One file from its template, reused while it still holds (TemplateCache)."""
        return self.templates.render_file(url, template_name, context, view, make)

    def render_cards(self, cards: dict[str, str], store) -> tuple[dict[str, bytes], list]:
        """The cards' PNGs, kept in memory by their SVG: a rebuild reads no card from disk again."""
        return self.pictures.render_cards(cards, store)

    def kept_on_disk(self) -> dict[Digest, Any]:
        """The whole-stage results worth keeping on disk (save_build_cache): the fact store as loaded, by its data
        files' text, which every build in a new process would otherwise parse and validate again (0.1 s)."""
        return {key: slot.value for key, slot in self._slots.get(_stage_name(load_fact_store), {}).items()}

    def take_from_disk(self, results: dict[Digest, Any]) -> None:
        """Take what kept_on_disk gave, read back by load_build_cache."""
        self._slots[_stage_name(load_fact_store)] = {key: _Slot(key, value) for key, value in results.items()}

    def reuse(self, function: Callable, *arguments: Any):
        """function(*arguments), or its result from the previous call if the arguments are unchanged.

        Text arguments (dicts and tuples of paths and strings) are compared by content, other objects by
        identity. One result is kept per function and arguments, so per edition (its language, its fact store),
        until a build no longer asks for it. Lists in the result are copied, because the pipeline extends its
        problem lists in place.
        """
        key = digest([_argument_key(argument) for argument in arguments])
        return self._kept(_stage_name(function), key, function.__name__,
                          lambda: _Slot(key, function(*arguments), tuple(arguments)))

    def _kept(self, name: str, key: Digest, stage: str, make: Callable[[], _Slot],
              usable: Callable[[_Slot], bool] = lambda slot: True):
        """The result kept for name under key while usable(its slot), or make()'s, kept there; noted as asked for by
        this build."""
        slots = self._slots.setdefault(name, {})
        self._asked.setdefault(name, set()).add(key)
        slot = slots.get(key)
        if slot is None or not usable(slot):
            self.stats.stages_rerun.append(stage)
            slot = slots[key] = make()
        return _copy_lists(slot.value)

    def evidence_memo(self, store: FactStore) -> dict:
        """The site view's memo of each fact's evidence (render/templates.py SiteView.evidence), the same dict for
        every build of this fact store (the same object: a store never changes once loaded), so a Markdown edit
        renders no fact's evidence again; each entry keeps the reads that made it, handed to every page that shows
        it (reads.remembered). One per edition (its store's language). With a new store (a data file edited), an
        entry is kept while what making it read gives the same answers in the new store, checked as a kept page
        is (still_valid)."""
        self._evidence_asked.add(store.language)
        kept = self._evidence.get(store.language)
        if kept is None:
            kept = self._evidence[store.language] = (store, {})
        elif kept[0] is not store:
            registry, checked = store_registry(store, []), {}
            kept = self._evidence[store.language] = (store, still_remembered(
                kept[1], lambda reads: still_valid(reads, registry, self.fingerprints, checked)))
        return kept[1]

    def kept_lists(self, name: str, lists: dict[str, list]) -> dict[str, list]:
        """lists (key → a list of records), each list that holds the very objects, in order, of the list kept under
        name and key replaced by that one: the same object build after build, whose fingerprint is worked out once
        (ImmutableMemo.adopt). The preview asks every build again what each file read of the site view's lists of the
        pages that show each fact or cite each source (read_index.py: the view is made afresh); hashing them again
        cost 7 ms of every edit at 1,000 pages. The lists are never changed once made."""
        self._lists_asked.add(name)
        before = self._lists.get(name, {})
        kept = {}
        for key, value in lists.items():
            old = before.get(key)
            kept[key] = old if old is not None and same_objects(old, value) else value
            self.lasting.adopt(kept[key])
        self._lists[name] = kept
        return kept

    def pages_rendered(self) -> None:
        """The templates are done with this build's pages. A cache kept on disk lets go of the long texts it knew by
        identity (every page's HTML: 13 MB packed at 4,000 pages): the next build that could use them is another process.
        The preview's keeps them for its next rebuild."""
        if isinstance(self.values, PackedValues):
            self.lasting.forget_texts()

    def environment(self, templates: tuple[TemplateFolder, ...]) -> jinja2.Environment:
        """The Jinja2 environment, kept while no template changes, so compiled templates are reused.

        A new environment whenever any template file changes: a changed file may be one a site template now
        overrides, or one another includes.
        """
        fingerprint = self._templates_key(templates)
        if self._environment is None or self._environment[0] != fingerprint:
            self.stats.stages_rerun.append("templates")
            environment = make_environment(templates)
            self._environment = (fingerprint, environment, RecordedMapping(TEMPLATES_TOKEN, TemplateSets(environment)))
        self.templates.environment, self.templates.sources = self._environment[1:]
        return self._environment[1]

    def pages(self, read_pages: Callable, content: dict[Path, str]) -> tuple[list[Page], list]:
        """read_pages(content), parsing again only the files that changed, when only their bodies changed.

        When every file is there as before and a changed file's front matter (so its place in the order and
        its slug) is as before, the list is the previous one with that page replaced; otherwise, and whenever
        a file has problems, the whole folder is read again. Reading a thousand files' front matter would
        cost more than the rest of a Markdown edit's rebuild. Each edition's reading is kept apart, found by its
        files' paths (content/*.md, content/ko/*.md): a file added or removed is a new reading anyway.
        """
        lane = frozenset(content)
        self._pages_asked.add(lane)
        last = self._pages.get(lane)
        if last is not None:
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
                self._pages[lane] = (dict(content), pages, problems)
                return list(pages), list(problems)
        self.stats.stages_rerun.append("read_pages")
        pages, problems = read_pages(content)
        self._pages[lane] = (dict(content), pages, problems)
        return list(pages), list(problems)

    def charts(self, load_charts: Callable, inputs, store: FactStore):
        """load_charts(inputs, store), reused while what it reads is the same: the chart modules, the
        templates, the site's settings (its chart colours and font) and the names of the charts the pages embed,
        by their text; and the fact store: the same object, or another of which the stage reads the same (its
        own reads, recorded as it made the charts, and each module's, which key its kept result:
        ChartSet.modules_read_the_same), so that a fact edit no chart reads runs no chart stage.

        Running the chart modules and building their figures costs tens of milliseconds per chart even when
        vl-convert's pictures come from the disk cache: too much to repeat for a Markdown edit, or for a fact
        edit (45 ms of the project's). Kept per edition: its settings (language, url) are in the key.
        """
        key = digest(str(inputs.root), sorted((str(path), text) for path, text in inputs.chart_modules.items()),
                     self._templates_key(inputs.templates), repr(inputs.settings), self._charts_named(inputs.content))

        def made() -> _Slot:
            with recording(self.fingerprints) as recorder:
                charts = load_charts(inputs, store)
            return _Slot(key, charts, (store,), None if recorder.unrecordable else recorder.reads)

        def usable(slot: _Slot) -> bool:
            if slot.keep_alive[0] is not store:
                charts, _ = slot.value
                if slot.reads is None or not charts.modules_read_the_same(store) or not still_valid(
                        slot.reads, store_registry(store, [inputs.settings]), self.fingerprints, {}):
                    return False
                slot.keep_alive = (store,)
            return True

        return self._kept("charts", key, "charts", made, usable)

    def _templates_key(self, templates: tuple[TemplateFolder, ...]) -> Digest:
        """templates_fingerprint, worked out once for each reading of the templates (the charts and the
        environment both key by it; read_inputs makes a new tuple whenever it reads a template again)."""
        if self._templates is None or self._templates[0] is not templates:
            self._templates = (templates, templates_fingerprint(templates))
        return self._templates[1]

    def _charts_named(self, content: dict[Path, str]) -> list[str]:
        """The charts the pages embed (charts.charts_named_in), looked for again only in the files that changed."""
        from ..charts import charts_named_in

        known, names = self._chart_names, set()
        self._chart_names_asked |= content.keys()  # the files of every edition: finish_build forgets the others
        for path, text in content.items():
            entry = known.get(path)
            if entry is None or (entry[0] is not text and entry[0] != text):
                entry = known[path] = (text, frozenset(charts_named_in({path: text})))
            names |= entry[1]
        return sorted(names)


def _stage_name(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def templates_fingerprint(templates: tuple[TemplateFolder, ...]) -> Digest:
    """Every template file's name and content, in search order: a change to any of them changes this."""
    return digest([(str(folder.folder), sorted(folder.files.items())) for folder in templates])


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


# The fields of a page's converted Markdown that never change once made, so that their fingerprints last from build
# to build: its HTML, and the lists the memo hands to every build unchanged.
LASTING = ("packed_html", "toc", "references", "facts_used", "charts_used", "calculations")


@dataclass
class _MarkdownEntry:
    body: object  # what the page's body is known by (MarkdownCache._body_key): the text converted
    reads: Reads  # what converting it read of the store and the charts
    converted: Place  # where what converting it gave is kept; on disk without its reads and slot reads: here
    slot_reads: Reads  # what its facts' values and cards read (prose/fact_slots.py): when it changes, written again
    # On disk, the fingerprints of its LASTING fields as made: a build in a new process reads them back with the
    # values rather than hashing every page's HTML and lists again (reads.ImmutableMemo.known).
    lasting: tuple = ()


class _KeptEntries:
    """Entries kept from build to build, one per file, with this build's registry of records to check their
    reads against; an entry no build has asked for since the last good one is forgotten. Each entry's value is
    kept in values (kept_values.py), its key and reads here."""

    def __init__(self, owner: BuildCache, values: InMemory | PackedValues) -> None:
        self.owner, self.values = owner, values
        self._entries: dict = {}
        self._seen: set = set()
        self._registry = None
        self._checked: dict = {}  # reads made again in this build, shared by every entry checked

    def start_build(self) -> None:
        self._seen = set()
        self._registry, self._checked = None, {}

    def finish_build(self) -> bool:
        gone = set(self._entries) - self._seen
        for name in gone:
            del self._entries[name]
        return bool(gone)


class MarkdownCache(_KeptEntries):
    """Each page's converted Markdown, one entry per source file (its path), kept with what the conversion read."""

    def __init__(self, owner: BuildCache, values: InMemory | PackedValues) -> None:
        super().__init__(owner, values)
        # Each edition's converter (by its language) with the store and the charts' figures it converts with; an
        # edition the last good build did not convert is forgotten (finish_build).
        self._converters: dict[str, tuple[FactStore, Any, Converter, int]] = {}
        self._languages: set[str] = set()
        # Which store and charts' figures an entry's reads were last found to hold for (or made with): the same
        # objects, which never change once made, give the same answers, so a Markdown edit checks no other page's
        # reads again (20 ms at 1,000 pages). An epoch is a number given each time an edition's store or figures
        # change (a pair that comes back gets a new one), never reused; in memory only, so an entry read from disk is
        # always checked.
        self._epochs = itertools.count(1)
        self._valid_in: dict[Path, int] = {}

    def start_build(self) -> None:
        super().start_build()
        self._languages = set()

    def finish_build(self) -> bool:
        for language in self._converters.keys() - self._languages:
            del self._converters[language]
        gone = super().finish_build()
        self._valid_in = {path: epoch for path, epoch in self._valid_in.items() if path in self._entries}
        return gone

    def convert_pages(self, pages: list[Page], store: FactStore, charts: RecordedMapping) -> list[Converted]:
        """markdown_pool.convert_pages, reusing what converting a page gave last time while its body and what
        the conversion read are the same."""
        # What this build's conversions read: the kept reads are made again on these.
        self._registry, self._checked = store_registry(store, [charts]), {}
        converter, epoch = self._converter(store, charts)
        results = {id(page): self._restore(page, converter, epoch) for page in pages}
        waiting = [page for page in pages if results[id(page)] is None]
        for page, converted in zip(waiting, convert_pages(waiting, store, charts, converter)):
            results[id(page)] = converted
            # Unpickled from a worker: each page's copy of the same reads, shared.
            converted.reads, converted.slot_reads = self._shared(converted.reads), self._shared(converted.slot_reads)
            if not converted.too_deep:
                self.owner.stats.markdown_rendered += 1
                self._remember(page, converted, epoch)
        for converted in results.values():  # handed to every build unchanged: their fingerprints can last
            for name in LASTING[1:]:
                self.owner.lasting.adopt(getattr(converted, name))
        return [results[id(page)] for page in pages]

    def _converter(self, store: FactStore, charts: RecordedMapping) -> tuple[Converter, int]:
        """The converter of the last build of this edition while its charts' figures are the same object (they never
        change once made): its Markdown instance and the values and cards it made once per fact (prose/fact_slots.py) serve
        the next edit's pages. A chapter with 40 cards converts in 11 ms rather than 19. With another fact store
        (a data file edited), a card is kept while what making it read gives the same answers in the new store,
        checked as a kept page is (still_valid). With the epoch of this store and these figures."""
        figures = charts._data if isinstance(charts, RecordedMapping) else charts
        self._languages.add(store.language)
        kept = self._converters.get(store.language)
        if kept is None or kept[1] is not figures:
            kept = self._converters[store.language] = (store, figures, Converter(store, charts), next(self._epochs))
        elif kept[0] is not store:
            registry, fingerprints, checked = self._registry, self.owner.fingerprints, self._checked
            kept[2].serve(store, charts, lambda reads: still_valid(reads, registry, fingerprints, checked))
            kept = self._converters[store.language] = (store, figures, kept[2], next(self._epochs))
        return kept[2], kept[3]

    def _shared(self, reads: Reads | None) -> Reads | None:
        if reads is None:
            return None
        shared = self.owner.fingerprints.shared
        return {shared(read): shared(fingerprint) for read, fingerprint in reads.items()}

    def _restore(self, page: Page, converter: Converter, epoch: int) -> Converted | None:
        """What converting the page gave last time, if its body and everything the conversion read are the same;
        its facts' values and cards written again if what they read is not (prose/fact_slots.py). epoch: of the
        store and figures converted with (_valid_in)."""
        self._seen.add(page.source_path)
        entry = self._entries.get(page.source_path)
        if entry is None or entry.body != self._body_key(page) or self._registry is None:
            return None
        known_valid = self._valid_in.get(page.source_path) == epoch
        if not known_valid and not still_valid(entry.reads, self._registry, self.owner.fingerprints, self._checked):
            return None
        kept = self.values.get(entry.converted)
        if not isinstance(kept, Converted):  # its pack is damaged or gone
            return None
        if not known_valid and not still_valid(entry.slot_reads, self._registry, self.owner.fingerprints,
                                               self._checked):
            # With its reads (kept on disk without them), which refill leaves out of the slots' own.
            refilled = converter.refill(dataclasses.replace(kept, reads=entry.reads))
            refilled.slot_reads = self._shared(refilled.slot_reads)
            self.owner.stats.slots_refilled += 1
            self._remember(page, refilled, epoch)
            return refilled
        # Only now: a build that raised while the slots were checked or written again leaves the entry to be checked.
        self._valid_in[page.source_path] = epoch
        if isinstance(self.values, InMemory):  # kept as it was made
            return kept
        converted = dataclasses.replace(kept, reads=entry.reads, slot_reads=entry.slot_reads)
        if len(entry.lasting) == len(LASTING):
            for name, fingerprint in zip(LASTING, entry.lasting):
                self.owner.lasting.known(getattr(converted, name), fingerprint)
        return converted

    def _remember(self, page: Page, converted: Converted, epoch: int) -> None:
        """Keep what converting the page gave (or its slots written again), with its reads, found to hold in epoch."""
        if converted.reads is not None and converted.slot_reads is not None:  # None: a read that cannot be recorded
            in_memory = isinstance(self.values, InMemory)  # then the same objects go to every build
            # On disk, the reads are in the entry.
            kept = converted if in_memory else dataclasses.replace(converted, reads=None, slot_reads=None)
            self._entries[page.source_path] = _MarkdownEntry(
                self._body_key(page), converted.reads, self.values.put(kept), converted.slot_reads,
                () if in_memory else self._lasting_fingerprints(converted))
            self._valid_in[page.source_path] = epoch
        else:
            self._entries.pop(page.source_path, None)

    def _body_key(self, page: Page) -> tuple:
        """What the page's body is known by: its whole file (the same text object from build to build, hashed once)
        and where the body starts. The front matter is in it, so an edit to a title converts the page again."""
        return (self.owner.fingerprints.of(page.source_text), page.body_offset)

    def _lasting_fingerprints(self, converted: Converted) -> tuple:
        """The fingerprints of the converted page's LASTING fields, worked out as a read works them out: the
        templates read them of every page, so made now they are made once."""
        for name in LASTING[1:]:
            self.owner.lasting.adopt(getattr(converted, name))
        try:
            return tuple(self.owner.fingerprints.of(getattr(converted, name)) for name in LASTING)
        except Unrecordable:
            return ()


class TemplateCache(_KeptEntries):
    """Each file rendered from a template, by site-relative path: its bytes, kept with the template's key, the
    context it was given and what it read of the site (incremental/reads.py)."""

    def __init__(self, owner: BuildCache, values: InMemory | PackedValues) -> None:
        super().__init__(owner, values)
        # This build's environment, and the texts of the templates each rendering loaded as it finds them
        # (render/templates.TemplateSets), where kept files' reads of them are made again; set by BuildCache.environment.
        self.environment: jinja2.Environment | None = None
        self.sources: Mapping = {}
        # The preview's: which files read what, so that an edit checks only the reads that can have changed
        # (read_index.py). A build of `python build.py` reads its cache from disk: every record is new to it.
        self.index = ReadIndex() if isinstance(values, InMemory) else None
        self._lane = ""  # the edition of the view whose files are being made (its language)
        # key() of the contexts of records and texts, by their identities: this build's and the last one's
        self._context_keys: dict[tuple, tuple[tuple, Digest]] = {}
        self._context_keys_before: dict[tuple, tuple[tuple, Digest]] = {}

    def start_build(self) -> None:
        super().start_build()
        if self._context_keys:  # a build that made no file (it failed early) forgets none
            self._context_keys_before, self._context_keys = self._context_keys, {}
        if self.index is not None:
            self.index.start_build()

    def finish_build(self) -> bool:
        """After a good build."""
        if self.index is not None:
            for name in set(self._entries) - self._seen:
                self.index.forgotten(name, self._entries[name][1])
        gone = super().finish_build()
        if self.index is not None:
            self.index.finish_build(self._entries)
        return gone

    def render_file(self, url: str, template_name: str, context: dict, view, make: Callable[[], str]) -> bytes:
        """make()'s bytes, or the kept ones while the templates, this context and what the last rendering read
        of the site (recorded as it read: incremental/reads.py) are unchanged."""
        html, kept = self._kept_or_made(url, self.key(template_name, context), self._view_registry(view),
                                        lambda: self._made(make))
        if url.endswith(".html"):  # not robots.txt, sitemap.xml
            if kept:
                self.owner.stats.pages_reused += 1
            else:
                self.owner.stats.pages_rendered += 1
        return html

    def _kept_or_made(self, name, key: Digest | None, registry: Registry, make: Callable[[], Any]) -> tuple[Any, bool]:
        """(make()'s value, False), or (the value kept under name, True) while its key is this one and what making
        it read, made again on the registry's records, gives the same answers (or the index says it does). key None:
        nothing is kept."""
        self._seen.add(name)
        entry = self._entries.get(name)
        if key is not None and entry is not None and entry[0] == key:
            verdict = self.index.verdict(self._lane, name) if self.index is not None else None
            if verdict if verdict is not None else still_valid(entry[1], registry, self.owner.fingerprints,
                                                               self._checked):
                kept = self.values.get(entry[2])
                if kept is not None:  # None: its pack is damaged or gone, so it is made again
                    if self.index is not None:
                        self.index.kept(self._lane, name, entry[1])
                    return kept, True
        with recording(self.owner.fingerprints) as recorder:
            made = make()
        if key is not None and not recorder.unrecordable:
            self._entries[name] = (key, self._checked_first(recorder.reads), self.values.put(made))
        else:
            self._entries.pop(name, None)
        if self.index is not None:
            new = self._entries.get(name)
            self.index.replaced(self._lane, name, entry[1] if entry is not None else None,
                                new[1] if new is not None else None)
        return made, False

    def _made(self, make: Callable[[], str]) -> bytes:
        """make()'s bytes, and a recorded read of the templates it loaded: one read for them all, rather than one
        per template, which every kept file's check would go through on every build."""
        if not isinstance(self.environment, RecordingEnvironment):  # not the memo's environment: never kept (key)
            return make().encode("utf-8")
        with self.environment.collect_loads() as names:
            html = make()
        if not names:  # rendered through another environment: what it loaded is unknown, so the file is not kept
            unkeepable()
        else:
            LOADS_SEPARATOR.join(dict.fromkeys(names)) in self.sources  # noqa: B015 -- the read is the point
        return html.encode("utf-8")

    def key(self, template_name: str, context: dict) -> Digest | None:
        """The template's name and the context given besides the site; None if the context holds what cannot be
        fingerprinted (then the file is always rendered). The templates are not in it: those a rendering loads are
        one recorded read (_made), so an edit to sources.html keeps every chapter."""
        if not isinstance(self.environment, RecordingEnvironment):
            return None
        values = tuple(context.values())
        # A chapter's context is its page, its neighbours and its root: records, whose fingerprint in it is their token,
        # which never changes, and texts. Such a context is known by its objects' identities (kept alive here), from
        # build to build: hashing a thousand contexts again cost 6-8 ms of every preview edit.
        by_identity = all(isinstance(value, Recorded) or type(value) is str or value is None for value in values)
        if by_identity:
            memo_key = (template_name, *context, *map(id, values))
            known = self._context_keys.get(memo_key) or self._context_keys_before.get(memo_key)
            if known is not None and same_objects(known[0], values):
                self._context_keys[memo_key] = known
                return known[1]
        try:
            key = digest(template_name, self.owner.fingerprints.of(context))
        except Unrecordable:
            return None
        if by_identity:
            self._context_keys[memo_key] = (values, key)
        return key

    def _checked_first(self, reads: Reads) -> Reads:
        """The read of the templates first: made last (_made), it was checked after a hundred reads of the site by
        every file that a template edit makes again, 60 ms of a corpus template edit."""
        first = {read: fingerprint for read, fingerprint in reads.items()
                 if isinstance(read, tuple) and read[0] == TEMPLATES_TOKEN}
        return {**first, **reads} if first else reads

    def _view_registry(self, view) -> Registry:
        """The registry of this build's view, made once per view, and the view's lane opened in the index."""
        if self._registry is None or self._registry[0] is not view:
            self._registry, self._checked = (view, store_registry(
                view.store, [view, view.settings, self.sources, *(getattr(view, name) for name in VIEW_MAPPINGS)],
                view.pages)), {}
            self._lane = object.__getattribute__(view, "settings").language
            if self.index is not None and not self.index.is_open(self._lane):
                self.index.open_lane(self._lane, view.store, view.pages, self._registry[1], self.owner.fingerprints,
                                     self._checked)
        return self._registry[1]


class PictureCache:
    """Each card's PNG by its SVG, in memory only: the store keeps the PNGs on disk. (Each page's share image is decided
    afresh: the site's card or its chart's PNG, a few microseconds, where a memo checking what deciding it read cost
    ten times that; bench/README.md, issue 19's ninth round.)"""

    def __init__(self) -> None:
        self._pngs: dict[str, bytes] = {}  # content_key of a card's SVG → its PNG
        self._pngs_used: set[str] = set()

    def start_build(self) -> None:
        self._pngs_used = set()

    def finish_build(self) -> None:
        for key in set(self._pngs) - self._pngs_used:
            del self._pngs[key]

    def render_cards(self, cards: dict[str, str], store) -> tuple[dict[str, bytes], list]:
        keys = {path: content_key(svg) for path, svg in cards.items()}
        self._pngs_used |= set(keys.values())
        kept = {path: self._pngs[key] for path, key in keys.items() if key in self._pngs}
        rendered, problems = render_cards({path: svg for path, svg in cards.items() if path not in kept}, store)
        for path, png in rendered.items():
            self._pngs[keys[path]] = png
        return {**kept, **rendered}, problems


def store_registry(store: FactStore, roots: list, pages: list[Page] = ()) -> Registry:
    """Where kept reads are made again: the store, its tables and records, the pages, and other roots (the view,
    the settings, a stage's mappings)."""
    return Registry([store, *(getattr(store, name) for name in STORE_TABLES), *roots],
                    {"fact": store.facts, "source": store.sources, "series": store.series, "claim": store.claims,
                     "page": {str(page.source_path): page for page in pages}})


_PAGE_TEXT_FIELDS = {"source_path", "source_text", "body_offset", "packed_html"}  # covered by the Markdown key
# Filled after read_pages from the edition, not from the file (editions.link_counterparts): a page read again
# has it empty, so comparing it would read the whole folder again on every edit.
_FILLED_LATER = {"edition"}
_SHORT_FIELDS: dict[type, tuple[str, ...]] = {}


def _navigation_fields(item) -> tuple | None:
    """The short fields of a page (slug, title, nav title, summary, order…): what a nav or pager shows."""
    if item is None:
        return None
    names = _SHORT_FIELDS.get(type(item))
    if names is None:
        sample = [(f.name, getattr(item, f.name)) for f in fields(item)] if is_dataclass(item) else []
        names = _SHORT_FIELDS[type(item)] = tuple(
            name for name, value in sample if isinstance(value, (str, int)) and name not in _PAGE_TEXT_FIELDS | _FILLED_LATER)
    return (type(item).__name__, *(getattr(item, name) for name in names)) if names else (repr(item),)


def cache_header(settings) -> str:
    """What a kept cache was made for: this engine, its libraries and the site's settings."""
    return f"{CACHE_FORMAT}\n{engine_version()}\n{settings!r}"


def load_build_cache(disk, settings) -> BuildCache:
    """The cache kept by the last good `python build.py` of this site, or an empty one; either keeps its values
    in disk's folder (kept_values.PackedValues)."""
    cache = BuildCache(PackedValues(disk))
    stored = disk.open(_CACHE_FILE)  # unpickled as it is read: never whole in memory
    if stored is None:
        return cache
    with stored:
        header = cache_header(settings).encode("utf-8") + b"\n\n"
        if stored.read(len(header)) != header:
            return cache
        try:
            markdown, templates, gate, stages = kept_pickle.load_tuple(stored)
            if not (isinstance(markdown, dict) and isinstance(templates, dict) and isinstance(gate, GateMemory)
                    and all(isinstance(entry, _MarkdownEntry) for entry in markdown.values())
                    and isinstance(stages, dict)):
                return cache
        except Exception:  # noqa: BLE001 -- a damaged or refused file of any kind: a full build, never a wrong page
            return cache
    cache.markdown._entries, cache.templates._entries, cache.gate = markdown, templates, gate
    cache.take_from_disk(stages)
    gate.values = cache.values
    # Each pack is checked whole now: the entries whose values are in one that is not are made again.
    bad = cache.values.open_packs(place.pack for place in _places(cache) if isinstance(place, Stored))
    if bad:
        _forget_values_in(cache, bad)
        cache.pruned = True  # saved even if nothing else changes, so that no index names those packs again
    cache.loaded = True
    return cache


def save_build_cache(disk, settings, cache: BuildCache) -> None:
    """Keep the cache of a good build; nothing is written when the build reused every page.

    The values made by this build are already in its pack (kept_values.py); the pack is sealed, with what is
    worth moving from older packs, then the index naming every value is written, then the packs it does not
    name are removed."""
    values = cache.values
    if not isinstance(values, PackedValues):
        return
    if cache.loaded and not (cache.stats.markdown_rendered or cache.stats.slots_refilled or cache.stats.pages_rendered
                             or cache.pruned):
        values.abandon()
        return
    moved = values.seal(_places(cache))
    if moved:
        _relocate(cache, moved)
    kept = (cache.markdown._entries, cache.templates._entries, cache.gate, cache.kept_on_disk())

    def write(file) -> None:  # pickled into the file as it is made, never whole in memory
        file.write(cache_header(settings).encode("utf-8") + b"\n\n")
        kept_pickle.dump_tuple(kept, file)
    disk.put_written(_CACHE_FILE, write)
    values.prune(_places(cache))


def _places(cache: BuildCache) -> list[Place]:
    """Where each value the index names is kept."""
    return [*(entry.converted for entry in cache.markdown._entries.values()),
            *(entry[2] for entry in cache.templates._entries.values()),
            *(urls for urls, _ in cache.gate.scans.values())]


def _forget_values_in(cache: BuildCache, packs: set[str]) -> None:
    """Forget the entries whose values are kept in these packs."""
    def lost(place: Place) -> bool:
        return isinstance(place, Stored) and place.pack in packs
    markdown, templates, gate = cache.markdown._entries, cache.templates._entries, cache.gate
    cache.markdown._entries = {name: entry for name, entry in markdown.items() if not lost(entry.converted)}
    cache.templates._entries = {name: entry for name, entry in templates.items() if not lost(entry[2])}
    gate.scans = {key: scan for key, scan in gate.scans.items() if not lost(scan[0])}


def _relocate(cache: BuildCache, moved: dict[Stored, Stored]) -> None:
    """Name the values copied into the new pack (kept_values.PackedValues.seal) at their new places."""
    for entry in cache.markdown._entries.values():
        entry.converted = moved.get(entry.converted, entry.converted)
    templates = cache.templates._entries
    for name, (key, reads, place) in templates.items():
        templates[name] = (key, reads, moved.get(place, place))
    scans = cache.gate.scans
    for key, (urls, ids) in scans.items():
        scans[key] = (moved.get(urls, urls), ids)


_CACHE_FILE = "build-cache.pickle"
