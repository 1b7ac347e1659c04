"""One home for each rule about a number: the derived operations (derived_operations.OPERATIONS) and the units
(units.UNITS). A wrong count of inputs is an error at the fact's "of", never a figure whose check computed
fewer inputs than its card writes; the schema, the check and the card all ask the same tables."""
import json
import re
import shutil

import pytest

from conftest import SITES
from explainer.store import schema as fact_schema
from explainer.render.cards import working_element
from explainer.store.checks import check_fact_store
from explainer.store.derived_operations import OPERATIONS
from explainer.site_folder.inputs import read_inputs
from explainer.store.numbers import format_value
from explainer.effects.boundary import BuildEffects
from explainer.pipeline import build
from explainer.store.units import UNITS
from markdown.serializers import to_html_string
from test_facts import FACTS, errors, fact, files, load, only, series

DIFFERENCE_OF_THREE = {"id": "gap", "value": 0, "unit": "people", "label": "Gap", "as_of": "2024",
                       "derived": {"op": "difference", "of": ["jobs-2024", "before", "rise"], "tolerance": 0}}


def inputs():
    return [fact(), fact(id="before", value=194, excerpt="rise"), fact(id="rise", value=17, excerpt="rise")]


def position_of_of(text: str, fact_id: str) -> tuple[int, int]:
    """Line and column (from 1) of the "of" of the fact with this id, as json.dumps(indent=2) wrote it."""
    offset = text.index('"of"', text.index(f'"id": "{fact_id}"'))
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- the count of inputs --------------------------------------------------------------------------------------

def test_a_difference_of_three_facts_is_an_error_at_its_of():
    facts = [*inputs(), DIFFERENCE_OF_THREE]
    store, problems = load(facts=facts)
    problem = only(problems)
    text = files(facts=facts)[FACTS]
    assert problem.path == FACTS and (problem.line, problem.col) == position_of_of(text, "gap")
    assert problem.message.startswith('derived fact "gap": "difference" (the first minus the second: a − b) takes '
                                      'exactly 2 facts in "of", but "of" names 3: write "of": [the figure, what is '
                                      "taken from it]. To combine more, compute in steps")
    assert '"of"' in problem.source_line
    # Dropped as a fact failing its schema is: no card can write three inputs of a check that computed two.
    assert "gap" not in store.facts and problem.lost_ids == ("gap",)
    assert not any("gap" in p.message for p in check_fact_store(store))


def test_a_share_of_one_fact_is_an_error_saying_what_of_needs():
    share = {"id": "share", "value": 50, "unit": "percent", "label": "Share", "as_of": "2024",
             "derived": {"op": "share", "of": ["jobs-2024"]}}
    problem = only(load(facts=[fact(), share])[1])
    assert (problem.line, problem.col) == position_of_of(files(facts=[fact(), share])[FACTS], "share")
    assert 'derived fact "share": "share"' in problem.message
    assert 'takes exactly 2 facts in "of", but "of" names 1: write "of": [the part, the whole].' in problem.message
    assert "in steps" not in problem.message  # too few: nothing to split


@pytest.mark.parametrize("op", ["share", "ratio", "difference"])
@pytest.mark.parametrize("count", [0, 1, 3])
def test_every_fixed_count_operation_refuses_another_count(op, count):
    derived = {"id": "derived", "value": 1, "unit": "number", "label": "D", "as_of": "2024",
               "derived": {"op": op, "of": ["jobs-2024", "before", "rise"][:count]}}
    problem = only(errors(load(facts=[*inputs(), derived])[1]))
    assert f'"{op}"' in problem.message and f'"of" names {count}' in problem.message


def test_a_sum_takes_two_or_more():
    total = {"id": "total", "value": 422, "unit": "people", "label": "Total", "as_of": "2024",
             "derived": {"op": "sum", "of": ["jobs-2024", "before", "rise"], "tolerance": 0}}
    store, problems = load(facts=[*inputs(), total])
    assert problems == [] and not [p for p in check_fact_store(store) if "total" in p.message]
    alone = {**total, "derived": {"op": "sum", "of": ["jobs-2024"]}}
    assert "takes 2 or more facts" in only(load(facts=[*inputs(), alone])[1]).message


def test_a_derived_column_of_a_series_has_the_same_rule():
    record = series()
    record["columns"].append({"name": "gap", "label": "Gap", "unit": "people",
                              "derived": {"op": "difference", "of": ["total", "men", "women"]}})
    for row in record["rows"]:
        row["gap"] = 0
    store, problems = load(series_record=record)
    problem = only(problems)
    assert str(problem.path).endswith("arrivals.json")
    assert problem.message.startswith('column "gap" of series "arrivals": "difference"')
    assert 'takes exactly 2 columns in "of", but "of" names 3' in problem.message
    assert '"of"' in problem.source_line and "arrivals" not in store.series


def test_the_check_never_computes_from_some_of_the_inputs():
    with pytest.raises(ValueError):
        OPERATIONS["difference"].apply([48250, 41300, 3100])
    assert OPERATIONS["difference"].apply([48250, 41300]) == 6950
    assert OPERATIONS["share"].apply([1, 0]) is None  # divides by zero
    assert OPERATIONS["sum"].apply([1, 2, 3]) == 6


# --- one table, asked by every place --------------------------------------------------------------------------

def test_the_schema_takes_its_operations_and_units_from_the_tables():
    assert fact_schema.DERIVED["properties"]["op"]["enum"] == list(OPERATIONS)
    assert fact_schema.COLUMN_DERIVED["properties"]["op"]["enum"] == list(OPERATIONS)
    # Every plain unit of the table, and nothing else but the one line of advice on writing a currency.
    assert fact_schema.UNIT["else"]["enum"][:-1] == [name for name in UNITS if not UNITS[name].takes_currency]
    assert {"people", "percent", "percentage-points", "times", "years", "number", "year"} <= set(UNITS)


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_the_card_writes_each_operation_as_the_table_does(op):
    operation = OPERATIONS[op]
    values = {"share": 8.1, "ratio": 1.1, "difference": 17, "sum": 405}
    derived = {"id": "derived", "value": values[op], "unit": "number", "label": "D", "as_of": "2024",
               "derived": {"op": op, "of": ["rise", "jobs-2024"], "tolerance": 0.1}}
    store, problems = load(facts=[*inputs(), derived])
    assert problems == []
    html = to_html_string(working_element(store.facts["derived"], store))
    text = re.sub(r"<[^>]+>", "", html)
    assert text == f"Our calculation: 17{operation.symbol}211{operation.then} = {store.facts['derived'].display}"


def test_each_unit_is_written_as_the_table_says():
    for unit in UNITS.values():
        shown = format_value(12.5, unit.name)
        assert shown == "12.5" + ("%" if unit.percent else "") + (f" {unit.words}" if unit.words else "")
    assert format_value(3.0, "percentage-points", decimals=1) == "3.0 percentage points"
    assert format_value(2.9, "times") == "2.9 times"
    assert format_value(2914, "a unit of a chart module's own") == "2,914"  # outside the table: a plain number


# --- through the whole build ----------------------------------------------------------------------------------

def tiny(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "tiny", root)
    # With the address it is published at: without one, --strict stops at the share images' warning.
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    (root / "site.json").write_text(json.dumps({**settings, "url": "https://example.org/tiny-explainer/"}),
                                    encoding="utf-8")
    return root


def build_site(root):
    site_inputs, problems = read_inputs(root)
    assert problems == []
    return build(site_inputs, BuildEffects(index_search=None))


def test_a_good_difference_still_builds_with_its_working(tmp_path):
    result = build_site(tiny(tmp_path))
    assert not result.failed(strict=True), [p.format() for p in result.problems]
    page = result.files["index.html"].decode()
    assert re.search(r'>211</a> − <a [^>]*>194</a> = 17</span>', page)


def test_the_three_input_difference_fails_the_strict_build_at_its_line(tmp_path):
    """The issue's reproduction: "48,250 − 41,300 − about 3,100 = 6,950" passed --strict."""
    root = tiny(tmp_path)
    path = root / "data/facts/main.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    rise = next(item for item in document["facts"] if item["id"] == "public-sector-rise")
    rise["derived"]["of"].append("residents")
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    result = build_site(root)
    assert result.failed(strict=False) and result.files == {}
    problem = result.problems[0]
    text = path.read_text(encoding="utf-8")
    assert problem.path == path and (problem.line, problem.col) == position_of_of(text, "public-sector-rise")
    assert 'derived fact "public-sector-rise": "difference"' in problem.message
    assert not any("211 − 194 − " in p.message for p in result.problems)
