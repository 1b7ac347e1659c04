"""The Markdown extension: facts, source citations, references, and problems placed in the file."""
import json
import re
from pathlib import Path

from explainer.facts import load_fact_store
from explainer.pages import read_pages
from explainer.prose import render_markdown

STORE_FILES = {
    Path("data/sources.json"): json.dumps({"sources": [
        {"id": "gazette", "title": "A report", "publisher": "Gazette", "published": "2025-05-16",
         "accessed": "2026-11-22"},
        {"id": "news-one", "title": "탈북민 통계", "publisher": "News1", "published": "2025-02-04",
         "accessed": "2026-11-22", "language": "ko"}]}),
    Path("data/facts/main.json"): json.dumps({"facts": [
        {"id": "jobs", "value": 211, "unit": "people", "label": "Jobs", "as_of": "2024", "source": "gazette",
         "quote": "211 defectors held jobs"},
        {"id": "residents", "value": 30000, "unit": "people", "label": "Residents", "as_of": "2025",
         "source": "gazette", "quote": "about 30,000 defectors", "approximate": True},
        {"id": "total", "value": 34314, "unit": "people", "label": "Total", "as_of": "2024", "source": "news-one",
         "quote": "총 3만 4314명"}]}),
}
STORE, _ = load_fact_store(STORE_FILES)


def render(body: str, strict_numbers=False, charts=None):
    path = Path("content/page.md")
    text = f"---\ntitle: A page\n---\n{body}"
    pages, problems = read_pages({path: text})
    problems += render_markdown(pages, STORE, charts or {})
    return pages[0], problems


def test_a_fact_renders_its_value_citation_and_card():
    page, problems = render("Some {{residents}} people.")
    assert problems == []
    assert '<data value="30000">about 30,000</data>' in page.html
    assert '<a href="#ref-1" id="cite-1-1">[1]</a>' in page.html
    assert '<q class="fact-quote">about 30,000 defectors</q>' in page.html
    assert 'tabindex="0"' in page.html and 'role="tooltip"' in page.html


def test_citation_numbers_follow_the_text_and_reuse_a_source():
    page, _ = render("[@news-one] first, then {{jobs}} and {{residents}} and {{total}}.")
    assert [(r.number, r.source_id, r.fact_ids) for r in page.references] == [
        (1, "news-one", ("total",)), (2, "gazette", ("jobs", "residents"))]
    assert page.html.index("[1]") < page.html.index("[2]")
    assert page.references[0].citation_ids == ("cite-1-1", "cite-1-2")


def test_non_english_quotes_carry_their_language():
    page, _ = render("{{total}}")
    assert '<q class="fact-quote" lang="ko">총 3만 4314명</q>' in page.html


def test_unknown_fact_and_source_are_placed_at_their_line_and_column():
    page, problems = render("Intro.\n\nThe count is {{job}} and [@gazete].\n")
    assert [(p.line, p.col) for p in problems] == [(6, 14), (6, 26)]
    assert 'unknown fact "job". Did you mean "jobs"?' in problems[0].message
    assert 'unknown source "gazete". Did you mean "gazette"?' in problems[1].message
    assert all(str(p.path) == "content/page.md" for p in problems)


def test_the_same_unknown_id_twice_is_placed_at_each_occurrence():
    _, problems = render("{{nope}}\n\n{{nope}}\n")
    assert [(p.line, p.col) for p in problems] == [(4, 1), (6, 1)]


def test_code_is_left_alone():
    page, problems = render("Write `{{jobs}}` to insert a fact.\n\n    {{nope}}\n")
    assert problems == []
    assert "<code>{{jobs}}</code>" in page.html and page.references == []


def test_raw_html_is_shown_as_text_never_run():
    page, _ = render('<script>alert(1)</script>\n\nText <img src=x onerror="alert(1)">\n')
    assert "<script>" not in page.html and "<img" not in page.html
    assert "&lt;script&gt;" in page.html


def test_bare_numbers_are_warnings_but_years_and_facts_are_not():
    _, problems = render("In 2009, {{jobs}} held jobs; 12 others and 3.5% did not.\n")
    assert [(p.severity, p.message.split('"')[1], p.col) for p in problems] == [
        ("warning", "12", 30), ("warning", "3.5%", 44)]


def test_footnotes_tables_and_toc():
    page, _ = render("## First\n\nText.[^1]\n\n## Second\n\n| a | b |\n|---|---|\n| {{jobs}} | x |\n\n[^1]: Aside.\n")
    assert [heading["id"] for heading in page.toc] == ["first", "second"]
    assert "<table>" in page.html and 'class="footnote"' in page.html
    assert page.facts_used == ["jobs"]


def test_chart_embeds_insert_prepared_html_and_report_unknown_names():
    page, problems = render("{{chart:arrivals}}\n\n{{chart:arrivls}}\n", charts={"arrivals": "<figure>chart</figure>"})
    assert "<figure>chart</figure>" in page.html and page.charts_used == ["arrivals"]
    assert len(problems) == 1 and (problems[0].line, problems[0].col) == (6, 1)
    assert 'unknown chart "arrivls". Did you mean "arrivals"?' in problems[0].message


def test_a_source_citation_takes_the_space_before_it():
    page, _ = render("In the North [@gazette]. Then {{jobs}}.")
    assert "North<sup" in page.html and "Then <span" in page.html


def test_markup_that_matches_no_pattern_is_an_error_at_its_place():
    _, problems = render("Text {{residents} and {{arrivals 2009}}.\n\nSee {{chart:arrivals}} inline.\n")
    assert [(p.severity, p.line, p.col) for p in problems] == [("error", 4, 6), ("error", 4, 23), ("error", 6, 5)]
    assert "starts no fact, source or chart" in problems[0].message


def test_script_links_and_attribute_lists_cannot_run_script():
    page, problems = render('[x](javascript:alert(1)) and text\n{: onmouseover="alert(1)"}\n')
    assert [(p.line, p.col) for p in problems if "could run script" in p.message] == [(4, 5)]
    assert not re.search(r"<[^>]*onmouseover", page.html)  # shown as text, never an attribute
