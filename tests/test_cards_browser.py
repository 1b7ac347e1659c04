"""Every fact card on every page of the project's site, opened in Chromium as a reader would: what it shows,
and how the keyboard reaches and closes it. Where it opens, on screen at every width, is
tests/test_card_placement_browser.py's."""
from __future__ import annotations

import pytest

PAGES = ["index.html", "arrivals.html", "women.html", "elite.html", "life.html", "about.html"]

# Run in the page: open each card by focusing its figure, and report what a checking reader would miss.
AUDIT_CARDS = """() => {
  const problems = [];
  const facts = Array.from(document.querySelectorAll('.prose .fact'));
  facts.forEach((fact, index) => {
    const name = (fact.querySelector('.card-label') || fact).textContent.trim().slice(0, 60) + ' #' + index;
    const focusable = fact.querySelectorAll('a[href]:not([tabindex="-1"]), [tabindex="0"], button');
    if (focusable.length !== 1) problems.push(name + ': ' + focusable.length + ' tab stops');
    const link = fact.querySelector('.fact-value');
    link.focus();
    const card = fact.querySelector('.fact-card');
    if (getComputedStyle(card).display === 'none') { problems.push(name + ': card does not open on focus'); return; }
    card.querySelectorAll('.excerpt').forEach(excerpt => {
      const words = excerpt.querySelector('[lang]');
      const lang = words ? words.getAttribute('lang') : 'en';
      if (lang !== 'en' && !excerpt.querySelector('.translation')) problems.push(name + ': no translation of ' + lang);
      if (excerpt.querySelector('.excerpt-table') && !excerpt.querySelector('.excerpt-table mark'))
        problems.push(name + ': table excerpt without its highlighted cell');
      if (excerpt.querySelector('.excerpt-table') && excerpt.querySelectorAll('[role=row]').length !== 2)
        problems.push(name + ': table excerpt is not header + one row');
    });
    const claim = fact.classList.contains('claim-citation');  // [@claim:…]: a sentence resting on a checked claim
    if (claim) {
      if (!card.querySelector('.verdict')) problems.push(name + ': claim card without its verdict');
      if (!card.querySelector('.excerpt')) problems.push(name + ": claim card without the report's words");
    } else if (!fact.classList.contains('source-citation')) {
      const hasWords = card.querySelector('.excerpt mark');
      const working = card.querySelector('.working');
      if (!hasWords && !working) problems.push(name + ': neither highlighted words nor working');
      if (link.getAttribute('href').startsWith('#calc-') && !working) problems.push(name + ': calculation without working');
      if (working && working.querySelectorAll('a[href^="data.html#fact-"]').length < 2)
        problems.push(name + ': working without linked inputs');
    }
    const sourceLinks = card.querySelectorAll('.card-source a');
    if (!working_or_source(card)) problems.push(name + ': no source link');
    const href = link.getAttribute('href');
    if (href.startsWith('#')) {
      if (!document.getElementById(href.slice(1))) problems.push(name + ': its link leads nowhere on the page');
    } else if (!(claim && /^[\\w-]+\\.html#claim-[\\w-]+$/.test(href))) {
      problems.push(name + ': its link leaves the page: ' + href);  // only a claim's row may be on another page
    }
    link.blur();
  });
  function working_or_source(card) {
    return card.querySelector('.card-source a[href^="sources.html#source-"]') ||
           card.querySelector('.working a[href^="data.html#fact-"]');
  }
  return {count: facts.length, problems};
}"""

@pytest.mark.parametrize("name", PAGES)
def test_every_card_lets_a_reader_check_its_figure(built_project_site, static_server, page, name):
    base = static_server(built_project_site)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/{name}")
    audit = page.evaluate(AUDIT_CARDS)
    assert audit["count"] > 0
    assert audit["problems"] == [], "\n".join(audit["problems"])
    assert page.console_errors == []


@pytest.mark.parametrize("name", PAGES)
def test_escape_closes_a_card_and_keeps_focus_on_the_figure(built_project_site, static_server, page, name):
    base = static_server(built_project_site)
    page.goto(f"{base}/{name}")
    links = page.locator(".prose .fact .fact-value")
    for index in range(min(links.count(), 12)):
        link = links.nth(index)
        link.focus()
        card = page.locator(f"#{link.get_attribute('aria-describedby')}")
        assert card.is_visible()
        page.keyboard.press("Escape")
        assert not card.is_visible(), f"card {index} still open after Escape"
        assert page.evaluate("document.activeElement.classList.contains('fact-value')")


def test_a_tap_opens_the_card_and_a_second_tap_follows_the_link(built_project_site, static_server, page):
    base = static_server(built_project_site)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}/arrivals.html")
    link = page.locator(".prose .fact .fact-value").first
    card = page.locator(f"#{link.get_attribute('aria-describedby')}")
    link.click()
    assert card.is_visible()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    link.click()
    assert page.url.split("#")[1] == link.get_attribute("href")[1:]


CJK_AUDIT = """() => {
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const cjk = /[\\u1100-\\u11ff\\u3130-\\u318f\\uac00-\\ud7af\\u4e00-\\u9fff\\u3400-\\u4dbf]/;
  let node;
  while ((node = walker.nextNode())) {
    if (!cjk.test(node.textContent)) continue;
    const element = node.parentElement;
    const title = element.closest('cite, .source-heading, .excerpt-text, .excerpt-table');
    const lang = title ? title.closest('[lang]').getAttribute('lang') : 'ko';
    if (!/^(ko|zh|ja)/.test(lang)) problems.push('title or quote without lang: ' + node.textContent.trim().slice(0, 40));
    if (getComputedStyle(element).fontStyle !== 'normal') problems.push('italic: ' + node.textContent.trim().slice(0, 40));
  }
  return problems;
}"""


@pytest.mark.parametrize("name", [*PAGES, "sources.html", "data.html", "corrections.html"])
def test_korean_and_chinese_titles_and_quotes_carry_their_language_and_stand_upright(built_project_site, static_server, page,
                                                                         name):
    base = static_server(built_project_site)
    page.goto(f"{base}/{name}")
    assert page.evaluate(CJK_AUDIT) == []


OUTSIDE_CORRECTIONS = """(pattern) => {
  const body = document.body.cloneNode(true);
  // Allowed: the earlier version in a correction, the sources' own words (excerpts, titles and their translations,
  // in a card "Title in English: …") reporting it, and a source's note saying which figures it gave.
  body.querySelectorAll('.card-correction, .excerpt, .correction-source, cite, .source-heading, .source-translation, ' +
                        '.fact-card > .translation, .source-note').forEach(node => node.remove());
  return (body.textContent.match(new RegExp(pattern, 'g')) || []).length;
}"""


@pytest.mark.parametrize("name", [*PAGES, "sources.html", "data.html"])
def test_the_corrected_2025_count_is_shown_and_the_old_one_only_as_the_earlier_version(
        built_project_site, static_server, page, name):
    base = static_server(built_project_site)
    page.goto(f"{base}/{name}")
    assert page.evaluate(OUTSIDE_CORRECTIONS, r"(^|[^\d,.])(224|34,538|34538|9,594)(?![\d,])") == 0


def test_the_corrections_page_lists_the_2025_correction(built_project_site, static_server, page):
    base = static_server(built_project_site)
    page.goto(f"{base}/corrections.html")
    text = page.locator("main").inner_text()
    assert "4 February 2026" in text
    assert "223" in text and "224" in text
    assert "34,537" in text and "34,538" in text
    dates = page.locator(".corrections-list time").evaluate_all("nodes => nodes.map(n => n.getAttribute('datetime'))")
    assert dates == sorted(dates, reverse=True)
