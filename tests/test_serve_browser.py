"""`python build.py serve` in a real browser: edits show up by themselves, a broken edit shows an overlay.

No timings are asserted: each step waits (generously) for what the browser shows.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from serve_support import copy_site, edit, start_server

from conftest import stop

WAIT = 60_000  # milliseconds: generous, for a loaded CI machine


@pytest.fixture
def preview(tmp_path):
    server = start_server(copy_site(tmp_path), tmp_path / "serve.log")
    yield server
    stop(server.process)


def test_markdown_edit_appears_without_reloading_by_hand(preview, page):
    page.goto(preview.url("elite.html"))
    expect(page.locator("h1")).to_have_text("Elites")
    edit(preview.root / "content" / "elite.md", "## Share", "## Share\n\nA sentence written while previewing.")
    expect(page.locator("main")).to_contain_text("A sentence written while previewing.", timeout=WAIT)
    edit(preview.root / "content" / "elite.md", "while previewing.", "while previewing, then changed.")
    expect(page.locator("main")).to_contain_text("then changed.", timeout=WAIT)
    assert page.console_errors == []
    assert all(url.startswith(preview.url()) for url in page.requests)
    assert "content/elite.md changed → 1 page(s) re-rendered (1 from Markdown)" in preview.log()


def test_broken_fact_shows_the_overlay_then_the_fixed_page(preview, page):
    page.goto(preview.url("index.html"))
    expect(page.locator("main")).to_contain_text("about 30,000")
    index = preview.root / "content" / "index.md"
    # The offending line is shown under the message: markup in it must arrive as text, not as HTML.
    edit(index, "Today {{residents}}", "<img src=x id=injected> Today {{no-such-fact}}")
    overlay = page.locator("#explainer-preview-problems")
    expect(overlay).to_be_visible(timeout=WAIT)
    expect(overlay).to_contain_text('content/index.md:6:')
    # Styled under the site's CSP, which refuses style attributes written in the page.
    assert overlay.evaluate("element => getComputedStyle(element).position") == "fixed"
    expect(overlay).to_contain_text('unknown fact "no-such-fact"')
    expect(overlay).to_contain_text("<img src=x id=injected>")
    assert page.locator("#injected").count() == 0
    expect(page.locator("main")).to_contain_text("about 30,000")  # the last good page, under the overlay
    status, body, _ = preview.request("/elite.html")  # the server still answers, every page with the overlay
    assert status == 200 and b"explainer-preview-problems" in body
    edit(index, "<img src=x id=injected> Today {{no-such-fact}}", "Today {{residents}}, fixed,")
    expect(page.locator("main")).to_contain_text("fixed,", timeout=WAIT)
    expect(overlay).to_have_count(0)
    assert "build failed with 1 error(s)" in preview.log()
    assert preview.process.poll() is None


def test_fact_edit_updates_every_page_that_shows_it(preview, browser, page):
    other = browser.new_page()
    try:
        page.goto(preview.url("index.html"))
        other.goto(preview.url("elite.html"))
        for tab in (page, other):
            expect(tab.locator("main")).to_contain_text("about 30,000")
        facts = preview.root / "data" / "facts" / "main.json"
        store = json.loads(facts.read_text(encoding="utf-8"))
        residents = next(fact for fact in store["facts"] if fact["id"] == "residents")
        residents["value"] = 34000  # its excerpt now no longer states it: a warning, and the preview builds
        facts.write_text(json.dumps(store, ensure_ascii=False, indent=2), encoding="utf-8")
        for tab in (page, other):
            expect(tab.locator("main")).to_contain_text("about 34,000", timeout=WAIT)
            # The figure itself changed everywhere; the source's words in its card still say what they said.
            expect(tab.locator('.fact[data-fact="residents"] .fact-value').first).not_to_contain_text("30,000")
        status, body, _ = preview.request("/data.html")
        assert status == 200 and "about 34,000" in body.decode("utf-8")
    finally:
        other.close()


def test_an_edit_made_while_the_page_loads_is_not_lost(preview, page):
    """livereload alone would miss it: the page connects after the reload was sent. The plugin catches it."""
    edit(preview.root / "content" / "elite.md", "## Share", "## Share\n\nEdited before the page connected.")
    page.goto(preview.url("elite.html"))  # possibly still the previous build, or not yet connected
    expect(page.locator("main")).to_contain_text("Edited before the page connected.", timeout=WAIT)
