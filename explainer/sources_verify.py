"""`python build.py verify`: each source's address fetched again, and the words we quote looked for in the page.

Per source with a `url` it reports one outcome:
- "holds": every excerpt is on the live page (found as store/snapshots.found_in finds it in a snapshot:
  Unicode NFC, whitespace runs as one space, "…" for words left out; a table's header and cells one by one);
- "changed": an excerpt is no longer on the page (the quote we print is no longer the publisher's);
- "dead": no page: an HTTP error status, a timeout, a refused connection, an unknown host;
- "unchecked": the address answers with something that is not a web page or text (a PDF), or nothing.
Besides, for a source with a snapshot, how many of the snapshot body's lines are still on the page (each line
normalised and looked for in the page's text): pages change around the words we quote (menus, counters,
related links), so this is shown for the editor, and only missing quotes and dead links fail the command.
Where the source records an `archived_url`, it is shown beside a changed or dead page.

The fetch is passed in (`fetch_page` is the real one: a time limit and a size cap per request), so tests
serve pages from 127.0.0.1 and need no internet; requests run on the build's thread pool.
"""
from __future__ import annotations

import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .effects.worker_pool import threads
from .store.facts import FactStore, Source
from .store.snapshots import excerpt_words, found_in, normalised, parse_snapshot, source_id_of

TIMEOUT = 20.0  # seconds for one request, from connecting to the last byte
SIZE_CAP = 5_000_000  # bytes read of one page; the rest is not compared
USER_AGENT = "explainer-verify/1 (re-reading the pages a fact-checked site quotes)"


@dataclass(frozen=True)
class Fetched:
    """What one request gave: the page, or why there is none."""

    status: int | None  # the HTTP status; None when no answer came
    content_type: str = ""
    body: bytes = b""
    error: str | None = None  # "HTTP 404 Not Found", "timed out after 20 s", "connection refused", …
    truncated: bool = False  # longer than SIZE_CAP: only the first part was read
    final_url: str = ""  # after redirects


Fetch = Callable[[str], Fetched]


@dataclass(frozen=True)
class SourceReport:
    source_id: str
    url: str
    outcome: str  # "holds", "changed", "dead" or "unchecked"
    detail: str  # the status or error, or what was compared
    quotes_found: int = 0
    missing: tuple[str, ...] = ()  # the excerpts no longer on the page: 'excerpt "id": "words"'
    snapshot_lines: tuple[int, int] | None = None  # (lines of the snapshot's body on the page, lines in all)
    lines_gone: tuple[str, ...] = ()  # the first few lines of the snapshot no longer on the page
    archived_url: str | None = None

    @property
    def failed(self) -> bool:
        return self.outcome in ("changed", "dead")


def verify_sources(store: FactStore, snapshots: dict[Path, str], fetch: Fetch) -> list[SourceReport]:
    """A report for every source with an address, in the order of their ids. snapshots: the snapshot files'
    texts (path → text), as SiteInputs.data holds them."""
    bodies = {}
    for path, text in snapshots.items():
        snapshot, _ = parse_snapshot(path, text)
        if snapshot is not None:
            bodies[source_id_of(path)] = snapshot.body
    sources = [store.sources[key] for key in sorted(store.sources) if store.sources[key].url]
    pages = threads().map(fetch, [source.url for source in sources])
    return [_compare(source, page, bodies.get(source.id)) for source, page in zip(sources, pages)]


def _compare(source: Source, page: Fetched, snapshot_body: str | None) -> SourceReport:
    base = dict(source_id=source.id, url=source.url, archived_url=source.archived_url)
    if page.error is not None:
        return SourceReport(**base, outcome="dead", detail=page.error)
    text = page_text(page)
    if text is None:
        return SourceReport(**base, outcome="unchecked", detail=f"HTTP {page.status}, {page.content_type or 'no type'}: "
                            "not a web page or text, so its words were not compared")
    live = normalised(text)
    missing, found = [], 0
    for excerpt in source.excerpts.values():
        gone = [words for words in excerpt_words(excerpt) if not found_in(words, live)]
        if gone:
            missing.append(f'excerpt "{excerpt.id}": "{_shortened(gone[0])}"')
        else:
            found += 1
    lines, gone_lines = None, ()
    if snapshot_body is not None:
        body_lines = list(dict.fromkeys(line for line in map(normalised, snapshot_body.split("\n")) if line))
        absent = [line for line in body_lines if line not in live]
        lines, gone_lines = (len(body_lines) - len(absent), len(body_lines)), tuple(map(_shortened, absent[:3]))
    detail = f"HTTP {page.status}" + (f", redirected to {page.final_url}" if page.final_url not in ("", source.url)
                                      else "") + (f", only the first {SIZE_CAP:,} bytes read" if page.truncated else "")
    return SourceReport(**base, outcome="changed" if missing else "holds", detail=detail, quotes_found=found,
                        missing=tuple(missing), snapshot_lines=lines, lines_gone=gone_lines)


def _shortened(words: str, most: int = 80) -> str:
    words = normalised(words)
    return words if len(words) <= most else words[:most - 1] + "…"


def report_lines(reports: list[SourceReport]) -> list[str]:
    """The report the command prints: a line per source, indented lines for what changed, then a summary."""
    lines = []
    for report in reports:
        quotes = f"{report.quotes_found} quote{'s' if report.quotes_found != 1 else ''} found"
        head = f"{report.outcome:<9} {report.source_id}  {report.url}  ({report.detail}"
        head += f"; {quotes})" if report.outcome in ("holds", "changed") else ")"
        lines.append(head)
        lines += [f"    quote no longer found: {missing}" for missing in report.missing]
        if report.snapshot_lines is not None:
            on_page, total = report.snapshot_lines
            lines.append(f"    snapshot: {on_page} of {total} lines of its body are on the page"
                         + ("" if on_page == total else ", not: " + "; ".join(f'"{line}"' for line in report.lines_gone)
                            + (" …" if total - on_page > len(report.lines_gone) else "")))
        if report.archived_url and report.failed:
            lines.append(f"    archived copy: {report.archived_url}")
    counts = {outcome: sum(1 for report in reports if report.outcome == outcome)
              for outcome in ("holds", "changed", "dead", "unchecked")}
    lines.append(f"{len(reports)} source{'s' if len(reports) != 1 else ''} with an address: "
                 + ", ".join(f"{count} {outcome}" for outcome, count in counts.items() if count or outcome == "holds")
                 + ".")
    return lines


def page_text(page: Fetched) -> str | None:
    """The words of a fetched page: an HTML page's text (scripts and styles left out), a text file as it is;
    None for anything else."""
    kind = page.content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml", ""):
        if kind == "" and not page.body.lstrip()[:1] == b"<":
            return None
        return html_text(_decoded(page))
    if kind.startswith("text/"):
        return _decoded(page)
    return None


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _decoded(page: Fetched) -> str:
    """The body as text, in the charset its header or its first <meta> names (UTF-8 if none, or unknown)."""
    found = _CHARSET.search(page.content_type.encode("latin-1", "replace")) or _CHARSET.search(page.body[:4096])
    for charset in ([found.group(1).decode("ascii")] if found else []) + ["utf-8"]:
        try:
            return page.body.decode(charset, errors="replace")
        except LookupError:
            continue
    return page.body.decode("utf-8", errors="replace")


_SKIPPED = {"script", "style", "noscript", "template"}
_BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
           "header", "footer", "blockquote", "table", "ul", "ol", "dd", "dt", "pre", "figcaption", "title"}


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The text a reader sees of an HTML page (roughly: no layout), a line break at each block."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def fetch_page(url: str, timeout: float = TIMEOUT, size_cap: int = SIZE_CAP) -> Fetched:
    """GET url: the page, at most size_cap bytes of it, within timeout seconds in all; never raises."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain, */*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks, size = [], 0
            while size <= size_cap:
                if time.monotonic() > deadline:
                    return Fetched(None, error=f"timed out after {timeout:g} s")
                chunk = response.read(65_536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            body = b"".join(chunks)
            return Fetched(response.status, response.headers.get("Content-Type", ""), body[:size_cap],
                           truncated=len(body) > size_cap, final_url=response.url)
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error=f"HTTP {error.code} {error.reason}")
    except urllib.error.URLError as error:
        return Fetched(None, error=_why(error.reason, timeout))
    except (OSError, ValueError) as error:  # a timeout while reading, a reset connection, a malformed address
        return Fetched(None, error=_why(error, timeout))


def _why(reason, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "no such host"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    return str(reason) or type(reason).__name__
