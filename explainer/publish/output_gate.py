"""The output gate: every URL in every HTML, SVG and CSS file the build writes, checked at the end.

Markup is made in many places (Markdown, templates, cards, charts), so the guarantee is here rather than in
each of them. Each URL is read as a browser reads it: character references decoded (by the HTML parser),
CSS escapes decoded, tabs and newlines removed, leading and trailing control characters and spaces
stripped. Then only these pass:

- a link a reader follows (`<a href>`, `<area href>`): the site's own files, http(s): and mailto:;
- anything the browser loads by itself (src, srcset, stylesheets, CSS url() and @import, forms, posters…):
  only the site's own files, or an inline `data:` image;

and a link to the site's own files must lead to a file the build writes, and to an element id that exists
in it when it names one (`page.html#anchor`, `#anchor`).
"""
from __future__ import annotations

import bisect
import hashlib
import html
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..incremental.kept_values import InMemory, PackedValues, Place
from ..errors import Problem, problem_at

FOLLOWED = {("a", "href"), ("area", "href")}
LOADED = {"src", "srcset", "action", "formaction", "poster", "data", "background", "xlink:href", "href"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*?))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
_ATTRIBUTE = re.compile(r"""[\w:-]+\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_STRIPPED = "".join(map(chr, range(0x21))) + "\x7f"


@dataclass(frozen=True, slots=True)  # slots: a thousand pages hold a hundred thousand of them, kept between builds
class FoundUrl:
    file: str  # site-relative path of the file the URL is in
    line: int
    col: int
    url: str  # as the browser reads it
    followed: bool  # a link the reader clicks, rather than something the browser loads by itself
    tag: str = ""  # the start tag as written, to find the URL in the file that produced it

    @property
    def written(self) -> str:
        """The URL as the file writes it (character references not decoded); worked out only for a refusal."""
        return next((match.group(2).replace("&amp;", "&") for match in _ATTRIBUTE.finditer(self.tag)
                     if browser_url(html.unescape(match.group(2))) == self.url), self.url)


def browser_url(raw: str) -> str:
    """The URL a browser acts on: tabs and newlines removed anywhere, C0 controls and spaces trimmed."""
    return re.sub(r"[\t\n\r]", "", raw).strip(_STRIPPED)


def _css_unescape(text: str) -> str:
    return _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)


class _UrlParser(HTMLParser):
    def __init__(self, file: str):
        super().__init__(convert_charrefs=True)
        self.file = file
        self.urls: list[FoundUrl] = []
        self.ids: set[str] = set()
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
        self.urls.extend(FoundUrl(self.file, line + lines_down, col + 1, url, followed, tag_text)
                         for url, followed, lines_down in urls)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            line, col = self.getpos()
            self._css(data, line, col)

    def _css(self, text: str, line: int, col: int) -> None:
        self.urls.extend(FoundUrl(self.file, line + lines_down, col + 1, url, False, "")
                         for url, _, lines_down in _css_urls(text))


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


def _scan_quickly(parser: _UrlParser, text: str, read_tags: dict[str, tuple[str, TagFindings | None]]) -> bool:
    """The start tags found by one regular expression, ten times faster than HTMLParser on our pages; False
    (scan nothing) when some "<letter" is not a whole tag by HTML's rules, so that the caller uses the parser.
    read_tags: what each distinct tag holds, read once for all the files of a build: the pages of a site share
    most of their tags (header, navigation, footer, the cards of the same facts)."""
    tags = list(_TAG.finditer(text))
    if len(tags) != len(_TAG_START.findall(text)):
        return False
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    for match in tags:
        known = read_tags.get(match.group(0))
        if known is None:
            known = read_tags[match.group(0)] = (match.group(0), tag_findings(*_read_tag(match))
                                                 if _RELEVANT.search(match.group(2)) else None)
        # The tag's text as first read, which every URL found in it keeps: one string for the thousand pages
        # that share a tag, rather than one each (8 MB at 1,000 pages).
        written, findings = known
        if findings is None:
            continue  # no URL, id or style: most tags of a page (its spans)
        line = bisect.bisect_right(line_starts, match.start())
        parser.found(findings, line, match.start() - line_starts[line - 1], written)
    for match in _STYLE_ELEMENT.finditer(text):
        line = bisect.bisect_right(line_starts, match.start(1))
        parser._css(match.group(1), line, 0)  # style text is raw text: no character references
    return True


def _read_tag(match: re.Match) -> tuple[str, list[tuple[str, str]]]:
    attributes = [(item.group(1).lower(), html.unescape(next((value for value in item.group(2, 3, 4)
                                                              if value is not None), "")))
                  for item in _ATTRIBUTE_ITEM.finditer(match.group(2))]
    return match.group(1).lower(), attributes


# (file, hash of its bytes) → its scan: where its URLs are kept (GateMemory.values), and its ids
Scans = dict[tuple[str, bytes], tuple[Place, set[str]]]


@dataclass
class GateMemory:
    """What the gate keeps from one build to the next (build_cache.BuildCache.gate): each file's scan by its
    bytes, and each file's verdicts, which stay true while the site has the same files and every file the
    same ids (a link's verdict depends only on them): a Markdown edit checks one page, not a thousand.

    Each file's URLs are kept in values (incremental/kept_values.py): `python build.py` writes them to disk as
    each file is scanned and reads back only those of the files it checks again (a hundred thousand URLs at a
    thousand pages); the preview keeps them in memory. The ids of every file stay here: every check reads them."""

    scans: Scans = field(default_factory=dict)
    names: frozenset[str] = frozenset()
    ids: dict[str, set[str]] = field(default_factory=dict)
    problems: dict[tuple[str, bytes], list[Problem]] = field(default_factory=dict)  # by scan key; only [] kept
    values: InMemory | PackedValues = field(default_factory=InMemory, repr=False, compare=False)
    # The preview hands the same bytes objects to every build for the pages it did not make again: each one's hash,
    # by identity (the object kept alive, so its id is not reused), spares hashing 25 MB at 1,000 pages per edit.
    # Only for files held in memory anyway (a dict); never kept on disk.
    hashes: dict[int, tuple[bytes, bytes]] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:  # kept on disk without where its values are: the loader gives that again
        return {name: value for name, value in self.__dict__.items() if name not in ("values", "hashes")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.values, self.hashes = InMemory(), {}


def _scan(name: str, data: bytes, read_tags: dict[str, tuple[str, TagFindings | None]]
          ) -> tuple[list[FoundUrl], set[str]]:
    """One HTML or SVG file's URLs and ids."""
    text = data.decode("utf-8", errors="replace")
    parser = _UrlParser(name)
    if not _scan_quickly(parser, text, read_tags):
        parser = _UrlParser(name)
        parser.feed(text)
        parser.close()
    return parser.urls, parser.ids


def urls_and_ids(files: dict[str, bytes], memory: GateMemory | None = None
                 ) -> tuple[dict[str, list[FoundUrl] | Place], dict[str, set[str]], dict[str, tuple[str, bytes]]]:
    """Each file's URLs (where memory keeps them, for an HTML or SVG file: _found_urls), each HTML or SVG file's
    ids, and the scan key of each file whose scan may be kept (not CSS, which is read every time). memory: the
    previous build's scans, read and then replaced by this build's: a rebuild scans only the files whose bytes
    changed."""
    kept = memory.scans if memory is not None else {}
    urls: dict[str, list[FoundUrl] | Place] = {}
    ids: dict[str, set[str]] = {}
    keys: dict[str, tuple[str, bytes]] = {}
    scanned: Scans = {}
    read_tags: dict[str, tuple[str, TagFindings | None]] = {}
    known_hashes = memory.hashes if memory is not None and isinstance(files, dict) else None
    hashes: dict[int, tuple[bytes, bytes]] = {}
    for name in sorted(files):
        if name.endswith((".html", ".svg")):
            data = files[name]
            known = known_hashes.get(id(data)) if known_hashes is not None else None
            digest = known[1] if known is not None and known[0] is data else \
                hashlib.blake2b(data, digest_size=16).digest()
            if known_hashes is not None:
                hashes[id(data)] = (data, digest)
            key = keys[name] = (name, digest)
            scan = kept.get(key)
            if scan is None:
                found_urls, found_ids = _scan(name, files[name], read_tags)
                # Kept away as soon as found: the URLs of every page at once would grow with the site.
                scan = (memory.values.put(found_urls) if memory is not None else found_urls, found_ids)
            scanned[key] = scan
            urls[name], ids[name] = scan
        elif name.endswith(".css"):
            parser = _UrlParser(name)
            for number, text in enumerate(files[name].decode("utf-8", errors="replace").splitlines(), start=1):
                parser._css(text, number, 0)
            urls[name] = parser.urls
    if memory is not None:  # only what this build wrote: the memory stays the size of one site
        memory.scans, memory.hashes = scanned, hashes
    return urls, ids, keys


def _found_urls(name: str, urls: list[FoundUrl] | Place, files: dict[str, bytes],
                memory: GateMemory | None) -> list[FoundUrl]:
    """A file's URLs, read back from where memory keeps them, or found again if they cannot be read."""
    if isinstance(urls, list):
        return urls
    found = memory.values.get(urls) if memory is not None else None
    return found if isinstance(found, list) else _scan(name, files[name], {})[0]


def refusal(found: FoundUrl, files: dict[str, bytes], ids: dict[str, set[str]]) -> str | None:
    """Why this URL may not be published, or None."""
    url = found.url
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if found.followed and name in ("http", "https", "mailto"):
            return None
        if not found.followed and name == "data" and re.match(r"(?i)data:(image/(png|gif|jpeg|webp)[;,]|,)", url):
            return None
        if found.followed:
            return f'the link "{url}" uses the scheme "{name}:": only http(s):, mailto: and the site\'s own pages.'
        return f'"{url}" would make readers\' browsers load something from outside the site: copy it into assets/.'
    if url.startswith("//") or url.startswith("\\\\"):
        if found.followed:
            return None
        return f'"{url}" would make readers\' browsers load something from another site: copy it into assets/.'
    parts = urlsplit(url)
    path = unquote(parts.path)
    target = found.file if not path else posixpath.normpath(posixpath.join(posixpath.dirname(found.file), path))
    if target.startswith("../") or target == "..":
        return f'"{url}" leads outside the site.'
    if path.endswith("/") or target in ("", "."):
        target = posixpath.join(target, "index.html").lstrip("./") if target not in ("", ".") else "index.html"
    if target not in files:
        return f'"{url}" leads to {target}, which the site does not have.'
    if parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
        return f'"{url}" leads to #{unquote(parts.fragment)}, which {target} does not have.'
    return None


def check_output(files: dict[str, bytes], origins: dict[str, tuple[Path, str]] | None = None,
                 memory: GateMemory | None = None) -> list[Problem]:
    """Every URL that may not be published, as a problem placed in the file that produced it where known
    (origins: site-relative output path → (source path, source text)), or else in the output file.
    memory: what the previous build's check kept (GateMemory), updated for the next."""
    origins = origins or {}
    urls, ids, keys = urls_and_ids(files, memory)
    names = frozenset(files)
    same_site = memory is not None and memory.names == names and memory.ids == ids
    kept_problems = memory.problems if same_site else {}
    problems: list[Problem] = []
    clean: dict[tuple[str, bytes], list[Problem]] = {}
    decided: dict[tuple, str | None] = {}  # the same link on many pages is decided once
    for name, found_urls in urls.items():
        key = keys.get(name)
        if key is not None and key in kept_problems:
            clean[key] = []
            continue
        found_problems = _file_problems(_found_urls(name, found_urls, files, memory), files, ids, origins, decided)
        problems += found_problems
        if key is not None and not found_problems:  # a file with problems is checked again: its source may move
            clean[key] = []
    if memory is not None:
        memory.names, memory.ids, memory.problems = names, ids, clean
    return problems


def _file_problems(found_urls: list[FoundUrl], files: dict[str, bytes], ids: dict[str, set[str]],
                   origins: dict[str, tuple[Path, str]], decided: dict[tuple, str | None]) -> list[Problem]:
    problems = []
    for found in found_urls:
        if found.url.startswith("#") or not found.url:
            # Within its own page: decided at once, never kept (each page's own marks and cards: a hundred thousand
            # such links at 4,000 pages, none shared, held 50 MB in `decided`).
            reason = refusal(found, files, ids)
        else:
            key = (posixpath.dirname(found.file), found.url, found.followed)
            if key not in decided:
                decided[key] = refusal(found, files, ids)
            reason = decided[key]
        if reason is None:
            continue
        origin = origins.get(found.file)
        if origin is not None:
            path, text = origin
            offset = _offset_in_source(text, found.written)
            offset = _offset_in_source(text, found.url) if offset is None else offset
            if offset is not None:
                problems.append(problem_at(path, text, offset, f"{reason} Fix or remove the link."))
                continue
        problems.append(Problem(Path(found.file), found.line, found.col,
                                f"in the built file {found.file}: {reason} Fix the template or data that wrote it."))
    return problems


def _offset_in_source(text: str, url: str) -> int | None:
    """Where the source file writes this URL; None when it is written differently (encoded, in a template)."""
    for candidate in (url, url.split("#", 1)[0]):
        if candidate and candidate in text:
            return text.index(candidate)
    for candidate in (url, url.split("#", 1)[0]):
        loose = _loosely_written(candidate)
        found = loose.search(text) if loose is not None else None
        if found is not None:
            return found.start()
    return None


_MOST_LOOSE_CHARACTERS = 2_000  # a longer refused URL is placed in the built file: no pattern of that size


def _loosely_written(url: str) -> re.Pattern | None:
    """The URL as a source may write it with white space the built file does not show the same way: Python-
    Markdown turns a tab into spaces, and a browser drops tabs and newlines ("java<tab>script:" in a Markdown
    link is "java script:" in the page, and "javascript:" to a browser). Any run of white space, or none,
    between two characters."""
    characters = [character for character in url if not character.isspace()]
    if not characters or len(characters) > _MOST_LOOSE_CHARACTERS:
        return None
    return re.compile(r"[ \t\r\n]*".join(map(re.escape, characters)))
