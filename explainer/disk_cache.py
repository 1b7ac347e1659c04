"""A small content-addressed file cache on disk (ROOT/.cache/), for what is slow to make and never changes.

Keys are hashes of everything that determines the value (the chart's spec and the renderer's version), so an
entry is never stale: a changed input is a new key. A failure to read or write the cache only costs time.

`python build.py check` writes nothing anywhere: it runs the build inside `no_cache_writes()`, which lets it read
the cache but makes every write a no-op (the SVGs it has to render are made in memory and dropped).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

# Context variables rather than parameters: the cache sits several stages below the command that decides.
_WRITES_ALLOWED: ContextVar[bool] = ContextVar("cache_writes_allowed", default=True)
_READS_ALLOWED: ContextVar[bool] = ContextVar("cache_reads_allowed", default=True)
_ENGINE = Path(__file__).resolve().parent  # the explainer package


def cache_folder(root: Path) -> Path:
    """Where a site keeps what its builds made (ROOT/.cache/), each kind in a folder of its own."""
    return root / ".cache"


@cache
def engine_version() -> str:
    """A hash of the engine's code and of the libraries that make a spec: any change gives new keys."""
    digest = hashlib.sha256()
    for path in sorted(_ENGINE.rglob("*.py")):
        digest.update(path.relative_to(_ENGINE).as_posix().encode("utf-8") + b"\x00" + path.read_bytes() + b"\x00")
    digest.update(f"{importlib.metadata.version('altair')} {sys.version}".encode("utf-8"))
    return digest.hexdigest()


def no_cache_reads():
    """Within this block, DiskCache.get finds nothing (for `--no-cache`: everything is made afresh, and kept)."""
    return _switched_off(_READS_ALLOWED)


def no_cache_writes():
    """Within this block, DiskCache.put writes nothing (for `check`, which must leave the disk as it found it)."""
    return _switched_off(_WRITES_ALLOWED)


@contextmanager
def _switched_off(allowed: ContextVar[bool]):
    token = allowed.set(False)
    try:
        yield
    finally:
        allowed.reset(token)


def content_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")  # so ("ab", "c") and ("a", "bc") differ
    return digest.hexdigest()


def canonical_json(value) -> str:
    """One spelling per value: the same spec always hashes to the same key."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class DiskCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, name: str) -> bytes | None:
        if not _READS_ALLOWED.get():
            return None
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def put(self, name: str, data: bytes) -> None:
        """Write atomically, so a build interrupted mid-write (or running in parallel) never leaves half a file."""
        if not _WRITES_ALLOWED.get():
            return
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, self.folder / name)
        except OSError:  # a read-only checkout still builds, only more slowly
            if temporary:
                Path(temporary).unlink(missing_ok=True)
