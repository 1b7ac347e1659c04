"""`python build.py serve` patches the open page in place (Idiomorph): an edit keeps the reader's scroll position,
open card and page state; a changed stylesheet reloads the page. The built site never loads the patcher.

No timings are asserted: each step waits (generously) for what the browser shows.
"""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect
from serve_support import copy_site, edit, start_server

from conftest import PROJECT, SITES, build_to, stop

WAIT = 60_000  # milliseconds: generous, for a loaded CI machine
# Named by letters (a number typed in prose is a warning): "Filler ab", "Filler ac"…
NAMES = [f"{first}{second}" for first in "abc" for second in "abcdefghijklmnopqrstuvwxyz"][:60]
FILLER = "\n\n".join(f"Filler {name}, long enough to push the next figure far down the page; it says nothing, "
                     "so that the page scrolls." for name in NAMES)


def long_site(tmp_path):
    """The fixture site, its Elites page made long, with a figure near the end to open."""
    root = copy_site(tmp_path)
    edit(root / "content" / "elite.md", "`{{not-a-fact}}`",
         f"{FILLER}\n\nNear the end: {{{{residents}}}} in the South.\n\nThe last paragraph.\n\n`{{{{not-a-fact}}}}`")
    return root


@pytest.fixture
def preview(tmp_path):
    server = start_server(long_site(tmp_path), tmp_path / "serve.log")
    yield server
    stop(server.process)


def open_connected(page, url):
    page.set_viewport_size({"width": 1024, "height": 600})
    page.goto(url)
    # livereload's client has connected and shaken hands: a reload message would reach it.
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector && window.LiveReload.connector.protocol",
                           timeout=WAIT)
    navigations = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
    page.evaluate("""() => {
        window.keptAcrossEdits = "kept";
        window.patches = 0;
        document.addEventListener("explainer-preview-patched", () => { window.patches += 1; });
    }""")
    return navigations


def test_a_markdown_edit_patches_the_page_keeping_scroll_and_the_open_card(preview, page):
    navigations = open_connected(page, preview.url("elite.html"))
    fact = page.locator('.fact[data-fact="residents"]').last
    fact.scroll_into_view_if_needed()
    fact.locator(".fact-value").click()
    assert "is-open" in fact.get_attribute("class")
    card = fact.locator(".fact-card")
    expect(card).to_be_visible()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 1000, "the figure should be far down the page"

    edit(preview.root / "content" / "elite.md", "Filler cg,", "Filler cg, written while previewing,")
    expect(page.locator("main")).to_contain_text("Filler cg, written while previewing,", timeout=WAIT)

    assert page.evaluate("window.keptAcrossEdits") == "kept"  # the same document: no reload
    assert navigations == []
    assert page.evaluate("window.patches") == 1
    assert page.evaluate("window.scrollY") == scrolled
    assert "is-open" in fact.get_attribute("class")
    expect(card).to_be_visible()
    assert page.console_errors == []
    assert all(url.startswith(preview.url()) for url in page.requests)


def test_a_fact_edit_patches_and_a_broken_build_shows_its_overlay_without_a_reload(preview, page):
    navigations = open_connected(page, preview.url("elite.html"))
    elite = preview.root / "content" / "elite.md"
    edit(elite, "The last paragraph.", "The last paragraph {{no-such-fact}}.")
    overlay = page.locator("#explainer-preview-problems")
    expect(overlay).to_be_visible(timeout=WAIT)
    # Styled by the plugin after the patch: the site's CSP refuses style attributes written in the page.
    assert overlay.evaluate("element => getComputedStyle(element).position") == "fixed"
    edit(elite, "The last paragraph {{no-such-fact}}.", "The last paragraph, fixed.")
    expect(page.locator("main")).to_contain_text("The last paragraph, fixed.", timeout=WAIT)
    expect(overlay).to_have_count(0)
    assert page.evaluate("window.keptAcrossEdits") == "kept"
    assert navigations == []


def test_upgraded_charts_and_their_copy_buttons_survive_a_markdown_edit(tmp_path, page):
    """The interactive views charts.js drew, and the buttons it added, are the script's: a patch keeps them."""
    root = tmp_path / "charts-site"
    shutil.copytree(SITES / "charts", root)
    server = start_server(root, tmp_path / "serve.log")
    try:
        navigations = open_connected(page, server.url("people.html"))
        page.locator("figure.chart .chart-view").first.hover()  # loads the runtime, upgrades every chart
        charts = page.locator("figure.chart")
        expect(page.locator("figure.chart.chart-upgraded")).to_have_count(charts.count(), timeout=WAIT)
        buttons = page.locator(".embed-copy").count()
        edit(root / "content" / "people.md", "## Public-sector jobs", "## Public-sector jobs\n\nAdded in the preview.")
        expect(page.locator("main")).to_contain_text("Added in the preview.", timeout=WAIT)
        expect(page.locator("figure.chart.chart-upgraded")).to_have_count(charts.count())
        expect(page.locator("figure.chart .chart-interactive svg")).to_have_count(charts.count())
        assert page.locator(".embed-copy").count() == buttons
        assert page.evaluate("window.keptAcrossEdits") == "kept"
        assert navigations == []
        assert page.console_errors == []
    finally:
        stop(server.process)


def test_a_stylesheet_edit_restyles_the_page_in_place(preview, page):
    """The preview serves assets under their own names, so the page's head is unchanged: livereload.js swaps the
    stylesheet (its liveCSS), and the page keeps its state."""
    navigations = open_connected(page, preview.url("elite.html"))
    stylesheet = preview.root / "assets" / "style.css"  # the site's own replaces the project's
    stylesheet.parent.mkdir()
    stylesheet.write_text((PROJECT / "assets" / "style.css").read_text(encoding="utf-8")
                          + "\nmain { outline: 1px solid transparent; }\n", encoding="utf-8")
    page.wait_for_function("() => getComputedStyle(document.querySelector('main')).outlineStyle === 'solid'",
                           timeout=WAIT)
    assert page.evaluate("window.keptAcrossEdits") == "kept"
    assert navigations == []


def test_a_stylesheet_added_to_the_head_reloads_the_page(preview, page):
    open_connected(page, preview.url("elite.html"))
    site_css = preview.root / "assets" / "site.css"  # linked after the default stylesheet, in every page's head
    site_css.parent.mkdir()
    site_css.write_text("main { outline: 1px solid transparent; }\n", encoding="utf-8")
    page.wait_for_function("() => window.keptAcrossEdits === undefined", timeout=WAIT)  # a new document
    expect(page.locator('link[rel="stylesheet"][href*="site"]')).to_have_count(1)
    assert page.evaluate("getComputedStyle(document.querySelector('main')).outlineStyle") == "solid"
    expect(page.locator("main")).to_contain_text("Filler cg,")


def test_a_script_edit_reloads_the_page(preview, page):
    """The page's scripts are not patched: the page is loaded again, with the new script running."""
    open_connected(page, preview.url("elite.html"))
    script = preview.root / "assets" / "facts.js"
    script.parent.mkdir()
    script.write_text((PROJECT / "assets" / "facts.js").read_text(encoding="utf-8")
                      + "\nwindow.factsScriptEdited = true;\n", encoding="utf-8")
    page.wait_for_function("() => window.factsScriptEdited === true", timeout=WAIT)
    assert page.evaluate("window.keptAcrossEdits") is None


def test_a_removed_page_reloads_to_the_not_found_page(preview, page):
    open_connected(page, preview.url("elite.html"))
    (preview.root / "content" / "elite.md").unlink()
    page.wait_for_function("() => window.keptAcrossEdits === undefined", timeout=WAIT)
    expect(page.locator("main")).not_to_contain_text("Filler cg", timeout=WAIT)


def test_the_built_site_never_carries_the_patcher(tmp_path):
    result = build_to(long_site(tmp_path), tmp_path / "out")
    assert result.files
    for path, data in result.files.items():
        for name in (b"Idiomorph", b"explainerPreview", b"livereload"):
            assert name not in data, f"{path} mentions {name!r}"
