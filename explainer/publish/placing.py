"""Placing an edition's files in the site: under its folder ("ko/"), sharing what the site's root already holds.

Each edition is built as if it were a site of its own (pipeline.py), so its pages link to "assets/style.css"
and "charts/arrivals.svg" beside them. Here a file of the theme's folders (render/layout.py FOLDERS: assets/,
charts/, data/, share/) whose bytes the root already has at the same path is not written again: the edition's
pages are pointed at the root's copy ("../assets/style.css"), relatively, so the links work under any URL prefix
and from disk. pagefind/ is always the root's: one index for every edition, which Pagefind splits by <html lang>
(publish/search.py). The default edition is the root: its files stay as they are.
"""
from __future__ import annotations

import hashlib
import html
import posixpath
import re
from urllib.parse import unquote, urlsplit

from ..render.layout import FOLDERS
from ..site_folder.editions import Edition

# An attribute whose value may be an address (links, what a page loads, og:image, and the data-* a script reads
# as one: charts.js's data-runtime, search.js's data-pagefind); only values naming a shared file are changed.
_ADDRESS_ATTRIBUTE = re.compile(r'(\s(?:href|src|srcset|poster|content|data-[a-z-]+)\s*=\s*")([^"]*)(")')
ALWAYS_SHARED = ("pagefind/",)  # made after placing, over the whole site


def place_edition(edition: Edition, files: dict[str, bytes], placed: dict[str, bytes],
                  site_url: str = "") -> dict[str, bytes]:
    """The edition's files (path within the edition → bytes) at their site-relative paths, less the files `placed`
    (the site so far) already holds; site_url: the site's address, if it has one (absolute og:image)."""
    if edition.is_default:
        return files
    folders = tuple(folder.path for folder in FOLDERS)
    # The edition's files the root holds with the same bytes, and the root's that the edition does not make
    # itself (the theme's assets, which the pipeline places once).
    shared = {path for path, data in files.items() if path.startswith(folders) and placed.get(path) == data} | {
        path for path in placed if path.startswith(folders) and path not in files}
    edition_url = site_url + edition.prefix if site_url else ""
    shared_key = frozenset(shared)
    result = {}
    for path, data in files.items():
        if path in shared:
            continue
        if path.endswith(".html"):
            data = _placed_page(path, data, edition, shared_key, site_url, edition_url)
        result[edition.prefix + path] = data
    return result


def _placed_page(path: str, page: bytes, edition: Edition, shared: frozenset[str], site_url: str,
                 edition_url: str) -> bytes:
    """_pointed_at_root, once per page, edition and shared files: the preview places every page of an edition again
    on each rebuild (about 3 ms a page), though an edit changes one. Keyed by the page's digest (a twentieth of the
    scan), so the memo holds no page twice; the placed bytes are the ones the site holds anyway."""
    key = (path, hashlib.sha256(page).digest(), edition.prefix, shared, site_url, edition_url)  # output_gate's hash
    placed = _PLACED.get(key)
    if placed is None:
        if len(_PLACED) >= _PLACED_MOST:
            _PLACED.clear()
        placed = _PLACED[key] = _pointed_at_root(path, page, edition, shared, site_url, edition_url)
    return placed


_PLACED: dict[tuple, bytes] = {}
_PLACED_MOST = 4096  # pages kept across rebuilds: a long preview session's edits do not pile up for ever


def _pointed_at_root(path: str, page: bytes, edition: Edition, shared: set[str], site_url: str,
                     edition_url: str) -> bytes:
    """The page with each address of a shared file leading to the root's copy."""
    folder = posixpath.dirname(edition.prefix + path)

    def one(address: str) -> str:
        if edition_url and address.startswith(edition_url):
            rest = address[len(edition_url):]
            return site_url + rest if _is_shared(urlsplit(rest).path, shared) else address
        parts = urlsplit(address)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return address
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
        if not _is_shared(target, shared):
            return address
        rest = address[len(parts.path):]  # ?query and #fragment
        return posixpath.relpath(target, folder or ".") + rest

    def attribute(match: re.Match) -> str:
        value = html.unescape(match.group(2))
        if match.group(1).lstrip().startswith("srcset"):
            new = ", ".join(" ".join([one(url), *rest]) for url, *rest in
                            (candidate.strip().split(" ", 1) for candidate in value.split(",")))
        else:
            new = one(value)
        return match.group(0) if new == value else match.group(1) + html.escape(new) + match.group(3)

    text = page.decode("utf-8")
    rewritten = _ADDRESS_ATTRIBUTE.sub(attribute, text)
    return page if rewritten == text else rewritten.encode("utf-8")


def _is_shared(target: str, shared: set[str]) -> bool:
    return target in shared or target.startswith(ALWAYS_SHARED)
