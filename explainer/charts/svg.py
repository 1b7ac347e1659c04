"""Static pictures, rendered at build time by vl-convert and cached on disk: the charts' SVGs a page shows
(PictureRendering), and PNGs of SVG cards (render_cards): a chart framed with its title, source line and the
site's name (charts/card.py), and the title cards of pages without a chart (render/share_images.py).

Rendering is the slow part of a build with charts: the first call in a process starts a JavaScript engine
(about half a second), then each picture takes tens of milliseconds. So each picture is cached under a hash
of its exact spec, its format and the renderer's version, and only pictures missing from the cache are
rendered, in parallel threads (vl-convert works outside the GIL; two threads were 1.4 times faster on two cores),
each chart's as soon as its module has run.
Each picture is an entry of the build's store (incremental/disk_store.py), checked when read: a picture cut short or
emptied on disk reads as missing, and is rendered again and kept whole.

A card is cached under a hash of its SVG and the renderer's version: the SVG holds everything the PNG shows
(the chart's picture, its words, the site's name), so whatever a card reads keys it.
"""
from __future__ import annotations

import functools
import importlib.metadata
import re
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Hashable

from ..incremental.disk_store import DiskCache, canonical_json, content_key
from ..effects.worker_pool import map_in_workers, threads

# Part of every cache key: change one when its rendering or post-processing below changes, so old entries are
# not reused.
RENDER_FORMAT = "svg-2"
CARD_FORMAT = "share-card-1"
# resvg holds the GIL: threads do not help, worker processes do once there are enough cards to pay for starting
# them (measured on 2 cores: a chart card takes 100-160 ms, the site's title card 10-35 ms; a new worker also
# loads the system's fonts again before its first card: the project's 12 chart cards per edition took 2.5 s in
# this process and 4.4-5.2 s in two workers).
POOL_MIN_CARDS = 40

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
    return importlib.metadata.version("vl-convert-python")


def picture_key(job: PictureJob) -> str:
    return content_key(RENDER_FORMAT, renderer_version(), canonical_json(job.spec))


class PictureRendering:
    """Pictures rendered in the build's threads as their jobs come in (add), collected by finish(): the chart
    stage adds a chart's pictures as soon as its module has run, so they render while the next module runs in the
    chart worker, on the other core."""

    def __init__(self, cache: DiskCache):
        self._cache = cache
        self._result = Rendered()
        self._pending: dict[Hashable, tuple[str, Future]] = {}  # job → its cache key and its rendering

    def add(self, jobs: dict[Hashable, PictureJob]) -> None:
        for name, job in sorted(jobs.items(), key=lambda item: str(item[0])):
            key = picture_key(job)
            cached = self._cache.get(f"{key}.svg")
            if cached is not None:
                self._result.pictures[name] = cached
            else:
                self._pending[name] = key, threads().submit(_render_picture, job.spec)  # the build's one pool

    def finish(self) -> Rendered:
        for name, (key, rendering) in sorted(self._pending.items(), key=lambda item: str(item[0])):
            picture, error = rendering.result()
            if error is not None:
                self._result.errors[name] = error
                continue
            self._result.pictures[name] = picture
            self._result.fresh.add(name)
            self._cache.put(f"{key}.svg", picture)
        self._pending = {}
        return self._result


def _render_picture(spec: dict) -> tuple[bytes | None, str | None]:
    """(SVG, None), or (None, the renderer's message)."""
    import vl_convert  # imported only when there is something to render: a cached build never starts the engine

    try:
        return normalise_ids(vl_convert.vegalite_to_svg(spec)).encode("utf-8"), None
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
    result = Rendered()
    missing: dict[str, str] = {}  # card path → its cache key
    for path, svg in sorted(cards.items()):
        key = f"{content_key(CARD_FORMAT, renderer_version(), svg)}.png"
        png = cache.get(key)
        if png is None:
            missing[path] = key
        else:
            result.pictures[path] = png
    paths = list(missing)
    svgs = [cards[path] for path in paths]
    rendered = map_in_workers(render_card, svgs, POOL_MIN_CARDS) or [render_card(svg) for svg in svgs]
    for path, (png, error) in zip(paths, rendered):
        if png is None:
            result.errors[path] = error
            continue
        cache.put(missing[path], png)
        result.pictures[path] = png
        result.fresh.add(path)
    return result


def render_card(svg: str) -> tuple[bytes | None, str | None]:
    """(PNG, None), or (None, resvg's message)."""
    import vl_convert  # only when a card must be rendered: a cached build never starts it

    try:
        return vl_convert.svg_to_png(svg), None
    except Exception as error:  # vl-convert raises ValueError with resvg's message
        return None, str(error).strip() or type(error).__name__
