"""A chart's PNGs, carrying their context: the light, wide picture framed by the chart's headline title, its
source line and the site's name, so that the picture still says what it shows, where its figures come from and
whose it is when it travels without its page.

Two of them for each chart, both in templates/_share_card.svg (the title cards' template, given a chart):
- the download (charts/<name>.png): as tall as the chart needs, every line of the title and source line;
- the share image (charts/<name>-share.png): SHARE_SIZE, 1.91:1, which Open Graph and X show uncropped; the
  chart is scaled to fit between the title and the source line, and long words end in "…".
The words are inserted as text (the template is autoescaped); the chart's own SVG, which vl-convert wrote, is
the one piece of markup, drawn as a group rather than an <svg> inside the card's (_drawing). charts/svg.render_cards
turns each into a PNG, cached under its SVG's hash.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from .theme import LIGHT, font_stack

CARD_TEMPLATE = "_share_card.svg"
SHARE_SIZE = (1200, 628)  # 1.91:1: what Open Graph and X's large card show without cropping
WIDTH = 1200  # of the download too, so both have the same type sizes
LEFT, RIGHT = 80, 56  # the text column: after the accent bar, as on the title cards
COLUMN = WIDTH - LEFT - RIGHT  # the text's width
TOP, BOTTOM, GAP = 64, 30, 20  # the first title line's baseline; the margin under the last line; around the chart


@dataclass(frozen=True)
class Font:
    size: int
    line: int  # from one baseline to the next
    em: float  # an average letter's width, in ems, of the generic sans-serif resvg finds (measured wide)


TITLE = Font(40, 50, 0.56)
TEXT = Font(22, 30, 0.52)
SHARE_LINES = {"title": 2, "source": 3}  # the share image's most lines; the download takes all


@dataclass(frozen=True)
class CardWords:
    """What a chart's card says besides its picture."""

    title: str  # the chart's headline
    source_line: str  # "Sources: …. Data as of …", as under the chart on its page
    site: str  # the site's title, and its address when site.json gives one


def accent(settings) -> str:
    """The colour of the cards' bar: the site's first chart colour, or the default palette's."""
    return settings.chart_colors[0] if settings.chart_colors else LIGHT.primary


def site_words(settings) -> str:
    """The site's name, with its address (without "https://") when it has one: where the picture comes from."""
    address = re.sub(r"^https?://", "", settings.url or "").rstrip("/")
    return f"{settings.title} · {address}" if address else settings.title


def chart_card(environment: jinja2.Environment, chart_svg: str, words: CardWords, colour: str,
               size: tuple[int, int] | None = None, font: str = "") -> str:
    """The SVG of a chart's card: the download's (size None: as tall as it needs) or one of that size. font: the
    charts' (site.json's chart_font), so the words match the chart's; its fonts also cover Korean, where resvg's
    generic sans-serif would set a whole line in a serif fallback."""
    chart_width, chart_height = _svg_size(chart_svg)
    most = SHARE_LINES if size else {"title": None, "source": None}
    column = COLUMN
    title = wrap(drawable(words.title), column, TITLE, most["title"])
    source = wrap(drawable(words.source_line), column, TEXT, most["source"])
    chart_top = TOP + TITLE.line * (len(title) - 1) + GAP
    footer = TEXT.line * (len(source) + 1) + BOTTOM  # the source line, then the site's name
    if size is None:
        scale = column / chart_width
        height = round(chart_top + chart_height * scale + GAP + footer)
    else:
        height = size[1]
        scale = min(column / chart_width, (height - chart_top - GAP - footer) / chart_height)
    chart_x = LEFT + (column - chart_width * scale) / 2
    first_footer_line = height - footer + TEXT.size
    return environment.get_template(CARD_TEMPLATE).render(
        width=WIDTH, height=height, accent=colour, chart=Markup(_drawing(chart_svg)),
        chart_transform=f"translate({chart_x:.2f} {chart_top:.2f}) scale({scale:.4f})",
        title_lines=[(TOP + TITLE.line * index, line) for index, line in enumerate(title)],
        source_lines=[(first_footer_line + TEXT.line * index, line) for index, line in enumerate(source)],
        site_line=(first_footer_line + TEXT.line * len(source), drawable(words.site)),
        title_size=TITLE.size, text_size=TEXT.size, text_x=LEFT, font=font_stack(font))


def wrap(text: str, width: int, font: Font, most: int | None = None) -> list[str]:
    """text in lines that fit width pixels at font (wide letters, as Korean's, count double), broken between
    words, or inside a word longer than a line; with most, the last line kept ends in "…"."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while _width(line, font) > width:  # a word longer than a line (or text without spaces) is cut
            cut = _fitting(line, width, font)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    if most is not None and len(lines) > most:
        lines = lines[:most]
        last = lines[-1]
        while last and _width(last + "…", font) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _width(text: str, font: Font) -> float:
    return sum(font.size * (1.0 if unicodedata.east_asian_width(letter) in "WF" else font.em) for letter in text)


def _fitting(text: str, width: int, font: Font) -> int:
    """How many of text's first letters fit width (at least one, so that wrapping always ends)."""
    count = 1
    while count < len(text) and _width(text[:count + 1], font) <= width:
        count += 1
    return count


# What XML (so SVG) cannot hold, escaped or not: control characters and halves of a surrogate pair. They draw
# nothing, so the card leaves them out rather than fail on a chart title that has one.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def drawable(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def _svg_size(svg: str) -> tuple[float, float]:
    match = _SVG_SIZE.search(svg)
    if match is None or not float(match.group(1)) or not float(match.group(2)):
        raise ValueError("the chart's picture states no size")
    return float(match.group(1)), float(match.group(2))


def _without_prolog(svg: str) -> str:
    """The <svg> element alone: an XML declaration or doctype may not stand inside another SVG."""
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg


_ROOT = re.compile(r"<svg\b[^>]*>")
_ROOT_ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')
# What vl-convert's root <svg> says that a group in the card can do without: the namespaces (the group declares
# xlink's again), its class, its size (the card's transform places and scales it) and a viewBox of that size.
_ROOT_ONLY = {"xmlns", "xmlns:xlink", "version", "class", "width", "height", "viewBox"}
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_PERCENTAGE = re.compile(r'="\s*[-+\d.]+%\s*"')  # a length in percent, of the viewport the root would have set


def _drawing(svg: str) -> str:
    """The chart's picture as a group of its elements. resvg draws an <svg> inside another into a layer clipped to
    its viewport, a whole card's worth of pixels: 77 ms of a card's 200 (the project's charts, bench/README.md,
    issue 19's ninth round); a clip-path costs the same. Vega sizes its picture to hold its marks (autosize), so
    a picture looks the same without the clip (a few edge pixels differ by at most 16 of 255); a mark a chart
    module places outside on purpose (a label's dx past the edge) is cut on the page and drawn on the card. A
    root with anything else to say (a viewBox that scales, a style, another namespace), a child sized in
    percentages of it, or anything after it stays an <svg>."""
    svg = _without_prolog(svg).rstrip()
    root = _ROOT.match(svg)
    if root is None or not svg.endswith("</svg>"):
        return svg
    body = svg[root.end():-len("</svg>")]
    attributes = dict(_ROOT_ATTRIBUTE.findall(root.group(0)))
    if len(attributes) != root.group(0).count("="):  # an attribute this reading missed (single quotes): keep it
        return svg
    width, height = attributes.get("width", ""), attributes.get("height", "")
    view_box = attributes.get("viewBox", f"0 0 {width} {height}").replace(",", " ").split()
    if attributes.keys() - _ROOT_ONLY or view_box != ["0", "0", width, height] or \
            attributes.get("xmlns", SVG_NAMESPACE) != SVG_NAMESPACE or _PERCENTAGE.search(body) or \
            body.count("<svg") != body.count("</svg>"):  # the last </svg> is the root's only if the others pair up
        return svg
    return f'<g xmlns:xlink="http://www.w3.org/1999/xlink">{body}</g>'
