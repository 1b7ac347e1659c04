"""The charts' look: one Vega-Lite config per colour scheme, made from one palette each so both stay in step.

Chart modules never name colours. Single-series marks take the theme's primary colour, categories take the
colour-blind-safe category range (Okabe & Ito's palette), and two mark styles are themed by name:
`mark_bar(style="muted")` for context (a grey that reads on both backgrounds) and
`mark_text(style="annotation")` for notes written on the chart. The backgrounds and text colours match
assets/style.css, so a chart sits on the page like the text around it.

A site sets its own colours and font in site.json ("chart_colors", "chart_colors_dark", "chart_font"):
site_configs() lays them over these defaults, so a site that sets nothing looks exactly like ours.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .chart_font import FAMILY

if TYPE_CHECKING:
    from ..site_folder.inputs import SiteSettings

# The charts' bundled font, which vl-convert measures and draws with on every machine (chart_font.py), then the
# page's own font stack (assets/style.css), which a reader's browser sets the pictures' text in.
FONT = f'"{FAMILY}", system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK KR", sans-serif'


@dataclass(frozen=True)
class Palette:
    background: str
    text: str
    muted_text: str
    grid: str
    domain: str
    primary: str
    muted: str  # context marks: 3:1 or more against the background
    categories: tuple[str, ...]


# Okabe & Ito, "Color Universal Design" (2008): told apart with every common colour-vision deficiency.
# Light: the darker members first, for contrast on the near-white page; dark: the lighter members first.
LIGHT = Palette(background="#fdfcfa", text="#1d1f24", muted_text="#565b66", grid="#e4e0d8", domain="#8a8f99",
                primary="#0072b2", muted="#8a8f99",
                categories=("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442"))
DARK = Palette(background="#16181c", text="#e8e6e1", muted_text="#a9adb6", grid="#2f333a", domain="#6b707a",
               primary="#56b4e9", muted="#7d828c",
               categories=("#56b4e9", "#e69f00", "#2cc295", "#e08cc0", "#f07e3c", "#8fd0f5", "#f0e442"))

SCHEMES = {"light": LIGHT, "dark": DARK}


def config(palette: Palette, font: str = FONT) -> dict:
    """The Vega-Lite config of one scheme. Both schemes give the same keys, so one can replace the other."""
    axis = {"labelColor": palette.muted_text, "titleColor": palette.text, "gridColor": palette.grid,
            "domainColor": palette.domain, "tickColor": palette.domain, "labelFont": font, "titleFont": font,
            "labelFontSize": 13, "titleFontSize": 13, "titleFontWeight": 600, "labelPadding": 4, "titlePadding": 8}
    return {
        "background": palette.background,
        "padding": 4,
        "font": font,
        "view": {"stroke": None},
        "axis": axis,
        # Few ticks: a phone-width axis with more runs its labels together.
        "axisQuantitative": {"tickCount": 5},
        "legend": {"labelColor": palette.text, "titleColor": palette.text, "labelFont": font, "titleFont": font,
                   "labelFontSize": 13, "titleFontSize": 13, "titleFontWeight": 600, "orient": "bottom",
                   "direction": "vertical", "symbolType": "square", "labelLimit": 320, "titleLimit": 320},
        "title": {"color": palette.text, "font": font, "fontSize": 15, "anchor": "start"},
        "header": {"labelColor": palette.text, "titleColor": palette.text, "labelFont": font, "titleFont": font,
                   "labelFontSize": 13, "titleFontSize": 13},
        "mark": {"color": palette.primary},
        "bar": {"color": palette.primary},
        "line": {"color": palette.primary, "strokeWidth": 2.5},
        "point": {"color": palette.primary, "filled": True, "size": 40},
        "rule": {"color": palette.domain},
        "text": {"color": palette.text, "font": font, "fontSize": 13},
        "range": {"category": list(palette.categories)},
        "style": {
            "muted": {"color": palette.muted},
            "annotation": {"color": palette.text, "fontSize": 13, "fontWeight": 600},
            "guide-label": {"font": font},
            "guide-title": {"font": font},
        },
    }


def configs(colours: tuple[str, ...] = (), dark_colours: tuple[str, ...] = (), font: str = "") -> dict[str, dict]:
    """Each scheme's config: the default palettes, with a site's colours (the first for single-series marks,
    all of them for categories, in order) and font in place of ours where given."""
    palettes = {"light": _with_colours(LIGHT, colours), "dark": _with_colours(DARK, dark_colours or colours)}
    return {scheme: config(palette, font_stack(font)) for scheme, palette in palettes.items()}


def font_stack(font: str = "") -> str:
    """The charts' font stack: ours, or a site's own (site.json's chart_font) with the bundled font after it, for
    the letters its fonts lack or where the build machine has none of them (chart_font.py)."""
    return f'{font}, "{FAMILY}"' if font else FONT


def site_configs(settings: SiteSettings) -> dict[str, dict]:
    return configs(settings.chart_colors, settings.chart_colors_dark, settings.chart_font)


def _with_colours(palette: Palette, colours: tuple[str, ...]) -> Palette:
    if not colours:
        return palette
    return dataclasses.replace(palette, primary=colours[0], categories=tuple(colours))


# The line height of text written on a chart (annotations), in pixels: 13-px labels with a little air.
LINE_HEIGHT = 16


def text_lines(lines: tuple[str, ...] | list[str], above: bool = False, gap: int = 4) -> dict:
    """mark_text settings for several lines of text. above: the last line ends `gap` pixels above the anchor,
    so a label stands on the point it names; else the first line starts `gap` pixels below it. (Vega puts the
    first line at the anchor and the others below it, whatever the baseline, so text above is moved up.)"""
    lines = list(lines)
    if above:
        return {"text": lines, "lineHeight": LINE_HEIGHT, "baseline": "bottom",
                "dy": -gap - (len(lines) - 1) * LINE_HEIGHT}
    return {"text": lines, "lineHeight": LINE_HEIGHT, "baseline": "top", "dy": gap}
