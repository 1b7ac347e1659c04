"""The scripts that patch an open page in place, served only by the preview, in its /livereload.js.

Idiomorph 0.8.0 (npm, 0BSD: vendor/idiomorph.min.js, its licence and provenance in vendor/) and preview-morph.js,
both beside this module rather than under assets/: everything under assets/ is published with the site, and
these are the preview's own code, which no built page may carry or load.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
# In this order: preview-morph.js calls Idiomorph; both come before the livereload plugin that calls them.
FILES = ("vendor/idiomorph.min.js", "preview-morph.js")


@cache
def patch_scripts() -> bytes:
    """Idiomorph and the patching script, each ended by a newline, to go in front of livereload's client."""
    return b"".join((HERE / name).read_bytes().rstrip(b"\n") + b"\n;\n" for name in FILES)
