"""Converting pages' Markdown: one page with the facts extension (convert), and many pages on every core
(convert_all), which is where a large build spends most of its time (Python-Markdown is pure Python).

Each page is converted alone, from its body, the fact store and the charts' figures, with a fresh document
state (Markdown.reset): its result does not depend on the other pages, so converting in worker processes gives
the same bytes, in the same order, as converting one after the other. A pool (explainer/effects/worker_pool.py) pays
for its start (about a tenth of a second, and the store sent once to each worker) only from POOL_MIN_PAGES
pages; below that, and whenever a pool cannot be used, the pages are converted here, one after the other.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
import dataclasses
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension

from .fact_slots import FactSlots, SlotPlaces
from .citations import FactsExtension, Mention
from ..store.facts import FactStore
from ..site_folder.pages import Reference, html_of, pack_html
from ..incremental.reads import Fingerprints, Reads, Recorder, recording
from ..render.words import gettext, speaking
from ..effects.worker_pool import map_in_workers

POOL_MIN_PAGES = 200  # measured on 2 cores: below this, starting the workers costs more than they save


@dataclass
class Converted:
    """What converting one page's body gave: Page's Markdown fields, and what to report."""

    packed_html: bytes = b""  # site_folder/pages.pack_html: packed in the worker, it is a quarter to send back
    toc: list = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    facts_used: list[str] = field(default_factory=list)
    calculations: list[str] = field(default_factory=list)
    charts_used: list[str] = field(default_factory=list)
    claims_cited: list[str] = field(default_factory=list)  # [@claim:…] marks, pointed at their rows afterwards
    claims_shown: list[str] = field(default_factory=list)  # the claims whose rows the page's claims tables show
    unknown: list[Mention] = field(default_factory=list)  # ids the store does not know, markup, misplaced facts
    bare_numbers: list[Mention] = field(default_factory=list)
    too_deep: bool = False  # nested past Python's recursion limit: nothing was converted
    slot_places: SlotPlaces = ()  # where the facts' values and cards are in the HTML (fact_slots.py)
    # What the conversion read of the store and the charts (incremental/reads.py), by which the build cache knows when it
    # may be reused; None when something it read could not be recorded.
    reads: Reads | None = None
    slot_reads: Reads | None = None  # what its slots' contents read, the same way: written again when it changes

    @property
    def html(self) -> str:
        return html_of(self.packed_html)


def make_markdown(store: FactStore, chart_html: Mapping[str, str]) -> tuple[Markdown, FactsExtension]:
    facts = FactsExtension(store, chart_html)
    # The extensions as objects, not names: a name is looked up among the installed packages' entry points, which
    # took 40 ms in each process that converts a page (the build's, each worker's).
    # No "[TOC]" marker: the page's contents are the template's (page.toc), and looking for the marker walked every
    # element of every page, its cards' too (7% of a page's conversion).
    md = Markdown(extensions=[TableExtension(), FootnoteExtension(BACKLINK_TITLE=gettext("Back to text")),
                              TocExtension(toc_depth="2-3", marker=""), SaneListExtension(), facts],
                  output_format="html")
    # Editors write Markdown, not HTML: raw HTML is shown as text, so a stray <script> can never run; and no
    # attr_list, whose {: onclick=...} would put script in an attribute.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md, facts


class Converter:
    """Converts bodies one after the other with one Markdown instance, made when first needed, and fills the slots
    of their facts' values and cards (fact_slots.py)."""

    def __init__(self, store: FactStore, chart_html: Mapping[str, str]):
        self.store, self.chart_html = store, chart_html
        self._made: tuple[Markdown, FactsExtension] | None = None
        self._fingerprints = Fingerprints()
        self.slots = FactSlots(store)

    def serve(self, store: FactStore, chart_html: Mapping[str, str], holds: Callable[[Reads], bool]) -> None:
        """Convert with this store and these charts' figures from now on (a later build's, in the same language),
        keeping each slot's contents already made (a fact's value, its card) while holds(what making them read)
        says those reads give the same answers there: a fact edit makes again what read that fact, not every card of
        every page."""
        self.store, self.chart_html = store, chart_html
        # Its fingerprints keep alive what they fingerprinted (reads.Fingerprints): kept, they would hold every
        # earlier store. The slots' reads are plain fingerprints, which need none of it.
        self._fingerprints = Fingerprints()
        self.slots.serve(store, holds)
        if self._made is not None:
            _, facts = self._made
            facts.store, facts.chart_html = store, chart_html

    def convert(self, body: str) -> Converted:
        # The theme's words of the cards, marks and footnotes in the language the store shows (an edition's), here
        # and in the worker processes, which inherit no language from the build (render/words.py).
        with speaking(self.store.language):
            return self._convert(body)

    def _convert(self, body: str) -> Converted:
        if self._made is None:
            self._made = make_markdown(self.store, self.chart_html)
        md, facts = self._made
        md.reset()
        # Field by field: a fact's value and card are its slots' reads (fact_slots.py), the page's the few fields left.
        with recording(self._fingerprints, by_field=True) as recorder:
            try:
                html = md.convert(body)
            except RecursionError:  # Python-Markdown recurses once per level of lists, quotes or emphasis
                self._made = None  # its state is unknown after the error: the next page gets a new instance
                return Converted(too_deep=True)
            except BaseException:  # the same, for a build that ends here (a converter may last from build to build)
                self._made = None
                raise
        with recording(self._fingerprints) as slot_recorder:
            html, places = self.slots.fill(html)
        return Converted(pack_html(html), md.toc_tokens, facts.references(), list(dict.fromkeys(facts.facts_used)),
                         list(dict.fromkeys(facts.calculations)), list(dict.fromkeys(facts.charts_used)),
                         list(dict.fromkeys(facts.claims_cited)), list(dict.fromkeys(facts.claims_shown)),
                         list(facts.unknown), list(facts.bare_numbers), slot_places=places,
                         reads=None if recorder.unrecordable else recorder.reads,
                         slot_reads=_beside(slot_recorder, recorder.reads))

    def refill(self, converted: Converted) -> Converted:
        """converted, made with an earlier store, with its slots written again from this one; the rest of what it
        gave (its reads too) is the same."""
        with speaking(self.store.language), recording(self._fingerprints) as slot_recorder:
            html, places = self.slots.refill(converted.html, converted.slot_places)
        return dataclasses.replace(converted, packed_html=pack_html(html), slot_places=places,
                                   slot_reads=_beside(slot_recorder, converted.reads or {}))


def _beside(slot_recorder: Recorder, reads: Reads) -> Reads | None:
    """What the slots read besides what the conversion read (checked first, so never checked twice), or None."""
    if slot_recorder.unrecordable:
        return None
    return {read: fingerprint for read, fingerprint in slot_recorder.reads.items() if read not in reads}


def convert_all(bodies: list[str], store: FactStore, chart_html: Mapping[str, str],
                converter: Converter | None = None) -> list[Converted]:
    """Each body converted, in order: in worker processes when there are enough pages and cores. converter: one
    of this store and these charts' figures to convert with here (a memo's, kept from build to build), rather than a
    new one."""
    converted = map_in_workers(_convert_in_worker, bodies, POOL_MIN_PAGES, _start_worker, (store, chart_html))
    if converted is not None:
        return converted
    converter = converter if converter is not None else Converter(store, chart_html)
    return [converter.convert(body) for body in bodies]


def convert_pages(pages: list, store: FactStore, chart_html: Mapping[str, str],
                  converter: Converter | None = None) -> list[Converted]:
    """Each page's body converted, in order (the Markdown stage's conversion when nothing is kept from earlier
    builds; build_cache.MarkdownCache.convert_pages reuses what it can and calls this for the rest)."""
    return convert_all([page.body for page in pages], store, chart_html, converter)


_worker: Converter | None = None  # in a worker process: the converter of the build that started it


def _start_worker(store: FactStore, chart_html: Mapping[str, str]) -> None:
    global _worker
    _worker = Converter(store, chart_html)


def _convert_in_worker(body: str) -> Converted:
    return _worker.convert(body)
