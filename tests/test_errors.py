"""Errors, root cause first: a broken data file is reported before what follows from it, which is held back
behind one line; a broken record drops only itself; --strict says "error:"; the preview says what changed."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.errors import SHOWN_LINE, Problem
from explainer.site_folder.inputs import read_inputs
from explainer.effects.boundary import BuildEffects
from explainer.pipeline import build
from explainer.preview.rebuild import ProblemLog, Rebuilder
from explainer.preview.source_watch import Changes
from explainer.store.loading import load_fact_store


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".cache", "site"))
    return root


def built(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    return build(inputs)


def shown(problems) -> str:
    return "\n".join(p.format() for p in problems)


def naming(problems, name: str) -> list[Problem]:
    return [p for p in problems if f'"{name}"' in p.message or f'"{name}#' in p.message]


def remove_comma_after_id(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    first = re.search(r'"id": "[^"]+",', text)
    path.write_text(text[:first.end() - 1] + text[first.end():], encoding="utf-8")


def test_a_source_file_with_a_missing_comma_is_reported_first_and_its_echoes_held_back(site):
    # What the echoes are: every problem naming the source when its file is simply absent.
    absent = shutil.copytree(site, site.parent / "absent")
    (absent / "data/sources/gazette.json").unlink()
    echoes = naming(built(absent).problems, "gazette")
    assert len(echoes) >= 3, shown(echoes)  # facts, a series row and the page cite it

    remove_comma_after_id(site / "data/sources/gazette.json")
    problems = built(site).problems
    first, note = problems[0], problems[1]
    assert (first.path.name, first.line) == ("gazette.json", 2) and "not valid JSON" in first.message, shown(problems)
    assert note.severity == "note" and f"{len(echoes)} more problems are held back" in note.message, shown(problems)
    assert '"gazette"' in note.message
    assert naming(problems[2:], "gazette") == [], shown(problems)  # no false "unknown source"
    assert all(p.path.name != "main.json" for p in problems), shown(problems)
    assert [p.stops_build(strict=False) for p in problems[:2]] == [True, False]


def test_echoes_are_held_back_but_other_problems_still_reported(site):
    gazette = site / "data/sources/gazette.json"
    text = gazette.read_text(encoding="utf-8")
    gazette.write_text(text.replace('"publisher": "Example Gazette"', '"publisher": 5'), encoding="utf-8")
    page = site / "content/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAlso {{public-sector-2O24}}.\n", encoding="utf-8")
    problems = built(site).problems
    assert problems[0].path.name == "gazette.json" and "publisher: expected string" in problems[0].message
    assert problems[1].severity == "note", shown(problems)
    typo = [p for p in problems if 'unknown fact "public-sector-2O24"' in p.message]
    assert len(typo) == 1 and typo[0].path.name == "index.md", shown(problems)  # a real error, not an echo
    assert naming(problems[2:], "gazette") == []


def test_a_bad_unit_drops_only_that_fact(site):
    facts = site / "data/facts/main.json"
    document = json.loads(facts.read_text(encoding="utf-8"))
    broken = document["facts"][0]
    broken["unit"] = "persons"
    facts.write_text(json.dumps(document, indent=2), encoding="utf-8")
    inputs, _ = read_inputs(site)
    store, problems = load_fact_store(inputs.data)
    assert set(store.facts) == {raw["id"] for raw in document["facts"][1:]}  # the others load
    assert store.unreadable == []
    unit = [p for p in problems if "'persons' is not one of the allowed values" in p.message]
    assert len(unit) == 1 and unit[0].path == facts and unit[0].lost_ids[0] == broken["id"]

    problems = built(site).problems
    assert problems[0] == unit[0] and problems[1].severity == "note", shown(problems)
    assert naming(problems[2:], broken["id"]) == [], shown(problems)  # the page and the derived fact name it
    held = int(re.match(r"(\d+) more problem", problems[1].message).group(1))
    assert held >= 2, problems[1].message


def test_a_broken_series_holds_back_the_facts_it_feeds_and_what_is_computed_from_them(site):
    facts = site / "data/facts/main.json"
    document = json.loads(facts.read_text(encoding="utf-8"))
    document["facts"] += [
        {"id": "arrivals-2009", "label": "Arrivals in 2009", "unit": "people", "as_of": "2009",
         "series": {"id": "arrivals", "row": "2009", "column": "total"}},
        {"id": "women-2009", "label": "Women arriving in 2009", "unit": "people", "as_of": "2009",
         "series": {"id": "arrivals", "row": "2009", "column": "women"}},
        {"id": "women-share-2009", "label": "Women's share", "unit": "percent", "value": 77.3, "as_of": "2009",
         "decimals": 1, "derived": {"op": "share", "of": ["women-2009", "arrivals-2009"], "tolerance": 0.05}}]
    facts.write_text(json.dumps(document, indent=2), encoding="utf-8")
    page = site / "content/elite.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nWomen were {{women-share-2009}} in 2009.\n", encoding="utf-8")
    # With the address it is published at: without one, --strict stops at the share images' warning.
    settings = json.loads((site / "site.json").read_text(encoding="utf-8"))
    (site / "site.json").write_text(json.dumps({**settings, "url": "https://example.org/tiny/"}), encoding="utf-8")
    assert not built(site).failed(strict=True), shown(built(site).problems)

    series = site / "data/series/arrivals.json"
    series.write_text(series.read_text(encoding="utf-8").replace('"label": "Year"', '"label": 5'), encoding="utf-8")
    problems = built(site).problems
    assert problems[0].path == series and "expected string" in problems[0].message
    assert set(problems[0].lost_ids) == {"arrivals", "arrivals-2009", "women-2009", "women-share-2009"}
    assert [p.severity for p in problems] == ["error", "note"], shown(problems)  # no "divides by zero" on stand-ins


def test_a_fact_file_that_is_not_json_keeps_its_facts_out_of_later_stages(site):
    facts = site / "data/facts/main.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace('"value": 211,', '"value": 211', 1), encoding="utf-8")
    problems = built(site).problems
    assert problems[0].path == facts and "not valid JSON" in problems[0].message
    assert not [p for p in problems if "unknown fact" in p.message], shown(problems)


def test_strict_says_error_for_a_warning_that_stops_the_build(site, tmp_path):
    page = site / "content/elite.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n\n", "\n\nSome 12 elites came.\n\n", 1), encoding="utf-8")
    command = [sys.executable, str(PROJECT / "build.py"), "check", "--root", str(site)]
    relaxed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    strict = subprocess.run([*command, "--strict"], capture_output=True, text=True, timeout=300)
    line = re.search(r'content/elite\.md:(\d+):(\d+): warning: the number "12"', relaxed.stderr)
    assert line, relaxed.stderr
    assert f'content/elite.md:{line.group(1)}:{line.group(2)}: error: the number "12"' in strict.stderr, strict.stderr
    assert 'warning: the number "12"' not in strict.stderr and strict.returncode == 1


def test_labels_follow_what_stops_the_build():
    warning = Problem(Path("a.md"), 3, 4, "a bare number", "warning")
    assert warning.format() == "a.md:3:4: warning: a bare number"
    assert warning.format(strict=True) == "a.md:3:4: error: a bare number"
    note = Problem(Path("a.md"), 3, 4, "held back", "note")
    assert note.format(strict=True) == "a.md:3:4: note: held back" and not note.stops_build(strict=True)


def test_the_preview_log_prints_only_what_changed():
    log = ProblemLog()
    old = [Problem(Path("a.md"), line, 1, f"the number {line}", "warning", f"text {line}") for line in range(1, 71)]
    assert log.compare(old) == (old, 0, 0)
    moved = [Problem(p.path, p.line + 2, p.col, p.message, p.severity, p.source_line) for p in old]  # lines added
    error = Problem(Path("b.json"), 2, 5, "not valid JSON")
    assert log.compare([error, *moved[1:]]) == ([error], 69, 1)
    assert log.compare(moved[1:]) == ([], 69, 1)


def test_a_file_saved_with_a_byte_order_mark_builds_in_the_preview_as_with_build_py(site):
    rebuilder = Rebuilder(site, strict=False)
    assert rebuilder.rebuild(None).files is not None
    changed = {}
    for path in (site / "content/index.md", site / "data/facts/main.json"):
        changed[path] = b"\xef\xbb\xbf" + path.read_bytes()
        path.write_bytes(changed[path])
    outcome = rebuilder.rebuild(Changes(modified=changed))
    assert outcome.files is not None, shown(outcome.problems)
    # The preview serves a build before its search index (preview/search_refresh.py): compare without one.
    inputs, _ = read_inputs(site)
    assert outcome.files == build(inputs, BuildEffects(index_search=None)).files


@pytest.mark.parametrize("column", [1, 40, 2_000, 3_990, 4_006])
def test_a_problem_on_a_long_line_shows_the_part_around_its_column_with_the_caret_under_it(column):
    """A paragraph is one line: a problem in it shows at most errors.SHOWN_LINE characters of it, not 4,000."""
    line = "".join(chr(ord("a") + n % 26) for n in range(4_006))
    shown, caret = Problem(Path("content/a.md"), 1, column, "here", source_line=line).format().split("\n")[1:]
    assert len(shown.strip()) <= SHOWN_LINE + 2  # and a "…" at each end that was cut
    assert shown[len(caret) - 1] == line[column - 1] and caret.strip() == "^"
