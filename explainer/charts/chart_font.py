"""The charts' own font, Chart Sans KR (fonts/: a subset of Noto Sans CJK KR, with its licence), and the one way to
reach vl-convert with it.

vl-convert measures every label of a chart, and resvg draws every card's letters, with the fonts it finds. Left to
the build machine's, the pictures depended on the machine: a fresh Debian has no Korean font, so the Korean
edition's cards lost every Hangul letter; and where Noto Sans CJK is installed, each label reopened its 19 MB
collection (these files are 2.4 MB each: a picture of 30 mixed labels took 199 ms to lay out and 105 ms to draw as a
PNG, and took 97 and 53 ms with them; bench/chart_font.py). vl-convert opens and parses the file again for every letter
it measures or draws, so fonts/subset.py leaves out the tables of vertical text and the outlines' subroutines, which
that parsing read each time: the same glyphs and metrics, the same pictures byte for byte, and the project's survey
chart laid out in 87 ms rather than 131 (issue 19's ninth round). So every process that renders registers fonts/ first (engine()),
and the theme names the family first (theme.FONT), or last after a site's own chart_font (theme.font_stack).

The pictures are then the same on every machine for the letters this font has: Latin, Greek, Cyrillic and Hangul.
Any other (a hanja in a Korean label, kana) is still drawn from a machine's font that has it, so the pictures' cache
keys carry both this font's digest and a list of the machine's font files (key()): installing or removing a font
renders every picture again, as changing these does.

A reader's browser does not have Chart Sans KR: it skips the name and sets a picture's SVG text in the page's own
fonts, which come next in the stack, as before.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
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


@functools.cache  # as vl-convert, which reads the fonts once per process: a process sees the ones it started with
def key() -> str:
    """A digest of the bundled fonts' bytes and of the machine's font files (path, size, time), for the keys of
    what is drawn with them."""
    digest = hashlib.sha256()
    for path in sorted(FOLDER.glob("*.otf")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    for folder in machine_font_folders():
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.suffix.lower() in _FONT_SUFFIXES:
                with contextlib.suppress(OSError):
                    found = path.stat()
                    digest.update(f"{path}\0{found.st_size}\0{found.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


_FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}


def machine_font_folders() -> list[Path]:
    """Where vl-convert's font database (fontdb's load_system_fonts) finds the machine's fonts."""
    home = Path.home()
    if sys.platform == "darwin":
        return [Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library" / "Fonts"]
    if sys.platform == "win32":
        return [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
                Path(os.environ.get("LOCALAPPDATA", home)) / "Microsoft" / "Windows" / "Fonts"]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
            home / ".fonts"]
