"""Static pictures, rendered at build time by vl-convert and cached on disk: the charts' SVGs a page shows
(PictureRendering), and PNGs of SVG cards (render_cards): a chart framed with its title, source line and the
site's name (charts/card.py), and the title cards of pages without a chart (render/share_images.py).

Rendering is the slow part of a build with charts: the first call in a process starts a JavaScript engine
(about half a second), then each picture takes about 0.1 s (vl-convert measures each label with the charts' own
font, chart_font.py). So each picture is cached under a hash of its exact spec, its format, the renderer's version
and the charts' fonts (drawing_key); only pictures missing from the cache are rendered, in the renderer processes
(renderers.py: vl-convert holds Python's lock while it renders), each chart's as soon as its module has run; and a
chart's light and dark picture of one size are rendered once (one_layout.py).
Each picture is an entry of the build's store (incremental/disk_store.py), checked when read: a picture cut short or
emptied on disk reads as missing, and is rendered again and kept whole.

A card is cached under a hash of its SVG, the renderer's version and the fonts: the SVG holds everything else the PNG
shows (the chart's picture, its words, the site's name), so whatever a card reads keys it. A chart's cards are rendered
while the build goes on (CardRendering), after every picture that is waited for (renderers.LATER).
"""
from __future__ import annotations

import functools
import re
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Hashable

from . import chart_font, one_layout, renderers
from ..effects import libraries
from ..incremental.disk_store import DiskCache, canonical_json, content_key

# Part of every cache key: change one when its rendering or post-processing below changes, so old entries are
# not reused.
RENDER_FORMAT = "svg-2"
CARD_FORMAT = "share-card-1"

# Vega numbers clip paths and gradients with a counter that lives as long as the JavaScript engine, so the
# same spec rendered second in a process gets "clip3" where it got "clip1" first. Renumbered per picture,
# the output depends only on the spec: builds stay byte-identical whatever the cache held.
_NUMBERED_ID = re.compile(r'\bid="([A-Za-z_-]*?)(\d+)"')


@dataclass(frozen=True)
class PictureJob:
    spec: dict  # the Vega-Lite spec of one static picture (spec.static_spec)


@dataclass
class Rendered:
    pictures: dict[Hashable, bytes] = field(default_factory=dict)  # job → the SVG's UTF-8 text, or a card's PNG
    fresh: set[Hashable] = field(default_factory=set)  # jobs rendered by this build rather than read from cache
    errors: dict[Hashable, str] = field(default_factory=dict)  # job → what the renderer said


@functools.cache
def renderer_version() -> str:
    return libraries.version("vl-convert-python")


@functools.cache
def drawing_key() -> str:
    """What a picture or a card looks like besides its spec or SVG: vl-convert's version and the charts' fonts."""
    return f"{renderer_version()}+{chart_font.key()}"


def picture_key(job: PictureJob) -> str:
    return content_key(RENDER_FORMAT, drawing_key(), canonical_json(job.spec))


def card_key(svg: str) -> str:
    return f"{content_key(CARD_FORMAT, drawing_key(), svg)}.png"


class PictureRendering:
    """Pictures rendered in the renderers as their jobs come in (add), collected by finish(): the chart stage adds a
    chart's pictures as soon as its module has run, so they render while the next module runs in the chart worker.
    Jobs added together whose specs differ only in their theme's colours (a chart's light and dark picture of one
    size) are rendered once, in stand-in colours, and coloured for each (one_layout.py); when that cannot be done
    exactly, each is rendered from its own spec."""

    def __init__(self, cache: DiskCache):
        self._cache = cache
        self._result = Rendered()
        self._pending: dict[Hashable, tuple[str, PictureJob, Future]] = {}  # job → its cache key, itself, its rendering
        self._probes: list[tuple[dict[Hashable, tuple[str, PictureJob]], one_layout.Probe, Future]] = []

    def add(self, jobs: dict[Hashable, PictureJob]) -> None:
        layouts: dict[str, dict[Hashable, tuple[str, PictureJob]]] = {}  # the spec but its config → its jobs
        for name, job in sorted(jobs.items(), key=lambda item: str(item[0])):
            key = picture_key(job)
            cached = self._cache.get(f"{key}.svg")
            if cached is not None:
                self._result.pictures[name] = cached
                continue
            layout = canonical_json({part: value for part, value in job.spec.items() if part != "config"})
            layouts.setdefault(layout, {})[name] = key, job
        for same_layout in layouts.values():
            found = one_layout.probe({name: job.spec for name, (_, job) in same_layout.items()}) \
                if len(same_layout) > 1 else None
            if found is not None:
                self._probes.append((same_layout, found, renderers.submit(_render_picture, found.spec)))
            else:
                self._render_each(same_layout)

    def finish(self) -> Rendered:
        for same_layout, found, rendering in self._probes:
            picture, error = renderers.result(rendering, _render_picture, found.spec)
            schemes = one_layout.coloured(found, picture.decode("utf-8")) if error is None else None
            if schemes is None:  # not exactly the same layout in other colours: each is rendered from its spec
                self._render_each(same_layout)
                continue
            for name, (key, _) in same_layout.items():
                self._keep(name, key, schemes[name].encode("utf-8"))
        self._probes = []
        for name, (key, job, rendering) in sorted(self._pending.items(), key=lambda item: str(item[0])):
            picture, error = renderers.result(rendering, _render_picture, job.spec)
            if error is not None:
                self._result.errors[name] = error
                continue
            self._keep(name, key, picture)
        self._pending = {}
        return self._result

    def _render_each(self, jobs: dict[Hashable, tuple[str, PictureJob]]) -> None:
        for name, (key, job) in jobs.items():
            self._pending[name] = key, job, renderers.submit(_render_picture, job.spec)

    def _keep(self, name: Hashable, key: str, picture: bytes) -> None:
        self._result.pictures[name] = picture
        self._result.fresh.add(name)
        self._cache.put(f"{key}.svg", picture)


def _render_picture(spec: dict) -> tuple[bytes | None, str | None]:
    """(SVG, None), or (None, the renderer's message)."""
    try:
        return normalise_ids(chart_font.engine().vegalite_to_svg(spec)).encode("utf-8"), None
    except Exception as error:  # vl-convert raises ValueError with the JavaScript error's message
        return None, str(error).strip() or type(error).__name__


def normalise_ids(svg: str) -> str:
    """Renumber the numbered ids of one SVG from 1, in order of appearance, with every reference to them."""
    mapping: dict[str, str] = {}
    counters: dict[str, int] = {}
    for match in _NUMBERED_ID.finditer(svg):
        prefix, old = match.group(1), match.group(1) + match.group(2)
        if old not in mapping:
            counters[prefix] = counters.get(prefix, 0) + 1
            mapping[old] = f"{prefix}{counters[prefix]}"
    if all(old == new for old, new in mapping.items()):
        return svg
    names = "|".join(re.escape(old) for old in sorted(mapping, key=len, reverse=True))
    # One pass, so "clip3"→"clip1" and "clip1"→"clip2" cannot feed into each other.
    references = re.compile(rf'(\bid="|url\(#|href="#)({names})(?=["\)])')
    return references.sub(lambda match: match.group(1) + mapping[match.group(2)], svg)


def render_cards(cards: dict[str, str], cache: DiskCache) -> Rendered:
    """Each card's PNG (by its path), from the store or rendered by vl-convert (resvg) and kept there; and what
    resvg said of each card it could not render."""
    return CardRendering(cache, cards, renderers.NOW).finish()


class CardRendering:
    """Cards' PNGs, read from the store or sent to the renderers at once (the missing ones are `fresh`), and
    collected by finish(): the chart stage starts its cards' rendering and collects it only when it makes the
    files (charts.chart_files), so that the next edition's charts and the pages go on meanwhile. when: the renderers'
    urgency (renderers.NOW or LATER)."""

    def __init__(self, cache: DiskCache, cards: dict[str, str], when: int = renderers.LATER):
        self._cache = cache
        self._result = Rendered()
        self._pending: dict[str, tuple[str, str, Future]] = {}  # card path → its cache key, its SVG, its rendering
        for path, svg in sorted(cards.items()):
            key = card_key(svg)
            png = cache.get(key)
            if png is None:
                self._pending[path] = key, svg, renderers.submit(render_card, svg, when)
            else:
                self._result.pictures[path] = png

    @property
    def fresh(self) -> set[str]:
        """The cards this build renders: those the store did not have."""
        return set(self._pending) | self._result.fresh | set(self._result.errors)

    def finish(self) -> Rendered:
        for path, (key, svg, rendering) in self._pending.items():
            png, error = renderers.result(rendering, render_card, svg)
            if png is None:
                self._result.errors[path] = error
                continue
            self._cache.put(key, png)
            self._result.pictures[path] = png
            self._result.fresh.add(path)
        self._pending = {}
        return self._result


def render_card(svg: str) -> tuple[bytes | None, str | None]:
    """(PNG, None), or (None, resvg's message)."""
    try:
        return chart_font.engine().svg_to_png(svg), None
    except Exception as error:  # vl-convert raises ValueError with resvg's message
        return None, str(error).strip() or type(error).__name__
