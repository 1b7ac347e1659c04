"""Static SVGs of the charts, rendered at build time by vl-convert and cached on disk.

Rendering is the slow part of a build with charts: the first call in a process starts a JavaScript engine
(about half a second), then each picture takes tens of milliseconds. So each picture is cached under a hash
of its exact spec and the renderer's version, and only pictures missing from the cache are rendered, in
parallel threads (vl-convert works outside the GIL; two threads were 1.4 times faster on two cores).
"""
from __future__ import annotations

import functools
import importlib.metadata
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Hashable

from .disk_cache import DiskCache, canonical_json, content_key

# Part of every cache key: change it when the post-processing below changes, so old entries are not reused.
RENDER_FORMAT = "svg-2"

# Vega numbers clip paths and gradients with a counter that lives as long as the JavaScript engine, so the
# same spec rendered second in a process gets "clip3" where it got "clip1" first. Renumbered per picture,
# the output depends only on the spec: builds stay byte-identical whatever the cache held.
_NUMBERED_ID = re.compile(r'\bid="([A-Za-z_-]*?)(\d+)"')


@dataclass
class Rendered:
    svgs: dict[Hashable, str] = field(default_factory=dict)  # job → SVG text
    fresh: set[Hashable] = field(default_factory=set)  # jobs rendered by this build rather than read from cache
    errors: dict[Hashable, str] = field(default_factory=dict)  # job → what the renderer said


@functools.cache
def renderer_version() -> str:
    return importlib.metadata.version("vl-convert-python")


def svg_key(spec: dict) -> str:
    return content_key(RENDER_FORMAT, renderer_version(), canonical_json(spec))


def render_svgs(specs: dict[Hashable, dict], cache: DiskCache) -> Rendered:
    """An SVG for each Vega-Lite spec (job → spec), from the cache where it has one."""
    result = Rendered()
    missing: dict[Hashable, str] = {}
    for job, spec in specs.items():
        key = svg_key(spec)
        cached = cache.get(f"{key}.svg")
        if cached is not None:
            result.svgs[job] = cached.decode("utf-8")
        else:
            missing[job] = key
    if not missing:
        return result
    import vl_convert  # imported only when there is something to render: a cached build never starts the engine

    def render(job: Hashable) -> tuple[Hashable, str | None, str | None]:
        try:
            return job, normalise_ids(vl_convert.vegalite_to_svg(specs[job])), None
        except Exception as error:  # vl-convert raises ValueError with the JavaScript error's message
            return job, None, str(error).strip() or type(error).__name__

    workers = max(1, min(len(missing), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for job, svg, error in pool.map(render, sorted(missing, key=str)):
            if error is not None:
                result.errors[job] = error
                continue
            result.svgs[job] = svg
            result.fresh.add(job)
            cache.put(f"{missing[job]}.svg", svg.encode("utf-8"))
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
