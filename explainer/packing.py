"""What a build holds compressed in memory between the stage that makes it and the one that reads it: a page's
HTML from its conversion to its template (site_folder/pages.py Page.html), the search's reduced pages until
Pagefind reads them (publish/search.py). At 4,000 pages they were 113 MB as made, 21 MB packed.

zlib at its fastest level: 0.09 ms to pack a page's HTML, 0.05 ms to unpack it (bench/README.md, issue 19's
seventh round). zlib lets go of Python's lock while it works, so a background thread packing costs the templates'
thread nothing.
"""
from __future__ import annotations

import zlib


def packed(data: bytes) -> bytes:
    return zlib.compress(data, 1) if data else b""


def unpacked(data: bytes) -> bytes:
    return zlib.decompress(data) if data else b""
