"""What one built file holds for the output gate (publish/output_gate.py): its URLs, each as a browser reads it,
and the element ids it defines.

Each URL is read as a browser reads it: character references decoded (by the HTML parser), CSS escapes decoded,
tabs and newlines removed, leading and trailing control characters and spaces stripped. A scan is plain data
(tuples, strings, a set), so that worker processes can scan the pages while the templates make the next ones
(scan_files) and send back only small tuples, and a build can keep it for the next one.
"""
from __future__ import annotations

import bisect
import html
import re
from html.parser import HTMLParser

FOLLOWED = {("a", "href"), ("area", "href")}
LOADED = {"src", "srcset", "action", "formaction", "poster", "data", "background", "xlink:href", "href"}
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*?))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
_ATTRIBUTE = re.compile(r"""[\w:-]+\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_STRIPPED = "".join(map(chr, range(0x21))) + "\x7f"

# A URL where a file has it: (line, column, the URL as the browser reads it, whether it is a link the reader
# follows rather than something the browser loads by itself). A thousand pages hold a hundred thousand: tuples
# cross from a worker process ten times faster than records do.
UrlAt = tuple[int, int, str, bool]
# A file's scan: its URLs in the order they come, and the ids it defines.
Scan = tuple[list[UrlAt], set[str]]


def browser_url(raw: str) -> str:
    """The URL a browser acts on: tabs and newlines removed anywhere, C0 controls and spaces trimmed."""
    return re.sub(r"[\t\n\r]", "", raw).strip(_STRIPPED)


def _css_unescape(text: str) -> str:
    return _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)


class _UrlParser(HTMLParser):
    """A file's URLs and ids; with tags, also the start tag each URL is in, as written (for a refusal only)."""

    def __init__(self, tags: bool = False):
        super().__init__(convert_charrefs=True)
        self.urls: list[UrlAt] = []
        self.ids: set[str] = set()
        self.tags: list[str] | None = [] if tags else None
        self._in_style = False

    def handle_starttag(self, tag: str, attributes) -> None:
        line, col = self.getpos()
        self.start(tag, [(name, value or "") for name, value in attributes], line, col,
                   self.get_starttag_text() or "")

    def start(self, tag: str, attributes: list[tuple[str, str]], line: int, col: int, tag_text: str) -> None:
        self.found(tag_findings(tag, attributes), line, col, tag_text)
        self._in_style = tag == "style"

    def found(self, findings: TagFindings, line: int, col: int, tag_text: str) -> None:
        """What one start tag at line and col holds (tag_findings)."""
        urls, ids = findings
        self.ids.update(ids)
        self.urls.extend((line + lines_down, col + 1, url, followed) for url, followed, lines_down in urls)
        if self.tags is not None:
            self.tags.extend(tag_text for _ in urls)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            line, col = self.getpos()
            self.css(data, line, col)

    def css(self, text: str, line: int, col: int) -> None:
        found = _css_urls(text)
        self.urls.extend((line + lines_down, col + 1, url, False) for url, _, lines_down in found)
        if self.tags is not None:
            self.tags.extend("" for _ in found)


# A start tag's URLs (as the browser reads each, whether the reader follows it, lines below the tag's first)
# and the ids it defines.
TagFindings = tuple[tuple[tuple[str, bool, int], ...], tuple[str, ...]]


def tag_findings(tag: str, attributes: list[tuple[str, str]]) -> TagFindings:
    """One start tag: every attribute is checked, not only the first of a name a browser would use."""
    values: dict[str, str] = {}
    for name, value in attributes:
        values.setdefault(name, value)
    ids = tuple(values[key] for key in ("id",) if key in values) + (
        (values["name"],) if tag == "a" and "name" in values else ())
    urls: list[tuple[str, bool, int]] = []
    for name, value in attributes:
        if name == "srcset":
            urls += [(browser_url(candidate.strip().split(" ")[0]), False, 0) for candidate in value.split(",")]
        elif name == "style":
            urls += _css_urls(value)
        elif name in LOADED:
            followed = (tag, name) in FOLLOWED or (tag == "link" and values.get("rel") in (
                "canonical", "alternate", "license", "author", "prev", "next"))
            urls.append((browser_url(value), followed, 0))
    if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
        target = re.split(r"url\s*=\s*", values.get("content", ""), maxsplit=1, flags=re.IGNORECASE)
        if len(target) == 2:
            urls.append((browser_url(target[1].strip("'\" ")), False, 0))
    return tuple(urls), ids


def _css_urls(text: str) -> list[tuple[str, bool, int]]:
    return [(browser_url(_css_unescape(next(group for group in match.groups() if group is not None))), False,
             text.count("\n", 0, match.start())) for match in _CSS_URL.finditer(text)]


# A start tag as HTML defines it, quoted values may hold ">"; "/" separates attributes as a space does.
_TAG = re.compile(r"""<([a-zA-Z][^\s/>]*)((?:[\s/]+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)[\s/]*>""")
_TAG_START = re.compile(r"<[a-zA-Z]")
_ATTRIBUTE_ITEM = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_RELEVANT = re.compile(r"(?i)(?:href|src|srcset|action|formaction|poster|data|background|style|id|name|http-equiv)\s*=")
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style", re.IGNORECASE | re.DOTALL)


def _scan_quickly(parser: _UrlParser, text: str, read_tags: dict[str, TagFindings | None]) -> bool:
    """The start tags found by one regular expression, ten times faster than HTMLParser on our pages; False
    (scan nothing) when some "<letter" is not a whole tag by HTML's rules, so that the caller uses the parser.
    read_tags: what each distinct tag holds, read once for all the files a process scans in a build: the pages
    of a site share most of their tags (header, navigation, footer, the cards of the same facts)."""
    tags = list(_TAG.finditer(text))
    if len(tags) != len(_TAG_START.findall(text)):
        return False
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    for match in tags:
        written = match.group(0)
        if written in read_tags:
            findings = read_tags[written]
        else:
            findings = read_tags[written] = (tag_findings(*_read_tag(match)) if _RELEVANT.search(match.group(2))
                                             else None)
        if findings is None:
            continue  # no URL, id or style: most tags of a page (its spans)
        line = bisect.bisect_right(line_starts, match.start())
        parser.found(findings, line, match.start() - line_starts[line - 1], written)
    for match in _STYLE_ELEMENT.finditer(text):
        line = bisect.bisect_right(line_starts, match.start(1))
        parser.css(match.group(1), line, 0)  # style text is raw text: no character references
    return True


def _read_tag(match: re.Match) -> tuple[str, list[tuple[str, str]]]:
    attributes = [(item.group(1).lower(), html.unescape(next((value for value in item.group(2, 3, 4)
                                                              if value is not None), "")))
                  for item in _ATTRIBUTE_ITEM.finditer(match.group(2))]
    return match.group(1).lower(), attributes


def _parsed(data: bytes, read_tags: dict[str, TagFindings | None], tags: bool = False) -> _UrlParser:
    text = data.decode("utf-8", errors="replace")
    parser = _UrlParser(tags)
    if not _scan_quickly(parser, text, read_tags):
        parser = _UrlParser(tags)
        parser.feed(text)
        parser.close()
    return parser


def scan(data: bytes, read_tags: dict[str, TagFindings | None]) -> Scan:
    """One HTML or SVG file's URLs and ids. read_tags: what _scan_quickly has read of each distinct tag."""
    parser = _parsed(data, read_tags)
    return parser.urls, parser.ids


def scan_css(data: bytes) -> list[UrlAt]:
    """A stylesheet's URLs."""
    parser = _UrlParser()
    for number, text in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        parser.css(text, number, 0)
    return parser.urls


# The tags a worker process has read, for every batch it scans: a worker lives for one build. The build's own
# process scans a batch with it only when the worker died; it is emptied past MOST_READ_TAGS.
_READ_BY_THIS_WORKER: dict[str, TagFindings | None] = {}
MOST_READ_TAGS = 100_000


def scan_files(files: list[bytes]) -> list[Scan]:
    """Each file's scan: what a worker process does with each batch of pages it is sent (output_gate.GateScans)."""
    if len(_READ_BY_THIS_WORKER) > MOST_READ_TAGS:
        _READ_BY_THIS_WORKER.clear()
    return [scan(data, _READ_BY_THIS_WORKER) for data in files]


def written_url(data: bytes, at: UrlAt) -> str:
    """The URL at `at` as the file writes it (character references not decoded), from its tag read again: worked
    out only for a URL the gate refuses, to find it in the source that wrote it."""
    line, col, url, _ = at
    parser = _parsed(data, {}, tags=True)
    for found, tag in zip(parser.urls, parser.tags or []):
        if found[:3] == (line, col, url):
            return next((match.group(2).replace("&amp;", "&") for match in _ATTRIBUTE.finditer(tag)
                         if browser_url(html.unescape(match.group(2))) == url), url)
    return url
