"""What running a chart module produced, kept on disk (ROOT/.cache/charts/), so that a build whose chart inputs
have not changed runs no chart module, starts no chart worker and never imports Altair.

What is kept is what the chart worker sends back (isolation.py): the ChartModule without its Altair chart,
its Vega-Lite spec, and the problems found while making them. Only charts that were made are kept; a failing
chart runs again every build, so its problem is always reported from the module as it is now.

The key is everything that result depends on:
- the module's own text, and that of every other Python file in its folder (a module may import a helper
  beside it, charts/_helpers.py);
- the store it reads: every file of data/ and the site's language (which reads the numbers in excerpts);
- the themes (site.json's chart colours and font), which are part of the spec;
- the engine's own code (every .py file of the explainer package: the spec, the checks, the definition) and
  the versions of Altair and Python, which make the spec.
A chart module that reads anything else (a file, the clock) must not rely on this cache: charts/README.md says so.

An entry that cannot be read back, or whose bytes do not match the hash written with them, is ignored and the
chart runs again: a damaged cache costs time, never a wrong page. Entries are pickles, as the worker's answers
are; the cache folder belongs to the site, as trusted as its charts/, whose modules the build runs anyway.
"""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from ..disk_cache import DiskCache, canonical_json, content_key, engine_version
from ..errors import Problem

FORMAT = "chart-prepared-1"  # part of every key: change it when what is kept changes shape
_HASH_LENGTH = 64  # hex digits of SHA-256, written before the pickle


def prepared_key(path: Path, data: dict[Path, str], language: str, themes: dict) -> str | None:
    """The key of the chart module at path, or None if a file it depends on cannot be read (then it just runs)."""
    try:
        folder = sorted((neighbour.name, neighbour.read_bytes()) for neighbour in path.parent.glob("*.py"))
    except OSError:
        return None
    parts = [FORMAT, engine_version(), path.name, language, canonical_json(themes)]
    parts += [part for name, content in folder for part in (name, hashlib.sha256(content).hexdigest())]
    parts += [part for file, text in sorted(data.items()) for part in (file.as_posix(), text)]
    return content_key(*parts)


def load(cache: DiskCache, key: str | None) -> tuple[tuple, list[Problem]] | None:
    """The kept (prepared, problems) for key, or None when there is none or it is damaged."""
    if key is None:
        return None
    stored = cache.get(f"{key}.prepared")
    if stored is None or len(stored) <= _HASH_LENGTH:
        return None
    written, body = stored[:_HASH_LENGTH].decode("ascii", errors="replace"), stored[_HASH_LENGTH:]
    if hashlib.sha256(body).hexdigest() != written:
        return None
    try:
        prepared, problems = pickle.loads(body)
    except Exception:  # noqa: BLE001 -- a damaged or foreign entry of any kind is made again
        return None
    return prepared, list(problems)


def keep(cache: DiskCache, key: str | None, prepared: tuple, problems: list[Problem]) -> None:
    if key is None:
        return
    body = pickle.dumps((prepared, problems), protocol=pickle.HIGHEST_PROTOCOL)
    cache.put(f"{key}.prepared", hashlib.sha256(body).hexdigest().encode("ascii") + body)
