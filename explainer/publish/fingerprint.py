"""Content-hashed file names: name.<hash>.ext for the files a host may cache for a year, every reference to
them rewritten, so pages stay fresh while their stylesheets, scripts and pictures are never fetched twice.

Which files (hashed): everything under assets/ (stylesheets, scripts including assets/vendor/, the favicon),
the charts' pictures (charts/*.svg, charts/*.png) and the share cards (share/*.png), an edition's own (ko/charts/)
too. Which keep their names:
pages (embed pages included), data downloads (data/, charts/*.csv, charts/*.json), which people link to, and
Pagefind's bundle (pagefind/), whose script loads its other files by name.

Which references: in HTML, the attributes src, href, srcset, poster, content (og:image) and data-* that name
a hashed file, relatively or under site.json's url; in CSS, url() and @import. Scripts are not read: a script
that needs a file's address reads it from an attribute, as charts.js reads data-runtime.

The hash is of the file's final bytes: a stylesheet's own references are rewritten first and it is hashed
after, so a changed picture renames the stylesheet that uses it too. The hash is the first 10 hex digits of
SHA-256: the same bytes always give the same name, so two builds of the same input stay identical.

No page is hashed, so the names are decided from the other files (renaming) before the first page is made,
and each page is finished as it is made (Renaming.finished): the build writes it at once, and never holds
the site's pages together (pipeline.py).
"""
from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from ..site_folder.editions import edition_of_path

HASH_DIGITS = 10
_URL_ATTRIBUTES = {"src", "href", "poster", "content"}
# A start tag (quoted values may hold ">"), and one attribute with a quoted value inside it.
_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:[\s/]+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*[\s/]*>""")
_ATTRIBUTE = re.compile(r"""([\s/])([^\s"'>/=]+)(\s*=\s*)("[^"]*"|'[^']*')""")
_CSS_REFERENCE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                            re.IGNORECASE)


def is_hashed(path: str) -> bool:
    """Whether the file gets a hashed name; an edition's own pictures (ko/charts/, ko/share/) as the root's."""
    path = path.removeprefix(edition_of_path(path))
    folder, _, name = path.rpartition("/")
    if path.startswith("assets/"):
        return True
    return (folder == "charts" and name.endswith((".svg", ".png"))) or (folder.split("/")[0] == "share"
                                                                         and name.endswith(".png"))


def hashed_name(path: str, content: bytes) -> str:
    """assets/style.css → assets/style.<hash>.css (a name without an extension gets the hash at its end)."""
    folder, slash, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:HASH_DIGITS]
    new = f"{stem}.{digest}.{extension}" if dot and stem else f"{name}.{digest}"
    return f"{folder}{slash}{new}"


@dataclass
class Renaming:
    """The hashed names of a site's files, decided before its pages are made: each page (or other file) is then
    finished one at a time, as it is made (finished), so the pages need never be in memory together."""

    renamed: dict[str, str] = field(default_factory=dict)  # original path → hashed path
    site_url: str = ""
    stylesheets: dict[str, bytes] = field(default_factory=dict)  # path → bytes with their references rewritten
    names: Callable = field(default=lambda text: iter(()), repr=False)  # _name_finder of the renamed files
    # Each tag rewritten, by its folder and text: every page writes the same few (the stylesheet, the scripts, the
    # icon), and reading one's attributes again cost half of each page's rewriting.
    rewritten_tags: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def finished(self, path: str, content: bytes) -> tuple[str, bytes]:
        """The file's path in the published site (its hashed name, if it gets one) and its bytes with every
        reference to a hashed file rewritten."""
        if path in self.stylesheets:
            content = self.stylesheets[path]
        elif path.endswith(".html"):
            content = _rewrite_html(path, content, self.renamed, self.site_url, self.names, self.rewritten_tags)
        elif path.endswith(".css"):
            content = _rewrite_css(path, content, self.renamed, self.site_url)
        return self.renamed.get(path, path), content


def renaming(files: Mapping[str, bytes], site_url: str = "") -> Renaming:
    """The hashed names of the files among `files` that get one (is_hashed), which must be every such file of the
    site: a page may be finished later, but no file that is hashed."""
    result = Renaming(site_url=site_url)
    hashed = sorted(path for path in files if is_hashed(path))
    stylesheets = [path for path in hashed if path.endswith(".css")]
    for path in hashed:
        if path not in stylesheets:
            result.renamed[path] = hashed_name(path, files[path])
    # A stylesheet is hashed after the stylesheets it imports, so their new names are in its bytes.
    contents = {path: files[path] for path in stylesheets}
    waiting = list(stylesheets)
    while waiting:
        ready = [path for path in waiting if not (_css_targets(path, contents[path]) & (set(waiting) - {path}))]
        for path in ready or waiting:  # an import cycle (a mistake) is broken rather than looped on
            contents[path] = _rewrite_css(path, contents[path], result.renamed, site_url)
            result.renamed[path] = hashed_name(path, contents[path])
        waiting = [path for path in waiting if path not in result.renamed]
    result.stylesheets = contents
    # Only the tags that hold a hashed file's name are read attribute by attribute: a page has hundreds of tags
    # and a handful of such names (1.0–2.4 s → 0.2 s on the 1,000-page corpus, same bytes).
    result.names = _name_finder({posixpath.basename(old) for old in result.renamed})
    return result


def _new_reference(file: str, url: str, renamed: dict[str, str], site_url: str) -> str | None:
    """The reference with the hashed name of the file it names, or None if it names no hashed file."""
    if site_url and url.startswith(site_url):
        relative = url[len(site_url):]
        target = urlsplit(relative).path
        return site_url + _renamed_path(relative, target, renamed) if target in renamed else None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(file), unquote(parts.path)))
    return _renamed_path(url, target, renamed) if target in renamed else None


def _renamed_path(url: str, target: str, renamed: dict[str, str]) -> str:
    """url with its last path segment replaced by the hashed name's, so "../" prefixes, queries and fragments stay."""
    path_end = len(urlsplit(url).path)
    written = url[:path_end]
    return written[:written.rfind("/") + 1] + posixpath.basename(renamed[target]) + url[path_end:]


def _name_finder(names: set[str]):
    """names(text): where one of names starts in text, each time it is written. Each written extension of theirs
    is found (a short literal pattern), and the word it ends is looked up in the set: one pass, however many
    files are hashed."""
    extensions = sorted({name.rpartition(".")[2] for name in names if "." in name})
    if not extensions:
        return lambda text: iter(())
    ending = re.compile(r"\.(?:%s)(?![\w.-])" % "|".join(map(re.escape, extensions)))

    def found(text: str):
        for match in ending.finditer(text):
            begin = max(text.rfind(delimiter, 0, match.start()) for delimiter in _NAME_DELIMITERS) + 1
            if text[begin:match.end()] in names:
                yield begin
    return found


_NAME_DELIMITERS = ("/", '"', "'", " ", "=", "\n", ">")


def _rewrite_html(path: str, content: bytes, renamed: dict[str, str], site_url: str, names,
                  rewritten_tags: dict[tuple[str, str], str]) -> bytes:
    text = content.decode("utf-8")
    folder = posixpath.dirname(path)  # all a reference's rewriting depends on besides the tag (_new_reference)

    def attribute(match: re.Match) -> str:
        name = match.group(2).lower()
        if not (name in _URL_ATTRIBUTES or name == "srcset" or name.startswith("data-")):
            return match.group(0)
        quote, value = match.group(4)[0], html.unescape(match.group(4)[1:-1])
        if name == "srcset":
            candidates = [candidate.strip().split(" ", 1) for candidate in value.split(",")]
            new_value = ", ".join(" ".join([_new_reference(path, url, renamed, site_url) or url, *rest])
                                  for url, *rest in candidates)
        else:
            new_value = _new_reference(path, value.strip(), renamed, site_url) or value
        if new_value == value:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{match.group(3)}{quote}{html.escape(new_value)}{quote}"

    pieces, written = [], 0
    for position in names(text):
        if position < written:  # inside a tag already rewritten
            continue
        opening = text.rfind("<", written, position)
        tag = _TAG.match(text, opening) if opening != -1 else None
        if tag is None or tag.end() <= position:  # the name is in text, not in a tag
            continue
        new_tag = rewritten_tags.get((folder, tag.group(0)))
        if new_tag is None:
            new_tag = rewritten_tags[folder, tag.group(0)] = _ATTRIBUTE.sub(attribute, tag.group(0))
        pieces += [text[written:tag.start()], new_tag]
        written = tag.end()
    if not pieces:
        return content
    rewritten = "".join(pieces) + text[written:]
    return content if rewritten == text else rewritten.encode("utf-8")


def _css_targets(path: str, content: bytes) -> set[str]:
    text = content.decode("utf-8", errors="replace")
    found = set()
    for match in _CSS_REFERENCE.finditer(text):
        url = next(group for group in match.groups() if group is not None)
        parts = urlsplit(url)
        if not parts.scheme and not parts.netloc and parts.path:
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path))))
    return found


def _rewrite_css(path: str, content: bytes, renamed: dict[str, str], site_url: str) -> bytes:
    text = content.decode("utf-8")

    def reference(match: re.Match) -> str:
        index = next(i for i, group in enumerate(match.groups()) if group is not None)
        url = match.group(index + 1)
        new = _new_reference(path, url, renamed, site_url)
        if new is None:
            return match.group(0)
        start, end = match.start(index + 1) - match.start(), match.end(index + 1) - match.start()
        return match.group(0)[:start] + new + match.group(0)[end:]

    rewritten = _CSS_REFERENCE.sub(reference, text)
    return content if rewritten == text else rewritten.encode("utf-8")
