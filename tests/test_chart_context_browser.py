"""In Chromium: paper always takes the light chart pictures, whatever the reader's colour scheme, and 404.html
keeps its stylesheet, scripts and links at a nested missing address (issue 21, items 6 and 7)."""
from __future__ import annotations

import dataclasses
import http.server
import re
import shutil
import threading
import zlib
from functools import partial
from pathlib import Path

import pytest

from conftest import SITES, free_port
from explainer.charts.theme import DARK, LIGHT
from explainer.publish.site_writer import write_site
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build

URL = "https://example.org/explainer/"


def built_to(root: Path, out: Path, url: str | None = None) -> Path:
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    if url is not None:  # as `--url` does (cli.py)
        inputs = dataclasses.replace(inputs, settings=dataclasses.replace(inputs.settings, url=url))
    result = build(inputs, hashed_names=True)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    write_site(result.files, out)
    return out


@pytest.fixture(scope="module")
def charts_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("print")
    shutil.copytree(SITES / "charts", folder / "root", ignore=shutil.ignore_patterns("site"))
    return built_to(folder / "root", folder / "site")


def pdf_colour(hex_colour: str) -> bytes:
    """A fill colour as Chromium's PDFs write it: "#fdfcfa" → b".9922 .9882 .9804"."""
    channels = [int(hex_colour[index:index + 2], 16) / 255 for index in (1, 3, 5)]
    return " ".join(f"{channel:.4f}".rstrip("0").rstrip(".").removeprefix("0") or "0"
                    for channel in channels).encode()


def pdf_drawing(pdf: bytes) -> bytes:
    """The PDF's page and picture drawing operators, inflated."""
    drawn = b""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            drawn += zlib.decompress(match.group(1))
        except zlib.error:  # a font or a picture, not drawing
            pass
    return drawn


def chart_shown(page) -> dict:
    return page.eval_on_selector("figure.chart .chart-view", """view => {
        const shown = [...view.querySelectorAll("img")].filter(img => img.getBoundingClientRect().width > 0);
        return {shown: shown.map(img => img.currentSrc), interactive: [...view.querySelectorAll(".chart-interactive")]
                .filter(element => element.getBoundingClientRect().width > 0).length};
    }""")


def test_printing_from_a_dark_screen_prints_the_light_chart(browser, static_server, charts_site):
    base = static_server(charts_site)
    page = browser.new_page()
    try:
        page.emulate_media(color_scheme="dark")
        page.goto(f"{base}/index.html")
        page.wait_for_load_state("networkidle")
        assert re.search(r"/charts/arrivals-dark\.[0-9a-f]{10}\.svg$", chart_shown(page)["shown"][0])  # the screen
        drawing = pdf_drawing(page.pdf())  # what Chromium really prints: the <picture> keeps its screen choice
        assert pdf_colour(LIGHT.background) + b" rg" in drawing
        assert pdf_colour(DARK.background) + b" rg" not in drawing and pdf_colour(DARK.primary) not in drawing
        page.emulate_media(media="print", color_scheme="dark")
        shown = chart_shown(page)
        assert len(shown["shown"]) == 1 and re.search(r"/charts/arrivals\.[0-9a-f]{10}\.svg$", shown["shown"][0])
    finally:
        page.close()


def test_an_upgraded_chart_prints_its_light_picture_too(browser, static_server, charts_site):
    base = static_server(charts_site)
    page = browser.new_page()
    try:
        page.emulate_media(color_scheme="dark")
        page.goto(f"{base}/index.html")
        page.hover("figure.chart .chart-view")
        page.wait_for_selector("figure.chart.chart-upgraded .chart-interactive svg", timeout=30_000)
        assert chart_shown(page) == {"shown": [], "interactive": 1}  # the interactive view, in dark
        page.emulate_media(media="print", color_scheme="dark")
        shown = chart_shown(page)
        assert shown["interactive"] == 0 and len(shown["shown"]) == 1
        assert re.search(r"/charts/arrivals\.[0-9a-f]{10}\.svg$", shown["shown"][0])
        drawing = pdf_drawing(page.pdf())
        assert pdf_colour(DARK.background) + b" rg" not in drawing and pdf_colour(LIGHT.background) + b" rg" in drawing
    finally:
        page.close()


class _UnderPrefix(http.server.SimpleHTTPRequestHandler):
    """A host serving the site under /explainer/, and its 404.html for any address it does not have."""

    def send_head(self):
        path = self.path.split("?", 1)[0]
        if not path.startswith("/explainer/"):
            return self._not_found()
        file = Path(self.directory) / path.removeprefix("/explainer/")
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            return self._not_found()
        self.path = "/" + file.relative_to(self.directory).as_posix()
        return super().send_head()

    def _not_found(self):
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *arguments):
        pass


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


@pytest.fixture
def host_under_prefix(tmp_path):
    shutil.copytree(SITES / "charts", tmp_path / "root", ignore=shutil.ignore_patterns("site"))
    site = built_to(tmp_path / "root", tmp_path / "site", url=URL)
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(_UnderPrefix, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("address", ["/explainer/missing.html", "/explainer/a/b/missing", "/explainer/a/b/c/d/"])
def test_404_keeps_its_style_scripts_and_links_at_any_depth(browser, host_under_prefix, address):
    page = browser.new_page()
    failed = []
    page.on("response", lambda response: response.status != 200 and response.url != host_under_prefix + address
            and failed.append((response.status, response.url)))
    page.on("requestfailed", lambda request: failed.append(("failed", request.url)))
    try:
        response = page.goto(host_under_prefix + address)
        page.wait_for_load_state("networkidle")
        assert response.status == 404 and page.locator("h1").inner_text() == "Page not found"
        assert failed == []  # the stylesheet, the favicon and both scripts loaded
        assert page.evaluate("[...document.styleSheets].every(sheet => sheet.cssRules.length > 0)")
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
        # search.js made the header's link the search page's, at the site's root
        assert page.locator(".search-link").get_attribute("href") == "/explainer/search.html"
        links = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
        own = sorted({link.split("#")[0] for link in links if link.startswith(host_under_prefix)}
                     - {host_under_prefix + address})  # the skip link, to #main of this very page
        assert len(own) >= 5
        for link in own:
            assert page.request.get(link).status == 200, link
    finally:
        page.close()
