"""The preview's search index, made in its own thread once the edits pause.

Pagefind takes about 3 ms a page (0.2 s for the project's site; an edit on a site of 1,000 pages, in shards,
re-indexes its shard of about 60 pages and the vocabulary, about 0.3 s: publish/search_shards.py), more than a
Markdown edit's rebuild, so the preview does not wait for it: each good build is served at once with the
previous index (Rebuilder.search_files), and this thread makes the new index and adds it to the build being
served (PreviewState.add_files), without reloading any page. When builds come faster than indexes, only the
newest build is indexed. The index is search.search_index's, cached on disk like `python build.py`'s.

The index waits until no rebuild has run for QUIET_BEFORE_INDEX seconds: made beside a rebuild, its Python
work (about 100 ms of hashing and reading the kept shards at 1,000 pages) and Pagefind's processes took the
rebuild's lock and cores (a Markdown edit of the 1,000-page corpus rebuilt in 454 ms beside an index against
274 ms alone, medians of 8 on a busy machine), and nobody searches the preview while saving. An index already
under way when a rebuild starts (rebuilding) pauses its Python work, page by page and shard by shard, until the
rebuild ends: after a template edit it reads a thousand changed pages again, and a rebuild beside it took 1.9 s
against 1.3 s alone (bench/edit_latency.py, the corpus' template edit, medians of 5).
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

from ..publish.search import search_index

logger = logging.getLogger("explainer.preview.serve")
# Pagefind runs below the preview's priority: the editor's next rebuild gets the cores first, and the index,
# which nobody waits for, takes what is left.
INDEX_NICENESS = 10
# Seconds after the last rebuild ended before the index is made: longer than the pause between saves while someone
# edits.
QUIET_BEFORE_INDEX = 1.0


class SearchRefresh:
    """index(files): make the index of this build in the background once the edits pause (rebuilding() says a
    rebuild runs), then deliver(files, index_files)."""

    def __init__(self, root: Path, deliver: Callable[[dict[str, bytes], dict[str, bytes]], None],
                 quiet: float = QUIET_BEFORE_INDEX):
        self.root = root
        self.deliver = deliver
        self.quiet = quiet
        self._waiting: dict[str, bytes] | None = None
        self._due = 0.0  # time.monotonic() after which the waiting build may be indexed
        self._wake = threading.Condition()
        self._no_rebuild = threading.Event()  # cleared while a rebuild runs: the index's Python work waits
        self._no_rebuild.set()
        threading.Thread(target=self._run, name="search-index", daemon=True).start()

    def index(self, files: dict[str, bytes]) -> None:
        with self._wake:
            self._waiting = files  # a build not yet indexed is replaced by the newer one
            self._wake.notify()

    @contextlib.contextmanager
    def rebuilding(self) -> Iterator[None]:
        """A rebuild runs in the block: the waiting index waits for the edits to pause again, and an index under
        way waits for the block to end before its next page or shard."""
        with self._wake:
            self._due = time.monotonic() + self.quiet
        self._no_rebuild.clear()
        try:
            yield
        finally:
            # The pause is counted from the rebuild's end: from its start, an index became due the moment a
            # template edit's rebuild of a thousand pages (over a second) ended, and ran beside the next edit's
            # rebuild (1.47 s against 1.21 s without it, bench/edit_latency.py).
            with self._wake:
                self._due = time.monotonic() + self.quiet
            self._no_rebuild.set()

    def _next(self) -> dict[str, bytes]:
        """The newest build served, once no rebuild has run for `quiet` seconds."""
        with self._wake:
            while self._waiting is None or time.monotonic() < self._due:
                self._wake.wait(None if self._waiting is None else self._due - time.monotonic())
            files, self._waiting = self._waiting, None
            return files

    def _run(self) -> None:
        while True:
            files = self._next()
            try:
                made, problems = search_index(files, self.root, niceness=INDEX_NICENESS, may_go_on=self._no_rebuild)
            except Exception:  # noqa: BLE001 -- the pages stay served; only search is out of date
                logger.exception("the search index could not be made; search shows the previous one")
                continue
            for problem in problems:
                logger.warning("search index: %s", problem.message)
            if not problems:
                self.deliver(files, made.files)
