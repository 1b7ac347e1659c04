"""The chart runtime: vega-embed with vega-lite and vega, in one file served from the site's own assets.

vl-convert ships these libraries and bundles them with no external dependency (vl_convert.javascript_bundle,
about 900 KB, 300 KB gzipped), so no CDN and no npm are needed. Making the bundle takes 1.3–1.5 s of CPU, a
quarter of the project's cold build on two cores, and gives the same bytes for one version of vl-convert: the bundle
of the version requirements.txt pins is shipped with the engine (vendor/, gzipped; a test makes it again and compares
the bytes; vendor/README.md says how to write it for another version). Any other version's is
cached on disk under that version (an entry of the build's store, incremental/disk_store.py: a bundle cut
short on disk reads as missing and is made again); when it is missing, the chart stage starts making it in a
renderer (start_runtime, renderers.py) once the pictures of the first charts that ran are in, and the renderers take
it after any picture still to come (renderers.LATER): the pictures hold up the pages, the runtime only the writing. It is
written to the site only when a page has a chart,
and no page loads it: each figure names it in data-runtime, and assets/charts.js loads it when a reader first
points at, touches or focuses a chart (a chart page weighs about 30 KB gzipped before, 330 KB after).

vega-embed 7 includes Vega's expression interpreter: charts.js embeds with {ast: true}, so the charts run
under a Content-Security-Policy without 'unsafe-eval'.
"""
from __future__ import annotations

import functools
import gzip
import zlib
from concurrent.futures import Future
from pathlib import Path

from . import renderers
from ..incremental.disk_store import DiskCache, content_key
from .svg import renderer_version
from ..errors import Problem

RUNTIME_PATH = "assets/vendor/vega-embed.js"
# The bundle's default snippet also sets window.vega and window.vegaLite, which come out null in vl-convert
# 1.9.0; vegaEmbed is all charts.js uses.
SNIPPET = "window.vegaEmbed = vegaEmbed;"
# The bundle declares top-level consts with one-letter names; wrapped in a function, they cannot collide with
# another script's globals.
WRAPPER = "(() => {\n%s\n})();\n"
HEADER = ("/* vega {vega}, vega-lite {vega_lite} and vega-embed {vega_embed} with their dependencies, bundled by "
          "vl-convert-python {vl_convert}. Vega, Vega-Lite and vega-embed: BSD-3-Clause, University of Washington "
          "Interactive Data Lab; d3 modules: ISC, Mike Bostock. */\n")


_making: dict[str, Future] = {}  # bundle name → its making in a renderer (start_runtime)
# Bundle name → the bundle this program has: the next edition of the build takes it from here, as does a build that
# reads nothing from the store (--no-cache), which made it again in its own process (a second, in the build's way).
_made: dict[str, bytes] = {}
SHIPPED = Path(__file__).parent / "vendor"  # the bundles shipped with the engine, by name: NAME.gz


def start_runtime(cache: DiskCache) -> None:
    """Start making the bundle in a renderer if this program and the store lack it, for runtime_files to collect."""
    name = _bundle_name()
    if name not in _making and name not in _made and _shipped_bundle(name) is None and cache.get(name) is None:
        _making[name] = renderers.submit(make_bundle, SNIPPET, renderers.LATER)  # wanted when the files are made


def runtime_files(cache: DiskCache) -> tuple[dict[str, bytes], list[Problem]]:
    name = _bundle_name()
    shipped = _shipped_bundle(name)
    if shipped is not None:
        return {RUNTIME_PATH: shipped}, []
    stored = cache.get(name)
    bundle = stored or _made.get(name)
    making = _making.pop(name, None)
    if bundle is None:
        try:
            bundle = renderers.result(making, make_bundle, SNIPPET) if making else make_bundle(SNIPPET)
        except Exception as error:  # the site still works without it: every chart keeps its static SVG
            return {}, [Problem(Path(RUNTIME_PATH), 1, 1, f"could not make the chart runtime with vl-convert: "
                                f"{error}. Reinstall it: python -m pip install -r requirements.txt")]
    if stored is None:
        cache.put(name, bundle)
    _made[name] = bundle
    return {RUNTIME_PATH: bundle}, []


@functools.cache  # the same bytes for one version of vl-convert: a renderer, which lives on, makes it once
def make_bundle(snippet: str) -> bytes:
    import vl_convert

    header = HEADER.format(vega=vl_convert.get_vega_version(), vega_lite=vl_convert.get_vegalite_versions()[-1],
                           vega_embed=vl_convert.get_vega_embed_version(), vl_convert=renderer_version())
    return (header + WRAPPER % vl_convert.javascript_bundle(snippet)).encode("utf-8")


def _bundle_name() -> str:
    """The bundle's name: the version of vl-convert that makes it and all that make_bundle adds to it."""
    return f"vega-embed-{content_key(renderer_version(), SNIPPET, WRAPPER, HEADER)[:20]}.js"


def _shipped(name: str) -> Path:
    return SHIPPED / f"{name}.gz"


@functools.cache  # read once per program: the preview asks on every rebuild
def _shipped_bundle(name: str) -> bytes | None:
    """The bundle of this name shipped with the engine; None where none is, or where its file does not read whole
    (gzip checks its length and CRC; an empty file is read by gzip as no bundle at all): the bundle is then made, as
    for any other version."""
    try:
        return gzip.decompress(_shipped(name).read_bytes()) or None
    except (OSError, EOFError, zlib.error):  # OSError: none, unreadable, or gzip.BadGzipFile
        return None


def ship_bundle() -> Path:
    """Write the installed vl-convert's bundle where runtime_files finds it, for a maintainer who changes the pinned
    version (the old one's file can go). mtime 0: the same bundle always gives the same file."""
    path = _shipped(_bundle_name())
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(gzip.compress(make_bundle(SNIPPET), compresslevel=9, mtime=0))
    return path
