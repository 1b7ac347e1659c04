"""Series rows that are approximate or computed (derived columns), as shown and checked; and `check` writing nothing.

The inputs are the starter site of `python build.py new` (a series over a table excerpt, with one rounded row),
changed the way an editor would change it.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.store.checks import check_fact_store
from explainer.site_folder.inputs import read_inputs
from explainer.site_folder.scaffold import write_starter
from explainer.store.loading import load_fact_store

SERIES = Path("data/series/loans-by-year.json")
SOURCE = Path("data/sources/example-town-library.json")
FACTS = Path("data/facts/loans.json")
CHILDREN = {"2020": 14048, "2021": 15560, "2022": 16020, "2023": 16520, "2024": 19300}  # 40% of each year's loans


def run(*arguments):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


def edit(path: Path, change) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    inputs, problems = read_inputs(root)
    assert not problems
    store, problems = load_fact_store(inputs.data, inputs.settings.language)
    if not problems:
        problems = check_fact_store(store)
    return [problem.format(relative_to=root) for problem in problems]


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site-folder"
    assert write_starter(root) is None
    return root


@pytest.fixture
def with_share(site) -> Path:
    """The starter with children's books in its table and series, and their share computed in every row."""
    def table(source):
        excerpt = next(item for item in source["excerpts"] if item["id"] == "loans-table")
        years = excerpt["table"]["header"][1:]
        excerpt["table"]["rows"].append(["Children's books", *(f"{CHILDREN[year]:,}" for year in years)])

    def series(document):
        document["columns"] += [
            {"name": "children", "label": "Children's books", "unit": "number", "table_row": "Children's books"},
            {"name": "children_share", "label": "Children's share", "unit": "percent",
             "derived": {"op": "share", "of": ["children", "loans"], "tolerance": 0.05}}]
        for row in document["rows"]:
            children = CHILDREN.get(row["year"])
            row["children"] = children
            row["children_share"] = round(children / row["loans"] * 100, 1) if children else None

    edit(site / SOURCE, table)
    edit(site / SERIES, series)
    return site


def test_an_approximate_row_shows_about_in_the_data_page_and_the_charts_table(site, tmp_path):
    built = run("--root", site, "--strict", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    data_page = (tmp_path / "out" / "data.html").read_text(encoding="utf-8")
    series_table = data_page[data_page.index('id="series-loans-by-year"'):]
    assert re.search(r"<th scope=\"row\">2019</th><td class=\"number\">about 30,000</td>", series_table)
    assert re.search(r"<th scope=\"row\">2020</th><td class=\"number\">35,120</td>", series_table)
    chapter = (tmp_path / "out" / "loans.html").read_text(encoding="utf-8")
    chart_table = chapter[chapter.index('class="chart-data"'):]
    assert re.search(r'<th scope="row">2019</th><td class="number">about 30,000</td>', chart_table)
    assert re.search(r'<th scope="row">2024</th><td class="number">48,250</td>', chart_table)
    csv_lines = (tmp_path / "out" / "data" / "series" / "loans-by-year.csv").read_text().splitlines()
    assert csv_lines[0].endswith(",approximate") and csv_lines[1].endswith(",loans")  # 2019: its loans are rounded
    assert csv_lines[2].endswith(",")  # 2020: exact


def test_approximate_can_name_columns_and_a_fact_on_such_a_cell_is_approximate(site):
    def name_the_column(document):
        document["rows"][0]["approximate"] = ["loans"]

    edit(site / SERIES, name_the_column)
    edit(site / FACTS, lambda document: document["facts"].append(
        {"id": "loans-2019", "label": "Books lent in 2019", "unit": "number", "as_of": "2019",
         "series": {"id": "loans-by-year", "row": "2019", "column": "loans"}}))
    inputs, _ = read_inputs(site)
    store, problems = load_fact_store(inputs.data, inputs.settings.language)
    assert not problems, [p.format() for p in problems]
    assert store.facts["loans-2019"].display == "about 30,000"
    assert store.facts["loans-2023"].display == "41,300"  # a row without "approximate" stays exact


def test_approximate_naming_an_unknown_column_is_an_error_with_a_suggestion(site):
    edit(site / SERIES, lambda document: document["rows"][0].update(approximate=["lons"]))
    found = problems_of(site)
    assert any(re.match(r"data/series/loans-by-year\.json:\d+:\d+: \"approximate\" names \"lons\".*"
                        r"Did you mean \"loans\"", problem) for problem in found), found


def test_a_derived_column_is_recomputed_and_explained_on_the_data_page(with_share, tmp_path):
    built = run("--root", with_share, "--strict", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    data_page = (tmp_path / "out" / "data.html").read_text(encoding="utf-8")
    assert "“Children&#39;s share” is computed in each row as Children&#39;s books ÷ Books lent × 100" in data_page
    assert re.search(r'<th scope="row">2023</th><td class="number">41,300</td><td class="number">16,520</td>'
                     r'<td class="number">40.0</td>', data_page)


def test_a_derived_cell_that_disagrees_with_its_row_is_an_error_at_the_row(with_share):
    def wrong(document):
        document["rows"][4]["children_share"] = 45.0  # 2023: 16,520 of 41,300 is 40.0%

    edit(with_share / SERIES, wrong)
    found = problems_of(with_share)
    text = (with_share / SERIES).read_text(encoding="utf-8")
    row_line = text[:text.index('"year": "2023"')].count("\n")  # the row's "{" is on the line before its key
    assert any(problem.startswith(f"data/series/loans-by-year.json:{row_line}:")
               and "loans-by-year 2023 (children_share) says 45.0, but the share of children, loans is 40.0"
               in problem for problem in found), found


def test_a_derived_column_must_be_written_and_computed_from_columns_of_the_series(with_share):
    def broken(document):
        document["rows"][2]["children_share"] = None  # 2021: its inputs are there, so the value must be too
        document["columns"][-1]["derived"]["of"] = ["childen", "loans"]

    edit(with_share / SERIES, broken)
    found = problems_of(with_share)
    assert any('computed from "childen", which is not another figure column' in problem
               and 'Did you mean "children"' in problem for problem in found), found


def test_a_missing_derived_cell_is_reported_with_its_value(with_share):
    edit(with_share / SERIES, lambda document: document["rows"][2].update(children_share=None))
    found = problems_of(with_share)
    assert any("loans-by-year 2021 (children_share): the share of children, loans is 40.0: write it in the row"
               in problem for problem in found), found


def test_a_fact_cannot_take_its_value_from_a_derived_column(with_share):
    edit(with_share / FACTS, lambda document: document["facts"].append(
        {"id": "share-2024", "label": "Children's share of loans, 2024", "unit": "percent", "as_of": "2024",
         "series": {"id": "loans-by-year", "row": "2024", "column": "children_share"}}))
    found = problems_of(with_share)
    assert any(re.match(r'data/facts/loans\.json:\d+:\d+: fact "share-2024" takes its value from column '
                        r'"children_share".*make the fact derived', problem) for problem in found), found


def listing(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")}


@pytest.mark.parametrize("fixture", ["charts", "new"])
def test_check_writes_nothing_in_the_site_folder(fixture, tmp_path):
    """`check` renders the charts (none is cached here) but leaves no file or folder behind, not even .cache/."""
    root = tmp_path / "copy"
    if fixture == "new":
        assert write_starter(root) is None
    else:
        shutil.copytree(SITES / fixture, root, ignore=shutil.ignore_patterns(".cache", "site"))
    before = listing(root)
    checked = run("check", "--root", root)
    assert checked.returncode == 0, checked.stderr
    assert "rendered, 0 cached" in checked.stdout and "nothing written" in checked.stdout
    assert listing(root) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["copy"]
