"""Chart delivery in Chromium, on the project's own site served from 127.0.0.1: a chart page is light until a
reader reaches for a chart (≤ 60 KB gzipped), then keyboard focus or the pointer loads the runtime and upgrades
the charts; the embed page works inside another page's iframe and from disk; the snippet copies."""
from __future__ import annotations

import gzip
import html
import re
import shutil
from pathlib import Path

import pytest

from explainer.charts.runtime import RUNTIME_PATH
from test_browser_charts import UPGRADED, chart_pages

BUDGET = 60_000  # bytes, gzipped, of everything a chart page loads before the reader interacts
RUNTIME_STEM = RUNTIME_PATH.removesuffix(".js")  # with or without a content hash in its name
# What a keyboard reaches with Tab, in document order.
TABBABLE = ("a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex='-1'])")


def foreign(page, base: str) -> list[str]:
    return [url for url in page.requests if not url.startswith((base, "data:"))]


@pytest.fixture(scope="module")
def served(built_project_site, static_server) -> tuple[Path, str]:
    return built_project_site, static_server(built_project_site)


@pytest.mark.parametrize("width", [1280, 360])
def test_a_chart_page_transfers_at_most_60_kb_gzipped_before_interaction(served, browser, width):
    site, base = served
    pages = chart_pages(site)
    assert len(pages) >= 4
    for name in pages:
        tab = browser.new_page()
        sizes: dict[str, int] = {}
        tab.on("response", lambda response: sizes.__setitem__(response.url, len(gzip.compress(response.body()))))
        try:
            tab.set_viewport_size({"width": width, "height": 900})
            tab.goto(f"{base}/{name}", wait_until="load")
            tab.wait_for_timeout(300)  # anything a script would fetch after load
            assert sum(sizes.values()) <= BUDGET, (name, sizes)
            assert not any(RUNTIME_STEM in url for url in sizes), name
            assert any("/charts/" in url and url.endswith(".svg") for url in sizes)  # the static picture is there
            assert tab.locator("figure.chart.chart-upgraded").count() == 0
        finally:
            tab.close()


def test_keyboard_focus_reaches_a_chart_loads_the_runtime_and_upgrades_every_chart(served, page):
    site, base = served
    name = chart_pages(site)[0]
    page.goto(f"{base}/{name}")
    page.wait_for_load_state("load")
    assert not any(RUNTIME_STEM in url for url in page.requests)
    # The element before the first chart in the tab order; one Tab from it lands on the chart.
    before = page.evaluate(f"""() => {{
        const all = [...document.querySelectorAll("{TABBABLE}")].filter(e => e.offsetParent !== null || e.matches('.chart-view'));
        const index = all.indexOf(document.querySelector('figure.chart .chart-view'));
        all[index - 1].setAttribute('data-before-chart', '');
        return index;
    }}""")
    assert before > 0
    page.focus("[data-before-chart]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement === document.querySelector('figure.chart .chart-view')")
    page.wait_for_function(UPGRADED, timeout=20_000)
    assert any(url.endswith(RUNTIME_PATH) for url in page.requests)
    assert page.evaluate("document.activeElement.matches('figure.chart .chart-view')")  # focus stays on the chart
    view = page.locator("figure.chart .chart-interactive.vega-embed svg").first
    assert view.is_visible() and not page.locator("figure.chart .chart-static").first.is_visible()
    assert page.console_errors == []
    assert foreign(page, base) == []


def test_the_pointer_over_a_chart_loads_the_runtime_once_and_upgrades_every_chart(served, page):
    site, base = served
    for name in chart_pages(site):
        page.requests.clear()
        page.goto(f"{base}/{name}")
        page.wait_for_load_state("load")
        page.locator("figure.chart .chart-view").last.hover()
        page.wait_for_function(UPGRADED, timeout=20_000)
        page.locator("figure.chart .chart-view").first.hover()
        page.wait_for_timeout(200)
        assert [url for url in page.requests if url.endswith(RUNTIME_PATH)] == [f"{base}/{RUNTIME_PATH}"], name
    assert page.console_errors == []
    assert foreign(page, base) == []


def test_a_touch_on_a_chart_upgrades_it(served, browser):
    site, base = served
    context = browser.browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 360, "height": 740})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto(f"{base}/{chart_pages(site)[0]}")
        tab.locator("figure.chart .chart-view").first.tap()
        tab.wait_for_function(UPGRADED, timeout=20_000)
    finally:
        context.close()
    assert errors == []


@pytest.fixture(scope="module")
def host(built_project_site, tmp_path_factory, static_server) -> tuple[Path, str]:
    """Another site's page that embeds every chart with the snippet its figure offers."""
    folder = tmp_path_factory.mktemp("host")
    shutil.copytree(built_project_site, folder / "explainer")
    text = "".join(path.read_text(encoding="utf-8") for path in sorted((folder / "explainer").glob("*.html")))
    snippets = {name: html.unescape(code).replace('src="embed/', 'src="explainer/embed/') for name, code in
                re.findall(r'data-embed-path="embed/([a-z_]+).html"[^>]*><code>(.*?)</code>', text, flags=re.S)}
    assert len(snippets) >= 4 and all(snippet.startswith("<iframe ") for snippet in snippets.values())
    (folder / "host.html").write_text(
        '<!doctype html><html lang=en><meta charset=utf-8><link rel=icon href="data:,"><title>Host</title><body>'
        f'<p>A story elsewhere.</p>{"".join(snippets.values())}</body></html>', encoding="utf-8")
    return folder, static_server(folder)


@pytest.mark.parametrize("width", [1280, 360])
def test_each_embed_page_renders_inside_another_pages_iframe_and_fits_it(host, page, width):
    _, base = host
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base}/host.html")
    for index, iframe in enumerate(page.locator("iframe").all()):
        # The pointer off every frame first: left where the previous frame's chart was hovered, it would be over
        # this frame's chart once scrolled into view, and that (as a reader's pointer would) upgrades the chart,
        # which hides the static picture before it is checked.
        page.mouse.move(0, 0)
        iframe.scroll_into_view_if_needed()  # loading="lazy"
        assert iframe.get_attribute("loading") == "lazy" and iframe.get_attribute("title")
        frame = page.frame_locator("iframe").nth(index)
        image = frame.locator("figure.chart .chart-static img")
        image.wait_for(state="visible")
        assert frame.locator("figure.chart.chart-upgraded").count() == 0  # the static picture, before any pointer
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert frame.locator(".chart-title").inner_text() == iframe.get_attribute("title")
        assert "Data as of" in frame.locator(".chart-source").inner_text()
        chart = frame.locator("figure.chart").get_attribute("id")
        back = frame.locator(".embed-back a").first
        assert re.search(rf"/explainer/[a-z_]+\.html#{chart}$", back.evaluate("a => a.href"))
        box = iframe.bounding_box()
        assert box["width"] <= width
        content = iframe.element_handle().content_frame()
        # what the page needs, laid out with its fonts (the document itself is never shorter than the frame)
        height = content.evaluate("document.fonts.ready.then(() => document.body.scrollHeight)")
        assert height <= int(iframe.get_attribute("height")), (chart, height, iframe.get_attribute("height"))
        assert content.evaluate("document.documentElement.scrollWidth") <= box["width"] + 1
        # Interactive inside the frame too, under the same CSP.
        frame.locator("figure.chart .chart-view").hover()
        content.wait_for_function(UPGRADED, timeout=20_000)
    assert page.console_errors == []
    assert foreign(page, base) == []


def test_the_embed_page_works_from_disk(built_project_site, page):
    page.goto((built_project_site / "embed" / "arrivals.html").as_uri())
    image = page.locator("figure.chart .chart-static img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    page.locator("figure.chart .chart-view").hover()
    page.wait_for_function(UPGRADED, timeout=20_000)
    assert page.console_errors == []


def test_the_snippet_gets_the_pages_own_address_and_copies(served, browser, page):
    site, base = served
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    name = next(name for name in chart_pages(site) if "chart-arrivals" in (site / name).read_text())
    page.goto(f"{base}/{name}")
    details = page.locator("#chart-arrivals details.chart-embed")
    details.locator("summary").click()
    code = details.locator("pre.embed-code code").inner_text()
    assert f'src="{base}/embed/arrivals.html"' in code  # served over http: the full address
    assert not details.locator(".embed-relative").is_visible()
    details.locator("button.embed-copy").click()
    details.locator(".embed-copy-status").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == code
    assert page.console_errors == []
