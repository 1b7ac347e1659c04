"""What a page tells the world about itself: its address, when it was last updated, how to cite it, and the
schema.org description of the site's data.

"Last updated", the rule: the latest date on which something the page shows was checked or corrected, that
is the latest of the access dates of the sources it cites and the dates of the corrections of the facts it
shows. A chapter counts its own facts and sources; the other pages readers land on (Sources, Data,
Corrections, Contents) show or list the whole fact store, so they count all of it. A page that shows no
figure (the 404 page, an embed page) has no date. The build never writes today's date: two builds of the same
input give the same bytes.

Addresses, the rule: every link the site writes is relative, so it works under any URL prefix and from disk,
except where a page is read somewhere else than where it sits. 404.html is served for a missing address at any
depth (/a/b/missing): published with site.json's url, its addresses lead from the site's root (root_relative,
`python build.py`; the preview serves it at its own root); without one it stays relative, and works only where
the server shows it at the site's root folder. Share images and embed snippets are read by other sites, which
need absolute addresses: a build that writes them without a url says so once (missing_url), and --strict stops
it.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

from ..errors import Problem

from ..store.dates import date_label
from ..store.facts import FactStore
from ..site_folder.inputs import SiteSettings
from ..site_folder.pages import Page
from .words import gettext, ngettext


def address(settings: SiteSettings, path: str) -> str | None:
    """The absolute address of a site-relative path, or None when site.json gives no url."""
    if not settings.url:
        return None
    return absolute(settings.url, path)


def absolute(site_url: str, path: str) -> str:
    """site_url + path, a folder's home page (index.html, ko/index.html) as the folder's address."""
    return site_url + (path.removesuffix("index.html") if path == "index.html" or path.endswith("/index.html")
                       else path)


def missing_url(settings: SiteSettings, root: Path, share_images: Mapping, embeds: Mapping) -> list[Problem]:
    """One warning, for the whole site, when it writes share images or embed snippets but has no url."""
    if settings.url or not (share_images or embeds):
        return []
    affected = [f"the share images of {len(share_images)} page{'s' if len(share_images) != 1 else ''} "
                "(og:image, twitter:image)"] if share_images else []
    affected += [f"the embed snippets of {len(embeds)} chart{'s' if len(embeds) != 1 else ''}"] if embeds else []
    return [Problem(root / "site.json", 1, 1, f'site.json gives no "url", so {" and ".join(affected)} use relative '
                    "addresses, which the sites they are shared on or embedded in cannot load, and 404.html works only "
                    "where the server shows it at the site's root folder. Add the address the site is published at, "
                    'ending in /, e.g. "url": "https://example.org/explainer/", to site.json (or build with --url).',
                    "warning")]


# The attributes of 404.html that hold an address: links, what the page loads, and what its scripts read as one
# (search.js's data-search-page, charts.js's data-runtime).
_ADDRESS_ATTRIBUTE = re.compile(r'(\s(?:href|src|srcset|poster|data-search-page|data-runtime)\s*=\s*")([^"]*)(")')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def root_relative(page_html: bytes, site_url: str) -> bytes:
    """A page at the site's root with its relative addresses leading from the root of the site's url instead
    ("assets/style.css" → "/explainer/assets/style.css"), so it works at any depth. Addresses that are already
    absolute, root-relative or only a #fragment stay. Applied after the output gate checked the relative
    addresses: from a page at the root, both lead to the same files."""
    base = urlsplit(site_url).path or "/"
    base = base if base.endswith("/") else base + "/"

    def one(address: str) -> str:
        stripped = address.strip()
        if not stripped or stripped.startswith(("#", "/")) or _SCHEME.match(stripped):
            return address
        if stripped.startswith("../"):  # an edition's 404 page (ko/404.html) leading to the site's shared files
            path = re.split(r"[?#]", stripped, maxsplit=1)[0]
            return posixpath.normpath(base + path) + ("/" if path.endswith("/") else "") + stripped[len(path):]
        return base + stripped

    def candidate(text: str) -> str:  # one of a srcset's "address size" pairs
        address, _, size = text.strip().partition(" ")
        return f"{one(address)} {size}".rstrip()

    def attribute(match: re.Match) -> str:
        value = match.group(2)
        if match.group(1).lstrip().startswith("srcset"):
            value = ", ".join(candidate(text) for text in value.split(","))
        else:
            value = one(value)
        return match.group(1) + value + match.group(3)

    return _ADDRESS_ATTRIBUTE.sub(attribute, page_html.decode("utf-8")).encode("utf-8")


def description(settings: SiteSettings, page) -> str:
    """The page's meta description: site.json's on the home page, else the page's summary, else site.json's."""
    if page.slug == "index" and settings.description:
        return settings.description
    return page.summary or settings.description


def updated(page, store: FactStore) -> str | None:
    """When what the page shows was last checked or corrected (ISO date; the rule is in the module docstring)."""
    if isinstance(page, Page):
        facts = [store.facts[fact_id] for fact_id in page.facts_used if fact_id in store.facts]
        source_ids = {reference.source_id for reference in page.references}
    elif getattr(page, "listed", False):
        facts, source_ids = list(store.facts.values()), set(store.sources)
    else:
        return None
    dates = [correction.date for fact in facts for correction in fact.corrections]
    dates += [store.sources[source_id].accessed for source_id in source_ids if source_id in store.sources]
    return max(dates, default=None)


def citation(settings: SiteSettings, page, updated_iso: str | None) -> str:
    """A ready citation: author. "Title", site, last updated date. address (the address only with a url)."""
    title = settings.title if page.slug == "index" else page.title
    # Translators: a page's title, quoted in its citation
    pieces = [gettext("“%(title)s”", title=title), *([] if page.slug == "index" else [settings.title])]
    if updated_iso:
        pieces.append(gettext("last updated %(date)s", date=date_label(updated_iso)))
    text = ", ".join(pieces) + "."
    if settings.author:
        text = f"{settings.author}. {text}"
    url = address(settings, page.url)
    return f"{text} {url}" if url else text


def script_json(value) -> Markup:
    """JSON that cannot end its <script> element, the same escaping as the charts' specs."""
    from ..charts.figure import script_json as escape  # here, not at the top: the charts package imports render

    return escape(value)


def dataset(settings: SiteSettings, store: FactStore, downloads: list[str], updated_iso: str | None) -> Markup:
    """The schema.org Dataset of the Data page, as JSON-LD: the facts and series with their downloads."""
    def link(path: str) -> str:
        return address(settings, path) or path  # relative without a url: no absolute address is ever invented

    # Translators: the Data page's description for search engines: "119 facts and 1 series, each with …"
    counted = gettext("%(facts)s and %(series)s, each with its source, the source's words and its date.",
                      facts=ngettext("%(num)s fact", "%(num)s facts", len(store.facts)),
                      series=ngettext("%(num)s series", "%(num)s series", len(store.series)))
    description = (f"{settings.description} " if settings.description else "") + counted
    document = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": gettext("%(site)s: the data", site=settings.title),
        "description": description,
        "url": link("data.html"),
        "inLanguage": settings.language,
        "isAccessibleForFree": True,
        "license": settings.licence.url or settings.licence.name,
        "distribution": [{"@type": "DataDownload", "encodingFormat": _MEDIA_TYPES[path.rsplit(".", 1)[1]],
                          "contentUrl": link(path)} for path in downloads],
        "isBasedOn": sorted({source.url for source in store.sources.values() if source.url}),
    }
    if settings.author:
        document["creator"] = {"@type": "Organization", "name": settings.author}
    if updated_iso:
        document["dateModified"] = updated_iso
    return Markup(f'<script type="application/ld+json">{script_json(document)}</script>')


_MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
