"""The picture a page shows when it is shared (og:image): its first chart, or else the site's title card.

A page with a chart uses that chart's share image (charts/<name>-share.png, which the charts stage makes:
the chart with its title, source line and the site's name, charts/card.py). Every other page readers land on
shares one title card per edition, share/site.png: templates/_share_card.svg filled with the site's title,
description and byline, turned into a PNG by vl-convert (resvg) and cached in ROOT/.cache/share/ under a hash of
the SVG and the renderer's version (an entry of the build's store, incremental/disk_store.py: a card damaged on
disk reads as missing and is rendered again).

Why one card and not one per page: the sites a link is shared on print the page's own title and summary beside
the picture (og:title, og:description, which every page has), so a card repeating them told readers nothing more,
and it cost 10–35 ms of resvg per page: 11 s of a 1,000-page cold build and 64 MB of memory (bench/README.md).
"""
from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..incremental.disk_store import DiskCache
from ..charts.card import CARD_TEMPLATE, COLUMN, SHARE_SIZE, Font, accent, drawable, wrap
from ..charts.theme import font_stack
from ..charts.figure import share_png_path
from ..charts import svg
from ..errors import Problem
from ..site_folder.inputs import SiteSettings
from .words import gettext

CARD_SIZE = SHARE_SIZE  # one size for every share image, a chart's or the site's card
# The site card's title and description: type sizes, baseline to baseline, most lines; the text column is the
# chart cards' (charts/card.py), as is the wrapping, which counts Korean's wide letters double.
CARD_TITLE, CARD_TITLE_LINES = Font(64, 80, 0.56), 2
CARD_SUMMARY, CARD_SUMMARY_LINES = Font(34, 46, 0.52), 3


@dataclass(frozen=True)
class ShareImage:
    path: str  # site-relative
    width: int
    height: int
    alt: str


def chart_picture(path: str, png: bytes, alt: str) -> ShareImage | None:
    """A chart's PNG as a share image, with the size its header states; None if it is not a PNG."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return None
    width, height = struct.unpack(">II", png[16:24])
    return ShareImage(path, width, height, alt)


SITE_CARD = "share/site.png"  # the title card every page without a chart shares, one per edition


def share_images(pages: Iterable, settings: SiteSettings, files: Mapping[str, bytes], chart_titles: Mapping[str, str],
                 environment: jinja2.Environment, store: DiskCache,
                 cards_for: Callable = None) -> tuple[dict[str, ShareImage], dict[str, bytes], list[Problem]]:
    """Each page's share image (page url → image) and the title cards' files. files holds the charts' files.

    cards_for: what turns the cards' SVGs into PNGs (render_cards; a memo's keeps them in memory by their SVG).
    """
    site_card = ShareImage(SITE_CARD, *CARD_SIZE, settings.title)  # one object for every page that shares it
    images = {page.url: share_picture(page, files, chart_titles, site_card) for page in pages}
    cards: dict[str, str] = {}  # card path → its SVG: the site's card, made once for all the pages that share it
    if any(image.path == SITE_CARD for image in images.values()):
        try:
            cards[SITE_CARD] = card_svg(environment, settings)
        except jinja2.TemplateError as error:
            return {}, {}, [Problem(Path(CARD_TEMPLATE), getattr(error, "lineno", None) or 1, 1,
                                    f"while making the site's share card: {error}")]
    rendered, problems = (cards_for or render_cards)(cards, store)
    return images, rendered, problems


def share_picture(page, files: Mapping[str, bytes], chart_titles: Mapping[str, str],
                  site_card: ShareImage) -> ShareImage:
    """One page's share image: its first chart's PNG if it has a chart, or else the site's card (site_card)."""
    charts = getattr(page, "charts_used", None) or []
    if charts and (png := files.get(share_png_path(charts[0]))) is not None:
        title = chart_titles.get(charts[0])
        picture = chart_picture(share_png_path(charts[0]), png,
                                gettext("The chart “%(title)s”", title=title) if title
                                else gettext("A chart from “%(page)s”", page=page.title))
        if picture is not None:
            return picture
    return site_card


def card_svg(environment: jinja2.Environment, settings: SiteSettings) -> str:
    return environment.get_template(CARD_TEMPLATE).render(
        width=CARD_SIZE[0], height=CARD_SIZE[1],
        title_lines=wrap(drawable(settings.title), COLUMN, CARD_TITLE, CARD_TITLE_LINES),
        summary_lines=wrap(drawable(settings.description), COLUMN, CARD_SUMMARY, CARD_SUMMARY_LINES),
        accent=accent(settings), author=settings.author, font=font_stack(settings.chart_font))


def render_cards(cards: dict[str, str], cache: DiskCache) -> tuple[dict[str, bytes], list[Problem]]:
    """Each title card's PNG (card path → bytes), from the store or rendered (charts/svg.render_cards)."""
    rendered = svg.render_cards(cards, cache)
    # vl-convert adds the renderer's Rust backtrace (45 lines) to its message: of no use to whoever built the site.
    return rendered.pictures, [Problem(Path(CARD_TEMPLATE), 1, 1, f"vl-convert could not render the share card "
                                       f"{path}: {str(error).split('Stack backtrace:')[0].strip()}")
                               for path, error in sorted(rendered.errors.items())]
