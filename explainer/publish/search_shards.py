"""The search index in shards: which shard indexes a page, and where each shard's files go in the site.

Pagefind has no incremental mode: it indexes every page it is given. So the searchable pages are split into
shards, each indexed by a Pagefind run of its own and kept in the store under a hash of its own pages
(publish/search.py): an edit to one page indexes that page's shard again, and only that one (and the
vocabulary, a small index of every shard's words: below).

Which shard: a hash of the page's path within its edition, so a page's shard depends on nothing but its path
and the number of shards; a page and its translations (arrivals.html, ko/arrivals.html) share one, so a fact
that both show re-indexes one shard. Every edition's home page (index.html, ko/index.html) is in shard 0,
the primary, which therefore holds every language of the site (see below). How many shards: a power of two,
the fewest that keep the pages per shard at or under pages_per_shard (100): 100 pages or fewer are one shard,
exactly the single index of before; 1,000 pages are 16 shards of about 63. The count changes only when the
site crosses a power of two times pages_per_shard, and then every shard is made again, once.

Where: the primary (the lowest-numbered shard with pages: shard 0, in practice) is pagefind/, with Pagefind's
script, its worker and the WebAssembly of its languages, which are every language of the site; every other
shard holds only its index, at pagefind/shards/<number>/, and so does the vocabulary (below), at
pagefind/vocabulary/. pagefind/shards.json (MANIFEST) lists the primary's number, the other shards with the
languages each indexes, and the vocabulary's pages. assets/search.js loads pagefind/pagefind.js, then merges
(Pagefind's mergeIndex) the shards that index the page's language, each tagged with its number (mergeFilter),
and the vocabulary. Pagefind splits an index by <html lang> and, asked for a language an index lacks, answers
from that index's largest language instead: a shard with no Korean pages would put English pages on the
Korean search page, so it is not merged there.

The same pages as one index: Pagefind decides alone, in each index, what to do with a word the index lacks
(leave it out of the query, or search for a shorter word of the index that starts it), so merged shards would
answer pages one index would not (vocabulary_pages says how). The vocabulary, one small index of every shard's
words, decides it for the site; search.js searches each word of a query in it, then the query in the shards
every word names. tests/test_search_shards_browser.py compares the two in a browser.

The order: merged results are sorted by each shard's own score (Pagefind's coupled search), and a score depends
on its index's statistics (how many pages have a word, their average length), so pages of close scores may
come in another order than one index would give them (in that test, 4 queries of 8).
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import posixpath

from ..site_folder.editions import edition_of_path

BUNDLE = "pagefind"  # the index's folder in the site
SHARDS = "shards"  # the other shards' folder, inside BUNDLE
MANIFEST = "shards.json"  # inside BUNDLE: the other shards and their languages, for assets/search.js
VOCABULARY = "vocabulary"  # inside BUNDLE: one index of the words of every shard (see below)
FRAGMENT_HEADER = b"pagefind_dcd"  # what Pagefind writes before a page's JSON, inside the gzip
PAGES_PER_SHARD = 100  # at most, on average: shards of 50 to 100 pages
HOME = "index.html"  # an edition's home page: always in the primary shard
# Pagefind's scripts, the same bytes in every shard of one version: published with the primary only, as its
# WebAssembly is (wasm.<language>.pagefind): merged indexes are searched by the primary's.
RUNTIME_NAMES = ("pagefind.js", "pagefind-worker.js")


def shard_count(pages: int, pages_per_shard: int = PAGES_PER_SHARD) -> int:
    """The fewest shards, a power of two, that keep pages / shards at or under pages_per_shard."""
    count = 1
    while pages > count * pages_per_shard:
        count *= 2
    return count


def shard_of(path: str, count: int) -> int:
    """The shard of a searchable page: its path within its edition, hashed (the same on every machine and
    build, unlike Python's hash()); an edition's home page is shard 0."""
    own = path.removeprefix(edition_of_path(path))
    if own == HOME or count == 1:
        return 0
    return int.from_bytes(hashlib.sha256(own.encode("utf-8")).digest()[:8], "big") % count


def split(pages: dict[str, bytes], pages_per_shard: int = PAGES_PER_SHARD) -> dict[int, dict[str, bytes]]:
    """The pages (path → HTML) of each shard that has any, by shard number, each in the order of its paths."""
    count = shard_count(len(pages), pages_per_shard)
    shards: dict[int, dict[str, bytes]] = {}
    for path in sorted(pages):
        shards.setdefault(shard_of(path, count), {})[path] = pages[path]
    return dict(sorted(shards.items()))


def site_files(shards: dict[int, dict[str, bytes]], vocabulary: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The index's files at their paths in the site, from each shard's files as Pagefind names them
    (pagefind-entry.json, index/…): the primary at pagefind/, with the runtime; the others at
    pagefind/shards/<number>/ and the vocabulary's index at pagefind/vocabulary/, their index only (the
    primary's script and WebAssembly search them); the manifest."""
    if not shards:
        return {}
    primary, *others = sorted(shards)
    files = {posixpath.join(BUNDLE, name): data for name, data in shards[primary].items()}
    manifest: dict = {"primary": str(primary), "shards": []}
    for number in others:
        folder = f"{SHARDS}/{number}/"
        files.update(_index_only(shards[number], folder))
        manifest["shards"].append({"path": folder, "shard": str(number), "languages": languages(shards[number])})
    if vocabulary is not None:
        files.update(_index_only(vocabulary, f"{VOCABULARY}/"))
        # Each vocabulary page's id in results (its fragment's name) → its shard. Not a Pagefind filter: Pagefind
        # writes filters in no fixed order, and two builds must give the same bytes.
        pages = {name.removeprefix("fragment/").removesuffix(".pf_fragment"): _record(data)["url"].split("/")[1]
                 for name, data in sorted(vocabulary.items()) if name.startswith("fragment/")}
        manifest["vocabulary"] = {"path": f"{VOCABULARY}/", "pages": pages}
    files[posixpath.join(BUNDLE, MANIFEST)] = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode()
    return dict(sorted(files.items()))


def _index_only(files: dict[str, bytes], folder: str) -> dict[str, bytes]:
    return {posixpath.join(BUNDLE, folder, name): data for name, data in files.items()
            if name not in RUNTIME_NAMES and not name.startswith("wasm.")}


def languages(shard: dict[str, bytes]) -> list[str]:
    """The languages a shard's index holds (Pagefind's keys: the pages' <html lang>, in lower case)."""
    return sorted(json.loads(shard["pagefind-entry.json"])["languages"])


def vocabulary_pages(shards: dict[int, dict[str, bytes]]) -> dict[str, bytes]:
    """The vocabulary's pages: for each shard and language, one page of every word its pages were indexed with
    (the text Pagefind kept of each, from its fragment), once; its address names the shard (/<number>/<language>.html).

    Why: Pagefind answers a word an index lacks by leaving it out of the query, or, when the index has a shorter
    word that starts it, by searching for that one. Merged shards would each decide that alone: a shard without
    "asylum" answers with its pages that have "a". One index of every shard's words decides it for the site, as
    one index of every page would: the shards that its answer for a word names are the only ones that can hold a
    page with that word (assets/search.js searches those). It is small (each distinct word once per shard)."""
    pages = {}
    for number, files in sorted(shards.items()):
        words: dict[str, set[str]] = {}
        for name, data in files.items():
            if name.startswith("fragment/"):
                record = _record(data)
                language = name.removeprefix("fragment/").removesuffix(".pf_fragment").rsplit("_", 1)[0]  # en_<hash>
                said = f"{record.get('content', '')} {record.get('meta', {}).get('title', '')}"
                words.setdefault(language, set()).update(said.split())
        for language, found in sorted(words.items()):
            pages[f"{number}/{language}.html"] = (
                f'<!doctype html><html lang="{html.escape(language)}"><body><main>'
                f'<p>{html.escape(" ".join(sorted(found)))}</p>'
                f"</main></body></html>").encode("utf-8")
    return pages


def _record(fragment: bytes) -> dict:
    """A page's record in Pagefind's index (its URL, the text it kept, its title), from its fragment file."""
    return json.loads(gzip.decompress(fragment)[len(FRAGMENT_HEADER):])
