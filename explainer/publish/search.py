"""The search stage: Pagefind's index of the site's reader pages, made at build time from the built HTML.

Which pages: every HTML page at the top of the site or of an edition (searchable: ko/arrivals.html), so the chapters, Sources, Data and
Corrections; not the pages outputs.OUTPUTS marks as not listed (404, the search page itself), not Contents
(the chapters' titles again, which would come first in every search for a title), and not the embed pages
(embed/: a chart each, which its chapter shows). Inside a page, EXCLUDED (search_pages.py) says what is left out.

The index is files under pagefind/ in the site: Pagefind's search script (pagefind.js and its worker), its
WebAssembly and the index chunks, in shards (publish/search_shards.py: which shard indexes a page, and where
each shard's files go); Pagefind's own search interfaces are not written, assets/search.js is the site's.
Pagefind numbers the pages in the order it is given them: sorted by path, two builds of the same pages give
the same bytes.

Each shard is one run of Pagefind's service (publish/pagefind_service.py); a program that answers anything else
fails the build with one problem naming it, within pagefind_service.TIMEOUT.

Pagefind reads each page as search_pages.search_page gives it: the elements it leaves out (EXCLUDED: the fact
cards, the citation marks, the header, the references) emptied, so that what it reads is what a reader can
search, and a fact's label, shown in the cards of forty pages, changes none of them (search_pages.py says why
the index is the same). Each shard's index is kept in ROOT/.cache/search/ under a hash of Pagefind's version,
its settings and what it read of the shard's pages (each file once, under its own hash), and so is the
vocabulary's (search_shards.vocabulary_pages), under the hash of the shards' keys: a build starts Pagefind only
for the shards whose pages changed as Pagefind reads them, one run each, as many at once as the machine has
cores (effects/worker_pool.py), then for the vocabulary if any shard changed. The hash of each page as read is
kept under the hash of the whole page (SearchPages), so a build reduces only the pages that changed; the build
hands it each page as it makes it, so no page is kept in memory for the index, only what Pagefind reads of it.

A build says which pages it will make (SearchPages.expect) and makes them shard by shard, and each shard is indexed
as soon as its last page is read, beside the pages still to make (_EarlyShards); a first build's pages are read
(reduced and hashed) by the build's background workers rather than this thread, which would take Python's lock
from the templates.

On bench/generate_corpus.py's 1,000 pages (16 shards), search_index on the built pages, CPU time of the
Pagefind processes: cold 2.7 s in one index, 2.7 s in shards of whole pages, 1.85 s in shards of reduced
pages (a third of the bytes; reducing them takes 0.3 s of this process's); one page edited 2.7 s in one
index, 0.2 s in shards (its shard and the vocabulary); one fact's label edited 2.7 s in shards of whole
pages (its cards are in 15 of the 16 shards), 0.45 s in shards of reduced pages (the shards of the Data and
Sources pages, which list it, and the vocabulary: 0.10 s of it), 4.3 → 1.15 s on the wall.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import queue
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from ..effects import libraries
from .. import packing
from ..incremental.disk_store import DiskCache, cache_folder, canonical_json, content_key, engine_version
from ..errors import Problem
from ..site_folder.inputs import PROJECT
from ..render.layout import CONTENTS, OUTPUTS
from ..site_folder.editions import edition_of_path
from ..effects.worker_pool import BackgroundWorkers, Handed, threads, worker_count
from .pagefind_service import KEPT, SETTINGS, PagefindFailed, pagefind_binary, run_pagefind
from .search_pages import search_page
from .search_shards import PAGES_PER_SHARD, shard_count, shard_of, site_files, split, vocabulary_pages

# The pages outputs.OUTPUTS marks as not for readers arriving from outside (404, search), and Contents.
NOT_SEARCHED = frozenset({output.path for output in OUTPUTS if not output.listed} | {CONTENTS.path})
PACKAGE = "pagefind-bin"
# What _published makes of Pagefind's files, and how a shard's listing names them: in the key.
ENTRY_FORMAT = "shard's own names, languages sorted, unknown wasm kept, its own files packed"
REQUIREMENT = re.compile(r"^pagefind-bin\b", re.MULTILINE)


@dataclass
class SearchIndex:
    files: dict[str, bytes] = field(default_factory=dict)  # site-relative path (pagefind/…) → bytes
    pages: int = 0  # how many pages it indexes
    cached: bool = False  # taken from .cache/search/, Pagefind not run
    shards: int = 0  # how many shards have pages
    indexed: int = 0  # how many of them Pagefind indexed in this call (the others came from the cache)


VOCABULARY_SHARD = -1  # the vocabulary's number among the shards, for _made and _index_shards
# How one shard is indexed: (binary, its pages by path, niceness) → its files by Pagefind's names.
Runner = Callable[[Path, dict[str, bytes], int], dict[str, bytes]]


def searchable(path: str) -> bool:
    """A page at the top of the site or of an edition (ko/arrivals.html): Pagefind splits the index by <html lang>."""
    path = path.removeprefix(edition_of_path(path))
    return path.endswith(".html") and "/" not in path and path not in NOT_SEARCHED


def search_index(files: Mapping[str, bytes] | SearchPages, root: Path, niceness: int = 0, *,
                 pages_per_shard: int = PAGES_PER_SHARD, run: Runner | None = None,
                 may_go_on: threading.Event | None = None) -> tuple[SearchIndex, list[Problem]]:
    """The index of the searchable pages among files (site-relative path → bytes; or the pages as SearchPages
    took them while the build made them). niceness: how much lower than this process's the priority Pagefind runs
    at (the preview indexes while the next edit rebuilds). may_go_on: set while the index may go on (the preview's:
    cleared while it rebuilds); before each page is read and each shard indexed, this thread waits for it, and the
    pool's threads that index shards beside it stop taking them (a rebuild may need them). pages_per_shard and run
    (what indexes one shard: run_pagefind) are for tests. A mapping of files is only read; SearchPages lets go of
    each page as Pagefind is given it."""
    try:
        version = libraries.version(PACKAGE)
        binary = pagefind_binary()
    except (LookupError, FileNotFoundError, ImportError):
        return SearchIndex(), [_requirement_problem("Pagefind, which makes the search index, is not installed: "
                                                    "run python -m pip install -r requirements.txt.")]
    pages = files if isinstance(files, SearchPages) else SearchPages.of(files, root)
    cache = pages.cache
    settings = (version, canonical_json(SETTINGS), ENTRY_FORMAT)
    # Only this thread waits (the pool's threads never do: a rebuild may need them), and Pagefind's runs, at a lower
    # priority, do not.
    waited = may_go_on.wait if may_go_on is not None else (lambda: None)
    runner = run or run_pagefind
    early = _EarlyShards(pages, pages_per_shard, settings, lambda shard: runner(binary, shard, niceness + EARLY_NICENESS)
                         ) if pages.expected else None

    def page_read(path: str) -> None:
        if early is not None:
            early.page_read(path)
        waited()

    if not pages.read_all(page_read):
        if early is not None:
            early.outcomes({})
        return SearchIndex(), []
    pages.keep_read_hashes()
    # No page at all is still one shard: the search page finds nothing, rather than failing to load.
    shards = split(pages.read, pages_per_shard) or {0: {}}
    keys = {number: _shard_key(settings, shard.items()) for number, shard in shards.items()}

    def index(todo: dict[int, dict[str, bytes]]) -> dict:
        # An early run that fails (a Pagefind that hangs: after TIMEOUT) starts no further shard either.
        return _index_shards(todo, binary, niceness, runner,
                             stopped=lambda: early.failed if early is not None else None, may_go_on=may_go_on)

    def pages_read(numbers) -> dict[int, dict[str, bytes]]:
        return {number: {path: pages.take(path) for path in shards[number]} for number in numbers}

    waited()
    made, indexed, problems = _made(cache, keys, pages_read, index, early.outcomes(keys) if early is not None else {})
    vocabulary = None
    if not problems and len(made) > 1:  # the words of every shard, indexed once (search_shards.vocabulary_pages)
        waited()
        key = content_key(*settings, "vocabulary", *(keys[number] for number in sorted(made)))
        found, more, problems = _made(cache, {VOCABULARY_SHARD: key},
                                      lambda _: {VOCABULARY_SHARD: _vocabulary(cache, keys, made)}, index)
        vocabulary, indexed = found.get(VOCABULARY_SHARD), indexed + more
    if problems:
        return SearchIndex(), problems
    return SearchIndex(site_files(made, vocabulary), len(pages.read), cached=not indexed, shards=len(made),
                       indexed=indexed), []


class SearchPages:
    """What Pagefind reads of a site's searchable pages (search_pages.search_page), handed over one page at a time
    (add) as the build makes them, so that the build keeps no page for the index once it has written it; the
    index's thread reads each as it comes (search_index), hashing it beside the build's thread (hashlib lets go
    of Python's lock), until close(). A page is reduced at once, and kept whole only where the hash of what
    Pagefind reads of it is kept from an earlier build (under the hash of the whole page:
    search-pages-<key>.json), to be reduced only if its shard is indexed again. search_page costs fourteen times
    hashing a page: a build reduces only the pages that changed, and keeps this build's hashes
    (keep_read_hashes), the key naming the engine's code (the reducer's among it)."""

    BATCH = 64  # pages sent to a background worker at once

    def __init__(self, root: Path, workers: BackgroundWorkers | None = None):
        self.cache = DiskCache(cache_folder(root) / "search")
        self.workers = workers  # where a first build's pages are reduced (reduced_pages), beside the templates
        self._batch: list[tuple[str, bytes]] = []
        try:
            known = json.loads(self.cache.get(self._memo_name()) or "{}")
        except ValueError:  # not what was kept: every page is read again
            known = {}
        self._known: dict = known if isinstance(known, dict) else {}
        self._coming: queue.SimpleQueue = queue.SimpleQueue()  # (path, page)…, then True (closed) or False
        self.read: dict[str, str] = {}  # path → the hash of what Pagefind reads of the page
        self._kept: dict[str, str] = {}  # hash of a whole page → read's; this build's memo
        # path → the page as Pagefind reads it, packed (explainer/packing.py): the early shards' are kept until the
        # site is whole, 33 MB as they are at 4,000 pages, 8 MB packed.
        self._reduced: dict[str, bytes] = {}
        self._whole: dict[str, bytes] = {}  # path → the page, where its read hash was known
        self.expected: list[str] = []  # the searchable pages the build will hand over, if it said (expect)

    @classmethod
    def of(cls, files: Mapping[str, bytes], root: Path) -> SearchPages:
        pages = cls(root)
        for path in sorted(files):
            pages.add(path, files[path])
        pages.close()
        return pages

    def expect(self, paths: Iterable[str]) -> None:
        """The pages the build will hand over (any file: only searchable pages count), before the first: then
        search_index indexes each shard as soon as its last page is read, while the build makes the others. A
        page that does not come, or one that was not expected, costs that overlap, never the index: a shard made
        early is used only if its pages are the ones the finished site gives it."""
        self.expected = sorted({path for path in paths if searchable(path)})

    def shard_expected(self, path: str) -> int:
        """The shard a page will be in, by the pages expected: a build that makes its pages shard by shard lets
        each be indexed while it makes the next."""
        return shard_of(path, shard_count(len(self.expected)))

    def add(self, path: str, html: bytes) -> None:
        """Hand over one built file (path → bytes), each path once; a file that is not a searchable page is
        ignored. With no read hash kept (a first build, where every page is reduced) and workers, the pages go to
        them BATCH at a time: reducing them here would take Python's lock from the templates (0.3 s at 1,000
        pages)."""
        if not searchable(path):
            return
        if self.workers is None or self._known:
            self._coming.put((path, html))
            return
        self._batch.append((path, html))
        if len(self._batch) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        handed = self.workers.hand_over(reduced_pages, [html for _, html in batch]) if batch else None
        if handed is None or not handed.taken:
            for item in batch:
                self._coming.put(item)
        else:
            self._coming.put(([path for path, _ in batch], handed))

    def close(self) -> None:
        """Every page is handed over."""
        self._send()
        self._coming.put(True)

    def abandon(self) -> None:
        """The build stopped before its pages were all made: the index is not made."""
        self._coming.put(False)

    def read_all(self, each: Callable[[str], None] | None = None) -> bool:
        """Read each page handed over, until close() (True) or abandon() (False); each(path) after each page."""
        while isinstance(item := self._coming.get(), tuple):
            if isinstance(item[1], Handed):  # a batch a worker reads (reduced_pages)
                paths, handed = item
                read = [self._take_reduced(path, *taken) for path, taken in zip(paths, handed.result())]
            else:
                read = [self._take(*item)]
            for path in read if each is not None else ():
                each(path)
        return item

    def _take(self, path: str, html: bytes) -> str:
        """Read one page in this thread: reduced at once, unless the hash of what Pagefind reads of it is kept."""
        whole = _hash(html)
        found = self._known.get(whole)
        if isinstance(found, str) and _DIGEST.fullmatch(found):
            self._whole[path] = html
        else:
            found, self._reduced[path] = _read_and_packed(html)
        self.read[path] = self._kept[whole] = found
        return path

    def _take_reduced(self, path: str, whole: str, read: str, reduced: bytes) -> str:
        """A page a worker read (reduced_pages): the hash of the whole page and of the page as Pagefind reads it,
        which comes packed."""
        self._reduced[path] = reduced
        self.read[path] = self._kept[whole] = read
        return path

    def take(self, path: str) -> bytes:
        """The page as Pagefind is to read it, which this then lets go of: it is read once, for its shard."""
        reduced = self._reduced.pop(path, None)
        return packing.unpacked(reduced) if reduced is not None else search_page(self._whole.pop(path))

    def peek(self, path: str) -> bytes:
        """The page as Pagefind is to read it, kept: a shard indexed early may not be the one the site has."""
        reduced = self._reduced.get(path)
        return packing.unpacked(reduced) if reduced is not None else search_page(self._whole[path])

    def keep_read_hashes(self) -> None:
        """Keep this build's read hashes, for the next build, if they changed."""
        if self._kept != self._known:
            self.cache.put(self._memo_name(), canonical_json(self._kept).encode("utf-8"))

    @staticmethod
    def _memo_name() -> str:
        return f"search-pages-{content_key(engine_version())}.json"


def _shard_key(settings: tuple, reads: Iterable[tuple[str, str]]) -> str:
    """A shard's key in the cache: Pagefind's settings, and each of its pages' path and read hash, in order."""
    return content_key(*settings, *(part for path, read in reads for part in (path, read)))


def reduced_pages(pages: list[bytes]) -> list[tuple[str, str, bytes]]:
    """Each page's hash, the hash of the page as Pagefind reads it (search_pages.search_page), and that page packed:
    a background worker's part."""
    return [(_hash(page), *_read_and_packed(page)) for page in pages]


def _read_and_packed(page: bytes) -> tuple[str, bytes]:
    """The hash of the page as Pagefind reads it (search_pages.search_page), and that page packed, as SearchPages
    holds it until its shard is indexed."""
    reduced = search_page(page)
    return _hash(reduced), packing.packed(reduced)


def _made(cache: DiskCache, keys: dict[int, str], pages: Callable[[list[int]], dict[int, dict[str, bytes]]],
          index: Callable, early: dict[int, _EarlyOutcome] | None = None
          ) -> tuple[dict[int, dict[str, bytes]], int, list[Problem]]:
    """Each shard's files: from the cache under its key, else from its run started early (early: by shard
    number, what waits for it), else indexed by index(its pages, from pages(the numbers of the shards not in the
    cache) only then) and kept. Also how many were indexed, and the problems (the same failure in every shard is
    one)."""
    made = {}
    early = early or {}
    for number, key in keys.items():
        if number not in early and (cached := _restore(cache, key)) is not None:
            made[number] = cached
    missing = [number for number in keys if number not in made and number not in early]
    todo = pages(missing) if missing else {}
    indexed = len(todo) + len(early)
    problems: dict[tuple, Problem] = {}
    # Not after an early run failed: a broken Pagefind fails the build once, each shard it leaves out with its failure.
    failed = next((outcome.shards.failed for outcome in early.values() if outcome.failed), None)
    results = ({number: failed for number in todo} if failed is not None else index(todo)) if todo else {}
    results.update({number: outcome() for number, outcome in early.items()})
    # An early run's files left in the store only (_EarlyShards._index: KEPT_IN_STORE) are read back; a shard whose
    # files the store has lost since is indexed again, as one not started early is.
    lost = []
    for number in early:
        if results[number] is KEPT_IN_STORE:
            results[number] = _restore(cache, keys[number])
            if results[number] is None:
                lost.append(number)
    if lost:
        failed = failed or _failure_in(results)
        results.update({number: failed for number in lost} if failed is not None else index(pages(lost)))
    for number, result in sorted(results.items()):
        if isinstance(result, PagefindFailed):
            problems.setdefault((result.path, result.message), Problem(
                result.path, 1, 1, f"Pagefind could not make the search index: {result.message}"))
        else:
            if number not in early or number in lost:  # an early run's files are kept as it ends
                _keep(cache, keys[number], result)  # on the calling thread: in the build's store access
            made[number] = result
    return made, indexed, list(problems.values())


KEPT_IN_STORE = None  # what an early run gives when its files are in the store only (_EarlyShards._index)
EARLY_NICENESS = 10  # a shard indexed while the build makes pages runs when the build's own processes leave a core idle


class _EarlyShards:
    """The shards indexed while the build still makes its pages (SearchPages.expect): each as soon as the last
    page expected in it is read, unless the cache holds its index, by the build's thread pool
    (effects/worker_pool.py: with the search's own thread in it, one shard at a time on two cores) and at a lower
    priority than the build. A run is used only if its pages are the ones the finished site gives its shard
    (the same key): a wrong expectation costs the overlap, never the index."""

    def __init__(self, pages: SearchPages, pages_per_shard: int, settings: tuple,
                 run: Callable[[dict[str, bytes]], dict[str, bytes]]):
        self.pages, self.settings, self.run = pages, settings, run
        self.count = shard_count(len(pages.expected), pages_per_shard)
        # Each shard's expected pages, as split() will give the finished site's.
        self.planned = {number: list(shard) for number, shard in
                        split(dict.fromkeys(pages.expected), pages_per_shard).items()}
        self.to_come = {number: set(paths) for number, paths in self.planned.items()}
        self.started: dict[str, Future] = {}  # the key of a shard's pages → its run
        self.failed: PagefindFailed | None = None  # then no further run starts: a broken Pagefind fails once

    def page_read(self, path: str) -> None:
        number = shard_of(path, self.count)
        waiting = self.to_come.get(number)
        if not waiting or path not in waiting:
            return
        waiting.discard(path)
        if waiting:
            return
        paths = self.planned[number]
        key = _shard_key(self.settings, ((path, self.pages.read[path]) for path in paths))
        # Its listing kept: the index is read from the cache with the others' (and indexed then if damaged).
        if key not in self.started and self.pages.cache.get(f"{key}.json") is None:
            # In the build's context, so that its files are kept in the build's store access as the run ends.
            self.started[key] = threads().submit(contextvars.copy_context().run, self._index, key, paths)

    def _index(self, key: str, paths: list[str]) -> dict[str, bytes] | PagefindFailed | None:
        if self.failed is not None:
            return self.failed
        try:
            files = self.run({path: self.pages.peek(path) for path in paths})
        except PagefindFailed as failure:
            self.failed = failure
            return failure
        _keep(self.pages.cache, key, files)  # kept under the key of its pages: right whatever the site turns out to be
        # Read back from the store when the index is put together (_made) rather than held beside the pages still
        # to make: 17 MB at 4,000 pages. Held where the store did not take them (`check` and `--no-cache`, which
        # write or read nothing; a full disk).
        return KEPT_IN_STORE if self.pages.cache.get(f"{key}.json") is not None else files

    def outcomes(self, keys: dict[int, str]) -> dict[int, _EarlyOutcome]:
        """For each shard (keys: by number, the key of its pages) whose run started early, what waits for its
        files. A run not started yet is cancelled (its shard is indexed with the others), and one of pages the
        site does not give a shard is waited for and dropped, so that none outlives the index."""
        numbers = {key: number for number, key in keys.items()}
        used = {}
        for key, run in self.started.items():
            if run.cancel():
                continue
            if key in numbers:
                used[numbers[key]] = _EarlyOutcome(self, run)
            else:
                with contextlib.suppress(Exception):
                    run.result()
        return used


@dataclass
class _EarlyOutcome:
    """What waits for a shard's early run (_EarlyShards.outcomes); failed: whether a run of the same build has."""

    shards: _EarlyShards
    run: Future

    @property
    def failed(self) -> bool:
        return self.shards.failed is not None

    def __call__(self) -> dict[str, bytes] | PagefindFailed | None:  # None: KEPT_IN_STORE
        return self.run.result()


def _vocabulary(cache: DiskCache, keys: dict[int, str], made: dict[int, dict[str, bytes]]) -> dict[str, bytes]:
    """The vocabulary's pages, each shard's kept beside its index (<key>.words.json): reading every fragment
    again takes 0.4 s at 1,000 pages; an edit reads its shard's only."""
    pages: dict[str, bytes] = {}
    for number in sorted(made):
        name = f"{keys[number]}.words.json"
        try:
            own = {path: html.encode("utf-8") for path, html in json.loads(cache.get(name) or "null").items()}
        except (ValueError, AttributeError, TypeError):  # missing (None → "null") or not what was kept
            own = vocabulary_pages({number: made[number]})
            cache.put(name, canonical_json({path: html.decode("utf-8") for path, html in own.items()}).encode("utf-8"))
        pages.update(own)
    return pages


def _index_shards(shards: dict[int, dict[str, bytes]], binary: Path, niceness: int, run: Runner,
                  stopped: Callable[[], PagefindFailed | None] = lambda: None,
                  may_go_on: threading.Event | None = None) -> dict[int, dict[str, bytes] | PagefindFailed]:
    """Each shard's files (or why Pagefind failed on it), one run per shard. The calling thread runs them, and
    so do pool threads (effects/worker_pool.py), one run per core at most: a lane that has not started
    when the caller's queue is empty is cancelled, so a busy pool never holds the index up. After a failure (or
    once stopped() says another run failed) no further shard is started: a broken Pagefind fails the build once,
    within its TIMEOUT. Each shard's pages are taken out of shards as its run starts, so they are let go as
    Pagefind reads them. While may_go_on is clear (the preview rebuilds) no run starts: the calling thread waits
    for it, and a pool thread leaves its shards to the caller (sending a shard and reading its index back is
    Python's work, which took the rebuild's lock: a corpus template edit rebuilt in 2.2 s beside it, 1.3 s alone)."""
    waiting = deque(sorted(shards))
    results: dict[int, dict[str, bytes] | PagefindFailed] = {}

    def lane(waits: bool) -> None:
        while not stopped() and _failure_in(results) is None:
            if may_go_on is not None and not may_go_on.is_set():
                if not waits:
                    return
                may_go_on.wait()
            try:
                number = waiting.popleft()
            except IndexError:
                return
            try:
                results[number] = run(binary, shards.pop(number), niceness)
            except PagefindFailed as failure:
                results[number] = failure

    helpers = [threads().submit(lane, False) for _ in range(min(len(shards), worker_count()) - 1)]
    lane(True)
    for helper in helpers:
        if not helper.cancel():
            helper.result()
    # The shards no run was started for, after a failure: each fails with it, so none is left out unreported.
    failure = _failure_in(results) or stopped()
    if failure is not None:
        results.update({number: failure for number in waiting})
    return results


def _failure_in(results: dict[int, dict[str, bytes] | PagefindFailed]) -> PagefindFailed | None:
    """The first failed run among results (a lane's thread may add to them meanwhile: read from a copy)."""
    return next((result for result in list(results.values()) if isinstance(result, PagefindFailed)), None)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A shard's files in the cache: those every shard of one Pagefind version writes alike (its scripts and its
# WebAssembly: SHARED) each once, under its hash, so that an edit to one page adds that page's index, not another
# copy of the script and WebAssembly; the shard's own files (its index: sixty small files at 1,000 pages) as one
# pack, also under its hash: one entry to write and one to read rather than one per file (a thousand a cold build).
# The listing, under the key of the shard's pages, names each. Every entry is checked when read
# (incremental/disk_store.py); a listing naming anything but a file Pagefind makes, a hash, or a part of its pack
# is foreign, and the shard is indexed again.
_DIGEST = re.compile(r"[0-9a-f]{64}")
_SHARED = re.compile(r"pagefind\.js|pagefind-worker\.js|wasm\.[\w-]+\.pagefind")


def _keep(cache: DiskCache, key: str, files: dict[str, bytes]) -> None:
    shared = {name: _hash(data) for name, data in files.items() if _SHARED.fullmatch(name)}
    for name, digest in shared.items():
        cache.put(digest, files[name])
    packed, offset = {}, 0
    own = sorted(name for name in files if name not in shared)
    for name in own:
        packed[name] = [offset, offset + len(files[name])]
        offset += len(files[name])
    pack = b"".join(files[name] for name in own)
    cache.put(_hash(pack), pack)
    listing = {"shared": shared, "pack": _hash(pack), "packed": packed}
    cache.put(f"{key}.json", canonical_json(listing).encode("utf-8"))


def _restore(cache: DiskCache, key: str) -> dict[str, bytes] | None:
    listing = cache.get(f"{key}.json")
    if listing is None:
        return None
    try:
        found = json.loads(listing)
        shared, packed, pack_digest = found["shared"], found["packed"], found["pack"]
        names = [*shared, *packed]
        if not (isinstance(shared, dict) and isinstance(packed, dict) and "pagefind-entry.json" in names
                and all(isinstance(name, str) and KEPT.fullmatch(name) for name in names)
                and all(isinstance(digest, str) and _DIGEST.fullmatch(digest) for digest in [*shared.values(), pack_digest])):
            return None
        pack = cache.get(pack_digest)
        if pack is None:
            return None
        files = {name: cache.get(digest) for name, digest in shared.items()}
        for name, (start, end) in packed.items():
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(pack)):
                return None
            files[name] = pack[start:end]
    except (ValueError, AttributeError, TypeError, KeyError):  # a damaged entry is made again
        return None
    if any(data is None for data in files.values()):
        return None
    return files


def _requirement_problem(message: str) -> Problem:
    """A problem at the line of requirements.txt that pins Pagefind: that is where the fix is."""
    path = PROJECT / "requirements.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return Problem(path, 1, 1, message)
    found = REQUIREMENT.search(text)
    line = text.count("\n", 0, found.start()) + 1 if found else 1
    return Problem(path, line, 1, message, source_line=text.splitlines()[line - 1] if found else None)
