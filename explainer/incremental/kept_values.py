"""Where the build cache puts the large values it keeps (each page's Markdown output, each file's rendered bytes,
the output gate's scans), so that a build's memory does not grow with the site.

`python build.py` gives the cache a PackedValues: each value is pickled into this build's pack as it is made,
and the cache holds only its place (Stored: the pack, offset and length); a later build reads a value back
only when it reuses it. The preview keeps its cache in memory for the next rebuild, so it gives InMemory,
whose places hold the values themselves (Held).

One pack is written per build, sequentially: an entry of the store (disk_store.py), ROOT/.cache/build/
values-<random>.pack, framed and checked like every other. A build that reuses values reads them from the
packs of earlier builds, so the cache's index (build_cache.save_build_cache) may name several. When it is
saved, a pack mostly holding what no entry names any more, or one past MOST_PACKS, has its live values copied
into the new one (seal), and the packs the index does not name are removed once it is in place (prune): the
folder holds about one site's worth.

A pack is checked whole when the index that names it is loaded (open_packs), and read from the file that was
checked; one that is damaged, cut short or foreign is not read at all: the entries that name it are forgotten
and made again. What is read back goes through kept_pickle, which runs no code of the file's. While writes
are off (`check`) or the folder cannot be written, values are held in memory: that build saves nothing.
"""
from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable

from . import kept_pickle
from .disk_store import DiskCache, EntryWriter

PACK_PREFIX, PACK_SUFFIX = "values-", ".pack"
MOST_PACKS = 4  # beyond this many, the smaller packs' live values are copied into the new one


@dataclass(frozen=True, slots=True)
class Stored:
    """A value's place in a pack: its pickled bytes, from offset within the pack's payload."""

    pack: str  # the pack's name in the store's folder
    offset: int
    length: int
    pickled: bool = True  # False: the value is these bytes themselves (a file's)


@dataclass(frozen=True, slots=True, eq=False)  # by identity: a value may be a list
class Held:
    """A value kept in memory (the preview; a build that writes nothing)."""

    value: Any


Place = Stored | Held


class InMemory:
    """The preview's: every value stays in memory."""

    def put(self, value: Any) -> Place:
        return Held(value)

    def get(self, place: Place) -> Any | None:
        return place.value if isinstance(place, Held) else None


class PackedValues:
    """The values of `python build.py`'s cache: written to this build's pack as they are made, read back on
    reuse (see the module's docstring). Used by one thread at a time."""

    def __init__(self, store: DiskCache) -> None:
        self.store = store
        self._packs: dict[str, tuple[BinaryIO, int] | None] = {}  # name → (the checked file, payload start)
        self._writing: tuple[EntryWriter, str] | None = None  # this build's pack, once a value is put, and its name
        self._finalizer: weakref.finalize | None = None
        self._failed = False  # a write to this build's pack failed: it is given up, and what follows is held

    def open_packs(self, names: Iterable[str]) -> set[str]:
        """Check each of these packs whole (disk_store: its frame and hash), keeping the file checked open to read
        from; the names of those missing or not whole."""
        bad = set()
        for name in set(names):
            if name not in self._packs:
                file = self.store.open(name)
                self._packs[name] = None if file is None else (file, file.tell())
            if self._packs[name] is None:
                bad.add(name)
        return bad

    def put(self, value: Any) -> Place:
        # A file's bytes are written as they are: pickling them would only copy them once more on the way.
        pickled = not isinstance(value, bytes)
        data = kept_pickle.dumps(value) if pickled else value
        writer = self._writer()
        if writer is None:
            return Held(value)
        offset = writer.length
        try:
            writer.write(data)
        except OSError:  # a full disk: where the file ends is unknown, so the pack is given up
            self._failed = True
            return Held(value)
        return Stored(self._writing[1], offset, len(data), pickled)

    def get(self, place: Place) -> Any | None:
        """The value at place; None if it cannot be read (its pack is not whole, or was given up)."""
        if isinstance(place, Held):
            return place.value
        data = self._read(place)
        if data is None or not place.pickled:
            return data
        try:
            return kept_pickle.loads(data)
        except Exception:  # noqa: BLE001 -- refused or damaged: made again, never used
            return None

    def _read(self, place: Stored) -> bytes | None:
        if self._writing is not None and place.pack == self._writing[1]:
            if self._failed:
                return None
            writer = self._writing[0]
            writer.file.flush()  # a value put in this build, read back in it (the output gate's scans)
            descriptor, start = writer.file.fileno(), EntryWriter.PAYLOAD_START
        else:
            opened = self._packs.get(place.pack) if place.pack in self._packs else self._open(place.pack)
            if opened is None:
                return None
            descriptor, start = opened[0].fileno(), opened[1]
        try:
            data = os.pread(descriptor, place.length, start + place.offset)
        except OSError:
            return None
        return data if len(data) == place.length else None

    def _open(self, name: str):
        self.open_packs([name])
        return self._packs[name]

    def _writer(self) -> EntryWriter | None:
        if self._failed:
            return None
        if self._writing is None:
            name = f"{PACK_PREFIX}{os.urandom(8).hex()}{PACK_SUFFIX}"
            writer = self.store.writer(name)
            if writer is None:  # writes are off (check), or the folder cannot be written
                self._failed = True
                return None
            self._writing = (writer, name)
            # A build that fails or is dropped keeps nothing: its pack goes with it.
            self._finalizer = weakref.finalize(self, writer.discard)
        return self._writing[0]

    def seal(self, live: Iterable[Place]) -> dict[Stored, Stored]:
        """Put this build's pack under its name, first copying into it the live values of the packs worth
        emptying (see the module's docstring). Returns the new place of each value moved; none if the pack
        could not be written (then what it held reads as missing, and is made again)."""
        by_pack: dict[str, set[Stored]] = {}
        for place in live:
            if isinstance(place, Stored):
                by_pack.setdefault(place.pack, set()).add(place)
        mine = self._writing[1] if self._writing is not None else None
        older = {pack: places for pack, places in by_pack.items() if pack != mine}
        moved: dict[Stored, Stored] = {}
        for pack in self._worth_emptying(older):
            for place in sorted(older[pack], key=lambda place: place.offset):  # read in the pack's order
                data = self._read(place)
                writer = self._writer() if data is not None else None
                if writer is None:
                    continue  # unreadable: the index keeps it where it is, and a reuse makes it again
                offset = writer.length
                try:
                    writer.write(data)
                except OSError:
                    self._failed = True
                    break
                moved[place] = Stored(self._writing[1], offset, place.length, place.pickled)
        if self._writing is None:
            return moved
        writer = self._writing[0]
        self._finalizer.detach()
        self._finalizer = None
        try:
            if writer.length and not self._failed:
                writer.finish()
                self._writing = None
                return moved
        except OSError:
            pass
        writer.discard()
        self._writing, self._failed = None, True
        return {}

    def _worth_emptying(self, older: dict[str, set[Stored]]) -> list[str]:
        """The packs whose live values are better copied than kept: those mostly of values no entry names,
        and the smallest ones beyond MOST_PACKS - 1 (the new pack is one more)."""
        live_bytes = {pack: sum(place.length for place in places) for pack, places in older.items()}
        emptied = []
        for pack, live in live_bytes.items():
            try:
                size = (self.store.folder / pack).stat().st_size - EntryWriter.PAYLOAD_START
            except OSError:
                continue  # gone: its values are made again when reused
            if live * 2 < size:
                emptied.append(pack)
        kept = sorted((pack for pack in live_bytes if pack not in emptied), key=live_bytes.get, reverse=True)
        return emptied + kept[MOST_PACKS - 1:]

    def abandon(self) -> None:
        """Drop this build's pack (a build that saves nothing), and close what was read."""
        if self._finalizer is not None:
            self._finalizer()
        self._writing, self._finalizer = None, None
        self.close()

    def prune(self, named: Iterable[Place]) -> None:
        """Remove the packs the saved index does not name (after it is in place), and close what was read."""
        self.close()
        keep = {place.pack for place in named if isinstance(place, Stored)}
        try:
            with os.scandir(self.store.folder) as entries:
                names = [entry.name for entry in entries
                         if entry.name.startswith(PACK_PREFIX) and entry.name.endswith(PACK_SUFFIX)]
        except OSError:
            return
        for name in names:
            if name not in keep:
                try:
                    os.unlink(self.store.folder / name)
                except OSError:
                    pass

    def close(self) -> None:
        """Close the packs read from (the pack being written stays open until seal or abandon)."""
        for opened in self._packs.values():
            if opened is not None:
                opened[0].close()
        self._packs = {}
