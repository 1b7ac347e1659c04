"""What running a chart module produced, kept on disk (ROOT/.cache/charts/), so that a build whose chart inputs
have not changed runs no chart module, starts no chart worker and never imports Altair.

What is kept is what the chart worker sends back (isolation.py): the ChartModule without its Altair chart,
its Vega-Lite spec, and the problems found while making them. Only charts that were made are kept; a failing
chart runs again every build, so its problem is always reported from the module as it is now.

An entry is kept under a key of everything that result depends on but the data:
- the module's own text, and that of every other Python file in its folder and the folders under it (a
  module may import a helper beside it, charts/_helpers.py, or in a folder of helpers, charts/_lib/words.py);
- the store's language (the edition's: which reads the numbers in excerpts, and which words of the module's WORDS
  and the engine's catalogue it writes) and the site's default language (what missing words fall back to);
- the themes (site.json's chart colours and font), which are part of the spec;
- the engine's own code (every .py file of the explainer package: the spec, the checks, the definition) and
  the versions of Altair and Python, which make the spec;
and it holds what the run read of the fact store, with the fingerprints those records had: the module is
given a store whose tables note each record asked for, and a whole table when it is looked through
(watched_store; a copy of a table, or dataclasses.asdict of the store, reads all of it), and whose index of the
facts stating series cells notes each cell looked up (definition.cell_fact reads one cell's fact, not every fact). The entry is used
while each of those records is unchanged (a record that was missing, still missing), so a fact edit runs
again only the charts that read that fact. `python build.py --no-cache` uses no entry.
A chart module that reads anything else (a file, the clock) must not rely on this cache: charts/README.md says so.

Entries are entries of the build's one store (incremental/disk_store.py), whose framing is checked on every read: an
entry that is damaged, cut short or foreign, or that does not decode, is ignored and the chart runs again (a
damaged cache costs time, never a wrong page), and the write replaces it. An entry is JSON, never a pickle:
reading it builds only the records listed in RECORDS (the chart module, its definition and columns,
annotations, citations, problems) from plain values, so nothing in .cache/ can run code. A result holding
anything else (a numpy number in the rows, say) is not kept: that chart runs every build.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import json
import math
from operator import attrgetter, methodcaller
from collections.abc import Callable, Mapping
from pathlib import Path, PurePath

from ..incremental.disk_store import DiskCache, canonical_json, content_key, engine_version
from ..errors import Problem
from ..store.facts import Citation, FactStore, record_fingerprint
from ..site_folder.inputs import files_under
from .definition import Annotation, ChartColumn, ChartDefinition
from .modules import ChartModule

FORMAT = "chart-prepared-3"  # part of every key: change it when what is kept changes shape


def prepared_key(path: Path, language: str, themes: dict, default_language: str = "") -> str | None:
    """The key of the chart module at path, or None if a file it depends on cannot be read (then it just runs)."""
    try:
        folder = [(neighbour.relative_to(path.parent).as_posix(), neighbour.read_bytes())
                  for neighbour in files_under(path.parent, "*.py")]
    except (OSError, ValueError):
        return None
    parts = [FORMAT, engine_version(), path.name, language, canonical_json(themes)]
    parts += [default_language] if default_language and default_language != language else []  # one edition: as before
    parts += [part for name, content in folder for part in (name, hashlib.sha256(content).hexdigest())]
    return content_key(*parts)


EVERY_RECORD = "*"  # in a table's reads: the module looked through the whole table
# The tables a module may read, each as the store gives it: its records, and the index of which fact states each series
# cell (FactStore.cell_index), so that looking up one cell's fact reads that entry and that fact, not every fact.
_RECORD_TABLES = ("sources", "facts", "series", "claims", "site_corrections")
_TABLES: dict[str, Callable[[FactStore], Mapping]] = {**{name: attrgetter(name) for name in _RECORD_TABLES},
                                                      "cells": methodcaller("cell_index")}
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
    view = dataclasses.replace(store)
    for table in _RECORD_TABLES:  # set past FactStore.__setattr__, which would copy (so read) each table
        object.__setattr__(view, table, _WatchedTable(getattr(store, table), reads[table]))
    # In place of the method, on this view alone; made when the module first looks a cell up, once.
    object.__setattr__(view, "cell_index", functools.cache(lambda: _WatchedTable(store.cell_index(), reads["cells"])))

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
        table = _TABLES[table_name](store)
        for record_id in list(table) if ids == [EVERY_RECORD] else ids:
            if (table_name, record_id) not in memo:
                memo[table_name, record_id] = (record_fingerprint(table.get(record_id)) or b"").hex()
            parts += [table_name, record_id, memo[table_name, record_id]]
    return content_key(*parts)


KeptBy = tuple[Reads, str]  # what an entry is kept by: what the module read of the store, and its fingerprint


def load(cache: DiskCache, key: str | None, store: FactStore, memo: dict,
         path: Path | None = None) -> tuple[tuple, list[Problem], KeptBy] | None:
    """The kept (prepared, problems) for key, and what it is kept by; or None when there is none, it is damaged, or
    a record it read is not what it was. path: the module's file now, which the result names instead of the one it
    was made from (the key covers the module's text and its folder's, not where the site folder is)."""
    if key is None:
        return None
    stored = cache.get(f"{key}.prepared")
    if stored is None:
        return None
    try:
        entry = json.loads(stored)
        reads, fingerprint = entry["reads"], entry["fingerprint"]
        if not (isinstance(reads, dict) and isinstance(fingerprint, str)
                and all(isinstance(table, str) and table in _TABLES and isinstance(ids, list)
                        and all(isinstance(record_id, str) for record_id in ids) for table, ids in reads.items())):
            return None
        if not read_the_same(store, (reads, fingerprint), memo):
            return None
        prepared, problems = _decode(entry["prepared"]), _decode(entry["problems"])
        module, spec = prepared
        if not (isinstance(module, ChartModule) and isinstance(spec, dict) and isinstance(problems, list)
                and all(isinstance(problem, Problem) for problem in problems)):
            return None
    except Exception:  # noqa: BLE001 -- a damaged or foreign entry of any kind is made again
        return None
    if path is not None and module.path != path:  # the site folder was moved or copied since
        made_from = module.path
        module = dataclasses.replace(module, path=path)
        problems = [dataclasses.replace(problem, path=path) if problem.path == made_from else problem
                    for problem in problems]
    return (module, spec), problems, (reads, fingerprint)


def keep(cache: DiskCache, key: str | None, prepared: tuple, problems: list[Problem], reads: Reads | None,
         store: FactStore, memo: dict) -> KeptBy | None:
    """Keep what a run made, with what it read of store (watched_store), and say what it is kept by; nothing (None)
    when that is not known, or when it holds what an entry cannot say exactly (see RECORDS)."""
    if key is None or reads is None:
        return None
    try:
        fingerprint = reads_fingerprint(store, reads, memo)
        entry = {"prepared": _encode(prepared), "problems": _encode(list(problems)), "reads": reads,
                 "fingerprint": fingerprint}
        body = json.dumps(entry, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        if _decode(json.loads(body)["prepared"]) != tuple(prepared):  # what a later build reads is what ran
            return None
    except (_NotKept, ValueError, TypeError, RecursionError):
        return None
    cache.put(f"{key}.prepared", body)
    return reads, fingerprint


def read_the_same(store: FactStore, kept_by: KeptBy, memo: dict) -> bool:
    """Whether store gives the records an entry read what they gave when it was kept."""
    reads, fingerprint = kept_by
    return reads_fingerprint(store, reads, memo) == fingerprint


# The records an entry may hold, by name: reading an entry builds these and plain values, nothing else.
RECORDS = {record.__name__: record for record in (ChartModule, ChartDefinition, ChartColumn, Annotation, Citation,
                                                   Problem)}


class _NotKept(Exception):
    """A value an entry cannot hold exactly: the result is not kept."""


def _encode(value):
    """value as JSON that says its types: a tuple, a dict, a path or a record is an object of one tagged key."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _NotKept("a number that is not finite")
        return value
    if kind is list:
        return [_encode(item) for item in value]
    if kind is tuple:
        return {"tuple": [_encode(item) for item in value]}
    if kind is dict:
        if all(type(name) is str for name in value):
            return {"dict": {name: _encode(item) for name, item in value.items()}}
        return {"pairs": [[_encode(name), _encode(item)] for name, item in value.items()]}
    if isinstance(value, PurePath) and kind is type(Path()):
        return {"path": str(value)}
    if RECORDS.get(kind.__name__) is kind:
        return {"record": kind.__name__,
                "fields": {field.name: _encode(getattr(value, field.name)) for field in dataclasses.fields(value)}}
    raise _NotKept(kind.__name__)


def _decode(value):
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [_decode(item) for item in value]
    if kind is not dict:
        raise ValueError("not a value of an entry")
    if len(value) == 1:
        ((tag, body),) = value.items()
        if tag == "tuple" and type(body) is list:
            return tuple(_decode(item) for item in body)
        if tag == "dict" and type(body) is dict:
            return {name: _decode(item) for name, item in body.items()}
        if tag == "pairs" and type(body) is list and all(type(pair) is list and len(pair) == 2 for pair in body):
            return {_decode(name): _decode(item) for name, item in body}
        if tag == "path" and type(body) is str:
            return Path(body)
    if set(value) == {"record", "fields"} and type(value["fields"]) is dict:
        record = RECORDS[value["record"]]  # KeyError for any other name
        names = {field.name for field in dataclasses.fields(record) if field.init}
        if not set(value["fields"]) <= names:
            raise ValueError("a field the record does not have")
        return record(**{name: _decode(item) for name, item in value["fields"].items()})
    raise ValueError("not a value of an entry")
