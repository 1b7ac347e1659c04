"""The charts' own font, Chart Sans KR (fonts/: a subset of Noto Sans CJK KR, with its licence), and the one way to
reach vl-convert with it.

vl-convert measures every label of a chart, and resvg draws every card's letters, with the fonts it finds. Left to
the build machine's, the pictures depended on the machine: a fresh Debian has no Korean font, so the Korean
edition's cards lost every Hangul letter; and where Noto Sans CJK is installed, each label reopened its 19 MB
collection (these files are 2 MB each: a picture of 30 mixed labels took 206 ms to lay out and 109 ms to draw as a
PNG, and now takes 84 and 50 ms; bench/README.md). So every process that renders registers fonts/ first (engine()),
the theme names the family first (theme.FONT), and the pictures' cache keys carry the fonts' digest (key()), so
changing them renders every picture again.

A reader's browser does not have Chart Sans KR: it skips the name and sets a picture's SVG text in the page's own
fonts, which come next in the stack, as before.
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

FAMILY = "Chart Sans KR"
FOLDER = Path(__file__).with_name("fonts")

_registered_in: int | None = None  # the process that registered FOLDER: a forked child must register its own


def engine():
    """vl_convert, with this folder's fonts registered in this process."""
    global _registered_in
    import vl_convert  # imported only when there is something to render: a cached build never starts the engine

    if _registered_in != os.getpid():
        vl_convert.register_font_directory(str(FOLDER))
        _registered_in = os.getpid()
    return vl_convert


@functools.cache  # the fonts are part of the engine, as its code is: a process sees the ones it started with
def key() -> str:
    """A digest of the fonts' bytes, for the keys of what is drawn with them."""
    digest = hashlib.sha256()
    for path in sorted(FOLDER.glob("*.otf")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
