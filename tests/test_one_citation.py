"""One citation per source in a sentence: a [@source] after a fact from the same source, in the same sentence, is
merged into the fact's mark ("48,250[1] books in 2024", never "48,250[1] books in 2024[1]"); anything that says
more (another excerpt, another source, another sentence) keeps its own mark. And the starter teaches it."""
from __future__ import annotations

import json
import re
from pathlib import Path

from explainer.prose.markdown_stage import render_markdown
from explainer.site_folder.inputs import read_inputs
from explainer.site_folder.pages import read_pages
from explainer.site_folder.scaffold import STARTER
from explainer.store.loading import load_fact_store

SOURCES = [
    {"id": "library", "title": "Annual report", "publisher": "Town library", "published": "2025-01-15",
     "accessed": "2025-02-01",
     "excerpts": [{"id": "loans", "text": "The library lent 48,250 books in 2024."},
                  {"id": "move", "text": "The library moved to a new building in 2020."}]},
    {"id": "council", "title": "Budget", "publisher": "Town council", "published": "2025-03-01",
     "accessed": "2025-03-02", "excerpts": [{"id": "members", "text": "The library has 3,100 members."}]},
]
FACTS = [
    {"id": "loans-2024", "value": 48250, "unit": "number", "label": "Books lent in 2024", "as_of": "2024",
     "source": "library", "excerpt": "loans"},
    {"id": "members", "value": 3100, "unit": "people", "label": "Members", "as_of": "2024", "source": "council",
     "excerpt": "members"},
]
STORE, STORE_PROBLEMS = load_fact_store({
    **{Path(f"data/sources/{source['id']}.json"): json.dumps(source) for source in SOURCES},
    Path("data/facts/main.json"): json.dumps({"facts": FACTS})})
MARK = re.compile(r'<sup class="cite">\[(\d+)\]</sup>')


def render(body: str):
    pages, problems = read_pages({Path("content/page.md"): f"---\ntitle: A page\n---\n{body}"})
    problems += render_markdown(pages, STORE, {})
    return pages[0], problems


def marks(html: str) -> list[str]:
    """The citation marks a reader sees, in order, without the cards (which repeat no mark)."""
    return MARK.findall(html)


def test_the_store_of_these_tests_loads_cleanly():
    assert STORE_PROBLEMS == []


def test_a_source_cited_after_its_fact_in_the_same_sentence_prints_one_mark():
    page, problems = render("The library lent {{loans-2024}} books in 2024 [@library].")
    assert problems == []
    assert marks(page.html) == ["1"]
    assert "books in 2024.</p>" in page.html  # the citation and the space before it are gone
    assert [(r.number, r.source_id, r.citation_ids) for r in page.references] == [(1, "library", ("cite-1-1",))]


def test_the_fact_own_excerpt_named_is_merged_too():
    page, problems = render("It lent {{loans-2024}} books [@library#loans].")
    assert problems == [] and marks(page.html) == ["1"]


def test_another_excerpt_of_the_same_source_keeps_its_mark_and_card():
    page, problems = render("It lent {{loans-2024}} books after it moved [@library#move].")
    assert problems == [] and marks(page.html) == ["1", "1"]
    assert page.html.count('class="fact source-citation"') == 1
    assert "moved to a new building in 2020" in page.html


def test_a_citation_in_the_next_sentence_keeps_its_mark():
    for body in ("It lent {{loans-2024}} books. It moved [@library].",
                 "It lent {{loans-2024}} books!\nIt moved [@library].",
                 "It lent {{loans-2024}} books.\n\nIt moved [@library].",
                 "- It lent {{loans-2024}} books\n- it moved [@library]",
                 "| Books | Note |\n|---|---|\n| {{loans-2024}} | moved [@library] |"):
        page, problems = render(body)
        assert problems == [] and marks(page.html) == ["1", "1"], body


def test_another_source_keeps_its_mark():
    page, problems = render("It lent {{loans-2024}} books to {{members}} members [@council; @library].")
    assert problems == []
    # loans [1], members [2], then the group: [@council] is cited by the members fact, [@library] by the loans fact
    assert marks(page.html) == ["1", "2"]
    page, _ = render("It lent {{loans-2024}} books, the council says [@council].")
    assert marks(page.html) == ["1", "2"]


def test_a_group_keeps_only_the_sources_no_fact_before_it_carries():
    page, problems = render("It lent {{loans-2024}} books [@library; @council].")
    assert problems == [] and marks(page.html) == ["1", "2"]
    assert page.html.count('class="fact source-citation"') == 1
    assert [(r.source_id, r.citation_ids) for r in page.references] == [
        ("library", ("cite-1-1",)), ("council", ("cite-2-1",))]


def test_a_citation_before_the_fact_is_kept():
    page, problems = render("The report [@library] says it lent {{loans-2024}} books.")
    assert problems == [] and marks(page.html) == ["1", "1"]


def test_an_unknown_excerpt_after_a_fact_is_still_an_error():
    _, problems = render("It lent {{loans-2024}} books [@library#lons].")
    assert [problem.message.split(".")[0] for problem in problems] == ['unknown excerpt "library#lons"']


def test_the_starter_cites_no_source_its_facts_already_cite():
    """The starter is what a new site copies: each [@…] it writes must print a mark of its own."""
    inputs, problems = read_inputs(STARTER)
    assert problems == []
    store, problems = load_fact_store(inputs.data, inputs.settings.language)
    assert problems == []
    pages, problems = read_pages(inputs.content)
    problems += render_markdown(pages, store, {"loans": "<figure></figure>"})
    assert [problem for problem in problems if problem.severity != "note"] == []
    cited = 0
    for page in pages:
        prose = re.sub(r"`[^`]*`", "", page.body)  # the syntax shown as code is not a citation
        tokens = len(re.findall(r"\[@", prose))
        assert page.html.count('class="fact source-citation"') == tokens, page.slug
        cited += tokens
    assert cited >= 1  # and it still shows how to cite a source, for what is not a figure
    index = next(page for page in pages if page.slug == "index")
    assert "[@example-town-library]" not in index.body
