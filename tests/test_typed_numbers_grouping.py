"""The typed-number rule reads numbers as the edition's language writes them (issue 18, "a new edition takes no
change to the engine"): in French "48 250" is one number, whether Babel wrote it (with a narrow no-break space)
or a writer typed it (with a space), so a fact's value written by Babel in a chart's words is the fact's value,
and a number typed into French prose is reported once, as itself, not as "48" and "250"."""
from __future__ import annotations

from pathlib import Path

import pytest

from explainer.charts.modules import run_chart_module
from explainer.charts.typed_numbers import typed_number_problems
from explainer.numbers import format_value
from explainer.prose.markdown_stage import render_markdown
from explainer.prose.token_marks import bare_numbers
from explainer.site_folder.inputs import read_inputs
from explainer.site_folder.pages import read_pages
from explainer.site_folder.scaffold import STARTER
from explainer.store.facts import FactStore
from explainer.store.loading import load_fact_store

NARROW = "\u202f"  # what Babel writes between groups of digits in French
NO_BREAK = "\u00a0"  # what it writes in Swedish, Norwegian, Russian, Polish


@pytest.mark.parametrize(("language", "text", "numbers"), [
    ("en", "2,914.5 people, 71.2% in 2009, 1,2345", ["2,914.5", "71.2%", "1"]),  # as English always read
    ("fr", f"48{NARROW}250 livres, 48{NO_BREAK}250, 48 250 et 1 234 567,5 en 2024", [
        f"48{NARROW}250", f"48{NO_BREAK}250", "48 250", "1 234 567,5"]),
    ("fr", "12 3456 et le 4 février 2026", ["12", "3456"]),  # a group is three digits; a date is no figure
    ("de", "2.914,5 und 48.250", ["2.914,5", "48.250"]),
    ("de-CH", "48’250 und 48'250", ["48’250", "48'250"]),
    ("sv", f"48{NO_BREAK}250 böcker", [f"48{NO_BREAK}250"]),
    ("hi", "12,34,567", ["12,34,567"]),  # CLDR's grouping of two after the first three
])
def test_a_number_is_read_as_its_language_groups_its_digits(language, text, numbers):
    assert [match.group(0) for match in bare_numbers(text, language)] == numbers


# --- a chart's words in the French edition ----------------------------------------------------------------------

MODULE = '''"""A probe of a chart's words in the French edition."""
import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, series
from explainer.numbers import format_value


def chart(store):
    loans = series(store, "loans-by-year")
    (latest,) = facts(store, "loans-2024")
    rows = tuple({"year": row.values["year"], "loans": row.values["loans"]} for row in loans.rows)
    return ChartDefinition(
        title="Livres prêtés chaque année",
        caption=CAPTION,
        alt="Graphique linéaire des livres prêtés.",
        cites=("loans-by-year", "loans-2024"),
        columns=(ChartColumn("year", "Année"), ChartColumn("loans", "Livres prêtés", "number")),
        rows=rows,
        chart=alt.Chart(ROWS).mark_line().encode(x="year:O", y="loans:Q"),
    )
'''


@pytest.fixture(scope="module")
def french_store() -> FactStore:
    """The starter's facts as its French edition shows them: every value written by Babel's French rules."""
    inputs, problems = read_inputs(STARTER)
    assert problems == []
    store, problems = load_fact_store(inputs.data, "en", ("en", "fr"))
    assert not [problem for problem in problems if problem.severity == "error"]
    return store.in_language("fr")


def caption_problems(tmp_path: Path, store: FactStore, caption: str):
    path = tmp_path / "probe.py"
    path.write_text(MODULE.replace("=CAPTION", f"={caption}"), encoding="utf-8")
    module, problems = run_chart_module("probe", path, store)
    assert problems == [] and module is not None, [p.format() for p in problems]
    return typed_number_problems(module, store)


def test_a_facts_value_written_by_babel_in_french_is_the_facts_value(tmp_path, french_store):
    assert french_store.facts["loans-2024"].display == f"48{NARROW}250"  # Babel's French form of 48,250
    assert format_value(42180, "number", language="fr") == f"42{NARROW}180"
    caption = ('f"Les prêts ont atteint {latest.display} en 2024, et '
               '{format_value(rows[1][\'loans\'], \'number\', language=store.language)} en {rows[1][\'year\']}."')
    assert caption_problems(tmp_path, french_store, caption) == []


@pytest.mark.parametrize("typed", ["48 250", f"48{NARROW}250"])
def test_a_number_typed_into_french_chart_words_is_reported_once_as_itself(tmp_path, french_store, typed):
    problems = caption_problems(tmp_path, french_store, f'"Les prêts ont atteint {typed} en 2024."')
    assert [problem.message.split(" in the chart")[0] for problem in problems] == [f'the number "{typed}"']
    assert "typed by hand" in problems[0].message  # even though it equals the fact's value


def test_english_grouping_in_french_words_is_no_value_of_the_data(tmp_path, french_store):
    # Python's "{:,}" writes 35,120, which a French reader reads as 35.12: not a value of the chart's data.
    problems = caption_problems(tmp_path, french_store, 'f"{rows[1][\'loans\']:,} livres prêtés."')
    assert [problem.message.split(" is ")[0] for problem in problems] == [
        'the number "35,120" in the chart\'s caption']


# --- a French page's prose --------------------------------------------------------------------------------------

def prose_problems(store: FactStore, body: str):
    pages, problems = read_pages({Path("content/fr/loans.md"): f"---\ntitle: Les prêts\n---\n{body}\n"})
    assert problems == []
    return pages[0], render_markdown(pages, store, {})


@pytest.mark.parametrize("typed", ["48 250", f"48{NARROW}250", f"48{NO_BREAK}250"])
def test_a_number_typed_near_a_fact_in_french_prose_is_reported_once_at_its_place(french_store, typed):
    line = f"La bibliothèque a prêté {{{{loans-2024}}}} livres en 2024, et non {typed} comme on l'a lu."
    page, problems = prose_problems(french_store, line)
    assert f"48{NARROW}250" in page.html  # the fact, as Babel writes it in French: no warning for it
    assert [(p.line, p.col, p.message.split(" is ")[0]) for p in problems] == [
        (4, line.index(typed) + 1, f'the number "{typed}"')]
    assert "typed into the prose" in problems[0].message


def test_a_french_decimal_is_one_number_and_a_year_is_none(french_store):
    _, problems = prose_problems(french_store, "En 2024, le taux était de 12,5 % et le 4 février 2026 aussi.")
    assert [p.message.split(" is ")[0] for p in problems] == ['the number "12,5"']
