"""The picture a page shows when it is shared (og:image): its first chart, or else a title card.

A page with a chart uses that chart's share image (charts/<name>-share.png, which the charts stage makes:
the chart with its title, source line and the site's name, charts/card.py). Any other page readers land on
gets a title card: templates/_share_card.svg filled with the site's and the page's titles and summary, turned
into a PNG of the same size by vl-convert (resvg) and cached in ROOT/.cache/share/ under a hash of the SVG and
the renderer's version, so a rebuild renders no card twice (an entry of the build's store,
incremental/disk_store.py: a card damaged on disk reads as missing and is rendered again).
"""
from __future__ import annotations

import struct
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..incremental.disk_store import DiskCache
from ..charts.card import CARD_TEMPLATE, SHARE_SIZE, accent
from ..charts.figure import share_png_path
from ..charts import svg
from ..errors import Problem
from ..site_folder.inputs import SiteSettings
from .page_meta import description

CARD_SIZE = SHARE_SIZE  # one size for every share image, a chart's or a title card
# Lines of the card's title and summary, and characters per line at their font sizes (an average letter of
# the sans-serif fonts is about half its size wide; the card has 1,040 px for text).
TITLE_LINES, TITLE_CHARACTERS = 3, 28
SUMMARY_LINES, SUMMARY_CHARACTERS = 3, 54


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


def card_path(page_url: str) -> str:
    return "share/" + page_url.removesuffix(".html") + ".png"


def share_images(pages: Iterable, settings: SiteSettings, files: Mapping[str, bytes], chart_titles: Mapping[str, str],
                 environment: jinja2.Environment, store: DiskCache, picture_for: Callable = None,
                 cards_for: Callable = None) -> tuple[dict[str, ShareImage], dict[str, bytes], list[Problem]]:
    """Each page's share image (page url → image) and the title cards' files. files holds the charts' files.

    picture_for: what decides one page's picture (share_picture; a memo's reuses it while what it read holds);
    cards_for: what turns the cards' SVGs into PNGs (render_cards; a memo's keeps them in memory by their SVG).
    """
    images: dict[str, ShareImage] = {}
    cards: dict[str, str] = {}  # card path → its SVG
    for page in pages:
        try:
            picture, svg = (picture_for or share_picture)(page, settings, files, chart_titles, environment)
        except jinja2.TemplateError as error:
            return {}, {}, [Problem(Path(CARD_TEMPLATE), getattr(error, "lineno", None) or 1, 1,
                                    f"while making the share card of {page.url}: {error}")]
        images[page.url] = picture
        if svg is not None:
            cards[picture.path] = svg
    rendered, problems = (cards_for or render_cards)(cards, store)
    return images, rendered, problems


def share_picture(page, settings: SiteSettings, files: Mapping[str, bytes], chart_titles: Mapping[str, str],
                  environment: jinja2.Environment) -> tuple[ShareImage, str | None]:
    """One page's share image, and the SVG of its title card when it needs one: its first chart's PNG if it has
    a chart, or else a card with the site's and the page's titles and summary."""
    charts = getattr(page, "charts_used", None) or []
    if charts and (png := files.get(share_png_path(charts[0]))) is not None:
        title = chart_titles.get(charts[0])
        picture = chart_picture(share_png_path(charts[0]), png,
                                f"The chart “{title}”" if title else f"A chart from “{page.title}”")
        if picture is not None:
            return picture, None
    return ShareImage(card_path(page.url), *CARD_SIZE, _card_alt(settings, page)), card_svg(environment, settings, page)


def card_svg(environment: jinja2.Environment, settings: SiteSettings, page) -> str:
    return environment.get_template(CARD_TEMPLATE).render(
        width=CARD_SIZE[0], height=CARD_SIZE[1], site_title="" if page.title == settings.title else settings.title,
        title_lines=_lines(page.title or settings.title, TITLE_CHARACTERS, TITLE_LINES),
        summary_lines=_lines(description(settings, page), SUMMARY_CHARACTERS, SUMMARY_LINES),
        accent=accent(settings), author=settings.author)


def _card_alt(settings: SiteSettings, page) -> str:
    return settings.title if page.title == settings.title else f"{page.title} · {settings.title}"


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width, break_long_words=True)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][:width - 1].rstrip() + "…"
    return lines


def render_cards(cards: dict[str, str], cache: DiskCache) -> tuple[dict[str, bytes], list[Problem]]:
    """Each title card's PNG (card path → bytes), from the store or rendered (charts/svg.render_cards)."""
    rendered = svg.render_cards(cards, cache)
    # vl-convert adds the renderer's Rust backtrace (45 lines) to its message: of no use to whoever built the site.
    return rendered.pictures, [Problem(Path(CARD_TEMPLATE), 1, 1, f"vl-convert could not render the share card "
                                       f"{path}: {str(error).split('Stack backtrace:')[0].strip()}")
                               for path, error in sorted(rendered.errors.items())]
