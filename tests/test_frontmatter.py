"""Front matter: title, summary and order, with problems on the line that has them."""
from pathlib import Path

from explainer.site_folder.frontmatter import parse_front_matter

PATH = Path("content/page.md")


def test_reads_fields_and_where_the_body_starts():
    front, problems = parse_front_matter(PATH, "---\ntitle: Arrivals\nsummary: How many came.\norder: 2\n---\nBody\n")
    assert problems == []
    assert (front.title, front.nav_title, front.summary, front.order, front.body, front.body_line) == (
        "Arrivals", "Arrivals", "How many came.", 2, "Body\n", 6)
    front, _ = parse_front_matter(PATH, "---\ntitle: A long title\nnav_title: Short\n---\n")
    assert (front.title, front.nav_title) == ("A long title", "Short")


def test_missing_block_unclosed_block_and_bad_lines():
    assert "no front matter" in parse_front_matter(PATH, "# Title\n")[1][0].message
    assert "never closed" in parse_front_matter(PATH, "---\ntitle: x\n")[1][0].message
    _, problems = parse_front_matter(PATH, "---\ntitle: x\ntitel: y\norder: two\nno colon\n---\n")
    assert [(p.line, p.col) for p in problems] == [(3, 1), (4, 8), (5, 1)]
    assert 'Did you mean "title"?' in problems[0].message
    assert "whole number" in problems[1].message
