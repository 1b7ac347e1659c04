"""No content file can stall the build: too large a file, line or run of "[" is a clear error, found fast."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from explainer.site_folder.pages import read_pages

HEAD = "---\ntitle: Home\n---\n\n"


@pytest.mark.parametrize("body, words", [
    ("[" * 32_000, '"[" characters'),
    ("[a " * 5_000, '"[" characters'),
    ("\n".join("[x" for _ in range(3_000)), '"[" characters'),
    ("word " * 5_000, "characters, more than"),
    (("Short line.\n\n" * 100_000), "split it into several pages"),
])
def test_an_oversized_page_is_an_error_found_in_well_under_a_second(body, words):
    started = time.perf_counter()
    pages, problems = read_pages({Path("content/index.md"): HEAD + body})
    # A blow-up (a quadratic scan), not a slow machine: each of these takes under 10 ms on a busy 2-core machine.
    assert time.perf_counter() - started < 1.0
    assert pages == [] and len(problems) == 1 and words in problems[0].message
    assert problems[0].line >= 1 and problems[0].col >= 1


def test_a_long_page_of_ordinary_prose_is_read():
    body = "\n\n".join(f"Paragraph with a [link](page.html) and more words, {n}." for n in range(2_000))
    pages, problems = read_pages({Path("content/index.md"): HEAD + body})
    assert problems == [] and len(pages) == 1


@pytest.mark.parametrize("name", ["my page.md", "what's-new.md", "a#b.md", "why?.md", "café.md", "-x.md"])
def test_a_file_name_that_would_break_its_address_is_an_error(name):
    pages, problems = read_pages({Path("content") / name: HEAD + "Text."})
    assert pages == [] and "file name" in problems[0].message


def test_a_control_character_is_placed_at_its_line_and_column():
    pages, problems = read_pages({Path("content/index.md"): HEAD + "One line.\nTwo\x00 lines."})
    assert pages == [] and (problems[0].line, problems[0].col) == (6, 4) and "U+0000" in problems[0].message
