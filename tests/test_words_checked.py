"""Every word a reader sees is held to the typed-number rule of the page's text (a number typed by hand that is
neither a year nor a fact is a warning, an error under --strict): the front matter's title, nav_title and
summary, and a chart's title, label, caption, alt text, note, column headings and annotations."""
from __future__ import annotations

from pathlib import Path

import pytest

from explainer.charts.modules import run_chart_module
from explainer.charts.typed_numbers import typed_number_problems
from explainer.pipeline import build
from explainer.prose.markdown_stage import render_markdown
from explainer.site_folder.inputs import read_inputs
from explainer.site_folder.pages import read_pages
from explainer.site_folder.scaffold import STARTER, write_starter
from explainer.store.facts import FactStore
from explainer.store.loading import load_fact_store


# --- the front matter -------------------------------------------------------------------------------------------

def front_matter_problems(text: str):
    pages, problems = read_pages({Path("content/births.md"): text})
    assert problems == []
    return render_markdown(pages, FactStore(), {})


def test_a_number_typed_into_the_summary_is_placed_at_its_line_and_column():
    summary = "summary: The rate fell to 1.36, then 1.15."
    problems = front_matter_problems(f"---\ntitle: Births\n{summary}\n---\nText.\n")
    assert [(p.path, p.line, p.col, p.severity) for p in problems] == [
        (Path("content/births.md"), 3, summary.index("1.36") + 1, "warning"),
        (Path("content/births.md"), 3, summary.index("1.15") + 1, "warning")]
    assert problems[0].message.startswith('the number "1.36" is typed into the summary')
    assert "{{fact-id}}" in problems[0].message and problems[0].source_line == "summary: The rate fell to 1.36, then 1.15."
    assert all(p.stops_build(strict=True) and not p.stops_build(strict=False) for p in problems)


def test_the_title_and_nav_title_are_checked_and_years_are_not_figures():
    nav, title = "nav_title:   Top 10", "title: Births in 2024 fell by 5%"
    problems = front_matter_problems(f"---\n{nav}\n{title}\nsummary: Since 2016, fewer births.\n---\n")
    assert sorted((p.line, p.col, p.message.split(" is typed into the ")[1].split(",")[0]) for p in problems) == [
        (2, nav.index("10") + 1, "nav_title"), (3, title.index("5%") + 1, "title")]
    assert problems[0].message.startswith('the number "5%"')


def test_a_front_matter_without_figures_is_clean():
    assert front_matter_problems("---\ntitle: Births\nsummary: Fewer births, in 2024 as in 2023.\n---\nText.\n") == []


# --- a chart's words --------------------------------------------------------------------------------------------

MODULE = '''"""A probe: 6 words in a docstring are not words a reader sees."""
import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, series
from explainer.charts.definition import Annotation
from explainer.numbers import format_value


def chart(store):
    loans = series(store, "loans-by-year")
    latest, holders = facts(store, "loans-2024", "card-holders")
    rows = tuple({"year": row.values["year"], "loans": row.values["loans"]} for row in loans.rows)
    share = holders.value / latest.value * 100
    return ChartDefinition(
        title=TITLE,
        caption=CAPTION,
        alt=ALT,
        note=NOTE,
        cites=("loans-by-year", "loans-2024", "card-holders"),
        columns=(ChartColumn("year", "Year"), ChartColumn("loans", "Books lent", "number")),
        rows=rows,
        chart=alt.Chart(ROWS).mark_line().encode(x="year:O", y="loans:Q"),
        annotations=(Annotation(label=("moved",), text=MOVED),),
    )
'''
FROM_DATA = {
    "TITLE": 'f"Books lent each year, {rows[0][\'year\']}–{rows[-1][\'year\']}"',
    "CAPTION": 'f"{latest.display} books in 2024, {rows[1][\'loans\']:,} in 2020; {holders.display} card holders."',
    "ALT": 'f"Line chart: {format_value(rows[0][\'loans\'], \'number\')} in {rows[0][\'year\']}."',
    "NOTE": '"Figures from the annual report."',
    "MOVED": '"The library moved in 2020."',
}


@pytest.fixture(scope="module")
def starter_store() -> FactStore:
    inputs, problems = read_inputs(STARTER)
    assert problems == []
    store, problems = load_fact_store(inputs.data, inputs.settings.language)
    assert problems == []
    return store


def chart_problems(tmp_path: Path, store: FactStore, **fields: str):
    path = tmp_path / "probe.py"
    text = MODULE
    for name, value in {**FROM_DATA, **fields}.items():
        text = text.replace(f"={name}", f"={value}")
    path.write_text(text, encoding="utf-8")
    module, problems = run_chart_module("probe", path, store)
    assert problems == [] and module is not None, [p.format() for p in problems]
    return path, text.splitlines(), typed_number_problems(module, store)


def line_of(lines: list[str], words: str) -> int:
    return next(number for number, line in enumerate(lines, 1) if words in line)


def test_words_built_from_the_cited_data_are_allowed(tmp_path, starter_store):
    _, _, problems = chart_problems(tmp_path, starter_store)
    assert problems == []


def test_a_number_typed_by_hand_is_reported_at_its_string_even_when_it_equals_a_fact(tmp_path, starter_store):
    path, lines, problems = chart_problems(tmp_path, starter_store, TITLE='"Loans reached 48,250 in 2024"',
                                           MOVED='"The library moved to its 3 floors in 2020."')
    title, annotation = line_of(lines, "title="), line_of(lines, "Annotation(")
    assert [(p.path, p.line, p.col, p.severity) for p in problems] == [
        (path, title, lines[title - 1].index('"Loans') + 1, "warning"),
        (path, annotation, lines[annotation - 1].index('"The library') + 1, "warning")]
    # the caption writes the same figure from the fact (latest.display): that one is not typed by hand
    assert problems[0].message.startswith('the number "48,250" in the chart\'s title is typed by hand')
    assert problems[1].message.startswith('the number "3" in the chart\'s annotations is typed by hand')
    assert problems[0].stops_build(strict=True) and not problems[0].stops_build(strict=False)


def test_a_number_no_value_of_the_data_gives_is_reported_at_its_field(tmp_path, starter_store):
    path, lines, problems = chart_problems(
        tmp_path, starter_store, ALT='f"Line chart over {len(rows)} years."',
        CAPTION='f"Card holders borrowed {share:.1f}% of it."', NOTE='f"Rows: {len(rows) + 1}."')
    assert [(p.line, p.col, p.message.split(" is ")[0]) for p in problems] == [
        (line_of(lines, "caption="), 1, 'the number "6.4%" in the chart\'s caption'),
        (line_of(lines, "alt="), 1, 'the number "6" in the chart\'s alt text'),
        (line_of(lines, "note="), 1, 'the number "7" in the chart\'s note')]
    assert "no value of the chart's data" in problems[1].message  # the docstring's "6" is not what typed it


def test_a_computed_figure_in_the_rows_is_allowed_as_the_table_writes_it(tmp_path, starter_store):
    module = MODULE.replace('row.values["loans"]}', 'row.values["loans"], "share": round(row.values["loans"] / '
                            'latest.value * 100, 1)}')
    path = tmp_path / "probe.py"
    words = {"TITLE": '"Books lent"', "CAPTION": 'f"{rows[0][\'share\']}% of the 2024 figure in 2019."',
             "ALT": '"Line chart."', "NOTE": '""', "MOVED": '"Moved in 2020."'}
    for name, value in words.items():
        module = module.replace(f"={name}", f"={value}")
    path.write_text(module, encoding="utf-8")
    module, problems = run_chart_module("probe", path, starter_store)
    assert problems == []
    assert typed_number_problems(module, starter_store) == []  # 62.2 is the 2019 row's share


# --- a whole build ----------------------------------------------------------------------------------------------

def test_strict_stops_on_a_typed_summary_and_a_typed_chart_caption(tmp_path):
    root = tmp_path / "site"
    assert write_starter(root) is None
    page = root / "content" / "loans.md"
    page.write_text(page.read_text(encoding="utf-8").replace("summary: How many", "summary: 48,250 books: how many"),
                    encoding="utf-8")
    chart = root / "charts" / "loans.py"
    chart.write_text(chart.read_text(encoding="utf-8").replace(
        'caption=f"Loans rose every year', 'caption=f"Loans rose by 18,250 books'), encoding="utf-8")
    inputs, problems = read_inputs(root)
    assert problems == []
    result = build(inputs)
    typed = [p for p in result.problems if "typed" in p.message or "no value" in p.message]
    assert [(p.path.name, p.line, p.severity) for p in typed] == [
        ("loans.py", line_of(chart.read_text(encoding="utf-8").splitlines(), "caption="), "warning"),
        ("loans.md", 3, "warning")], [p.format() for p in result.problems]
    assert typed[1].col == len("summary: ") + 1
    assert result.failed(strict=True) and not result.failed(strict=False)
    again = build(inputs)  # from what the first build kept in .cache/charts/: the same warnings
    assert again.charts.cached == 1 and [p.format() for p in again.problems] == [p.format() for p in result.problems]
