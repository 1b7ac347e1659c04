"""Which kept files read what, and what each read answered in the last good build: the files a new build must make
again, found without asking again what cannot have changed (the preview's TemplateCache, kept in memory).

A kept file is used again while each of its reads, made again on the new build's records, gives the answer it
recorded (reads.still_valid): at 1,000 pages, 54,000 reads, 11,500 of them distinct, 35-50 ms of every edit. After a
good build, every file kept is one that build checked or made, so each read has one answer for all the files that
made it: that build's. A file of the next build is then good unless one of its reads answers differently now, and
only the reads of records that may have changed are asked again:
- not the store's records (store, table:, fact:, source:, series:, claim:) while the store is the very same object
  as in the last good build: a store never changes once loaded (store/loading.py) and its records are frozen, as the
  Markdown stage's memo takes too (build_cache.MarkdownCache._valid_in);
- not a page's while its fields hold the very same objects as in the last good build: a page is kept from build to
  build and its fields filled again with the same objects where nothing changed (BuildCache.pages, the Markdown
  stage's kept results), and a value is never changed in place once set, as the lasting fingerprints take
  (reads.ImmutableMemo);
- every other read (the site view, its settings, the mappings each build makes afresh): about 1,200 at 1,000 pages.
The files that made a read that answers differently now are made again; the others are kept unchecked.

Each edition is a lane of its own: its files read its own view and store under the same tokens ("view",
"fact:…"), and a file is kept unchecked only by the lane whose index holds it (a page that moves with its edition,
when the default edition changes, is checked in its new lane). A build that fails leaves no good build behind: the
next checks every file's reads (still_valid), and the lane is indexed again from the files that build keeps.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .reads import (Fingerprints, Read, Reads, Registry, Token, field_names, not_recording, read_again, record_token,
                    same_objects)

# The tokens of the store's records: what they answer cannot change while the store is the same object.
STORE_KINDS = frozenset({"store", "table", "fact", "source", "series", "claim"})
_MISSING = object()


@dataclass
class _Lane:
    """One edition's index, as of the last good build."""

    files: set[str] = field(default_factory=set)  # the files whose reads are in here
    readers: dict[Read, set[str]] = field(default_factory=dict)  # read → the files that made it
    answers: dict[Read, Any] = field(default_factory=dict)  # read → its fingerprint in the last good build
    reads_of: dict[Token, set[Read]] = field(default_factory=dict)  # token → its reads that some file made
    store: Any = None  # the last good build's store
    pages: dict[Token, tuple] = field(default_factory=dict)  # each page and its fields' objects then (page_fields)

    def add(self, file: str, reads: Reads) -> bool:
        """Index the file's reads; False where one of them has another answer here (never seen)."""
        agreed = True
        answers, readers = self.answers, self.readers
        for read, answer in reads.items():
            known = answers.get(read, _MISSING)
            if known is _MISSING:  # a read no file made yet: most are not (11,500 distinct of 54,000 at 1,000 pages)
                answers[read], readers[read] = answer, {file}
                self.reads_of.setdefault(_token(read), set()).add(read)
                continue
            if known != answer:
                agreed = False
            readers[read].add(file)
        self.files.add(file)
        return agreed

    def remove(self, file: str, reads: Reads) -> None:
        self.files.discard(file)
        for read in reads:
            readers = self.readers.get(read)
            if readers is None:
                continue
            readers.discard(file)
            if not readers:
                del self.readers[read]
                del self.answers[read]
                token = _token(read)
                token_reads = self.reads_of[token]
                token_reads.discard(read)
                if not token_reads:
                    del self.reads_of[token]


@dataclass
class _LaneBuild:
    """One lane in the build under way."""

    pages: dict[Token, tuple]  # each page and its fields' objects now
    store: Any
    stale: set[str] | None  # the files one of whose reads answers differently now; None: each file is checked
    # A file made or checked now recorded an answer other than the index's: the index missed a change (never seen),
    # so the lane is indexed again from its files at the end, and checked file by file next time if they disagree.
    disagreed: bool = False
    # Most of the lane's files are made again (a template edit): indexing it again at the end costs half of taking each
    # file's reads out and putting them back in (30-50 ms at 1,000 pages).
    indexed_at_end: bool = False


class ReadIndex:
    """The index of a memo's files, lane by lane: start_build; open_lane once a lane's view is known; verdict on each
    kept file; kept or replaced for each file the build asks for; forgotten for each file it did not; finish_build
    after a good build. Only a good build leaves an index: a lane is checked file by file (verdict None) until one
    has indexed it, and so is a file that its lane has not indexed (a file of another edition before)."""

    def __init__(self) -> None:
        self._lanes: dict[str, _Lane] = {}  # those indexed by the last good build
        self._building: dict[str, _LaneBuild] = {}
        self._lane_of: dict[str, str] = {}  # each file's lane
        self._unfinished = False  # a build started and has not finished well

    def start_build(self) -> None:
        if self._unfinished:  # the last build failed, or raised, perhaps after making and checking files of records
            self._lanes = {}  # the next build may not have
        self._unfinished, self._building = True, {}

    def is_open(self, name: str) -> bool:
        return name in self._building

    def open_lane(self, name: str, store: Any, pages: Iterable, registry: Registry, fingerprints: Fingerprints,
                  checked: dict) -> None:
        """The lane's view in this build is known (its store and pages, the registry of its records): find the files
        whose reads changed. checked: this build's answers so far, shared with still_valid."""
        pages_now = {record_token(page): page_fields(page) for page in pages}
        lane = self._lanes.get(name)
        if lane is None:
            self._building[name] = _LaneBuild(pages_now, store, None)
            return
        same_store = store is lane.store
        changed: list[Read] = []
        with not_recording():
            for token, reads in lane.reads_of.items():
                kind = token.partition(":")[0]
                if kind in STORE_KINDS and same_store:
                    continue
                if kind == "page" and same_objects(pages_now.get(token), lane.pages.get(token)):
                    continue
                for read in reads:
                    answer = checked.get(read, _MISSING)
                    if answer is _MISSING:
                        answer = checked[read] = read_again(read, registry, fingerprints)
                    if answer != lane.answers[read]:
                        changed.append(read)
        stale: set[str] = set()
        for read in changed:
            stale |= lane.readers[read]
            lane.answers[read] = checked[read]  # each file that made it is made again now, or forgotten
        self._building[name] = _LaneBuild(pages_now, store, stale, indexed_at_end=2 * len(stale) > len(lane.files))

    def verdict(self, lane: str, file: str) -> bool | None:
        """Whether the kept file (its key this build's) is still good: True or False where the lane's index holds the
        file, None where each of its reads must be checked."""
        building, index = self._building.get(lane), self._lanes.get(lane)
        if building is None or building.stale is None or index is None or file not in index.files:
            return None
        return file not in building.stale

    def kept(self, lane: str, file: str, reads: Reads) -> None:
        """The file was kept in lane, its reads answering as they did (verdict, or checked)."""
        index = self._indexing(lane)
        if index is not None and file in index.files:
            return
        self.forgotten(file, reads)  # from another lane: it moved with its edition
        self._lane_of[file] = lane
        if index is not None and not index.add(file, reads):
            self._building[lane].disagreed = True

    def replaced(self, lane: str, file: str, old: Reads | None, new: Reads | None) -> None:
        """The file was made again: its entry's reads went from old to new (None: no entry kept)."""
        self.forgotten(file, old)
        self._lane_of[file] = lane
        index = self._indexing(lane)
        if new is not None and index is not None and not index.add(file, new):
            self._building[lane].disagreed = True

    def forgotten(self, file: str, reads: Reads | None) -> None:
        """The file's entry, which made these reads, is gone (or leaves its lane)."""
        name = self._lane_of.pop(file, "")
        lane, building = self._lanes.get(name), self._building.get(name)
        if lane is not None and reads is not None and not (building is not None and building.indexed_at_end):
            lane.remove(file, reads)

    def finish_build(self, entries: Mapping[str, tuple]) -> None:
        """After a good build: entries, the files kept (file → (key, reads, …)), every read's answer this build's.
        A lane checked file by file, or whose files disagreed, is indexed again from them."""
        self._lane_of = {file: lane for file, lane in self._lane_of.items() if file in entries}
        lanes, self._lanes = self._lanes, {}
        for name, building in self._building.items():
            lane = lanes.get(name)
            if lane is None or building.stale is None or building.disagreed or building.indexed_at_end:
                lane = _Lane()
                files = [file for file, lane_name in self._lane_of.items() if lane_name == name]
                if not all([lane.add(file, entries[file][1]) for file in files]):
                    continue  # two files recorded two answers to one read: never seen; checked file by file
            lane.store, lane.pages = building.store, building.pages
            self._lanes[name] = lane
        self._building, self._unfinished = {}, False

    def _indexing(self, lane: str) -> _Lane | None:
        """The lane's index, where this build adds to it as it goes (a lane it checks file by file, or makes mostly
        again, is indexed at the end)."""
        building = self._building.get(lane)
        return self._lanes.get(lane) if building is not None and building.stale is not None and \
            not building.indexed_at_end else None


def _token(read: Read) -> Token:
    """The record a read is of: a whole record's read is its token."""
    return read if isinstance(read, str) else read[0]


def page_fields(page) -> tuple:
    """The page and the objects its fields hold now (what its reads can answer from)."""
    own = object.__getattribute__(page, "__dict__")
    return (page, *map(own.get, field_names(type(page))))

