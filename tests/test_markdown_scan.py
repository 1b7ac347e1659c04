"""The Markdown is read once: every {{…}} and [@…] keeps where it was written, so problems are placed exactly;
and the checks that need a token's place: a fact inside link text, "about" before an approximate fact,
[@a; @b], and the day of a date, which is not a bare number."""
from __future__ import annotations

import re

import pytest

from test_citations import render, tree

TRICKY = [
    "Write `{{jobs}}` then {{jobs}}.\n\n    {{nope}}\n\n    code [@gazette]\n",
    "- item {{jobs}}\n    - nested [@gazette] and {{total}}\n\n> quote {{residents}}\n> more [@news-one]\n",
    "\tTabbed {{jobs}}\n\nText\twith\ttabs {{total}} and [@gazette]\n",
    "## Head {{jobs}} `{{x}}`\n\nPara [link](http://a/{{jobs}}) and ![img](x.png \"t {{total}}\")\n",
    "| a | b |\n|---|---|\n| {{jobs}} | `[@gazette]` |\n| [@news-one] | x |\n",
    "Footnote.[^1] {{jobs}}\n\n[^1]: Note with {{total}} and [@ministry].\n",
    "\\{{jobs}} and \\[@gazette] and {{ jobs }} and *{{jobs}}* and **[@gazette]** and {{{jobs}}}\n",
    "[ref]: http://x/{{jobs}}\n\nSee [this][ref].\n",
    "``double `{{jobs}}` tick`` and {{residents} and {{chart:x}} inline\n",
]


def places(problems) -> list[tuple[int, int]]:
    return [(p.line, p.col) for p in problems]


# --- exact places ------------------------------------------------------------------------------------------------

def test_an_unknown_fact_is_placed_at_itself_not_at_the_same_token_earlier_in_code():
    _, problems = render("Write `{{nope}}` to insert a fact.\n\nThe figure {{nope}} is unknown.\n")
    assert places(problems) == [(6, 12)]
    assert problems[0].source_line == "The figure {{nope}} is unknown."


def test_the_same_holds_for_a_code_block_a_source_and_markup_that_matches_nothing():
    body = ("    {{nope}} [@gazete] {{ a b }}\n\n"
            "``two `{{ a b }}` ticks``, then {{ a b }}, [@gazete] and {{nope}}.\n")
    _, problems = render(body)
    found = sorted((p.line, p.col, p.message.split(" ")[0] + " " + p.message.split(" ")[1]) for p in problems)
    assert found == [(6, 33, '"{{" starts'), (6, 44, "unknown source"), (6, 58, "unknown fact")]


def test_places_count_characters_as_written_through_tabs_lists_and_quotes():
    _, problems = render("Some\ttabs\tthen {{nope}}.\n\n> - quoted {{nope}}\n>   and [@gazete]\n")
    assert places(problems) == [(4, 16), (6, 12), (7, 9)]


def test_marks_never_reach_the_page_and_code_keeps_its_text():
    for body in TRICKY:
        page, _ = render(body)
        assert "\ue000" not in page.html and "\ue001" not in page.html, body
        assert "\ue000" not in repr(page.toc), body
    page, _ = render("## Use `{{jobs}}`\n\nWrite `{{jobs}}` or `[@gazette]`.\n")
    assert "<code>{{jobs}}</code>" in page.html and "<code>[@gazette]</code>" in page.html
    assert [heading["id"] for heading in page.toc] == ["use-jobs"] and page.references == []


# --- a fact inside link text -------------------------------------------------------------------------------------

def test_a_fact_or_citation_inside_link_text_is_an_error_with_the_fix():
    _, problems = render("Intro.\n\n[see {{jobs}}](https://example.org). And [the report [@gazette]](about.html).\n")
    assert [(p.severity, p.line, p.col) for p in problems] == [("error", 6, 6), ("error", 6, 54)]
    assert "the fact {{jobs}} is inside the text of a link" in problems[0].message
    assert "[the words](address) {{jobs}}" in problems[0].message
    assert "the citation [@gazette] is inside the text of a link" in problems[1].message


def test_a_fact_beside_a_link_is_fine():
    page, problems = render("[See the report](https://example.org) {{jobs}}.\n")
    assert problems == [] and page.facts_used == ["jobs"]


# --- "about" before an approximate fact -------------------------------------------------------------------------

def test_about_before_an_approximate_fact_is_a_warning_at_the_word():
    page, problems = render("Intro.\n\nAbout {{residents}} live there; *around* {{residents}} work.\n")
    assert [(p.severity, p.line, p.col) for p in problems] == [("warning", 6, 1), ("warning", 6, 34)]
    assert '"About about 30,000"' in problems[0].message and 'Delete "About"' in problems[0].message
    assert "about 30,000" in page.html  # still rendered: a warning, not an error


def test_about_before_an_exact_fact_or_an_approximate_fact_without_it_is_fine():
    _, problems = render("About {{jobs}} held jobs. In all, {{residents}} live there. Whereabouts {{residents}}.\n")
    assert problems == []


# --- [@a; @b] ----------------------------------------------------------------------------------------------------

def test_a_citation_of_two_sources_cites_both_in_order():
    page, problems = render("Both agree [@gazette; @news-one]. Later [@news-one].\n")
    assert problems == []
    assert [(r.number, r.source_id) for r in page.references] == [(1, "gazette"), (2, "news-one"), ]
    group = tree(page.html).one("span", "citations")
    assert [sup.text() for sup in group.all("sup", "cite")] == ["[1]", "[2]"]
    assert len(group.all("span", "fact-card")) == 2
    assert page.references[1].citation_ids == ("cite-2-1", "cite-2-2")
    assert "agree<span" in page.html  # the marks take the space before them, as one citation does


def test_a_citation_of_two_excerpts_and_an_unknown_one_among_them():
    page, problems = render("Intro.\n\nSee [@gazette#jobs; @gazete].\n")
    assert places(problems) == [(6, 22)]
    assert 'unknown source "gazete". Did you mean "gazette"?' in problems[0].message
    assert [r.source_id for r in page.references] == ["gazette"]
    page, problems = render("See [@gazette#jobs; @gazette#residents].\n")
    assert problems == [] and len(page.references) == 1
    assert [quote.text() for quote in tree(page.html).all("q")] == [
        "By the end of 2024, 211 defectors held jobs", "There are about 30,000 defectors in the South"]


# --- dates are not bare numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["on 28 March 2019", "on March 28, 2019", "on 5th of May", "by 1 Jan. 2020",
                                  "from 3 to 28 February"])
def test_the_day_of_a_date_is_not_a_bare_number(text):
    _, problems = render(f"The law passed {text}.\n")
    assert [p.message for p in problems if "typed into the prose" in p.message and '"3"' not in p.message] == []


def test_numbers_beside_dates_are_still_bare_numbers_at_their_place():
    _, problems = render("On 28 March 2019, 28 people came; by March 40 more, and 32 March.\n")
    assert [(p.message.split('"')[1], p.col) for p in problems] == [("28", 19), ("40", 44), ("32", 57)]
    assert all(p.severity == "warning" for p in problems)


def test_a_bare_number_is_placed_past_the_same_digits_in_code_and_links():
    _, problems = render("Run `cut -f 12` (see [it](https://example.org/12)); then 12 remain.\n")
    assert places(problems) == [(4, 58)]
    assert re.search(r'"12"', problems[0].message)
