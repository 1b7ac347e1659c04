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
"fact:…"). A build that fails leaves no good build behind: the next checks every file's reads (still_valid), and
the lane is indexed again from the files that build keeps.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .reads import Fingerprints, Read, Reads, Registry, Token, field_names, not_recording, read_again, record_token

# The tokens of the store's records: what they answer cannot change while the store is the same object.
STORE_KINDS = frozenset({"store", "table", "fact", "source", "series", "claim"})
_MISSING = object()


@dataclass
class _Lane:
    """One edition's index, as of the last good build."""

    readers: dict[Read, set[str]] = field(default_factory=dict)  # read → the files that made it
    answers: dict[Read, Any] = field(default_factory=dict)  # read → its fingerprint in the last good build
    reads_of: dict[Token, set[Read]] = field(default_factory=dict)  # token → its reads that some file made
    store: Any = None  # the last good build's store
    pages: dict[Token, tuple] = field(default_factory=dict)  # each page and its fields' objects then (page_fields)


@dataclass
class _LaneBuild:
    """One lane in the build under way."""

    pages: dict[Token, tuple]  # each page and its fields' objects now
    store: Any
    stale: set[str] | None  # the files one of whose reads answers differently now; None: each file is checked
    # A file made now recorded an answer other than the index's: the index missed a change (never seen), so the
    # lane is indexed again from its files at the end, and every file is checked next time if they disagree.
    disagreed: bool = False


class ReadIndex:
    """The index of a memo's files, lane by lane: start_build; open_lane once a lane's view is known; verdict on each
    kept file; kept or replaced for each file the build asks for; forgotten for each file it did not; finish_build
    after a good build, which alone leaves an index: a lane is checked file by file (verdict None) until a good build
    has indexed it."""

    def __init__(self) -> None:
        self._lanes: dict[str, _Lane] = {}  # those indexed by the last good build
        self._building: dict[str, _LaneBuild] = {}
        self._lane_of: dict[str, str] = {}  # each file's lane

    def start_build(self) -> None:
        if self._building:  # the last build opened lanes and never finished: it failed, or raised, after making and
            self._lanes = {}  # checking files of records the next build may not have
        self._building = {}

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
                if kind == "page" and _same_objects(pages_now.get(token), lane.pages.get(token)):
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
        self._building[name] = _LaneBuild(pages_now, store, stale)

    def verdict(self, lane: str, file: str) -> bool | None:
        """Whether the kept file (its key this build's) is still good: True or False where the index knows, None
        where each of its reads must be checked."""
        building = self._building.get(lane)
        if building is None or building.stale is None:
            return None
        return file not in building.stale

    def kept(self, lane: str, file: str) -> None:
        self._lane_of[file] = lane

    def replaced(self, lane: str, file: str, old: Reads | None, new: Reads | None) -> None:
        """The file was made again: its entry's reads went from old to new (None: no entry kept)."""
        self.forgotten(file, old)
        self._lane_of[file] = lane
        building, index = self._building.get(lane), self._lanes.get(lane)
        if new is None or index is None or building is None or building.stale is None:
            return  # a lane checked file by file is indexed whole at the end
        for read, answer in new.items():
            if index.answers.setdefault(read, answer) != answer:
                building.disagreed = True
            index.readers.setdefault(read, set()).add(file)
            index.reads_of.setdefault(read if isinstance(read, str) else read[0], set()).add(read)

    def forgotten(self, file: str, reads: Reads | None) -> None:
        """The file's entry, which made these reads, is gone."""
        lane = self._lanes.get(self._lane_of.pop(file, ""))
        if lane is None or reads is None:
            return
        for read in reads:
            readers = lane.readers.get(read)
            if readers is None:
                continue
            readers.discard(file)
            if not readers:
                del lane.readers[read]
                del lane.answers[read]
                token = read if isinstance(read, str) else read[0]
                token_reads = lane.reads_of[token]
                token_reads.discard(read)
                if not token_reads:
                    del lane.reads_of[token]

    def finish_build(self, entries: Mapping[str, tuple]) -> None:
        """After a good build: entries, the files kept (file → (key, reads, …)), every read's answer this build's.
        A lane checked file by file, or whose files disagreed, is indexed again from them."""
        lanes, self._lanes = self._lanes, {}
        for name, building in self._building.items():
            lane = lanes.get(name)
            if lane is None or building.stale is None or building.disagreed:
                lane = _indexed([(file, entries[file][1]) for file, lane_name in self._lane_of.items()
                                 if lane_name == name and file in entries])
                if lane is None:  # two files recorded two answers to one read: never seen; checked file by file
                    continue
            lane.store, lane.pages = building.store, building.pages
            self._lanes[name] = lane
        self._building = {}


def _indexed(files: list[tuple[str, Reads]]) -> _Lane | None:
    """A lane of these files' reads, or None where two files recorded two answers to one read."""
    lane = _Lane()
    for file, reads in files:
        for read, answer in reads.items():
            if lane.answers.setdefault(read, answer) != answer:
                return None
            lane.readers.setdefault(read, set()).add(file)
            lane.reads_of.setdefault(read if isinstance(read, str) else read[0], set()).add(read)
    return lane


def page_fields(page) -> tuple:
    """The page and the objects its fields hold now (what its reads can answer from)."""
    own = object.__getattribute__(page, "__dict__")
    return (page, *map(own.get, field_names(type(page))))


def _same_objects(now: tuple | None, before: tuple | None) -> bool:
    return now is not None and before is not None and len(now) == len(before) and \
        all(one is other for one, other in zip(now, before))
