"""Editions in a browser (issue 18, item 4): an RTL site is laid out right to left and passes axe; the pages of a
two-edition site (the switcher, the notice) pass axe at a phone's and a desktop's width; each edition's search
page finds its own edition's pages (Pagefind splits the index by <html lang>)."""
from __future__ import annotations

import pytest

from conftest import SITES
from test_editions import published

URL = "https://example.org/x/"


@pytest.fixture(scope="module")
def two_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("two") / "site"
    published(SITES / "two-editions", out)
    return out


@pytest.fixture(scope="module")
def rtl_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("rtl") / "site"
    published(SITES / "rtl", out)
    return out


def axe_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    return [(violation["id"], [node["target"] for node in violation["nodes"]][:3])
            for violation in Axe().run(page).response["violations"]]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_rtl_site_is_right_to_left_and_passes_axe(rtl_site, static_server, page, width):
    base = static_server(rtl_site)
    page.set_viewport_size({"width": width, "height": 900})
    failures = {}
    for name in ("index.html", "more.html", "sources.html", "data.html"):
        page.goto(f"{base}/{name}")
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl", name
        if found := axe_violations(page):
            failures[name] = found
    assert failures == {}
    page.goto(f"{base}/index.html")
    # Mirrored: the site's title starts the header at the right, the text starts at the right edge of its column.
    title = page.locator(".site-title").bounding_box()
    assert title["x"] + title["width"] > width / 2
    heading = page.evaluate("""() => { const h = document.querySelector('h1'), range = document.createRange();
        range.selectNodeContents(h); const text = range.getBoundingClientRect(), box = h.getBoundingClientRect();
        return [box.right - text.right, text.left - box.left]; }""")
    assert heading[0] < 2 and heading[1] > 2  # flush with the right edge, room on the left


@pytest.mark.parametrize("width", [360, 1280])
def test_the_two_editions_pages_pass_axe(two_site, static_server, page, width):
    base = static_server(two_site)
    page.set_viewport_size({"width": width, "height": 900})
    failures = {}
    for name in ("index.html", "plain.html", "ko/index.html", "ko/people.html", "ko/untranslated.html",
                 "ko/sources.html"):
        page.goto(f"{base}/{name}")
        if found := axe_violations(page):
            failures[name] = found
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
    assert failures == {}


SEARCH = """async (query) => {
    const box = document.querySelector('.search[data-pagefind]');
    const pagefind = await import(new URL(box.getAttribute('data-pagefind'), location.href).href);
    const found = await pagefind.search(query);
    return Promise.all(found.results.map(async result => (await result.data()).url));
}"""


def test_each_edition_s_search_finds_its_own_pages(two_site, static_server, page):
    base = static_server(two_site)
    page.goto(f"{base}/ko/search.html")
    korean = page.evaluate(SEARCH, "입국")
    assert korean and all("/ko/" in url for url in korean), korean
    page.goto(f"{base}/search.html")
    english = page.evaluate(SEARCH, "arrivals")
    assert english and not [url for url in english if "/ko/" in url], english
