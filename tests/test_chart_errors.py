"""Charts fail loudly: a field no row has, an unknown chart name and a missing column are errors that say
what exists, at the line of the chart module (or page) that caused them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SITES
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build

HEADER = """import altair as alt
from explainer.charts import ROWS, ChartColumn, ChartDefinition, series


def chart(store):
    arrivals = series(store, "arrivals-by-year")
"""
ROWS_FROM_SERIES = """    rows = tuple({"period": row.values["period"], "total": row.values["total"]}
                 for row in arrivals.rows)
"""
DEFINITION = """    return ChartDefinition(title="t", caption="c", alt="a", cites=("arrivals-by-year",),
                           columns=(ChartColumn("period", "Year"), ChartColumn("total", "Arrivals", "people")),
                           rows=rows, chart=bars)
"""


@pytest.fixture
def site(tmp_path) -> Path:
    """The charts fixture site with one page that shows only the chart module "probe" (written by each test)."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "charts", root, ignore=shutil.ignore_patterns(".cache", "site"))
    for page in ("index.md", "people.md"):  # their charts are not what these tests are about
        text = (root / "content" / page).read_text(encoding="utf-8")
        (root / "content" / page).write_text("\n".join(line for line in text.splitlines()
                                                       if not line.startswith("{{chart:")) + "\n", encoding="utf-8")
    (root / "content" / "plain.md").write_text("---\ntitle: Probe\nsummary: s\norder: 2\n---\nText.\n\n"
                                               "{{chart:probe}}\n", encoding="utf-8")
    return root


def probe(root: Path, body: str) -> Path:
    (root / "charts").mkdir(exist_ok=True)
    path = root / "charts" / "probe.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def errors(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    result = build(inputs)
    return [p for p in result.problems if p.stops_build(strict=False)], result


def line_of(path: Path, words: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if words in line)


def test_an_encoded_field_no_row_has_is_an_error_at_the_line_that_names_it(site):
    path = probe(site, ROWS_FROM_SERIES + '    bars = alt.Chart(ROWS).mark_bar().encode(\n'
                       '        x=alt.X("yeer:O"), y="total:Q")\n' + DEFINITION)
    found, result = errors(site)
    assert [(p.path, p.line) for p in found] == [(path, line_of(path, '"yeer:O"'))], [p.format() for p in found]
    assert 'encodes the field "yeer", which no row has' in found[0].message
    assert 'Did you mean "year"' not in found[0].message and "columns: period, total." in found[0].message
    assert result.files == {}  # no site with an empty chart


def test_a_field_that_is_empty_in_every_row_is_an_error(site):
    rows = '    rows = tuple({"period": row.values["period"], "total": None} for row in arrivals.rows)\n'
    path = probe(site, rows + '    bars = alt.Chart(ROWS).mark_bar().encode(x="period:O", y="total:Q")\n' + DEFINITION)
    found, _ = errors(site)
    assert [(p.path, p.line) for p in found] == [(path, line_of(path, '"total:Q"'))], [p.format() for p in found]
    assert '"total", but it is None in every row' in found[0].message


def test_a_field_made_by_a_transform_or_a_tooltip_of_a_column_is_not_an_error(site):
    probe(site, ROWS_FROM_SERIES + '    bars = alt.Chart(ROWS).mark_bar().encode(\n'
                '        x="period:O", y="thousands:Q", tooltip=[alt.Tooltip("total:Q")],\n'
                '    ).transform_filter("datum.total != null").transform_calculate(thousands="datum.total / 1000")\n'
          + DEFINITION)
    found, result = errors(site)
    assert found == [] and "charts/probe.svg" in result.files, [p.format() for p in found]


def test_a_misspelt_field_gets_a_did_you_mean(site):
    path = probe(site, ROWS_FROM_SERIES + '    bars = alt.Chart(ROWS).mark_bar().encode(x="period:O", y="totl:Q")\n'
                 + DEFINITION)
    found, _ = errors(site)
    assert [(p.path, p.line) for p in found] == [(path, line_of(path, '"totl:Q"'))]
    assert 'Did you mean "total"?' in found[0].message


def test_an_unknown_chart_gets_a_did_you_mean_even_when_no_page_shows_the_right_one(site):
    (site / "content" / "plain.md").write_text("---\ntitle: Probe\nsummary: s\norder: 2\n---\nText.\n\n"
                                               "{{chart:arivals}}\n", encoding="utf-8")
    found, _ = errors(site)
    assert [(p.path.name, p.line) for p in found] == [("plain.md", 8)], [p.format() for p in found]
    assert 'unknown chart "arivals". Did you mean "arrivals"?' in found[0].message


@pytest.mark.parametrize("rows, wrong, columns", [
    ('    rows = tuple({"period": row.values["yeer"], "total": row.values["total"]} for row in arrivals.rows)\n',
     'row.values["yeer"]', "period, total, men, women"),
    (ROWS_FROM_SERIES + '    rows = tuple({"period": row["period"], "total": row["totl"]} for row in rows)\n',
     'row["totl"]', "period, total"),
])
def test_a_missing_column_lists_the_columns_that_exist(site, rows, wrong, columns):
    path = probe(site, rows + '    bars = alt.Chart(ROWS).mark_bar().encode(x="period:O", y="total:Q")\n' + DEFINITION)
    found, _ = errors(site)
    assert [(p.path, p.line) for p in found] == [(path, line_of(path, wrong))], [p.format() for p in found]
    name = wrong.split('"')[1]
    assert f'no column "{name}"' in found[0].message and f"Columns: {columns}." in found[0].message
    assert "fact or series id" not in found[0].message  # the old hint misled: this is a column


def test_a_missing_fact_id_still_gets_the_fact_hint(site):
    path = probe(site, '    value = store.facts["arrivals-209"]\n')
    found, _ = errors(site)
    assert [(p.path, p.line) for p in found] == [(path, line_of(path, "store.facts"))]
    assert '"arrivals-209"' in found[0].message and "facts(store, ...)" in found[0].message
