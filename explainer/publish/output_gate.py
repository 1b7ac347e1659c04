"""The output gate: every URL in every HTML, SVG and CSS file the build writes, checked at the end.

Markup is made in many places (Markdown, templates, cards, charts), so the guarantee is here rather than in
each of them. Each URL is read as a browser reads it (publish/url_scan.py). Then only these pass:

- a link a reader follows (`<a href>`, `<area href>`): the site's own files, http(s): and mailto:;
- anything the browser loads by itself (src, srcset, stylesheets, CSS url() and @import, forms, posters…):
  only the site's own files, or an inline `data:` image;

and a link to the site's own files must lead to a file the build writes, and to an element id that exists
in it when it names one (`page.html#anchor`, `#anchor`).

Scanning the files is nine tenths of the gate's work (0.6 s of 0.67 at 1,000 pages): a build hands each file to
GateScans as it finishes it, which scans it in worker processes while the templates make the next pages, or
not at all when the previous build scanned the same bytes.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..effects.worker_pool import BackgroundWorkers, Handed
from ..incremental.kept_values import InMemory, PackedValues, Place
from ..errors import Problem, problem_at
from .url_scan import TagFindings, UrlAt, browser_url, scan, scan_css, scan_files, written_url

__all__ = ["GateMemory", "GateScans", "browser_url", "check_output"]

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SCANNED = (".html", ".svg")  # the files whose scans are kept, and whose ids links may name

# (file, hash of its bytes) → its scan: where its URLs are kept (GateMemory.values), and its ids
ScanKey = tuple[str, bytes]
Scans = dict[ScanKey, tuple[Place, set[str]]]


@dataclass
class GateMemory:
    """What the gate keeps from one build to the next (build_cache.BuildCache.gate): each file's scan by its
    bytes, and each file's verdicts, which stay true while the site has the same files and every file the
    same ids (a link's verdict depends only on them): a Markdown edit checks one page, not a thousand.

    Each file's URLs are kept in values (incremental/kept_values.py): `python build.py` writes them to disk as
    each file is scanned and reads back only those of the files it checks again (a hundred thousand URLs at a
    thousand pages); the preview keeps them in memory. The ids of every file stay here: every check reads them."""

    scans: Scans = field(default_factory=dict)
    names: frozenset[str] = frozenset()
    ids: dict[str, set[str]] = field(default_factory=dict)
    problems: dict[ScanKey, list[Problem]] = field(default_factory=dict)  # by scan key; only [] kept
    values: InMemory | PackedValues = field(default_factory=InMemory, repr=False, compare=False)
    # The preview hands the same bytes objects to every build for the pages it did not make again: each one's hash,
    # by identity (the object kept alive, so its id is not reused), spares hashing 25 MB at 1,000 pages per edit.
    # Only for files held in memory anyway (a dict); never kept on disk.
    hashes: dict[int, tuple[bytes, bytes]] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:  # kept on disk without where its values are: the loader gives that again
        return {name: value for name, value in self.__dict__.items() if name not in ("values", "hashes")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.values, self.hashes = InMemory(), {}


class GateScans:
    """The scans of the HTML and SVG files of one build, made as the build hands each file over (add): a file
    whose bytes memory has scanned is not scanned again; the others go to worker processes BATCH at a time, or
    BATCH_BYTES (workers: effects/worker_pool.py), so that they are scanned while the templates make the next pages,
    and what is left when the build is done (finished) is scanned here. No file is kept: each batch's bytes go
    as soon as its scans are back. held_in_memory: the files stay in memory anyway (the preview's dict), so
    each one's hash may be kept by its identity (GateMemory.hashes)."""

    # Pages: about 0.4 MB to send, 8 ms of a worker's time. The build waits at its end for the last batch and for a
    # worker that started late: with 64, a preview fact edit's 80 changed pages started the worker near the end of
    # the templates and then waited 60-70 ms for it; with 16, 20-25 ms.
    BATCH = 16
    # …or fewer, once they hold this many bytes: a big page (the corpus' Sources page, 450 KB, 20 ms to scan, made
    # first) goes at once, rather than with the next fifteen pages near the end of a fact edit's templates.
    BATCH_BYTES = 256 * 1024

    def __init__(self, memory: GateMemory | None = None, workers: BackgroundWorkers | None = None,
                 held_in_memory: bool = False):
        self.memory, self.workers = memory, workers
        self.found: dict[str, tuple[ScanKey, tuple[list[UrlAt] | Place, set[str]]]] = {}
        self._known_hashes = memory.hashes if memory is not None and held_in_memory else None
        self._hashes: dict[int, tuple[bytes, bytes]] = {}
        self._waiting: list[tuple[ScanKey, bytes]] = []
        self._sent: deque[tuple[Handed, list[ScanKey]]] = deque()
        self._workers_started = False
        self._read_tags: dict[str, TagFindings | None] = {}
        self._latest: dict[str, ScanKey] = {}  # each file's last bytes handed over: a scan of earlier ones is dropped

    def add(self, name: str, data: bytes) -> None:
        """Hand over one finished file (its site-relative path, its bytes); a file that is not HTML or SVG is
        ignored, and a file handed over again replaces the first."""
        if not name.endswith(_SCANNED):
            return
        key = self._latest[name] = (name, self._digest(data))
        kept = self.memory.scans.get(key) if self.memory is not None else None
        if kept is not None:
            self.found[name] = (key, kept)
            return
        self.found.pop(name, None)
        self._waiting.append((key, data))
        if len(self._waiting) >= self.BATCH or sum(len(waiting) for _, waiting in self._waiting) >= self.BATCH_BYTES:
            self._send()

    def handed_over(self, name: str) -> bool:
        """Whether the file was handed over (its scan found, kept, or on its way)."""
        return name in self._latest

    def finished(self) -> dict[str, tuple[ScanKey, tuple[list[UrlAt] | Place, set[str]]]]:
        """Every file's scan key and scan, once every file is handed over."""
        if self._waiting:
            if self._workers_started:  # the rest goes there too
                self._send()
            else:
                self._take([key for key, _ in self._waiting], [scan(data, self._read_tags) for _, data in self._waiting])
                self._waiting = []
        # The last half of what the worker has not started is scanned here, while it does the first: a template edit's
        # thousand pages left the worker 90 ms of scans behind the templates, which the build waited for.
        taken_back = []
        while len(taken_back) < len(self._sent) and self._sent[-1][0].take_back():
            taken_back.append(self._sent.pop())
        for handed, keys in taken_back:
            self._take(keys, handed.result())
        self._collect(wait=True)
        if self.memory is not None and self._known_hashes is not None:
            self.memory.hashes = self._hashes
        return self.found

    def _digest(self, data: bytes) -> bytes:
        known = self._known_hashes.get(id(data)) if self._known_hashes is not None else None
        # SHA-256, which CPUs compute in hardware: twice blake2b's speed here, on every page of every build.
        digest = known[1] if known is not None and known[0] is data else hashlib.sha256(data).digest()[:16]
        if self._known_hashes is not None:
            self._hashes[id(data)] = (data, digest)
        return digest

    def _send(self) -> None:
        batch, self._waiting = self._waiting, []
        handed = self.workers.hand_over(scan_files, [data for _, data in batch]) if self.workers is not None else None
        if handed is None or not handed.taken:  # no workers here (one core, no fork server): scanned now
            self._take([key for key, _ in batch], [scan(data, self._read_tags) for _, data in batch])
            return
        self._workers_started = True
        self._sent.append((handed, [key for key, _ in batch]))
        self._collect(wait=False)

    def _collect(self, wait: bool) -> None:
        """Take the scans the workers have sent back (all of them, waiting: wait), in the order sent."""
        while self._sent and (wait or self._sent[0][0].done()):
            handed, keys = self._sent.popleft()
            self._take(keys, handed.result())

    def _take(self, keys: list[ScanKey], scans: list) -> None:
        for key, (urls, ids) in zip(keys, scans):
            if self._latest.get(key[0]) != key:  # handed over again since, with other bytes
                continue
            # Kept away as soon as found: the URLs of every page at once would grow with the site.
            self.found[key[0]] = (key, (self.memory.values.put(urls) if self.memory is not None else urls, ids))


def urls_and_ids(files: dict[str, bytes], memory: GateMemory | None = None, scans: GateScans | None = None
                 ) -> tuple[dict[str, list[UrlAt] | Place], dict[str, set[str]], dict[str, ScanKey]]:
    """Each file's URLs (where memory keeps them, for an HTML or SVG file: _found_urls), each HTML or SVG file's
    ids, and the scan key of each file whose scan may be kept (not CSS, which is read every time). scans: what
    the build handed over as it finished the files; any other file is read here. memory: the previous build's
    scans, read and then replaced by this build's: a rebuild scans only the files whose bytes changed."""
    scans = scans if scans is not None else GateScans(memory, held_in_memory=isinstance(files, dict))
    urls: dict[str, list[UrlAt] | Place] = {}
    stylesheets = []
    for name in sorted(files):
        if name.endswith(_SCANNED) and not scans.handed_over(name):
            scans.add(name, files[name])
        elif name.endswith(".css"):
            stylesheets.append(name)
    found = {name: scanned for name, scanned in scans.finished().items() if name in files}
    ids: dict[str, set[str]] = {}
    keys: dict[str, ScanKey] = {}
    for name in sorted(found):
        keys[name], (urls[name], ids[name]) = found[name]
    for name in stylesheets:
        urls[name] = scan_css(files[name])
    if memory is not None:  # only what this build wrote: the memory stays the size of one site
        memory.scans = {key: scanned for key, scanned in found.values()}
    return urls, ids, keys


def _found_urls(name: str, urls: list[UrlAt] | Place, files: dict[str, bytes],
                memory: GateMemory | None) -> list[UrlAt]:
    """A file's URLs, read back from where memory keeps them, or found again if they cannot be read."""
    if isinstance(urls, list):
        return urls
    found = memory.values.get(urls) if memory is not None else None
    return found if isinstance(found, list) else scan(files[name], {})[0]


def refusal(file: str, url: str, followed: bool, files: dict[str, bytes], ids: dict[str, set[str]]) -> str | None:
    """Why this URL, found in file, may not be published, or None. followed: a link the reader clicks, rather than
    something the browser loads by itself."""
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if followed and name in ("http", "https", "mailto"):
            return None
        if not followed and name == "data" and re.match(r"(?i)data:(image/(png|gif|jpeg|webp)[;,]|,)", url):
            return None
        if followed:
            return f'the link "{url}" uses the scheme "{name}:": only http(s):, mailto: and the site\'s own pages.'
        return f'"{url}" would make readers\' browsers load something from outside the site: copy it into assets/.'
    if url.startswith("//") or url.startswith("\\\\"):
        if followed:
            return None
        return f'"{url}" would make readers\' browsers load something from another site: copy it into assets/.'
    parts = urlsplit(url)
    path = unquote(parts.path)
    target = file if not path else posixpath.normpath(posixpath.join(posixpath.dirname(file), path))
    if target.startswith("../") or target == "..":
        return f'"{url}" leads outside the site.'
    if path.endswith("/") or target in ("", "."):
        target = posixpath.join(target, "index.html").lstrip("./") if target not in ("", ".") else "index.html"
    if target not in files:
        return f'"{url}" leads to {target}, which the site does not have.'
    if parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
        return f'"{url}" leads to #{unquote(parts.fragment)}, which {target} does not have.'
    return None


def check_output(files: dict[str, bytes], origins: dict[str, tuple[Path, str]] | None = None,
                 memory: GateMemory | None = None, scans: GateScans | None = None) -> list[Problem]:
    """Every URL that may not be published, as a problem placed in the file that produced it where known
    (origins: site-relative output path → (source path, source text)), or else in the output file.
    memory: what the previous build's check kept (GateMemory), updated for the next. scans: the files' scans as
    the build handed them over (GateScans, made with the same memory)."""
    origins = origins or {}
    urls, ids, keys = urls_and_ids(files, memory, scans)
    names = frozenset(files)
    same_site = memory is not None and memory.names == names and memory.ids == ids
    kept_problems = memory.problems if same_site else {}
    problems: list[Problem] = []
    clean: dict[ScanKey, list[Problem]] = {}
    decided: dict[tuple, str | None] = {}  # the same link on many pages is decided once
    for name, found_urls in urls.items():
        key = keys.get(name)
        if key is not None and key in kept_problems:
            clean[key] = []
            continue
        found_problems = _file_problems(name, _found_urls(name, found_urls, files, memory), files, ids, origins,
                                        decided)
        problems += found_problems
        if key is not None and not found_problems:  # a file with problems is checked again: its source may move
            clean[key] = []
    if memory is not None:
        memory.names, memory.ids, memory.problems = names, ids, clean
    return problems


def _file_problems(name: str, found_urls: list[UrlAt], files: dict[str, bytes], ids: dict[str, set[str]],
                   origins: dict[str, tuple[Path, str]], decided: dict[tuple, str | None]) -> list[Problem]:
    problems = []
    folder = posixpath.dirname(name)
    for at in found_urls:
        line, col, url, followed = at
        if url.startswith("#") or not url:
            # Within its own page: decided at once, never kept (each page's own marks and cards: a hundred thousand
            # such links at 4,000 pages, none shared, held 50 MB in `decided`).
            reason = refusal(name, url, followed, files, ids)
        else:
            key = (folder, url, followed)
            if key not in decided:
                decided[key] = refusal(name, url, followed, files, ids)
            reason = decided[key]
        if reason is None:
            continue
        origin = origins.get(name)
        if origin is not None:
            path, text = origin
            offset = _offset_in_source(text, written_url(files[name], at) if name.endswith(_SCANNED) else url)
            offset = _offset_in_source(text, url) if offset is None else offset
            if offset is not None:
                problems.append(problem_at(path, text, offset, f"{reason} Fix or remove the link."))
                continue
        problems.append(Problem(Path(name), line, col,
                                f"in the built file {name}: {reason} Fix the template or data that wrote it."))
    return problems


def _offset_in_source(text: str, url: str) -> int | None:
    """Where the source file writes this URL; None when it is written differently (encoded, in a template)."""
    for candidate in (url, url.split("#", 1)[0]):
        if candidate and candidate in text:
            return text.index(candidate)
    for candidate in (url, url.split("#", 1)[0]):
        loose = _loosely_written(candidate)
        found = loose.search(text) if loose is not None else None
        if found is not None:
            return found.start()
    return None


_MOST_LOOSE_CHARACTERS = 2_000  # a longer refused URL is placed in the built file: no pattern of that size


def _loosely_written(url: str) -> re.Pattern | None:
    """The URL as a source may write it with white space the built file does not show the same way: Python-
    Markdown turns a tab into spaces, and a browser drops tabs and newlines ("java<tab>script:" in a Markdown
    link is "java script:" in the page, and "javascript:" to a browser). Any run of white space, or none,
    between two characters."""
    characters = [character for character in url if not character.isspace()]
    if not characters or len(characters) > _MOST_LOOSE_CHARACTERS:
        return None
    return re.compile(r"[ \t\r\n]*".join(map(re.escape, characters)))
