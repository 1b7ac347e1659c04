"""The Page record, and reading content/ into Pages.

Like MkDocs' Page, one record travels through the build; each field says which stage fills it.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, problem_at
from ..packing import packed, unpacked
from .frontmatter import parse_front_matter
from .inputs import CONTROL_CHARACTER, control_character_message
from ..render.layout import taken_by
from ..incremental.reads import ImmutableMemo, Recorded


@dataclass(frozen=True)
class Reference:
    """One numbered entry of a page's reference list: a source, and the facts the page quotes from it."""

    number: int
    source_id: str
    fact_ids: tuple[str, ...]
    citation_ids: tuple[str, ...]  # element ids of the in-text citation marks, for backlinks


def pack_html(html: str) -> bytes:
    """HTML as a page holds it from its conversion to its template (Page.html; explainer/packing.py): at 4,000 pages
    the text was 80 MB (two bytes a character, once one is not Latin-1), packed 13 MB. In the preview, the text is
    kept with it (unpacking_with): a fact edit writes the facts of 78 of the corpus' pages again, and each was unpacked
    again by its template (0.5 ms a page)."""
    data = packed(html.encode("utf-8"))
    kept = _KEPT_UNPACKED.get()
    if kept is not None:
        kept.known(data, html)
    return data


def html_of(data: bytes) -> str:
    """The HTML pack_html packed: from the preview's kept texts while the Markdown stage and the templates run
    (unpacking_with), else unpacked now."""
    kept = _KEPT_UNPACKED.get()
    return kept.of(data, _unpacked_html) if kept is not None else _unpacked_html(data)


@functools.lru_cache(maxsize=4)  # a page's template reads its HTML twice (render/templates.py: its claims, its body)
def _unpacked_html(data: bytes) -> str:
    return unpacked(data).decode("utf-8")


# The preview's pages' HTML unpacked, by the packed bytes, from build to build (BuildCache.unpacked_html): a template
# edit renders every page again, and unpacking a thousand pages' HTML took 75 ms of it. `python build.py` keeps none:
# the text is what the packing saves.
_KEPT_UNPACKED: ContextVar[ImmutableMemo | None] = ContextVar("kept_unpacked_html", default=None)


@contextmanager
def unpacking_with(kept: ImmutableMemo | None) -> Iterator[None]:
    """Page.html, in this block, from kept (None: unpacked at each read, as outside it)."""
    token = _KEPT_UNPACKED.set(kept)
    try:
        yield
    finally:
        _KEPT_UNPACKED.reset(token)


@dataclass
class Page(Recorded):
    TOKEN_KIND, TOKEN_FIELD = "page", "source_path"  # its reads are recorded (incremental/reads.py)
    READ_WHOLE = False  # field by field (reads.Recorded)

    # Filled by read_pages:
    source_path: Path
    slug: str
    title: str
    nav_title: str
    summary: str
    order: int
    source_text: str  # the whole file, to point problems at their line
    body_offset: int  # where the body (the Markdown after the front matter) starts within source_text
    # Filled by render_markdown:
    packed_html: bytes = b""  # the page's HTML (html), packed: read as html
    toc: list[dict] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    calculations: list[str] = field(default_factory=list)  # ids of the derived facts that cite no source
    facts_used: list[str] = field(default_factory=list)
    charts_used: list[str] = field(default_factory=list)
    # Filled by editions.link_counterparts, once every edition's pages are read:
    edition: str = ""  # the language of the page's edition ("en", "ko")
    counterparts: dict[str, str] = field(default_factory=dict)  # other edition's language → its page's url there

    @property
    def url(self) -> str:
        return f"{self.slug}.html"

    @property
    def body(self) -> str:
        """The Markdown after the front matter, cut from source_text when read: held as well, it was a second copy
        of every page's text (12 MB at 4,000 pages)."""
        return self.source_text[self.body_offset:]

    @property
    def html(self) -> str:
        """The page's body as HTML (what its template shows). Read through packed_html, so a template reading it
        records a read of that field (incremental/reads.py)."""
        return html_of(self.packed_html)

    @html.setter
    def html(self, html: str) -> None:
        self.packed_html = pack_html(html)


# Bounds on one content file, so that no input stalls the build or the preview: Python-Markdown's link
# parsing is quadratic in the "[" of a paragraph (4,000 take 2.4 s here, 32,000 about two minutes).
MAX_PAGE_CHARACTERS = 1_000_000
MAX_LINE_CHARACTERS = 20_000
MAX_BRACKETS_PER_PARAGRAPH = 1_000


# A page's file name becomes its URL: these characters need no encoding in a link, a file system or a shell.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def out_of_bounds(path: Path, text: str) -> Problem | None:
    """The first way this file cannot become a page (its name, a control character, its size), as a problem."""
    if not SAFE_NAME.match(path.stem):
        return Problem(path, 1, 1, f'the file name "{path.name}" becomes the page\'s address: use only letters '
                       "a-z, digits, '-' and '_' (no spaces, quotes, '#', '?' or accents), e.g. life-in-the-south.md.")
    if control := CONTROL_CHARACTER.search(text):
        return problem_at(path, text, control.start(), control_character_message(control.group(0)))
    if len(text) > MAX_PAGE_CHARACTERS:
        return Problem(path, 1, 1, f"this file has {len(text):,} characters, more than the {MAX_PAGE_CHARACTERS:,} "
                       "a page may have: split it into several pages.")
    offset = 0
    for paragraph in text.split("\n\n"):
        if paragraph.count("[") > MAX_BRACKETS_PER_PARAGRAPH:
            return problem_at(path, text, offset + paragraph.index("["), f"this paragraph has "
                              f"{paragraph.count('['):,} \"[\" characters, more than the {MAX_BRACKETS_PER_PARAGRAPH:,} "
                              "the Markdown converter can read in reasonable time: split it or remove them.")
        offset += len(paragraph) + 2
    offset = 0
    for line in text.split("\n"):
        if len(line) > MAX_LINE_CHARACTERS:
            return problem_at(path, text, offset, f"this line has {len(line):,} characters, more than the "
                              f"{MAX_LINE_CHARACTERS:,} a line may have: break it into paragraphs.")
        offset += len(line) + 1
    return None


def read_pages(files: dict[Path, str]) -> tuple[list[Page], list[Problem]]:
    """Pages from content files (path → text), in navigation order: by front matter order, then name."""
    pages, problems = [], []
    for path in sorted(files):
        text = files[path]
        if (too_large := out_of_bounds(path, text)) is not None:
            problems.append(too_large)
            continue
        front, found = parse_front_matter(path, text)
        problems += found
        if front is None:
            continue
        body_offset = len(text) - len(front.body)
        pages.append(Page(path, path.stem, front.title, front.nav_title, front.summary, front.order, text, body_offset))
    pages.sort(key=lambda page: (page.order, page.slug))
    for page in pages:  # a generated file would silently replace the page: render/layout.py's table says which they are
        if (taken := taken_by(page.url)) is not None:
            same = "" if taken.path == page.url else f", the same file as {page.url} on macOS and Windows disks"
            problems.append(Problem(page.source_path, 1, 1, f"the site generates {taken.path} ({taken.what}){same}: "
                                    "rename this file."))
    return pages, problems
