"""The preview's memo keeps each edition's results apart (issue 19, with issue 18's editions).

Edits alternate between the English and the Korean edition of tests/sites/two-editions/, and go back to
earlier states: after each, the rebuild (its memory kept) equals pipeline.build() with nothing kept, byte for
byte. And a Markdown edit in one edition makes neither edition's fact store, charts or downloads again: each
edition finds its own results, where one slot per stage had the two editions evict each other's.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SITES
from explainer.preview.rebuild import Rebuilder
from test_editions_incremental import replace_in, set_label
from test_incremental_equals_clean import (changes_between, clean_preview_build, describe, vega_runtime_made_once,
                                           watched)

pytestmark = pytest.mark.slow
__all__ = ["vega_runtime_made_once"]  # the fixture, used by every test here (autouse)

ALTERNATING = (
    ("English text", lambda root: replace_in(root, "content/people.md", "fewer people", "far fewer people")),
    ("Korean text", lambda root: replace_in(root, "content/ko/people.md", "줄었습니다", "크게 줄었습니다")),
    ("English text back", lambda root: replace_in(root, "content/people.md", "far fewer people", "fewer people")),
    ("Korean title (the Korean share card and navigation)",
     lambda root: replace_in(root, "content/ko/people.md", "title: 사람들", "title: 입국자")),
    ("English title", lambda root: replace_in(root, "content/people.md", "title: People", "title: Arrivals")),
    ("a fact both cite", lambda root: set_label(root, "arrivals-2009", "Arrivals in 2009, the peak")),
    ("Korean text back", lambda root: replace_in(root, "content/ko/people.md", "크게 줄었습니다", "줄었습니다")),
    ("Korean title back", lambda root: replace_in(root, "content/ko/people.md", "title: 입국자", "title: 사람들")),
    ("English title back", lambda root: replace_in(root, "content/people.md", "title: Arrivals", "title: People")),
)

# Whole stages a Markdown edit of one page (its body: no title or order) has no reason to run again, in either
# edition; read_pages: the edited file alone is parsed again.
NOT_FOR_A_MARKDOWN_EDIT = {"load_fact_store", "read_pages", "charts", "download_files", "check_fact_store", "templates"}


@pytest.fixture
def two(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "two-editions", root, ignore=shutil.ignore_patterns(".cache"))
    return root


def rebuild_after(rebuilder: Rebuilder, root: Path, seen: dict, edit) -> tuple[dict, object]:
    edit(root)
    now = watched(root)
    outcome = rebuilder.rebuild(changes_between(seen, now))
    assert outcome.files is not None, outcome.problems
    return now, outcome


def test_alternating_editions_rebuild_as_a_clean_build_does(two):
    rebuilder = Rebuilder(two, strict=False)
    seen = watched(two)
    assert rebuilder.rebuild(None).files is not None
    failures = []
    for what, edit in ALTERNATING:
        seen, outcome = rebuild_after(rebuilder, two, seen, edit)
        clean, problems = clean_preview_build(two)
        assert clean is not None, (what, problems)
        rebuilt = {path: data for path, data in outcome.files.items() if not path.startswith("pagefind/")}
        if rebuilt != clean:
            failures.append(f"after {what}: {describe(rebuilt, clean)}")
    assert not failures, "\n\n".join(failures)


def test_a_markdown_edit_in_either_edition_reuses_both_editions_stages(two):
    rebuilder = Rebuilder(two, strict=False)
    seen = watched(two)
    assert rebuilder.rebuild(None).files is not None
    for what, edit in ALTERNATING[:3]:  # body edits only: no title, so no page's navigation changes
        seen, _ = rebuild_after(rebuilder, two, seen, edit)
        stats = rebuilder.cache.stats
        assert not NOT_FOR_A_MARKDOWN_EDIT & set(stats.stages_rerun), (what, stats.stages_rerun)
        assert stats.markdown_rendered == 1, (what, stats)
