"""The project's own site in a real browser: every page passes axe, fits a 360-px phone, stays on its origin."""
import pytest
from axe_playwright_python.sync_playwright import Axe


AXE = Axe()


def page_names(site):
    return sorted(path.name for path in site.glob("*.html"))


def test_the_site_has_the_chapters_and_generated_pages(built_project_site):
    names = page_names(built_project_site)
    assert {"index.html", "sources.html", "data.html", "about.html", "404.html"} <= set(names)
    assert len(names) >= 9, names  # at least five chapters, about, sources, data and 404


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe(built_project_site, static_server, page, scheme):
    base = static_server(built_project_site)
    page.emulate_media(color_scheme=scheme)
    failures = {}
    for name in page_names(built_project_site):
        page.goto(f"{base}/{name}")
        violations = AXE.run(page).response["violations"]
        if violations:
            failures[name] = [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations]
    assert failures == {}
    assert page.console_errors == []
    assert all(url.startswith(base) or url.startswith("data:") for url in page.requests), [
        url for url in page.requests if not url.startswith(base)]


def test_every_page_fits_a_phone(built_project_site, static_server, page):
    base = static_server(built_project_site)
    page.set_viewport_size({"width": 360, "height": 740})
    too_wide = {}
    for name in page_names(built_project_site):
        page.goto(f"{base}/{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[name] = width
    assert too_wide == {}


def test_pages_open_from_disk_with_their_styles(built_project_site, page):
    page.goto((built_project_site / "index.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.click("nav.site-nav a[href='sources.html']")
    assert page.url.endswith("/sources.html")
    assert page.locator("h1").inner_text() == "Sources"


def test_every_fact_on_a_page_has_its_reference(built_project_site, page):
    for name in page_names(built_project_site):
        page.goto((built_project_site / name).as_uri())
        targets = page.eval_on_selector_all(".fact .cite a", "links => links.map(a => a.getAttribute('href'))")
        for target in set(targets):
            assert page.locator(target).count() == 1, f"{name}: {target} has no reference"
