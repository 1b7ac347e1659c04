"""The {{figures: …}} block: a row of key-figure tiles, each fact as an inline {{fact}} renders it, plus its label
and date; unknown ids placed at their line and column with "did you mean"."""
from __future__ import annotations

import json
from pathlib import Path

from explainer.site_folder.pages import read_pages
from explainer.prose.markdown_stage import render_markdown
from explainer.store.loading import load_fact_store

SOURCES = [
    {"id": "gazette", "title": "A report", "publisher": "Gazette", "url": "https://example.org/report",
     "published": "2025-05-16", "accessed": "2026-11-22", "kind": "news",
     "excerpts": [{"id": "jobs", "text": "By the end of 2024, 211 defectors held jobs"},
                  {"id": "residents", "text": "There are about 30,000 defectors in the South"}]},
    {"id": "ministry", "title": "Arrivals", "publisher": "Ministry", "published": "2026-01-20",
     "accessed": "2026-11-22", "kind": "official",
     "excerpts": [{"id": "arrivals", "text": "198 women and 25 men, 223 in all"}]},
]
FACTS = [
    {"id": "jobs", "value": 211, "unit": "people", "label": "Defectors in public jobs", "as_of": "2024-12-31",
     "source": "gazette", "excerpt": "jobs"},
    {"id": "residents", "value": 30000, "unit": "people", "label": "Defectors living in the South",
     "as_of": "2025-05", "source": "gazette", "excerpt": "residents", "approximate": True},
    {"id": "women-2025", "value": 198, "unit": "people", "label": "Women arriving in 2025", "as_of": "2025",
     "source": "ministry", "excerpt": "arrivals"},
    {"id": "arrivals-2025", "value": 223, "unit": "people", "label": "Arrivals in 2025", "as_of": "2025",
     "source": "ministry", "excerpt": "arrivals", "provisional": True},
    {"id": "women-share-2025", "value": 88.8, "unit": "percent", "decimals": 1, "label": "Women's share, 2025",
     "as_of": "2025", "derived": {"op": "share", "of": ["women-2025", "arrivals-2025"], "tolerance": 0.05}},
]
STORE, STORE_PROBLEMS = load_fact_store({
    **{Path(f"data/sources/{source['id']}.json"): json.dumps(source) for source in SOURCES},
    Path("data/facts/main.json"): json.dumps({"facts": FACTS})})


def render(body: str):
    path = Path("content/page.md")
    pages, problems = read_pages({path: f"---\ntitle: A page\n---\n{body}"})
    problems += render_markdown(pages, STORE, {})
    return pages[0], problems


def tiles(html: str) -> list[str]:
    return html.split('<li class="key-figure">')[1:]


def test_the_store_of_these_tests_loads_cleanly():
    assert STORE_PROBLEMS == []


def test_each_id_becomes_a_tile_with_the_facts_value_card_label_and_date():
    page, problems = render("{{figures: jobs, residents, women-share-2025}}\n")
    assert problems == []
    assert page.html.startswith('<ul class="key-figures">') and page.html.count("<li") == 3
    jobs, residents, share = tiles(page.html)
    # the value is the inline fact itself: a link to its reference with the citation mark, and its card
    assert '<span class="fact" data-fact="jobs"><a aria-describedby="card-1" class="fact-value" href="#ref-1"' in jobs
    assert '<data value="211">211</data>' in jobs and '<sup class="cite">[1]</sup>' in jobs
    assert '<span class="fact-card" id="card-1" role="tooltip">' in jobs
    assert '<span class="key-figure-label">Defectors in public jobs</span>' in jobs
    assert '<span class="key-figure-date">31 December 2024</span>' in jobs
    assert "about 30,000" in residents and "[1]" in residents  # the same source keeps its number
    assert 'href="#calc-women-share-2025"' in share and "88.8%" in share
    assert [(r.number, r.source_id, r.fact_ids) for r in page.references] == [(1, "gazette", ("jobs", "residents"))]
    assert page.calculations == ["women-share-2025"] and page.facts_used == ["jobs", "residents", "women-share-2025"]


def test_a_tile_says_provisional_as_the_inline_fact_does():
    inline, _ = render("Then {{arrivals-2025}}.\n")
    page, _ = render("{{figures: arrivals-2025}}\n")
    fact = inline.html[inline.html.index("<span class=\"fact\""):inline.html.rindex("</span>") + 7]
    assert fact in page.html and "(provisional)" in fact


def test_citation_numbers_follow_the_text_around_the_tiles():
    page, problems = render("First [@ministry].\n\n{{figures: jobs}}\n\nThen {{residents}}.\n")
    assert problems == []
    assert [(r.number, r.source_id) for r in page.references] == [(1, "ministry"), (2, "gazette")]
    assert '<sup class="cite">[2]</sup>' in tiles(page.html)[0]


def test_an_unknown_id_is_placed_at_the_id_with_did_you_mean_and_left_out():
    page, problems = render("Intro.\n\n{{figures: jobs, residnets}}\n")
    assert len(problems) == 1
    problem = problems[0]
    assert (str(problem.path), problem.line, problem.col, problem.severity) == ("content/page.md", 6, 18, "error")
    assert 'unknown fact "residnets". Did you mean "residents"?' in problem.message
    assert len(tiles(page.html)) == 1


def test_an_id_that_is_not_an_id_is_an_error_at_its_place():
    _, problems = render("{{figures: jobs, two words}}\n")
    assert [(p.line, p.col) for p in problems] == [(4, 18)]
    assert 'unknown fact "two words"' in problems[0].message


def test_a_figures_line_inside_a_paragraph_is_an_error():
    _, problems = render("Some text {{figures: jobs}} here.\n")
    assert len(problems) == 1 and (problems[0].line, problems[0].col) == (4, 11)


def test_labels_are_set_as_text_never_as_markup():
    store, _ = load_fact_store({
        Path("data/sources/gazette.json"): json.dumps(SOURCES[0]),
        Path("data/facts/main.json"): json.dumps({"facts": [{**FACTS[0], "label": "<b>*bold*</b> [@gazette]"}]})})
    pages, _ = read_pages({Path("content/page.md"): "---\ntitle: A page\n---\n{{figures: jobs}}\n"})
    render_markdown(pages, store, {})
    assert '<span class="key-figure-label">&lt;b&gt;*bold*&lt;/b&gt; [@gazette]</span>' in pages[0].html


def test_a_tile_may_give_its_own_shorter_label_in_quotes_commas_and_all():
    page, problems = render('{{figures: residents "Living in the South, May", jobs}}\n')
    assert problems == []
    residents, jobs = tiles(page.html)
    assert '<span class="key-figure-label">Living in the South, May</span>' in residents
    assert '<span class="key-figure-label">Defectors in public jobs</span>' in jobs


def test_a_number_typed_into_a_tile_label_is_reported_as_in_prose():
    _, problems = render('{{figures: jobs "About 200 jobs in 2024"}}\n')
    assert [(p.severity, 'the number "200" is typed into the prose' in p.message) for p in problems] == [
        ("warning", True)]
