"""What Pagefind reads of a built page: the page with the content of every element the index leaves out taken away.

The search index of a shard is kept under a hash of what Pagefind reads (publish/search.py). It leaves out
the elements of EXCLUDED (a fact's card, its citation mark, the header, the references), but reads them all
the same: given the whole page, its index would have to be keyed by the whole page, and a fact's label,
which its card shows on forty pages, would index most shards again though no reader can search it. So
Pagefind is given search_page(page): each such element still there, its start and end tags as written,
empty. Its id stays because Pagefind marks where an element with an id starts (a place a result can link
to), and that mark decides whether it ends a table cell with a full stop; what it read inside the element is
what it leaves out of the index, but for one thing it keeps: the text of an element with an id, for a result's
sections, which it makes from headings only (pagefind.js, calculate_sub_results). So the index of the
reduced pages finds the same pages with the same words, excerpts, titles and sections as the index of the
whole pages (tests/test_search_pages.py compares them); only the text beside the ids of cards, which no
reader is shown, is gone; and a heading with a fact in it is titled in results by its own words, where
Pagefind would have added the card's ("Arrivals Arrivals in 2009" for "Arrivals 2,914").

Exact for the markup this engine writes, which is all the markup a page has (Markdown's raw HTML is off:
prose/markdown_pool.py): an excluded element is found by its start tag, the class attribute first and in
double quotes, as the templates and the cards write it, and its end by counting the start and end tags of its
name after it. An element written any other way is left whole, and the page is given whole where the content
to take away holds what Pagefind takes even from an element it leaves out (a data-pagefind- attribute, a
title, an <h1>, an image), or where the tags cannot be counted (the element's tags in a comment or in raw text
such as a script, or a tag of its name closed by "/>"): Pagefind then leaves the element out itself, and the
key covers more than it must, never less.

Cost, measured on bench/generate_corpus.py's pages (25 kB, six fact cards each): 0.29 ms of CPU a page,
fourteen times hashing it, most of it finding the elements and the comments and raw text (each a pass of a
regular expression over the page). publish/search.py keeps the hash of each page as read under the hash of
the whole page, so a build reduces only the pages that changed.
"""
from __future__ import annotations

import re

# The classes whose elements the index leaves out, beside what Pagefind leaves out by itself (<nav>, <footer>,
# <script>, <form>, <svg>): the header; the fact cards and citation marks ("[4]") inside sentences; a chapter's
# references, whose excerpts and figures the Sources and Data pages hold (results quote the chapter's own prose
# instead). A template can leave out any other element with the attribute data-pagefind-ignore.
EXCLUDED_CLASSES = ("site-header", "skip-link", "fact-card", "cite", "references")
EXCLUDED = tuple(f".{name}" for name in EXCLUDED_CLASSES)

_NAMES = b"|".join(re.escape(name.encode("ascii")) for name in EXCLUDED_CLASSES)
# An excluded class in a class attribute written first, as this engine writes it: <span class="fact-card" ….
_CANDIDATE = re.compile(rb' class="(?:[^"<>]*\s)?(?:' + _NAMES + rb')[\s"]')
_TAG_NAME = re.compile(rb"<([a-z][a-z0-9]*)")
# The rest of that start tag: the class's other names, attributes in double quotes or bare, then ">" (not "/>").
_START_REST = re.compile(rb'[^"<>]*"(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*>')
# Where a "<" may start no tag: comments, doctypes and the like, raw text (script, style, title, …), any case.
_RAW = rb"script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext"
_OPAQUE = re.compile(rb"<(?:[!?]|(?P<raw>(?i:" + _RAW + rb"))(?=[\s/>]))")
_RAW_END = {name: re.compile(rb"</(?i:" + name + rb")[\s/>]") for name in _RAW.split(b"|")}
_TAGS: dict[bytes, re.Pattern] = {}  # a name's start and end tags, by name (_end_tag)
# What Pagefind takes from an element it leaves out, or from its content (filters, metadata, sort keys, the
# page's title, its image): a page with any of these in an excluded element is given whole.
_RECORDED = re.compile(rb"data-pagefind-|<(?i:h1|img|title)(?=[\s/>])")


def search_page(page: bytes) -> bytes:
    """The page as Pagefind is to read it: the content of each element of an EXCLUDED class taken away, the
    element's own tags kept; the page itself where anything is not as this engine writes it."""
    kept: list[bytes] = []
    position = 0
    opaque = None
    for candidate in _CANDIDATE.finditer(page):
        start = page.rfind(b"<", position, candidate.start())
        name = _TAG_NAME.fullmatch(page, start, candidate.start()) if start >= 0 else None
        rest = _START_REST.match(page, candidate.end() - 1) if name is not None else None
        if rest is None:
            continue  # not a start tag as this engine writes it (or inside an element already emptied)
        name = name[1]
        end = _end_tag(page, name, rest.end())
        if opaque is None:
            opaque = _opaque(page)
        if end is None or _RECORDED.search(page, start, end) or any(
                begin < end and start < finish and (begin <= start or finish > end or _has_tag(page, name, begin, finish))
                for begin, finish in opaque):
            return page
        kept.append(page[position:rest.end()])
        position = end
    if not kept:
        return page
    kept.append(page[position:])
    return b"".join(kept)


def _end_tag(page: bytes, name: bytes, at: int) -> int | None:
    """Where the end tag of the element named `name` whose content starts at `at` starts, counting the
    elements of that name inside it; None when there is none, or a tag of that name closes itself ("<span/>"
    opens an element in HTML and closes it in SVG: not counted here)."""
    tags = _TAGS.get(name) or _TAGS.setdefault(name, re.compile(rb"<(/?)" + name + rb"(?:[\s/][^>]*)?>"))
    depth = 1
    for tag in tags.finditer(page, at):
        if tag[1]:
            depth -= 1
            if depth == 0:
                return tag.start()
        elif tag[0].endswith(b"/>"):
            return None
        else:
            depth += 1
    return None


def _has_tag(page: bytes, name: bytes, begin: int, finish: int) -> bool:
    return page.find(b"<" + name, begin, finish) >= 0 or page.find(b"</" + name, begin, finish) >= 0


def _opaque(page: bytes) -> list[tuple[int, int]]:
    """Where the page has comments, doctypes and raw text, in which "<" starts no tag: (start, end) each."""
    found = []
    at = 0
    while (opener := _OPAQUE.search(page, at)) is not None:
        start = opener.start()
        if opener["raw"] is not None:
            closer = _RAW_END[opener["raw"].lower()].search(page, opener.end())
            at = closer.end() if closer is not None else len(page)
        elif page.startswith(b"<!--", start):
            # "<!-->" and "<!--->" are whole comments; any other ends at "-->"
            short = next((start + len(form) for form in (b"<!-->", b"<!--->") if page.startswith(form, start)), None)
            finish = page.find(b"-->", start + 4)
            at = short or (finish + 3 if finish >= 0 else len(page))
        else:
            finish = page.find(b">", start)
            at = finish + 1 if finish >= 0 else len(page)
        found.append((start, at))
    return found
