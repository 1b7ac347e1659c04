"""Static pictures, rendered at build time by vl-convert and cached on disk: the charts' SVGs a page shows
(render_pictures), and PNGs of SVG cards (render_cards): a chart framed with its title, source line and the
site's name (charts/card.py), and the title cards of pages without a chart (render/share_images.py).

Rendering is the slow part of a build with charts: the first call in a process starts a JavaScript engine
(about half a second), then each picture takes tens of milliseconds. So each picture is cached under a hash
of its exact spec, its format and the renderer's version, and only pictures missing from the cache are
rendered, in parallel threads (vl-convert works outside the GIL; two threads were 1.4 times faster on two cores).
Each picture is an entry of the build's store (incremental/disk_store.py), checked when read: a picture cut short or
emptied on disk reads as missing, and is rendered again and kept whole.

A card is cached under a hash of its SVG and the renderer's version: the SVG holds everything the PNG shows
(the chart's picture, its words, the site's name), so whatever a card reads keys it.
"""
from __future__ import annotations

import functools
import importlib.metadata
import re
from dataclasses import dataclass, field
from typing import Hashable

from ..incremental.disk_store import DiskCache, canonical_json, content_key
from ..effects.worker_pool import map_in_workers, threads

# Part of every cache key: change one when its rendering or post-processing below changes, so old entries are
# not reused.
RENDER_FORMAT = "svg-2"
CARD_FORMAT = "share-card-1"
# resvg holds the GIL: threads do not help, worker processes do once there are enough cards to pay for starting
# them (measured on 2 cores: a title card takes 10-35 ms, a chart card about 100 ms).
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


def render_pictures(jobs: dict[Hashable, PictureJob], cache: DiskCache) -> Rendered:
    """A picture for each job, from the cache where it has one."""
    result = Rendered()
    missing: dict[Hashable, str] = {}
    for name, job in jobs.items():
        key = picture_key(job)
        cached = cache.get(f"{key}.svg")
        if cached is not None:
            result.pictures[name] = cached
        else:
            missing[name] = key
    if not missing:
        return result
    import vl_convert  # imported only when there is something to render: a cached build never starts the engine

    def render(name: Hashable) -> tuple[Hashable, bytes | None, str | None]:
        job = jobs[name]
        try:
            return name, normalise_ids(vl_convert.vegalite_to_svg(job.spec)).encode("utf-8"), None
        except Exception as error:  # vl-convert raises ValueError with the JavaScript error's message
            return name, None, str(error).strip() or type(error).__name__

    for name, picture, error in threads().map(render, sorted(missing, key=str)):  # the build's one pool
        if error is not None:
            result.errors[name] = error
            continue
        result.pictures[name] = picture
        result.fresh.add(name)
        cache.put(f"{missing[name]}.svg", picture)
    return result


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
