"""What the charts say: headline titles, the annotations on the arrivals charts (drawn, said in the alt text,
cited), the recent years at their own scale, and the Hana survey chart plotting exactly its cited facts."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import altair as alt
import pytest

from conftest import PROJECT
from explainer.charts import ROWS, ChartColumn, ChartDefinition, chart_font
from explainer.charts.definition import Annotation, cell_fact, provisional_note
from explainer.charts.modules import ChartModule, run_chart_module
from explainer.charts.spec import PICTURE_WIDTHS, chart_spec, static_spec
from explainer.charts.theme import LINE_HEIGHT, text_lines
from explainer.site_folder.inputs import read_inputs
from explainer.store.loading import load_fact_store

# The label titles the charts had before they stated their findings.
OLD_TITLES = {
    "arrivals": "North Koreans arriving in South Korea each year, 1998–2025",
    "women_share": "Women's share of North Koreans arriving in South Korea, 2002–2025",
    "elite_defectors": "Elite defectors before and after Kim Jong Il's death in December 2011",
    "public_sector": "North Korean defectors working in South Korea's public sector",
}
CHARTS = (*OLD_TITLES, "arrivals_recent", "hana_survey")


def project_store():
    inputs, problems = read_inputs(PROJECT)
    assert not problems
    found, problems = load_fact_store(inputs.data, inputs.settings.language)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    return found


def make_charts(store, names=CHARTS) -> dict:
    result = {}
    for name in names:
        module, problems = run_chart_module(name, PROJECT / "charts" / f"{name}.py", store)
        assert module is not None and not problems, [p.format() for p in problems]
        spec, problems = chart_spec(module)
        assert spec is not None and not problems, [p.format() for p in problems]
        result[name] = (module.definition, spec)
    return result


LAST_YEAR = max(str(year) for year in range(1998, 2100)
                if f"arrivals-{year}" in project_store().facts)  # the latest year the project counts


@pytest.fixture(scope="module")
def store():
    return project_store()


@pytest.fixture(scope="module")
def made(store):
    """Each chart's definition and spec, made once."""
    return make_charts(store)


@pytest.fixture(scope="module")
def provisional_store():
    """The project's facts with the last year's count marked provisional, as a first announcement is (the
    ministry called its corrected count for 2025 final, so the project's own data has none)."""
    found = project_store()
    fact = found.facts[f"arrivals-{LAST_YEAR}"]
    found.facts[fact.id] = dataclasses.replace(fact, provisional=True)
    return found


@pytest.fixture(scope="module")
def made_provisional(provisional_store):
    return make_charts(provisional_store, ("arrivals", "arrivals_recent"))


def svg_text(spec: dict, width: int, scheme: str = "light") -> str:
    """The words of a static picture, as the build renders it: every <text>, its lines joined by newlines."""
    svg = chart_font.engine().vegalite_to_svg(static_spec(spec, scheme, width))
    return "\n".join(re.sub(r"<[^>]+>", "\n", match) for match in re.findall(r"<text[^>]*>.*?</text>", svg, re.S))


# --- titles -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CHARTS)
def test_titles_state_a_finding_with_no_number_but_years(name, made):
    definition, _ = made[name]
    assert definition.title != OLD_TITLES.get(name)
    assert definition.title != definition.label and definition.plain_label == definition.label
    # A year is the only number a title may carry; any other figure belongs to the caption, cited.
    assert all(re.fullmatch(r"(19|20)\d\d", number) for number in re.findall(r"\d+(?:[.,]\d+)*", definition.title)), \
        definition.title


def test_the_arrivals_title_says_where_the_data_peaks(made):
    definition, _ = made["arrivals"]
    peak = max(definition.rows, key=lambda row: row["total"])
    assert f"peaked in {peak['period']}" in definition.title and "pandemic" in definition.title


# --- annotations on the arrivals chart ----------------------------------------------------------------------

def test_arrivals_marks_december_2011_with_the_excerpt_that_says_it(made, store):
    definition, _ = made["arrivals"]
    succession = next(note for note in definition.annotations if "December 2011" in note.text)
    words = store.excerpt(succession.source).words
    assert "December 2011" in words and "Kim Jong-il" in words and "Kim Jong-un took power" in words
    assert "Kim Jong Il died" in succession.text and "Kim Jong Un took power" in succession.text
    assert definition.annotation_sources == (succession.source.source_id,)


def test_arrivals_marks_the_years_before_the_ministry_table_and_greys_exactly_them(made, store):
    definition, spec = made["arrivals"]
    series = store.series["arrivals-by-year"]
    press = next(note for note in definition.annotations if "grey" in note.text)
    # The grey bars are the years whose count does not come from the ministry's table.
    from_press = [row["period"] for row in definition.rows
                  if series.row_source(series.row_by_key(row["period"])) != series.citation.source_id]
    from_press = [period for period in from_press if period < "2002"]
    assert from_press == ["1998", "1999", "2000", "2001"]
    assert f"{from_press[0]} to {from_press[-1]}" in press.text
    muted = [layer for layer in spec["layer"] if isinstance(layer["mark"], dict)
             and layer["mark"].get("style") == "muted"]
    assert len(muted) == 1 and "datum.period < '2002'" in str(muted[0]["transform"]).replace('"', "'")
    # The ministry's table really has no single years before 2002: only its two grouped columns.
    header = store.excerpt(series.citation).table.header
    assert "~'98" in header and "~'01" in header and "'02" in header and "'01" not in header


def test_arrivals_marks_the_provisional_count_with_its_correction(made_provisional, provisional_store):
    definition, spec = made_provisional["arrivals"]
    last = definition.rows[-1]["period"]
    fact = provisional_store.facts[f"arrivals-{last}"]
    assert fact.provisional
    note = next(note for note in definition.annotations if "provisional" in note.label)
    assert fact.label in note.text and "4 February 2026" in note.text and "hollow" in note.text
    hollow = [layer for layer in spec["layer"] if isinstance(layer["mark"], dict)
              and layer["mark"].get("filled") is False]
    assert len(hollow) == 1 and last in str(hollow[0]["transform"])


@pytest.mark.parametrize("name", ["arrivals", "arrivals_recent", "hana_survey"])
def test_annotations_are_in_the_spec_the_pictures_and_the_alt_text(name, made, made_provisional):
    # The recent-years chart's only note is the provisional one: it is checked where the last count is provisional.
    definition, spec = (made_provisional if name == "arrivals_recent" else made)[name]
    assert definition.annotations
    for note in definition.annotations:
        assert note.text in definition.alt and note.text in spec["description"]
    for width in PICTURE_WIDTHS.values():
        words = svg_text(spec, width, "dark")
        for note in definition.annotations:
            for line in note.label:
                assert line in words, (name, width, line)


@pytest.mark.parametrize("name", ["arrivals", "arrivals_recent"])
def test_a_final_last_count_is_drawn_like_every_other_year(name, made, store):
    definition, spec = made[name]
    assert not store.facts[f"arrivals-{LAST_YEAR}"].provisional
    assert not [note for note in definition.annotations if "provisional" in note.label]
    assert "provisional" not in definition.alt and "provisional" not in str(spec["layer"])


def test_a_provisional_note_is_made_only_from_the_fact(store):
    fact = store.facts["arrivals-2025"]
    note = provisional_note(fact, "its bar is hollow")
    assert note.label == ("provisional",) and note.source is None
    assert note.text == ("Arrivals in 2025: a provisional count, as corrected on 4 February 2026, which may still be "
                         "revised; its bar is hollow.")


# --- the recent years at their own scale -----------------------------------------------------------------------

def test_the_recent_view_plots_2019_to_the_last_year_at_its_own_scale(made, store):
    definition, spec = made["arrivals_recent"]
    series = store.series["arrivals-by-year"]
    expected = [{"period": row.values["period"], "total": row.values["total"]} for row in series.rows
                if row.values["period"] >= "2019"]
    assert list(definition.rows) == expected and expected[0]["period"] == "2019"
    domains = [layer["encoding"]["y"]["scale"]["domain"] for layer in spec["layer"]
               if "scale" in layer.get("encoding", {}).get("y", {})]
    peak = max(row.values["total"] for row in series.rows)
    # The axis ends near this view's own tallest bar, far below 2009's peak, so the small years show.
    assert domains and all(domain[1] < peak / 2 for domain in domains)
    assert max(row["total"] for row in expected) <= domains[0][1]


def test_the_recent_view_is_in_the_recovery_section_of_the_arrivals_chapter():
    text = (PROJECT / "content" / "arrivals.md").read_text(encoding="utf-8")
    section = text.split("## A partial recovery", 1)[1].split("\n## ", 1)[0]
    assert "{{chart:arrivals_recent}}" in section.splitlines()


# --- the Hana survey chart ---------------------------------------------------------------------------------------

def test_the_hana_chart_plots_exactly_its_cited_facts_and_invents_no_rate(made, store):
    definition, spec = made["hana_survey"]
    plotted = [value for row in spec["datasets"]["rows"] for key, value in row.items()
               if isinstance(value, (int, float))]
    cited = [store.facts[fact_id].value for fact_id in definition.cites]
    assert sorted(plotted) == sorted(cited)
    assert all(store.facts[fact_id].source_id in ("sbs-2025-hana-survey", "yonhap-taptalk-2024-12-27")
               for fact_id in definition.cites)
    by_year = {(row["measure"], row["survey"]): row for row in definition.rows}
    facts = store.facts
    assert by_year["Employment rate", "2024"]["defectors"] == facts["employment-defectors-2024"].value
    assert by_year["Employment rate", "2024"]["everyone"] == facts["employment-general-2024"].value
    assert by_year["Unemployment rate", "2024"]["everyone"] == facts["unemployment-general-2024"].value
    assert by_year["Unemployment rate", "2025"]["defectors"] == facts["unemployment-defectors-2025"].value
    # No rate for everyone in 2025 was published: none is shown, and the published gap is, as published.
    for measure, gap in (("Employment rate", "employment-gap-2025"), ("Unemployment rate", "unemployment-gap-2025")):
        assert by_year[measure, "2025"]["everyone"] is None
        assert by_year[measure, "2025"]["gap"] == facts[gap].value
    notes = {note.text for note in definition.annotations}
    assert len(notes) == 2 and all("gave no" in text for text in notes)


def test_the_life_chapter_shows_the_hana_chart_in_its_work_section():
    text = (PROJECT / "content" / "life.md").read_text(encoding="utf-8")
    section = text.split("## Work and unemployment", 1)[1].split("\n## ", 1)[0]
    assert "{{chart:hana_survey}}" in section.splitlines()


# --- the engine's checks ---------------------------------------------------------------------------------------

def module_with(definition: ChartDefinition) -> ChartModule:
    return ChartModule("test", Path("charts/test.py"), definition, 3)


def annotated(label: tuple[str, ...], drawn: tuple[str, ...], alt_text: str) -> ChartDefinition:
    note = Annotation(label=label, text="The last bar is provisional.")
    bars = alt.Chart(ROWS).mark_bar().encode(x="year:O", y="people:Q")
    words = alt.Chart(ROWS).mark_text(text=list(drawn)).encode(x="year:O", y="people:Q")
    return ChartDefinition(title="t", caption="c", alt=alt_text, cites=("arrivals-by-year",),
                           columns=(ChartColumn("year", "Year"), ChartColumn("people", "People", "people")),
                           rows=({"year": "2024", "people": 1},), chart=alt.layer(bars, words),
                           annotations=(note,))


def test_an_annotation_that_is_not_drawn_or_not_said_fails_the_chart():
    said = "A bar chart. The last bar is provisional."
    spec, problems = chart_spec(module_with(annotated(("provisional",), ("provisional",), said)))
    assert spec is not None and not problems
    spec, problems = chart_spec(module_with(annotated(("provisional", "count"), ("provisional",), said)))
    assert spec is None and "is not drawn" in problems[0].message and "'count'" in problems[0].message
    assert problems[0].path == Path("charts/test.py") and problems[0].line == 3
    spec, problems = chart_spec(module_with(annotated(("provisional",), ("provisional",), "A bar chart.")))
    assert spec is None and "alt text does not say" in problems[0].message


def test_cell_fact_finds_the_fact_tied_to_a_series_cell_or_none(store):
    assert cell_fact(store, "arrivals-by-year", "2025", "total").id == "arrivals-2025"
    assert cell_fact(store, "arrivals-by-year", "2025", "women").id == "arrivals-2025-women"
    assert cell_fact(store, "arrivals-by-year", "1890", "total") is None


def test_text_lines_above_end_at_the_anchor_and_below_start_under_it():
    above = text_lines(("a", "b", "c"), above=True, gap=4)
    assert above["baseline"] == "bottom" and above["dy"] == -4 - 2 * LINE_HEIGHT and above["text"] == ["a", "b", "c"]
    below = text_lines(("a",), gap=2)
    assert below["baseline"] == "top" and below["dy"] == 2
