"""Front matter: title, summary and order, with problems on the line that has them."""
from pathlib import Path

from hypothesis import given, strategies as st

from explainer.site_folder.frontmatter import parse_front_matter, value_offsets

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


def _offsets_of_every_line(text: str) -> dict[str, int]:
    """value_offsets as it was, splitting the whole file into lines: what the front matter alone must give."""
    offsets: dict[str, int] = {}
    offset = text.find("\n") + 1
    for line in text.split("\n")[1:]:
        if line.strip() == "---":
            break
        key, colon, value = line.partition(":")
        if colon and key.strip() and not line.lstrip().startswith("#"):
            offsets.setdefault(key.strip(), offset + len(key) + 1 + len(value) - len(value.lstrip()))
        offset += len(line) + 1
    return offsets


def test_value_offsets_point_at_each_value():
    text = "---\ntitle: Arrivals\n# a: comment\nsummary:   How many came.\n---\nbody: not front matter\n"
    offsets = value_offsets(text)
    assert offsets == {"title": text.index("Arrivals"), "summary": text.index("How many")}
    assert value_offsets("title: no opening line") == {}


@given(st.lists(st.sampled_from(["---", "title: A", "summary:  x", "# c: d", "", "  order : 2", "a:b", "k:"]),
                max_size=8), st.booleans())
def test_value_offsets_read_the_front_matter_as_the_whole_file_would(lines, trailing_newline):
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    assert value_offsets(text) == _offsets_of_every_line(text)
