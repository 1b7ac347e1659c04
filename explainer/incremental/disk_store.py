"""The build's one store on disk (ROOT/.cache/): what is slow to make, kept for the next build.

Every kind of thing a build keeps lives here, each kind in a folder of its own: chart results and pictures
(charts/), the chart runtime (runtime/), share cards (share/), the search index (search/), and the build's
own record and stage cache (build/). Entries are named by a key: a hash of everything that determines the
value (the chart's spec and the renderer's version, say), so an entry is never stale: a changed input is a
new key.

One framing for every entry, checked on every read. A file is a header line, then the payload:

    explainer-store-2 <HMAC-SHA256 hex of "<kind>/<name>" NUL payload> <payload length in bytes>\\n<payload>

The stamp names this format: a change to it makes every old entry read as missing. The hash covers the
entry's own name, so a file copied under another name is foreign, and is keyed with a secret kept outside the
site (store_key), so an entry crafted to look whole is foreign too. A read that finds no such header, another
stamp, another length or another hash (an entry cut short by a full disk, zeroed by a crash, edited, or
written by another version) returns None, exactly as a missing entry does: the stage makes the value again
and the write replaces the damaged file. A damaged store costs time, never a wrong page.

Writes are atomic: the entry is written to a temporary file beside it (.tmp-<pid>-…), then renamed over the
name, so a reader sees the old entry or the new one, never half of one. They are not fsynced: a file the
system lost after a power cut fails its hash and is made again, which costs less than a disk flush per
entry. A build killed mid-write leaves its temporary file; the next build removes those of processes that
are no longer running, and any older than STALE_SECONDS (remove_stale_temporaries).

`python build.py check` writes nothing anywhere: it runs the build inside `no_cache_writes()`, which lets it
read the store but makes every write a no-op (what it has to render is made in memory and dropped).
`--no-cache` runs inside `no_cache_reads()`: every entry reads as missing, and what is made is kept.

Nothing read from the store is run: entries are bytes to publish (pictures, cards, the runtime, the index),
JSON, or incremental/build_cache.py's pickle, which incremental/kept_pickle.py reads back as plain data and engine records only.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import BinaryIO

from ..effects import libraries

# Context variables rather than parameters: the store sits several stages below the command that decides.
_WRITES_ALLOWED: ContextVar[bool] = ContextVar("cache_writes_allowed", default=True)
_READS_ALLOWED: ContextVar[bool] = ContextVar("cache_reads_allowed", default=True)
_ENGINE = Path(__file__).resolve().parent.parent  # the explainer package

STORE_FORMAT = b"explainer-store-2"  # the stamp on every entry: change it when the framing changes
_HEADER_LIMIT = len(STORE_FORMAT) + 1 + 64 + 1 + 20 + 1  # the longest header a reader looks for
TEMPORARY_PREFIX = ".tmp-"
STALE_SECONDS = 300  # a temporary file this old is abandoned whoever made it: an entry takes milliseconds


def cache_folder(root: Path) -> Path:
    """Where a site keeps what its builds made (ROOT/.cache/), each kind in a folder of its own."""
    return root / ".cache"


@cache
def engine_version() -> str:
    """A hash of the engine's code and of every file it ships beside it (the charts' fonts, the shipped chart runtime),
    its catalogues of readers' words and the libraries that make a spec: any change gives new keys."""
    digest = hashlib.sha256()
    for path in _shipped_files():
        digest.update(path.relative_to(_ENGINE).as_posix().encode("utf-8") + b"\x00" + path.read_bytes() + b"\x00")
    # The theme's words (render/words.py reads the catalogues beside the engine): a changed translation is new output.
    for path in sorted((_ENGINE.parent / "locale").rglob("*.po")):
        digest.update(path.relative_to(_ENGINE.parent).as_posix().encode("utf-8") + b"\x00" + path.read_bytes())
    digest.update(f"{libraries.version('altair')} {sys.version}".encode("utf-8"))
    return digest.hexdigest()


def _shipped_files() -> list[Path]:
    """Every file of the engine's folder, in order, but Python's bytecode caches (what the running code made)."""
    found = []
    for folder, subfolders, names in os.walk(_ENGINE):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [Path(folder) / name for name in names]
    return sorted(found)


def no_cache_reads():
    """Within this block, DiskCache.get finds nothing (for `--no-cache`: everything is made afresh, and kept)."""
    return _switched_off(_READS_ALLOWED)


def no_cache_writes():
    """Within this block, DiskCache.put writes nothing (for `check`, which must leave the disk as it found it)."""
    return _switched_off(_WRITES_ALLOWED)


def writes_allowed() -> bool:
    return _WRITES_ALLOWED.get()


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


def _entry_hash(label: bytes, payload: bytes) -> bytes:
    digest = _entry_digest(label)
    digest.update(payload)
    return digest.hexdigest().encode("ascii")


def _entry_digest(label: bytes) -> hmac.HMAC:
    """The frame's HMAC of an entry, before its payload (_entry_hash)."""
    digest = hmac.new(store_key(), label, hashlib.sha256)
    digest.update(b"\x00")
    return digest


@cache
def store_key() -> bytes:
    """The secret the entries' hashes are keyed with, kept outside every site folder (in the user's cache
    folder, made once): an entry crafted elsewhere (a CI cache restored from a fork, a copied .cache/) cannot
    carry a valid hash, so it is made again rather than published. Where that folder cannot be written, a key
    for this process alone: nothing is reused across builds, and nothing foreign is trusted."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "explainer"
    path = folder / "store-key"
    try:
        return _read_key(path)
    except OSError:
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=folder)
        with os.fdopen(handle, "wb") as file:
            file.write(os.urandom(32))
        try:
            os.link(temporary, path)  # never replaces a key another process made first
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
        return _read_key(path)
    except OSError:
        return os.urandom(32)


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != 32:
        raise OSError(f"{path}: not a key")
    return key


def frame(label: str, payload: bytes) -> bytes:
    """The header that goes before payload in the entry label ("<kind>/<name>")."""
    return b"%s %s %d\n" % (STORE_FORMAT, _entry_hash(label.encode("utf-8", "surrogatepass"), payload),
                            len(payload))


def unframe(label: str, stored: bytes) -> bytes | None:
    """The payload of a stored entry, or None if it is not a whole, undamaged entry of this name and format."""
    start = _payload_start(label, io.BytesIO(stored))
    return None if start is None else stored[start:]


def _payload_start(label: str, stored: BinaryIO) -> int | None:
    """Where a stored entry's payload starts in the file (unframe), read in pieces: a large entry is never
    whole in memory."""
    head = stored.read(_HEADER_LIMIT)
    end = head.find(b"\n")
    if end < 0:
        return None
    parts = head[:end].split(b" ")
    if len(parts) != 3 or parts[0] != STORE_FORMAT or not parts[2].isdigit():
        return None
    stored.seek(end + 1)
    digest, length = _entry_digest(label.encode("utf-8", "surrogatepass")), 0
    while piece := stored.read(_PIECE):
        digest.update(piece)
        length += len(piece)
    if int(parts[2]) != length or digest.hexdigest().encode("ascii") != parts[1]:
        return None
    return end + 1


_PIECE = 1 << 20


class _Hashing:
    """A file to write a payload to, hashing it as it goes (the frame's HMAC, _entry_hash) and counting it."""

    def __init__(self, file: BinaryIO, label: str):
        self.file, self.length = file, 0
        self.digest = _entry_digest(label.encode("utf-8", "surrogatepass"))

    def write(self, data) -> int:
        self.digest.update(data)
        self.length += memoryview(data).nbytes
        return self.file.write(data)


class EntryWriter:
    """One entry written piece by piece (DiskCache.writer): to a temporary file beside its name, hashing as it goes.
    The frame goes before the payload and is known only after it: its length is written with leading zeros, to
    the width a reader accepts (_HEADER_LIMIT), over a placeholder of the same size written first, so the
    payload starts at PAYLOAD_START."""

    PAYLOAD_START = _HEADER_LIMIT

    def __init__(self, folder: Path, label: str, target: Path):
        folder.mkdir(parents=True, exist_ok=True)
        handle, self.temporary = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", dir=folder)
        self.target, self.file = target, os.fdopen(handle, "wb")
        try:
            self.file.write(b"\n" * _HEADER_LIMIT)
        except OSError:
            self.discard()
            raise
        self._hashing = _Hashing(self.file, label)

    @property
    def length(self) -> int:
        """The payload written so far."""
        return self._hashing.length

    def write(self, data) -> int:
        return self._hashing.write(data)

    def finish(self) -> None:
        """Write the frame and put the entry under its name (atomically: a reader sees the old entry or this one)."""
        width = _HEADER_LIMIT - len(STORE_FORMAT) - 64 - 3
        self.file.seek(0)
        self.file.write(b"%s %s %0*d\n" % (STORE_FORMAT, self._hashing.digest.hexdigest().encode("ascii"), width,
                                           self._hashing.length))
        self.file.close()
        os.replace(self.temporary, self.target)

    def discard(self) -> None:
        """Leave nothing behind: no entry, no temporary file."""
        try:
            self.file.close()
        except OSError:
            pass
        Path(self.temporary).unlink(missing_ok=True)


class DiskCache:
    """One kind's folder of the store (ROOT/.cache/<kind>/): get and put whole entries by name."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _label(self, name: str) -> str:
        return f"{self.folder.name}/{name}"

    def get(self, name: str) -> bytes | None:
        """The entry's payload; None if there is none, or it is damaged, cut short or foreign."""
        if not _READS_ALLOWED.get():
            return None
        try:
            stored = (self.folder / name).read_bytes()
        except OSError:
            return None
        return unframe(self._label(name), stored)

    def open(self, name: str) -> BinaryIO | None:
        """get(name) as an open file, checked and positioned at the payload, for the caller to read and close:
        a large entry (build_cache.py's: 47 MB at 1,000 pages) is read in pieces, never whole in memory. The file
        read is the one checked: a later put replaces the name, never the file's bytes."""
        if not _READS_ALLOWED.get():
            return None
        try:
            file = (self.folder / name).open("rb")
        except OSError:
            return None
        try:
            start = _payload_start(self._label(name), file)
        except OSError:
            start = None
        if start is None:
            file.close()
            return None
        file.seek(start)
        return file

    def put_written(self, name: str, write: Callable[[BinaryIO], None]) -> None:
        """put(name, payload), the payload written by write(file) as it is made, so it is never whole in memory."""
        entry = self.writer(name)
        if entry is None:
            return
        try:
            write(entry)
            entry.finish()
        except BaseException as error:  # write() failing (not only the disk) leaves no half-written file either
            entry.discard()
            if not isinstance(error, OSError):  # a read-only checkout still builds, only more slowly
                raise

    def writer(self, name: str) -> EntryWriter | None:
        """An entry to write piece by piece, put under name by its finish(); None while writes are off or when the
        folder cannot be written."""
        if not _WRITES_ALLOWED.get():
            return None
        try:
            return EntryWriter(self.folder, self._label(name), self.folder / name)
        except OSError:
            return None

    def put(self, name: str, data: bytes) -> None:
        """Write atomically, so a build interrupted mid-write (or running in parallel) never leaves half an
        entry under its name; a temporary file it leaves is removed by a later build."""
        if not _WRITES_ALLOWED.get():
            return
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", dir=self.folder)
            with os.fdopen(handle, "wb") as file:
                file.write(frame(self._label(name), data))
                file.write(data)
            os.replace(temporary, self.folder / name)
        except OSError:  # a read-only checkout still builds, only more slowly
            if temporary:
                Path(temporary).unlink(missing_ok=True)


def remove_stale_temporaries(root: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files that killed writes left in the store (ROOT/.cache/ and its kinds' folders):
    those of processes no longer running, and any older than STALE_SECONDS. Nothing when writes are off."""
    if not _WRITES_ALLOWED.get():
        return []
    now = time.time() if now is None else now
    store = cache_folder(root)
    removed: list[Path] = []
    folders = [store]
    try:
        with os.scandir(store) as entries:
            folders += [Path(entry.path) for entry in entries if entry.is_dir(follow_symlinks=False)]
    except OSError:  # no store yet
        return removed
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                found = [entry for entry in entries if entry.name.startswith(TEMPORARY_PREFIX)]
            for entry in found:
                if _abandoned(entry, now):
                    try:
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
                    except FileNotFoundError:  # its writer renamed it, or another build removed it
                        pass
        except OSError:
            continue
    return removed


def _abandoned(entry: os.DirEntry, now: float) -> bool:
    try:
        if not entry.is_file(follow_symlinks=False):
            return False
        if now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS:
            return True
    except OSError:
        return False
    pid = entry.name.removeprefix(TEMPORARY_PREFIX).split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():  # another thread of this process may be writing it
        return False
    return not _running(int(pid))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: no process has such a number
        return False
    except PermissionError:  # another user's
        return True
    return True
