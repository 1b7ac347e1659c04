"""The Page record, and reading content/ into Pages.

Like MkDocs' Page, one record travels through the build; each field says which stage fills it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .frontmatter import parse_front_matter


@dataclass(frozen=True)
class Reference:
    """One numbered entry of a page's reference list: a source, and the facts the page quotes from it."""

    number: int
    source_id: str
    fact_ids: tuple[str, ...]
    citation_ids: tuple[str, ...]  # element ids of the in-text citation marks, for backlinks


@dataclass
class Page:
    # Filled by read_pages:
    source_path: Path
    slug: str
    title: str
    nav_title: str
    summary: str
    order: int
    source_text: str  # the whole file, to point problems at their line
    body: str
    body_offset: int  # where the body starts within source_text
    # Filled by render_markdown:
    html: str = ""
    toc: list[dict] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    calculations: list[str] = field(default_factory=list)  # ids of the derived facts that cite no source
    facts_used: list[str] = field(default_factory=list)
    charts_used: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.slug}.html"


def read_pages(files: dict[Path, str]) -> tuple[list[Page], list[Problem]]:
    """Pages from content files (path → text), in navigation order: by front matter order, then name."""
    pages, problems = [], []
    for path in sorted(files):
        text = files[path]
        front, found = parse_front_matter(path, text)
        problems += found
        if front is None:
            continue
        body_offset = len(text) - len(front.body)
        pages.append(Page(path, path.stem, front.title, front.nav_title, front.summary, front.order, text, front.body,
                          body_offset))
    pages.sort(key=lambda page: (page.order, page.slug))
    slugs = {page.slug for page in pages}
    for reserved in ("sources", "data", "contents", "corrections", "404"):
        if reserved in slugs:
            page = next(p for p in pages if p.slug == reserved)
            problems.append(Problem(page.source_path, 1, 1, f'"{reserved}" is a page the generator makes itself: '
                                    "rename this file."))
    return pages, problems
