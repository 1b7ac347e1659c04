"""The Jinja2 side: the template environment (autoescape on, undefined is an error) and rendering every page.

A site's templates come first; the project's are the default theme, reachable also as "default/<name>", so a
site's base.html can extend the one it replaces: {% extends "default/base.html" %}.
"""
from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import xml.etree.ElementTree as etree

import jinja2
from markupsafe import Markup

from . import cards
from .dates import date_label
from .errors import Problem
from .facts import Fact, FactStore, Source
from .inputs import SiteSettings
from .pages import Page


@dataclass(frozen=True)
class GeneratedPage:
    """A page the generator makes from the fact store rather than from content/."""

    slug: str
    title: str
    summary: str
    template: str

    @property
    def url(self) -> str:
        return f"{self.slug}.html"

    @property
    def nav_title(self) -> str:
        return self.title


GENERATED = (
    GeneratedPage("sources", "Sources", "Every source, the facts it supports and where they appear.", "sources.html"),
    GeneratedPage("data", "Data", "Every fact and series on this site, to read or download.", "data.html"),
)
# Linked from every page's footer rather than the navigation, which must stay short.
CORRECTIONS = GeneratedPage("corrections", "Corrections and updates", "Every figure we have corrected, newest "
                            "first, with its earlier value, the date and the reason.", "corrections.html")
CONTENTS = GeneratedPage("contents", "Contents", "Every chapter, in reading order.", "contents.html")
NOT_FOUND = GeneratedPage("404", "Page not found", "", "404.html")
# Past this many chapters the header links the contents page instead of every chapter: a thousand links on
# every page made each page 65 KB and its rendering ten times slower (bench/README.md).
NAV_LIMIT = 12


@dataclass
class SiteView:
    """What every template can read about the whole site."""

    settings: SiteSettings
    pages: list[Page]
    store: FactStore
    chart_html: dict[str, str] = field(default_factory=dict)
    fact_pages: dict[str, list[Page]] = field(default_factory=dict)  # fact id → pages that insert it
    source_pages: dict[str, list[Page]] = field(default_factory=dict)  # source id → pages citing it

    def has_page(self, slug: str) -> bool:
        return slug in self._slugs

    @cached_property
    def _slugs(self) -> set[str]:
        return {page.slug for page in self.pages}

    def description(self, page) -> str:
        """The page's meta description: site.json's on the home page, else the page's summary, else site.json's."""
        if page.slug == "index" and self.settings.description:
            return self.settings.description
        return page.summary or self.settings.description

    def checked_on(self, page) -> str | None:
        """When the figures a page shows were last checked: the latest access date of the sources it cites."""
        source_ids = {reference.source_id for reference in getattr(page, "references", [])}
        dates = [self.store.sources[source_id].accessed for source_id in source_ids if source_id in self.store.sources]
        return date_label(max(dates)) if dates else None

    def evidence(self, fact: Fact) -> Markup:
        """What supports a fact, as its card shows it, with links a keyboard can reach (references, Sources)."""
        box = etree.Element("div", {"class": "evidence"})
        cards.fill_evidence(box, fact, self.store, focusable=True)
        return cards.html(box)

    def excerpt(self, source: Source, excerpt_id: str) -> Markup:
        return cards.html(cards.excerpt_element(source.excerpts[excerpt_id], None, None, source))

    @property
    def nav(self) -> list:
        if len(self.pages) <= NAV_LIMIT:
            return [*self.pages, *GENERATED]
        return [*self.pages[:1], CONTENTS, *GENERATED]


DEFAULT_PREFIX = "default"
_EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']([^"']+)["']""")


def make_environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    """template_dirs in search order, the site's first; the last is the project's (inputs._fallback), whose
    templates are also "default/<name>"."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        jinja2.PrefixLoader({DEFAULT_PREFIX: jinja2.FileSystemLoader(str(template_dirs[-1]))}),
    ])
    environment = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                     keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["date_label"] = date_label
    return environment


def site_view(settings: SiteSettings, pages: list[Page], store: FactStore, chart_html: dict[str, str]) -> SiteView:
    view = SiteView(settings, pages, store, chart_html)
    for page in pages:
        for fact_id in page.facts_used:
            view.fact_pages.setdefault(fact_id, []).append(page)
        for reference in page.references:
            view.source_pages.setdefault(reference.source_id, []).append(page)
    return view


def render_pages(environment: jinja2.Environment, view: SiteView, cache=None) -> tuple[dict[str, bytes], list[Problem]]:
    """Every HTML file of the site: site-relative path → bytes.

    cache (the preview server's build_cache.TemplateCache) reuses the pages whose inputs are unchanged.
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    chapters = view.pages
    for index, page in enumerate(chapters):
        context = {"page": page, "previous": chapters[index - 1] if index > 0 else None,
                   "next": chapters[index + 1] if index + 1 < len(chapters) else None}
        _render(environment, "page.html", context, view, page.url, files, problems, cache)
    for page in (*GENERATED, CORRECTIONS, CONTENTS, NOT_FOUND):
        _render(environment, page.template, {"page": page, "previous": None, "next": None}, view, page.url, files,
                problems, cache)
    return files, problems


def _render(environment, template_name, context, view, url, files, problems, cache=None) -> None:
    key = cache.key(template_name, context, view) if cache is not None else None
    if key is not None and (cached := cache.get(url, key)) is not None:
        files[url] = cached
        return
    try:
        html = environment.get_template(template_name).render(site=view, **context)
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename or template_name)
        problems.append(Problem(path, error.lineno or 1, 1, f"template syntax error: {error.message}",
                                source_line=error.source.splitlines()[error.lineno - 1] if error.source else None))
        return
    except jinja2.TemplateNotFound as error:
        problems.append(Problem(Path(template_name), 1, 1, f'template "{error.name}" not found: add it to '
                                "templates/ or fix the name."))
        return
    except RecursionError:  # a site's base.html that extends "base.html" extends itself, for ever
        problems.append(_extends_itself(environment, template_name))
        return
    except Exception as error:  # an error raised while rendering: place it at the template line
        path, line = _template_frame(error, template_name)
        problems.append(Problem(path, line, 1, f"while rendering {url}: {error}"))
        return
    files[url] = html.encode("utf-8")
    if key is not None:
        cache.put(url, key, files[url])


def _extends_itself(environment: jinja2.Environment, template_name: str) -> Problem:
    """The site template that extends its own name, found by reading the templates the page was made from."""
    name, seen = template_name, set()
    while name not in seen:
        seen.add(name)
        try:
            source, filename, _ = environment.loader.get_source(environment, name)
        except jinja2.TemplateNotFound:
            break
        extends = _EXTENDS.search(source)
        if extends is None:
            break
        if extends.group(1) == name:
            line = source.count("\n", 0, extends.start()) + 1
            return Problem(Path(filename), line, extends.start() - source.rfind("\n", 0, extends.start()),
                           f'"{name}" extends itself: to build on the default theme\'s, write '
                           f'{{% extends "{DEFAULT_PREFIX}/{name}" %}}.')
        name = extends.group(1)
    return Problem(Path(template_name), 1, 1, f"while rendering {template_name}: the templates extend or include "
                   "each other in a circle: follow their {% extends %} and {% include %} and break it.")


def _template_frame(error: Exception, template_name: str) -> tuple[Path, int]:
    """The innermost template file and line in the traceback (Jinja2 rewrites frames to point at templates)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".html"):
            return Path(frame.filename), frame.lineno or 1
    return Path(template_name), 1
