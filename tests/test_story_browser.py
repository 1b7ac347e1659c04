"""Issue 10 in the real browser, on the project's own site: axe at 360, 768 and 1,280 px, light and dark; no page
scrolls sideways; the home page's first screen shows the chart and every key figure; each chapter's first screen on
a phone shows a figure or a chart; the header is one line on a phone, with a menu that opens without JavaScript;
search finds a phrase and a figure, offline; every reader page has share tags whose picture exists; and a printed
chapter has no disclosure triangle, every disclosure open, and ends with the page's address."""
from __future__ import annotations

import re
import struct
import unicodedata
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from explainer.render.layout import reader_pages

from conftest import PROJECT

AXE = Axe()
WIDTHS = (360, 768, 1280)
PHONE = {"width": 360, "height": 740}
SCREEN_HEIGHT = {360: 740, 768: 1024, 1280: 800}
# tests/test_site_browser.py runs axe on every top-level page, light and dark, in the browser fixture's default
# 1,280 × 720 viewport: this file covers them at 360 and 768 px, and the pages it does not visit, the embed pages
# (embed/<chart>.html), at all three widths.
TOP_LEVEL_WIDTHS = (360, 768)


def html_pages(site: Path) -> list[str]:
    """Every HTML page the site has, relative to its root: the top-level pages and embed/<chart>.html."""
    return sorted(path.relative_to(site).as_posix() for path in [*site.glob("*.html"), *site.glob("embed/*.html")])


def chapters() -> list[str]:
    """The pages made from content/*.md, in the order of the navigation."""
    def order(path: Path) -> tuple[int, str]:
        match = re.search(r"^order:\s*(-?\d+)", path.read_text(encoding="utf-8"), re.M)
        return (int(match.group(1)) if match else 0, path.stem)

    return [f"{path.stem}.html" for path in sorted((PROJECT / "content").glob("*.md"), key=order)]


def reader_page_paths() -> list[str]:
    return [page if isinstance(page, str) else page.url for page in reader_pages(chapters())]


@pytest.fixture(scope="module")
def served(built_project_site, static_server) -> tuple[Path, str]:
    """The site under a URL prefix (/site/), as on a host that serves it from a folder."""
    return built_project_site, f"{static_server(built_project_site.parent)}/{built_project_site.name}"


@pytest.fixture
def open_tab(browser):
    """tab(width, height, scheme, javascript): a page in a context of its own, recording console errors and every
    request; the contexts are closed after the test."""
    contexts = []

    def tab(width: int = 1280, height: int = 800, scheme: str = "light", javascript: bool = True):
        context = browser.browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                              java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.requests = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.on("request", lambda request: page.requests.append(request.url))
        return page

    yield tab
    for context in contexts:
        context.close()


def foreign(page, base: str) -> list[str]:
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(base))
    return [url for url in page.requests if not url.startswith((origin, "data:"))]


# --- axe and width ---------------------------------------------------------------------------------------------

def axe_failures(tab, base: str, names: list[str]) -> dict[str, list]:
    failures = {}
    for name in names:
        tab.goto(f"{base}/{name}")
        violations = AXE.run(tab).response["violations"]
        if violations:
            failures[name] = [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations]
    return failures


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", TOP_LEVEL_WIDTHS)
def test_axe_finds_no_violation_on_any_page_at_each_width_and_scheme(served, open_tab, width, scheme):
    site, base = served
    names = [name for name in html_pages(site) if "/" not in name]
    assert len(names) >= 12
    tab = open_tab(width, SCREEN_HEIGHT[width], scheme)
    assert axe_failures(tab, base, names) == {}
    assert tab.console_errors == []
    assert foreign(tab, base) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_the_embed_pages(served, open_tab, width, scheme):
    site, base = served
    names = [name for name in html_pages(site) if name.startswith("embed/")]
    assert len(names) >= 4
    tab = open_tab(width, SCREEN_HEIGHT[width], scheme)
    assert axe_failures(tab, base, names) == {}
    assert tab.console_errors == []
    assert foreign(tab, base) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(served, open_tab, width):
    site, base = served
    tab = open_tab(width, SCREEN_HEIGHT[width])
    too_wide = {}
    for name in html_pages(site):
        tab.goto(f"{base}/{name}")
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[name] = scroll_width
    assert too_wide == {}


# --- the first screen ------------------------------------------------------------------------------------------

IN_FIRST_SCREEN = """element => { const box = element.getBoundingClientRect();
    return box.height > 0 && box.width > 0 && box.top >= 0 && box.top < innerHeight; }"""
WHOLLY_IN_FIRST_SCREEN = """element => { const box = element.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth; }"""


@pytest.mark.parametrize("width, height", [(360, 740), (1280, 800)])
def test_the_home_pages_first_screen_shows_the_chart_and_every_key_figure(served, open_tab, width, height):
    _, base = served
    tab = open_tab(width, height)
    tab.goto(f"{base}/index.html")
    chart = tab.locator("main figure.chart").first
    assert chart.get_attribute("id") == "chart-arrivals"
    picture = chart.locator(".chart-static img")
    picture.wait_for(state="visible")
    tab.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert picture.evaluate(IN_FIRST_SCREEN), picture.bounding_box()
    tiles = tab.locator("main ul.key-figures li")
    assert tiles.count() >= 3
    outside = [tiles.nth(index).inner_text().replace("\n", " ") for index in range(tiles.count())
               if not tiles.nth(index).evaluate(WHOLLY_IN_FIRST_SCREEN)]
    assert outside == []
    # Each tile is a cited fact.
    assert tab.locator("main ul.key-figures li .fact[data-fact] .cite").count() == tiles.count()


def test_every_chapter_shows_a_figure_or_a_chart_in_its_first_screen_on_a_phone(served, open_tab):
    _, base = served
    tab = open_tab(**PHONE)
    names = chapters()
    assert len(names) >= 5 and names[0] == "index.html"
    empty = []
    for name in names:
        tab.goto(f"{base}/{name}")
        shown = tab.evaluate(f"""() => {{
            const inFirstScreen = {IN_FIRST_SCREEN};
            const figures = [...document.querySelectorAll('main .fact[data-fact] .fact-value')].filter(inFirstScreen);
            const charts = [...document.querySelectorAll('main figure.chart .chart-static img')].filter(inFirstScreen);
            return figures.length + charts.length;
        }}""")
        if not shown:
            empty.append(name)
    assert empty == []


# --- the header and its menu -----------------------------------------------------------------------------------

ONE_ROW = """() => {
    const header = document.querySelector('.site-header');
    const parts = ['.site-title', '.site-nav', '.search-link'].map(s => document.querySelector(s).getBoundingClientRect());
    const tallest = Math.max(...parts.map(box => box.height));
    return {sameRow: Math.max(...parts.map(box => box.top)) < Math.min(...parts.map(box => box.bottom)),
            headerHeight: header.getBoundingClientRect().height, tallest,
            fits: parts.every(box => box.left >= 0 && box.right <= innerWidth)};
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_header_is_one_row_on_a_phone(served, open_tab, javascript):
    site, base = served
    tab = open_tab(**PHONE, javascript=javascript)
    for name in ("index.html", "elite.html", "sources.html"):
        tab.goto(f"{base}/{name}")
        row = tab.evaluate(ONE_ROW)
        assert row["sameRow"] and row["fits"], (name, row)
        # One row and its padding, not two; a site with several editions gives its switcher a line of its own.
        switcher = tab.evaluate("(document.querySelector('.edition-switcher') || {offsetHeight: 0}).offsetHeight")
        assert row["headerHeight"] - switcher < 2 * row["tallest"], (name, row, switcher)
        assert tab.locator(".nav-menu > summary").is_visible()
        assert not tab.locator(".nav-row").is_visible()


def test_the_menu_opens_without_javascript_and_leads_to_every_chapter(served, open_tab):
    _, base = served
    tab = open_tab(**PHONE, javascript=False)
    tab.goto(f"{base}/index.html")
    menu = tab.locator(".nav-menu")
    links = menu.locator("ol a")
    assert not links.first.is_visible()
    menu.locator("summary").click()
    assert menu.evaluate("details => details.open")
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert set(chapters()) | {"sources.html", "data.html"} <= set(hrefs)
    for index in range(links.count()):
        assert links.nth(index).evaluate(WHOLLY_IN_FIRST_SCREEN), hrefs[index]
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    menu.locator("ol a[href='elite.html']").click()
    tab.wait_for_url(f"{base}/elite.html")
    assert tab.locator("h1").inner_text() == "Elite defectors"


@pytest.mark.parametrize("width", [768, 1280])
def test_the_navigation_takes_one_line_on_wider_screens(served, open_tab, width):
    _, base = served
    tab = open_tab(width, SCREEN_HEIGHT[width])
    tab.goto(f"{base}/arrivals.html")
    if tab.locator(".nav-row").is_visible():
        tops = tab.eval_on_selector_all(".nav-row > li", "items => items.map(li => Math.round(li.getBoundingClientRect().top))")
        assert len(tops) >= 8 and len(set(tops)) == 1, tops
        assert tab.evaluate("document.querySelector('.nav-row').getBoundingClientRect().right") <= width
    else:
        assert tab.locator(".nav-menu > summary").is_visible()
        assert tab.evaluate(ONE_ROW)["sameRow"]


# --- search ----------------------------------------------------------------------------------------------------

def search_for(tab, text: str) -> list[str]:
    """Type text into the search box and return the addresses the results link to, in order."""
    box = tab.locator(".search-input")
    box.fill("")
    box.press_sequentially(text)
    tab.wait_for_function("wanted => document.querySelector('.search-status').textContent.includes('found for \u201c' + wanted)",
                          arg=text, timeout=15_000)
    tab.wait_for_function("() => document.querySelectorAll('.search-result').length > 0", timeout=15_000)
    return tab.eval_on_selector_all(".search-result-title", "links => links.map(a => a.href)")


def test_search_finds_a_phrase_of_a_chapter_and_a_figure_of_the_home_page(served, open_tab):
    site, base = served
    tab = open_tab()
    tab.goto(f"{base}/index.html")
    figure = tab.locator("main ul.key-figures li .key-figure-value data").first.inner_text()
    assert re.fullmatch(r"[\d,]+", figure), figure
    link = tab.locator("header .search-link")
    assert link.inner_text() == "Search"
    link.click()
    tab.wait_for_url(f"{base}/search.html")
    assert tab.locator(".search-input").is_visible() and not tab.locator(".search-unavailable").is_visible()
    # A phrase that only the Elite chapter's prose has among the chapters.
    assert "exclusive protection" in (site / "elite.html").read_text(encoding="utf-8")
    found = search_for(tab, "exclusive protection")
    assert found[0] == f"{base}/elite.html", found
    # The home page's first key figure, as the tile shows it.
    found = search_for(tab, figure)
    assert f"{base}/index.html" in found, found
    # Every result is a page readers land on, at its address under the prefix.
    pages = {f"{base}/{path}" for path in reader_page_paths()}
    assert set(found) <= pages, set(found) - pages
    tab.locator(".search-result-title").first.click()
    tab.wait_for_load_state("load")
    assert tab.url.split("#")[0] in pages
    assert tab.console_errors == []
    assert foreign(tab, base) == []
    assert any("/pagefind/" in url for url in tab.requests)


def test_without_javascript_the_header_search_link_goes_to_the_contents_page(served, open_tab):
    _, base = served
    tab = open_tab(javascript=False)
    tab.goto(f"{base}/arrivals.html")
    link = tab.locator("header .search-link")
    assert link.inner_text() == "Contents"
    link.click()
    tab.wait_for_url(f"{base}/contents.html")
    assert tab.locator("h1").inner_text() == "Contents"
    # The search page itself says where else to look.
    tab.goto(f"{base}/search.html")
    assert not tab.locator(".search-input").is_visible()
    assert tab.locator(".search-unavailable a[href='contents.html']").is_visible()


def test_from_disk_the_header_link_stays_a_link_to_the_contents_page(built_project_site, open_tab):
    tab = open_tab()
    tab.goto((built_project_site / "index.html").as_uri())
    link = tab.locator("header .search-link")
    assert link.inner_text() == "Contents" and link.get_attribute("href") == "contents.html"
    assert tab.console_errors == []


# --- share tags ------------------------------------------------------------------------------------------------

class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        key = attributes.get("property") or attributes.get("name")
        if tag == "meta" and key:
            self.meta[key] = attributes.get("content") or ""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_every_reader_page_has_share_tags_whose_picture_exists(built_project_site):
    site = built_project_site
    paths = reader_page_paths()
    assert {"index.html", "sources.html", "data.html", "corrections.html", "contents.html"} <= set(paths)
    problems = {}
    for path in paths:
        parser = Meta()
        parser.feed((site / path).read_text(encoding="utf-8"))
        meta = parser.meta
        missing = [key for key in ("og:title", "og:description", "og:image", "twitter:card") if not meta.get(key)]
        if missing:
            problems[path] = missing
            continue
        image = site / urljoin(path, meta["og:image"])  # relative to the page (no url in site.json)
        if not image.is_file():
            problems[path] = f"og:image {meta['og:image']} is not a file of the site"
            continue
        if png_size(image.read_bytes()) != (int(meta["og:image:width"]), int(meta["og:image:height"])):
            problems[path] = f"og:image {meta['og:image']} is not {meta['og:image:width']}×{meta['og:image:height']}"
        if meta["twitter:card"] != "summary_large_image" or meta.get("twitter:image") != meta["og:image"]:
            problems[path] = ("twitter", meta["twitter:card"], meta.get("twitter:image"))
    assert problems == {}


# --- print -----------------------------------------------------------------------------------------------------

PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
PDF_TEXT_TOKEN = re.compile(r"/([\w.+-]+)\s+[\d.]+\s+Tf|[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+([-\d.]+)\s+([-\d.]+)\s+Tm"
                            r"|(\[[^\]]*\]\s*TJ|<[0-9A-Fa-f]*>\s*Tj)|\b(BT)\b")


def pdf_lines(data: bytes) -> list[list[str]]:
    """The text of a PDF that Chromium (Skia) writes, page by page and line by line, top to bottom: enough of PDF
    for that (Flate streams, hex-string text in Type0 and Type3 fonts with ToUnicode maps), no library needed."""
    objects = {int(number): body for number, body in PDF_OBJECT.findall(data)}

    def stream(number: int) -> bytes:
        head, _, rest = objects[number].partition(b"stream")
        raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
        return zlib.decompress(raw) if b"/FlateDecode" in head else raw

    def to_unicode(font: int) -> dict[int, str]:
        mapping = {}
        match = re.search(rb"/ToUnicode (\d+) 0 R", objects[font])
        cmap = stream(int(match.group(1))).decode("latin-1") if match else ""
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                mapping[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be", errors="replace")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for first, last, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    mapping[code] = chr(int(start, 16) + offset)
        return mapping

    pages = {number for number, body in objects.items() if re.match(rb"<<\s*/Type /Page\b", body)}
    kids = [int(kid) for body in objects.values() if re.match(rb"<<\s*/Type /Pages\b", body)
            for kid in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", body, re.S).group(1))]
    result = []
    for number in [kid for kid in kids if kid in pages]:
        body = objects[number]
        fonts = re.search(rb"/Font <<(.*?)>>", body, re.S)
        # A font's codes are two bytes in a composite (Type0) font, one in a Type3 font.
        maps = {name.decode(): (to_unicode(int(ref)), 4 if b"/Type0" in objects[int(ref)] else 2)
                for name, ref in re.findall(rb"/([\w.+-]+) (\d+) 0 R", fonts.group(1) if fonts else b"")}
        contents = re.search(rb"/Contents (?:\[(.*?)\]|(\d+) 0 R)", body, re.S)
        references = re.findall(rb"(\d+) 0 R", contents.group(1)) if contents.group(1) else [contents.group(2)]
        blocks, (mapping, digits) = [], ({}, 4)
        for reference in references:
            for token in PDF_TEXT_TOKEN.finditer(stream(int(reference)).decode("latin-1")):
                font, x, y, shown, begin = token.groups()
                if font:
                    mapping, digits = maps.get(font, ({}, 4))
                elif begin:
                    blocks.append([0.0, 0.0, ""])
                elif x is not None and blocks:
                    blocks[-1][:2] = float(y), float(x)
                elif shown and blocks:
                    blocks[-1][2] += "".join(mapping.get(int(text[i:i + digits], 16), "\ufffd")
                                             for text in re.findall(r"<([0-9A-Fa-f]*)>", shown)
                                             for i in range(0, len(text), digits))
        lines: dict[int, list[tuple[float, str]]] = {}  # a line's top (y grows downwards) → its pieces
        for y, x, text in blocks:
            if text:
                line = next((top for top in lines if abs(top - y) <= 4), round(y))
                lines.setdefault(line, []).append((x, text))
        result.append(["".join(text for _, text in sorted(pieces)) for _, pieces in sorted(lines.items())])
    return result


def squeezed(text: str) -> str:
    """Text without spaces and with ligatures (ﬁ) spelt out, to compare wrapped lines with the page's text."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_pdf_text_reader_reads_what_chromium_prints(open_tab):
    """The reader above, checked on a page of known text: else the print test below could pass on nothing."""
    tab = open_tab()
    tab.set_content("<!doctype html><html lang=en><title>t</title><body><h1>Known heading</h1>"
                    "<p>First line of text, with figures 1,234 and final words.</p>"
                    "<p><b>Bold</b> and <i>italic</i> <span lang=ko>통일부</span></p><p>Last line: https://x.example/a.html</p>")
    lines = [unicodedata.normalize("NFKC", line) for page in pdf_lines(tab.pdf()) for line in page]
    assert lines[:2] == ["Known heading", "First line of text, with figures 1,234 and final words."]
    assert lines[2].startswith("Bold and italic ") and lines[3:] == ["Last line: https://x.example/a.html"]


CHAPTER = "elite.html"  # references, a chart with its data table, the "Cite this page" disclosure


def test_a_printed_chapter_opens_every_disclosure_without_its_triangle_and_shows_its_address(served, open_tab):
    _, base = served
    tab = open_tab()
    tab.goto(f"{base}/{CHAPTER}")
    address = f"{base}/{CHAPTER}"
    closed = tab.evaluate("document.querySelectorAll('details:not([open])').length")
    assert closed >= 5  # references, the chart's data and embed code, "Cite this page", the menu
    assert not tab.locator(".print-address").is_visible()  # on paper only
    tab.emulate_media(media="print")
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    state = tab.evaluate("""() => ({
        closed: [...document.querySelectorAll('details:not([open])')].map(d => d.className),
        markers: [...document.querySelectorAll('summary')].filter(s => getComputedStyle(s).display !== 'none'
            && getComputedStyle(s).display === 'list-item' && getComputedStyle(s).listStyleType !== 'none')
            .map(s => s.textContent.trim()),
        address: (() => { const p = document.querySelector('.print-address');
                          return {display: getComputedStyle(p).display, text: p.innerText}; })(),
    })""")
    assert state["closed"] == []
    assert state["markers"] == []
    assert state["address"]["display"] != "none"
    assert address in state["address"]["text"], state["address"]
    # After printing, the disclosures the reader had closed close again.
    tab.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert tab.evaluate("document.querySelectorAll('details:not([open])').length") == closed
    assert tab.console_errors == []


def test_the_pdf_of_a_chapter_holds_its_disclosures_text_and_ends_with_its_address(served, open_tab):
    _, base = served
    tab = open_tab()
    tab.goto(f"{base}/{CHAPTER}")
    address = f"{base}/{CHAPTER}"
    # Chromium fires beforeprint and afterprint around page.pdf(), as it does around a reader's printing.
    pages = pdf_lines(tab.pdf())
    assert len(pages) >= 2
    # What each disclosure shown on paper holds (not those in CJK: their glyphs print as pictures, not text).
    tab.emulate_media(media="print")
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    inside = tab.evaluate("""() => [...document.querySelectorAll('details')]
        .filter(d => d.getClientRects().length && !d.querySelector('[lang="ko"], [lang="zh"]'))
        .map(d => { const summary = d.querySelector(':scope > summary');
                    const heading = summary ? summary.innerText : '';
                    return d.innerText.startsWith(heading) ? d.innerText.slice(heading.length) : d.innerText; })""")
    assert len(inside) >= 4
    text = squeezed("".join(line for page in pages for line in page))
    missing = [content.strip()[:60] for content in inside if squeezed(content)[:40] not in text]
    assert missing == []
    last = [line for line in pages[-1] if line.strip()][-1]
    assert last.startswith(f"This page: {address}"), pages[-1][-3:]
    assert re.fullmatch(rf"This page: {re.escape(address)}, last updated \d{{1,2}} [A-Z][a-z]+ \d{{4}}\.", last), last
    assert tab.console_errors == []


# --- the Korean edition ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", (360, 1280))
def test_axe_finds_no_violation_on_the_korean_pages(served, open_tab, width):
    site, base = served
    names = sorted(path.relative_to(site).as_posix() for path in (site / "ko").glob("*.html"))
    assert "ko/index.html" in names and len(names) >= 12
    tab = open_tab(width, SCREEN_HEIGHT[width], "light")
    assert axe_failures(tab, base, names) == {}
    assert tab.evaluate("document.documentElement.lang") == "ko"
    assert tab.console_errors == []
    assert foreign(tab, base) == []


def test_the_korean_search_page_finds_korean_pages_only(served, open_tab):
    site, base = served
    tab = open_tab()
    tab.goto(f"{base}/ko/search.html")
    tab.locator(".search-input").press_sequentially("탈북민")  # the page's words are Korean: wait for results
    tab.wait_for_function("() => document.querySelectorAll('.search-result').length > 0", timeout=15_000)
    found = tab.eval_on_selector_all(".search-result-title", "links => links.map(a => a.href)")
    assert "탈북민" in tab.locator(".search-status").inner_text()
    assert found and all(url.startswith(f"{base}/ko/") for url in found), found
    assert tab.console_errors == []
