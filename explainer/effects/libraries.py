"""Which libraries are installed, and their versions: what the caches are keyed by besides the engine's own code.

Read from the names of the folders Python finds them by ("Jinja2-3.1.6.dist-info", "vl_convert_python-1.9.0.dist-info"),
as pip writes them: listing the folders takes a millisecond, where importing importlib.metadata alone took 20 to
70 ms of every build (and reading each package's metadata would take thirty more).
"""
from __future__ import annotations

import functools
import os
import re
import sys

_SUFFIXES = (".dist-info", ".egg-info")


@functools.cache
def installed() -> tuple[str, ...]:
    """Every installed distribution's folder name, in the order Python looks for them (sys.path's)."""
    names: list[str] = []
    for folder in sys.path:
        try:
            names += sorted(name for name in os.listdir(folder or ".") if name.endswith(_SUFFIXES))
        except OSError:  # a zip, or a folder that is gone
            continue
    return tuple(names)


def version(distribution: str) -> str:
    """The version of an installed distribution ("vl-convert-python" → "1.9.0"), the first Python would import;
    LookupError if none is installed. Names compare as packaging does: case, "-", "_" and "." alike."""
    wanted = _normalized(distribution)
    for name in installed():
        stem = name[:name.rindex(".")]  # "vl_convert_python-1.9.0"
        project, _, found = stem.partition("-")
        if _normalized(project) == wanted and found:
            return found
    raise LookupError(f"{distribution} is not installed")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
