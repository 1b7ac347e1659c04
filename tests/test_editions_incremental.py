"""A two-edition site's cached build equals its clean build after edits in either edition (issue 18, item 3).

The same differential proof as tests/test_incremental_equals_clean.py, on tests/sites/two-editions/: after each
edit, `python build.py` with what the earlier builds kept equals `python build.py --no-cache`, and the preview's
rebuild (its memory kept across edits) equals pipeline.build() of the same inputs with nothing kept. The edits
touch what an edition's pages read: an English page, its Korean counterpart, a fact both cite, a translation
added (every page's switcher and the notice change) and removed, and the editions' names.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SITES
from explainer.preview.rebuild import Rebuilder
from test_incremental_equals_clean import (changes_between, clean_cli_build, clean_preview_build, describe, run_cli,
                                           tree, vega_runtime_made_once, watched)

pytestmark = pytest.mark.slow
__all__ = ["vega_runtime_made_once"]  # the fixture, used by every test here (autouse)

KO_PLAIN = "---\ntitle: 번역된 쪽\nsummary: 이제 번역되었습니다.\norder: 2\n---\n이 쪽은 이제 한국어로 읽을 수 있습니다.\n"


def replace_in(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def set_label(root: Path, fact_id: str, label: str) -> None:
    path = root / "data/facts/charted.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    next(fact for fact in data["facts"] if fact["id"] == fact_id)["label"] = label
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def set_names(root: Path, names: dict[str, str]) -> None:
    path = root / "site.json"
    settings = json.loads(path.read_text(encoding="utf-8"))
    settings["edition_names"] = names
    path.write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")


EDITS = (
    ("an English page's text", lambda root: replace_in(root, "content/people.md", "fewer people arrived",
                                                       "fewer and fewer people arrived")),
    ("its Korean counterpart's text", lambda root: replace_in(root, "content/ko/people.md", "줄었습니다", "크게 줄었습니다")),
    ("a Korean title (every Korean page's navigation)", lambda root: replace_in(root, "content/ko/people.md",
                                                                               "title: 사람들", "title: 입국자")),
    ("a fact both editions cite", lambda root: set_label(root, "arrivals-2009", "Arrivals in 2009, the peak")),
    ("a translation added", lambda root: (root / "content/ko/plain.md").write_text(KO_PLAIN, encoding="utf-8")),
    ("the translation removed", lambda root: (root / "content/ko/plain.md").unlink()),
    ("the editions' names", lambda root: set_names(root, {"en": "English edition", "ko": "한국어판"})),
)


@pytest.fixture
def two(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "two-editions", root, ignore=shutil.ignore_patterns(".cache"))
    return root


def test_the_command_line_s_cached_builds_equal_clean_builds(two, tmp_path):
    out = tmp_path / "out"
    code, printed = run_cli("--root", str(two), "--out", str(out), "--url", "https://example.org/x/")
    assert code == 0, printed
    failures = []
    for what, edit in EDITS:
        edit(two)
        code, printed = run_cli("--root", str(two), "--out", str(out), "--url", "https://example.org/x/")
        clean_code, clean_printed, clean = clean_cli_build(two, tmp_path / "clean", "--url", "https://example.org/x/")
        assert code == clean_code == 0, (what, printed, clean_printed)
        cached = tree(out)
        if cached != clean:
            failures.append(f"after {what}: {describe(cached, clean)}")
    assert not failures, "\n\n".join(failures)


def test_the_preview_s_rebuilds_equal_clean_builds(two):
    rebuilder = Rebuilder(two, strict=False)
    seen = watched(two)
    first = rebuilder.rebuild(None)
    assert first.files is not None, [problem.format() for problem in first.problems]
    failures = []
    for what, edit in EDITS:
        edit(two)
        now = watched(two)
        outcome = rebuilder.rebuild(changes_between(seen, now))
        seen = now
        clean, problems = clean_preview_build(two)
        assert outcome.files is not None and clean is not None, (what, problems, outcome.problems)
        rebuilt = {path: data for path, data in outcome.files.items() if not path.startswith("pagefind/")}
        if rebuilt != clean:
            failures.append(f"after {what}: {describe(rebuilt, clean)}")
    assert not failures, "\n\n".join(failures)
