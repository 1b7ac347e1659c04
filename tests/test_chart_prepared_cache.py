"""A build whose chart inputs are unchanged runs no chart module (explainer/charts/prepared_cache.py): what the
module made comes from .cache/charts/, the site is byte-identical, and any input the chart depends on, or a
damaged entry, makes it run again."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT
from explainer.charts import isolation
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build
from explainer.site_folder.scaffold import write_starter


@pytest.fixture(scope="module")
def warmed(tmp_path_factory) -> Path:
    """The starter site built once, so its pictures are in .cache/ (rendering them is not what is tested)."""
    root = tmp_path_factory.mktemp("warmed") / "starter"
    assert write_starter(root) is None
    built(root)
    return root


@pytest.fixture
def starter(warmed, tmp_path) -> Path:
    """A fresh copy of the starter with its pictures cached but no chart module's result kept."""
    root = tmp_path / "starter"
    shutil.copytree(warmed, root, ignore=shutil.ignore_patterns("*.prepared"))
    return root


@pytest.fixture
def runs(monkeypatch) -> list[str]:
    """The names of the charts whose modules ran in the worker, in order."""
    ran: list[str] = []
    prepare = isolation.ChartWorker.prepare

    def counted(self, name, *arguments):
        ran.append(name)
        return prepare(self, name, *arguments)

    monkeypatch.setattr(isolation.ChartWorker, "prepare", counted)
    return ran


def built(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [problem.format() for problem in problems]
    result = build(inputs)
    assert not result.failed(strict=False), [problem.format() for problem in result.problems]
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_chart_is_not_run_again_and_the_site_is_the_same(starter, runs):
    first = built(starter)
    assert runs == ["loans"]
    second = built(starter)
    assert runs == ["loans"]  # the second build ran nothing
    assert second.files == first.files
    assert list((starter / ".cache" / "charts").glob("*.prepared"))


@pytest.mark.parametrize("change", ["module", "helper", "data", "colours"])
def test_every_input_of_the_chart_makes_it_run_again(starter, runs, change):
    first = built(starter)
    if change == "module":
        edit(starter / "charts" / "loans.py", "def chart(", "# an edit\ndef chart(")
    elif change == "helper":
        (starter / "charts" / "_helpers.py").write_text("COLOUR = 'teal'\n", encoding="utf-8")
    elif change == "data":  # a value of the series the chart reads
        edit(starter / "data" / "series" / "loans-by-year.json", '"title": "Books lent by the library each year"',
             '"title": "Books the library lent each year"')
    else:
        edit(starter / "site.json", "{", '{"chart_colors": ["#8a2be2"],')
    second = built(starter)
    assert runs == ["loans", "loans"], change
    if change == "colours":
        assert second.files != first.files


def test_what_the_chart_does_not_read_does_not_run_it(starter, runs):
    """The loans chart reads the series loans-by-year and no fact: a fact's edit, or a new fact, or spaces
    added to the series' file (the same records), leave its kept result in use."""
    first = built(starter)
    facts = starter / "data" / "facts" / "loans.json"
    record = json.loads(facts.read_text(encoding="utf-8"))
    record["facts"][0]["label"] += " (edited)"
    facts.write_text(json.dumps(record, indent=2), encoding="utf-8")
    series_file = starter / "data" / "series" / "loans-by-year.json"
    series_file.write_text(series_file.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    second = built(starter)
    assert runs == ["loans"]
    assert second.files != first.files  # the fact's label did change the pages that show it
    kept = [path for path in (starter / ".cache" / "charts").glob("*.prepared")]
    assert len(kept) == 1


def test_a_template_or_prose_edit_runs_no_chart(starter, runs):
    built(starter)
    page = next((starter / "content").glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    built(starter)
    assert runs == ["loans"]


@pytest.mark.parametrize("damage", [b"", b"0" * 64 + b"not a pickle", b"garbage"])
def test_a_damaged_entry_is_ignored_and_made_again(starter, runs, damage):
    first = built(starter)
    (entry,) = (starter / ".cache" / "charts").glob("*.prepared")
    entry.write_bytes(damage)
    second = built(starter)
    assert runs == ["loans", "loans"]
    assert second.files == first.files
    assert entry.read_bytes() != damage  # written again, whole


def test_a_failing_chart_is_never_kept_and_reports_its_problem_every_time(starter, runs):
    edit(starter / "charts" / "loans.py", "def chart(store", "def chart(store, missing")
    for _ in range(2):
        inputs, _ = read_inputs(starter)
        result = build(inputs)
        assert any(problem.path.name == "loans.py" for problem in result.problems)
    assert runs == ["loans", "loans"]
    assert not list((starter / ".cache" / "charts").glob("*.prepared"))


def test_a_build_with_every_chart_kept_never_imports_altair(starter):
    built(starter)
    script = ("import sys; from explainer.site_folder.inputs import read_inputs; from explainer.pipeline import build; "
              f"inputs, _ = read_inputs(__import__('pathlib').Path({str(starter)!r})); "
              "result = build(inputs); assert not result.failed(strict=False); "
              "print('altair' in sys.modules, result.charts.cached)")
    printed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True,
                             timeout=120)
    assert printed.stdout.split() == ["False", "1"], printed.stderr


def test_copying_the_store_reads_all_of_it_and_works_as_a_dict_would():
    """A module that copies a table, or the store (dataclasses.asdict), depends on every record it copied."""
    import copy
    import dataclasses

    from explainer.charts.prepared_cache import EVERY_RECORD, watched_store
    from explainer.store.facts import FactStore

    store = FactStore(facts={"a": 1, "b": 2}, series={"s": 3})
    for use in (lambda view: view.facts.copy(), lambda view: view.facts | {}, lambda view: {} | view.facts,
                lambda view: copy.copy(view.facts), lambda view: copy.deepcopy(view.facts),
                lambda view: dataclasses.asdict(view), lambda view: dict(view.facts)):
        view, read = watched_store(store)
        assert use(view) is not None
        assert read()["facts"] == [EVERY_RECORD]
    view, read = watched_store(store)
    assert view.facts.copy() == {"a": 1, "b": 2} and (view.facts | {"c": 3}) == {"a": 1, "b": 2, "c": 3}
    view, read = watched_store(store)
    assert view.facts["a"] == 1 and "zzz" not in view.facts and read() == {"facts": ["a", "zzz"]}
    # Our own corrections (data/corrections.json) are a table a module may read too.
    view, read = watched_store(FactStore(site_corrections={"c": 4}))
    assert view.site_corrections["c"] == 4 and read() == {"site_corrections": ["c"]}


def test_no_cache_runs_every_chart_module_again(starter, runs):
    from explainer.cli import main

    built(starter)
    assert main(["build", "--root", str(starter), "--out", str(starter.parent / "out"), "--no-cache"]) == 0
    assert runs == ["loans", "loans"]


def test_looking_up_a_cells_fact_reads_that_cell_and_that_fact_alone():
    """charts/definition.cell_fact goes through the store's index of the facts stating series cells: a chart that
    asks for one cell's fact depends on that cell's entry and that fact, not on every fact (a fact edit elsewhere
    keeps its result); and a new fact stating that cell, or an edit of the one that does, changes what it read."""
    import dataclasses

    from test_chart_content import project_store
    from explainer.charts.definition import cell_fact
    from explainer.charts.prepared_cache import reads_fingerprint, watched_store
    from explainer.store.facts import FactStore, SeriesCell, cell_name

    store = project_store()
    view, read = watched_store(store)
    stated = cell_fact(view, "arrivals-by-year", "2025", "total")
    assert stated is not None and stated.series_cell == SeriesCell("arrivals-by-year", "2025", "total")
    assert cell_fact(view, "arrivals-by-year", "1066", "total") is None
    reads = read()
    assert reads == {"cells": sorted([cell_name("arrivals-by-year", "2025", "total"),
                                      cell_name("arrivals-by-year", "1066", "total")]),
                     "facts": [stated.id]}
    before = reads_fingerprint(store, reads)

    def changed(facts: dict) -> str:
        return reads_fingerprint(FactStore(**{**{name: getattr(store, name) for name in ("sources", "series")},
                                              "facts": facts}), reads)

    other = next(fact for fact in store.facts.values() if fact.id != stated.id and fact.series_cell is None)
    assert changed({**store.facts, other.id: dataclasses.replace(other, label="edited")}) == before
    assert changed({**store.facts, stated.id: dataclasses.replace(stated, label="edited")}) != before
    newcomer = dataclasses.replace(other, id="a-new-fact", series_cell=SeriesCell("arrivals-by-year", "1066", "total"))
    assert changed({**store.facts, newcomer.id: newcomer}) != before  # a cell that had no fact now has one
