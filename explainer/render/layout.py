"""The one table of what the site writes besides its chapters: OUTPUTS, and the FOLDERS other stages fill.
A site with several editions writes each entry in every edition, under its folder (ko/sources.html), except
the entries written once, at the root (sitemap.xml, robots.txt, _headers).

Each entry of OUTPUTS is a file made from a template: the generated pages (sources, data, corrections, contents,
404, search), the files for machines (sitemap.xml, corrections.xml, robots.txt, _headers), and families of pages with one file per
item (an embed page per chart). Adding an output is one entry in OUTPUTS; render.render_pages renders every
entry, and no chapter may take its path (taken_by, which pages.read_pages asks).

A template sees `page` (the entry, or for a family's file the entry with that file's path, title and subject),
`root` (the way from the file back to its edition's root: "" at the top, "../" in a sub-folder, so links work
under any URL prefix and from file://; the files editions share are pointed at by publish/placing.py) and `site` (render.SiteView); a family's file also sees its member's
context. That context must follow from the site view (its pages, fact store and charts), which is what the
preview's template cache compares to know when to render a page again.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .words import lazy_gettext

if TYPE_CHECKING:
    from .templates import SiteView


@dataclass(frozen=True)
class Member:
    """One file of a family: the name put into the family's path, its title, what its template reads."""

    name: str
    title: str = ""  # the family's title when empty
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Output:
    """A file the site writes from a template; with `members`, a family of them."""

    path: str  # site-relative: "sources.html", "sitemap.xml"; a family's has "{name}": "embed/{name}.html"
    template: str
    title: str = ""
    summary: str = ""  # the page's meta description
    # A page readers arrive at from outside: listed in sitemap.xml and indexed. Not the 404 page, the search
    # page or embed pages, which carry <meta name="robots" content="noindex"> instead.
    listed: bool = True
    members: Callable[[SiteView], Iterable[Member]] | None = None  # a family: one file per member
    subject: str = ""  # in a family's file, the name of its member (e.g. the chart of embed/<chart>.html)
    needs_url: bool = False  # written only when site.json gives a url (sitemap.xml holds absolute addresses only)
    # Rendered after every other file has its content-hashed name (publish/fingerprint.py): its template also sees
    # `published` (render.Published: the hashed files and the pages' Content-Security-Policy).
    after_hashing: bool = False
    what: str = ""  # what the file is, in an editor's words, for messages: "the search page"
    # Editions (site_folder/editions.py): every output is written in each edition, under its folder, except these.
    once: bool = False  # one file for the whole site, at its root, written with the default edition
    translated_only: bool = False  # only in the editions after the default (the notice of untranslated pages)

    @property
    def url(self) -> str:
        return self.path

    @property
    def slug(self) -> str:
        return self.path.removesuffix(".html")

    @property
    def nav_title(self) -> str:
        return self.title

    @property
    def is_page(self) -> bool:
        return self.path.endswith(".html")

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    def writes(self, path: str) -> bool:
        """Whether this entry writes the site-relative path (a family: any member's file). Compared without
        regard to case: on the disks of macOS and Windows, Search.html and search.html are one file."""
        pattern, wanted = self.path.casefold(), path.casefold()
        if "{name}" not in pattern:
            return wanted == pattern
        prefix, suffix = pattern.split("{name}")
        name = wanted[len(prefix):len(wanted) - len(suffix)]
        return wanted.startswith(prefix) and wanted.endswith(suffix) and bool(name) and "/" not in name

    def files(self, view: SiteView) -> list[tuple[Output, Mapping[str, Any]]]:
        """Each file this entry writes, as (the page its template sees, its member's context)."""
        if self.members is None:
            return [(self, {})]
        return [(dataclasses.replace(self, path=self.path.format(name=member.name), title=member.title or self.title,
                                     subject=member.name, members=None), member.context)
                for member in self.members(view)]


# The titles and summaries are readers' words: the catalogue's (render/words.py), in the language of the page.
SOURCES = Output("sources.html", "sources.html", lazy_gettext("Sources"),
                 lazy_gettext("Every source, the facts it supports and where they appear."), what="the Sources page")
DATA = Output("data.html", "data.html", lazy_gettext("Data"),
              lazy_gettext("Every fact and series on this site, to read or download."), what="the Data page")
# Linked from every page's footer rather than the navigation, which must stay short.
CORRECTIONS = Output("corrections.html", "corrections.html", lazy_gettext("Corrections and updates"),
                     lazy_gettext("Every figure and statement we have corrected, ours first, newest first, with "
                                  "what it said before, the date and the reason."),
                     what="the Corrections and updates page")
CONTENTS = Output("contents.html", "contents.html", lazy_gettext("Contents"),
                  lazy_gettext("Every chapter, in reading order."), what="the Contents page")
NOT_FOUND = Output("404.html", "404.html", lazy_gettext("Page not found"), listed=False,
                   what="the page shown for an address that does not exist")

UNTRANSLATED = Output("untranslated.html", "untranslated.html", lazy_gettext("Not yet translated"), listed=False,
                      translated_only=True, what="the notice of the pages not yet translated into an edition")

IN_NAVIGATION = (SOURCES, DATA)  # after the chapters (or, on a large site, after the contents page)


def chart_embeds(site: SiteView) -> list[Member]:
    """embed/<chart>.html for each chart a page shows: its figure made for that folder (charts.EmbedFigure),
    and the first page that shows it, to link back to."""
    shown_on = {}
    for page in site.pages:
        for name in page.charts_used:
            shown_on.setdefault(name, page)
    return [Member(name, chart.title, {"chart": chart, "shown_on": shown_on.get(name)})
            for name, chart in sorted(site.chart_embeds.items())]


EMBEDS = Output("embed/{name}.html", "embed.html", lazy_gettext("Chart"), listed=False, members=chart_embeds,
                what="a chart's page for embedding in other sites")

# Everything the site writes besides the chapters, in the order it is rendered.
OUTPUTS: tuple[Output, ...] = (
    SOURCES,
    DATA,
    CORRECTIONS,
    CONTENTS,
    NOT_FOUND,
    EMBEDS,
    Output("search.html", "search.html", lazy_gettext("Search"),
           lazy_gettext("Search every chapter, figure and source."), listed=False, what="the search page"),
    # For search engines: the pages readers land on (listed), with their last-updated dates. robots.txt names it.
    Output("sitemap.xml", "sitemap.xml", listed=False, needs_url=True, once=True,
           what="the sitemap for search engines"),
    # For feed readers: the Corrections page's entries, ours first (Atom needs absolute addresses, so only with a url).
    Output("corrections.xml", "corrections.xml", listed=False, needs_url=True, what="the corrections feed (Atom)"),
    Output("robots.txt", "robots.txt", listed=False, once=True, what="the rules for search engines' crawlers"),
    # For hosts that read it (Netlify, Cloudflare Pages): the CSP and referrer policy as HTTP headers, and a
    # year's caching for the hashed files.
    Output("_headers", "_headers", listed=False, after_hashing=True, once=True, what="the HTTP headers for hosts"),
    # Where an edition's switcher leads for a page not translated into it yet: a notice, one section per page.
    UNTRANSLATED,
)


@dataclass(frozen=True)
class Folder:
    """A folder of the site that a stage other than the templates fills, file by file."""

    path: str  # site-relative, ending in "/": "charts/"
    what: str  # what it holds, and which module writes it


# Everything the site writes besides the chapters and OUTPUTS is in one of these: tests/test_reserved_pages.py
# builds a site and checks that each file it writes is answered by this table.
FOLDERS: tuple[Folder, ...] = (
    Folder("assets/", "the theme's styles, scripts and fonts (pipeline.py), and the Vega runtime (charts/runtime.py)"),
    Folder("charts/", "each chart's pictures and downloads (charts/figure.py)"),
    Folder("data/", "the fact store as CSV and JSON downloads (render/downloads.py)"),
    Folder("share/", "the site's share card, for pages without a chart (render/share_images.py)"),
    Folder("pagefind/", "the search index (publish/search.py)"),
)


def taken_by(path: str) -> Output | Folder | None:
    """What the site generates at this site-relative path besides a chapter: the entry of OUTPUTS that writes it,
    or the folder of FOLDERS it is in (compared without regard to case, as Output.writes is); None: nothing.

    A chapter's path ("<name>.html", its name without "/" or ".") can only be taken by an entry of OUTPUTS; the
    folders answer for every other path the site writes."""
    folded = path.casefold()
    return next((output for output in OUTPUTS if output.writes(path)), None) or next(
        (folder for folder in FOLDERS if folded.startswith(folder.path.casefold())), None)


def reader_pages(chapters: list) -> list:
    """The pages readers land on from outside, as sitemap.xml lists them: the chapters, then the listed outputs."""
    return [*chapters, *(output for output in OUTPUTS if output.listed and output.members is None)]
