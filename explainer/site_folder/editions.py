"""A site's editions: one per language, each built by the same stages from its own content folder.

The default edition (site.json's `language`, the first of `editions`) keeps content/*.md and the site's root;
edition X reads content/X/*.md and is published under X/. Pages with the same file name are counterparts.
A site without `editions` has one edition, `language`, and builds exactly as before.

What is read here is settings and page names only: which editions there are (site_editions), and which page
of each edition answers which page of the others (link_counterparts, run once every edition's pages are read).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from ..errors import Problem
from .inputs import SiteInputs, SiteSettings

# A folder name that is a language tag ("ko", "pt-BR"): the site's own folders (embed/, charts/, data/, share/,
# assets/, pagefind/) are not, so a path's first folder says which edition it belongs to.
_EDITION_FOLDER = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Edition:
    """One language of the site, as its pages and templates see it."""

    language: str  # the BCP 47 tag <html lang> writes: "en", "ko"
    prefix: str  # where its files are, site-relative: "" for the default edition, "ko/" for the others
    name: str  # in its own language, for the switcher: "English", "한국어"
    direction: str  # "ltr" or "rtl" (CLDR's character order, through Babel)

    @property
    def is_default(self) -> bool:
        return not self.prefix

    @property
    def up(self) -> str:
        """The way from the edition's root back to the site's root: "" or "../"."""
        return "../" * self.prefix.count("/")


def direction_of(language: str) -> str:
    try:
        order = Locale.parse(language, sep="-").character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def _own_name(language: str) -> str:
    try:
        return Locale.parse(language, sep="-").get_display_name() or language
    except (ValueError, UnknownLocaleError):
        return language


def site_editions(settings: SiteSettings) -> tuple[Edition, ...]:
    """The site's editions, the default first (read_inputs has checked the tags)."""
    languages = settings.editions or (settings.language,)
    names = dict(settings.edition_names)
    return tuple(Edition(language, "" if index == 0 else f"{language}/", names.get(language) or _own_name(language),
                         direction_of(language)) for index, language in enumerate(languages))


def edition_content(inputs: SiteInputs, edition: Edition) -> dict[Path, str]:
    """The content files of one edition: content/*.md for the default, content/<language>/*.md for another."""
    return inputs.content if edition.is_default else inputs.edition_content.get(edition.language, {})


def edition_of_path(path: str) -> str:
    """The edition folder a site-relative path is in ("ko/" for "ko/sources.html"), or "" (the default's)."""
    folder, slash, _ = path.partition("/")
    return folder + slash if slash and _EDITION_FOLDER.fullmatch(folder) else ""


def link_counterparts(editions: tuple[Edition, ...], pages_by_edition: list[list]) -> list[Problem]:
    """Fill each page's edition and counterparts (language → its counterpart's url within that edition).
    A page of another edition with no default-edition page of the same name is an error: it would have
    nothing to be a translation of."""
    problems: list[Problem] = []
    slugs = [{page.slug: page for page in pages} for pages in pages_by_edition]
    for edition, pages in zip(editions, pages_by_edition):
        for page in pages:
            page.edition = edition.language
            counterparts = {other.language: slugs[index][page.slug].url
                            for index, other in enumerate(editions) if other != edition and page.slug in slugs[index]}
            if counterparts != page.counterparts:  # the same object while the same: the preview's read index takes a
                page.counterparts = counterparts  # page whose fields are the same objects as unchanged (read_index.py)
            if not edition.is_default and page.slug not in slugs[0]:
                problems.append(Problem(page.source_path, 1, 1, f"content/{edition.language}/{page.source_path.name} "
                                        f"has no counterpart content/{page.source_path.name} in the default edition "
                                        f"({editions[0].language}): a page of an edition translates a page of the "
                                        "default edition of the same file name: rename it, or add that page."))
    return problems
