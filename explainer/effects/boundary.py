"""What build() may do besides computing, passed in as one object, as Observable Framework's build() takes its
BuildEffects (src/build.ts): the pipeline stays a function of its inputs, and each caller says what it allows.

- memo: what the stages reuse from earlier builds, kept with what each result read (build_cache.BuildCache:
  the preview's, in memory; `python build.py`'s, loaded from ROOT/.cache/build/), or NO_MEMO: every stage runs;
- store: how the stages may use the content-addressed store on disk (incremental/disk_store.py): read and write (a build),
  read only (`check`, which leaves the disk as it found it), or write only (`--no-cache`: nothing kept is used,
  what is made is kept);
- index_search: what makes the search index from the built files (search.search_index, which runs Pagefind),
  or None (the preview makes it after serving the pages: preview/search_refresh.py).

Running the chart modules is the charts stage's own effect (charts/isolation.py: a worker process), and its
pictures and results go through the store like every other kept thing.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..incremental.disk_store import no_cache_reads, no_cache_writes
from ..prose.markdown_pool import convert_pages
from ..render.templates import make_environment, make_file
from ..publish.search import search_index
from ..render.share_images import render_cards


class NoMemo:
    """Nothing kept between builds (`--no-cache`, `check` of a site never built, most tests): every stage runs."""

    gate = None
    unpacked_html = None  # each page's HTML unpacked as its template reads it
    convert_pages = staticmethod(convert_pages)  # every page's Markdown converted
    render_file = staticmethod(make_file)  # every file rendered from its template
    render_cards = staticmethod(render_cards)  # every title card's PNG, from the store or vl-convert

    def reuse(self, stage, *arguments):
        return stage(*arguments)

    pages = charts = reuse

    def environment(self, templates):
        return make_environment(templates)

    def pages_rendered(self) -> None:
        """Told when the templates are done with the pages (BuildCache.pages_rendered): nothing to let go."""

    def kept_lists(self, name: str, lists: dict) -> dict:
        """The site view's lists of pages, each as kept from the last build if the same (BuildCache.kept_lists): as
        made."""
        return lists

    def evidence_memo(self, store) -> dict:
        """Where the site view keeps each fact's evidence (BuildCache.evidence_memo): a new one each build."""
        return {}


NO_MEMO = NoMemo()


@dataclass(frozen=True)
class StoreAccess:
    """What the stages may do with ROOT/.cache/ during one build."""

    reads: bool = True
    writes: bool = True

    @contextlib.contextmanager
    def in_force(self) -> Iterator[None]:
        # The store sits several stages below build(): it learns this build's access through context
        # variables (incremental/disk_store.py), set here for the build's duration and its search thread (copied context).
        with contextlib.ExitStack() as stack:
            if not self.reads:
                stack.enter_context(no_cache_reads())
            if not self.writes:
                stack.enter_context(no_cache_writes())
            yield


READ_WRITE = StoreAccess()
READ_ONLY = StoreAccess(writes=False)  # check
WRITE_ONLY = StoreAccess(reads=False)  # --no-cache


@dataclass(frozen=True)
class BuildEffects:
    memo: object = NO_MEMO  # build_cache.BuildCache or NoMemo
    store: StoreAccess = READ_WRITE
    index_search: Callable | None = field(default=search_index)
