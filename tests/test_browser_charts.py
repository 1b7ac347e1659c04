"""Charts in Chromium: each becomes an interactive Vega view once the reader reaches for a chart (offline, under
a CSP without 'unsafe-eval'), and without JavaScript, while loading, until then or in print, each shows its
static SVG in the reader's colour scheme. How much a page loads before and after: test_chart_delivery_browser.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, SITES, build_to

# Where each required chart belongs in the project's story. Chapters that do not embed their chart yet get the
# line appended in the test's copy, so this test checks every chart whatever state content/ is in.
CHAPTERS = {"arrivals": "arrivals.md", "women_share": "women.md", "elite_defectors": "elite.md",
            "public_sector": "life.md"}
UPGRADED = "() => [...document.querySelectorAll('figure.chart')].every(f => f.classList.contains('chart-upgraded'))"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("charts") / "site"
    build_to(SITES / "charts", out)
    return out


@pytest.fixture(scope="module")
def project_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in ("content", "data", ".cache"):
        if (PROJECT / name).exists():
            # Without the temporary files of a build writing into PROJECT/.cache/ meanwhile (another xdist
            # worker's): one listed here may be renamed away before it is copied.
            shutil.copytree(PROJECT / name, root / name, ignore=shutil.ignore_patterns(".tmp-*"))
    if (PROJECT / "site.json").exists():
        shutil.copy(PROJECT / "site.json", root / "site.json")
    texts = "".join(path.read_text(encoding="utf-8") for path in (root / "content").glob("*.md"))
    for chart, chapter in CHAPTERS.items():
        if f"{{{{chart:{chart}}}}}" not in texts:
            page = root / "content" / chapter if (root / "content" / chapter).exists() else root / "content/index.md"
            page.write_text(page.read_text(encoding="utf-8") + f"\n\n{{{{chart:{chart}}}}}\n", encoding="utf-8")
    build_to(root, root / "site")
    return root / "site"


def reach_for_the_charts(page) -> None:
    """Point at the first chart, which loads the runtime (charts.js), and wait until every chart is upgraded."""
    page.locator("figure.chart .chart-view").first.hover()
    page.wait_for_function(UPGRADED, timeout=20_000)


def chart_pages(site: Path) -> list[str]:
    return [path.name for path in sorted(site.glob("*.html"))
            if '<figure class="chart"' in path.read_text(encoding="utf-8")]


@pytest.mark.parametrize("which", ["fixture_site", "project_site"])
def test_every_chart_becomes_an_interactive_vega_view(which, request, static_server, page):
    site = request.getfixturevalue(which)
    base = static_server(site)
    seen = set()
    for name in chart_pages(site):
        page.goto(f"{base}/{name}")
        reach_for_the_charts(page)
        for figure in page.locator("figure.chart").all():
            seen.add(figure.get_attribute("id").removeprefix("chart-"))
            view = figure.locator(".chart-interactive.vega-embed")
            assert view.locator("svg").count() == 1, f"{name}: no Vega SVG in {figure.get_attribute('id')}"
            assert view.is_visible() and not figure.locator(".chart-static").is_visible()
            assert figure.locator(".vega-actions").count() == 0  # no export or editor menu
    assert set(CHAPTERS) <= seen and len(seen) >= 4, seen
    assert page.console_errors == []
    assert [url for url in page.requests if not url.startswith((base, "data:"))] == []


def test_a_bar_shows_its_tooltip(fixture_site, static_server, page):
    page.goto(f"{static_server(fixture_site)}/index.html")
    reach_for_the_charts(page)
    page.locator("#chart-arrivals .vega-embed svg .mark-rect path").nth(11).hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "Arrivals" in tooltip.inner_text() and "Year" in tooltip.inner_text()
    assert page.console_errors == []


def test_charts_run_from_disk_and_follow_the_dark_scheme(fixture_site, page):
    page.emulate_media(color_scheme="dark")
    page.goto((fixture_site / "people.html").as_uri())
    reach_for_the_charts(page)
    background = page.locator("#chart-elite_defectors .chart-interactive svg").evaluate(
        "svg => getComputedStyle(svg).backgroundColor")
    assert background == "rgb(22, 24, 28)"  # the dark theme's #16181c, as the page's own background
    assert page.console_errors == []


def test_the_page_forbids_eval_and_the_charts_still_run(fixture_site, static_server, page):
    page.goto(f"{static_server(fixture_site)}/index.html")
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    reach_for_the_charts(page)
    assert page.console_errors == []


@pytest.mark.parametrize("scheme, width, suffix", [("light", 1280, ".svg"), ("dark", 1280, "-dark.svg"),
                                                   ("light", 360, "-narrow.svg"), ("dark", 360, "-narrow-dark.svg")])
@pytest.mark.parametrize("which", ["fixture_site", "project_site"])
def test_without_javascript_each_chart_shows_its_svg(which, scheme, width, suffix, request, static_server, browser):
    site = request.getfixturevalue(which)
    base = static_server(site)
    context = browser.browser.new_context(java_script_enabled=False, color_scheme=scheme,
                                          viewport={"width": width, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda sent: requests.append(sent.url))
    count = 0
    try:
        for name in chart_pages(site):
            page.goto(f"{base}/{name}", wait_until="load")
            for figure in page.locator("figure.chart").all():
                image = figure.locator(".chart-static img")
                assert image.is_visible()
                assert image.evaluate("img => img.complete && img.naturalWidth > 0")
                chart = figure.get_attribute("id").removeprefix("chart-")
                assert image.evaluate("img => img.currentSrc").endswith(f"charts/{chart}{suffix}")
                assert figure.locator(".chart-interactive").count() == 0  # charts.js did not run
                assert figure.bounding_box()["width"] <= width
                count += 1
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
    assert count >= 4
    assert [url for url in requests if not url.startswith((base, "data:"))] == []


def test_print_shows_the_static_picture(fixture_site, static_server, page):
    page.goto(f"{static_server(fixture_site)}/index.html")
    reach_for_the_charts(page)
    page.emulate_media(media="print")
    figure = page.locator("#chart-arrivals")
    assert figure.locator("img.chart-print").is_visible()  # the light picture, whatever the screen showed
    assert not figure.locator(".chart-static img").is_visible()
    assert not figure.locator(".chart-interactive").is_visible()


def test_a_phone_gets_charts_that_fit(fixture_site, static_server, page):
    base = static_server(fixture_site)
    page.set_viewport_size({"width": 360, "height": 740})
    for name in ("index.html", "people.html"):
        page.goto(f"{base}/{name}")
        reach_for_the_charts(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for svg in page.locator(".chart-interactive svg").all():
            box = svg.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360
            # nothing drawn outside the view: text that Vega's fit ignores would be cut off
            overflow = svg.evaluate("""svg => [...svg.querySelectorAll('text')].filter(text => {
                const outer = svg.getBoundingClientRect(), inner = text.getBoundingClientRect();
                return inner.width && (inner.left < outer.left - 1 || inner.right > outer.right + 1);
            }).map(text => text.textContent)""")
            assert overflow == [], overflow


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_pages_pass_axe_after_the_upgrade(scheme, fixture_site, static_server, page):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    base = static_server(fixture_site)
    page.emulate_media(color_scheme=scheme)
    failures = {}
    for name in chart_pages(fixture_site):
        page.goto(f"{base}/{name}")
        reach_for_the_charts(page)
        for violation in axe.run(page).response["violations"]:
            failures.setdefault(name, []).append((violation["id"], [n["target"] for n in violation["nodes"]][:3]))
    assert failures == {}
