"""What running a chart module produced, kept on disk (ROOT/.cache/charts/), so that a build whose chart inputs
have not changed runs no chart module, starts no chart worker and never imports Altair.

What is kept is what the chart worker sends back (isolation.py): the ChartModule without its Altair chart,
its Vega-Lite spec, and the problems found while making them. Only charts that were made are kept; a failing
chart runs again every build, so its problem is always reported from the module as it is now.

An entry is kept under a key of everything that result depends on but the data:
- the module's own text, and that of every other Python file in its folder (a module may import a helper
  beside it, charts/_helpers.py);
- the site's language (which reads the numbers in excerpts);
- the themes (site.json's chart colours and font), which are part of the spec;
- the engine's own code (every .py file of the explainer package: the spec, the checks, the definition) and
  the versions of Altair and Python, which make the spec;
and it holds what the run read of the fact store, with the fingerprints those records had: the module is
given a store whose tables note each record asked for, and a whole table when it is looked through
(watched_store; a copy of a table, or dataclasses.asdict of the store, reads all of it). The entry is used
while each of those records is unchanged (a record that was missing, still missing), so a fact edit runs
again only the charts that read that fact. `python build.py --no-cache` uses no entry.
A chart module that reads anything else (a file, the clock) must not rely on this cache: charts/README.md says so.

An entry that cannot be read back, or whose bytes do not match the hash written with them, is ignored and the
chart runs again: a damaged cache costs time, never a wrong page. Entries are pickles, as the worker's answers
are; the cache folder belongs to the site, as trusted as its charts/, whose modules the build runs anyway.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path

from ..disk_cache import DiskCache, canonical_json, content_key, engine_version
from ..errors import Problem
from ..facts import FactStore, record_fingerprint

FORMAT = "chart-prepared-2"  # part of every key: change it when what is kept changes shape
_HASH_LENGTH = 64  # hex digits of SHA-256, written before the pickle


def prepared_key(path: Path, language: str, themes: dict) -> str | None:
    """The key of the chart module at path, or None if a file it depends on cannot be read (then it just runs)."""
    try:
        folder = sorted((neighbour.name, neighbour.read_bytes()) for neighbour in path.parent.glob("*.py"))
    except OSError:
        return None
    parts = [FORMAT, engine_version(), path.name, language, canonical_json(themes)]
    parts += [part for name, content in folder for part in (name, hashlib.sha256(content).hexdigest())]
    return content_key(*parts)


EVERY_RECORD = "*"  # in a table's reads: the module looked through the whole table
_TABLES = ("sources", "facts", "series", "claims")
Reads = dict[str, list[str]]  # table name → the ids read (sorted), or [EVERY_RECORD]


class _WatchedTable(Mapping):
    """A table of the store as a chart module sees it, noting what the module reads of it."""

    def __init__(self, table: dict, reads: set[str]):
        self._table, self._reads = table, reads

    def __getitem__(self, record_id):
        self._reads.add(record_id)  # a missing id too: the chart's result depends on its being missing
        return self._table[record_id]

    def __contains__(self, record_id) -> bool:
        self._reads.add(record_id)
        return record_id in self._table

    def __iter__(self):
        self._reads.add(EVERY_RECORD)
        return iter(self._table)

    def __len__(self) -> int:
        self._reads.add(EVERY_RECORD)
        return len(self._table)

    # What a dict offers beyond a Mapping, and the ways to copy one: each reads every record.
    def copy(self) -> dict:
        self._reads.add(EVERY_RECORD)
        return dict(self._table)

    def __or__(self, other) -> dict:
        return {**self.copy(), **other}

    def __ror__(self, other) -> dict:
        return {**other, **self.copy()}

    def __copy__(self) -> dict:
        return self.copy()

    def __deepcopy__(self, memo) -> dict:  # copy.deepcopy, and dataclasses.asdict(store), which uses it
        return copy.deepcopy(self.copy(), memo)

    def __reduce__(self):
        return dict, (self.copy(),)


def watched_store(store: FactStore) -> tuple[FactStore, Callable[[], Reads]]:
    """The store as a chart module is given it, and a function that says what was read of it so far."""
    reads: dict[str, set[str]] = {table: set() for table in _TABLES}
    view = dataclasses.replace(store, **{table: _WatchedTable(getattr(store, table), reads[table])
                                         for table in _TABLES})

    def what_was_read() -> Reads:
        return {table: [EVERY_RECORD] if EVERY_RECORD in ids else sorted(map(str, ids))
                for table, ids in reads.items() if ids}

    return view, what_was_read


def reads_fingerprint(store: FactStore, reads: Reads, memo: dict | None = None) -> str:
    """The fingerprints, in store, of the records a run read (a whole table's in its order). memo: the
    fingerprints already taken of this store, so that a build takes each record's once."""
    memo = {} if memo is None else memo
    parts = []
    for table_name, ids in sorted(reads.items()):
        table = getattr(store, table_name)
        for record_id in list(table) if ids == [EVERY_RECORD] else ids:
            if (table_name, record_id) not in memo:
                memo[table_name, record_id] = (record_fingerprint(table.get(record_id)) or b"").hex()
            parts += [table_name, record_id, memo[table_name, record_id]]
    return content_key(*parts)


def load(cache: DiskCache, key: str | None, store: FactStore, memo: dict) -> tuple[tuple, list[Problem]] | None:
    """The kept (prepared, problems) for key, or None when there is none, it is damaged, or a record it read is
    not what it was."""
    if key is None:
        return None
    stored = cache.get(f"{key}.prepared")
    if stored is None or len(stored) <= _HASH_LENGTH:
        return None
    written, body = stored[:_HASH_LENGTH].decode("ascii", errors="replace"), stored[_HASH_LENGTH:]
    if hashlib.sha256(body).hexdigest() != written:
        return None
    try:
        prepared, problems, reads, fingerprint = pickle.loads(body)
        if reads_fingerprint(store, reads, memo) != fingerprint:
            return None
    except Exception:  # noqa: BLE001 -- a damaged or foreign entry of any kind is made again
        return None
    return prepared, list(problems)


def keep(cache: DiskCache, key: str | None, prepared: tuple, problems: list[Problem], reads: Reads | None,
         store: FactStore, memo: dict) -> None:
    """Keep what a run made, with what it read of store (watched_store); nothing when that is not known."""
    if key is None or reads is None:
        return
    body = pickle.dumps((prepared, problems, reads, reads_fingerprint(store, reads, memo)),
                        protocol=pickle.HIGHEST_PROTOCOL)
    cache.put(f"{key}.prepared", hashlib.sha256(body).hexdigest().encode("ascii") + body)
