"""`python build.py verify` (explainer/sources_verify.py): each source's address fetched again from a local server
on 127.0.0.1: a page that still has the quote, one where the quote changed, a 404, a refused connection; the
report names each, with the archived copy, and the exit code says whether everything holds. The real fetch's
time limit, size cap and charset handling are tested against the same server."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import PROJECT, SITES, free_port
from explainer.sources_verify import Fetched, fetch_page, html_text, page_text

STILL_THERE = """<!doctype html><html><head><title>Annual report</title><style>p { color: red }</style>
<script>var text = "The scheme had 3,100 members";</script></head><body><nav>Home | About</nav>
<h1>Example Library</h1><h2>Annual report</h2>
<p>The library lent <b>48,250</b>&nbsp;books
in 2024.</p><table><tr><th></th><th>Branches</th></tr><tr><td>2024</td><td>3</td></tr></table></body></html>"""
QUOTE_CHANGED = """<html><body><h1>Council newsletter</h1>
<p>The scheme had 3,000 members, up from 2,900, at the end of the year.</p></body></html>"""
PAGES = {"/still-there.html": (200, "text/html; charset=utf-8", STILL_THERE.encode()),
         "/quote-changed.html": (200, "text/html", QUOTE_CHANGED.encode()),
         "/korean.html": (200, "text/html; charset=euc-kr", "<p>모두 224명</p>".encode("euc-kr")),
         "/meta-charset.html": (200, "text/html", '<meta charset="euc-kr"><p>모두 224명</p>'.encode("euc-kr")),
         "/report.pdf": (200, "application/pdf", b"%PDF-1.4 ..."),
         "/big.txt": (200, "text/plain", b"x" * 300_000)}


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/slow.html":  # answers, then never finishes the body
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<p>start")
            self.wfile.flush()
            time.sleep(3)
            return
        if self.path == "/moved.html":
            self.send_response(301)
            self.send_header("Location", "/still-there.html")
            self.end_headers()
            return
        status, kind, body = PAGES.get(self.path, (404, "text/html", b"<h1>Not Found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Pages)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(tmp_path, server) -> Path:
    """The kept-sources fixture site with its addresses on the local server."""
    root = tmp_path / "kept-sources"
    shutil.copytree(SITES / "kept-sources", root, ignore=shutil.ignore_patterns(".cache"))
    for path in (root / "data" / "sources").iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace("http://127.0.0.1:PORT", server), encoding="utf-8")
    return root


def verify(root: Path):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), "verify", "--root", str(root)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


def test_verify_reports_a_changed_quote_a_dead_link_and_a_page_that_holds(site, server):
    result = verify(site)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""  # the fact store itself is sound
    assert result.stdout.splitlines() == [
        f"dead      page-gone  {server}/page-gone.html  (HTTP 404 Not Found)",
        "    archived copy: https://archive.example.org/page-gone",
        f"changed   quote-changed  {server}/quote-changed.html  (HTTP 200; 0 quotes found)",
        '    quote no longer found: excerpt "members": "The scheme had 3,100 members … at the end of the year."',
        '    snapshot: 1 of 2 lines of its body are on the page, not: "The scheme had 3,100 members, up from 2,900, '
        'at the end of the year."',
        "    archived copy: https://archive.example.org/quote-changed",
        f"holds     still-there  {server}/still-there.html  (HTTP 200; 2 quotes found)",
        "    snapshot: 7 of 7 lines of its body are on the page",
        "3 sources with an address: 1 holds, 1 changed, 1 dead.",
    ]


def test_verify_exits_0_when_every_quote_holds(site):
    for name in ("quote-changed", "page-gone"):
        (site / "data" / "sources" / f"{name}.json").unlink()
        (site / "data" / "sources" / f"{name}.snapshot.txt").unlink()
    facts = site / "data" / "facts" / "main.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        ',\n    {"id": "members", "value": 3100, "unit": "people", "label": "Members of the council\'s scheme", '
        '"as_of": "2024",\n     "source": "quote-changed", "excerpt": "members"}', ""), encoding="utf-8")
    result = verify(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "" and result.stdout.splitlines()[-1] == "1 source with an address: 1 holds."


def test_a_refused_connection_is_a_dead_link(site):
    path = site / "data" / "sources" / "page-gone.json"
    closed = f"http://127.0.0.1:{free_port()}/page-gone.html"  # nothing listens there
    text = path.read_text(encoding="utf-8")
    start = text.index('"url": "') + len('"url": "')
    path.write_text(text[:start] + closed + text[text.index('"', start):], encoding="utf-8")
    result = verify(site)
    assert result.returncode == 1
    assert f"dead      page-gone  {closed}  (connection refused)" in result.stdout.splitlines()


def test_verify_works_on_another_folder_and_reports_a_broken_store(site):
    (site / "data" / "sources" / "page-gone.snapshot.txt").write_text("address: x\n\nbody\n", encoding="utf-8")
    result = verify(site)
    assert result.returncode == 1
    assert "data/sources/page-gone.snapshot.txt:" in result.stderr


def test_the_real_fetch_has_a_time_limit(server):
    started = time.monotonic()
    page = fetch_page(f"{server}/slow.html", timeout=0.5)
    assert page.error is not None and "timed out after 0.5 s" in page.error
    assert time.monotonic() - started < 2.5  # the server would hold it for 3 s


def test_the_real_fetch_has_a_size_cap_and_follows_redirects(server):
    page = fetch_page(f"{server}/big.txt", size_cap=100_000)
    assert page.status == 200 and page.truncated and len(page.body) == 100_000
    moved = fetch_page(f"{server}/moved.html")
    assert moved.status == 200 and moved.final_url == f"{server}/still-there.html"
    assert fetch_page(f"{server}/nothing-here").error == "HTTP 404 Not Found"


def test_charsets_from_the_header_or_the_page_and_only_text_is_compared(server):
    assert "모두 224명" in page_text(fetch_page(f"{server}/korean.html"))
    assert "모두 224명" in page_text(fetch_page(f"{server}/meta-charset.html"))
    assert page_text(fetch_page(f"{server}/report.pdf")) is None
    assert page_text(Fetched(200, "text/plain; charset=utf-8", "plain words".encode())) == "plain words"


def test_html_text_leaves_out_scripts_and_styles_and_breaks_at_blocks():
    text = html_text(STILL_THERE)
    assert "var text" not in text and "color: red" not in text
    assert "Example Library\n" in text and "48,250\xa0books" in text
